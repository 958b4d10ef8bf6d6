"""Search the page index: report-level hits with their best page, facets, paging and sorting.

``find`` is the one entry point the CLI, the explorer and the evaluation use:

- the query goes through :func:`index.query.prepare_query` (repairs with a warning, exact
  phrases, synonyms, field aliases); a query that still cannot be read raises ``QueryError``;
- the backend (:mod:`index.backend`) returns every matching report with its number of matching
  pages (``matching``): the total, the facet counts (year, board, region, nation, review type,
  document type, theme; each counts *reports*) and date order come from that set and the
  indexed report fields (``reports.json``, see :mod:`index.build`), so they are exact, not
  estimated from a top-k;
- hits are report-level: the best page first (with a highlighted snippet and its page number),
  the other matching pages listed; ``sort`` is relevance (the best page's score) or date;
  ``offset``/``limit`` page through them;
- did-you-mean: when fewer than ``SUGGEST_BELOW`` reports match, misspelt words are corrected
  against the index's unstemmed vocabulary (:mod:`index.suggest`).

``more_like_this`` finds reports whose text shares a report's most distinctive words.
``search`` is the older, smaller call (hits and warning only), kept for callers that need no
more.
"""

from __future__ import annotations

import html
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index import backend as _backend
from index.backend import FILTER_FIELDS, MARK_CLOSE, MARK_OPEN, PageHit, SearchBackend
from index.build import REPORTS_FILE, build_index, index_dir
from index.query import ALIASES, ParsedQuery, prepare_query
from ingest.catalogue import Catalogue
from ingest.errors import QueryError

__all__ = ["FACETS", "SORTS", "SearchResult", "build_index", "find", "index_dir",
           "more_like_this", "prepare_query", "ParsedQuery", "search"]

log = logging.getLogger(__name__)

FACETS = ("year", "board", "region", "nation", "review_type", "doc_type", "themes")
SORTS = ("relevance", "newest", "oldest")
SUGGEST_BELOW = 5  # did-you-mean is computed when fewer reports than this match
_PAGES_PER_REPORT = 20  # page hits fetched per report wanted, before widening
_STOP = frozenset(("that", "this", "with", "from", "were", "which", "they", "have", "been",
                   "their", "there", "would", "when", "also", "about", "what", "could", "more",
                   "other", "into", "than", "them", "then", "these", "those", "such", "should",
                   "where", "while", "after", "before", "being", "does", "during", "each",
                   "over", "some", "only", "very", "will", "your", "time"))


@dataclass
class SearchResult:
    """One page of report-level hits, with what a results page shows around them."""

    hits: list[dict[str, Any]]
    total: int  # reports matching
    matching_pages: int  # pages matching, over all reports
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    warning: str | None = None  # a repaired query, in one line
    suggestion: str | None = None  # did you mean ...
    searched: str = ""  # the query as searched (after synonyms and aliases)
    offset: int = 0
    limit: int = 20
    sort: str = "relevance"

    def as_json(self) -> dict[str, Any]:
        hits = [{k: v for k, v in h.items() if k != "snippet_html"} for h in self.hits]
        return {"query": self.searched, "total": self.total,
                "matching_pages": self.matching_pages, "offset": self.offset,
                "limit": self.limit, "sort": self.sort, "warning": self.warning,
                "suggestion": self.suggestion, "facets": self.facets, "hits": hits}


# -- cached per index version -------------------------------------------------------------------
_CACHE: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}


def _stamp(be: SearchBackend) -> tuple[int, int]:
    st = (be.where / REPORTS_FILE).stat()
    return st.st_ino, st.st_mtime_ns


def _cached(be: SearchBackend, what: str, make: Any) -> Any:
    key = (str(be.where), what)
    try:
        stamp = _stamp(be)
    except FileNotFoundError:
        return make()
    hit = _CACHE.get(key)
    if hit and hit[0] == stamp:
        return hit[1]
    value = make()
    _CACHE[key] = (stamp, value)
    return value


