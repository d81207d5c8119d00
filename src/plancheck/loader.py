"""YAML → plain data plus a map of where every key and item sits in the file.

We build the data ourselves from libyaml's event stream instead of calling
``yaml.load``, because the stock loader cannot do what a plan checker needs:

- it silently keeps the last of two duplicate keys (a doubled ``value:`` would
  change a target unnoticed); we report every duplicate with both lines;
- it forgets positions once the data is built; we keep the line and column of
  every key and value, so a schema error deep in a target still names its line;
- its composer recurses and its constructor expands aliases without bound; our
  builder is iterative and caps depth, alias expansion and file size;
- tags are resolved through a registry; we accept only YAML's standard scalar
  and collection tags and never construct anything else.

The parser is libyaml's (``CSafeLoader``), so tokenising runs at C speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
from yaml.reader import ReaderError
from yaml.resolver import Resolver

from plancheck.findings import Finding, KeyPath, Severity

try:  # libyaml is a hard requirement for speed, but fail with a clear message.
    from yaml import CSafeLoader as _Parser
except ImportError as exc:  # pragma: no cover - depends on the PyYAML build
    raise ImportError(
        "plancheck needs PyYAML built with libyaml (yaml.CSafeLoader); "
        "reinstall PyYAML from a wheel"
    ) from exc

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 250_000

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG = _TAG + "map"
_SEQ_TAG = _TAG + "seq"
_MERGE_TAG = _TAG + "merge"

_resolver = Resolver()
_new_position = tuple.__new__  # Position(line, column) without the NamedTuple's Python-level __new__
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_IMPLICIT_FIRST = frozenset(k for k in Resolver.yaml_implicit_resolvers if k is not None)
_NUMERIC_FIRST = frozenset("0123456789+-.")
_WORDS = frozenset(["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
                    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "<<", "="])


def _maybe_special(value: str) -> bool:
    """Whether a plain scalar could resolve to anything but a string (YAML 1.1 as PyYAML reads it):
    a number, date or .inf/.nan (first character), or one of the bool and null words."""
    return value[:1] in _NUMERIC_FIRST or value in _WORDS or not value
_constructor = SafeConstructor()


class Position(NamedTuple):
    """1-based line and column. A tuple, because every node of every file gets one."""

    line: int
    column: int


@dataclass
class PositionMap:
    """Where each key path sits: the value's start and, for mapping entries, the key's."""

    values: dict[KeyPath, Position] = field(default_factory=dict)
    keys: dict[KeyPath, Position] = field(default_factory=dict)

    def pruned(self, depth: int) -> PositionMap:
        """Only paths up to ``depth`` keys long. Once a plan's own checks have run, later
        checks point at whole targets (("targets", 3)); keeping every node's position for
        thousands of plans would cost more memory than the plans themselves."""
        return PositionMap({p: v for p, v in self.values.items() if len(p) <= depth},
                           {p: v for p, v in self.keys.items() if len(p) <= depth})

    def locate(self, path: KeyPath, *, at_key: bool = False) -> Position:
        """Position of ``path`` or of its nearest ancestor that has one."""
        p = tuple(path)
        if at_key and p in self.keys:
            return self.keys[p]
        while True:
            if p in self.values:
                return self.values[p]
            if not p:
                return Position(1, 1)
            p = p[:-1]


@dataclass
class LoadedYaml:
    """Data as plain dicts/lists/scalars, positions, and problems met on the way."""

    data: Any
    positions: PositionMap
    problems: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.problems


class _Frame:
    __slots__ = ("container", "path", "is_map", "key", "key_pos", "expect_key",
                 "discard", "seen", "anchor", "start_count", "pos")

    def __init__(self, container: Any, path: KeyPath, is_map: bool,
                 anchor: str | None, start_count: int, pos: Position) -> None:
        self.container = container
        self.path = path
        self.is_map = is_map
        self.key: Any = None
        self.key_pos: Position | None = None
        self.expect_key = True
        self.discard = False
        self.seen: dict[Any, Position] = {}
        self.anchor = anchor
        self.start_count = start_count
        self.pos = pos


class _Abort(Exception):
    """Stop building: a problem makes the rest of the file meaningless."""


def _pos(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _display_key(key: Any) -> str:
    return key if isinstance(key, str) else repr(key)


def decode(raw: bytes, file: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 (optional BOM) → text, or a PC001 naming the first bad byte's line and column."""
    for bom, name in _OTHER_ENCODINGS:
        if raw.startswith(bom):
            return None, [Finding("PC001", Severity.ERROR, f"the file is {name} (it starts with that byte-order "
                                  "mark); plan files are UTF-8: save it again as UTF-8", file=file, line=1, column=1)]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        return None, [Finding("PC001", Severity.ERROR,
                              f"not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot start or continue a character",
                              file=file, line=line, column=column)]


