"""The HTML report's charts as inline SVG text: pure functions from report data to markup.

SVG written as text keeps the report one self-contained, printable file (no scripts, no
fonts or images fetched) and lets tests read every chart back with an XML parser. Colour
never carries meaning alone: every mark also carries its verdict symbol as text and every
legend spells the label, so a greyscale print or a colour-blind reader loses nothing. The
hues are report.css's, so charts and tables agree. Output depends on the input only (ids
come from a hash of it), so reports stay byte-deterministic. Text widths are estimated,
not measured (no font is available here): CJK characters count as one em, others as
0.6 em, generously, so that estimated fits are real fits.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from plancheck.findings import Verdict
from plancheck.reporters.comparison import VERDICT_LABELS
from plancheck.wording import format_number

FONT = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
        '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif')
INK, MUTED, RULE, WHITE = "#1b1f24", "#57606a", "#d0d7de", "#ffffff"
_CSS = {"weaker": "#b42318", "missing": "#b54708", "warn": "#8a6d00", "ok": "#1a7f37", "neutral": "#57606a",
        "conflict": INK}
"""report.css's verdict colours (conflict has none there: the ink)."""
_GROUP = {Verdict.WEAKER: "weaker", Verdict.MISSING: "missing", Verdict.UNQUANTIFIED: "warn",
          Verdict.CONDITION_UNKNOWN: "warn", Verdict.STRICTER: "ok", Verdict.EQUAL: "ok",
          Verdict.DEFERRED: "neutral", Verdict.NOT_COMPARABLE: "neutral", Verdict.NOT_APPLICABLE: "neutral",
          Verdict.OUT_OF_HORIZON: "neutral", Verdict.CONFLICT: "conflict"}
_STRENGTH = {"weaker": 1.0, "missing": 1.0, "conflict": 1.0, "warn": 0.4, "ok": 0.3, "neutral": 0.2}
"""How much of its colour a verdict's fill carries: full for what fails, a tint for the rest,
so the problems stand out of a mostly passing matrix."""
_BAD_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u202a-\u202e\u2066-\u2069]")
"""Characters XML forbids (an SVG with one does not parse) and bidirectional overrides."""


def _tint(colour: str, strength: float) -> str:
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02x}" for c in rgb)


def text_colour(verdict: str) -> str:
    """The verdict's colour for text on white, as report.css colours the tables."""
    return _CSS[_GROUP[Verdict(verdict)]]


def cell_colours(verdict: str) -> tuple[str, str]:
    """(fill, text on that fill) for a verdict's mark."""
    group = _GROUP[Verdict(verdict)]
    strength = _STRENGTH[group]
    return _tint(_CSS[group], strength), WHITE if strength == 1.0 else INK


def symbol(verdict: str) -> str:
    return VERDICT_LABELS[Verdict(verdict)][0]


def _clean(text: str) -> str:
    return _BAD_XML.sub("", text)


def _t(text: str) -> str:
    """Text content, XML-escaped."""
    return escape(_clean(text))


