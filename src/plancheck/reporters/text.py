"""Terminal output through rich: one table per comparison.

rich is imported here, inside the functions, so commands that print plain text
never load it. Plan text is escaped for rich markup and stripped of control
characters before it reaches the terminal.
"""

from __future__ import annotations

import io
from collections import Counter

from plancheck.catalog import Catalog
from plancheck.reason import in_language
from plancheck.reporters.comparison import gap_text, row_of, target_text
from plancheck.reporters.plain import sanitize
from plancheck.reporters.report import (
    LABELS,
    VERDICT_ORDER,
    indicator_names,
    reading_group,
    reading_order,
    skipped_note,
    verdict_label,
)
from plancheck.results import Comparison

_STYLES = {"error": "bold red", "warning": "yellow", "info": ""}


def render_comparison(comparison: Comparison, catalog: Catalog, lang: str = "zh", *, width: int | None = 140,
                      color: bool = False) -> str:
    """``width=None`` follows the terminal; a fixed width keeps files and tests byte-stable."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    def clean(text: str) -> str:
        return escape(sanitize(text))

    t = LABELS[lang]
    zh = lang == "zh"
    lower, upper = comparison.lower.plan.jurisdiction, comparison.upper.plan.jurisdiction
    out = io.StringIO()
    # The caller has decided about colour (--color, NO_COLOR, FORCE_COLOR, TERM): rich must not
    # decide again from the environment, where TERM=dumb would win over --color always.
    console = Console(file=out, width=width, force_terminal=color, no_color=not color, highlight=False,
                      emoji=False, color_system="standard" if color else None)
    console.print(f"[bold]{clean(lower.name)} ({clean(lower.id)})[/] {t['against']} [bold]{clean(upper.name)} "
                  f"({clean(upper.id)})[/]")
    note = skipped_note(comparison, lang)
    if note is not None:
        console.print(clean(note))
    table = Table(show_lines=False, header_style="bold")
    for name in (t["indicator"], t["year"], f"{t['upper']} {clean(upper.id)}", f"{t['lower']} {clean(lower.id)}",
                 t["verdict"], t["gap"]):
        table.add_column(name, overflow="fold")
    counts: Counter = Counter()
    group = None
    for finding in reading_order(comparison.findings):
        row = row_of(finding)
        counts[row.verdict] += 1
        if (this := reading_group(finding)) != group:  # a heading per group: what fails leads, passes end
            group = this
            if table.row_count:
                table.add_section()
            table.add_row(f"[bold]{clean(t['group_' + group])}[/]")
        name, other = indicator_names(catalog, row.indicator, lang)
        style = _STYLES[finding.severity.value]
        label = clean(verdict_label(row.verdict, lang))
        if finding.waiver is not None:
            label += f" ({clean(t['waived'])})"
        table.add_row(clean(name) + (f"\n{clean(other)}" if other else ""),
                      "—" if row.year is None else str(row.year),
                      clean(target_text(comparison.upper, row.upper_index, row.year, lang, catalog.terms)),
                      clean(target_text(comparison.lower, row.lower_index, row.year, lang, catalog.terms)),
                      (f"[{style}]{label}[/]" if style else label) + f"\n[dim]{clean(in_language(row.reason, lang))}[/]",
                      clean(gap_text(row, catalog)))
    console.print(table)
    summary = ("，" if zh else ", ").join(f"{verdict_label(v, lang)} {counts[v]}" for v in VERDICT_ORDER if counts[v])
    total = len(comparison.findings)
    console.print(f"{t['summary']}：{total}（{clean(summary)}）" if zh
                  else f"{t['summary']}: {total} ({clean(summary)})")
    text = out.getvalue()
    if comparison.notes:
        from plancheck.reporters.plain import render_findings

        text += render_findings(comparison.notes, lang)
    return text
