"""How well ``plancheck extract`` drafts the committed transcriptions, document by document.

For every document in ``plans/`` the rules draft a transcription from its source text, and
the draft is measured against the hand transcription (docs/extraction.md):

- **in scope**: the hand targets whose number is written in digits in their quote (what the
  audit detector reads), and the deferred ones (完成上级下达目标). A target named without a number
  (稳步提升, 大力发展…) or whose number is a word (全覆盖 = 100, 二级) is the reviewer's: the rules
  draft only what digits or a deferral mark, and these are counted apart.
- **recall**: in-scope hand targets that a drafted target matches on indicator, year, value
  and comparator; **precision**: drafted targets that match a hand target so.
- **per-field accuracy**: a drafted target and a hand target are aligned when they read the
  same number at the same place of the source (a deferral: the same indicator and sentence);
  over the aligned pairs, how often indicator, year, value, comparator, commitment and scope
  agree.

The rules (the catalogue's keywords and ``plancheck.extraction``) were written on the
development documents; the held-out ones were not opened while writing them.

    python benchmarks/extract.py            # the table docs/extraction.md records
    python benchmarks/extract.py --misses   # also every miss and every false target
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from plancheck.catalog import load_catalog  # noqa: E402
from plancheck.extraction import DraftTarget, extract_draft  # noqa: E402
from plancheck.models import Target  # noqa: E402
from plancheck.pipeline import load_plan  # noqa: E402
from plancheck.textnorm import normalize  # noqa: E402

DEVELOPMENT = ("hunan_carbon_peak", "hunan_synergy", "xiangtan_carbon_peak", "chaling_carbon_peak",
               "china_peak_action")
HELD_OUT = ("xiangjiang_action", "china_opinions")
FIELDS = ("indicator", "year", "value", "comparator", "commitment", "scope")


def _number(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _key(t: Target | DraftTarget) -> tuple:
    return (t.indicator, t.year, _number(t.value), t.comparator)


def _place(hand: Target, source: str) -> int:
    """Where the hand target's number stands in the normalised source, or -1."""
    quote = normalize(hand.quote or "")
    at = source.find(quote) if quote else -1
    if at < 0:
        return -1
    if hand.value is None:
        return at
    digits = f"{hand.value:g}"
    inside = quote.find(digits)
    return at + inside if inside >= 0 else -1


def measure(document: str, plan_path: Path, catalog) -> dict:
    loaded, _ = load_plan(plan_path, catalog)
    assert loaded is not None, plan_path
    plan = loaded.plan
    doc = next(d for d in plan.documents if d.id == document)
    only = plan.documents[0].id if len(plan.documents) == 1 else None
    hand = [t for t in plan.targets if (t.document or only) == document]
    in_scope = [t for t in hand if t.deferred or (t.value is not None and f"{t.value:g}" in normalize(t.quote or ""))]
    text = loaded.source_path(doc.source).read_text(encoding="utf-8")
    source = normalize(text)
    drafted = extract_draft(text, catalog).targets
    wanted = Counter(_key(t) for t in in_scope)
    got = Counter(_key(t) for t in drafted)
    hits = sum((wanted & got).values())
    places: dict[int, list[Target]] = {}
    for t in in_scope:
        places.setdefault(_place(t, source), []).append(t)
    aligned = []
    for t in drafted:
        candidates = places.get(t.at, [])
        if t.deferred:
            candidates = [h for h in in_scope if h.deferred and h.indicator == t.indicator and h.year == t.year]
        if candidates:
            best = max(candidates, key=lambda h: sum(_field(h, f) == _field(t, f) for f in FIELDS))
            aligned.append((best, t))
    return {"document": document, "hand": len(hand), "in_scope": len(in_scope), "drafted": len(drafted),
            "hits": hits, "aligned": aligned,
            "missed": sorted((wanted - got).elements(), key=str), "false": sorted((got - wanted).elements(), key=str)}


def _field(t: Target | DraftTarget, name: str) -> object:
    value = getattr(t, name)
    return _number(value) if name == "value" else value


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def table(rows: list[dict], title: str) -> list[str]:
    out = [f"**{title}**", "",
           "| document | hand targets | in scope | drafted | recall | precision | " + " | ".join(FIELDS) + " |",
           "|---|---:|---:|---:|---:|---:|" + "---:|" * len(FIELDS)]
    total: Counter = Counter()
    field_hits: Counter = Counter()
    for row in rows:
        aligned = row["aligned"]
        fields = [sum(_field(h, f) == _field(d, f) for h, d in aligned) for f in FIELDS]
        out.append(f"| {row['document']} | {row['hand']} | {row['in_scope']} | {row['drafted']} | "
                   f"{_percent(row['hits'], row['in_scope'])} | {_percent(row['hits'], row['drafted'])} | "
                   + " | ".join(_percent(n, len(aligned)) for n in fields) + " |")
        total.update(hand=row["hand"], in_scope=row["in_scope"], drafted=row["drafted"], hits=row["hits"],
                     aligned=len(aligned))
        field_hits.update(dict(zip(FIELDS, fields)))
    out.append(f"| **all** | {total['hand']} | {total['in_scope']} | {total['drafted']} | "
               f"{_percent(total['hits'], total['in_scope'])} | {_percent(total['hits'], total['drafted'])} | "
               + " | ".join(_percent(field_hits[f], total["aligned"]) for f in FIELDS) + " |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every miss and every false target")
    args = parser.parse_args()
    catalog = load_catalog(REPO / "rules")
    plans = {d.id: path for path in sorted((REPO / "plans").glob("*.yaml"))
             for d in load_plan(path, catalog)[0].plan.documents}
    rows = {doc: measure(doc, plans[doc], catalog) for doc in (*DEVELOPMENT, *HELD_OUT)}
    lines = table([rows[d] for d in DEVELOPMENT], "Development documents (the rules were written on these)")
    lines += [""] + table([rows[d] for d in HELD_OUT], "Held-out documents (not read while writing the rules)")
    print("\n".join(lines))
    if args.misses:
        for row in rows.values():
            for key in row["missed"]:
                print("missed", row["document"], key)
            for key in row["false"]:
                print("false ", row["document"], key)


if __name__ == "__main__":
    main()
