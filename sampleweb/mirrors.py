"""Near-duplicate copies of review reports republished on another host ("mirrors").

Real reports are often republished: the same review sits on its own board's site and on a
neighbouring partnership's site or a council document store, re-saved so that the bytes
differ (another PDF producer, creator and creation date, sometimes a "Republished with
permission of ..." line on the cover or a different running footer) while the text is the
same. Each mirror here copies one full report or executive summary (status ok, PDF) of a
board, is published by a neighbouring board (on its own host, or on the document store when
that board keeps its files there) and is linked from a "Reviews from neighbouring areas"
page that the board's review listing links to (with the publication date beside the link).

A mirror's manifest entry has ``duplicate_of`` set to its original's id and the original's
board, year, case, child, document and review type and themes. Its text is the original's
with one deliberate difference: in its known-item sentence the invented name is
"[redacted]" ("the [redacted] Parenting Pathway"), so that every known-item phrase still
occurs in exactly one document and known-item search stays unambiguous (a mirror has no
known item of its own). Dropping the sentence instead would renumber the paragraphs that
follow it in reports with numbered paragraphs, a much larger difference.
"""

from __future__ import annotations

import copy
import logging
import random
from urllib.parse import quote, unquote

from sampleweb.boards import DOCSTORE_KEY, Board
from sampleweb.model import Content, Doc
from sampleweb.pdfwrite import CREATORS, FOOTERS, PRODUCERS, render_pdf
from sampleweb.phrases import redact
from sampleweb.urls import pdf_path, short_name

logger = logging.getLogger(__name__)

# (board whose review is republished, neighbouring board whose site republishes it)
MIRROR_PAIRS = (
    ("northmoor", "fenwickvale"),
    ("fenwickvale", "northmoor"),
    ("wearholme", "calderbrook"),
    ("brackenhurst", "kingsbarrow"),
    ("eastwold", "hollinsford"),
    ("combeferrers", "eastwold"),
    ("glanmorfa", "cefneryr"),
)
_HIDDEN = ("/drafts/", "/private/", "/archive/")
MIN_PAGES_NEW_FOOTER = 5


def _candidates(docs: list[Doc], board_key: str) -> list[Doc]:
    """Reports of a board that a neighbour could republish (those dated on their cover or in
    their text when there are any), in a stable order."""
    pool = [d for d in docs if d.board_key == board_key and d.duplicate_of is None
            and d.doc_type in ("full_report", "executive_summary") and d.status == "ok"
            and d.format == "pdf" and d.case is not None and not d.case.archived
            and not d.path.startswith(_HIDDEN)]
    plain = [d for d in pool if d.date_source in ("cover", "text")]
    return sorted(plain or pool, key=lambda d: d.id)


def mirror_content(original: Content, lines: list[str]) -> Content:
    """The original's text with the invented name of its known-item sentence redacted, and
    extra cover lines."""
    content = copy.deepcopy(original)
    for section in content.sections:
        for block in section.blocks:
            if block.keep:
                block.text = redact(block.text)
    content.known_phrase = None
    content.cover_lines = content.cover_lines + lines
    return content


def mirror_style(style: dict[str, object], host: Board, rng: random.Random, *,
                 new_footer: bool = True) -> dict[str, object]:
    """The original's look, re-saved: other producer, creator and dates, and (when new_footer
    allows) sometimes another running footer."""
    out = dict(style)
    out["producer"] = rng.choice([p for p in PRODUCERS if p != style["producer"]])
    out["creator"] = rng.choice([c for c in CREATORS if c != style["creator"]])
    out["meta_title"] = rng.choice(("real", "word", "none"))
    out["meta_date"] = rng.choice(("later", "later", "none"))
    out["later_years"] = rng.randint(1, 4)
    roll = rng.random()
    if not new_footer:
        pass
    elif roll < 0.35:
        out["footer"] = f"Reproduced by {host.short} | Page {{n}}"
    elif roll < 0.7:
        out["footer"] = rng.choice([f for f in FOOTERS if f != style["footer"]])
    return out


def _place(mirror: Doc, original: Doc, origin: Board, host: Board, rng: random.Random,
           taken: set[tuple[str, str]]) -> None:
    """Host, path and file of a mirror, in the style of the site that republishes it."""
    name = f"{origin.short} {short_name(original)}"
    while (mirror.host, mirror.path) in taken or not mirror.path:
        if "docstore" in host.features:
            mirror.host = DOCSTORE_KEY
            label = f"{name} {original.year}.pdf".replace("/", "-")
            mirror.path = f"/documents/s{rng.randint(10000, 99999)}/{quote(label)}"
        else:
            mirror.host = host.key
            mirror.path = pdf_path(host, name, original.year, original.month, rng, set())
    taken.add((mirror.host, mirror.path))
    mirror.file_path = unquote(mirror.path).lstrip("/")
    if not mirror.path.lower().endswith(".pdf"):
        mirror.content_type = rng.choice(("application/octet-stream", "application/pdf"))


def plan_mirrors(boards: list[Board], docs: list[Doc], seed: int) -> list[Doc]:
    """Render the mirrors whose two boards are both in this web (docs are not changed)."""
    by_key = {b.key: b for b in boards}
    taken = {(d.host, d.path) for d in docs}
    mirrors: list[Doc] = []
    for origin_key, host_key in MIRROR_PAIRS:
        if origin_key not in by_key or host_key not in by_key:
            continue
        rng = random.Random(f"{seed}-mirror-{origin_key}-{host_key}")
        pool = _candidates(docs, origin_key)
        if not pool:
            logger.warning("%s: no report for %s to republish", origin_key, host_key)
            continue
        original = rng.choice(pool)
        origin, host = by_key[origin_key], by_key[host_key]
        assert original.content is not None
        lines = []
        if rng.random() < 0.6:
            lines.append(f"Republished with permission of {origin.name}")
        mirror = Doc(
            id=f"{original.id}-copy-{host_key}", board_key=original.board_key,
            doc_type=original.doc_type, title=original.title, year=original.year,
            month=original.month, day=original.day, case=original.case, format="pdf",
            date_source=original.date_source if original.date_source in ("cover", "text")
            else "listing", label=original.label, listed_by=host_key,
            duplicate_of=original.id, content=mirror_content(original.content, lines),
        )
        _place(mirror, original, origin, host, rng, taken)
        # a short report keeps its footer: on two or three pages a changed footer is not
        # recognisably a running line, and would be a large share of the text
        mirror.style = mirror_style(original.style, host, rng,
                                    new_footer=(original.pages or 0) >= MIN_PAGES_NEW_FOOTER)
        assert mirror.content is not None
        rendered = render_pdf(mirror, origin, mirror.content, mirror.style)
        mirror.data, mirror.pages, mirror.item_pages = (rendered.data, rendered.pages,
                                                        rendered.item_pages)
        if mirror.data == original.data:
            raise RuntimeError(f"mirror {mirror.id} has the same bytes as its original")
        mirrors.append(mirror)
        logger.debug("%s republished by %s at %s%s", original.id, host_key, mirror.host,
                     mirror.path)
    return mirrors

