"""plancheck: check that lower-level carbon-peaking plans are at least as strict as their parents."""

from __future__ import annotations

__version__ = "0.1.0"
