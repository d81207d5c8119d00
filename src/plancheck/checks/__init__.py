"""Check families: each module holds pure functions that yield findings, and the ``CODES`` it
documents.

A check receives models (and the catalogue) and yields ``Finding`` objects that name a code
and a key path; it never reads files, prints or exits, and attaches neither a position nor a
severity. The pipeline locates what a check yields; the run's policy grades it
(docs/design.md, "Findings").
"""

from __future__ import annotations

from types import ModuleType


def __getattr__(name: str) -> tuple[ModuleType, ...]:
    """``FAMILIES``: every check family, in the order of the pipeline; ``code_registry.all_codes``
    is built from their ``CODES``. Imported when first asked for, so that importing one family
    (as ``validate`` does) does not import the others."""
    if name != "FAMILIES":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from plancheck.checks import audit, consistency, hierarchy, provenance, strictness, structure

    return (structure, provenance, audit, strictness, consistency, hierarchy)
