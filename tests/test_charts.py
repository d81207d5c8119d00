"""The report's inline SVG charts: every chart parsed back with ElementTree (well-formed, SVG,
with a viewBox) and measured; the verdict carried by text as well as colour; plan text escaped;
the heat map paged for A4 landscape; the output deterministic. Then the charts laid out by
headless Chromium, whose real fonts say whether the estimated text widths left anything
clipped or overlapping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import REPO
from plancheck.findings import Verdict
from plancheck.reporters.charts import (
    FONT,
    MIN_CELL,
    PAGE_H,
    PAGE_W,
    HeatColumn,
    HeatRow,
    ValuePair,
    cell_colours,
    heat_map,
    symbol,
    text_colour,
    value_pairs,
    verdict_bar,
)
from plancheck.reporters.report import VERDICT_ORDER, verdict_label

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & \'q\''


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    box = [float(v) for v in root.get("viewBox", "").split()]
    assert len(box) == 4 and box[2] > 0 and box[3] > 0
    assert root.get("width") == "100%" and root.get("preserveAspectRatio")
    return root


def own_text(element: ET.Element) -> str:
    """What a text element shows: its text and its tspans', not its <title>."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != f"{NS}title":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)


def texts(root: ET.Element) -> list[str]:
    return [own_text(t) for t in root.iter(f"{NS}text")]


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def view_box(root: ET.Element) -> list[float]:
    return [float(v) for v in root.get("viewBox").split()]


def counts(lang: str = "zh", **numbers: int) -> list[tuple[str, str, int]]:
    return [(v.value, verdict_label(v, lang), numbers[v.value]) for v in VERDICT_ORDER if v.value in numbers]


def pair(label: str = "非化石能源消费比重", unit: str = "%", upper: float = 22.0, lower: float = 20.0,
         verdict: str = "weaker", gap: str = "-2 pp") -> ValuePair:
    return ValuePair(label, unit, upper, lower, verdict, verdict_label(Verdict(verdict), "zh"), gap)


LEGEND = [(v.value, verdict_label(v, "zh")) for v in VERDICT_ORDER if v is not Verdict.CONFLICT]


def matrix(rows: int, columns: int) -> tuple[list[HeatRow], list[HeatColumn]]:
    verdicts = [v for v, _ in LEGEND]
    cols = [HeatColumn(f"ind_{j}", f"指标{j}") for j in range(columns)]
    return [HeatRow(f"plan{i}", f"县{i}", "hunan", [verdicts[(i + j) % len(verdicts)] if (i * j) % 5 else ""
                                                   for j in range(columns)]) for i in range(rows)], cols


# ---- what every chart is

def all_charts() -> list[str]:
    rows, cols = matrix(3, 4)
    return [verdict_bar(counts(weaker=1, stricter=2), title="t"), value_pairs([pair()], upper_label="上级",
            lower_label="下级", title="t"), *heat_map(rows, cols, legend=LEGEND)]


@pytest.mark.parametrize("index", range(3))
def test_every_chart_is_self_contained_svg(index):
    svg = all_charts()[index]
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") and root[0].tag == f"{NS}title"
    assert "Noto Sans CJK SC" in FONT and "Microsoft YaHei" in FONT and root.get("font-family") == FONT
    tags = {e.tag.removeprefix(NS) for e in root.iter()}
    assert not tags & {"script", "image", "foreignObject", "use", "a", "style"}
    references = re.findall(r'(?:href|url\()\s*=?\s*"?([^")]+)', svg)
    assert all(r.startswith("#") for r in references), references  # nothing outside the SVG itself
    assert not any(k.startswith("on") for e in root.iter() for k in e.attrib)


def test_every_verdict_has_a_symbol_and_the_colours_of_report_css():
    css = (REPO / "src/plancheck/reporters/templates/report.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--(\w[\w-]*): (#[0-9a-f]{6})", css))
    assert text_colour("weaker") == var["weaker"] and text_colour("missing") == var["missing"]
    assert text_colour("unquantified") == text_colour("condition_unknown") == var["warn"]
    assert text_colour("stricter") == text_colour("equal") == var["ok"]
    assert text_colour("deferred") == text_colour("out_of_horizon") == var["neutral"]
    for verdict in Verdict:
        fill, ink = cell_colours(verdict.value)
        assert re.fullmatch(r"#[0-9a-f]{6}", fill) and ink in ("#ffffff", var["ink"])
        assert symbol(verdict.value) and symbol(verdict.value) in verdict_label(verdict, "zh")
    assert cell_colours("weaker")[0] == var["weaker"]  # what fails is drawn in the table's own red


