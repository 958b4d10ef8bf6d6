"""The explorer's Report view: one case-review document, its case, its text page by page.

Left: a metadata card (each field's source on hover), the case's other documents, reviews like
this one, the 7-minute briefing, recommendations and themes with their evidence. Right: the
page text (escaped), with page navigation; the page is in the URL, so "open at page" is a link.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from app import explorer_data as cached
from app.explorer_downloads import archived_name, cached_archived_copy, download
from app.explorer_widgets import (
    cite,
    href,
    int_param,
    link,
    md,
    page_html,
    report_link,
    sync,
    theme_labels,
    to_url,
)
from app.pipeline import open_catalogue
from index.search import find, more_like_this, page_marks
from ingest.errors import AtlasError


def _field(r: dict, name: str) -> str:
    value = r.get(name)
    if name == "pages" and value is None:
        return "web page (not paged)"
    if value in (None, ""):
        return "\u2014"
    return md(str(value).replace("_", " ") if name in ("doc_type", "status", "outcome")
              else value)


def _age(months: int | None) -> str:
    if months is None:
        return "\u2014"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


@st.cache_data(ttl=cached.TTL, show_spinner=False)  # not again on every page turn
def _similar(data: Path, doc_id: str, limit: int = 5) -> list[dict]:
    """Reports like ``doc_id`` (none when the index lacks it)."""
    try:
        with open_catalogue(data) as cat:
            return more_like_this(cat, data, doc_id, limit=limit).hits
    except AtlasError:
        return []


def _where_from(data: Path, r: dict) -> None:
    """The source URL, the archived copy (from the store) and the withdrawn date, if any."""
    st.markdown(link("Source document", r["url"]))
    if r.get("withdrawn"):
        reason = f" ({md(r['withdrawn_reason'])})" if r.get("withdrawn_reason") else ""
        day = str(r["withdrawn"])[:10]
        day = day if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else md(day)
        st.warning(f"Withdrawn by its source on {day}{reason}; "
                   "the archived copy below is what it published.")
    copy = cached_archived_copy(str(data), r.get("sha256"))
    if copy is not None:
        st.download_button("Archived copy", data=copy, key="archived-copy",
                           file_name=archived_name(r), mime=r.get("content_type") or None,
                           help="The document exactly as it was fetched, kept in the store.")


def report_view(data: Path, reports: list[dict]) -> None:
    st.header("Report")
    by_id = {r["id"]: r for r in reports}
    options = sorted(by_id, key=lambda d: (by_id[d]["board"] or "", by_id[d]["year"] or 0,
                                           by_id[d]["child"] or "", by_id[d]["doc_type"] or ""))
    if not options:
        st.info("No case-review documents yet: run `scr build` first.")
        return
    raw_doc = st.query_params.get("doc")
    if raw_doc and raw_doc not in by_id:
        st.warning(f"No case-review document with id {md(raw_doc)}: showing the first one.")
    sync("doc", raw_doc, raw_doc if raw_doc in by_id else options[0])
    doc_id = st.selectbox("Document", options, key="doc",
                          format_func=lambda d: f"{by_id[d]['board']}: "
                          f"{by_id[d]['child'] or '?'} ({by_id[d]['year'] or 'n.d.'}) - "
                          f"{(by_id[d]['doc_type'] or '').replace('_', ' ')}")
    changed = doc_id != raw_doc
    to_url("doc", doc_id)
    r = by_id[doc_id]
    st.subheader(md(r["title"] or r["url"]))
    labels = theme_labels()
    with open_catalogue(data) as cat:
        tags = cat.themes_of(doc_id)
        texts = cat.page_texts(doc_id)
        recs = cat.recommendations(doc_id)
    left, right = st.columns([1, 2], gap="large")
    with left:
        for name in ("board", "nation", "region", "year", "review_type", "doc_type", "child",
                     "age_months", "gender", "outcome", "pages", "status"):
            source = r["provenance"].get(name, "")
            label = "age" if name == "age_months" else name.replace("_", " ")
            value = _age(r[name]) if name == "age_months" else _field(r, name)
            st.markdown(f"**{label}**: {value}", help=f"Source: {md(source)}" if source else None)
        _where_from(data, r)
        same_case = [o for o in reports if o["case"] and o["case"] == r["case"]
                     and o["id"] != doc_id]
        if same_case:
            st.markdown("**Other documents of this review**")
            for o in same_case:
                kind = (o["doc_type"] or "").replace("_", " ")
                st.markdown(f"- [{md(kind)}: {md(o['title'] or o['url'])}]({report_link(o['id'])})")
        similar = _similar(data, doc_id)
        if similar:
            st.markdown("**Reviews like this one**", help="Other reviews sharing this "
                        "document's most distinctive words (more like this).")
            for o in similar:
                st.markdown(f"- [{md(o['board'])}: {md(o['child'] or o['title'])} "
                            f"({o['year'] or 'n.d.'})]({report_link(o['id'])})")
        with st.expander("7-minute briefing of this review"):
            st.caption("One page: background, what happened, key findings, recommendations "
                       "and questions for practice, quoted from this document with pages.")
            download("review", doc_id, "7-minute briefing", "review-brief")
        if recs:
            with st.expander(f"Recommendations ({len(recs)})"):
                for rec in recs:
                    where = f" (p. {rec['page']})" if rec["page"] else ""
                    st.markdown(f"{md(rec['number'])}. {md(rec['text'])}{where}")
        st.markdown("**Themes**")
        if not tags:
            st.caption("No themes tagged in this document.")
        for t in tags:
            with st.expander(f"{labels.get(t['theme'], t['theme'])} (score {t['score']:.2f})"):
                if not t["evidence"]:
                    st.caption("No quotable sentence recorded.")
                for ev in t["evidence"][:3]:
                    where = f"p. {ev['page']}: " if ev["page"] else ""
                    st.markdown(f"> {md(where + ev['sentence'])}")
    with right:
        _reader(data, r, texts, changed)


@st.cache_data(ttl=cached.TTL, show_spinner=False)  # not again on every page turn
def _matching_pages(data: Path, doc_id: str, query: str, exact: bool
                    ) -> tuple[list[int], int]:
    """The pages of this document that the search query matches (best first, as many as the
    search gathered), and how many pages match in all."""
    try:
        with open_catalogue(data) as cat:
            result = find(cat, data, query, filters={"doc_id": [doc_id]}, limit=1,
                          facets=False, synonyms=not exact, snippets=False)
    except AtlasError:
        return [], 0
    return [p for h in result.hits for p in h["pages"] if p], sum(
        h["matching_pages"] for h in result.hits)


def _reader(data: Path, r: dict, texts: list[str], changed: bool) -> None:
    """The page text, page navigation, and the search's matches marked on the page."""
    if r["status"] != "ok" or not any(t.strip() for t in texts):
        reason = f" \u2014 {r['status_reason']}" if r["status_reason"] else ""
        st.warning(f"No readable text for this document: {_field(r, 'status')}"
                   f"{md(reason)}. Open the source document or its archived copy to read it.")
        return
    n = len(texts)
    raw_page = st.query_params.get("page")
    sync("page", raw_page, min(max(int_param(raw_page, 1), 1), n))
    if changed or not 1 <= st.session_state["page"] <= n:
        st.session_state["page"] = 1
    page = int(st.number_input(f"Page (1\u2013{n})", 1, n, step=1, key="page"))
    to_url("page", str(page))
    query = (st.query_params.get("q") or "").strip()
    exact = st.query_params.get("exact") == "1"
    marks: list[tuple[int, int]] = []
    if query and r["pages"]:  # a web page is one unpaged text: no list of pages
        pages, total = _matching_pages(data, r["id"], query, exact)
        if pages:
            shown = ", ".join(f"[{p}]({href(page=str(p))})" if p != page else f"**{p}**"
                              for p in sorted(pages))
            more = f" and {total - len(pages)} more" if total > len(pages) else ""
            st.markdown(f"Pages matching {md(query)}: {shown}{more}")
        else:
            st.caption(f"No page of this document matches {md(query)}.")
    if query:  # marked on web pages too
        marks = page_marks(data, query, texts[page - 1], synonyms=not exact)
    st.caption(f"Page {page} of {n} · Cite: {md(cite(r, page if r['pages'] else None, True))}")
    if texts[page - 1].strip():
        st.markdown(page_html(texts[page - 1], marks), unsafe_allow_html=True)
    else:
        st.info("No text was extracted from this page (it may be an image or blank).")
