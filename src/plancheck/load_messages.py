"""The words of load errors (PC001-PC006, PC012 of the reader, and the plan file's own PC013
and PC018), in both languages.

A file that cannot be read is reported by the reader (``textfiles``), the YAML builder
(``loader``) and the plan's first steps (``pipeline``); their sentences are kept here, as the
verdicts' are in ``wording``, so those modules keep to their logic and a reviewer of the
Chinese reads one file. The English is the interface (JSON, SARIF, baselines and tests read
it) and is never changed here without its tests; the Chinese says the same facts, with file
names, keys, numbers and YAML's own tokens as they are.
"""

from __future__ import annotations

import errno
import re

from plancheck.reason import Reason

# ---------------------------------------------------------------- reading a file (textfiles, pipeline)

_OS_ERRORS = {
    errno.EACCES: "没有读取权限", errno.EPERM: "操作不被允许", errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中的某一段不是文件夹", errno.ELOOP: "符号链接层数过多（可能形成循环）",
    errno.ENAMETOOLONG: "文件名过长", errno.EIO: "输入输出错误",
}
"""The system's refusals a reader meets, in Chinese; others keep the system's own words."""


def os_error(exc: OSError) -> Reason:
    """``exc.strerror`` (the system's English), with a Chinese reading where it is a common one."""
    en = exc.strerror or str(exc)
    return Reason(en, _OS_ERRORS.get(exc.errno, en) if exc.errno is not None else en)


def other_encoding(name: str) -> Reason:
    return Reason(f"the file is {name} (it starts with that byte-order mark); plan files are UTF-8: save it again "
                  "as UTF-8", f"文件是 {name} 编码（以该编码的字节顺序标记开头）；规划文件须为 UTF-8：请另存为 UTF-8")


def not_utf8(byte: int) -> Reason:
    return Reason(f"not valid UTF-8: byte 0x{byte:02x} cannot start or continue a character",
                  f"不是有效的 UTF-8：字节 0x{byte:02x} 既不能作为字符的开头，也不能作为其后续字节")


NOT_REGULAR_FILE = Reason("not a regular file", "不是普通文件")
NO_SUCH_FILE = Reason("no such file", "文件不存在")
NO_SUCH_PATH = Reason("no such file or folder", "文件或文件夹不存在")
NUL_IN_NAME = Reason("it holds a NUL character", "其中含有 NUL 字符")
NO_PLAN_FILES = Reason("folder holds no plan files (*.yaml, *.yml)", "文件夹中没有规划文件（*.yaml, *.yml）")


def file_too_large(size: int, limit: int) -> Reason:
    return Reason(f"file is {size:,} bytes; the limit is {limit:,}", f"文件大小为 {size:,} 字节；上限为 {limit:,} 字节")


def cannot_read(exc: OSError) -> Reason:
    return Reason("cannot read: ", "无法读取：") + os_error(exc)


def cannot_be_read(why: str) -> Reason:
    """A path the file system refuses as a name (``why``: ``NUL_IN_NAME`` or ``os_error``)."""
    return Reason("cannot be read: ", "无法读取：") + why


def cannot_list_folder(exc: OSError) -> Reason:
    return Reason("cannot list the folder: ", "无法列出文件夹内容：") + os_error(exc)


def plan_file_outside(root: str) -> Reason:
    return Reason(f"a plan file in the folder resolves outside the plan repository ({root}); it was not read",
                  f"文件夹中的这个规划文件实际指向规划仓库（{root}）之外；未读取")


# ---------------------------------------------------------------- what a plan file holds (pipeline)

_A_PLAN = ("a plan is a mapping with jurisdiction, documents and targets",
           "规划文件应是包含 jurisdiction、documents 和 targets 的映射")
EMPTY_PLAN = Reason(f"the file is empty; {_A_PLAN[0]}", f"文件为空；{_A_PLAN[1]}")
MORE_THAN_ONE_DOCUMENT = Reason("the file holds more than one YAML document; a plan file holds exactly one",
                                "文件包含不止一个 YAML 文档；一个规划文件只能包含一个")


