"""HTML gap reports: self-contained pages (inline CSS and SVG charts, no scripts, fonts or images).

jinja2 is imported here only, with autoescaping on for every template, so plan
text such as ``<script>`` reaches the page as text; the charts (``charts``) escape
their own text and are marked safe. The CSS carries a CJK font stack of fonts a
reader's machine already has and a print stylesheet for A4.

A check of many plans is an index page and a page per compared plan
(``render_check_pages``), so no page grows with the country (docs/design.md,
"Report formats").
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from plancheck.reporters.plain import CONTROL
from plancheck.reporters.report import LABELS

SPLIT_ABOVE = 25
"""A check of more compared plans than this is written as an index and one page per plan."""
HEAT_PAGES_INLINE = 8
"""Heat-map pages (of 40 rows, about 250 KB each) an index holds; more go on pages of their own."""


def _printable(value: object) -> object:
    """Control characters from plan text have no place in HTML (ESC, BEL): drop them. Markup
    (the charts, which drop them and escape their own text) passes as it is."""
    return CONTROL.sub("", value) if isinstance(value, str) and not hasattr(value, "__html__") else value


@functools.cache
def _environment():  # -> jinja2.Environment: one per process, so a template compiles once
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("plancheck.reporters", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True, finalize=_printable)


def _safe(svg: str):  # -> markupsafe.Markup: the charts escape their own text
    from markupsafe import Markup

    return Markup(svg)


def _charts(view: dict[str, Any], lang: str) -> dict[str, Any]:
    """A comparison's verdict bar and its side-by-side values, as inline SVG."""
    from plancheck.reporters import charts

    t = LABELS[lang]
    bar = charts.verdict_bar([(s["verdict"], s["label"], s["count"]) for s in view["summary"]],
                             title=f"{t['verdict_bar']}：{view['title']}" if lang == "zh"
                             else f"{t['verdict_bar']}: {view['title']}")
    pairs = [charts.ValuePair(label=r["name"] if r["year"] == t["no_year"] else f"{r['name']} {r['year']}",
                              unit=r["chart"]["unit"], upper=r["chart"]["upper"], lower=r["chart"]["lower"],
                              verdict=r["verdict"], verdict_label=r["verdict_label"], gap_text=r["gap"])
             for r in view["rows"] if r["chart"] is not None]
    values = charts.value_pairs(pairs, upper_label=t["upper"], lower_label=t["lower"],
                                title=t["values"]) if pairs else ""
    return {"bar": _safe(bar), "values": _safe(values) if values else ""}


def _heat_map(check: dict[str, Any], lang: str) -> list[Any]:
    from plancheck.reporters import charts

    columns = [charts.HeatColumn(id=c["id"], name=c["name"]) for c in check["columns"]]
    rows = [charts.HeatRow(plan=m["plan"], name=m["name"], upper=m["upper"], cells=[c["verdict"] for c in m["cells"]])
            for m in check["matrix"]]
    legend = [(entry["verdict"], entry["label"]) for entry in check["legend"]]
    pages = charts.heat_map(rows, columns, legend=legend, title=LABELS[lang]["matrix"]) if rows and columns else []
    return [_safe(svg) for svg in pages]


def render_html(*, lang: str, title: str, comparisons: list[dict[str, Any]], header: dict[str, Any],
                check: dict[str, Any] | None = None, plan_findings: list[dict[str, str]] | None = None,
                index_link: str | None = None) -> str:
    template = _environment().get_template("report.html.j2")
    heading = LABELS[lang]["check_title"] if check is not None else LABELS[lang]["title"]
    if plan_findings is None:
        plan_findings = check["plan_findings"] if check is not None else [n for c in comparisons for n in c["notes"]]
    for view in comparisons:
        view["charts"] = _charts(view, lang)
    return template.render(lang=lang, t=LABELS[lang], page_title=header["title"] or title, heading=heading,
                           comparisons=comparisons, check=check, plan_findings=plan_findings, header=header,
                           index_link=index_link)


