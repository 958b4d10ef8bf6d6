"""The full-text index (whoosh): one entry per page of every case-review document.

Each entry carries its report's fields (title, board, nation, region, year, document and review
type, child, themes) so a hit can say which page matched and be filtered by facet. The index is
updated incrementally: a document is (re)indexed when its fingerprint (metadata, themes and
extraction) changed since the last run, and removed when it is no longer a listed review. It can
be rebuilt from the catalogue at any time (``rebuild=True``).

Query syntax is whoosh's (words, "phrases", AND/OR/NOT, parentheses, field:value, wildcards,
fuzzy~) plus ``year:2015..2019`` ranges and the aliases ``theme:`` and ``type:``.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.catalogue import Catalogue
from ingest.errors import QueryError

log = logging.getLogger(__name__)

INDEX_VERSION = 1
_ALIASES = {"theme": "themes", "type": "review_type", "doctype": "doc_type", "doc": "doc_type"}
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"


def _schema():  # noqa: ANN202 - whoosh types are untyped
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

    stem = StemmingAnalyzer()
    return Schema(
        pid=ID(unique=True, stored=True), doc_id=ID(stored=True), page=NUMERIC(stored=True),
        content=TEXT(analyzer=stem, phrase=True), title=TEXT(analyzer=stem, stored=True),
        board=ID(stored=True), nation=ID(stored=True), region=ID(stored=True),
        year=NUMERIC(stored=True), doc_type=ID(stored=True), review_type=ID(stored=True),
        child=TEXT(stored=True), themes=KEYWORD(commas=True, stored=True, lowercase=True),
        url=STORED(),
    )


def _fingerprint(report: dict, themes: list[str]) -> str:
    keys = ("title", "board", "nation", "region", "year", "doc_type", "review_type", "child",
            "sha256", "url", "status", "pages")
    blob = json.dumps([[report.get(k) for k in keys], themes, INDEX_VERSION], default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def index_dir(data: Path) -> Path:
    return Path(data) / "index"


def build_index(cat: Catalogue, data: Path, rebuild: bool = False) -> Counter[str]:
    """Bring the index in line with the catalogue; returns counts (added, removed, unchanged)."""
    from whoosh import index as windex

    where = index_dir(data)
    state = cat.get_json("index_state") or {}
    if rebuild or not windex.exists_in(where) or state.get("_version") != INDEX_VERSION:
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        windex.create_in(where, _schema())
        state = {"_version": INDEX_VERSION}
    ix = windex.open_dir(where)
    theme_map = cat.theme_map()
    reports = {r["id"]: r for r in cat.reports() if r["status"] == "ok"}
    counts: Counter[str] = Counter()
    wanted = {doc_id: _fingerprint(r, theme_map.get(doc_id, [])) for doc_id, r in reports.items()}
    stale = [d for d in state if d != "_version" and state[d] != wanted.get(d)]
    new = [d for d, fp in wanted.items() if state.get(d) != fp]
    if not stale and not new:
        return Counter(unchanged=len(wanted))
    writer = ix.writer(limitmb=256)
    try:
        for doc_id in stale:
            writer.delete_by_term("doc_id", doc_id)
            state.pop(doc_id, None)
            counts["removed"] += 1
        for doc_id in new:
            r = reports[doc_id]
            themes = ",".join(theme_map.get(doc_id, []))
            for page_no, text in enumerate(cat.page_texts(doc_id), 1):
                writer.add_document(
                    pid=f"{doc_id}:{page_no}", doc_id=doc_id, page=page_no if r["paged"] else 0,
                    content=text, title=r["title"] or "", board=r["board"] or "",
                    nation=r["nation"] or "", region=r["region"] or "", year=r["year"] or 0,
                    doc_type=r["doc_type"] or "", review_type=r["review_type"] or "",
                    child=r["child"] or "", themes=themes, url=r["url"],
                )
            state[doc_id] = wanted[doc_id]
            counts["indexed"] += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    cat.put_json("index_state", state)
    counts["unchanged"] = len(wanted) - counts["indexed"]
    log.info("index: %s", dict(counts))
    return counts


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as searched (after repairs)
    warning: str | None  # what was repaired, for a one-line message


def prepare_query(raw: str) -> ParsedQuery:
    """Rewrite ranges and aliases; repair unbalanced quotes and parentheses (with a warning)."""
    text = raw.strip()
    if not text:
        raise QueryError("empty query: give words, a \"phrase\" or field:value terms")
    warning = None
    if text.count('"') % 2:
        text = text[::-1].replace('"', "", 1)[::-1]
        warning = "unbalanced quote: the last \" was ignored"
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        text = text.replace("(", " ").replace(")", " ")
        warning = "unbalanced parentheses: they were ignored"
    text = re.sub(r"\b(\w+):(\d{4})\.\.(\d{4})\b", r"\1:[\2 TO \3]", text)
    text = re.sub(r"\b(\w+):", lambda m: _ALIASES.get(m.group(1).lower(), m.group(1)) + ":", text)
    return ParsedQuery(text, warning)


def _mark(fragment: str) -> tuple[str, str]:
    """(markdown-ish snippet with **matches**, HTML-escaped snippet with <mark>matches</mark>)."""
    plain = fragment.replace(_MARK_OPEN, "**").replace(_MARK_CLOSE, "**")
    safe = html.escape(fragment).replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>")
    return plain, safe


def search(cat: Catalogue, data: Path, query: str, limit: int = 20,
           filters: dict[str, object] | None = None) -> tuple[list[dict], str | None]:
    """Report-level hits, best first, each with its best page and other matching pages.

    Returns (hits, warning). ``filters`` maps field -> value (``year`` may be a (lo, hi) pair).
    """
    from whoosh import highlight, qparser
    from whoosh import index as windex
    from whoosh import query as wq

    where = index_dir(data)
    if not windex.exists_in(where):
        raise QueryError(f"no index in {data}: run `scr build` or `scr index` first")
    parsed = prepare_query(query)
    ix = windex.open_dir(where)
    parser = qparser.MultifieldParser(["content", "title"], ix.schema,
                                      fieldboosts={"title": 2.0})
    parser.add_plugin(qparser.FuzzyTermPlugin())
    try:
        q = parser.parse(parsed.text)
    except Exception as exc:  # whoosh raises many types for odd syntax
        raise QueryError(f"could not parse query {query!r}: {exc}") from exc
    clauses = []
    for key, value in (filters or {}).items():
        if value in (None, "", []):
            continue
        if key == "year" and isinstance(value, tuple | list):
            clauses.append(wq.NumericRange("year", value[0], value[1]))
        elif key == "themes":
            clauses.append(wq.Term("themes", str(value).lower()))
        else:
            clauses.append(wq.Term(key, value))
    if clauses:
        q = wq.And([q, *clauses])

    class _Marker(highlight.Formatter):
        def format_token(self, text, token, replace=False):  # noqa: ANN001, ANN202
            return _MARK_OPEN + highlight.get_text(text, token, replace) + _MARK_CLOSE

    hits_out: dict[str, dict] = {}
    with ix.searcher() as searcher:
        results = searcher.search(q, limit=max(limit * 20, 200))
        results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=80)
        results.formatter = _Marker()
        for hit in results:
            doc_id = hit["doc_id"]
            page = hit["page"] or None
            if doc_id in hits_out:
                if page and page not in hits_out[doc_id]["pages"]:
                    hits_out[doc_id]["pages"].append(page)
                continue
            if len(hits_out) >= limit:
                continue
            text = cat.page_text(doc_id, hit["page"] or 1) or ""
            fragment = hit.highlights("content", text=text, top=2) or text[:200]
            snippet, snippet_html = _mark(fragment.replace("\n", " "))
            hits_out[doc_id] = {
                "id": doc_id, "url": hit["url"], "title": hit["title"], "page": page,
                "score": round(float(hit.score), 4), "snippet": snippet,
                "snippet_html": snippet_html, "board": hit["board"], "year": hit["year"] or None,
                "doc_type": hit["doc_type"], "review_type": hit["review_type"],
                "child": hit["child"], "themes": [t for t in hit["themes"].split(",") if t],
                "pages": [page] if page else [],
            }
    return list(hits_out.values()), parsed.warning
