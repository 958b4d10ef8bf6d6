"""Render a briefing (analysis/docmodel.Doc) as Markdown, HTML, Word or PDF: one content.

- Markdown: headings, paragraphs, bullets, block quotes with their source; a chart becomes a
  small table of its values (Markdown has no portable inline image).
- HTML: one self-contained file, print-friendly, charts as inline SVG (analysis/charts.py).
- Word (python-docx): built-in heading, list and quote styles; charts as PNG pictures.
- PDF (fpdf2): DejaVu Sans when the machine has it (any Unicode text), else Helvetica with the
  text folded to Latin-1; charts as PNG pictures; tables as fpdf2 tables.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

from analysis.docmodel import Bullets, Chart, Doc, Paragraph, Quote, Table
from ingest.errors import AtlasError

FORMATS = ("md", "html", "docx", "pdf")
ACCENT = "#5b2c83"
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def _flat(text: str) -> str:
    """A quotation on one line: the page's line breaks are layout, not words."""
    return " ".join(text.split())


def _even(table: Table) -> list[list[str]]:
    """The rows cut or padded to the header's width, each cell on one line."""
    n = len(table.header)
    return [[" ".join(str(c).split()) for c in (list(row) + [""] * n)[:n]] for row in table.rows]


def render_markdown(doc: Doc) -> str:
    out = [f"# {doc.title}", ""]
    if doc.scope:
        out += [f"*{doc.scope}*", ""]
    for section in doc.sections:
        out += [f"## {section.heading}", ""]
        for b in section.blocks:
            if isinstance(b, Paragraph):
                out += [f"*{b.text}*" if b.emphasis else b.text, ""]
            elif isinstance(b, Bullets):
                out += [f"- {item}" for item in b.items] + [""]
            elif isinstance(b, Quote):
                out += [f"> {_flat(b.text)}", ">", f"> \u2014 {b.source}", ""]
            elif isinstance(b, Chart):
                out += [f"**{b.title}**", "", f"| {b.unit} | |", "| --- | ---: |"]
                out += [f"| {label} | {value:g} |" for label, value in
                        zip(b.labels, b.values, strict=True)] + [""]
            elif isinstance(b, Table):
                out += ["| " + " | ".join(h.replace("|", "\\|") for h in b.header) + " |",
                        "|" + " --- |" * len(b.header)]
                out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                        for row in _even(b)] + [""]
    return "\n".join(out).rstrip() + "\n"


_CSS = f"""
body {{ font-family: "DejaVu Sans", Arial, sans-serif; max-width: 50em; margin: 2em auto;
  padding: 0 1em; line-height: 1.55; color: #222; }}
h1 {{ color: {ACCENT}; font-size: 1.9em; margin-bottom: .2em; }}
h2 {{ color: {ACCENT}; border-bottom: 2px solid #e4d9ee; padding-bottom: .15em;
  margin-top: 1.6em; }}
.scope {{ color: #555; font-style: italic; }}
blockquote {{ border-left: 4px solid {ACCENT}; margin: .8em 0; padding: .3em 1em;
  background: #f6f2fa; }}
blockquote p {{ margin: .2em 0; }}
blockquote footer {{ font-size: .88em; color: #555; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9em; }}
th, td {{ border: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }}
th {{ background: #f3eef8; }}
figure {{ margin: 1em 0; }}
@media print {{ body {{ margin: 0; max-width: none; }} }}
"""


def render_html(doc: Doc) -> str:
    from analysis.charts import chart_svg

    e = html.escape
    parts = [f"<h1>{e(doc.title)}</h1>"]
    if doc.scope:
        parts.append(f"<p class=\"scope\">{e(doc.scope)}</p>")
    for section in doc.sections:
        parts.append(f"<section><h2>{e(section.heading)}</h2>")
        for b in section.blocks:
            if isinstance(b, Paragraph):
                text = f"<em>{e(b.text)}</em>" if b.emphasis else e(b.text)
                parts.append(f"<p>{text}</p>")
            elif isinstance(b, Bullets):
                parts.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>")
            elif isinstance(b, Quote):
                source = e(b.source)
                if b.url and b.url.startswith(("http://", "https://")):
                    source = f"<a href=\"{e(b.url)}\">{source}</a>"
                parts.append(f"<blockquote><p>{e(_flat(b.text))}</p>"
                             f"<footer>\u2014 {source}</footer></blockquote>")
            elif isinstance(b, Chart):
                parts.append(f"<figure>{chart_svg(b)}</figure>")  # the SVG draws its title
            elif isinstance(b, Table):
                head = "".join(f"<th>{e(h)}</th>" for h in b.header)
                rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>"
                               for row in _even(b))
                parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
                             "</table>")
        parts.append("</section>")
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(doc.title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def render_docx(doc: Doc, path: Path) -> None:
    from docx import Document
    from docx.shared import Inches

    from analysis.charts import chart_png

    out = Document()
    out.add_heading(doc.title, 0)
    if doc.scope:
        out.add_paragraph().add_run(doc.scope).italic = True
    for section in doc.sections:
        out.add_heading(section.heading, 1)
        for b in section.blocks:
            if isinstance(b, Paragraph):
                out.add_paragraph().add_run(b.text).italic = b.emphasis
            elif isinstance(b, Bullets):
                for item in b.items:
                    out.add_paragraph(item, style="List Bullet")
            elif isinstance(b, Quote):
                out.add_paragraph(_flat(b.text), style="Intense Quote")
                out.add_paragraph(f"\u2014 {b.source}")
            elif isinstance(b, Chart):
                out.add_picture(io.BytesIO(chart_png(b)), width=Inches(6))  # title drawn in
            elif isinstance(b, Table):
                table = out.add_table(rows=1, cols=len(b.header))
                table.style = "Light Grid Accent 1"
                for cell, text in zip(table.rows[0].cells, b.header, strict=True):
                    cell.text = text
                for row in _even(b):
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.text = text
    out.save(str(path))


def _latin1(text: str) -> str:
    table = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
             "\u2014": "-", "\u2026": "..."}
    text = "".join(table.get(ch, ch) for ch in text)
    return text.encode("latin-1", "replace").decode("latin-1")


