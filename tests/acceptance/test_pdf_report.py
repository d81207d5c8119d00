"""The PDF report (``--format pdf``) on the committed plans, read back with poppler, the
reader the issue names: ``pdfinfo`` for the page size of every page, ``pdffonts`` for
embedded fonts, ``pdftotext`` for the text (every piece of text the HTML report shows must
be in the PDF, in order, which a table cut at the page edge or a word pushed off the page
fails) and for the box of every word (inside the page). Also: the one-line refusal when WeasyPrint is
missing, a PDF never written to a terminal, the same bytes from two runs, and a report that
loads nothing from outside itself.

The PDFs are left in test-artifacts/ to be looked at (``pdftoppm -r 60 -png``).
"""

from __future__ import annotations

import html
import html.parser
import os
import pty
import re
import shutil
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from helpers import REPO, invoke

ARTIFACTS = REPO / "test-artifacts"
A4 = {(595, 842), (842, 595)}  # portrait and landscape, in points, rounded
REPORTS = {
    "compare-chaling-hunan.zh": ["compare", "chaling", "hunan"],
    "compare-chaling-hunan.en": ["compare", "chaling", "hunan", "--lang", "en"],
    "check-plans.zh": ["check"],
    "check-plans.en": ["check", "--lang", "en"],
}
MISSING = "plancheck: PDF output needs WeasyPrint: pip install 'plancheck[pdf]'"


def poppler(tool: str, *args: str) -> str:
    assert shutil.which(tool), f"{tool} missing: run `bash scripts/install-test-tools` (see README)"
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True, timeout=120).stdout


