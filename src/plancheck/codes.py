"""The permanent catalogue of diagnostic codes.

Codes never change meaning and are never reused: waivers, baselines and CI
configurations name them. Ranges:

- ``PC0xx`` load errors: the file cannot be read as a plan. Always exit 2. The codes of
  reading a file are here; those of a plan's cross-references are in ``checks/structure.py``.
- ``PC1xx`` provenance of the transcription (quotes against source texts).
- ``PC2xx`` strictness against the ancestor plan.
- ``PC3xx`` consistency inside one plan.
- ``PC4xx`` the hierarchy of jurisdictions.
- ``PC5xx`` waivers.

Each entry's ``doc`` is what ``plancheck explain CODE`` prints; ``code_registry`` gathers every
family's entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from plancheck.findings import Severity


@dataclass(frozen=True)
class CodeDoc:
    code: str
    name: str
    severity: Severity
    summary: str
    doc: str



def is_load_error(code: str) -> bool:
    """PC0xx codes mean the input could not be used at all: exit 2, not 1. Such a finding can be
    neither disabled, given another severity, nor waived: a file that cannot be read is never a pass."""
    return code.startswith("PC0")


def _c(code: str, name: str, severity: Severity, summary: str, doc: str) -> CodeDoc:
    return CodeDoc(code, name, severity, summary, doc.strip())


_E = Severity.ERROR

LOAD_CODES: tuple[CodeDoc, ...] = (
    _c("PC001", "unreadable-file", _E, "The file cannot be read as UTF-8 text.", """
The file does not exist, is not a regular file, or is not valid UTF-8. Plan
files are UTF-8; a leading byte-order mark is accepted and ignored. The
message names the byte offset's line and column of the first invalid byte.

Fix: save the file as UTF-8 (most editors: "Save with encoding").
"""),
    _c("PC002", "yaml-syntax", _E, "The file is not well-formed YAML.", """
The YAML parser (libyaml) stopped at the position given. Common causes: a tab
used for indentation, an unclosed quote or bracket, a colon inside an unquoted
value. Only the first syntax error can be reported, since the parser cannot
know how the rest of the file was meant.
"""),
    _c("PC003", "duplicate-key", _E, "A mapping repeats a key.", """
YAML forbids repeated keys in one mapping, but most parsers (PyYAML among them)
silently keep the last value, so a doubled `value:` would change a target
without anyone noticing. plancheck refuses the file and names both lines.
"""),
    _c("PC004", "forbidden-yaml-feature", _E, "A tag, merge key or complex key that plans may not use.", """
Plan files use plain YAML only: mappings, sequences, strings, numbers,
booleans, null and dates. Explicit tags other than the standard ones
(`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!timestamp`, `!!map`,
`!!seq`), in particular `!!python/...` tags, are refused and never run.
Merge keys (`<<`) and mappings or sequences used as keys are refused too.
"""),
    _c("PC005", "not-a-plan-document", _E, "The file is empty, holds several documents, or is not a mapping.", """
A plan file holds exactly one YAML document whose top level is a mapping with
`jurisdiction`, `documents` and `targets`.
"""),
    _c("PC006", "input-too-large", _E, "The file exceeds a resource limit.", """
plancheck bounds the work any input can cause: alias expansion (the "billion
laughs" attack), nesting depth and file size are capped. A real plan is far
below every limit; the message names the limit that was hit.
"""),
    _c("PC010", "missing-key", _E, "A required key is absent.", """
The schema requires this key here. `plancheck schema` prints the full schema;
docs/transcribing.md explains each key.
"""),
    _c("PC011", "unknown-key", _E, "A key the schema does not know.", """
Unknown keys are errors rather than being ignored, so that a typo such as
`vaule:` cannot silently drop a target's number.
"""),
    _c("PC012", "invalid-value", _E, "A value has the wrong type or is out of range.", """
The value does not fit the schema: a word where a year is expected, a number
that is NaN or infinite, an unknown enumeration value, a year outside
1949-2100, and so on. The message says what was expected and what was found.
"""),
    _c("PC016", "bad-configuration", _E, "The catalogue or configuration is invalid.", """
A file under `rules/`, `.plancheck.yaml` or `[tool.plancheck]` in
`pyproject.toml` does not fit its schema. The message names the file and line.
"""),
    _c("PC018", "source-outside-repository", _E, "A source text or plan file lies outside the plan repository.", """
A plan's `documents[].source` must name a file inside the plan repository: the
project root above the plan file (the nearest folder holding `.plancheck.yaml`,
a `pyproject.toml` with `[tool.plancheck]`, or a `plans/` folder), or the plan's
own folder when there is none. Symbolic links are followed before the test.
Quotes are checked against the source and their mismatches are reported, so a
source outside the repository (`/etc/passwd`, `../../..`, `/proc/self/environ`)
would let a plan read any file of the machine that runs the check; the file is
refused before it is opened. Fix: copy the source text into the repository
(conventionally `sources/`) and name it relative to the plan file.

The same holds for the plan files found in a plans folder: one that is a link
out of the repository is reported and not read, since its values would be
echoed in messages. A plan file named on the command line is the user's own
choice and is read wherever it is.
"""),
)
