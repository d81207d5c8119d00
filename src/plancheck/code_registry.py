"""Every diagnostic code plancheck can emit, gathered from the modules that emit them.

The load codes are in ``codes.py``; each check family documents its own (``checks.FAMILIES``);
the waiver codes are the policy's (``waivers.py``). Kept apart from ``codes.py``, which those
modules import for ``CodeDoc``, so that no module imports one that imports it back; the
families are imported only when the registry is first asked for, so start-up stays light.
"""

from __future__ import annotations

import functools

from plancheck.codes import LOAD_CODES, CodeDoc
from plancheck.findings import Severity


@functools.cache
def all_codes() -> dict[str, CodeDoc]:
    """Every code plancheck can emit, keyed by code, in code order: the load codes above, each
    check family's ``CODES``, and the waiver codes the run's policy emits."""
    from plancheck.checks import FAMILIES
    from plancheck.waivers import CODES as WAIVER_CODES

    found = [*LOAD_CODES, *(c for family in FAMILIES for c in family.CODES), *WAIVER_CODES]
    return {c.code: c for c in sorted(found, key=lambda c: c.code)}


def lookup(code: str) -> CodeDoc | None:
    return all_codes().get(code.upper())


def default_severity(code: str) -> Severity:
    """The documented severity of ``code``, before the settings override it."""
    return all_codes()[code].severity
