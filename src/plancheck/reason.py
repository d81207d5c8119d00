"""A verdict's reason in both languages of the reports.

The English text is the string itself: it is what JSON, SARIF, JUnit and log lines
carry, and what tests read. The Chinese reading travels with it (``.zh``) so the
Markdown, HTML and terminal reports can speak the documents' language without a
second set of rules. Concatenation and joining keep the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable


class Reason(str):
    zh: str

    def __new__(cls, en: str, zh: str) -> Reason:
        reason = super().__new__(cls, en)
        reason.zh = zh
        return reason

    def __add__(self, other: str) -> Reason:  # type: ignore[override]
        if not other:  # the common "+ no caveat": keep the shared constant, allocate nothing
            return self
        # str.__add__ joins the English without copying either side first (there is a row per target pair)
        return Reason(str.__add__(self, other), self.zh + (other.zh if isinstance(other, Reason) else other))

    def __radd__(self, other: str) -> Reason:
        """A plain prefix (``"x: " + reason``) keeps the Chinese reading: Python asks a str
        subclass on the right before ``str.__add__`` on the left would drop it."""
        if not isinstance(other, str):
            return NotImplemented
        return Reason(str.__add__(other, self), other + self.zh)

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return (str(self), self.zh)  # str's own would drop the Chinese reading when pickled or copied


def zh_of(text: str) -> str:
    """The Chinese reading of a reason; plain strings (numbers, quotes) read the same in both."""
    return text.zh if isinstance(text, Reason) else str(text)


def in_language(text: str, lang: str) -> str:
    return zh_of(text) if lang == "zh" else str(text)


def join(parts: Iterable[str], en: str = "; ", zh: str = "；") -> Reason:
    parts = list(parts)
    return Reason(en.join(str(p) for p in parts), zh.join(zh_of(p) for p in parts))


EMPTY = Reason("", "")
