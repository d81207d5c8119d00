"""The ways a run stops before its report: unusable configuration, an option or request the
run refuses, and a run that cannot finish (exit 2); a signal while a report is written
(exit 128 + signal).

Kept apart from the modules that raise them (configuration readers, the worker processes of
``--jobs``, the report writer), so the command line can recognise them without importing
those modules, and pydantic or tempfile with them, at start-up.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plancheck.findings import Finding


class ConfigError(Exception):
    """Configuration cannot be used; carries located findings for the reporter."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(findings[0].message if findings else "configuration error")
        self.findings = findings


class RunFailure(Exception):
    """The run could not finish (a worker process died, or failed); ``str()`` is the one line
    the user sees. Nothing was written: reports are written only after a run completes."""


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class Interrupted(BaseException):
    """A signal arrived while a report was being written (a BaseException, like
    KeyboardInterrupt, so no ``except Exception`` swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal_name(signum))
        self.signum = signum


class UsageError(Exception):
    """An option the command line cannot take (``param_hint`` names it): shown as typer shows a
    bad parameter, with the command's ``--help`` hint, exit 2."""

    def __init__(self, message: str, param_hint: str) -> None:
        super().__init__(message)
        self.param_hint = param_hint


class Refused(Exception):
    """The run refuses what it was asked (an output that exists without ``--force``, a git ref
    that cannot be read); ``str()`` is the line shown after ``plancheck: ``, exit 2."""
