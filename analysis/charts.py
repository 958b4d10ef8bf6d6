"""Bar charts for briefings: an inline SVG (Markdown, HTML) and a PNG (Word, PDF).

Both pictures come from one layout (:func:`_layout`), worked out in SVG units on a canvas
640 wide; the PNG draws the same layout scaled up (1280 px wide by default, 2x for print).
Vertical bars suit a few short labels (years); horizontal bars suit long labels (themes).
Only the standard library and Pillow are used, so charts cost no extra dependency.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from analysis.docmodel import Chart

__all__ = ["chart_svg", "chart_png"]

BAR_COLOUR = "#5b2c83"
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#666666"
AXIS_COLOUR = "#aaaaaa"
FONT_FAMILY = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"

WIDTH = 640  # the layout's width, in SVG units
PAD = 12
CHAR_W = 0.6  # a generous average character width, in ems, for fitting text
TITLE_SIZE = 15
CAPTION_SIZE = 11
LABEL_SIZE = 12
VALUE_SIZE = 11
PLOT_HEIGHT = 220  # vertical bars: the tallest bar
ROW_HEIGHT = 24  # horizontal bars: one row per bar
BAR_THICKNESS = 16
MAX_THEME_LABEL = 40  # horizontal labels are cut (with an ellipsis) past this many characters
MAX_AXIS_LABEL = 20  # vertical (under-bar) labels likewise


@dataclass
class _Text:
    x: float
    y: float
    text: str
    size: float
    anchor: str = "ls"  # Pillow's anchors: l/m/r then s (baseline) or m (middle)
    colour: str = TEXT_COLOUR
    bold: bool = False
    rotate: float = 0  # degrees anticlockwise about (x, y)


@dataclass
class _Bar:
    x: float
    y: float
    w: float
    h: float
    tip: str  # the full label and value, a tooltip in the SVG


@dataclass
class _Layout:
    width: float
    height: float
    title: str
    bars: list[_Bar] = field(default_factory=list)
    texts: list[_Text] = field(default_factory=list)
    axis: tuple[float, float, float, float] | None = None


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_W


def _number(value: float, unit: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text + "%" if unit.strip() == "%" else text


def _layout(chart: Chart) -> _Layout:
    """Place the title, bars, labels and axis of ``chart``, in SVG units."""
    if len(chart.labels) != len(chart.values):
        raise ValueError(
            f"chart {chart.title!r}: {len(chart.labels)} labels but {len(chart.values)} values"
        )
    title = _cut(chart.title, int((WIDTH - 2 * PAD) / (TITLE_SIZE * CHAR_W)))
    lay = _Layout(WIDTH, 0, chart.title)
    lay.texts.append(_Text(PAD, PAD + TITLE_SIZE, title, TITLE_SIZE, bold=True))
    top = PAD + TITLE_SIZE + 8
    if not chart.labels:
        lay.texts.append(_Text(WIDTH / 2, top + 24, "no data", LABEL_SIZE, "ms", MUTED_COLOUR))
        lay.height = top + 44
        return lay
    caption = f"Number of {chart.unit}" if chart.unit.strip() != "%" else "Per cent"
    lay.texts.append(_Text(PAD, top + CAPTION_SIZE, caption, CAPTION_SIZE, colour=MUTED_COLOUR))
    top += CAPTION_SIZE + 10
    values = [max(0.0, float(v)) for v in chart.values]
    vmax = max(values) or 1.0
    shown = [_number(v, chart.unit) for v in chart.values]
    tips = [f"{label}: {s} {chart.unit}" for label, s in zip(chart.labels, shown, strict=True)]
    if chart.horizontal:
        _horizontal(lay, chart.labels, values, vmax, shown, tips, top)
    else:
        _vertical(lay, chart.labels, values, vmax, shown, tips, top)
    return lay


def _horizontal(lay: _Layout, labels: list[str], values: list[float], vmax: float,
                shown: list[str], tips: list[str], top: float) -> None:
    names = [_cut(label, MAX_THEME_LABEL) for label in labels]
    x0 = PAD + max(_text_width(n, LABEL_SIZE) for n in names) + 8
    room = max(_text_width(s, VALUE_SIZE) for s in shown) + 8
    span = WIDTH - PAD - room - x0
    for i, (name, v, s, tip) in enumerate(zip(names, values, shown, tips, strict=True)):
        mid = top + i * ROW_HEIGHT + ROW_HEIGHT / 2
        w = span * v / vmax
        lay.bars.append(_Bar(x0, mid - BAR_THICKNESS / 2, w, BAR_THICKNESS, tip))
        lay.texts.append(_Text(x0 - 8, mid, name, LABEL_SIZE, "rm"))
        lay.texts.append(_Text(x0 + w + 5, mid, s, VALUE_SIZE, "lm", MUTED_COLOUR))
    bottom = top + len(labels) * ROW_HEIGHT
    lay.axis = (x0, top - 2, x0, bottom + 2)
    lay.height = bottom + PAD


def _vertical(lay: _Layout, labels: list[str], values: list[float], vmax: float,
              shown: list[str], tips: list[str], top: float) -> None:
    n = len(labels)
    names = [_cut(label, MAX_AXIS_LABEL) for label in labels]
    need = max(_text_width(name, LABEL_SIZE) for name in names)
    slot = (WIDTH - 2 * PAD) / n
    rotated = need > slot - 4
    left = PAD
    if rotated:  # labels run down-left from under their bar, at 45 degrees
        left = PAD + max(0.0, need * math.sqrt(0.5) - slot / 2)
        slot = (WIDTH - PAD - left) / n
    step = max(1, math.ceil((LABEL_SIZE + 2) / (slot * math.sqrt(0.5)))) if rotated else 1
    value_size = min(VALUE_SIZE, (slot - 2) / (CHAR_W * max(len(s) for s in shown)))
    top += VALUE_SIZE + 6  # room for the value over the tallest bar
    base = top + PLOT_HEIGHT
    bar_w = slot * 0.7
    for i, (name, v, s, tip) in enumerate(zip(names, values, shown, tips, strict=True)):
        cx = left + (i + 0.5) * slot
        h = PLOT_HEIGHT * v / vmax
        lay.bars.append(_Bar(cx - bar_w / 2, base - h, bar_w, h, tip))
        if value_size >= 6:
            lay.texts.append(_Text(cx, base - h - 4, s, value_size, "ms", MUTED_COLOUR))
        if (n - 1 - i) % step:  # thin crowded labels, always keeping the last one
            continue
        if rotated:
            lay.texts.append(_Text(cx + 4, base + 12, name, LABEL_SIZE, "rs", rotate=45))
        else:
            lay.texts.append(_Text(cx, base + 16, name, LABEL_SIZE, "ms"))
    lay.axis = (left, base, WIDTH - PAD, base)
    lay.height = base + (need * math.sqrt(0.5) + 18 if rotated else 22) + PAD


def _f(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


_SVG_ANCHOR = {"l": "start", "m": "middle", "r": "end"}


def chart_svg(chart: Chart) -> str:
    """``chart`` as a self-contained inline SVG (no scripts, no external fonts).

    One ``<rect class="bar">`` per label, each with a ``<title>`` tooltip giving the full label
    and value; label text is XML-escaped. A chart without labels gives a small "no data" SVG.
    """
    lay = _layout(chart)
    w, h = _f(lay.width), _f(lay.height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-label="{escape(lay.title, {chr(34): "&quot;"})}" '
        f'font-family="{FONT_FAMILY}" style="max-width:100%;height:auto">',
        f"<title>{escape(lay.title)}</title>",
        f'<rect width="{w}" height="{h}" fill="#ffffff"/>',
    ]
    if lay.axis:
        x1, y1, x2, y2 = (_f(c) for c in lay.axis)
        out.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{AXIS_COLOUR}"/>')
    for b in lay.bars:
        out.append(
            f'<rect class="bar" x="{_f(b.x)}" y="{_f(b.y)}" width="{_f(b.w)}" '
            f'height="{_f(b.h)}" fill="{BAR_COLOUR}"><title>{escape(b.tip)}</title></rect>'
        )
    for t in lay.texts:
        attrs = f'x="{_f(t.x)}" y="{_f(t.y)}" font-size="{_f(t.size)}" fill="{t.colour}"'
        attrs += f' text-anchor="{_SVG_ANCHOR[t.anchor[0]]}"'
        if t.anchor[1] == "m":
            attrs += ' dominant-baseline="central"'
        if t.bold:
            attrs += ' font-weight="bold"'
        if t.rotate:
            attrs += f' transform="rotate({_f(-t.rotate)} {_f(t.x)} {_f(t.y)})"'
        out.append(f"<text {attrs}>{escape(t.text)}</text>")
    out.append("</svg>")
    return "\n".join(out)


_FONT_FILES = {
    False: ["DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "Arial.ttf", "/Library/Fonts/Arial.ttf", "C:/Windows/Fonts/arial.ttf"],
    True: ["DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
           "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
           "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
           "Arial Bold.ttf", "/Library/Fonts/Arial Bold.ttf", "C:/Windows/Fonts/arialbd.ttf"],
}


@lru_cache(maxsize=32)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A TrueType font of ``size`` pixels: DejaVu Sans if found, else Pillow's own."""
    for name in _FONT_FILES[bold] + (_FONT_FILES[False] if bold else []):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)  # Pillow >= 10.1
    except TypeError:  # an older Pillow: a small bitmap font
        return ImageFont.load_default()


