"""Data classes shared by the sample-web planner, composers, renderers and site writers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Case:
    """One fictional review case: who, when, what went wrong, and which themes it shows."""

    key: str  # "northmoor-child-d"
    board_key: str
    pseudonym: str  # as in titles: "Child D", "Baby Q", "Family W", "Jayden"
    text_name: str  # what {child} becomes in passages
    first_name: bool  # a first-name pseudonym, introduced by a sentence
    age_months: int
    gender: str  # female | male
    outcome: str  # death | serious_harm
    review_type: str  # SCR | LCSPR | CPR | other
    year: int  # publication
    month: int
    day: int
    incident_year: int
    themes: list[str]
    negated: list[str]
    confusers: list[str]
    values: dict[str, str] = field(default_factory=dict)  # placeholder values
    ref: str = ""  # e.g. CPR reference "GRSB 2/2017"
    archived: bool = False  # only listed on a robots-disallowed archive page
    held_out: bool = False  # its documents use only held-out theme passages


@dataclass
class Block:
    """A unit of document content."""

    kind: str  # p | sub | bullets | numbered | table | glossary
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    keep: bool = False  # never split across pages/columns (carries the known-item phrase)


@dataclass
class Section:
    """A headed part of a document."""

    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Content:
    """The composed text of a document, before rendering."""

    sections: list[Section] = field(default_factory=list)
    cover_lines: list[str] = field(default_factory=list)  # extra lines for the cover page
    themes: set[str] = field(default_factory=set)  # every theme the text shows
    planted: set[str] = field(default_factory=set)  # the themes its present passages are for
    negated: set[str] = field(default_factory=set)
    confusers: set[str] = field(default_factory=set)
    # theme -> ids (passage_id) of the theme passages that bear on it: written for it, or
    # showing it besides (a held-out figure's interval resamples passages as well as cases)
    passages: dict[str, set[str]] = field(default_factory=dict)
    known_phrase: str | None = None
    stated: set[str] = field(default_factory=set)  # of the case: age, gender, outcome

    def plain_text(self, sep: str = "\n") -> str:
        """All text, its non-empty parts (headings, paragraphs, items, table rows) joined by
        ``sep``: a line each for uniqueness checks, a blank line between for tagging."""
        parts = list(self.cover_lines)
        for sec in self.sections:
            parts.append(sec.heading)
            for b in sec.blocks:
                parts.append(b.text)
                parts.extend(b.items)
                parts.extend(" ".join(r) for r in b.rows)
        return sep.join(p for p in parts if p)


@dataclass
class Doc:
    """One document on the sample web (review or distractor) and how it is published."""

    id: str
    board_key: str
    doc_type: str  # full_report | executive_summary | briefing | board_response |
    #               other_review_document | not_review
    title: str
    year: int
    month: int
    day: int
    case: Case | None = None
    kind: str | None = None  # distractor kind
    format: str = "pdf"  # pdf | html
    host: str = ""  # host key where the file lives (board key or "docstore")
    path: str = ""  # final URL path (percent-encoded as linked)
    link_path: str = ""  # path as linked, when it differs (a redirecting old URL)
    file_path: str = ""  # relative file name under the host directory
    status: str = "ok"  # ok | encrypted | failed | needs_ocr
    date_source: str = "cover"  # cover | metadata | url | listing | text
    label: str = ""  # short label used in link lists: "Overview report"
    style: dict[str, object] = field(default_factory=dict)  # rendering choices
    content: Content | None = None
    data: bytes = b""
    pages: int | None = None
    known_page: int | None = None
    item_pages: dict[tuple[int, int, int], int] = field(default_factory=dict)
    #   (section, block, item) index of a numbered-list item -> 1-based page where it starts
    listed_by: str = ""  # board whose site links the document, when not its own (mirrors)
    duplicate_of: str | None = None  # id of the document this one is a re-saved copy of
    discoverable: bool = True
    robots_disallowed: bool = False
    content_type: str | None = None  # served Content-Type override

    @property
    def is_review(self) -> bool:
        """Whether this is part of a case review (not a distractor)."""
        return self.doc_type != "not_review"

    @property
    def lister(self) -> str:
        """The board key whose site links to this document."""
        return self.listed_by or self.board_key

    @property
    def review_type(self) -> str | None:
        """The review type of the case, or None for distractors."""
        return self.case.review_type if self.case else None