def _n(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros, never ``-0``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _a(**attributes: object) -> str:
    """Attributes from keywords (``font_size`` → ``font-size``), floats as coordinates, quoted."""
    parts = []
    for key, value in attributes.items():
        shown = _n(value) if isinstance(value, float) else _clean(str(value))
        parts.append(f"{key.rstrip('_').replace('_', '-')}={quoteattr(shown)}")
    return " ".join(parts)


def _width(text: str, size: float) -> float:
    return sum(size * (1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.6) for c in text)


def _fits(text: str, size: float, width: float) -> int:
    """How many leading characters of ``text`` fit ``width``."""
    used = 0.0
    for count, char in enumerate(text):
        used += _width(char, size)
        if used > width:
            return count
    return len(text)


def _fit(text: str, size: float, width: float) -> tuple[str, bool]:
    """The text, or its longest start that fits ``width`` followed by an ellipsis; and whether it was cut."""
    if _fits(text, size, width) == len(text):
        return text, False
    return text[:_fits(text, size, width - _width("…", size))].rstrip() + "…", True


def _text(x: float, y: float, text: str, *, full: str = "", **attributes: object) -> str:
    """A text element; ``full`` (the uncut text) goes in a ``<title>`` child, a tooltip and the accessible name."""
    tip = f"<title>{_t(full)}</title>" if full else ""
    return f"<text {_a(x=float(x), y=float(y), **attributes)}>{tip}{_t(text)}</text>"


def _rect(x: float, y: float, w: float, h: float, **attributes: object) -> str:
    return f"<rect {_a(x=float(x), y=float(y), width=float(max(w, 0.0)), height=float(h), **attributes)}/>"


def _line(x1: float, y1: float, x2: float, y2: float, **attributes: object) -> str:
    return f"<line {_a(x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attributes)}/>"


def _svg(width: float, height: float, label: str, body: list[str], kind: str, *, max_width: bool = True) -> str:
    style = f' style="max-width:{_n(width)}px;height:auto"' if max_width else ' style="height:auto"'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" {_a(viewBox=f"0 0 {_n(width)} {_n(height)}")} '
            f'width="100%" preserveAspectRatio="xMinYMin meet" role="img" {_a(aria_label=label)} '
            f'{_a(class_=f"chart chart-{kind}", font_family=FONT, font_size=12, fill=INK)}{style}>'
            f"<title>{_t(label)}</title>{''.join(body)}</svg>")


def _legend(entries: list[tuple[str, str]], top: float, width: float, size: float = 11) -> tuple[list[str], float]:
    """Swatches with their labels (symbol and word), wrapped to ``width``; the marks and the height used."""
    marks, x, y, line = [], 0.0, top, size + 6
    for verdict, text in entries:
        need = size + 4 + _width(text, size) + 14
        if x and x + need > width:
            x, y = 0.0, y + line
        fill, _ = cell_colours(verdict)
        marks.append(_rect(x, y, size, size, fill=fill, stroke=INK, stroke_width=0.5))
        marks.append(_text(x + size + 4, y + size * 0.88, text, font_size=size))
        x += need
    return marks, (y + line - top) if entries else 0.0


# --- the verdict bar -------------------------------------------------------------------------------------

BAR_W, BAR_H = 760.0, 28.0


def verdict_bar(counts: list[tuple[str, str, int]], *, title: str) -> str:
    """One comparison's verdicts as a stacked bar: a segment per (verdict, label, count), in the order given,
    as wide as its share; each segment's symbol and count inside it, or, when it is too narrow, below it
    on a leader line; then a legend of the labels with their counts."""
    shown = [(v, label, n) for v, label, n in counts if n > 0]
    total = sum(n for _, _, n in shown)
    body = [_rect(0, 0, BAR_W, BAR_H, fill=WHITE, stroke=RULE)]
    lanes: list[float] = []  # the right end of the last callout in each lane below the bar
    callouts: list[str] = []
    done = 0
    for verdict, label, n in shown:
        x0, x1 = BAR_W * done / total, BAR_W * (done + n) / total
        done += n
        fill, ink = cell_colours(verdict)
        body.append(f"<g {_a(class_='segment', data_verdict=verdict, data_count=n)}>"
                    f"<title>{_t(f'{label}: {n}')}</title>{_rect(x0, 0, x1 - x0, BAR_H, fill=fill, stroke=WHITE)}")
        mark = f"{symbol(verdict)} {n}"
        width = _width(mark, 12)
        if width + 6 <= x1 - x0:
            body.append(_text((x0 + x1) / 2, BAR_H / 2 + 4.2, mark, text_anchor="middle", fill=ink))
        else:  # beside the segment: in the first lane below the bar with room for it
            centre = (x0 + x1) / 2
            left = min(max(centre - width / 2, 0.0), BAR_W - width)
            lane = next((i for i, end in enumerate(lanes) if left >= end + 6), len(lanes))
            if lane == len(lanes):
                lanes.append(-math.inf)
            left = max(left, lanes[lane] + 6)
            lanes[lane] = left + width
            y = BAR_H + 16 + 16 * lane
            callouts.append(_line(centre, BAR_H, min(max(centre, left), left + width), y - 11, stroke=MUTED,
                                  stroke_width=0.75))
            callouts.append(_text(left, y, mark, fill=text_colour(verdict)))
        body.append("</g>")
    if total == 0:
        body.append(_text(BAR_W / 2, BAR_H / 2 + 4.2, "0", text_anchor="middle", fill=MUTED))
    top = BAR_H + 16 * len(lanes) + 12
    legend, used = _legend([(v, f"{label} {n}") for v, label, n in shown], top, BAR_W)
    height = top + used
    return _svg(BAR_W, height, title, body + callouts + legend, "verdicts")


