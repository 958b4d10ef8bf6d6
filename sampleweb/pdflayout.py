"""A small page-layout engine: wraps text into lines and places them on A4 pages.

Laying out before drawing lets the renderer know the page count ("Page 3 of 11"), the page
on which the known-item paragraph landed and the page on which each numbered item starts,
and lets the same layout be drawn either as PDF text or onto images (the "scanned"
document). Coordinates are millimetres; text ops give the
baseline position. Widths come from fpdf2's core-font metrics, so wrapping is exact and fast.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from fpdf.fonts import CORE_FONTS_CHARWIDTHS

logger = logging.getLogger(__name__)

PT = 25.4 / 72  # millimetres per point
PAGE_W, PAGE_H = 210.0, 297.0


@dataclass
class Op:
    """One drawing operation: text (t), filled rectangle (r) or line (l)."""

    kind: str
    x: float
    y: float
    w: float = 0.0  # rect width, or line end x
    h: float = 0.0  # rect height, or line end y
    text: str = ""
    style: str = ""  # "", "B", "I"
    size: float = 11.0
    colour: tuple[int, int, int] = (0, 0, 0)


def text_width(text: str, font: str, style: str, size: float) -> float:
    """Width in mm of text in a core font."""
    widths = CORE_FONTS_CHARWIDTHS[font + style]
    return sum(widths.get(c, 500) for c in text) * size / 1000 * PT


def wrap(text: str, font: str, style: str, size: float, width: float) -> list[str]:
    """Greedy word wrap (breaking only at spaces)."""
    widths = CORE_FONTS_CHARWIDTHS[font + style]
    scale = size / 1000 * PT
    space = widths.get(" ", 278) * scale
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    words: list[str] = []
    for word in text.split():  # hard-break a word wider than the line (rare: narrow cells)
        while len(word) > 1 and sum(widths.get(c, 500) for c in word) * scale > width:
            cut = len(word) - 1
            while cut > 1 and sum(widths.get(c, 500) for c in word[:cut]) * scale > width:
                cut -= 1
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    for word in words:
        w = sum(widths.get(c, 500) for c in word) * scale
        extra = w + (space if current else 0.0)
        if current and used + extra > width:
            lines.append(" ".join(current))
            current, used = [word], w
        else:
            current.append(word)
            used += extra
    if current:
        lines.append(" ".join(current))
    return lines or [""]


@dataclass
class Layout:
    """Flows blocks of text down one or two columns, page after page."""

    font: str = "helvetica"
    size: float = 11.0
    columns: int = 1
    margin: float = 22.0
    top: float = 28.0
    bottom: float = 272.0
    accent: tuple[int, int, int] = (30, 60, 120)
    pages: list[list[Op]] = field(default_factory=list)
    col: int = 0
    y: float = 0.0
    col_top: float = 0.0  # where columns start on the current page
    gutter: float = 9.0
    start_page: int = 0  # page on which the first line of the last text() call was placed

    @property
    def lead(self) -> float:
        return self.size * PT * 1.38

    @property
    def col_w(self) -> float:
        total = PAGE_W - 2 * self.margin
        return (total - self.gutter * (self.columns - 1)) / self.columns

    @property
    def col_x(self) -> float:
        return self.margin + self.col * (self.col_w + self.gutter)

    @property
    def page_no(self) -> int:
        return len(self.pages)

    def new_page(self) -> None:
        self.pages.append([])
        self.col, self.y, self.col_top = 0, self.top, self.top

    def _next_column(self) -> None:
        if self.col + 1 < self.columns:
            self.col += 1
            self.y = self.col_top
        else:
            self.new_page()

    def need(self, height: float) -> None:
        """Move on if height does not fit in what is left of the column."""
        if not self.pages:
            self.new_page()
        if self.y + height > self.bottom and self.y > self.col_top + 0.1:
            self._next_column()

    def add(self, op: Op) -> None:
        if not self.pages:
            self.new_page()
        self.pages[-1].append(op)

    def text(self, text: str, *, style: str = "", size: float | None = None, indent: float = 0.0,
             keep: bool = False, colour: tuple[int, int, int] = (0, 0, 0),
             gap: float | None = None) -> int:
        """Flow a paragraph; returns the page number of its last line (``start_page`` is
        left at the page number of its first line)."""
        size = size or self.size
        lead = size * PT * 1.38
        lines = wrap(text, self.font, style, size, self.col_w - indent)
        if keep:
            self.need(lead * len(lines))
        for n, line in enumerate(lines):
            self.need(lead)
            if n == 0:
                self.start_page = self.page_no
            self.add(Op("t", self.col_x + indent, self.y + lead * 0.78, text=line, style=style,
                        size=size, colour=colour))
            self.y += lead
        self.y += self.lead * 0.55 if gap is None else gap
        return self.page_no

    def heading(self, text: str, level: int = 1) -> int:
        """A heading kept with at least three lines of what follows."""
        size = self.size + (4 if level == 1 else 1.5)
        self.need(size * PT * 1.4 + self.lead * 3)
        self.y += 1.5
        return self.text(text, style="B", size=size, colour=self.accent, gap=self.lead * 0.35)

    def _table_widths(self, rows: list[list[str]], size: float) -> list[float]:
        """Column widths: each fits its longest word, the rest shared by amount of text."""
        ncol = max(len(r) for r in rows)
        need = [3.5] * ncol
        chars = [1] * ncol
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                style = "B" if i == 0 else ""
                longest = max((text_width(w, self.font, style, size) for w in cell.split()),
                              default=0.0)
                need[j] = max(need[j], longest + 3.5)
                chars[j] += len(cell)
        spare = self.col_w - sum(need)
        if spare < 0:
            return [self.col_w * c / sum(chars) for c in chars]
        return [n + spare * c / sum(chars) for n, c in zip(need, chars, strict=True)]

    def table(self, rows: list[list[str]]) -> None:
        """A ruled table; the first row is a shaded header row."""
        size = self.size - 1.5
        lead = size * PT * 1.3
        widths = self._table_widths(rows, size)
        for i, row in enumerate(rows):
            style = "B" if i == 0 else ""
            cells = [wrap(c, self.font, style, size, w - 3) for c, w in zip(row, widths,
                                                                               strict=False)]
            height = max(len(c) for c in cells) * lead + 2.5
            self.need(height)
            x = self.col_x
            if i == 0:
                self.add(Op("r", x, self.y, self.col_w, height, colour=(225, 228, 235)))
            for cell, w in zip(cells, widths, strict=False):
                for j, line in enumerate(cell):
                    self.add(Op("t", x + 1.5, self.y + 1.2 + lead * (j + 0.78), text=line,
                                style=style, size=size))
                x += w
            self.add(Op("l", self.col_x, self.y + height, self.col_x + self.col_w,
                        self.y + height, colour=(150, 150, 150)))
            self.y += height
        self.y += self.lead * 0.8
