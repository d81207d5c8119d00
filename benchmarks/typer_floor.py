"""The cost of a typer command that does nothing: the floor under plancheck's cold start.

A typer application with plancheck's ``validate`` parameters (a list of paths, an enum
option, a folder option, a text option and a bounded integer), one command among several,
and an empty body. ``benchmarks/run.py`` times ``typer_floor.py validate plans/chaling.yaml``
beside ``import typer, pydantic, yaml`` and ``plancheck validate plans/chaling.yaml``: what
typer itself spends on parsing a command line is the part of the cold start that plancheck's
own code cannot remove (docs/performance.md).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False)


class Format(str, Enum):
    text = "text"
    json = "json"


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument()] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f")] = Format.text,
    rules: Annotated[Path | None, typer.Option("--rules", file_okay=False)] = None,
    fail_on: Annotated[str | None, typer.Option("--fail-on")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0)] = 0,
) -> None:
    """Parse the command line and do nothing else."""


@app.command()
def check() -> None:
    """A second command, so typer dispatches as it does for plancheck."""


if __name__ == "__main__":
    app()