# --- upper and lower values --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ValuePair:
    """One quantified target compared: its label, unit, both values and the verdict with its gap."""

    label: str
    unit: str
    upper: float
    lower: float
    verdict: str
    verdict_label: str
    gap_text: str


PAIR_W, PAIR_ROW = 760.0, 50.0
_LABEL_W, _SIDE_W, _THICK = 190.0, 44.0, 13.0


def value_text(value: float, unit: str) -> str:
    """``22%``, ``3500万千瓦``, ``0.4 tCO2/万元``: a Latin unit apart, as the gap column writes it."""
    if not math.isfinite(value):
        return "—"
    apart = unit and unit[0] != "%" and unicodedata.east_asian_width(unit[0]) not in "WF"
    return f"{format_number(value)}{' ' if apart else ''}{unit}"


def value_pairs(pairs: list[ValuePair], *, upper_label: str, lower_label: str, title: str) -> str:
    """Each quantified target's upper and lower value as two bars, scaled within the row (the units differ),
    the value at each bar's end, the gap between the ends marked on a band between the bars (absent when
    they are equal), and the verdict at the row's end. The lower bar is hatched and both are labelled, so
    a greyscale print tells them apart."""
    hatch = "hatch-" + hashlib.sha256(repr((pairs, upper_label, lower_label, title)).encode()).hexdigest()[:12]
    values = [value_text(v, p.unit) for p in pairs for v in (p.upper, p.lower)]
    value_w = min(max((_width(v, 11) for v in values), default=0.0) + 10, 130.0)
    gap_w = min(max((_width(p.gap_text, 11) for p in pairs), default=0.0) + 14, 110.0)
    verdict_w = min(max((_width(p.verdict_label, 12) * 1.1 for p in pairs), default=0.0) + 8, 170.0)  # bold
    x0 = _LABEL_W + _SIDE_W
    length = max(PAIR_W - x0 - value_w - gap_w - verdict_w, 120.0)
    columns = (x0, length, x0 + length + value_w, gap_w, verdict_w)
    width = max(PAIR_W, x0 + length + value_w + gap_w + verdict_w)
    pattern = _a(id=hatch, width=5, height=5, patternUnits="userSpaceOnUse", patternTransform="rotate(45)")
    body = [f"<defs><pattern {pattern}>{_rect(0, 0, 5, 5, fill=WHITE)}{_line(0, 0, 0, 5, stroke=INK, stroke_width=2)}"
            "</pattern></defs>"]
    for i, pair in enumerate(pairs):
        body += _pair_row(pair, i * PAIR_ROW + 4, columns, (upper_label, lower_label), hatch, width)
    return _svg(width, max(len(pairs) * PAIR_ROW, 10.0), title, body, "values")