# ---- the verdict bar

def segments(root: ET.Element) -> dict[str, float]:
    found = {}
    for g in by_class(root, "segment"):
        rect = g.find(f"{NS}rect")
        found[g.get("data-verdict")] = float(rect.get("width"))
    return found


def test_segment_widths_are_proportional_to_the_counts_in_the_order_given():
    root = parse(verdict_bar(counts(weaker=3, missing=0, stricter=1), title="茶陵县 对照 湖南省"))
    widths = segments(root)
    assert list(widths) == ["weaker", "stricter"]  # order kept, the empty verdict left out
    assert widths["weaker"] / widths["stricter"] == pytest.approx(3.0, abs=0.01)
    assert sum(widths.values()) == pytest.approx(view_box(root)[2], abs=0.05)
    xs = [float(g.find(f"{NS}rect").get("x")) for g in by_class(root, "segment")]
    assert xs[0] == 0 and xs[1] == pytest.approx(widths["weaker"], abs=0.02)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_verdict_is_written_as_symbol_count_and_label(lang):
    numbers = {v.value: i + 1 for i, v in enumerate(VERDICT_ORDER)}
    numbers["stricter"] = 80  # so most segments are narrow and their marks go below the bar
    root = parse(verdict_bar(counts(lang, **numbers), title="t"))
    shown = texts(root)
    for verdict in VERDICT_ORDER:
        n = numbers[verdict.value]
        assert f"{symbol(verdict.value)} {n}" in shown, verdict  # on or beside its segment
        assert f"{verdict_label(verdict, lang)} {n}" in shown, verdict  # in the legend
    assert len(segments(root)) == len(VERDICT_ORDER)


def test_an_empty_bar_is_still_a_chart():
    root = parse(verdict_bar([], title="t"))
    assert segments(root) == {} and "0" in texts(root)


# ---- upper and lower values

def bars(group: ET.Element) -> dict[str, float]:
    return {side: sum(float(r.get("width")) for r in by_class(group, f"bar-{side}")) for side in ("upper", "lower")}


def test_bars_are_as_long_as_the_values_each_row_on_its_own_scale():
    chart = value_pairs([pair(upper=22, lower=20), pair("PUE", "", 1.3, 1.25, "stricter", "-0.05"),
                         pair("装机", "万千瓦", 1200, 3500, "stricter", "+2300万千瓦")],
                        upper_label="上级", lower_label="下级", title="t")
    rows = by_class(parse(chart), "pair")
    first, second, third = (bars(r) for r in rows)
    assert first["upper"] > first["lower"] > 0
    assert first["lower"] / first["upper"] == pytest.approx(20 / 22, abs=0.001)
    assert second["upper"] == pytest.approx(first["upper"], abs=0.02)  # each row's largest value fills the row
    assert third["lower"] > third["upper"] and third["upper"] / third["lower"] == pytest.approx(1200 / 3500, abs=0.001)


def test_values_units_gap_and_verdict_are_written():
    root = parse(value_pairs([pair(), pair("PUE", "tCO2/万元", 0.42, 0.38, "stricter", "-0.04 tCO2/万元")],
                             upper_label="上级", lower_label="下级", title="t"))
    shown = texts(root)
    for text in ("22%", "20%", "0.42 tCO2/万元", "0.38 tCO2/万元", "-2 pp", "-0.04 tCO2/万元", "✗ 较弱", "✓ 更严"):
        assert text in shown
    assert shown.count("上级") == 2 and shown.count("下级") == 2  # the sides are named, not only patterned
    row = by_class(root, "pair")[0]
    verdict = by_class(row, "verdict")[0]
    ends = [float(r.get("x")) + float(r.get("width")) for r in by_class(row, "bar")]
    assert float(verdict.get("x")) > max(ends) and verdict.get("fill") == text_colour("weaker")


