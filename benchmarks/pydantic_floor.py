"""The cost of validating with one pydantic model: the floor under any pydantic-validated cold start.

It imports typer and PyYAML as the baseline does, then defines a model with a single
integer field and validates one dictionary with it. ``import pydantic`` alone is lazy and
loads almost nothing, so the baseline ``import typer, pydantic, yaml`` leaves out what the
first model costs: pydantic's model machinery, its schema generation, the plugin loader
(which imports ``importlib.metadata``) and pydantic-core. ``benchmarks/run.py`` times this
beside the baseline, so a reader can see what part of plancheck's cold start comes with
pydantic v2 itself (docs/performance.md).
"""

from __future__ import annotations

import typer  # noqa: F401  (the baseline's imports, so only the model differs)
import yaml  # noqa: F401
from pydantic import BaseModel


class One(BaseModel):
    value: int


One.model_validate({"value": 1})