def _pair_row(pair: ValuePair, y: float, columns: tuple[float, ...], sides: tuple[str, str], hatch: str,
              width: float) -> list[str]:
    x0, length, gap_x, gap_w, verdict_w = columns
    marks = [f"<g {_a(class_='pair', data_verdict=pair.verdict)}>"]
    first = _fits(pair.label, 12, _LABEL_W - 8)  # two lines, the second cut if need be
    second, cut = _fit(pair.label[first:].lstrip(), 12, _LABEL_W - 8)
    marks.append(_text(0, y + 14, pair.label[:first], full=pair.label if cut else ""))
    if second:
        marks.append(_text(0, y + 30, second))
    finite = [v for v in (pair.upper, pair.lower) if math.isfinite(v)]
    low, high = min([0.0, *finite]), max([0.0, *finite])
    span = (high - low) or 1.0
    zero = x0 - low / span * length
    ends = []
    paints = ({"fill": MUTED}, {"fill": f"url(#{hatch})", "stroke": INK, "stroke_width": 0.75})
    for side, label, value, dy, paint in zip(("upper", "lower"), sides, (pair.upper, pair.lower),
                                             (0.0, _THICK + 10), paints, strict=True):
        marks.append(_text(x0 - 6, y + dy + 10.5, label, text_anchor="end", font_size=11, fill=MUTED))
        end = zero
        if math.isfinite(value):
            tip = x0 + (value - low) / span * length
            a, end = sorted((zero, tip))
            marks.append(_rect(a, y + dy, end - a, _THICK, class_=f"bar bar-{side}", data_value=repr(value), **paint))
            ends.append(tip)
        marks.append(_text(end + 4, y + dy + 10.5, value_text(value, pair.unit), font_size=11, class_="value"))
    band, colour = y + _THICK + 2, text_colour(pair.verdict)
    if len(ends) == 2 and pair.upper != pair.lower:
        a, b = sorted(ends)
        marks.append(f"<g {_a(class_='gap')}>"
                     f"{_rect(a, band, b - a, 6, fill=cell_colours(pair.verdict)[0], stroke=INK, stroke_width=0.5)}"
                     + "".join(_line(x, y + _THICK, x, y + _THICK + 10, stroke=INK) for x in (a, b)) + "</g>")
    gap, cut = _fit(pair.gap_text, 11, gap_w - 12)
    if gap:
        marks.append(_text(gap_x, band + 7, gap, full=pair.gap_text if cut else "", font_size=11, fill=colour,
                           class_="gap-text"))
    shown, cut = _fit(pair.verdict_label, 13.2, verdict_w - 8)
    marks.append(_text(gap_x + gap_w, band + 7, shown, full=pair.verdict_label if cut else "", font_weight=600,
                       fill=colour, class_="verdict"))
    rule = y + PAIR_ROW - 6
    marks.append(_line(0, rule, width, rule, stroke=RULE, stroke_width=0.5) + "</g>")
    return marks


# --- the heat map ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HeatColumn:
    id: str
    name: str


@dataclass(frozen=True)
class HeatRow:
    plan: str
    name: str
    upper: str
    cells: list[str]


PAGE_W, PAGE_H = 1020.0, 680.0
"""A4 landscape inside 12 mm margins at 96 dpi: 270 mm × 180 mm."""
MIN_CELL, MAX_CELL, ROW_MAX = 14.0, 22.0, 18.0
_ROW_LABEL_W, _HEADER_H, _CAPTION_H, _SLANT = 200.0, 120.0, 24.0, 60.0
_HEAD_LEN = (_HEADER_H - 8) / math.sin(math.radians(_SLANT))
"""How long a slanted column name may be: it rises at 60° and must stay inside the header."""
_GRID_W = PAGE_W - _ROW_LABEL_W - _HEAD_LEN * math.cos(math.radians(_SLANT)) - 8
"""The grid's width: the last column's name reaches past the grid by its run."""


