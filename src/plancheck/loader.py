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

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

from plancheck import load_messages as words
from plancheck.findings import Finding
from plancheck.positions import Node, Position, PositionMap, mark_position
from plancheck.textfiles import MAX_FILE_BYTES, decode, present, read_text  # noqa: F401 - the loader's readers

try:  # libyaml is a hard requirement for speed, but fail with a clear message.
    from yaml import CSafeLoader as _Parser
except ImportError as exc:  # pragma: no cover - depends on the PyYAML build
    raise ImportError(
        "plancheck needs PyYAML built with libyaml (yaml.CSafeLoader); "
        "reinstall PyYAML from a wheel"
    ) from exc

MAX_DEPTH = 64
MAX_EXPANDED_NODES = 250_000
MAX_INT_DIGITS = 100
"""Digits of an integer scalar. No plan, setting or rule needs more than a few; Python refuses
to convert more than 4,300 at all, and arithmetic on huge integers is unbounded work."""
MAX_ITEMS = 2000
"""Targets (and skipped entries) per plan, enforced when a plan is loaded. Comparison pairs
targets, so its cost grows with the square of this; 2000 is twenty times the largest real plan."""
_PARSER_DEPTH_LIMIT = "maximum nesting depth"
"""How libyaml (0.2.6 and later) words its own nesting limit."""

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG = _TAG + "map"
_SEQ_TAG = _TAG + "seq"
_MERGE_TAG = _TAG + "merge"

_resolver = Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_IMPLICIT_FIRST = frozenset(k for k in Resolver.yaml_implicit_resolvers if k is not None)
_NUMERIC_FIRST = frozenset("0123456789+-.")
_WORDS = frozenset(["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
                    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "<<", "="])


def _maybe_special(value: str) -> bool:
    """Whether a plain scalar could resolve to anything but a string (YAML 1.1 as PyYAML reads it):
    a number, date or .inf/.nan (first character), or one of the bool and null words."""
    return value[:1] in _NUMERIC_FIRST or value in _WORDS or not value
_constructor = SafeConstructor()


@dataclass
class LoadedYaml:
    """Data as plain dicts/lists/scalars, positions, and problems met on the way."""

    data: Any
    positions: PositionMap
    problems: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def empty(self) -> bool:
        """The file holds no value at all (or only ``null``): an empty settings or waiver file
        means "nothing to add", an empty plan is an error."""
        return self.data is None and not self.problems


class _Frame:
    """A mapping or sequence being built, with the marks of its entries."""

    __slots__ = ("container", "items", "seen", "is_map", "key", "expect_key", "discard", "anchor",
                 "start_count", "start")

    def __init__(self, is_map: bool, anchor: str | None, start_count: int, start: Any) -> None:
        self.container: Any = {} if is_map else []
        self.items: Any = {} if is_map else []
        self.seen: dict[Any, Any] = {}
        """Key → the key's mark: finds duplicates, and is the node's ``keys``."""
        self.is_map = is_map
        self.key: Any = None
        self.expect_key = True
        self.discard = False
        self.anchor = anchor
        self.start_count = start_count
        self.start = start

    def node(self) -> Node:
        return Node(self.start, self.seen if self.is_map else None, self.items)


class _Abort(Exception):
    """Stop building: a problem makes the rest of the file meaningless."""


def _display_key(key: Any) -> str:
    return key if isinstance(key, str) else repr(key)