def _pdf_font(pdf: object) -> tuple[str, bool]:
    """(font family, unicode?): DejaVu Sans when installed, else the core Helvetica."""
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        italic = folder / "DejaVuSans-Oblique.ttf"
        if regular.exists() and bold.exists() and italic.exists():
            pdf.add_font("DejaVu", "", str(regular))  # type: ignore[attr-defined]
            pdf.add_font("DejaVu", "B", str(bold))  # type: ignore[attr-defined]
            pdf.add_font("DejaVu", "I", str(italic))  # type: ignore[attr-defined]
            return "DejaVu", True
    return "Helvetica", False


def render_pdf(doc: Doc, path: Path) -> None:
    from fpdf import FPDF

    from analysis.charts import chart_png

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(doc.title)
    family, unicode_ok = _pdf_font(pdf)
    fold = (lambda s: s) if unicode_ok else _latin1
    pdf.add_page()

    def para(text: str, size: float, style: str = "", height: float = 5.5,
             colour: tuple[int, int, int] = (34, 34, 34)) -> None:
        pdf.set_font(family, style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, height, fold(text), new_x="LMARGIN", new_y="NEXT", align="L")

    accent = (91, 44, 131)
    para(doc.title, 19, "B", 9, accent)
    if doc.scope:
        para(doc.scope, 10, "I", 5.5, (85, 85, 85))
    for section in doc.sections:
        if pdf.get_y() > pdf.h - 70:  # no heading alone at the foot of a page
            pdf.add_page()
        else:
            pdf.ln(3)
        para(section.heading, 13.5, "B", 8, accent)
        for b in section.blocks:
            if isinstance(b, Paragraph):
                para(b.text, 10.5, "I" if b.emphasis else "")
            elif isinstance(b, Bullets):
                for item in b.items:
                    para(f"\u2022 {item}" if unicode_ok else f"- {item}", 10)
            elif isinstance(b, Quote):
                pdf.set_x(pdf.l_margin + 4)
                pdf.set_font(family, "I", 10)
                pdf.set_text_color(34, 34, 34)
                pdf.multi_cell(0, 5.2, fold(f"\u201c{_flat(b.text)}\u201d"), align="L",
                               new_x="LMARGIN", new_y="NEXT")
                pdf.set_x(pdf.l_margin + 4)
                para(f"\u2014 {b.source}", 8.5, "", 4.8, (85, 85, 85))
                pdf.ln(1.5)
            elif isinstance(b, Chart):
                pdf.image(io.BytesIO(chart_png(b)), w=pdf.epw * 0.9)  # the title is drawn in
                pdf.ln(2)
            elif isinstance(b, Table):
                pdf.set_font(family, "", 8)
                pdf.set_text_color(34, 34, 34)
                rows = _even(b)
                widths = tuple(max(8, min(40, max(len(r[i]) for r in [b.header, *rows])))
                               for i in range(len(b.header)))  # wide text, wide column
                with pdf.table(first_row_as_headings=True, line_height=4.5, text_align="LEFT",
                               col_widths=widths) as table:
                    for row in [b.header, *rows]:
                        cells = table.row()
                        for text in row:
                            cells.cell(fold(text))
    pdf.output(str(path))


def write(doc: Doc, fmt: str, output: Path) -> Path:
    """Write ``doc`` to ``output`` in ``fmt`` (md, html, docx, pdf); returns the path."""
    output = Path(output)
    if fmt not in FORMATS:
        raise AtlasError(f"unknown format {fmt!r}: use {', '.join(FORMATS)}")
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "md":
        output.write_text(render_markdown(doc), encoding="utf-8")
    elif fmt == "html":
        output.write_text(render_html(doc), encoding="utf-8")
    elif fmt == "docx":
        render_docx(doc, output)
    else:
        render_pdf(doc, output)
    return output