def report(args: list[str], folder: Path, name: str, fmt: str, cwd: Path = REPO) -> Path:
    out = folder / f"{name}.{fmt}"
    result = invoke(*args, "-f", fmt, "-o", str(out), cwd=cwd)
    assert result.exit_code in (0, 1), result.output
    return out


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each report as PDF and as HTML (the HTML says what the PDF must show)."""
    folder = tmp_path_factory.mktemp("pdf")
    made = {name: (report(args, folder, name, "pdf"), report(args, folder, name, "html"))
            for name, args in REPORTS.items()}
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (pdf, _) in made.items():
        shutil.copyfile(pdf, ARTIFACTS / f"{name}.pdf")
    return made


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    pages = int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(pdf)), re.M)[1])
    listing = poppler("pdfinfo", "-f", "1", "-l", str(pages), str(pdf))
    sizes = [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", listing, re.M)]
    assert len(sizes) == pages > 0
    return sizes


def squeezed(text: str) -> str:
    """Text without whitespace: a line broken inside a cell is the same text."""
    return re.sub(r"\s+", "", text)


class VisibleText(html.parser.HTMLParser):
    """Every piece of text an HTML page shows (not its <head>, styles or SVG tooltips): outside
    SVG charts in reading order, in them apart (a chart places its labels where it likes); the
    names of the comparison rows, and the heading and text of the check matrix."""

    HIDDEN = {"head", "style", "script", "title", "desc"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.chart_pieces: list[str] = []
        self.row_names: list[str] = []
        self.matrix_heading: str | None = None
        self.matrix_pieces: list[str] = []
        self._open: list[str] = []
        self._row_cell: int | None = None
        self._in_matrix = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "tr":
            self._row_cell = 0 if "row" in classes else None
        elif tag == "td" and self._row_cell is not None:
            self._row_cell += 1
            if self._row_cell == 1:
                self.row_names.append("")
        elif tag == "br" and self._row_cell == 1:
            self._row_cell = -1  # the other language's name follows the <br>
        if tag == "section" and "matrix-section" in classes:
            self._in_matrix = True
        elif tag == "section":
            self._in_matrix = False
        if tag not in ("br", "meta", "link", "img", "rect", "line", "path", "circle", "polygon"):
            self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data):
        if any(t in self.HIDDEN for t in self._open) or not data.strip():
            return
        (self.chart_pieces if "svg" in self._open else self.pieces).append(data.strip())
        if self._in_matrix:
            self.matrix_pieces.append(data.strip())
        if self._row_cell == 1:
            self.row_names[-1] += data.strip()
        if self._in_matrix and self.matrix_heading is None and self._open[-1:] == ["h2"]:
            self.matrix_heading = data.strip()


def visible(html_file: Path) -> VisibleText:
    parser = VisibleText()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("name", REPORTS)
def test_every_page_is_a4(pdfs, name):
    sizes = page_sizes(pdfs[name][0])
    assert {(round(w), round(h)) for w, h in sizes} <= A4, sizes


@pytest.mark.parametrize("name", [n for n in REPORTS if n.startswith("check")])
def test_the_check_matrix_is_on_landscape_pages(pdfs, name):
    pdf, html_file = pdfs[name]
    heading = visible(html_file).matrix_heading
    assert heading, "the check report has a matrix section with a heading"
    sizes = page_sizes(pdf)
    pages = [squeezed(poppler("pdftotext", "-raw", "-f", str(i), "-l", str(i), str(pdf), "-"))
             for i in range(1, len(sizes) + 1)]
    on = [i for i, text in enumerate(pages, 1) if squeezed(heading) in text]
    assert on, heading
    assert all(sizes[i - 1][0] > sizes[i - 1][1] for i in on), (on, sizes)
    # the header and counts share the matrix's landscape page (no near-empty first page); the rest,
    # the comparisons, stays portrait
    assert on[0] == 1 and sizes[-1][0] < sizes[-1][1]
    # all of the matrix is on its landscape pages: a label or cell cut off there is missing
    landscape = "".join(text for (w, h), text in zip(sizes, pages) if w > h)
    shown = visible(html_file).matrix_pieces
    assert len(shown) > 40 and [p for p in shown if squeezed(p) not in landscape] == []


@pytest.mark.parametrize("name", REPORTS)
def test_fonts_are_embedded_and_one_is_cjk(pdfs, name):
    rows = poppler("pdffonts", str(pdfs[name][0])).splitlines()[2:]
    assert rows
    # columns: name, type (may hold spaces), encoding, emb, sub, uni, object, id
    embedded = [re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row)[1] for row in rows]
    assert embedded == ["yes"] * len(rows), rows
    assert any("CJK" in row.split()[0] for row in rows), rows


@pytest.mark.parametrize("name", REPORTS)
def test_the_pdf_shows_all_the_text_of_the_html_report(pdfs, name):
    pdf, html_file = pdfs[name]
    text = squeezed(poppler("pdftotext", "-raw", str(pdf), "-"))
    shown = visible(html_file)
    assert "茶陵县" in text and "湖南省" in text
    if name.startswith("compare"):
        assert len(shown.row_names) > 40 and all(shown.row_names)
    assert [n for n in shown.row_names if squeezed(n) not in text] == []
    # In the HTML's order: a matrix cut at the page edge loses its right-hand labels on that
    # page, and finding them later in the document (in a table of rows) would hide it.
    at, missing = 0, []
    for piece in shown.pieces:
        found = text.find(squeezed(piece), at)
        if found < 0:
            missing.append(piece)
        else:
            at = found + len(squeezed(piece))
    assert missing == [], f"{len(missing)} of {len(shown.pieces)} pieces of text are not in the PDF in order: " \
                          f"{missing[:10]}"
    assert [p for p in shown.chart_pieces if squeezed(p) not in text] == []


def word_boxes(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """(width, height, words) of each page, words as (xMin, yMin, xMax, yMax, text)."""
    layout = poppler("pdftotext", "-bbox-layout", str(pdf), "-")
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', layout, re.S):
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', page[3])]
        pages.append((float(page[1]), float(page[2]), words))
    return pages


def outside(pages) -> list[tuple[int, str]]:
    """(page, word) of every word whose box is not inside its page's MediaBox."""
    return [(i, w) for i, (width, height, words) in enumerate(pages, 1) for x0, y0, x1, y1, w in words
            if x0 < 0 or y0 < 0 or x1 > width or y1 > height]


@pytest.mark.parametrize("name", REPORTS)
def test_no_word_lies_beyond_the_page_box(pdfs, name):
    pages = word_boxes(pdfs[name][0])
    assert len(pages) == len(page_sizes(pdfs[name][0])) and sum(len(words) for _, _, words in pages) > 500
    assert outside(pages) == []