def _part(key: Any) -> str | int:
    """A mapping key as it appears in a key path."""
    return key if isinstance(key, (str, int)) else str(key)


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
        self.root_position: Any = None
        self.problems: list[Finding] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.count = 0
        self._last_tag: str | None = None

    def problem(self, code: str, message: str, pos: Position) -> None:
        """``message``: a ``Reason`` of ``load_messages``, in both languages."""
        self.problems.append(Finding(code, message, file=self.file,
                                     line=pos.line, column=pos.column))

    def build(self, text: str) -> LoadedYaml:
        result: Any = None
        try:
            result = self._run(text)
        except _Abort:
            result = None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            pos = mark_position(mark) if mark is not None else Position(1, 1)
            if _PARSER_DEPTH_LIMIT in str(exc.problem or exc.context or ""):
                # libyaml 0.2.6 and later stop deep nesting themselves (at 1,000 levels), before
                # our own cap sees it; "too deep" is one code whoever notices first.
                self.problem("PC006", words.nesting_too_deep(MAX_DEPTH), pos)
                return LoadedYaml(None, PositionMap(), self.problems)
            context_line = exc.context_mark.line + 1 if exc.context_mark is not None and exc.problem_mark is not None \
                and exc.context_mark.line != exc.problem_mark.line else None
            tab = mark is not None and _char_at(text, mark.index) == "\t"
            self.problem("PC002", words.yaml_syntax(exc.problem, exc.context, context_line, tab), pos)
            result = None
        except ReaderError as exc:  # characters YAML does not allow, e.g. control characters
            before = text[: exc.position]
            pos = Position(before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
            self.problem("PC002", words.character_not_allowed(
                ord(exc.character) if isinstance(exc.character, str) else exc.character), pos)
            result = None
        return LoadedYaml(result, PositionMap(self.root_position if result is not None else None), self.problems)

    def _run(self, text: str) -> Any:
        stack: list[_Frame] = []
        documents = 0
        root: Any = None
        root_set = False
        parser = _Parser(text)
        check_event, get_event = parser.check_event, parser.get_event
        implicit_first = _IMPLICIT_FIRST
        try:
            while check_event():
                event = get_event()
                cls = event.__class__
                if cls is ScalarEvent and stack:  # the common case: inline, no method calls
                    frame = stack[-1]
                    mark = event.start_mark
                    self.count += 1
                    if self.count > MAX_EXPANDED_NODES:
                        self._count(mark, 0)
                    text_value = event.value
                    if event.tag is None and event.implicit[0] and event.anchor is None \
                            and (text_value[:1] not in implicit_first or not _maybe_special(text_value)):
                        value = text_value  # a plain string: what resolver and constructor would give
                        self._last_tag = _STR_TAG
                    else:
                        value = self._scalar(event, mark)
                        if event.anchor is not None:
                            self.anchors[event.anchor] = (value, 1)
                    if frame.is_map:
                        if frame.expect_key:
                            if value.__class__ is str and value not in frame.seen and value != "<<":
                                frame.expect_key = False  # a plain new key: what _attach would do
                                frame.discard = False
                                frame.seen[value] = mark
                                frame.key = value
                            else:
                                self._attach(frame, value, mark)
                            continue
                        frame.expect_key = True
                        if frame.discard:
                            continue
                        key = frame.key
                        frame.items.setdefault(key if key.__class__ is str else _part(key), mark)
                        try:
                            frame.container[key] = value
                        except TypeError:  # unhashable key, already reported
                            pass
                    else:
                        frame.container.append(value)
                        frame.items.append(mark)
                    continue
                if cls is MappingEndEvent or cls is SequenceEndEvent:
                    frame = stack.pop()
                    if frame.anchor is not None:
                        self.anchors[frame.anchor] = (frame.container, self.count - frame.start_count + 1)
                        self.open_anchors.discard(frame.anchor)
                    if not stack:
                        root, root_set, self.root_position = frame.container, True, frame.node()
                    else:
                        self._attach(stack[-1], frame.container, frame.node())
                    continue
                if cls is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        self.problem("PC005", words.MORE_THAN_ONE_DOCUMENT, mark_position(event.start_mark))
                        raise _Abort
                    continue
                if cls is StreamEndEvent:
                    break
                if cls is ScalarEvent or cls is AliasEvent or cls is MappingStartEvent or cls is SequenceStartEvent:
                    mark = event.start_mark
                    parent = stack[-1] if stack else None
                    if cls is AliasEvent:
                        value = self._alias(event, mark)
                    elif cls is ScalarEvent:
                        self._count(mark)
                        value = self._scalar(event, mark)
                        if event.anchor is not None:
                            self.anchors[event.anchor] = (value, 1)
                    else:
                        self._count(mark)
                        is_map = cls is MappingStartEvent
                        self._check_collection_tag(event, is_map, mark)
                        if len(stack) >= MAX_DEPTH:
                            self.problem("PC006", words.nesting_too_deep(MAX_DEPTH), mark_position(mark))
                            raise _Abort
                        if parent is not None and parent.is_map and parent.expect_key:
                            self.problem("PC004", words.COLLECTION_AS_KEY, mark_position(mark))
                        if event.anchor is not None:
                            self.open_anchors.add(event.anchor)
                        stack.append(_Frame(is_map, event.anchor, self.count, mark))
                        continue
                    if parent is None:
                        root, root_set, self.root_position = value, True, mark
                    else:
                        self._attach(parent, value, mark)
        finally:
            parser.dispose()
        if not root_set:
            return None  # an empty file: whether that is allowed is the reader's call (``LoadedYaml.empty``)
        return root

    def _attach(self, frame: _Frame, value: Any, position: Any) -> None:
        """Add a finished value to its mapping or sequence; ``position`` is its mark, or its
        ``Node`` when it is a collection."""
        if not frame.is_map:
            frame.container.append(value)
            frame.items.append(position)
            return
        if frame.expect_key:
            frame.expect_key = False
            frame.discard = False
            if position.__class__ is Node:
                frame.key = "<complex key>"
                frame.discard = True
                return
            key = value
            if key == "<<" and self._last_tag == _MERGE_TAG:
                self.problem("PC004", words.MERGE_KEY, mark_position(position))
                frame.discard = True
            elif isinstance(key, (dict, list)):
                frame.discard = True
            elif key in frame.seen:
                first = frame.seen[key]
                self.problem("PC003", words.duplicate_key(_display_key(key), first.line + 1), mark_position(position))
                frame.discard = True
            else:
                frame.seen[key] = position
            frame.key = key
            return
        frame.expect_key = True
        if frame.discard:
            return
        key = frame.key
        frame.items.setdefault(_part(key), position)
        try:
            frame.container[key] = value
        except TypeError:  # unhashable key, already reported
            pass

    def _count(self, mark: Any, n: int = 1) -> None:
        self.count += n
        if self.count > MAX_EXPANDED_NODES:
            self.problem("PC006", words.too_many_values(MAX_EXPANDED_NODES), mark_position(mark))
            raise _Abort

    def _alias(self, event: AliasEvent, mark: Any) -> Any:
        name = event.anchor
        if name in self.open_anchors:
            self.problem("PC004", words.recursive_alias(name), mark_position(mark))
            raise _Abort
        if name not in self.anchors:
            self.problem("PC002", words.unknown_alias(name), mark_position(mark))
            raise _Abort
        value, size = self.anchors[name]
        self._count(mark, size)
        self._last_tag = None
        return value

    def _check_collection_tag(self, event: Any, is_map: bool, mark: Any) -> None:
        tag = event.tag
        if tag in (None, "!"):
            return
        if tag != (_MAP_TAG if is_map else _SEQ_TAG):
            self.problem("PC004", words.tag_not_allowed(_short_tag(tag)), mark_position(mark))

    def _scalar(self, event: ScalarEvent, mark: Any) -> Any:
        tag = event.tag
        if tag is None and event.implicit[0]:
            value = event.value
            if value.isascii():  # years and decimals, most of the non-text values, without the resolver
                if value.isdigit() and (value[0] != "0" or value == "0") \
                        and len(value) <= MAX_INT_DIGITS:  # not 010, which YAML 1.1 reads as octal
                    self._last_tag = _INT_TAG
                    return int(value)
                whole, dot, fraction = value.partition(".")
                if dot and whole.isdigit() and fraction.isdigit():
                    self._last_tag = _FLOAT_TAG
                    return float(value)
            # The resolver only looks further when the first character can start a non-string
            # (a digit, a sign, '.', '~', y/n/t/f/o...): most plan text skips it entirely.
            tag = _resolver.resolve(ScalarNode, value, (True, False)) if value[:1] in _IMPLICIT_FIRST \
                else _STR_TAG if value else _resolver.resolve(ScalarNode, value, (True, False))
        elif tag in (None, "!"):
            tag = _STR_TAG
        elif tag not in _SCALAR_TAGS:
            self.problem("PC004", words.tag_not_allowed(_short_tag(tag), scalar=True), mark_position(mark))
            self._last_tag = None
            return None
        self._last_tag = tag
        if tag == _STR_TAG:  # most values: no constructor needed
            return event.value
        if tag == _MERGE_TAG:
            return "<<"
        if tag == _INT_TAG and len(event.value) > MAX_INT_DIGITS:  # in any base: 0x.., 0o.., 1_000, 1:30
            self.problem("PC012", words.integer_too_long(MAX_INT_DIGITS, _short_text(event.value)), mark_position(mark))
            return event.value
        if tag == _INT_TAG and event.value.isdigit() and event.value.isascii() \
                and (event.value[0] != "0" or event.value == "0"):
            return int(event.value)  # plain decimal: what the constructor would return, without it
        node = ScalarNode(tag, event.value)
        try:
            return _constructor.yaml_constructors[tag](_constructor, node)
        except Exception as exc:  # noqa: BLE001 - each constructor fails its own way on bad text
            # (`!!bool maybe` is a KeyError, `!!int ''` an IndexError, a bad date a ValueError):
            # whatever it is, the scalar cannot be read as its tag says.
            self.problem("PC012", words.unreadable_scalar(_short_text(event.value), _short_tag(tag), _detail(exc)),
                         mark_position(mark))
            return event.value


def _short_text(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _detail(exc: Exception) -> str:
    """A constructor's own message when it is one a reader can use, else nothing."""
    text = str(exc)
    return text if isinstance(exc, (ValueError, yaml.YAMLError)) and len(text) < 200 else ""


def _char_at(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag

