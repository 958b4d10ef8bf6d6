"""Render composed documents to PDF with fpdf2.

Multi-page output with running headers and footers, varied cover pages, one or two columns,
and varied (sometimes misleading or absent) PDF metadata. Awkward variants: an image-only
"scanned" PDF with no text layer, a password-protected PDF and a truncated file.
Output is byte-for-byte deterministic: dates and file ids come from the document, not the clock.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fpdf import FPDF

from sampleweb.boards import Board
from sampleweb.model import Content, Doc
from sampleweb.pdflayout import PAGE_H, PAGE_W, Layout, Op, text_width, wrap
from sampleweb.scanned import render_scanned
from sampleweb.wording import to_latin1

logger = logging.getLogger(__name__)

PRODUCERS = ("Microsoft\u00ae Word 2010", "Microsoft\u00ae Word for Microsoft 365",
             "Adobe PDF Library 15.0", "Acrobat Distiller 10.1.16 (Windows)",
             "macOS Version 10.14.6 (Build 18G103) Quartz PDFContext")
CREATORS = ("Microsoft\u00ae Word 2016", "Adobe InDesign CC 2017 (Macintosh)",
            "PScript5.dll Version 5.2.2", "Microsoft\u00ae Word for Microsoft 365")
FOOTERS = ("Page {n} of {total}", "{n}", "Page {n}", "- {n} -", "OFFICIAL    Page {n} of {total}")
_CREATION = re.compile(rb"/CreationDate \([^)]*\)")


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def choose_style(doc: Doc, board: Board, rng: random.Random) -> dict[str, object]:
    """Pick the look of one PDF: cover, columns, footer, metadata."""
    two_col = (doc.doc_type == "briefing" and rng.random() < 0.5) or (
        doc.kind in ("newsletter", "leaflet") and rng.random() < 0.6) or (
        doc.doc_type == "full_report" and "two_column_report" in board.features
        and rng.random() < 0.5)
    short_doc = doc.doc_type in ("briefing", "other_review_document") or doc.kind in (
        "leaflet", "training_flyer", "newsletter", "minutes")
    cover = "none" if short_doc else rng.choice(("centered", "centered", "left", "banner"))
    meta_title = rng.choice(("real", "real", "word", "none", "wrong"))
    meta_date = "pub" if doc.date_source == "metadata" else rng.choice(
        ("draft", "draft", "later", "none"))
    return {
        "font": board.font, "size": rng.choice((10.5, 11.0, 11.0, 12.0)),
        "columns": 2 if two_col else 1, "cover": cover, "footer": rng.choice(FOOTERS),
        "header": rng.random() < 0.8, "numbered": rng.random() < 0.4 and doc.doc_type in (
            "full_report", "executive_summary"), "contents": doc.doc_type == "full_report"
        and rng.random() < 0.6, "meta_title": meta_title, "meta_date": meta_date,
        "producer": rng.choice(PRODUCERS), "creator": rng.choice(CREATORS),
        "draft_days": rng.randint(20, 240), "later_years": rng.randint(1, 5),
    }


def header_text(doc: Doc, board: Board) -> str:
    """Running header such as 'Northmoor SCR Child D - Overview Report'."""
    if doc.case:
        rt = doc.case.review_type if doc.case.review_type != "other" else "Learning Review"
        ident = doc.case.ref or doc.case.pseudonym
        return f"{board.short} {rt} {ident} - {doc.label.capitalize()}"
    return doc.title


def _cover(lay: Layout, doc: Doc, board: Board, content: Content, style: dict) -> None:
    """Title block: on its own cover page, or at the top of the first page."""
    name = board.name_in(doc.year) if not board.welsh else board.name
    title = to_latin1(doc.title)
    lines = [to_latin1(line) for line in content.cover_lines]
    kind = style["cover"]
    lay.new_page()
    if kind == "none":
        lay.text(name, style="B", size=lay.size - 1, colour=lay.accent, gap=1)
        lay.text(title, style="B", size=lay.size + 6, gap=2)
        for line in lines:
            lay.text(line, style="I", gap=1)
        lay.y += 4
        return
    if kind == "banner":
        lay.add(Op("r", 0, 40, PAGE_W, 70, colour=lay.accent))
        lay.y = 60
        lay.text(title, style="B", size=22, colour=(255, 255, 255))
        lay.y = 130
    elif kind == "left":
        lay.text(name, style="B", size=14, colour=lay.accent)
        lay.y = 110
        lay.text(title, style="B", size=22)
    else:
        width = PAGE_W - 2 * lay.margin
        lay.y = 90
        for piece in (name, title):
            size = 14 if piece is name else 22
            for text in _center_lines(piece, lay, size, width):
                lay.add(Op("t", text[0], lay.y, text=text[1], style="B", size=size,
                           colour=lay.accent if piece is name else (0, 0, 0)))
                lay.y += size * 0.5
            lay.y += 8
    lay.y = max(lay.y, 150) if kind != "left" else 235
    for line in lines:
        lay.text(line, size=12)
    lay.new_page()


def _center_lines(text: str, lay: Layout, size: float, width: float) -> list[tuple[float, str]]:
    out = []
    for line in wrap(text, lay.font, "B", size, width):
        out.append((lay.margin + (width - text_width(line, lay.font, "B", size)) / 2, line))
    return out


@dataclass
class Rendered:
    """A rendered PDF and what its layout tells the manifest."""

    data: bytes
    pages: int
    known_page: int | None  # page holding the known-item paragraph
    item_pages: dict[tuple[int, int, int], int] = field(default_factory=dict)
    #   (section, block, item) index of each numbered-list item -> page where it starts


def layout_doc(doc: Doc, board: Board, content: Content,
               style: dict) -> tuple[Layout, int | None, dict[tuple[int, int, int], int]]:
    """Lay a document out; returns the layout, the page holding the known phrase and the page
    on which each numbered-list item starts (keyed by section, block and item index)."""
    lay = Layout(font=str(style["font"]), size=float(style["size"]),
                 columns=int(style["columns"]), accent=_hex_rgb(board.colour))
    columns = lay.columns
    lay.columns = 1
    _cover(lay, doc, board, content, style)
    contents_page = None
    if style["contents"]:
        if style["cover"] == "none":
            lay.new_page()
        contents_page = len(lay.pages) - 1
        lay.new_page()
    lay.columns = columns
    lay.col_top = lay.y
    known_page = None
    item_pages: dict[tuple[int, int, int], int] = {}
    toc: list[tuple[str, int]] = []
    for s_no, section in enumerate(content.sections, 1):
        toc.append((section.heading, lay.page_no))
        lay.heading(to_latin1(section.heading))
        p_no = 0
        for b_no, block in enumerate(section.blocks):
            if block.kind == "p":
                p_no += 1
                text = to_latin1(block.text)
                if style["numbered"]:
                    text = f"{s_no}.{p_no}  {text}"
                page = lay.text(text, keep=block.keep)
                if block.keep:
                    known_page = page
            elif block.kind in ("bullets", "numbered", "glossary"):
                for i, item in enumerate(block.items, 1):
                    mark = f"{i}." if block.kind == "numbered" else "-"
                    lay.text(f"{mark} {to_latin1(item)}", indent=3, gap=1.2)
                    if block.kind == "numbered":
                        item_pages[(s_no - 1, b_no, i - 1)] = lay.start_page
                lay.y += 2
            elif block.kind == "table":
                lay.table([[to_latin1(c) for c in r] for r in block.rows])
    if contents_page is not None:
        _contents(lay, contents_page, toc)
    return lay, known_page, item_pages


def _contents(lay: Layout, page: int, toc: list[tuple[str, int]]) -> None:
    y = lay.top + 8
    lay.pages[page].append(Op("t", lay.margin, y, text="Contents", style="B", size=16,
                              colour=lay.accent))
    for heading, page_no in toc[:34]:
        y += 6.6
        lay.pages[page].append(Op("t", lay.margin, y, text=to_latin1(heading), size=11))
        lay.pages[page].append(Op("t", PAGE_W - lay.margin - 8, y, text=str(page_no), size=11))


def _metadata(pdf: FPDF, doc: Doc, style: dict) -> None:
    when = datetime(doc.year, doc.month, doc.day, 10, 30, tzinfo=UTC)
    if style["meta_date"] == "draft":
        when -= timedelta(days=int(style["draft_days"]))
    elif style["meta_date"] == "later":
        when = when.replace(year=min(2025, doc.year + int(style["later_years"])), day=1)
    pdf.set_creation_date(when)
    ident = f"{doc.case.ref or doc.case.pseudonym} {doc.label}" if doc.case else doc.title
    title = {"real": doc.title, "word": f"Microsoft Word - {ident} final draft v3.docx",
             "wrong": "Report template", "none": ""}[str(style["meta_title"])]
    if title:
        pdf.set_title(to_latin1(title))
    pdf.set_producer(str(style["producer"]))
    pdf.set_creator(str(style["creator"]))


def render_pdf(doc: Doc, board: Board, content: Content, style: dict) -> Rendered:
    """The PDF bytes of a document, its page count and the pages of its marked blocks."""
    lay, known_page, item_pages = layout_doc(doc, board, content, style)
    total = len(lay.pages)
    if doc.status == "needs_ocr":
        return Rendered(render_scanned(lay, doc), total, None, item_pages)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    _metadata(pdf, doc, style)
    header = to_latin1(header_text(doc, board))
    first_body = 1 if style["cover"] == "none" else 2
    for number, ops in enumerate(lay.pages, 1):
        pdf.add_page()
        if number >= first_body:
            if style["header"]:
                _draw(pdf, Op("t", lay.margin, 14, text=header, size=8, colour=(90, 90, 90)),
                      lay.font)
            footer = str(style["footer"]).format(n=number, total=total)
            _draw(pdf, Op("t", PAGE_W / 2 - 10, PAGE_H - 12, text=footer, size=9), lay.font)
        for op in ops:
            _draw(pdf, op, lay.font)
    if doc.status == "encrypted":
        pdf.set_encryption(owner_password=f"owner-{doc.id}", user_password="Safeguard1")
    data = bytes(pdf.output())
    if style["meta_date"] == "none" and doc.status == "ok":
        data = _CREATION.sub(lambda m: b" " * len(m.group(0)), data)
    if doc.status == "failed":
        data = data[: int(len(data) * 0.55)]
    return Rendered(data, total, known_page, item_pages)


def _draw(pdf: FPDF, op: Op, font: str) -> None:
    if op.kind == "t":
        pdf.set_font(font, op.style, op.size)
        pdf.set_text_color(*op.colour)
        pdf.text(op.x, op.y, op.text)
    elif op.kind == "r":
        pdf.set_fill_color(*op.colour)
        pdf.rect(op.x, op.y, op.w, op.h, style="F")
    else:
        pdf.set_draw_color(*op.colour)
        pdf.line(op.x, op.y, op.w, op.h)
