"""Where every key and item of a YAML document sits in its file: ``PositionMap``.

The loader builds the map while it builds the data; the pipeline asks it for the line and
column of a key path when a check names one. Kept as libyaml's own marks until asked.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from plancheck.findings import KeyPath


class Position(NamedTuple):
    """1-based line and column."""

    line: int
    column: int


def mark_position(mark: Any) -> Position:
    """A libyaml mark (0-based) as a ``Position``."""
    return Position(mark.line + 1, mark.column + 1)


class Node:
    """Where the entries of one mapping or sequence sit.

    Positions are libyaml's own marks (0-based), kept as the parser made them and turned into
    a ``Position`` only when a finding asks: a national check reads two million values and
    locates a few hundred thousand. ``keys`` (mappings only) holds each key's mark; ``items``
    holds each value's mark, or the ``Node`` of a value that is itself a collection.
    """

    __slots__ = ("start", "keys", "items")

    def __init__(self, start: Any, keys: dict[Any, Any] | None, items: dict[Any, Any] | list[Any]) -> None:
        self.start = start
        self.keys = keys
        self.items = items


def _step(node: Node, part: str | int) -> Any:
    """The mark or node one key or index below ``node``, or None."""
    items = node.items
    if node.keys is not None:
        return items.get(part)  # type: ignore[union-attr]
    if part.__class__ is int and 0 <= part < len(items):  # type: ignore[operator]
        return items[part]  # type: ignore[index]
    return None


def _prune(node: Any, depth: int) -> Any:
    if node.__class__ is not Node:
        return node
    if depth == 0:
        return node.start
    if node.keys is not None:
        return Node(node.start, node.keys, {k: _prune(v, depth - 1) for k, v in node.items.items()})
    return Node(node.start, None, [_prune(v, depth - 1) for v in node.items])


class PositionMap:
    """Where each key path sits: the value's start and, for mapping entries, the key's."""

    __slots__ = ("root",)

    def __init__(self, root: Any = None) -> None:
        self.root = root
        """The document's ``Node``, or the mark of a document that is a single value."""

    def pruned(self, depth: int) -> PositionMap:
        """Only paths up to ``depth`` keys long. Once a plan's own checks have run, later
        checks point at whole targets (("targets", 3)); keeping every node's position for
        thousands of plans would cost more memory than the plans themselves."""
        return PositionMap(_prune(self.root, depth))

    def locate(self, path: KeyPath, *, at_key: bool = False) -> Position:
        """Position of ``path`` (its key's, with ``at_key``) or of its nearest ancestor that has one."""
        node = self.root
        if node is None:
            return Position(1, 1)
        found = node.start if node.__class__ is Node else node
        last = len(path) - 1
        for i, part in enumerate(path):
            if node.__class__ is not Node:
                break
            if at_key and i == last and node.keys is not None and part in node.keys:
                return mark_position(node.keys[part])
            node = _step(node, part)
            if node is None:
                break
            found = node.start if node.__class__ is Node else node
        return mark_position(found)
