"""Decide where each document lives: host, URL path, file name and served Content-Type.

Each board has its own URL convention (``Board.url_style``), imitating common content
management systems: Umbraco media folders, WordPress upload folders with dates in them,
Jadu download links without a file extension, a council document store with spaces in
file names, and so on.
"""

from __future__ import annotations

import logging
import random
from urllib.parse import quote, unquote

from sampleweb.boards import DOCSTORE_KEY, Board
from sampleweb.model import Doc
from sampleweb.wording import capital_slug, slugify

logger = logging.getLogger(__name__)

HTML_TYPES = {".aspx": "text/html; charset=utf-8", ".php": "text/html; charset=utf-8"}


def page_file(path: str) -> tuple[str, str | None]:
    """(relative file, Content-Type override) for an HTML page or document at path."""
    clean = unquote(path.split("?", 1)[0]).lstrip("/")
    if clean == "" or clean.endswith("/"):
        return clean + "index.html", None
    last = clean.rsplit("/", 1)[-1]
    if "." in last:
        ext = "." + last.rsplit(".", 1)[-1].lower()
        return clean, HTML_TYPES.get(ext)
    return clean + "/index.html", None


def short_name(doc: Doc) -> str:
    """'SCR Child D Overview report': the base of a document's file name."""
    case = doc.case
    if case is None:
        return doc.title
    ident = case.ref if case.ref else case.pseudonym
    rt = {"SCR": "SCR", "LCSPR": "LCSPR", "CPR": "CPR", "other": "LLR"}[case.review_type]
    return f"{rt} {ident} {doc.label}"


def _pdf_path(board: Board, doc: Doc, rng: random.Random, ids: set[int]) -> str:
    return pdf_path(board, short_name(doc), doc.year, doc.month, rng, ids)


def pdf_path(board: Board, name: str, y: int, m: int, rng: random.Random,
             ids: set[int]) -> str:
    """A PDF's path on a board's site in its URL style (ids: numeric folder ids in use)."""
    def new_id(low: int, high: int) -> int:
        while True:
            n = rng.randint(low, high)
            if n not in ids:
                ids.add(n)
                return n

    if rng.random() < 0.25:
        name += rng.choice((" final", " FINAL", " v2", " published"))
    style = board.url_style
    if style == "umbraco":
        return f"/media/{new_id(1000, 9999)}/{slugify(name)}.pdf"
    if style == "assets":
        return f"/assets/documents/{slugify(name)}.pdf"
    if style == "docs":
        return f"/documents/case-reviews/{slugify(name)}.pdf"
    if style == "jadu":
        return f"/downloads/file/{new_id(1000, 9999)}/{slugify(name)}"
    if style == "plain":
        return f"/files/{capital_slug(name)}.pdf"
    if style == "drupal":
        return f"/sites/default/files/{y}-{m:02d}/{slugify(name)}.pdf"
    if style == "wp":
        return f"/wp-content/uploads/{y}/{m:02d}/{capital_slug(name)}.pdf"
    if style == "uploads":
        ext = ".PDF" if rng.random() < 0.3 else ".pdf"
        return f"/Uploads/Reviews/{capital_slug(name, '_')}{ext}"
    if style == "files":
        return f"/files/{new_id(100, 999)}/{capital_slug(name, '_')}.pdf"
    return f"/en/media/{new_id(1000, 9999)}/{slugify(name)}.pdf"


def _html_path(board: Board, doc: Doc) -> str:
    slug = slugify(doc.title)[:60].rstrip("-")
    case_slug = doc.case.key.split("-", 1)[1] if doc.case else slug
    seed = board.seed_path.rstrip("/")
    if not doc.is_review:
        base = {"minutes": "/about-us/minutes", "newsletter": "/news",
                "training_flyer": "/training"}.get(doc.kind or "", "/news")
        return ("/en" if board.welsh else "") + f"{base}/{slug}" + (
            "/" if board.chrome == "wordpress" else "")
    if board.chrome == "wordpress":
        return f"/{doc.year}/{doc.month:02d}/{doc.day:02d}/{slug}/"
    if board.key == "hollinsford":
        return f"{seed}/7-minute-briefings/{case_slug}.aspx"
    if board.welsh:
        return f"/en/learning-briefs/{case_slug}.html"
    if doc.doc_type == "executive_summary":
        return f"{seed}/{case_slug}/executive-summary"
    return f"{seed}/learning-briefings/{case_slug}"


def assign_paths(board: Board, docs: list[Doc], rng: random.Random) -> None:
    """Set host, path, file and Content-Type of every document of a board."""
    ids: set[int] = set()
    pdf_reviews = [d for d in docs if d.format == "pdf" and d.is_review
                   and not (d.case and d.case.archived)]
    on_store: set[str] = set()
    if "docstore" in board.features and pdf_reviews:
        share = 0.4 if board.key == "fenwickvale" else 0.15
        on_store = {d.id for d in pdf_reviews if rng.random() < share}
        on_store.add(pdf_reviews[-1].id)
    for doc in docs:
        doc.host = board.key
        if doc.format == "html":
            doc.path = _html_path(board, doc)
            doc.file_path, doc.content_type = page_file(doc.path)
            continue
        if doc.id in on_store:
            doc.host = DOCSTORE_KEY
            name = f"{short_name(doc)} {doc.year}.pdf".replace("/", "-")
            doc.path = f"/documents/s{rng.randint(10000, 99999)}/{quote(name)}"
        elif doc.case and doc.case.archived:
            doc.path = f"/media/{rng.randint(100, 999)}/{slugify(short_name(doc))}.pdf"
        else:
            doc.path = _pdf_path(board, doc, rng, ids)
        doc.file_path = unquote(doc.path).lstrip("/")
        if not doc.path.lower().endswith(".pdf"):
            doc.content_type = rng.choice(("application/octet-stream", "application/pdf"))
    _special_paths(board, docs, rng)
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        while (doc.host, doc.path) in seen:
            stem, dot, ext = doc.path.rpartition(".")
            doc.path = f"{stem}-2.{ext}" if dot and "/" not in ext else doc.path + "-2"
            doc.file_path = page_file(doc.path)[0] if doc.format == "html" else unquote(
                doc.path).lstrip("/")
        seen.add((doc.host, doc.path))


def _special_paths(board: Board, docs: list[Doc], rng: random.Random) -> None:
    archived = [d for d in docs if d.case and d.case.archived]
    if archived:
        # one archived document sits under the robots-disallowed /archive/ folder itself
        doc = archived[-1]
        doc.path = f"/archive/docs/{slugify(short_name(doc))}.pdf"
        doc.file_path = doc.path.lstrip("/")
    for feature, folder in (("robots_drafts", "/drafts/"), ("robots_private", "/private/")):
        if feature not in board.features:
            continue
        pool = [d for d in docs if d.is_review and d.format == "pdf" and d.host == board.key
                and d.status == "ok" and d.doc_type != "full_report"] or [
            d for d in docs if d.is_review and d.format == "pdf" and d.host == board.key]
        doc = pool[len(pool) // 2]
        doc.path = f"{folder}{slugify(short_name(doc))}-draft.pdf"
        doc.file_path = doc.path.lstrip("/")
        doc.content_type = None
    if "doc_redirect" in board.features:
        pool = [d for d in docs if d.is_review and d.format == "pdf" and d.host == board.key
                and not (d.case and d.case.archived) and d.path.startswith("/media/")]
        if pool:
            doc = pool[0]
            doc.link_path = f"/Documents/{capital_slug(short_name(doc))}.pdf"
