"""HTML rendering of documents published as web pages, and shared link helpers.

A review's executive summary or a 7-minute briefing can be a web page inside the site chrome;
so can minutes, newsletters and training flyers. Links to documents carry varied link texts
such as "Download (PDF, 1.2MB)" or "Read the report".
"""

from __future__ import annotations

import html
import logging
import random

from sampleweb.boards import DOCSTORE_KEY
from sampleweb.model import Content, Doc
from sampleweb.wording import month_name

logger = logging.getLogger(__name__)

esc = html.escape


def size_text(n: int) -> str:
    """'1.2MB' or '640KB'."""
    if n >= 1_000_000:
        return f"{n / 1_048_576:.1f}MB"
    return f"{max(1, round(n / 1024))}KB"


def href(doc: Doc) -> str:
    """The link to a document as written in a page of its board's site."""
    target = doc.link_path or doc.path
    if doc.host == DOCSTORE_KEY:
        return "{{host:" + DOCSTORE_KEY + "}}" + target
    return target


def file_note(doc: Doc) -> str:
    """' (PDF, 1.2MB)' for PDFs, '' for web pages."""
    if doc.format != "pdf":
        return ""
    return f" (PDF, {size_text(len(doc.data))})" if doc.data else " (PDF)"


def link(doc: Doc, rng: random.Random, text: str | None = None) -> str:
    """An anchor to a document with a varied link text."""
    if text is None:
        read = ("Read the report" if doc.doc_type == "full_report"
                else f"Read the {doc.label.lower()}")
        choices = [f"{doc.label}{file_note(doc)}", f"Download{file_note(doc)}", read,
                   f"{doc.title}{file_note(doc)}"]
        if doc.format == "html":
            choices = [doc.label, "Read online", doc.title]
        text = rng.choice(choices)
    title = f' title="{esc(doc.title)}"' if rng.random() < 0.3 else ""
    return f'<a href="{esc(href(doc))}"{title}>{esc(text)}</a>'


def pub_date(doc: Doc, rng: random.Random) -> str:
    """A display date: '12 March 2017', 'March 2017' or '12/03/2017'."""
    return rng.choice((f"{doc.day} {month_name(doc.month)} {doc.year}",
                       f"{month_name(doc.month)} {doc.year}",
                       f"{doc.day:02d}/{doc.month:02d}/{doc.year}"))


def content_html(doc: Doc, content: Content) -> str:
    """Main-content HTML of a document published as a web page."""
    out = [f"<h1>{esc(doc.title)}</h1>"]
    for line in content.cover_lines:
        out.append(f'<p class="meta">{esc(line)}</p>')
    for section in content.sections:
        out.append(f"<h2>{esc(section.heading)}</h2>")
        for block in section.blocks:
            if block.kind == "p":
                out.append(f"<p>{esc(block.text)}</p>")
            elif block.kind in ("bullets", "numbered"):
                tag = "ol" if block.kind == "numbered" else "ul"
                items = "".join(f"<li>{esc(i)}</li>" for i in block.items)
                out.append(f"<{tag}>{items}</{tag}>")
            elif block.kind == "glossary":
                pairs = [i.split(":", 1) if ":" in i else [i, ""] for i in block.items]
                items = "".join(f"<dt>{esc(a.strip())}</dt><dd>{esc(b.strip())}</dd>"
                                for a, b in pairs)
                out.append(f"<dl>{items}</dl>")
            elif block.kind == "table":
                head = "".join(f"<th>{esc(c)}</th>" for c in block.rows[0])
                body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>"
                               for r in block.rows[1:])
                out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return "\n".join(out)
