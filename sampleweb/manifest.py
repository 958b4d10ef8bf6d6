"""Build the sample web's manifest (the evaluation ground truth) and check its known items."""

from __future__ import annotations

import logging
import re

from sampleweb.boards import DOCSTORE_KEY, Board, board_by_key
from sampleweb.model import Doc
from sampleweb.sites import SiteOut

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z0-9]+")


def doc_entry(doc: Doc) -> dict:
    """The manifest record of one document."""
    case, content = doc.case, doc.content
    assert content is not None
    known = None
    if doc.is_review and doc.status == "ok" and content.known_phrase:
        known = {"phrase": content.known_phrase, "page": doc.known_page}
    return {
        "id": doc.id, "host": doc.host, "path": doc.path, "is_review": doc.is_review,
        "board": board_by_key(doc.board_key).name, "year": doc.year, "month": doc.month,
        "doc_type": doc.doc_type, "review_type": doc.review_type, "kind": doc.kind,
        "child": case.pseudonym if case else None, "case": case.key if case else None,
        "age_months": case.age_months if case else None,
        "gender": case.gender if case else None, "outcome": case.outcome if case else None,
        "themes": sorted(content.themes), "negated_themes": sorted(content.negated),
        "confuser_themes": sorted(content.confusers), "format": doc.format,
        "pages": doc.pages if doc.format == "pdf" else None, "title": doc.title,
        "expected_status": doc.status, "discoverable": doc.discoverable,
        "robots_disallowed": doc.robots_disallowed, "known_item": known,
        "date_source": doc.date_source, "linked_as": doc.link_path or None,
        "review_ref": case.ref or None if case else None,
    }


def build_manifest(seed: int, small: bool, boards: list[Board], docs: list[Doc],
                   sites: dict[str, SiteOut], notes: dict[str, list[dict]], *,
                   docstore_name: str, version: int) -> dict:
    """The whole manifest as a JSON-ready dict."""
    hosts: dict[str, dict] = {}
    for board in boards:
        uses_store = any(d.host == DOCSTORE_KEY and d.board_key == board.key for d in docs)
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
    """Fail loudly if a known-item phrase is missing from its document or occurs elsewhere."""
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
