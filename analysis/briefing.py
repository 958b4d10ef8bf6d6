"""Thematic briefings ("Learning from case reviews: THEME"), one content model, four formats.

:func:`compose` builds the content from the catalogue (the reviews tagged with the theme, the
themes that recur alongside it, short verbatim quotations with their pages, the list of reviews
referenced); :func:`render_markdown`, :func:`render_html`, :func:`render_docx` and
:func:`render_pdf` each lay the same content out in one format.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from analysis.queries import report_records
from analysis.taxonomy import load_taxonomy
from ingest.catalogue import Catalogue
from ingest.errors import AtlasError

MAX_QUOTES = 12
MAX_QUOTE_CHARS = 300


@dataclass
class Briefing:
    title: str
    scope: str
    definition: str
    cooccurring: list[tuple[str, int]] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)  # text, board, child, year, page, url
    references: list[dict] = field(default_factory=list)


def compose(cat: Catalogue, theme_id: str) -> Briefing:
    themes = {t.id: t for t in load_taxonomy()}
    if theme_id not in themes:
        raise AtlasError(f"unknown theme {theme_id!r}; known: {', '.join(sorted(themes))}")
    theme = themes[theme_id]
    records = [r for r in report_records(cat) if r["status"] == "ok"]
    with_theme = [r for r in records if theme_id in r["themes"]]
    years = sorted(r["year"] for r in with_theme if r["year"])
    span = f", published {years[0]}-{years[-1]}" if years else ""
    brief = Briefing(
        title=f"Learning from case reviews: {theme.label}",
        scope=(f"{len(with_theme)} of {len(records)} case-review documents in SCR Atlas carry "
               f"this theme{span}."),
        definition=theme.definition,
    )
    co = Counter(t for r in with_theme for t in r["themes"] if t != theme_id)
    brief.cooccurring = [(themes[t].label, n) for t, n in co.most_common(8) if t in themes]
    for r in sorted(with_theme, key=lambda r: (-(r["year"] or 0), r["board"] or "")):
        tags = [t for t in cat.themes_of(r["id"]) if t["theme"] == theme_id]
        pages_cited = []
        for ev in tags[0]["evidence"][:2] if tags else []:
            if len(brief.quotes) < MAX_QUOTES:
                brief.quotes.append({"text": ev["sentence"][:MAX_QUOTE_CHARS], "page": ev["page"],
                                     "board": r["board"], "child": r["child"], "year": r["year"],
                                     "url": r["url"]})
                if ev["page"]:
                    pages_cited.append(ev["page"])
        brief.references.append({"board": r["board"], "child": r["child"], "year": r["year"],
                                 "doc_type": r["doc_type"], "url": r["url"],
                                 "pages": sorted(set(pages_cited))})
    return brief


def _cite(q: dict) -> str:
    page = f", p. {q['page']}" if q["page"] else ""
    return f"{q['board']}, {q['child'] or 'review'}, {q['year'] or 'n.d.'}{page}"


def render_markdown(b: Briefing) -> str:
    lines = [f"# {b.title}", "", f"*{b.scope}*", "", b.definition, "",
             "## Themes that recur alongside it", ""]
    lines += [f"- {label}: {n} reviews" for label, n in b.cooccurring] or ["- none recorded"]
    lines += ["", "## What the reviews say", ""]
    for q in b.quotes:
        lines += [f"> {q['text']}", ">", f"> ({_cite(q)})", ""]
    lines += ["## Case reviews referenced", ""]
    for r in b.references:
        pages = f" (pp. {', '.join(map(str, r['pages']))})" if r["pages"] else ""
        lines.append(f"- {r['board']}: {r['child'] or 'review'}, {r['year'] or 'n.d.'}, "
                     f"{r['doc_type'].replace('_', ' ')}{pages}. <{r['url']}>")
    return "\n".join(lines) + "\n"


def render_html(b: Briefing) -> str:
    e = html.escape
    co = "".join(f"<li>{e(label)}: {n} reviews</li>" for label, n in b.cooccurring)
    quotes = "".join(f"<blockquote><p>{e(q['text'])}</p><footer>{e(_cite(q))}</footer>"
                     "</blockquote>" for q in b.quotes)
    refs = "".join(
        f"<li>{e(r['board'])}: {e(r['child'] or 'review')}, {e(str(r['year'] or 'n.d.'))}, "
        f"{e(r['doc_type'].replace('_', ' '))} <a href=\"{e(r['url'])}\">{e(r['url'])}</a></li>"
        for r in b.references)
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{e(b.title)}</title><style>body{{font-family:sans-serif;max-width:48em;"
        "margin:2em auto;line-height:1.5}blockquote{border-left:4px solid #5b2c83;margin:1em 0;"
        "padding:.2em 1em;background:#f6f2fa}footer{font-size:.9em;color:#444}</style></head>"
        f"<body><h1>{e(b.title)}</h1><p><em>{e(b.scope)}</em></p><p>{e(b.definition)}</p>"
        f"<h2>Themes that recur alongside it</h2><ul>{co}</ul>"
        f"<h2>What the reviews say</h2>{quotes}<h2>Case reviews referenced</h2><ul>{refs}</ul>"
        "</body></html>\n"
    )


def render_docx(b: Briefing, path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading(b.title, 0)
    doc.add_paragraph(b.scope).italic = True
    doc.add_paragraph(b.definition)
    doc.add_heading("Themes that recur alongside it", 1)
    for label, n in b.cooccurring:
        doc.add_paragraph(f"{label}: {n} reviews", style="List Bullet")
    doc.add_heading("What the reviews say", 1)
    for q in b.quotes:
        doc.add_paragraph(q["text"], style="Intense Quote")
        doc.add_paragraph(f"({_cite(q)})")
    doc.add_heading("Case reviews referenced", 1)
    for r in b.references:
        doc.add_paragraph(f"{r['board']}: {r['child'] or 'review'}, {r['year'] or 'n.d.'}, "
                          f"{r['doc_type'].replace('_', ' ')}. {r['url']}", style="List Bullet")
    doc.save(str(path))


def _latin1(text: str) -> str:
    table = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
             "\u2014": "-", "\u2026": "..."}
    text = "".join(table.get(ch, ch) for ch in text)
    return text.encode("latin-1", "replace").decode("latin-1")


def render_pdf(b: Briefing, path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()

    def para(text: str, size: float, style: str = "", height: float = 5.5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    para(b.title, 18, "B", 9)
    para(b.scope, 10, "I")
    para(b.definition, 11)
    pdf.ln(3)
    para("Themes that recur alongside it", 13, "B", 8)
    for label, n in b.cooccurring:
        para(f"- {label}: {n} reviews", 10)
    pdf.ln(3)
    para("What the reviews say", 13, "B", 8)
    for q in b.quotes:
        para(f'"{q["text"]}"', 10, "I")
        para(f"({_cite(q)})", 9)
        pdf.ln(2)
    pdf.ln(3)
    para("Case reviews referenced", 13, "B", 8)
    for r in b.references:
        para(f"- {r['board']}: {r['child'] or 'review'}, {r['year'] or 'n.d.'}, "
             f"{r['doc_type'].replace('_', ' ')}. {r['url']}", 9)
    pdf.output(str(path))


def write_briefing(cat: Catalogue, theme_id: str, fmt: str, output: Path) -> Path:
    """Compose the briefing for ``theme_id`` and write it to ``output`` in ``fmt``."""
    brief = compose(cat, theme_id)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "md":
        output.write_text(render_markdown(brief), encoding="utf-8")
    elif fmt == "html":
        output.write_text(render_html(brief), encoding="utf-8")
    elif fmt == "docx":
        render_docx(brief, output)
    elif fmt == "pdf":
        render_pdf(brief, output)
    else:
        raise AtlasError(f"unknown format {fmt!r}: use md, html, docx or pdf")
    return output