def column_pages(count: int) -> list[range]:
    """The columns split into as few even pages as keep every cell at least ``MIN_CELL`` wide."""
    if count == 0:
        return []
    pages = math.ceil(count / int(_GRID_W // MIN_CELL))
    per = math.ceil(count / pages)
    return [range(start, min(start + per, count)) for start in range(0, count, per)]


def heat_map(rows: list[HeatRow], columns: list[HeatColumn], *, rows_per_page: int = 40,
             legend: list[tuple[str, str]], title: str = "") -> list[str]:
    """The check matrix (lower plans × indicators) as one SVG per A4 landscape page: rows split every
    ``rows_per_page``, columns split evenly when a page would need cells narrower than ``MIN_CELL``,
    pages in reading order (all columns of the first rows, then the next rows). Each cell is the verdict's
    colour with its symbol as text, each page has the legend and a caption naming its rows and columns
    (``title`` leads it). Every page has the same width and row height, so all print at one scale."""
    if rows_per_page < 1:
        raise ValueError(f"rows_per_page must be at least 1, not {rows_per_page}")
    if not rows or not columns:
        return []
    col_pages = column_pages(len(columns))
    cell_w = min(MAX_CELL, _GRID_W / len(col_pages[0]))
    legend_marks, legend_h = _legend(legend, 0.0, PAGE_W, 10)
    row_h = min(ROW_MAX, (PAGE_H - _CAPTION_H - _HEADER_H - legend_h - 10) / rows_per_page)
    layout = (cell_w, row_h, min(11.0, row_h - 2, cell_w - 3))
    pages = []
    for start in range(0, len(rows), rows_per_page):
        rs = range(start, min(start + rows_per_page, len(rows)))
        for cs in col_pages:
            caption = (f"{title} " if title else "") + (f"{rs.start + 1}–{rs.stop} / {len(rows)} × "
                                                       f"{cs.start + 1}–{cs.stop} / {len(columns)}")
            body = [_text(0, 15, caption, font_size=12, font_weight=600, class_="caption")]
            body += _heat_grid([rows[r] for r in rs], [columns[c] for c in cs], cs.start, layout)
            legend_top = _CAPTION_H + _HEADER_H + row_h * len(rs) + 10
            body.append(f'<g {_a(class_="legend", transform=f"translate(0 {_n(legend_top)})")}>'
                        f'{"".join(legend_marks)}</g>')
            pages.append(_svg(PAGE_W, legend_top + legend_h, caption, body, "matrix", max_width=False))
    return pages


def _heat_grid(rows: list[HeatRow], columns: list[HeatColumn], first: int,
               layout: tuple[float, float, float]) -> list[str]:
    """One page's column names, row labels, grid lines and cells; ``first`` is the page's first column."""
    cell_w, row_h, size = layout
    top, left = _CAPTION_H + _HEADER_H, _ROW_LABEL_W
    marks = []
    for j, column in enumerate(columns):
        x, y = left + (j + 0.5) * cell_w - 1, top - 3
        shown, _ = _fit(column.name, 11, _HEAD_LEN)
        marks.append(_text(x, y, shown, full=f"{column.name} ({column.id})", font_size=11, class_="column",
                           transform=f"rotate(-{_n(_SLANT)} {_n(x)} {_n(y)})"))
    right, bottom = left + cell_w * len(columns), top + row_h * len(rows)
    lines = [_line(left + j * cell_w, top, left + j * cell_w, bottom) for j in range(len(columns) + 1)]
    lines += [_line(0, top + i * row_h, right, top + i * row_h) for i in range(len(rows) + 1)]
    marks.append(f'<g stroke="{RULE}" stroke-width="0.5">{"".join(lines)}</g>')
    cells = []
    for i, row in enumerate(rows):
        y, baseline = top + i * row_h, top + (i + 0.5) * row_h + size * 0.36
        room = left - 12 - min(_width(row.name, size), 6 * size)  # 6 characters of name
        plan, _ = _fit(row.plan, size, room)
        # and the plan it is compared with, where it fits: with three levels a row is not always
        # against the same upper plan (湖南 against the nation, 湘潭 against 湖南)
        if row.upper and _width(f"{plan} / {row.upper}", size) <= room:
            plan = f"{plan} / {row.upper}"
        name, _ = _fit(row.name, size, left - 12 - _width(plan, size))
        full = f"{row.name} ({row.plan}) / {row.upper}" if row.upper else f"{row.name} ({row.plan})"
        marks.append(f"<text {_a(x=2.0, y=baseline, font_size=_n(size), class_='row')}><title>{_t(full)}</title>"
                     f'{_t(name)} <tspan fill="{MUTED}">{_t(plan)}</tspan></text>')
        for j in range(len(columns)):
            verdict = row.cells[first + j] if first + j < len(row.cells) else ""
            if verdict:
                fill, ink = cell_colours(verdict)
                x, paint = left + j * cell_w, {} if ink == INK else {"fill": ink}  # the ink is inherited
                cells.append(_rect(x + 0.75, y + 0.75, cell_w - 1.5, row_h - 1.5, fill=fill)
                             + _text(x + cell_w / 2, baseline, symbol(verdict), **paint))
    marks.append(f'<g {_a(class_="cells", text_anchor="middle", font_size=_n(size))}>{"".join(cells)}</g>')
    return marks
