"""The content model every briefing is composed into, and rendered from (analysis/render.py).

A briefing is a :class:`Doc`: a title, a scope line and sections of blocks. Composers (the
thematic briefing, the per-review 7-minute briefing) decide *what* to say; renderers decide
*how* it looks in Markdown, HTML, Word and PDF, so the four formats always hold the same
content. Quotations carry their source (board, child, year, page, URL) and must be verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str
    emphasis: bool = False  # shown in italics (a scope or a note)


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Quote:
    """A short verbatim passage of a report, with where it is."""

    text: str
    source: str  # e.g. "Northshire SCP, Child T, 2019, overview report, p. 14"
    url: str | None = None
    doc_id: str | None = None
    page: int | None = None  # None: a web page (not paged)


@dataclass
class Chart:
    """A bar chart: one bar per label. ``horizontal`` for long labels (themes)."""

    title: str
    labels: list[str]
    values: list[float]
    horizontal: bool = False
    unit: str = "reviews"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


Block = Paragraph | Bullets | Quote | Chart | Table


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Doc:
    title: str
    scope: str = ""
    sections: list[Section] = field(default_factory=list)

    def quotes(self) -> list[Quote]:
        """Every quotation in the document, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Quote)]

    def section(self, heading: str) -> Section | None:
        return next((s for s in self.sections if s.heading == heading), None)
