"""Turn pydantic's validation errors into findings that point at a file position.

pydantic reports a location as a path through the data (``('targets', 3,
'year')``), sometimes with extra elements naming union members or validators.
We keep the part of that path that exists in the data and ask the loader's
position map for it, so a missing key is reported at its parent mapping, an
unknown key at the key itself and a bad value at the value.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from plancheck.findings import Finding, KeyPath
from plancheck.positions import PositionMap


def format_path(path: KeyPath) -> str:
    """``('targets', 3, 'year')`` → ``targets[3].year``: the way people read it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _data_path(loc: tuple[Any, ...], data: Any) -> KeyPath:
    """The longest prefix of ``loc`` that indexes into ``data``."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
        path.append(part)
    return tuple(path)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _vocabulary(models: Iterable[type[BaseModel]]) -> list[str]:
    seen: set[str] = set()
    stack = list(models)
    while stack:
        model = stack.pop()
        for name, info in model.model_fields.items():
            seen.add(name)
            for arg in _nested_models(info.annotation):
                if arg.__name__ not in seen:
                    seen.add(arg.__name__)
                    stack.append(arg)
    return sorted(n for n in seen if n[:1].islower())


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    todo = [annotation]
    while todo:
        a = todo.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            found.append(a)
        todo.extend(getattr(a, "__args__", ()) or ())
    return found


def findings_from_validation_error(
    exc: ValidationError,
    data: Any,
    positions: PositionMap,
    file: str,
    root_model: type[BaseModel],
    *,
    plan: str | None = None,
    code_override: str | None = None,
) -> list[Finding]:
    """One finding per distinct problem; union members' duplicate complaints collapse."""
    vocabulary = _vocabulary([root_model])
    findings: list[Finding] = []
    seen: set[tuple[str, KeyPath]] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "missing":
            path = _data_path(loc[:-1], data)
            key = loc[-1]
            code, at_key = "PC010", False
            message = f"{format_path(path)}: missing required key {key!r}"
        elif kind == "extra_forbidden":
            path = _data_path(loc, data)
            key = loc[-1]
            code, at_key = "PC011", True
            message = f"{format_path(path[:-1])}: unknown key {key!r}"
            close = difflib.get_close_matches(str(key), vocabulary, n=1, cutoff=0.75)
            if close and close[0] == key:
                message += " here (it belongs at another level of the plan; see docs/transcribing.md)"
            elif close:
                message += f"; did you mean {close[0]!r}?"
        else:
            path = _data_path(loc, data)
            code, at_key = "PC012", False
            text = str(err["msg"]).removeprefix("Value error, ")
            message = f"{format_path(path)}: {text}"
            if kind not in ("value_error", "assertion_error") and not isinstance(err.get("input"), (dict, list)):
                message += f" (got {_short(err.get('input'))})"
                message += _full_width_hint(err.get("input"))
        if (code, path) in seen:
            continue
        seen.add((code, path))
        if len(findings) == MAX_SCHEMA_FINDINGS:
            findings.append(Finding(code_override or "PC012",
                                    f"more schema errors not shown (the first {MAX_SCHEMA_FINDINGS} are listed); "
                                    "fix these and run again", plan=plan, file=file, line=1, column=1))
            break
        pos = positions.locate(path, at_key=at_key)
        findings.append(Finding(code_override or code, message, plan=plan, file=file,
                                line=pos.line, column=pos.column, path=path))
    return findings


MAX_SCHEMA_FINDINGS = 200
"""Per file. Aliases can repeat one bad mapping a million times; the reader needs the first few."""

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")


def _full_width_hint(value: Any) -> str:
    """Chinese input methods type ２０２５ for 2025; say so instead of just 'not a number'."""
    if isinstance(value, str) and value and value != value.translate(_FULL_WIDTH):
        ascii_form = value.translate(_FULL_WIDTH)
        if ascii_form.replace(".", "", 1).lstrip("+-").isdigit():
            return f"; full-width digits: write {ascii_form}"
    return ""