def test_long_unbroken_words_are_broken_not_cut(tmp_path):
    """Plan text with a 300-character word (a URL, an id) still fits the page."""
    long_word = "https://example.org/" + "abcdefghij" * 28
    plans = tmp_path / "plans"
    plans.mkdir()
    for pid, level, parent, value in (("prov", "province", "null", 22), ("county", "county", "prov", 20)):
        (plans / f"{pid}.yaml").write_text(textwrap.dedent(f"""\
            jurisdiction: {{id: {pid}, name: 某地{pid}, level: {level}, parent: {parent}}}
            documents: [{{id: d, title: "{long_word}", status: draft}}]
            targets:
              - {{indicator: non_fossil_energy_share, year: 2025, value: {value}, comparator: at_least,
                  scope: "{long_word}", quote: "{long_word}"}}
            """), encoding="utf-8")
    html_file = report(["compare", "county", "prov"], tmp_path, "long", "html", cwd=tmp_path)
    assert long_word in html_file.read_text(encoding="utf-8")  # the HTML shows it; so must the PDF
    pdf = report(["compare", "county", "prov"], tmp_path, "long", "pdf", cwd=tmp_path)
    assert {(round(w), round(h)) for w, h in page_sizes(pdf)} <= A4
    assert squeezed(long_word) in squeezed(poppler("pdftotext", "-raw", str(pdf), "-"))
    assert outside(word_boxes(pdf)) == []


@pytest.mark.parametrize("name", ["compare-chaling-hunan.zh", "check-plans.zh"])
def test_the_same_report_is_the_same_bytes(pdfs, name, tmp_path):
    """A second run, in another process with another hash seed, writes the same file."""
    again = tmp_path / "again.pdf"
    done = subprocess.run([sys.executable, "-m", "plancheck", *REPORTS[name], "-f", "pdf", "-o", str(again)],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert done.returncode in (0, 1), done.stderr
    first = pdfs[name][0].read_bytes()
    assert first.startswith(b"%PDF-") and again.read_bytes() == first


def run_without(blocked_by: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """plancheck in a process where importing weasyprint fails as ``blocked_by`` says."""
    code = textwrap.dedent(f"""\
        import sys

        class Blocker:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "weasyprint":
                    {blocked_by}
                return None

        sys.meta_path.insert(0, Blocker())
        from plancheck.cli import main
        sys.argv = ["plancheck", *{list(args)!r}]
        main()
        """)
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)


def test_without_weasyprint_pdf_is_one_line_naming_the_extra(tmp_path):
    out = tmp_path / "x.pdf"
    done = run_without("raise ImportError('No module named weasyprint')", tmp_path,
                       "compare", "chaling", "hunan", "-f", "pdf", "-o", str(out))
    assert done.returncode == 2
    assert done.stderr == MISSING + "\n" and done.stdout == ""
    assert not out.exists()


def test_without_pango_pdf_is_one_line_naming_the_extra_and_pango(tmp_path):
    done = run_without("raise OSError(\"cannot load library 'libpango-1.0-0': no such file\")", tmp_path,
                       "check", "-f", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(MISSING) and "Pango" in lines[0] and "libpango" in lines[0]


def test_other_formats_never_import_weasyprint(tmp_path):
    code = ("import sys; from plancheck.cli import main; sys.argv = ['plancheck', 'compare', 'chaling', 'hunan',"
            " '-f', %r, '-o', %r]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('weasyprint' in sys.modules)")
    seen = {}
    for fmt in ("html", "markdown", "pdf"):
        done = subprocess.run([sys.executable, "-c", code % (fmt, str(tmp_path / f"x.{fmt}"))], cwd=REPO,
                              capture_output=True, text=True, timeout=300, check=False)
        seen[fmt] = done.stdout.strip().splitlines()[-1]
    assert seen == {"html": "False", "markdown": "False", "pdf": "True"}  # pdf: the probe sees the import


def test_a_pdf_goes_to_a_pipe_but_never_to_a_terminal(pdfs):
    piped = subprocess.run([sys.executable, "-m", "plancheck", "compare", "chaling", "hunan", "-f", "pdf"],
                           cwd=REPO, capture_output=True, timeout=300, check=False)
    assert piped.returncode == 1 and piped.stdout == pdfs["compare-chaling-hunan.zh"][0].read_bytes()
    leader, follower = pty.openpty()
    runs = []
    try:
        os.set_blocking(leader, False)
        # on standard output, and named with -o (a terminal is a character device, written into)
        for extra in ([], ["-o", os.ttyname(follower)]):
            done = subprocess.run([sys.executable, "-m", "plancheck", "compare", "chaling", "hunan", "-f", "pdf",
                                   *extra], cwd=REPO, stdout=follower, stderr=subprocess.PIPE, text=True,
                                  timeout=300, check=False)
            try:
                shown = os.read(leader, 1 << 16)
            except BlockingIOError:
                shown = b""
            runs.append((done, shown))
    finally:
        os.close(leader)
        os.close(follower)
    for done, shown in runs:
        assert done.returncode == 2 and shown == b""
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and "terminal" in lines[0] and "-o report.pdf" in lines[0], lines


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])  # 1 x 1 pixel, 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def test_a_report_loads_nothing_from_the_disk_or_the_network(tmp_path):
    """An image by file URL is not loaded; the same image inline (a data: URL) is, so the
    probe (poppler's pdfimages) sees images when there are some."""
    import base64

    from plancheck.reporters.pdf import render_pdf

    image = tmp_path / "x.png"
    image.write_bytes(tiny_png())
    inline = "data:image/png;base64," + base64.b64encode(tiny_png()).decode("ascii")
    counts = {}
    for name, src in (("file", image.as_uri()), ("data", inline)):
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(render_pdf(f'<!DOCTYPE html><html><body><p>x</p><img src="{src}"></body></html>'))
        counts[name] = len(poppler("pdfimages", "-list", str(pdf)).splitlines()[2:])
    assert counts == {"file": 0, "data": 1}


