"""Listings that are not about plans: the indicator catalogue and the diagnostic codes."""

from __future__ import annotations

from collections.abc import Iterable

from plancheck.catalog import Catalog
from plancheck.codes import CodeDoc
from plancheck.reporters.plain import sanitize


def render_indicators(catalog: Catalog, *, json: bool) -> str:
    """``plancheck indicators``: a tab-separated line per indicator, or one JSON document."""
    if json:
        from plancheck.reporters.json import dumps

        return dumps({"schema_version": 1, "indicators": [i.model_dump() for i in catalog.indicators.values()]})
    lines = []
    for i in catalog.indicators.values():
        better = "higher is stricter" if i.direction == "higher" else "lower is stricter"
        lines.append(f"{i.id}\t{sanitize(i.name_zh)}\t{sanitize(i.name_en)}\t{i.unit or '-'}\t{better}\t{i.binding}\n")
    return "".join(lines)


def render_codes(codes: Iterable[CodeDoc]) -> str:
    """``plancheck explain``: a line per code."""
    return "".join(f"{doc.code}\t{doc.name}\t{doc.severity.value}\t{doc.summary}\n" for doc in codes)


def render_code(doc: CodeDoc) -> str:
    """``plancheck explain CODE``: the code's documentation."""
    return f"{doc.code} {doc.name} (default severity: {doc.severity.value})\n\n{doc.summary}\n\n{doc.doc}\n"
