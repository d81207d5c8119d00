"""``plancheck extract`` on real files made in the test from the bundled sources: a ``.docx``
written with python-docx and a text PDF rendered by the project's own PDF path (WeasyPrint),
each giving the same draft as the ``.txt`` (quotes compared as the quote check compares them),
each draft valid and clean under the audit."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
import yaml

from plancheck.textnorm import normalize

from helpers import REPO, in_english, invoke

SOURCES = ["chaling_carbon_peak", "hunan_carbon_peak"]


def _lines(stem: str) -> list[str]:
    return (REPO / "sources" / f"{stem}.txt").read_text(encoding="utf-8").splitlines()


def _docx(stem: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for line in _lines(stem):
        document.add_paragraph(line)
    document.save(str(path))


def _pdf(stem: str, path: Path) -> None:
    from plancheck.reporters.pdf import render_pdf

    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in _lines(stem) if line.strip())
    page = ("<!doctype html><html lang='zh'><head><meta charset='utf-8'><style>@page { size: A4; margin: 18mm }"
            "body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 10.5pt } p { margin: 0 0 5pt }"
            f"</style></head><body>{paragraphs}</body></html>")
    path.write_bytes(render_pdf(page))


def _drafted(tmp_path: Path, name: str, document: Path) -> dict:
    root = tmp_path / name
    (root / "plans").mkdir(parents=True)
    shutil.copytree(REPO / "rules", root / "rules")
    result = invoke("extract", str(document), "-o", "plans/draft.yaml", "--id", "draft", "--name", "某县",
                    "--level", "county", "--parent", "hunan", cwd=root)
    assert result.exit_code == 0, result.output
    assert invoke("validate", "plans/draft.yaml", cwd=root).exit_code == 0
    audit = invoke(*in_english(["audit", "plans/draft.yaml"]), cwd=root)
    assert audit.exit_code == 0 and "0 unexplained sentences" in audit.output, audit.output
    plan = yaml.safe_load((root / "plans" / "draft.yaml").read_text(encoding="utf-8"))
    for entry in [*plan["targets"], *plan.get("skipped", [])]:
        entry["quote"] = normalize(entry["quote"])
    plan["documents"][0].pop("source")
    return plan


@pytest.mark.parametrize("stem", SOURCES)
def test_a_word_file_and_a_text_pdf_give_the_same_draft_as_the_text(tmp_path, stem):
    text = tmp_path / f"{stem}.txt"
    shutil.copy(REPO / "sources" / f"{stem}.txt", text)
    _docx(stem, tmp_path / f"{stem}.docx")
    _pdf(stem, tmp_path / f"{stem}.pdf")
    from_text = _drafted(tmp_path, "txt", text)
    assert len(from_text["targets"]) > 20  # a real plan: the comparison below compares something
    assert _drafted(tmp_path, "docx", tmp_path / f"{stem}.docx") == from_text
    assert _drafted(tmp_path, "pdf", tmp_path / f"{stem}.pdf") == from_text


def test_a_pdf_without_a_text_layer_is_refused_in_one_line(tmp_path):
    from plancheck.reporters.pdf import render_pdf

    scan = tmp_path / "scan.pdf"  # a page with a picture-like box and no text, as a scanner gives
    scan.write_bytes(render_pdf("<!doctype html><html><body><div style='width:10cm;height:10cm;"
                                "background:#888'></div></body></html>"))
    result = invoke("extract", str(scan), "-o", "plans/x.yaml", "--id", "x", "--name", "某县", "--level", "county",
                    cwd=tmp_path)
    assert result.exit_code == 2 and "no text layer" in result.output and len(result.output.splitlines()) == 1