def test_the_gap_is_marked_between_the_bar_ends_and_not_when_equal():
    root = parse(value_pairs([pair(upper=22, lower=20), pair(upper=18, lower=18, verdict="equal", gap="")],
                             upper_label="上级", lower_label="下级", title="t"))
    differing, equal = by_class(root, "pair")
    (gap,) = by_class(differing, "gap")
    band = gap.find(f"{NS}rect")
    lengths = bars(differing)
    assert float(band.get("width")) == pytest.approx(lengths["upper"] - lengths["lower"], abs=0.03)
    lower_end = min(float(r.get("x")) + float(r.get("width")) for r in by_class(differing, "bar"))
    assert float(band.get("x")) == pytest.approx(lower_end, abs=0.02)
    assert by_class(equal, "gap") == [] and by_class(equal, "gap-text") == []


def test_the_lower_bar_is_hatched_by_a_pattern_of_its_own_svg():
    root = parse(value_pairs([pair()], upper_label="上级", lower_label="下级", title="t"))
    (lower,) = by_class(root, "bar-lower")
    (upper,) = by_class(root, "bar-upper")
    target = re.fullmatch(r"url\(#([\w-]+)\)", lower.get("fill")).group(1)
    assert [p.get("id") for p in root.iter(f"{NS}pattern")] == [target]
    assert upper.get("fill") != lower.get("fill")


def test_rows_grow_the_chart_and_negative_values_start_at_zero():
    one = view_box(parse(value_pairs([pair()], upper_label="a", lower_label="b", title="t")))[3]
    three = view_box(parse(value_pairs([pair()] * 3, upper_label="a", lower_label="b", title="t")))[3]
    assert three == pytest.approx(3 * one, rel=0.01)
    row = by_class(parse(value_pairs([pair(upper=-3, lower=2, verdict="stricter")], upper_label="a",
                                     lower_label="b", title="t")), "pair")[0]
    (up,), (down,) = by_class(row, "bar-upper"), by_class(row, "bar-lower")
    assert float(up.get("x")) + float(up.get("width")) == pytest.approx(float(down.get("x")), abs=0.02)
    assert float(up.get("width")) / float(down.get("width")) == pytest.approx(1.5, abs=0.01)


def test_a_long_label_is_cut_on_its_second_line_and_kept_whole_in_its_title():
    label = "单位地区生产总值二氧化碳排放降低" * 4
    root = parse(value_pairs([pair(label)], upper_label="上级", lower_label="下级", title="t"))
    first, second = [t for t in root.iter(f"{NS}text") if own_text(t).startswith("单位") or own_text(t).endswith("…")]
    assert second.text.endswith("…") and first.find(f"{NS}title").text == label
    assert label.startswith(own_text(first) + second.text[:-1])


# ---- the heat map

def caption(svg: str) -> str:
    return own_text(by_class(parse(svg), "caption")[0])


def test_rows_are_split_every_forty_into_pages_that_fit_a4_landscape():
    rows, cols = matrix(85, 10)
    pages = heat_map(rows, cols, legend=LEGEND, title="总览")
    assert len(pages) == 3
    assert [caption(p) for p in pages] == ["总览 1–40 / 85 × 1–10 / 10", "总览 41–80 / 85 × 1–10 / 10",
                                           "总览 81–85 / 85 × 1–10 / 10"]
    for page in pages:
        _, _, width, height = view_box(parse(page))
        assert width == PAGE_W and height <= PAGE_H
    names = [own_text(t) for p in pages for t in by_class(parse(p), "row")]
    assert names == [f"县{i} plan{i} / hunan" for i in range(85)]  # each row names what it is compared with


def test_many_columns_are_split_so_no_cell_is_narrower_than_the_minimum():
    rows, cols = matrix(5, 120)
    pages = heat_map(rows, cols, legend=LEGEND)
    assert len(pages) > 1
    shown = [own_text(t) for p in pages for t in by_class(parse(p), "column")]
    assert shown == [c.name for c in cols]  # every column once, in order
    spans = [re.search(r"× (\d+)–(\d+) / 120", caption(p)).groups() for p in pages]
    assert spans[0][0] == "1" and spans[-1][1] == "120"
    for page in pages:
        cells = [r for g in by_class(parse(page), "cells") for r in g.iter(f"{NS}rect")]
        assert cells and min(float(r.get("width")) for r in cells) + 1.5 >= MIN_CELL
    few = heat_map(*matrix(5, 50), legend=LEGEND)
    assert len(few) == 1  # a plan pair's ~50 indicators fit one page