_OTHER_ENCODINGS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
"""Byte-order marks of encodings Windows editors save in; recognised to say what to do."""


def read_text(path: Path, display: str) -> tuple[str | None, list[Finding]]:
    """Read a file with a size cap; every failure becomes a PC001/PC006 finding."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return None, [Finding("PC001", Severity.ERROR, "not a regular file", file=display)]
        if size > MAX_FILE_BYTES:
            return None, [Finding("PC006", Severity.ERROR,
                                  f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                                  file=display, line=1, column=1)]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Finding("PC001", Severity.ERROR, "no such file", file=display)]
    except OSError as exc:
        return None, [Finding("PC001", Severity.ERROR, f"cannot read: {exc.strerror or exc}", file=display)]
    return decode(raw, display)


def load_file(path: Path, display: str | None = None) -> LoadedYaml:
    display = display if display is not None else str(path)
    text, problems = read_text(path, display)
    if text is None:
        return LoadedYaml(None, PositionMap(), problems)
    return load_text(text, display)


def load_text(text: str, file: str) -> LoadedYaml:
    """Parse one YAML document from ``text``; ``file`` is used only in messages."""
    return _Builder(file).build(text)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions = PositionMap()
        self.problems: list[Finding] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.count = 0
        self._last_tag: str | None = None

    def problem(self, code: str, message: str, pos: Position) -> None:
        self.problems.append(Finding(code, Severity.ERROR, message, file=self.file,
                                     line=pos.line, column=pos.column))

    def build(self, text: str) -> LoadedYaml:
        result: Any = None
        try:
            result = self._run(text)
        except _Abort:
            result = None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            pos = _pos(mark) if mark is not None else Position(1, 1)
            message = str(exc.problem or exc.context or "invalid YAML")
            if exc.context_mark is not None and exc.problem_mark is not None \
                    and exc.context_mark.line != exc.problem_mark.line:
                message += f" ({exc.context} at line {exc.context_mark.line + 1})"
            if mark is not None and _char_at(text, mark.index) == "\t":
                message += "; YAML indents with spaces, not tabs"
            self.problem("PC002", f"YAML syntax error: {message}", pos)
            result = None
        except ReaderError as exc:  # characters YAML does not allow, e.g. control characters
            before = text[: exc.position]
            pos = Position(before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
            self.problem("PC002", f"YAML syntax error: character U+{ord(exc.character) if isinstance(exc.character, str) else exc.character:04X} "
                         "is not allowed in YAML text", pos)
            result = None
        return LoadedYaml(result, self.positions, self.problems)

    def _run(self, text: str) -> Any:
        stack: list[_Frame] = []
        documents = 0
        root: Any = None
        root_set = False
        parser = _Parser(text)
        check_event, get_event = parser.check_event, parser.get_event
        values = self.positions.values
        keys = self.positions.keys
        implicit_first = _IMPLICIT_FIRST
        try:
            while check_event():
                event = get_event()
                cls = event.__class__
                if cls is ScalarEvent and stack:  # the common case: inline, no method calls
                    frame = stack[-1]
                    mark = event.start_mark
                    pos = _new_position(Position, (mark.line + 1, mark.column + 1))
                    self.count += 1
                    if self.count > MAX_EXPANDED_NODES:
                        self._count(pos, 0)
                    text_value = event.value
                    if event.tag is None and event.implicit[0] and event.anchor is None \
                            and (text_value[:1] not in implicit_first or not _maybe_special(text_value)):
                        value = text_value  # a plain string: what resolver and constructor would give
                        self._last_tag = _STR_TAG
                    else:
                        value = self._scalar(event, pos)
                        if event.anchor is not None:
                            self.anchors[event.anchor] = (value, 1)
                    if frame.is_map:
                        if frame.expect_key and value.__class__ is str and value not in frame.seen \
                                and value != "<<":
                            frame.expect_key = False  # a plain new key: what _attach would do
                            frame.key_pos = pos
                            frame.discard = False
                            frame.seen[value] = pos
                            frame.key = value
                            keys[(*frame.path, value)] = pos
                            continue
                        if frame.expect_key or frame.discard:
                            self._attach(frame, value, pos, is_collection=False)
                            continue
                        frame.expect_key = True
                        key = frame.key
                        path_key = key if key.__class__ is str or key.__class__ is int else str(key)
                        values.setdefault((*frame.path, path_key), pos)
                        try:
                            frame.container[key] = value
                        except TypeError:  # unhashable key, already reported
                            pass
                    else:
                        container = frame.container
                        values.setdefault((*frame.path, len(container)), pos)
                        container.append(value)
                    continue
                if isinstance(event, DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        self.problem("PC005", "the file holds more than one YAML document; a plan file holds exactly one",
                                     _pos(event.start_mark))
                        raise _Abort
                    continue
                if isinstance(event, StreamEndEvent):
                    break
                if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                    frame = stack.pop()
                    if frame.anchor is not None:
                        self.anchors[frame.anchor] = (frame.container, self.count - frame.start_count + 1)
                        self.open_anchors.discard(frame.anchor)
                    value = frame.container
                    if not stack:
                        root, root_set = value, True
                    else:
                        self._attach(stack[-1], value, frame.pos, is_collection=True)
                    continue
                if isinstance(event, (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent)):
                    pos = _pos(event.start_mark)
                    parent = stack[-1] if stack else None
                    in_key_slot = parent is not None and parent.is_map and parent.expect_key
                    path: KeyPath = self._child_path(parent) if parent is not None and not in_key_slot else ()
                    if isinstance(event, AliasEvent):
                        value = self._alias(event, pos)
                    elif isinstance(event, ScalarEvent):
                        self._count(pos)
                        value = self._scalar(event, pos)
                        if event.anchor is not None:
                            self.anchors[event.anchor] = (value, 1)
                    else:
                        self._count(pos)
                        is_map = isinstance(event, MappingStartEvent)
                        self._check_collection_tag(event, is_map, pos)
                        if len(stack) >= MAX_DEPTH:
                            self.problem("PC006", f"nesting deeper than {MAX_DEPTH} levels", pos)
                            raise _Abort
                        if in_key_slot:
                            self.problem("PC004", "a mapping or sequence cannot be used as a key", pos)
                        if not in_key_slot:
                            self.positions.values.setdefault(path, pos)
                        if event.anchor is not None:
                            self.open_anchors.add(event.anchor)
                        stack.append(_Frame({} if is_map else [], path if not in_key_slot else ("<key>",),
                                            is_map, event.anchor, self.count, pos))
                        continue
                    if parent is None:
                        root, root_set = value, True
                    else:
                        self._attach(parent, value, pos, is_collection=False)
        finally:
            parser.dispose()
        if not root_set or root is None:
            self.problem("PC005", "the file is empty; a plan is a mapping with jurisdiction, documents and targets",
                         Position(1, 1))
            return None
        return root

    def _child_path(self, parent: _Frame) -> KeyPath:
        if parent.is_map:
            key = parent.key
            if parent.discard:
                return (*parent.path, f"<discarded {parent.key_pos}>")
            return (*parent.path, key if isinstance(key, (str, int)) else str(key))
        return (*parent.path, len(parent.container))

    def _attach(self, frame: _Frame, value: Any, pos: Position, *, is_collection: bool) -> None:
        if not frame.is_map:
            index = len(frame.container)
            if not is_collection:
                self.positions.values.setdefault((*frame.path, index), pos)
            frame.container.append(value)
            return
        if frame.expect_key:
            frame.expect_key = False
            frame.key_pos = pos
            frame.discard = False
            if is_collection:
                frame.key = "<complex key>"
                frame.discard = True
                return
            key = value
            if key == "<<" and self._last_tag == _MERGE_TAG:
                self.problem("PC004", "merge keys (<<) are not supported; write the keys out", pos)
                frame.discard = True
            elif isinstance(key, (dict, list)):
                frame.discard = True
            elif key in frame.seen:
                first = frame.seen[key]
                self.problem("PC003", f"duplicate key {_display_key(key)!r} (first defined at line {first.line}); "
                             "a repeated key would silently replace the first value", pos)
                frame.discard = True
            else:
                frame.seen[key] = pos
            frame.key = key
            if not frame.discard:
                self.positions.keys[(*frame.path, key if isinstance(key, (str, int)) else str(key))] = pos
            return
        frame.expect_key = True
        if frame.discard:
            return
        key = frame.key
        if not is_collection:
            self.positions.values.setdefault((*frame.path, key if isinstance(key, (str, int)) else str(key)), pos)
        try:
            frame.container[key] = value
        except TypeError:  # unhashable key, already reported
            pass

    def _count(self, pos: Position, n: int = 1) -> None:
        self.count += n
        if self.count > MAX_EXPANDED_NODES:
            self.problem("PC006", f"more than {MAX_EXPANDED_NODES:,} values after expanding aliases "
                         "(an alias bomb, or a file far larger than any plan)", pos)
            raise _Abort

    def _alias(self, event: AliasEvent, pos: Position) -> Any:
        name = event.anchor
        if name in self.open_anchors:
            self.problem("PC004", f"alias *{name} refers to a collection that contains it (recursive alias)", pos)
            raise _Abort
        if name not in self.anchors:
            self.problem("PC002", f"YAML syntax error: alias *{name} names no anchor defined before it", pos)
            raise _Abort
        value, size = self.anchors[name]
        self._count(pos, size)
        self._last_tag = None
        return value

    def _check_collection_tag(self, event: Any, is_map: bool, pos: Position) -> None:
        tag = event.tag
        if tag in (None, "!"):
            return
        if tag != (_MAP_TAG if is_map else _SEQ_TAG):
            self.problem("PC004", f"tag {_short_tag(tag)} is not allowed in plan files", pos)

    def _scalar(self, event: ScalarEvent, pos: Position) -> Any:
        tag = event.tag
        if tag is None and event.implicit[0]:
            value = event.value
            # The resolver only looks further when the first character can start a non-string
            # (a digit, a sign, '.', '~', y/n/t/f/o...): most plan text skips it entirely.
            tag = _resolver.resolve(ScalarNode, value, (True, False)) if value[:1] in _IMPLICIT_FIRST \
                else _STR_TAG if value else _resolver.resolve(ScalarNode, value, (True, False))
        elif tag in (None, "!"):
            tag = _STR_TAG
        elif tag not in _SCALAR_TAGS:
            self.problem("PC004", f"tag {_short_tag(tag)} is not allowed in plan files; "
                         "only standard YAML types are accepted and nothing is executed", pos)
            self._last_tag = None
            return None
        self._last_tag = tag
        if tag == _STR_TAG:  # most values: no constructor needed
            return event.value
        if tag == _INT_TAG and event.value.isdigit() and event.value.isascii() \
                and (event.value[0] != "0" or event.value == "0"):
            return int(event.value)  # plain decimal: what the constructor would return, without it
        if tag == _MERGE_TAG:
            return "<<"
        node = ScalarNode(tag, event.value)
        try:
            return _constructor.yaml_constructors[tag](_constructor, node)
        except (ValueError, yaml.YAMLError, OverflowError) as exc:
            self.problem("PC012", f"cannot read {event.value!r} as {_short_tag(tag)}: {exc}", pos)
            return event.value


def _char_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag

