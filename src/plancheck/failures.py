"""The two ways a run stops before its report, each turned into located lines and exit 2.

Kept apart from the modules that raise them (configuration readers, the worker processes of
``--jobs``), so the command line's one guard can recognise them without importing those
modules, and pydantic with them, at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plancheck.findings import Finding


class ConfigError(Exception):
    """Configuration cannot be used; carries located findings for the reporter."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(findings[0].message if findings else "configuration error")
        self.findings = findings


class RunFailure(Exception):
    """The run could not finish (a worker process died, or failed); ``str()`` is the one line
    the user sees. Nothing was written: reports are written only after a run completes."""