def render_comparison_html(view: dict[str, Any], lang: str) -> str:
    return render_html(lang=lang, title=f"{LABELS[lang]['title']}：{view['title']}" if lang == "zh"
                       else f"{LABELS[lang]['title']}: {view['title']}", comparisons=[view], header=view["header"])


def render_check_html(view: dict[str, Any], lang: str, layout: PageLayout | None = None) -> str | dict[str, str]:
    """One page; or, with a ``layout`` (the run gives one when ``-o`` names a folder, or names
    a file and more than ``SPLIT_ABOVE`` plans were compared), ``render_check_pages``."""
    if layout is None:
        one = {**view, "heat_map": _heat_map(view, lang), "pages": [], "matrix_links": []}
        return render_html(lang=lang, title=LABELS[lang]["check_title"], comparisons=view["comparisons"],
                           check=one, header=view["header"])
    return render_check_pages(view, lang, layout)


class PageLayout(NamedTuple):
    """Where the pages of a split report go, relative to the folder that holds the index:
    ``index.html`` and ``pages/`` inside a folder named by ``-o``, or ``report.html`` and
    ``report_pages/`` beside each other for ``-o report.html``."""

    index: str = "index.html"
    pages: str = "pages"


def page_name(layout: PageLayout, plan_id: str, upper_id: str) -> str:
    """A plan's page, by its id and its upper plan's (plan ids are file-name safe: lower-case
    letters, digits and ``_``, docs/design.md "Plan keys")."""
    return f"{layout.pages}/{plan_id}--{upper_id}.html"


def render_check_pages(view: dict[str, Any], lang: str, layout: PageLayout) -> dict[str, str]:
    """``{path relative to the index's folder: page}``: the index with the counts, a table of
    the compared plans linking their pages, the heat map (on pages of its own when it is long)
    and the findings of plans not compared; a page per compared plan with its comparison and
    its own findings, linking back."""
    t = LABELS[lang]
    pages: dict[str, str] = {}
    index_rows = []
    own: dict[str, list[dict[str, str]]] = {}
    for finding in view["plan_findings"]:
        own.setdefault(finding["plan"], []).append(finding)
    back = f"../{layout.index}"
    for comparison in view["comparisons"]:
        lower, upper = comparison["lower"]["id"], comparison["upper"]["id"]
        name = page_name(layout, lower, upper)
        counts = {s["verdict"]: s["count"] for s in comparison["summary"]}
        index_rows.append({"href": name, "plan": lower, "name": comparison["lower"]["name"], "upper": upper,
                           "counts": [counts.get(v["verdict"], 0) for v in view["legend"]]})
        pages[name] = render_html(lang=lang, title=f"{t['title']}：{comparison['title']}" if lang == "zh"
                                  else f"{t['title']}: {comparison['title']}", comparisons=[comparison],
                                  header=view["header"], plan_findings=own.pop(lower, []), index_link=back)
    heat = _heat_map(view, lang)
    links = []
    if len(heat) > HEAT_PAGES_INLINE:  # a national heat map is tens of MB: pages of its own
        for number, start in enumerate(range(0, len(heat), HEAT_PAGES_INLINE), 1):
            name = f"{layout.pages}/matrix-{number:03d}.html"
            links.append({"href": name, "label": f"{t['matrix']} {number}"})
            part = {**view, "heat_map": heat[start:start + HEAT_PAGES_INLINE], "pages": [], "matrix_links": []}
            pages[name] = render_html(lang=lang, title=f"{t['matrix']} {number}", comparisons=[], check=part,
                                      header=view["header"], plan_findings=[], index_link=back)
        heat = []
    index = {**view, "heat_map": heat, "pages": index_rows, "comparisons": [], "matrix_links": links}
    pages[layout.index] = render_html(lang=lang, title=t["check_title"], comparisons=[], check=index,
                                      header=view["header"], plan_findings=[f for fs in own.values() for f in fs])
    return dict(sorted(pages.items()))
