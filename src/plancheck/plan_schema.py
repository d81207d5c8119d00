"""The JSON Schema of a plan file, for editors (completion, inline errors) and other tools.

It is generated from the pydantic models, so it cannot drift from what ``validate``
accepts, and completed with what the models leave to code: the catalogue's indicator ids
as an enum and the partial-date pattern. Checks that need more than one file (quotes
against sources, references between keys) stay in ``validate``; the schema is the part an
editor can check as you type.
"""

from __future__ import annotations

import json
from typing import Any

from plancheck.catalog import Catalog
from plancheck.models import PARTIAL_DATE, Plan

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def plan_schema(catalog: Catalog) -> dict[str, Any]:
    schema = Plan.model_json_schema()
    defs = schema["$defs"]
    ids = sorted(catalog.indicators)
    indicator = defs["Target"]["properties"]["indicator"]
    indicator["enum"] = ids
    indicator["description"] = "An indicator id from the catalogue (plancheck indicators lists them with their names)."
    date = defs["Document"]["properties"]["date"]["anyOf"][0]
    date["pattern"] = PARTIAL_DATE.pattern
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "plancheck plan",
        "description": ("A carbon-peaking plan transcribed for plancheck: the jurisdiction, its documents, "
                        "and every target with the verbatim sentence it came from. See docs/transcribing.md."),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def render_schema(catalog: Catalog) -> str:
    return json.dumps(plan_schema(catalog), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