def _fit(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, room: float) -> str:
    """``text``, cut with an ellipsis until it is at most ``room`` pixels wide."""
    while len(text) > 2 and font.getlength(text) > room:
        text = text[:-2].rstrip() + "\u2026"
    return text


def chart_png(chart: Chart, width: int = 1280) -> bytes:
    """``chart`` drawn with Pillow as PNG bytes, ``width`` pixels wide on a white background.

    The layout is the SVG's, scaled: at the default 1280 px (2x) labels are about 24 px high.
    """
    lay = _layout(chart)
    s = width / lay.width
    img = Image.new("RGB", (width, max(1, round(lay.height * s))), "white")
    draw = ImageDraw.Draw(img)
    if lay.axis:
        x1, y1, x2, y2 = (round(c * s) for c in lay.axis)
        draw.line([(x1, y1), (x2, y2)], fill=AXIS_COLOUR, width=max(1, round(s)))
    for b in lay.bars:
        if b.w > 0 and b.h > 0:
            box = [round(b.x * s), round(b.y * s), round((b.x + b.w) * s) - 1,
                   round((b.y + b.h) * s) - 1]
            draw.rectangle(box, fill=BAR_COLOUR)
    for t in lay.texts:
        px = max(6, round(t.size * s))
        font = _font(px, t.bold)
        x, y = t.x * s, t.y * s
        if t.anchor == "rm" and not t.rotate:  # a horizontal chart's label: keep it in the margin
            text = _fit(t.text, font, x - PAD * s)
        elif t.anchor == "ls":  # the title
            text = _fit(t.text, font, (lay.width - PAD) * s - x)
        else:
            text = t.text
        if not t.rotate:
            draw.text((x, y), text, fill=t.colour, font=font, anchor=t.anchor)
            continue
        side = 2 * math.ceil(font.getlength(text) + px) + 2
        mask = Image.new("L", (side, side), 0)
        ImageDraw.Draw(mask).text((side / 2, side / 2), text, fill=255, font=font,
                                  anchor=t.anchor)
        mask = mask.rotate(t.rotate, resample=Image.Resampling.BICUBIC)
        img.paste(t.colour, (round(x - side / 2), round(y - side / 2)), mask)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
