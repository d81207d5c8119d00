"""Terminal output through rich: one table per comparison.

rich is imported here, inside the functions, so commands that print plain text
never load it. Plan text is escaped for rich markup and stripped of control
characters before it reaches the terminal.
"""

from __future__ import annotations

import io
from collections import Counter

from plancheck.catalog import Catalog
from plancheck.engine import Comparison
from plancheck.reporters.comparison import VERDICT_LABELS, gap_text, row_of, target_text
from plancheck.reporters.plain import sanitize

_STYLES = {"error": "bold red", "warning": "yellow", "info": ""}


def render_comparison(comparison: Comparison, catalog: Catalog, *, width: int | None = 140,
                      color: bool = False) -> str:
    """``width=None`` follows the terminal; a fixed width keeps files and tests byte-stable."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    def clean(text: str) -> str:
        return escape(sanitize(text))

    lower, upper = comparison.lower.plan.jurisdiction, comparison.upper.plan.jurisdiction
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color, highlight=False,
                      emoji=False)
    console.print(f"[bold]{clean(lower.name)} ({clean(lower.id)})[/] against [bold]{clean(upper.name)} "
                  f"({clean(upper.id)})[/]")
    if comparison.skipped_links:
        console.print(f"compared with the nearest present ancestor; skipped (plan absent): "
                      f"{clean(', '.join(comparison.skipped_links))}")
    table = Table(show_lines=False, header_style="bold")
    for name in ("指标 indicator", "年份", f"上级 {clean(upper.id)}", f"下级 {clean(lower.id)}", "结论 verdict",
                 "差距 gap"):
        table.add_column(name, overflow="fold")
    for finding in comparison.findings:
        row = row_of(finding)
        indicator = catalog.get(row.indicator)
        name = f"{indicator.name_zh}\n{indicator.name_en}" if indicator else row.indicator
        symbol, english, chinese = VERDICT_LABELS[row.verdict]
        verdict = f"{symbol} {chinese} {english}"
        style = _STYLES[finding.severity.value]
        label = f"[{style}]{clean(verdict)}[/]" if style else clean(verdict)
        table.add_row("\n".join(clean(part) for part in name.split("\n")), "—" if row.year is None else str(row.year),
                      clean(target_text(comparison.upper, row.upper_index)),
                      clean(target_text(comparison.lower, row.lower_index)),
                      f"{label}\n[dim]{clean(row.reason)}[/]",
                      clean(gap_text(row, catalog)))
    console.print(table)
    counts = Counter(row_of(f).verdict for f in comparison.findings)
    summary = ", ".join(f"{VERDICT_LABELS[v][1]} {n}" for v, n in sorted(counts.items(), key=lambda kv: kv[0].value))
    console.print(f"{len(comparison.findings)} targets of {clean(upper.id)}: {clean(summary)}")
    return out.getvalue()