def top_level_not_mapping(data: object) -> Reason:
    if isinstance(data, list):
        kind, kind_zh = "a list", "列表"
    else:
        kind, kind_zh = f"a single value ({type(data).__name__})", f"单个值（{type(data).__name__}）"
    return Reason(f"the top level is {kind}; {_A_PLAN[0]}", f"顶层是{kind_zh}；{_A_PLAN[1]}")


def too_many_entries(key: str, count: int, limit: int) -> Reason:
    return Reason(f"{key}: {count:,} entries; the limit is {limit:,} per plan (the largest real plan has about a "
                  "hundred)", f"{key}：{count:,} 条；每个规划最多 {limit:,} 条（实际最大的规划约有一百条）")


def source_not_a_name(i: int, source: str, why: str) -> Reason:
    return (Reason(f"documents[{i}].source: {source!r} cannot be a file name (",
                   f"documents[{i}].source：{source!r} 不能用作文件名（") + why + Reason(")", "）"))


def source_outside(i: int, source: str, root: str) -> Reason:
    return Reason(f"documents[{i}].source: {source!r} resolves outside the plan repository ({root}); source texts "
                  "must lie inside it, so it was not read",
                  f"documents[{i}].source：{source!r} 实际指向规划仓库（{root}）之外；"
                  "文件全文必须放在仓库内，因此未读取")


def source_not_found(i: int, source: str, looked_for: object) -> Reason:
    return Reason(f"documents[{i}].source: source text {source!r} not found next to the plan, or not a regular file "
                  f"(looked for {looked_for})",
                  f"documents[{i}].source：在规划文件旁找不到文件全文 {source!r}，或它不是普通文件"
                  f"（查找的是 {looked_for}）")


def source_unreadable(i: int, problem: str, file: str | None) -> Reason:
    """A source text the reader refused: its own message, said of the document that names it."""
    where = Reason(f"documents[{i}].source: ", f"documents[{i}].source：")
    return where + problem + Reason(f" ({file})", f"（{file}）")


# ---------------------------------------------------------------- the YAML builder (loader)


def nesting_too_deep(depth: int) -> Reason:
    return Reason(f"nesting deeper than {depth} levels", f"嵌套超过 {depth} 层")


def too_many_values(limit: int) -> Reason:
    return Reason(f"more than {limit:,} values after expanding aliases (an alias bomb, or a file far larger than any "
                  "plan)", f"展开别名后超过 {limit:,} 个值（“别名炸弹”，或文件远大于任何规划）")


COLLECTION_AS_KEY = Reason("a mapping or sequence cannot be used as a key", "映射或序列不能用作键")
MERGE_KEY = Reason("merge keys (<<) are not supported; write the keys out", "不支持合并键（<<）；请把各个键逐一写出")


def duplicate_key(key: str, first_line: int) -> Reason:
    return Reason(f"duplicate key {key!r} (first defined at line {first_line}); a repeated key would silently replace "
                  "the first value", f"重复的键 {key!r}（首次定义在第 {first_line} 行）；重复的键会悄然覆盖第一个值")


def recursive_alias(name: str) -> Reason:
    return Reason(f"alias *{name} refers to a collection that contains it (recursive alias)",
                  f"别名 *{name} 指向包含它自身的集合（递归别名）")


def unknown_alias(name: str) -> Reason:
    return Reason(f"YAML syntax error: alias *{name} names no anchor defined before it",
                  f"YAML 语法错误：别名 *{name} 之前没有定义同名的锚点")


def tag_not_allowed(tag: str, scalar: bool = False) -> Reason:
    reason = Reason(f"tag {tag} is not allowed in plan files", f"规划文件中不允许使用标签 {tag}")
    if scalar:
        reason += Reason("; only standard YAML types are accepted and nothing is executed",
                         "；只接受标准 YAML 类型，也不会执行任何内容")
    return reason


def integer_too_long(digits: int, text: str) -> Reason:
    return Reason(f"cannot read an integer of more than {digits} digits ({text})",
                  f"无法读取超过 {digits} 位的整数（{text}）")


