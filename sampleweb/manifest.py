"""Build the sample web's manifest (the evaluation ground truth) and check its known items.

Besides where each document lives and what it is, a document entry records facts a perfect
reader gets from its text:

- ``duplicate_of``: for a near-duplicate copy republished on another host (see
  :mod:`sampleweb.mirrors`), the id of the original; else null. A copy's other fields equal the
  original's, except host, path, pages, ``listed_by``, ``known_item`` (null: the copy's
  known-item sentence has its invented name redacted) and the recommendation pages.
- ``listed_by``: the board (host key) whose review listing links the document: its own board,
  or for a copy the neighbouring board that republishes it.
- ``age_stated``, ``gender_stated``, ``outcome_stated``: whether the document's own text (not
  its listing) states the child's age, sex ("girl", "boy", or the child's pronouns) and death
  or serious harm; false for distractors.
- ``age_stated_months``: the age a perfect reader gets from the text: exact months under 24
  months, whole years times 12 from two years ("four-year-old"); null when not stated.
- ``recommendations``: the numbered list under a "Recommendations" or "Improving systems and
  practice" heading (full reports and executive summaries), as ``{"number", "text", "page"}``:
  the text as composed (placeholders filled), the 1-based PDF page on which the item starts
  (null for web pages); [] for documents without such a list (briefings' "What you should
  do" bullets are not recommendations).
- ``recommendation_rows``: the recommendation column of "Recommendation | Response" tables
  (board responses) and action plans, in order; [] otherwise.

These are recorded for every document whatever its ``expected_status``.
"""

from __future__ import annotations

import logging
import re

from sampleweb.boards import DOCSTORE_KEY, Board, board_by_key
from sampleweb.compose import RECOMMENDATION_HEADINGS
from sampleweb.model import Content, Doc
from sampleweb.sites import SiteOut

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z0-9]+")


def stated_age_months(age_months: int) -> int:
    """The age a perfect reader gets from the text: exact months under two, else whole years
    (the text says 'four-year-old' or 'four years old')."""
    return age_months if age_months < 24 else age_months // 12 * 12


def recommendations(doc: Doc) -> list[dict]:
    """The numbered recommendations of a document: number, text as composed, start page."""
    assert doc.content is not None
    out = []
    for s_no, section in enumerate(doc.content.sections):
        if section.heading not in RECOMMENDATION_HEADINGS:
            continue
        for b_no, block in enumerate(section.blocks):
            if block.kind != "numbered":
                continue
            for i, item in enumerate(block.items):
                page = doc.item_pages[(s_no, b_no, i)] if doc.format == "pdf" else None
                out.append({"number": i + 1, "text": item, "page": page})
    return out


def recommendation_rows(content: Content) -> list[str]:
    """The recommendation column of board-response tables and action plans."""
    return [row[0] for section in content.sections for block in section.blocks
            if block.kind == "table" and block.rows and block.rows[0][0] == "Recommendation"
            for row in block.rows[1:]]


def doc_entry(doc: Doc) -> dict:
    """The manifest record of one document."""
    case, content = doc.case, doc.content
    assert content is not None
    known = None
    if doc.is_review and doc.status == "ok" and content.known_phrase:
        known = {"phrase": content.known_phrase, "page": doc.known_page}
    age_stated = case is not None and "age" in content.stated
    return {
        "id": doc.id, "host": doc.host, "path": doc.path, "is_review": doc.is_review,
        "board": board_by_key(doc.board_key).name, "year": doc.year, "month": doc.month,
        "doc_type": doc.doc_type, "review_type": doc.review_type, "kind": doc.kind,
        "child": case.pseudonym if case else None, "case": case.key if case else None,
        "age_months": case.age_months if case else None,
        "gender": case.gender if case else None, "outcome": case.outcome if case else None,
        "themes": sorted(content.themes), "planted_themes": sorted(content.planted),
        "negated_themes": sorted(content.negated),
        "confuser_themes": sorted(content.confusers), "format": doc.format,
        "theme_passages": {t: sorted(ids) for t, ids in sorted(content.passages.items())},
        "held_out": bool(case and case.held_out),
        "pages": doc.pages if doc.format == "pdf" else None, "title": doc.title,
        "expected_status": doc.status, "discoverable": doc.discoverable,
        "robots_disallowed": doc.robots_disallowed, "known_item": known,
        "date_source": doc.date_source, "linked_as": doc.link_path or None,
        "review_ref": case.ref or None if case else None,
        "duplicate_of": doc.duplicate_of, "listed_by": doc.lister,
        "age_stated": age_stated,
        "gender_stated": case is not None and "gender" in content.stated,
        "outcome_stated": case is not None and "outcome" in content.stated,
        "age_stated_months": stated_age_months(case.age_months) if case and age_stated
        else None,
        "recommendations": recommendations(doc),
        "recommendation_rows": recommendation_rows(content),
    }


