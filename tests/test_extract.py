"""``plancheck extract`` through the command line on tiny inline documents: the draft lands in
plans/ with its text in sources/, validates, passes the audit and compares at once; bad input
is one line and exit 2, and nothing the user has is overwritten (docs/extraction.md)."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

from helpers import REPO, in_english, invoke

DOCUMENT = textwrap.dedent("""\
    某某县人民政府关于印发《某某县碳达峰实施方案》的通知
    一、主要目标
    到2025年，非化石能源消费比重达到18%左右。
    到2030年，非化石能源消费比重达到26%以上。
    新建大型、超大型数据中心电能利用效率不高于1.25。
    到2025年，新建游泳池3个。
    """)


def _project(tmp_path: Path) -> Path:
    """The committed plans and sources, and a county document to draft from."""
    for folder in ("plans", "sources"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "mouxian.txt").write_text(DOCUMENT, encoding="utf-8")
    return tmp_path


ARGS = ["extract", "drafts/mouxian.txt", "-o", "plans/mouxian.yaml", "--id", "mouxian", "--name", "某某县",
        "--level", "county", "--parent", "hunan"]


def test_a_draft_validates_passes_the_audit_and_compares_at_once(tmp_path):
    root = _project(tmp_path)
    result = invoke(*ARGS, cwd=root)
    assert result.exit_code == 0, result.output
    assert "3 targets and 1 numbers set aside" in result.output
    assert (root / "sources" / "mouxian.txt").read_text(encoding="utf-8") == DOCUMENT  # the text, as read
    draft = (root / "plans" / "mouxian.yaml").read_text(encoding="utf-8")
    assert 'source: "../sources/mouxian.txt"' in draft and "status: draft" in draft
    assert 'title: "某某县碳达峰实施方案"' in draft and "# review: the text states no number" in draft
    assert invoke("validate", "plans/mouxian.yaml", cwd=root).exit_code == 0
    audit = invoke(*in_english(["audit", "mouxian"]), cwd=root)
    assert audit.exit_code == 0 and "0 unexplained sentences" in audit.output
    rows = json.loads(invoke("compare", "mouxian", "hunan", "-f", "json", cwd=root).stdout)["rows"]
    verdicts = {(r["indicator"], r["year"]): r["verdict"] for r in rows}
    assert verdicts[("non_fossil_energy_share", 2025)] == "weaker"  # 18左右 against the province's 22左右
    assert verdicts[("non_fossil_energy_share", 2030)] == "stricter"  # 26以上 against 25左右
    assert verdicts[("data_center_pue", None)] == "stricter"  # 1.25 against 1.3


def test_the_same_document_gives_the_same_bytes(tmp_path):
    """A second draft of the same document, beside the first: the same bytes, and the source text
    already in sources/ is used as it is (it is the first draft's source now, never replaced)."""
    root = _project(tmp_path)
    assert invoke(*ARGS, cwd=root).exit_code == 0
    again = [*ARGS[:3], "drafts/again.yaml", *ARGS[4:]]
    assert invoke(*again, cwd=root).exit_code == 0
    assert (root / "drafts" / "again.yaml").read_bytes() == (root / "plans" / "mouxian.yaml").read_bytes()


def test_nothing_is_overwritten_unasked(tmp_path):
    root = _project(tmp_path)
    (root / "plans" / "mouxian.yaml").write_text("my work\n", encoding="utf-8")
    result = invoke(*ARGS, cwd=root)
    assert result.exit_code == 2 and "exists; use --force" in result.output
    assert (root / "plans" / "mouxian.yaml").read_text(encoding="utf-8") == "my work\n"
    assert not (root / "sources" / "mouxian.txt").exists()  # refused before anything was written
    # --force never reaches a committed plan or a source text a plan names
    hunan = (root / "plans" / "hunan.yaml").read_bytes()
    over = invoke("extract", "drafts/mouxian.txt", "-o", "plans/hunan.yaml", "--id", "hunan", "--name", "湖南省",
                  "--level", "province", "--force", cwd=root)
    assert over.exit_code == 2 and (root / "plans" / "hunan.yaml").read_bytes() == hunan


def test_bad_documents_are_one_line_and_exit_2(tmp_path):
    root = _project(tmp_path)
    (root / "drafts" / "plan.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "drafts" / "broken.docx").write_bytes(b"not a zip")
    (root / "drafts" / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    with (root / "drafts" / "huge.pdf").open("wb") as huge:  # sparse: no disk, and no reader opens it
        huge.truncate(17 * 1024 * 1024)
    cases = {"drafts/plan.doc": "expected .txt, .docx or .pdf", "drafts/broken.docx": "not a readable .docx",
             "drafts/huge.pdf": "larger than 16 MB",
             "drafts/broken.pdf": "not a readable PDF", "drafts/missing.txt": "no such file"}
    for source, words in cases.items():
        result = invoke("extract", source, "-o", "plans/x.yaml", "--id", "x", "--name", "某县", "--level", "county",
                        cwd=root)
        lines = result.output.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and words in lines[0], (source, result.output)
        assert "Traceback" not in result.output and not (root / "plans" / "x.yaml").exists()
    level = invoke("extract", "drafts/mouxian.txt", "-o", "plans/x.yaml", "--id", "x", "--name", "某县",
                   "--level", "national", cwd=root)
    assert level.exit_code == 2 and "unknown level 'national'" in level.output
    nowhere = invoke(*ARGS[:3], "nowhere/mouxian.yaml", *ARGS[4:], cwd=root)
    assert nowhere.exit_code == 2 and "does not exist" in nowhere.output
    assert not (root / "sources" / "mouxian.txt").exists()  # nothing written for a draft that cannot be


def test_a_document_that_states_no_title_gets_a_placeholder_marked_for_review(tmp_path):
    root = _project(tmp_path)
    (root / "drafts" / "untitled.txt").write_text("到2025年，非化石能源消费比重达到18%左右。\n", encoding="utf-8")
    result = invoke("extract", "drafts/untitled.txt", "-o", "plans/untitled.yaml", "--id", "untitled", "--name",
                    "某县", "--level", "county", "--parent", "hunan", cwd=root)
    assert result.exit_code == 0, result.output
    draft = (root / "plans" / "untitled.yaml").read_text(encoding="utf-8")
    assert '# review: the text states no title the rules recognise\n    title: "（待核：文本未写明标题）"' in draft
    assert "某县" not in draft.split("title:", 1)[1].splitlines()[0]  # no title made up from the name