def test_the_probes_see_a_page_that_is_cut(tmp_path):
    """The checks above would find a line that runs off the page: without the report's print
    rules, a line that cannot wrap is cut at the right edge."""
    from plancheck.reporters.pdf import render_pdf

    words = [f"word{i}" for i in range(200)]
    pdf = tmp_path / "cut.pdf"
    pdf.write_bytes(render_pdf(f'<!DOCTYPE html><html><body><p style="white-space: nowrap">{" ".join(words)}</p>'
                               '<p>after</p></body></html>'))
    assert outside(word_boxes(pdf)) != []
    text = squeezed(poppler("pdftotext", "-raw", str(pdf), "-"))
    assert "word0" in text and "word199" not in text and "after" in text


def test_a_parallel_check_pdf_has_every_comparison(pdfs, tmp_path, monkeypatch):
    """With worker processes (-j 2) the PDF shows the same comparisons as the serial HTML: the
    run keeps the compared plans for a PDF as it does for HTML."""
    from plancheck import executor

    monkeypatch.setattr(executor, "PARALLEL_MIN_FILES", 2)
    pdf = report(["check", "--jobs", "2"], tmp_path, "parallel", "pdf")
    headings = re.findall(r'<article class="comparison">\s*<h2>(.*?)</h2>',
                          pdfs["check-plans.zh"][1].read_text(encoding="utf-8"), re.S)
    assert len(headings) == 4, headings  # 湖南 against the nation; 茶陵, 湘江新区, 湘潭 against 湖南
    text = squeezed(poppler("pdftotext", "-raw", str(pdf), "-"))
    assert [h for h in headings if squeezed(html.unescape(h)) not in text] == []


def test_a_pdf_is_written_into_a_fifo_and_replaces_a_file_whole(pdfs, tmp_path):
    expected = pdfs["compare-chaling-hunan.zh"][0].read_bytes()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received = tmp_path / "received"
    with received.open("wb") as sink:  # a file, not a pipe this process reads only later
        reader = subprocess.Popen(["cat", str(fifo)], stdout=sink)
        result = invoke("compare", "chaling", "hunan", "-f", "pdf", "-o", str(fifo))
        reader.wait(timeout=120)
    assert result.exit_code == 1 and received.read_bytes() == expected and fifo.is_fifo()
    old = tmp_path / "old.pdf"
    old.write_text("an older, longer report " * 100000, encoding="utf-8")
    old.chmod(0o640)
    assert invoke("compare", "chaling", "hunan", "-f", "pdf", "-o", str(old)).exit_code == 1
    assert old.read_bytes() == expected and (old.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plancheck-")] == []