def _reports(be: SearchBackend) -> dict[str, dict[str, Any]]:
    def load() -> dict[str, dict[str, Any]]:
        try:
            return json.loads((be.where / REPORTS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    return _cached(be, "reports", load)


def _vocabulary(be: SearchBackend) -> dict[str, int]:
    return _cached(be, "vocabulary", be.vocabulary)


def _speller(be: SearchBackend) -> Any:
    from index.suggest import Speller

    return _cached(be, "speller", lambda: Speller(_vocabulary(be)))


# -- filters -----------------------------------------------------------------------------------
def _year(value: object) -> object:
    if isinstance(value, str):
        lo, sep, hi = value.partition("..")
        try:  # an unknown year is indexed as 0: an open start must not take it in
            return (int(lo) if lo else 1, int(hi) if hi else None) if sep else int(lo)
        except ValueError as exc:
            raise QueryError(f"year wants YEAR or FROM..TO, not {value!r}") from exc
    if isinstance(value, list | tuple) and len(value) == 2 and all(
            isinstance(v, int | None) for v in value):
        return (value[0] if value[0] is not None else 1, value[1])
    return value


def clean_filters(filters: Mapping[str, object] | None) -> dict[str, object]:
    """Filters with aliases resolved and empty values dropped; unknown fields are an error."""
    out: dict[str, object] = {}
    for key, value in (filters or {}).items():
        if value is None or value == "" or value == [] or value == ():
            continue
        name = ALIASES.get(key, key)
        if name not in FILTER_FIELDS:
            raise QueryError(f"cannot filter on {key!r}: use one of {', '.join(FILTER_FIELDS)}")
        out[name] = _year(value) if name == "year" else value
    return out


# -- hits --------------------------------------------------------------------------------------
def _mark(fragment: str) -> tuple[str, str]:
    """(markdown-ish snippet with **matches**, HTML-escaped snippet with <mark>matches</mark>)."""
    plain = fragment.replace(MARK_OPEN, "**").replace(MARK_CLOSE, "**")
    safe = html.escape(fragment).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    return plain, safe


def _hit(hit: PageHit, text: str, report: dict[str, Any], matches: int, data: Path
         ) -> dict[str, Any]:
    page = hit.page or None
    snippet, snippet_html = _mark((hit.fragment or text[:200]).replace("\n", " "))
    sha = report.get("sha256") or ""
    archived = Path(data) / "blobs" / sha[:2] / sha[2:4] / sha if sha else None
    return {
        "id": hit.doc_id, "url": hit.url, "title": hit.title, "page": page,
        "score": round(hit.score, 4), "snippet": snippet, "snippet_html": snippet_html,
        "board": hit.board, "region": report.get("region") or "",
        "nation": report.get("nation") or "", "year": hit.year or None,
        "month": report.get("month"), "doc_type": hit.doc_type,
        "review_type": hit.review_type, "child": hit.child, "themes": hit.themes,
        "case": hit.case or None, "withdrawn": hit.withdrawn,
        "archived": str(archived) if archived and archived.exists() else None,
        "pages": [page] if page else [], "matching_pages": matches,
    }


def _group(be: SearchBackend, cat: Catalogue, data: Path, query: str,
           filters: dict[str, object], budget: int, window: range | None,
           matches: dict[str, int], reports: dict[str, dict[str, Any]], snippets: bool
           ) -> tuple[dict[str, dict[str, Any]], int]:
    """Up to ``budget`` page hits grouped into report hits, in order; and the page hits seen.

    Reports past the end of ``window`` (positions in report order; None: all) are not kept;
    those in it get a snippet of their best page.
    """
    order: dict[str, dict[str, Any]] = {}
    texts: dict[str, str] = {}
    stop = window.stop if window is not None else None

    def page_text(hit: PageHit) -> str | None:
        if not snippets or hit.doc_id in order:
            return None
        if window is not None and len(order) not in window:
            return None
        texts[hit.doc_id] = cat.page_text(hit.doc_id, hit.page or 1) or ""
        return texts[hit.doc_id]

    seen = 0
    for hit in be.search(query, filters, budget, page_text):
        seen += 1
        if hit.doc_id in order:
            rec = order[hit.doc_id]
            if hit.page and hit.page not in rec["pages"]:
                rec["pages"].append(hit.page)
            continue
        if stop is not None and len(order) >= stop:
            continue
        order[hit.doc_id] = _hit(hit, texts.pop(hit.doc_id, ""), reports.get(hit.doc_id, {}),
                                 matches.get(hit.doc_id, 0), data)
    return order, seen


def _collect(be: SearchBackend, cat: Catalogue, data: Path, query: str,
             filters: dict[str, object], wanted: list[str] | None, start: int, stop: int,
             matches: dict[str, int], reports: dict[str, dict[str, Any]],
             snippets: bool) -> list[dict[str, Any]]:
    """Report hits ``start:stop`` by relevance, or the reports ``wanted`` in that order."""
    if wanted is not None:
        order, _ = _group(be, cat, data, query, {**filters, "doc_id": wanted},
                          max(1, sum(matches.get(d, 0) for d in wanted)), None, matches,
                          reports, snippets)
        return [order[d] for d in wanted if d in order]
    if start >= len(matches):
        return []  # a page of results past the last one
    budget = max(200, stop * _PAGES_PER_REPORT)
    total_pages = sum(matches.values())
    while True:
        order, seen = _group(be, cat, data, query, filters, budget, range(start, stop),
                             matches, reports, snippets)
        if len(order) >= min(stop, len(matches)) or seen < budget or budget >= total_pages:
            return list(order.values())[start:stop]
        budget *= 4  # reports with many matching pages used the budget up: widen


def _facets(matches: dict[str, int], reports: dict[str, dict[str, Any]]
            ) -> dict[str, list[dict[str, Any]]]:
    counts: dict[str, Counter[Any]] = {f: Counter() for f in FACETS}
    for doc_id in matches:
        r = reports.get(doc_id)
        if r is None:
            continue
        for f in FACETS:
            value = r.get(f)
            if f == "themes":
                counts[f].update(value or [])
            elif value not in (None, ""):
                counts[f][value] += 1
    out = {}
    for f, c in counts.items():
        items = sorted(c.items(), key=(lambda kv: -kv[0]) if f == "year"
                       else (lambda kv: (-kv[1], str(kv[0]))))
        out[f] = [{"value": v, "count": n} for v, n in items]
    return out


def _date_order(matches: dict[str, int], reports: dict[str, dict[str, Any]], newest: bool
                ) -> list[str]:
    """Reports by publication date; those without a year last either way."""
    dated = [d for d in matches if (reports.get(d) or {}).get("year")]
    has_year = set(dated)
    undated = sorted(d for d in matches if d not in has_year)

    def key(d: str) -> tuple[int, int, str]:
        r = reports[d]
        return r["year"], r.get("month") or 0, d

    return sorted(dated, key=key, reverse=newest) + undated


def _suggestion(be: SearchBackend, parsed: ParsedQuery) -> str | None:
    try:
        return _speller(be).suggest(parsed.typed)
    except Exception as exc:  # did-you-mean is a nicety: never let it break a search
        log.warning("did-you-mean failed: %s", exc)
        return None


def page_marks(data: Path, query: str, text: str, *, synonyms: bool = True,
               backend: str | None = None) -> list[tuple[int, int]]:
    """Character spans of one page's ``text`` that ``query`` matches, as search marks them
    (empty for an unusable query, or with a backend that cannot mark whole pages)."""
    try:
        be = _backend.open_backend(data, backend)
        if not be.exists():
            return []
        return be.marks(prepare_query(query, synonyms=synonyms).text, text)
    except QueryError:
        return []


def find(cat: Catalogue, data: Path, query: str, *, filters: Mapping[str, object] | None = None,
         sort: str = "relevance", offset: int = 0, limit: int = 20, facets: bool = True,
         synonyms: bool = True, snippets: bool = True, backend: str | None = None
         ) -> SearchResult:
    """Search; see the module doc. Raises ``QueryError`` (one line) on an unusable query."""
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if limit < 1 or offset < 0:
        raise QueryError("limit must be at least 1 and offset at least 0")
    be = _backend.open_backend(data, backend)
    if not be.exists():
        raise QueryError(f"no index in {data}: run `scr build` or `scr index` first")
    parsed = prepare_query(query, synonyms=synonyms)
    wanted = clean_filters(filters)
    matches = be.matching(parsed.text, wanted)
    reports = _reports(be)
    stop = offset + limit
    if sort == "relevance":
        hits = _collect(be, cat, data, parsed.text, wanted, None, offset, stop, matches,
                        reports, snippets)
    else:
        window = _date_order(matches, reports, sort == "newest")[offset:stop]
        hits = _collect(be, cat, data, parsed.text, wanted, window, 0, len(window), matches,
                        reports, snippets) if window else []
    result = SearchResult(hits=hits, total=len(matches), matching_pages=sum(matches.values()),
                          facets=_facets(matches, reports) if facets else {},
                          warning=parsed.warning, searched=parsed.text, offset=offset,
                          limit=limit, sort=sort)
    if len(matches) < SUGGEST_BELOW:
        result.suggestion = _suggestion(be, parsed)
    return result


def search(cat: Catalogue, data: Path, query: str, limit: int = 20,
           filters: Mapping[str, object] | None = None,
           backend: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Report-level hits, best first, and the repair warning (``find`` without the rest)."""
    result = find(cat, data, query, filters=filters, limit=limit, facets=False, backend=backend)
    return result.hits, result.warning


# -- more like this ----------------------------------------------------------------------------
def distinctive_terms(text: str, vocabulary: Mapping[str, int], pages: int, n: int = 25
                      ) -> list[str]:
    """The ``n`` words of ``text`` with the highest tf-idf against the index's page counts.

    Words on fewer than two pages of the index (only this report's) or on more than a fifth
    of all pages (common words) are left out.
    """
    tf = Counter(w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP)
    scored = []
    for word, count in tf.items():
        df = vocabulary.get(word, 0)
        if df < 2 or df > pages / 5:
            continue
        scored.append((count * math.log(pages / df), word))
    scored.sort(key=lambda sw: (-sw[0], sw[1]))
    return [w for _, w in scored[:n]]


def more_like_this(cat: Catalogue, data: Path, doc_id: str, limit: int = 10,
                   filters: Mapping[str, object] | None = None, backend: str | None = None
                   ) -> SearchResult:
    """Reports sharing the most distinctive words of ``doc_id`` (not itself, not its case)."""
    be = _backend.open_backend(data, backend)
    if not be.exists():
        raise QueryError(f"no index in {data}: run `scr build` or `scr index` first")
    reports = _reports(be)
    if doc_id not in reports:
        raise QueryError(f"no indexed review document {doc_id!r}")
    case = reports[doc_id].get("case")
    same = {d for d, r in reports.items() if d == doc_id or (case and r.get("case") == case)}
    terms = distinctive_terms(" ".join(cat.page_texts(doc_id)), _vocabulary(be),
                              max(1, be.page_count()))
    if not terms:
        return SearchResult(hits=[], total=0, matching_pages=0, limit=limit)
    result = find(cat, data, " OR ".join(terms), filters=filters, limit=limit + len(same),
                  synonyms=False, facets=False, backend=backend)
    result.hits = [h for h in result.hits if h["id"] not in same][:limit]
    result.total = len(result.hits)  # the shown ones: every report shares some of the words
    result.limit = limit
    return result