def test_each_cell_carries_its_verdict_symbol_and_empty_cells_nothing():
    cells = ["weaker", "", "missing", "stricter", "condition_unknown"]
    pages = heat_map([HeatRow("p", "县", "hunan", cells)], [HeatColumn(f"c{j}", f"c{j}") for j in range(5)],
                     legend=LEGEND)
    (group,) = by_class(parse(pages[0]), "cells")
    assert [t.text for t in group.iter(f"{NS}text")] == ["✗", "∅", "✓", "?"]
    fills = [r.get("fill") for r in group.iter(f"{NS}rect")]
    assert fills == [cell_colours(v)[0] for v in cells if v]
    legend = [own_text(t) for t in by_class(parse(pages[0]), "legend")[0].iter(f"{NS}text")]
    assert legend == [label for _, label in LEGEND]


def test_long_names_are_cut_with_an_ellipsis_and_kept_whole_in_titles():
    long_name = "新建公共机构建筑、新建厂房屋顶光伏覆盖率力争达到百分之五十以上的比例"
    pages = heat_map([HeatRow("zhuzhou-hetang-gx", "株洲市荷塘区高新技术产业开发区管理委员会辖区", "zhuzhou",
                              ["weaker"])], [HeatColumn("rooftop_pv", long_name)], legend=LEGEND)
    root = parse(pages[0])
    (column,) = by_class(root, "column")
    assert own_text(column).endswith("…") and long_name.startswith(own_text(column)[:-1])
    assert column.find(f"{NS}title").text == f"{long_name} (rooftop_pv)"
    (row,) = by_class(root, "row")
    assert "…" in own_text(row) and own_text(row).endswith("zhuzhou-hetang-gx")
    assert row.find(f"{NS}title").text == "株洲市荷塘区高新技术产业开发区管理委员会辖区 (zhuzhou-hetang-gx) / zhuzhou"


def test_no_rows_or_columns_give_no_pages_and_a_page_needs_a_row():
    assert heat_map([], [HeatColumn("a", "a")], legend=LEGEND) == []
    assert heat_map([HeatRow("p", "n", "u", [])], [], legend=LEGEND) == []
    with pytest.raises(ValueError):
        heat_map(*matrix(2, 2), rows_per_page=0, legend=LEGEND)


# ---- plan text is text; the same input gives the same bytes

def test_plan_text_is_escaped_in_every_chart():
    charts = [verdict_bar([("weaker", HOSTILE, 1)], title=HOSTILE),
              value_pairs([ValuePair(HOSTILE, HOSTILE, 1, 2, "stricter", HOSTILE, HOSTILE)], upper_label=HOSTILE,
                          lower_label=HOSTILE, title=HOSTILE),
              *heat_map([HeatRow(HOSTILE, HOSTILE, HOSTILE, ["weaker"])], [HeatColumn(HOSTILE, HOSTILE)],
                        legend=[("weaker", HOSTILE)], title=HOSTILE)]
    for svg in charts:
        assert "<script" not in svg and "&lt;script&gt;" in svg
        root = parse(svg)
        assert not [e for e in root.iter() if e.tag.endswith("script")]
        assert root.get("aria-label").startswith(HOSTILE)  # the attribute holds the quotes intact
        assert any(HOSTILE in "".join(t.itertext()) for t in root.iter(f"{NS}text"))


def test_characters_xml_forbids_are_dropped_not_written():
    bad = "县\x1b[31m\x00\ufffe\u202e名"
    for svg in (verdict_bar([("weaker", bad, 1)], title=bad),
                *heat_map([HeatRow("p", bad, "u", ["weaker"])], [HeatColumn("c", bad)], legend=LEGEND)):
        root = parse(svg)  # would raise on any of them
        assert "县[31m名" in root.get("aria-label") or any("县[31m名" in t for t in texts(root))


def test_identical_input_gives_identical_bytes():
    def build() -> list[str]:
        rows, cols = matrix(50, 70)
        return [verdict_bar(counts(weaker=2, missing=1, equal=7), title="t"),
                value_pairs([pair(), pair("PUE", "", 1.3, 1.3, "equal", "")], upper_label="上级",
                            lower_label="下级", title="t"), *heat_map(rows, cols, legend=LEGEND)]

    assert build() == build()


# ---- laid out by a real browser with real fonts

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

