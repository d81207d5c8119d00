"""Findings as plain values, for the two places they leave a process: the pipe from a worker
(``plancheck.workers``) and the result cache (``plancheck.cache``).

A finding packs to the list of its fields in order (``_FINDING_FIELDS``), its row a list too
(``_ROW_FIELDS``); its reason, message and upper target are indexes into tables written once
for all the findings packed together. The pickler writes such lists in C, where a dataclass
or a ``Reason`` costs a Python call each. For the cache (``plain=True``) verdicts and
messages travel as their names and readings too, so an entry holds nothing but strings,
numbers, lists and tuples, which is all the cache agrees to read.
"""

from __future__ import annotations

import operator
from dataclasses import fields

from plancheck.findings import Finding, Location, Row, Verdict
from plancheck.reason import Reason

Packed = tuple
"""Findings packed: the tables of their shared values (reasons, messages, upper targets) and a
list per finding of its fields, where a shared value is its index in its table."""

_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_ROW_FIELDS = tuple(f.name for f in fields(Row))
_ROW_AT = _FINDING_FIELDS.index("row")
_UPPER_AT = _FINDING_FIELDS.index("upper")
_MESSAGE_AT = _FINDING_FIELDS.index("message")
_VERDICT_AT = _FINDING_FIELDS.index("verdict")
_REASON_AT = _ROW_FIELDS.index("reason")
_ROW_VERDICT_AT = _ROW_FIELDS.index("verdict")
_finding_values = operator.attrgetter(*_FINDING_FIELDS)
_row_values = operator.attrgetter(*_ROW_FIELDS)


def pack(findings: list[Finding], plain: bool = False) -> Packed:
    """Findings as lists of strings, numbers and enum members, in the order of their fields:
    the pickler writes those in C, where a dataclass (a ``Row``, a ``Location``) or a ``Reason``
    costs a Python call each, on both sides of the pipe.

    A national check's rows have only a few hundred distinct reasons, each built anew per row,
    and the children of one plan often share a message and always their upper targets; each
    such value is written once, in a table, and a finding holds its index there, which is also
    the cheapest way to find it again when unpacking.

    ``plain``: verdicts as their names and messages as their two readings (a plain string
    stays one), for the cache; only findings not yet graded or waived can be packed so."""
    rows = []
    readings: dict[tuple[str, str], int] = {}
    messages: dict[int, int] = {}  # id of a message (all alive while packing) → its index
    message_table: list = []
    uppers: dict[int, int] = {}  # id of a Location (all alive while packing) → its index
    upper_table: list[tuple] = []
    for f in findings:
        values = list(_finding_values(f))
        row = f.row
        if row is not None:
            both = (str(row.reason), row.reason.zh)  # the key has both: equal English, other Chinese is possible
            row_values = list(_row_values(row))
            row_values[_REASON_AT] = readings.setdefault(both, len(readings))
            if plain:
                row_values[_ROW_VERDICT_AT] = row.verdict.value
            values[_ROW_AT] = row_values
        if plain:
            assert f.severity is None and f.waiver is None and f.baseline is None, "packed before the policy"
            if f.verdict is not None:
                values[_VERDICT_AT] = f.verdict.value
        message = f.message
        at = messages.get(id(message))
        if at is None:
            at = messages[id(message)] = len(message_table)
            if not plain:
                message_table.append(message)
            else:
                message_table.append((str(message), message.zh) if isinstance(message, Reason) else str(message))
        values[_MESSAGE_AT] = at
        upper = f.upper
        if upper is not None:
            at = uppers.get(id(upper))
            if at is None:
                at = uppers[id(upper)] = len(upper_table)
                upper_table.append((upper.plan, upper.file, upper.line, upper.column))
            values[_UPPER_AT] = at
        rows.append(values)
    return list(readings), message_table, upper_table, rows


_VERDICTS = {v.value: v for v in Verdict}


def unpack(packed: Packed, reasons: dict[tuple[str, str], Reason], plain: bool = False) -> list[Finding]:
    """The findings ``pack`` packed; ``plain`` as for ``pack``. Each shared value is made once,
    from its table. ``reasons``: the reasons made so far, by their two readings, so that rows of
    other slices or entries that say the same share one ``Reason`` too."""
    readings, message_table, upper_table, rows = packed
    made = [_reason(both, reasons) for both in readings]
    if plain:
        message_table = [m if m.__class__ is str else _reason(tuple(m), reasons) for m in message_table]
    locations = [Location(*upper) for upper in upper_table]
    verdicts = _VERDICTS
    findings = []
    for values in rows:
        row = values[_ROW_AT]
        if row is not None:
            row[_REASON_AT] = made[row[_REASON_AT]]
            if plain:
                row[_ROW_VERDICT_AT] = verdicts[row[_ROW_VERDICT_AT]]
            values[_ROW_AT] = Row(*row)
        if plain and values[_VERDICT_AT] is not None:
            values[_VERDICT_AT] = verdicts[values[_VERDICT_AT]]
        values[_MESSAGE_AT] = message_table[values[_MESSAGE_AT]]
        upper = values[_UPPER_AT]
        if upper is not None:
            values[_UPPER_AT] = locations[upper]
        findings.append(Finding(*values))
    return findings


def _reason(both: tuple[str, str], reasons: dict[tuple[str, str], Reason]) -> Reason:
    reason = reasons.get(both)
    if reason is None:
        reason = reasons[both] = Reason(*both)
    return reason