def unreadable_scalar(text: str, tag: str, detail: str) -> Reason:
    """``detail``: the constructor's own message (English), or empty."""
    return Reason(f"cannot read {text!r} as {tag}" + (f": {detail}" if detail else ""),
                  f"无法把 {text!r} 读作 {tag}" + (f"：{detail}" if detail else ""))


def character_not_allowed(code_point: int) -> Reason:
    return Reason(f"YAML syntax error: character U+{code_point:04X} is not allowed in YAML text",
                  f"YAML 语法错误：YAML 文本中不允许出现字符 U+{code_point:04X}")


_YAML_PROBLEMS = {
    "mapping values are not allowed in this context": "此处不允许出现映射的值",
    "mapping values are not allowed here": "此处不允许出现映射的值",
    "found unexpected end of stream": "文件意外结束",
    "did not find expected ',' or ']'": "缺少预期的 ',' 或 ']'",
    "did not find expected ',' or '}'": "缺少预期的 ',' 或 '}'",
    "found character that cannot start any token": "出现了不能作为任何记号开头的字符",
    "did not find expected alphabetic or numeric character": "缺少预期的字母或数字",
    "did not find expected '-' indicator": "缺少预期的 '-' 标记",
    "did not find expected key": "缺少预期的键",
    "did not find expected node content": "缺少预期的节点内容",
    "did not find expected <document start>": "缺少预期的 <document start>（文档开始）",
    "did not find expected comment or line break": "缺少预期的注释或换行",
    "did not find expected whitespace or line break": "缺少预期的空白或换行",
    "did not find the expected '>'": "缺少预期的 '>'",
    "could not find expected ':'": "缺少预期的 ':'",
    "found unknown escape character": "出现了未知的转义字符",
    "found a tab character that violates indentation": "出现了破坏缩进的制表符",
    "found a tab character that violate indentation": "出现了破坏缩进的制表符",
    "found a tab character where an indentation space is expected": "应为缩进空格处出现了制表符",
    "block sequence entries are not allowed in this context": "此处不允许出现列表项（-）",
    "found duplicate %YAML directive": "%YAML 指令重复",
    "found incompatible YAML document": "YAML 文档的版本不兼容",
    "found undefined tag handle": "出现了未定义的标签句柄",
    "invalid YAML": "YAML 无效",
}
"""libyaml's problems as it words them (0.2.5), and PyYAML's fallback."""

_YAML_PLACES = {
    "quoted scalar": "带引号的文本", "plain scalar": "不带引号的文本", "block scalar": "块文本（| 或 >）",
    "flow sequence": "方括号列表", "flow mapping": "花括号映射", "block collection": "块集合",
    "block mapping": "块映射", "block node": "块节点", "flow node": "流式节点", "node": "节点",
    "simple key": "键", "alias": "别名", "anchor": "锚点", "tag": "标签", "directive": "指令",
    "next token": "下一个记号",
}
"""What libyaml was reading (its ``context``: "while parsing a block mapping")."""
_CONTEXT = re.compile(r"while (?:scanning|parsing) (?:for )?(?:an? |the )?(.+)")


def _place(context: object) -> str:
    match = _CONTEXT.fullmatch(str(context))
    return _YAML_PLACES.get(match[1], match[1]) if match else str(context)


def yaml_syntax(problem: str | None, context: str | None, context_line: int | None, tab: bool) -> Reason:
    """libyaml's problem, where it began reading what it could not finish (``context_line``, when
    that is another line than the problem's), and whether a tab stands at the problem."""
    if problem:
        en = str(problem)
        zh = _YAML_PROBLEMS.get(en, en)
    elif context:
        en, zh = str(context), f"读取{_place(context)}时出错"
    else:
        en, zh = "invalid YAML", _YAML_PROBLEMS["invalid YAML"]
    if context_line is not None:
        en += f" ({context} at line {context_line})"
        zh += f"（{_place(context)}始于第 {context_line} 行）"
    if tab:
        en += "; YAML indents with spaces, not tabs"
        zh += "；YAML 用空格缩进，不能用制表符"
    return Reason(f"YAML syntax error: {en}", f"YAML 语法错误：{zh}")