LAYOUT = """svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {cls: t.getAttribute('class') || '', text: t.textContent, left: r.left - box.left, top: r.top - box.top,
            right: r.right - box.left, bottom: r.bottom - box.top, width: box.width, height: box.height,
            size: parseFloat(getComputedStyle(t).fontSize)};
  });
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of texts whose glyphs meet: each box is trimmed of the font's line gap above and below."""
    def core(b):
        slack = (b["bottom"] - b["top"]) * 0.2
        return b["left"], b["top"] + slack, b["right"], b["bottom"] - slack

    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = core(a), core(b)
            if min(r1, r2) - max(l1, l2) > 0.5 and min(b1, b2) - max(t1, t2) > 0.5:
                found.append((a["text"], b["text"]))
    return found


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    assert Path("/usr/bin/chromium").exists(), "Chromium missing: run `bash scripts/install-test-tools` (see README)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1100, "height": 900})
        browser.close()


def laid_out(page, svgs: list[str]) -> list[list[dict]]:
    page.set_content("<!DOCTYPE html><meta charset='utf-8'><body style='margin:0;width:1020px'>"
                     + "".join(f"<div>{s}</div>" for s in svgs) + "</body>")
    return [page.locator("svg").nth(i).evaluate(LAYOUT) for i in range(len(svgs))]


def inside(boxes: list[dict]) -> list[str]:
    return [b["text"] for b in boxes if b["left"] < -0.5 or b["top"] < -0.5 or b["right"] > b["width"] + 0.5
            or b["bottom"] > b["height"] + 0.5]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bar_and_value_texts_stay_inside_and_apart_in_chromium(page, lang):
    numbers = {v.value: 1 for v in VERDICT_ORDER} | {"stricter": 60, "equal": 20}
    labels = {"upper": "上级" if lang == "zh" else "Upper", "lower": "下级" if lang == "zh" else "Lower"}
    long_label = "单位地区生产总值二氧化碳排放降低（较2020年）" * 2
    pairs = [ValuePair(long_label, "tCO2/万元", 0.42, 0.38, v.value, verdict_label(v, lang), "-0.04 tCO2/万元")
             for v in VERDICT_ORDER]
    pairs.append(ValuePair("小时", "小时", 8760, 8760, "equal", verdict_label(Verdict.EQUAL, lang), ""))
    bar, values = laid_out(page, [verdict_bar(counts(lang, **numbers), title="t"),
                                  value_pairs(pairs, upper_label=labels["upper"], lower_label=labels["lower"],
                                              title="t")])
    assert len(bar) == 2 * len(VERDICT_ORDER) and len(values) > 6 * len(pairs)
    assert inside(bar) == [] and inside(values) == []  # nothing clipped at the edges
    assert overlapping(bar) == [] and overlapping(values) == []


def test_heat_map_labels_stay_clear_of_the_grid_in_chromium(page):
    rows = [HeatRow(f"hunan-county-{i:03d}", "株洲市荷塘区高新技术产业开发区" if i % 2 else "茶陵县", "zhuzhou",
                    ["weaker", "", "stricter", "missing"] * 13) for i in range(40)]
    names = ("Share of renewables in power", "新建公共机构建筑屋顶光伏覆盖率")
    cols = [HeatColumn(f"c{j}", names[j % 2] + str(j)) for j in range(52)]
    (svg,) = heat_map(rows, cols, legend=LEGEND, title="总览：地区 × 指标")
    (boxes,) = laid_out(page, [svg])
    assert inside(boxes) == []
    scale = boxes[0]["width"] / PAGE_W
    grid_left, grid_top = page.locator("svg").evaluate(
        "svg => { const b = svg.getBoundingClientRect(), c = svg.querySelector('g.cells rect').getBoundingClientRect();"
        " return [c.left - b.left, c.top - b.top]; }")
    assert max(b["right"] for b in boxes if b["cls"] == "row") < grid_left - 2 * scale
    heads = [b for b in boxes if b["cls"] == "column"]
    caption = next(b for b in boxes if b["cls"] == "caption")
    assert max(b["bottom"] for b in heads) < grid_top and min(b["top"] for b in heads) > caption["bottom"]
    legend = [b for b in boxes if b["top"] > max(x["bottom"] for x in boxes if x["cls"] == "row")]
    assert len(legend) == len(LEGEND) and overlapping(legend) == []
    assert min(b["size"] for b in boxes) * scale >= 9  # readable: 9 px and up at the page's scale
