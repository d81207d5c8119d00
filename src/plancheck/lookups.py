"""The runs that read no plan: ``schema`` (the JSON Schema of a plan file), ``indicators`` (the
catalogue's list) and ``explain`` (a code's documentation). Each is one function taking its
options and returning the exit code, inside the same guard as every run (``run.owned``).
"""

from __future__ import annotations

import sys

from plancheck.failures import UsageError
from plancheck.options import IndicatorsOptions, SchemaOptions
from plancheck.policy import EXIT_OK
from plancheck.reporters.formats import ReportFormat
from plancheck.run import owned, project, setup_of


@owned
def schema(options: SchemaOptions) -> int:
    from plancheck.output import Writer
    from plancheck.plan_schema import render_schema

    here = project()
    setup = setup_of(here, options.rules, None, settings=False)
    Writer(here, plan_folders=[here.plans], rules=setup.rules_dir, files=[here.waivers]).emit(
        render_schema(setup.catalog), options.output)
    return EXIT_OK


@owned
def indicators(options: IndicatorsOptions) -> int:
    from plancheck.reporters.listing import render_indicators

    setup = setup_of(project(), options.rules, None, settings=False)
    sys.stdout.write(render_indicators(setup.catalog, json=options.output_format is ReportFormat.json))
    return EXIT_OK


def explain(code: str | None) -> int:
    from plancheck.code_registry import all_codes, lookup
    from plancheck.reporters.listing import render_code, render_codes

    if code is None:
        sys.stdout.write(render_codes(all_codes().values()))
        return EXIT_OK
    doc = lookup(code)
    if doc is None:
        raise UsageError(f"unknown code {code!r}; known codes: {', '.join(sorted(all_codes()))}", "CODE")
    sys.stdout.write(render_code(doc))
    return EXIT_OK
