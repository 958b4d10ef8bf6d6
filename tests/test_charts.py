"""Bar charts as SVG and PNG (analysis/charts.py)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image, ImageChops

from analysis.charts import BAR_COLOUR, chart_png, chart_svg
from analysis.docmodel import Chart

SVG = "{http://www.w3.org/2000/svg}"
PURPLE = (0x5B, 0x2C, 0x83)

YEARS = Chart("Reviews per year", [str(y) for y in range(2012, 2026)],
              [12, 18, 25, 31, 40, 38, 52, 61, 47, 55, 70, 66, 81, 34])
THEMES = Chart(
    "Most frequent themes",
    ["Parental mental ill health", "Domestic abuse", "Drugs & alcohol <misuse>",
     "Professional curiosity and challenge when working with families who are hard to reach"],
    [140, 70, 35, 7],
    horizontal=True,
)
EMPTY = Chart("Nothing yet", [], [])


def _bars(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def _all_text(svg: str) -> str:
    return " ".join(ET.fromstring(svg).itertext())


@pytest.mark.parametrize("chart", [YEARS, THEMES, EMPTY])
def test_svg_is_an_accessible_self_contained_image(chart: Chart) -> None:
    svg = chart_svg(chart)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert len(root.get("viewBox", "").split()) == 4
    assert root.find(f"{SVG}title").text == chart.title
    assert "<script" not in svg and "@import" not in svg and "href" not in svg


@pytest.mark.parametrize("chart", [YEARS, THEMES])
def test_svg_has_one_bar_per_label_in_the_bar_colour(chart: Chart) -> None:
    bars = _bars(chart_svg(chart))
    assert len(bars) == len(chart.labels)
    assert {b.get("fill") for b in bars} == {BAR_COLOUR}


def test_svg_escapes_and_keeps_every_label() -> None:
    svg = chart_svg(THEMES)
    assert "Drugs &amp; alcohol &lt;misuse&gt;" in svg
    assert "Drugs & alcohol" not in svg
    text = _all_text(svg)
    for label in THEMES.labels:
        assert label in text  # shown (maybe cut short) and whole in the bar's tooltip
    for label in YEARS.labels:
        assert label in _all_text(chart_svg(YEARS))


def test_long_theme_labels_are_cut_with_an_ellipsis() -> None:
    root = ET.fromstring(chart_svg(THEMES))
    shown = [t.text for t in root.iter(f"{SVG}text")]
    assert any(t.startswith("Professional curiosity") and t.endswith("\u2026") for t in shown)
    assert all(len(t) <= 40 for t in shown)


def test_vertical_bars_heights_are_proportional_to_values() -> None:
    bars = _bars(chart_svg(YEARS))
    heights = [float(b.get("height")) for b in bars]
    widths = {b.get("width") for b in bars}
    assert len(widths) == 1  # bars share a width and vary in height
    top, low = max(YEARS.values), min(YEARS.values)
    assert max(heights) / min(heights) == pytest.approx(top / low, rel=0.01)
    assert heights.index(max(heights)) == YEARS.values.index(top)
    xs = [float(b.get("x")) for b in bars]
    assert xs == sorted(xs)  # left to right, in label order
    bottoms = {round(float(b.get("y")) + float(b.get("height")), 1) for b in bars}
    assert len(bottoms) == 1  # all stand on the same axis


def test_horizontal_bars_widths_are_proportional_to_values() -> None:
    bars = _bars(chart_svg(THEMES))
    widths = [float(b.get("width")) for b in bars]
    assert len({b.get("height") for b in bars}) == 1
    assert max(widths) / min(widths) == pytest.approx(140 / 7, rel=0.01)
    ys = [float(b.get("y")) for b in bars]
    assert ys == sorted(ys)  # top to bottom, in label order
    assert len({b.get("x") for b in bars}) == 1  # all start at the same axis


def test_crowded_vertical_labels_are_rotated() -> None:
    crowded = Chart("Areas", [f"Local area {i}" for i in range(30)], list(range(1, 31)))
    root = ET.fromstring(chart_svg(crowded))
    assert len(_bars(chart_svg(crowded))) == 30
    assert any("rotate" in (t.get("transform") or "") for t in root.iter(f"{SVG}text"))
    years = ET.fromstring(chart_svg(YEARS))
    assert not any(t.get("transform") for t in years.iter(f"{SVG}text"))


def test_empty_chart_says_no_data() -> None:
    svg = chart_svg(EMPTY)
    assert _bars(svg) == []
    assert "no data" in _all_text(svg)
    png = Image.open(io.BytesIO(chart_png(EMPTY)))
    assert png.width == 1280
    assert len(png.convert("RGB").getcolors(1 << 20)) > 1  # the words are drawn


def test_zero_values_do_not_break_the_chart() -> None:
    zeros = Chart("All zero", ["a", "b"], [0, 0])
    assert [float(b.get("height")) for b in _bars(chart_svg(zeros))] == [0, 0]
    assert chart_png(zeros)[:8] == b"\x89PNG\r\n\x1a\n"


def test_mismatched_labels_and_values_are_refused() -> None:
    with pytest.raises(ValueError):
        chart_svg(Chart("Bad", ["a", "b"], [1]))


@pytest.mark.parametrize("chart", [YEARS, THEMES])
@pytest.mark.parametrize("width", [1280, 800])
def test_png_is_a_drawn_chart_of_the_requested_width(chart: Chart, width: int) -> None:
    data = chart_png(chart, width=width)
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    assert img.width == width
    rgb = img.convert("RGB")
    colours = {c for _, c in rgb.getcolors(1 << 20)}
    assert len(colours) > 2
    assert PURPLE in colours and (255, 255, 255) in colours
    assert rgb.getpixel((0, 0)) == (255, 255, 255)


def test_png_bars_follow_the_orientation() -> None:
    def purple_box(chart: Chart) -> tuple[int, int, int, int]:
        rgb = Image.open(io.BytesIO(chart_png(chart))).convert("RGB")
        channels = [band.point(lambda v, c=c: 255 if v == c else 0)
                    for band, c in zip(rgb.split(), PURPLE, strict=True)]
        mask = ImageChops.multiply(ImageChops.multiply(channels[0], channels[1]), channels[2])
        return mask.getbbox()

    left, top, right, bottom = purple_box(YEARS)
    assert right - left > 1000  # vertical bars spread across the width
    left, top, right, bottom = purple_box(THEMES)
    assert left > 300  # horizontal bars start right of the theme labels
    assert bottom - top < 8 * 48 + 48  # and stack in rows