def build_manifest(seed: int, small: bool, boards: list[Board], docs: list[Doc],
                   sites: dict[str, SiteOut], notes: dict[str, list[dict]], *,
                   docstore_name: str, version: int) -> dict:
    """The whole manifest as a JSON-ready dict."""
    hosts: dict[str, dict] = {}
    for board in boards:
        uses_store = any(d.host == DOCSTORE_KEY and d.lister == board.key for d in docs)
        hosts[board.key] = {
            "kind": "board", "name": board.name, "nation": board.nation,
            "region": board.region, "seed_path": board.seed_path,
            "allow": [DOCSTORE_KEY] if uses_store else [], "shape": board.shape,
            "has_robots": "robots.txt" in sites[board.key].files,
        }
    if DOCSTORE_KEY in sites:
        hosts[DOCSTORE_KEY] = {"kind": "docstore", "name": docstore_name}
    special: dict[str, list[dict]] = {"redirect": [], "dead": [], "fail_once": [],
                                      "no_extension": [], "disallowed": [], "alias": []}
    for site in sites.values():
        for key, entries in site.special.items():
            special.setdefault(key, []).extend(entries)
    for key, entries in notes.items():
        special.setdefault(key, []).extend(entries)
    for key in special:
        special[key].sort(key=lambda e: (e["host"], e["path"] if "path" in e else e["from"]))
    pages = sorted(({**p, "robots_disallowed": any(p["path"].startswith(rule) for rule in
                                                   sites[p["host"]].disallow)}
                    for s in sites.values() for p in s.pages),
                   key=lambda p: (p["host"], p["path"]))
    return {
        "generator_version": version, "seed": seed, "small": small, "hosts": hosts,
        "documents": [doc_entry(d) for d in sorted(docs, key=lambda d: (d.host, d.path))],
        "pages": pages, "special": special,
        "robots": {k: s.disallow for k, s in sorted(sites.items())},
    }


def check_known_items(docs: list[Doc], sites: dict[str, SiteOut]) -> None:
    """Fail loudly if a known-item phrase is missing from its document or occurs elsewhere
    (a near-duplicate copy included: its known-item sentence is redacted)."""
    texts: dict[str, str] = {}
    doc_pages = {(d.host, d.path) for d in docs}
    for doc in docs:
        assert doc.content is not None
        texts[doc.id] = doc.content.plain_text()
    for site in sites.values():
        for path, text in site.html.items():
            if (site.host, path) not in doc_pages:
                texts[f"page:{site.host}{path}"] = text
    postings: dict[str, set[str]] = {}
    for key, text in texts.items():
        for word in set(_WORD.findall(text.lower())):
            postings.setdefault(word, set()).add(key)
    for doc in docs:
        phrase = doc.content.known_phrase if doc.content else None
        if not phrase or doc.status != "ok":
            continue
        candidates = set.intersection(*(postings.get(w, set())
                                        for w in _WORD.findall(phrase.lower())))
        holders = sorted(key for key in candidates if phrase in texts[key])
        if holders != [doc.id]:
            raise RuntimeError(f"known-item phrase {phrase!r} of {doc.id} found in {holders}")
        if doc.format == "pdf" and not doc.known_page:
            raise RuntimeError(f"known-item page of {doc.id} unknown")
