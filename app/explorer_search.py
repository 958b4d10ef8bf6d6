"""The explorer's Search view: query, filters, sort, facets, did-you-mean and pages of hits.

It calls :func:`index.search.find`, the function behind ``scr search``, so both agree. Every
setting lives in the URL (q, board, region, nation, type, doctype, tagged, outcome, age,
withdrawn, years, sort, exact, p), so a search can be shared; facet values and did-you-mean are
plain links that set one parameter. Outcome and the child's age band are facts of the case, not
index fields: they narrow the search to the documents of the cases that have them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from analysis.trends import AGE_BANDS, UNKNOWN, age_band
from app.explorer_widgets import (
    cite,
    href,
    int_param,
    link,
    md,
    theme_labels,
    to_url,
    url_select,
    year_range,
)
from app.pipeline import open_catalogue
from index.search import SearchResult, find
from ingest.errors import AtlasError

PAGE_SIZE = 20
ALL = "(all)"
REVIEW_TYPES = ("SCR", "LCSPR", "CPR", "other")
DOC_TYPES = ("full_report", "executive_summary", "briefing", "board_response",
             "other_review_document")
SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
WITHDRAWN = {"include": "Include withdrawn", "exclude": "Exclude withdrawn",
             "only": "Only withdrawn"}
AGE_BAND_NAMES = [label for _, label in AGE_BANDS] + [UNKNOWN]
# facet -> (label, URL parameter that filters on it, or None)
FACETS = {"year": ("Year", None), "nation": ("Nation", "nation"), "region": ("Region", "region"),
          "board": ("Board", "board"),
          "review_type": ("Review type", "type"), "doc_type": ("Document type", "doctype"),
          "themes": ("Theme", "tagged")}
FACET_TOP = 8


FILTER_NAMES = {"board": "board", "region": "region", "nation": "nation",
                "review_type": "review type", "doc_type": "document type", "themes": "theme",
                "year": "publication year", "withdrawn": "withdrawn",
                "doc_id": "outcome or child's age"}
NO_DOCUMENT = "\x00none"  # a document id no document has


def _values(reports: list[dict], field: str) -> list[str]:
    return sorted({str(r[field]) for r in reports if r.get(field)})


def _case_fact_ids(reports: list[dict], outcome: str | None, band: str | None
                   ) -> list[str] | None:
    """The documents whose case has this outcome and age band (None: no such filter)."""
    if outcome is None and band is None:
        return None
    return [r["id"] for r in reports
            if (outcome is None or r.get("outcome") == outcome)
            and (band is None or age_band(r.get("age_months")) == band)]


def _facets(result: SearchResult, labels: dict[str, str]) -> None:
    st.markdown("**Matching reports by**")
    for name, (label, param) in FACETS.items():
        values = result.facets.get(name) or []
        if not values:
            continue
        lines = []
        for v in values[:FACET_TOP]:
            shown = labels.get(v["value"], v["value"]) if name == "themes" else v["value"]
            shown = md(str(shown).replace("_", " ") if name == "doc_type" else shown)
            if name == "year":  # the year slider takes a range
                target = href(years=f"{v['value']}-{v['value']}", p=None)
            else:
                target = href(**{param: str(v["value"]), "p": None}) if param else None
            lines.append(f"- [{shown}]({target}) {v['count']}" if target
                         else f"- {shown}: {v['count']}")
        more = len(values) - FACET_TOP
        with st.expander(f"{label} ({len(values)})", expanded=name in ("year", "region")):
            st.markdown("\n".join(lines) + (f"\n\n{more} more" if more > 0 else ""))


def _hit(h: dict[str, Any]) -> None:
    with st.container(border=True):
        st.markdown(f"**{md(h['title'] or h['url'])}**")
        page = f"**p. {h['page']}**" if h["page"] else "web page"
        st.caption(f"{page} · {md(h['board'])} · {h['year'] or 'n.d.'} · "
                   f"{md(h['review_type'])} · {md((h['doc_type'] or '').replace('_', ' '))}")
        # snippet_html is escaped in index.search; a <div> keeps markdown out of it.
        st.markdown(f"<div class='scr-snippet'>\u2026 {h['snippet_html']} \u2026</div>",
                    unsafe_allow_html=True)
        others = [p for p in h["pages"] if p != h["page"]]
        if others:
            extra = f" and {len(others) - 15} more" if len(others) > 15 else ""
            st.caption("Also matches on pages " + ", ".join(map(str, sorted(others)[:15]))
                       + extra)
        gone = " Withdrawn by its source; the archived copy is kept." if h["withdrawn"] else ""
        st.caption(f"Cite: {md(cite(h, h['page']))}. {link('source', h['url'])}.{gone}")
        if st.button("Open report", key=f"open-{h['id']}"):
            st.query_params.update({"view": "Report", "doc": h["id"],
                                    "page": str(h["page"] or 1)})
            st.rerun()


def _pager(result: SearchResult, page: int) -> None:
    last = max(1, -(-result.total // PAGE_SIZE))
    if last == 1:
        return
    left, mid, right = st.columns([1, 2, 1])
    if page > 1 and left.button("\u2190 Previous", key="prev-page"):
        st.query_params["p"] = str(page - 1)
        st.rerun()
    mid.caption(f"Page {page} of {last}")
    if page < last and right.button("Next \u2192", key="next-page"):
        st.query_params["p"] = str(page + 1)
        st.rerun()


def search_view(data: Path, reports: list[dict]) -> None:
    st.header("Search the case reviews")
    query = st.text_input("Query", value=st.query_params.get("q", ""), key="q",
                          placeholder='e.g. "safer sleep" AND neglect',
                          help='Words, "exact phrases", AND / OR / NOT, ( ), board:..., '
                               "year:2015..2019, theme:neglect, type:LCSPR, wildcards "
                               "(neglect*). Acronyms and synonyms are searched too (DV finds "
                               '"domestic abuse") unless "Exact words" is ticked.')
    st.caption('Try: "disguised compliance" AND neglect · "safer sleep" · '
               '"was not brought" · theme:domestic\\_abuse · sleep\\* · DV AND CAMHS')
    labels = theme_labels()
    c1, c2, c3, c4, c5 = st.columns(5)
    board = url_select(c1, "Board", [ALL, *_values(reports, "board")], "board")
    region = url_select(c2, "Region", [ALL, *_values(reports, "region")], "region")
    nation = url_select(c3, "Nation", [ALL, *_values(reports, "nation")], "nation")
    rtype = url_select(c4, "Review type", [ALL, *REVIEW_TYPES], "type")
    dtype = url_select(c5, "Document type", [ALL, *DOC_TYPES], "doctype",
                       format_func=lambda d: d.replace("_", " "))
    c6, c7, c8, c9 = st.columns([2, 1, 1, 1])
    theme = url_select(c6, "Theme", [ALL, *labels], "tagged",
                       format_func=lambda t: labels.get(t, t))
    outcome = url_select(c7, "Outcome", [ALL, *_values(reports, "outcome")], "outcome")
    band = url_select(c8, "Child's age", [ALL, *AGE_BAND_NAMES], "age")
    withdrawn = url_select(c9, "Withdrawn", list(WITHDRAWN), "withdrawn",
                           format_func=WITHDRAWN.get)
    years = year_range(st, sorted({r["year"] for r in reports if r["year"]}), "years")
    s1, s2 = st.columns([1, 3])
    sort = url_select(s1, "Sort by", list(SORTS), "sort", format_func=SORTS.get)
    exact = s2.checkbox("Exact words (no synonyms or acronyms)", key="exact",
                        value=st.query_params.get("exact") == "1")
    to_url("exact", "1" if exact else None)
    query = query.strip()
    to_url("q", query or None)
    if not query:
        st.info(f"{len(reports)} case-review documents. Type a query above to search them "
                "page by page; each result shows the best-matching page.")
        return
    filters: dict[str, Any] = {
        "board": None if board == ALL else board, "region": None if region == ALL else region,
        "nation": None if nation == ALL else nation,
        "review_type": None if rtype == ALL else rtype,
        "doc_type": None if dtype == ALL else dtype, "themes": None if theme == ALL else theme,
        "year": years,
        "withdrawn": None if withdrawn == "include" else withdrawn == "only",
        # outcome and age band are facts of the case, not indexed: narrow to its documents
        "doc_id": _case_fact_ids(reports, None if outcome == ALL else outcome,
                                 None if band == ALL else band)}
    page = max(1, int_param(st.query_params.get("p"), 1))
    if filters["doc_id"] == []:  # no document has that outcome or age band
        filters["doc_id"] = [NO_DOCUMENT]
    try:
        with open_catalogue(data) as cat:
            result = find(cat, data, query, filters=filters, sort=sort,
                          offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, synonyms=not exact)
    except AtlasError as exc:
        st.error(str(exc))
        return
    if result.warning:
        st.warning(f"Query repaired: {result.warning}.")
    if result.suggestion:
        st.info(f"Did you mean [{md(result.suggestion)}]({href(q=result.suggestion, p=None)})?")
    if not result.total:
        active = [FILTER_NAMES[f] for f, v in filters.items() if v is not None]
        hint = (" Filters narrow the search (" + ", ".join(active) + "): try widening them."
                if active else "")
        st.info(f"No case-review documents match \u201c{md(query)}\u201d.{hint} Try fewer words, a "
                "wildcard (sleep*) or OR between alternatives.")
        return
    results, side = st.columns([3, 1], gap="large")
    with side:
        _facets(result, labels)
    with results:
        first = result.offset + 1
        st.markdown(f"**{result.total}** documents match ({result.matching_pages} pages); "
                    f"showing {first}\u2013{result.offset + len(result.hits)}.")
        if not result.hits:
            st.info(f"Page {page} is past the last result.")
        for h in result.hits:
            _hit(h)
        _pager(result, page)
