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
from plancheck.reason import Reason


def format_path(path: KeyPath) -> str:
    """``('targets', 3, 'year')`` → ``targets[3].year``: the way people read it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _where(path: KeyPath) -> Reason:
    """``format_path`` and the colon after it, in both languages."""
    return Reason(f"{format_path(path)}: ", f"{format_path(path) if path else '（顶层）'}：")


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
            message = _where(path) + Reason(f"missing required key {key!r}", f"缺少必填字段 {key!r}")
        elif kind == "extra_forbidden":
            path = _data_path(loc, data)
            key = loc[-1]
            code, at_key = "PC011", True
            close = difflib.get_close_matches(str(key), vocabulary, n=1, cutoff=0.75)
            if close and close[0] == key:
                unknown = Reason(f"unknown key {key!r} here (it belongs at another level of the plan; see "
                                 "docs/transcribing.md)",
                                 f"此处不允许的字段 {key!r}（它属于规划的另一层级；见 docs/transcribing.md）")
            else:
                unknown = Reason(f"unknown key {key!r}", f"不允许的字段 {key!r}")
                if close:
                    unknown += Reason(f"; did you mean {close[0]!r}?", f"；是否应为 {close[0]!r}？")
            message = _where(path[:-1]) + unknown
        else:
            path = _data_path(loc, data)
            code, at_key = "PC012", False
            message = _where(path) + _error_text(err)
            if kind not in ("value_error", "assertion_error") and not isinstance(err.get("input"), (dict, list)):
                got = _short(err.get("input"))
                message += Reason(f" (got {got})", f"（实际为 {got}）") + _full_width_hint(err.get("input"))
        if (code, path) in seen:
            continue
        seen.add((code, path))
        if len(findings) == MAX_SCHEMA_FINDINGS:
            findings.append(Finding(code_override or "PC012", Reason(
                f"more schema errors not shown (the first {MAX_SCHEMA_FINDINGS} are listed); fix these and run again",
                f"还有更多格式错误未列出（只列出前 {MAX_SCHEMA_FINDINGS} 条）；请先修正这些错误再运行"),
                plan=plan, file=file, line=1, column=1))
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
            return Reason(f"; full-width digits: write {ascii_form}", f"；这是全角数字：请写作 {ascii_form}")
    return ""


def _error_text(err: Any) -> Reason:
    """pydantic's message (English) with a Chinese reading of its kind of error; a kind not
    listed keeps pydantic's words inside a Chinese frame."""
    text = str(err["msg"]).removeprefix("Value error, ")
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "value_error":  # our own validators (models.py) raise with a Reason
        raised = ctx.get("error")
        said = raised.args[0] if isinstance(raised, ValueError) and raised.args else None
        if isinstance(said, Reason) and str(said) == text:
            return said
    words = _ERRORS_ZH.get(kind)
    if words is None:
        return Reason(text, f"不符合格式要求：{text}")
    if kind in _COMPARED:  # the bound as pydantic writes it (1949, 0): the last word of its message
        return Reason(text, f"{words}{text.rsplit(' ', 1)[-1]}")
    try:
        return Reason(text, words.format(**{k: _ctx_text(v) for k, v in ctx.items()}))
    except (KeyError, IndexError, ValueError):  # a context this pydantic does not give: its own words
        return Reason(text, f"不符合格式要求：{text}")


def _ctx_text(value: Any) -> str:
    """An expected list ('a', 'b' or 'c') as a Chinese list reads; a date parser's reason in Chinese."""
    text = str(value)
    if text.startswith("'"):
        return text.replace("' or '", "', '")
    return _DATE_ERRORS.get(text, text)


_DATE_ERRORS = {
    "input is too short": "输入太短", "input is too long": "输入太长",
    "invalid character in year": "年份中有无效字符", "invalid character in month": "月份中有无效字符",
    "invalid character in day": "日中有无效字符", "invalid date separator, expected `-`": "日期分隔符无效，应为 `-`",
    "month value is outside expected range of 1-12": "月份超出 1-12 的范围",
    "day value is outside expected range": "日超出该月的范围",
    "unexpected extra characters at the end of the input": "输入末尾有多余的字符",
}
"""The date parser's (speedate's) reasons that waiver expiry dates meet."""


_COMPARED = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}
_ERRORS_ZH = {
    "literal_error": "取值必须是以下之一：{expected}",
    "enum": "取值必须是以下之一：{expected}",
    "int_type": "必须是整数",
    "int_parsing": "必须是整数，无法把该文本读作整数",
    "int_from_float": "必须是整数，不能有小数部分",
    "float_type": "必须是数字",
    "float_parsing": "必须是数字，无法把该文本读作数字",
    "finite_number": "必须是有限的数字，不能是无穷大或 NaN",
    "string_type": "必须是文本（字符串）",
    "bool_type": "必须是布尔值（true 或 false）",
    "bool_parsing": "必须是布尔值（true 或 false），无法解读该输入",
    "list_type": "必须是列表",
    "dict_type": "必须是映射（键: 值）",
    "model_type": "必须是映射（键: 值）",
    "model_attributes_type": "必须是映射（键: 值）",
    "string_pattern_mismatch": "必须符合格式 '{pattern}'",
    "string_too_short": "至少要有 {min_length} 个字符",
    "string_too_long": "最多只能有 {max_length} 个字符",
    "too_short": "至少要有 {min_length} 项，实际为 {actual_length} 项",
    "too_long": "最多只能有 {max_length} 项，实际为 {actual_length} 项",
    "date_type": "必须是日期（YYYY-MM-DD）",
    "date_parsing": "必须是 YYYY-MM-DD 格式的日期：{error}",
    "date_from_datetime_parsing": "必须是日期（YYYY-MM-DD）：{error}",
    "date_from_datetime_inexact": "必须是日期，不能带时间",
    "greater_than_equal": "必须大于或等于 ",
    "less_than_equal": "必须小于或等于 ",
    "greater_than": "必须大于 ",
    "less_than": "必须小于 ",
}
"""Chinese readings of the pydantic errors plan, settings, waiver, catalogue and registry files
meet; ``{name}`` is the error's context (the expected values, the pattern, the length)."""
