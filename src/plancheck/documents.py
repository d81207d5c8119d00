"""Reading a plan's document as text: a ``.txt`` as it is, a ``.docx`` with python-docx, a
text-based ``.pdf`` with pdfminer.six (the ``plancheck[extract]`` extra); and what the text
says of itself: its header (title, issuer, number, date) and where its sections start.

The text read is what ``extract`` writes into ``sources/`` and what the draft's quotes are
verified against, so it is kept as extracted: paragraphs one per line, a table's cells one
row per line, a PDF's paragraphs joined across the page's wraps. A PDF without a text layer
(a scan) has no text to quote; that is said in one line rather than drafted empty. A file
larger than the plans' own cap (``textfiles.MAX_FILE_BYTES``) is refused before a reader
unpacks it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from plancheck.failures import ConfigError, Refused
from plancheck.textfiles import MAX_FILE_BYTES, read_text
from plancheck.textnorm import NormalizedText

SUFFIXES = (".txt", ".docx", ".pdf")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")
MIN_PDF_CHARACTERS = 20
"""Fewer characters than this from every page of a PDF: no text layer to draft from."""


def read_document(path: Path) -> str:
    """The document's text, or ``Refused`` with one line saying why it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise Refused(f"{path}: cannot draft from a {suffix or 'suffix-less'} file (expected .txt, .docx or .pdf)")
    if not path.is_file():
        raise Refused(f"{path}: no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise Refused(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, the most plancheck reads")
    if suffix == ".txt":
        text, problems = read_text(path, str(path))
        if text is None:
            raise ConfigError(problems)
        return text
    if suffix == ".docx":
        return _docx_text(path)
    return _pdf_text(path)


def _docx_text(path: Path) -> str:
    try:
        import docx  # python-docx
    except ImportError:
        raise Refused("reading .docx needs python-docx: pip install 'plancheck[extract]'") from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # a zip that is no Word file, a damaged part: python-docx raises many kinds
        raise Refused(f"{path}: not a readable .docx ({type(exc).__name__})") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines) + "\n"


def _pdf_text(path: Path) -> str:
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        raise Refused("reading .pdf needs pdfminer.six: pip install 'plancheck[extract]'") from None
    try:
        text = extract_text(str(path))
    except Exception as exc:  # pdfminer raises its own kinds for a damaged or encrypted file
        raise Refused(f"{path}: not a readable PDF ({type(exc).__name__})") from None
    if len("".join(text.split())) < MIN_PDF_CHARACTERS:
        raise Refused(f"{path}: the PDF has no text layer (a scanned document?); "
                      "run OCR on it first, or draft from a .docx or .txt")
    return _paragraphs(text)


def _paragraphs(text: str) -> str:
    """pdfminer breaks a paragraph where the page wrapped it, ends it with a blank line and a page
    with a form feed: one line per paragraph, as a ``.txt`` or ``.docx`` has them (a line break
    ends a sentence for the audit and the drafting rules, a wrap must not). A paragraph that runs
    onto the next page (the page's last line is as long as its longest: wrapped, not ended) is
    joined with it. Chinese is joined without a space."""
    paragraphs: list[str] = []
    runs_on = False
    for page in text.split("\f"):
        lines = [[line.strip() for line in block.splitlines() if line.strip()] for block in page.split("\n\n")]
        lines = [block for block in lines if block]
        blocks = [_CJK_GAP.sub("", " ".join(block)) for block in lines]
        if blocks and paragraphs and runs_on:
            paragraphs[-1] += blocks.pop(0)
        paragraphs += blocks
        if lines:
            widest = max(_width(line) for block in lines for line in block)
            runs_on = _width(lines[-1][-1]) >= widest - 1.5
    return "\n".join(paragraphs) + "\n"


