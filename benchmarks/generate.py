"""Generate a synthetic national corpus of plans from the real ones.

About 3,200 plans at 100 %: the nation (china.yaml as it is), 31 provinces under it (from
hunan.yaml), 330 cities (from xiangtan.yaml) and 2,800 counties (alternately from
chaling.yaml and xiangjiang.yaml), each under a generated parent, so the hierarchy is
complete and every plan is compared with its parent. Deterministic: the same scale and seed give byte-identical files.

Two plans in three keep their documents published, with quotes checked against the real
source texts (copied once into the corpus). The others are drafts whose values are varied
(a drafter's numbers), so comparisons meet stricter, equal and weaker targets alike;
varying a published plan's values would only make every quote check fail.

    python benchmarks/generate.py --scale 1.0 --out benchmarks/corpus-100
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PROVINCES, CITIES, COUNTIES = 31, 330, 2800


def _load(name: str) -> dict:
    return yaml.load((REPO / "plans" / f"{name}.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _plan(template: dict, pid: str, name: str, parent: str | None, rng: random.Random, draft: bool) -> dict:
    plan = copy.deepcopy(template)
    jurisdiction = plan["jurisdiction"]
    jurisdiction.update(id=pid, name=name, parent=parent)
    jurisdiction.pop("facts", None) if draft else None
    for document in plan["documents"]:
        if draft:
            document["status"] = "draft"
            document.pop("source", None)
    for target in plan["targets"]:
        if draft and isinstance(target.get("value"), (int, float)) and not isinstance(target["value"], bool):
            factor = rng.choice([0.9, 0.95, 1.0, 1.0, 1.05, 1.1])
            if factor != 1.0:  # a drafter's own number: the quoted sentence no longer holds it
                target["value"] = round(target["value"] * factor, 2)
                target.pop("quote", None)
    return plan


def generate(scale: float, out: Path, seed: int = 20261121) -> int:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "plans").mkdir(parents=True)
    shutil.copytree(REPO / "sources", out / "sources")
    templates = {name: _load(name) for name in ("china", "hunan", "xiangtan", "chaling", "xiangjiang")}
    provinces = max(1, round(PROVINCES * scale))
    cities = max(1, round(CITIES * scale))
    counties = max(1, round(COUNTIES * scale))
    written = 0

    def write(plan: dict) -> None:
        nonlocal written
        path = out / "plans" / f"{plan['jurisdiction']['id']}.yaml"
        text = "# yaml-language-server: $schema=../../../schema/plan.schema.json\n"
        text += yaml.dump(plan, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100)
        path.write_text(text, encoding="utf-8")
        written += 1

    write(templates["china"])
    for i in range(provinces):
        write(_plan(templates["hunan"], f"prov{i:02d}", f"第{i:02d}省", "china", rng, draft=False))
    for i in range(cities):
        draft = i % 3 == 2
        write(_plan(templates["xiangtan"], f"city{i:03d}", f"第{i:03d}市", f"prov{i % provinces:02d}", rng, draft))
    for i in range(counties):
        template = templates["chaling" if i % 2 == 0 else "xiangjiang"]
        draft = i % 3 == 2
        write(_plan(template, f"county{i:04d}", f"第{i:04d}县", f"city{i % cities:03d}", rng, draft))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national corpus, 0.1 to 1.0")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "corpus-100")
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()
    count = generate(args.scale, args.out, args.seed)
    print(f"{count} plans in {args.out}")


if __name__ == "__main__":
    main()
