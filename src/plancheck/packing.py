"""Findings as plain values, for the two places they leave a process: the pipe from a worker
(``plancheck.workers``) and the result cache (``plancheck.cache``).

A finding packs to the list of its fields in order (``_FINDING_FIELDS``), its row a list too
(``_ROW_FIELDS``) with the reason as its two readings, its upper target's location a tuple.
The pickler writes such lists in C, where a dataclass or a ``Reason`` costs a Python call
each. For the cache (``plain=True``) verdicts travel as their names too, so an entry holds
nothing but strings, numbers, lists and tuples, which is all the cache agrees to read.
"""

from __future__ import annotations

import operator
from dataclasses import fields

from plancheck.findings import Finding, Location, Row, Verdict
from plancheck.reason import Reason

Packed = list
"""A finding as the list of its fields."""

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


def pack(findings: list[Finding], reasons: dict[tuple[str, str], tuple[str, str]], plain: bool = False
         ) -> list[Packed]:
    """Findings as lists of strings, numbers and enum members, in the order of their fields:
    the pickler writes those in C, where a dataclass (a ``Row``, a ``Location``) or a ``Reason``
    costs a Python call each, on both sides of the pipe.

    A national check's rows have only a few hundred distinct reasons, each built anew per row;
    one tuple per distinct reason lets the pickler write it once and refer to it after.
    ``reasons`` keeps those tuples, for one message or for a worker's whole run. The upper
    target of a row is shared by the rows of every child of its plan; one tuple per location
    object keeps it shared in the message.

    ``plain``: verdicts as their names and messages as their two readings (a plain string
    stays one), for the cache; only findings not yet graded or waived can be packed so."""
    packed = []
    locations: dict[int, tuple] = {}  # id of a Location (all alive while packing) → its tuple
    messages: dict[int, tuple[str, str]] = {}  # id of a message (all alive while packing) → its readings
    for f in findings:
        values = list(_finding_values(f))
        row = f.row
        if row is not None:
            readings = (str(row.reason), row.reason.zh)  # the key has both: equal English, other Chinese is possible
            row_values = list(_row_values(row))
            row_values[_REASON_AT] = reasons.setdefault(readings, readings)
            if plain:
                row_values[_ROW_VERDICT_AT] = row.verdict.value
            values[_ROW_AT] = row_values
        if plain:
            assert f.severity is None and f.waiver is None and f.baseline is None, "packed before the policy"
            if f.verdict is not None:
                values[_VERDICT_AT] = f.verdict.value
            message = f.message
            if isinstance(message, Reason):
                text = messages.get(id(message))
                if text is None:
                    text = messages[id(message)] = (str(message), message.zh)
                values[_MESSAGE_AT] = text
            else:
                values[_MESSAGE_AT] = str(message)
        upper = f.upper
        if upper is not None:
            location = locations.get(id(upper))
            if location is None:
                location = locations[id(upper)] = (upper.plan, upper.file, upper.line, upper.column)
            values[_UPPER_AT] = location
        packed.append(values)
    return packed


_VERDICTS = {v.value: v for v in Verdict}


def unpack(packed: list[Packed], reasons: dict[tuple[str, str], Reason], plain: bool = False) -> list[Finding]:
    """The findings ``pack`` packed; ``plain`` as for ``pack``.

    A value shared by many findings (a reason, a message, an upper target) is one object in
    what was packed, and stays one through the pickler; so each is made once, looked up by
    identity while ``packed`` holds it (hashing its texts would cost more). ``reasons``: the
    reasons made so far, by their two readings, so that rows of other slices or entries that
    say the same share one ``Reason`` too."""
    findings = []
    made: dict[int, object] = {}
    verdicts = _VERDICTS
    for values in packed:
        row = values[_ROW_AT]
        if row is not None:
            readings = row[_REASON_AT]
            reason = made.get(id(readings))
            if reason is None:
                reason = reasons.get(readings)
                if reason is None:
                    reason = reasons[readings] = Reason(*readings)
                made[id(readings)] = reason
            row[_REASON_AT] = reason
            if plain:
                row[_ROW_VERDICT_AT] = verdicts[row[_ROW_VERDICT_AT]]
            values[_ROW_AT] = Row(*row)
        if plain and values[_VERDICT_AT] is not None:
            values[_VERDICT_AT] = verdicts[values[_VERDICT_AT]]
        message = values[_MESSAGE_AT]
        if message.__class__ is tuple:  # plain: the children of one plan often say the same
            text = made.get(id(message))
            if text is None:
                text = reasons.get(message)
                if text is None:
                    text = reasons[message] = Reason(*message)
                made[id(message)] = text
            values[_MESSAGE_AT] = text
        upper = values[_UPPER_AT]
        if upper is not None:
            location = made.get(id(upper))
            if location is None:
                location = made[id(upper)] = Location(*upper)
            values[_UPPER_AT] = location
        findings.append(Finding(*values))
    return findings