def _width(line: str) -> float:
    """A line's width in full-width characters (a Latin letter or digit is half of one)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.5 for ch in line)

# ---------------------------------------------------------------- what the text says of itself

@dataclass(frozen=True)
class DraftHeader:
    """The document entry as far as the text states it; ``None`` where it does not."""

    title: str | None
    issuer: str | None
    number: str | None
    date: str | None


_HEADINGS = (
    (1, re.compile(r"==([一二三四五六七八九十]+)\|")),
    (1, re.compile(r"([一二三四五六七八九十]+)、")),
    (2, re.compile(r"\(([一二三四五六七八九十]+)\)")),
    (3, re.compile(r"-?(\d{1,2})\.(?!\d)")),
)


def sections(norm: NormalizedText) -> list[tuple[int, str]]:
    """Where each section starts (normalised index) and its number, e.g. 三(一)2."""
    starts = [0] + [bisect.bisect_left(norm.origin, offset + 1) for offset in norm.newlines]
    levels: list[str | None] = [None, None, None]
    found: list[tuple[int, str]] = []
    for pos in starts:
        for depth, pattern in _HEADINGS:
            match = pattern.match(norm.text, pos)
            if match is None:
                continue
            levels[depth - 1] = match.group(1)
            for lower in range(depth, 3):
                levels[lower] = None
            top, middle, low = levels
            name = (top or "") + (f"({middle})" if middle else "") + (low or "")
            found.append((pos, name))
            break
    return found


_TITLE = re.compile(r"^[^。，,：:]{4,80}?(?:方案|规划|意见|计划|纲要)(?:[(（][^)）]{0,20}[)）])?$")
_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+\s*号|\[\d{4}\]\d+号")
_ISSUER = re.compile(r"[\u4e00-\u9fff（）()]{2,30}?(?:人民政府|国务院|领导小组|委员会|办公室|办公厅)")
_TITLE_PERIOD = re.compile(r"[(（]((?:19|20)\d{2})\s*[-—–~至]\s*((?:19|20)\d{2})年?[)）]")
_NOTICE = re.compile(r"([\u4e00-\u9fff]{2,20}?(?:人民政府|办公厅|领导小组))?\s*关于印发\s*《([^》]{4,80})》")
_DATED = re.compile(r"[（(]\d{4}年\d{1,2}月\d{1,2}日[）)]$")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*)?日")


def document_header(text: str) -> DraftHeader:
    """Title, issuer, number and date where the first or last lines state them."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head, tail = lines[:20], lines[-12:]
    opening = " ".join(head)[:600]
    notice = _NOTICE.search(opening)  # 湘潭市人民政府关于印发《湘潭市碳达峰实施方案》的通知
    title = notice.group(2) if notice else next(
        (_DATED.sub("", line.strip("《》")) for line in head if _TITLE.match(line.strip("《》"))), None)
    # a number in brackets or after 根据/按照 is a document cited, not this one's
    number = next((m.group().replace(" ", "") for line in head + tail for m in _NUMBER.finditer(line)
                   if not line[max(0, m.start() - 3):m.start()].endswith(("（", "(", "《", "》", "根据", "按照"))), None)
    issuer = notice.group(1) if notice and notice.group(1) else next(
        (m.group() for line in tail[::-1] + head for m in [_ISSUER.fullmatch(line)] if m), None)
    date_match = next((m for line in tail[::-1] + head for m in [_DATE.search(line)] if m), None)
    date = None
    if date_match is not None:  # as much as the text states: a day left blank gives YYYY-MM
        date = f"{date_match.group(1)}-{int(date_match.group(2)):02d}"
        date += f"-{int(date_match.group(3)):02d}" if date_match.group(3) else ""
    if title is not None:  # a PDF's text may break a title between two characters
        title = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", title)
    return DraftHeader(title, issuer, number, date)


def title_period(title: str | None) -> tuple[int, int] | None:
    """The period a title states, (2023, 2025) for …三年行动方案(2023-2025), or None."""
    span = _TITLE_PERIOD.search(title or "")
    return (int(span.group(1)), int(span.group(2))) if span else None
