"""The SCR Atlas explorer (Streamlit): search, read a report, explore themes.

Run with ``scr app --data DIR`` (which sets ``SCR_DATA``). Every view reads through the same
functions as the CLI (app.queries, index.search), so the explorer and ``scr ... --json`` agree.
Report text is always HTML-escaped before it is shown; the state of a view (page, query,
report) lives in the URL's query parameters so a view can be shared.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import streamlit as st

from analysis.taxonomy import load_taxonomy
from app.pipeline import open_catalogue
from app.queries import report_records, theme_summary
from index.search import search
from ingest.errors import AtlasError

VIEWS = ("Search", "Report", "Themes")
DATA = Path(os.environ.get("SCR_DATA", "scr-data"))


@st.cache_data(ttl=60)
def _reports(data: str) -> list[dict]:
    with open_catalogue(Path(data)) as cat:
        return report_records(cat)


@st.cache_data(ttl=60)
def _themes(data: str) -> dict:
    with open_catalogue(Path(data)) as cat:
        return theme_summary(cat)


def _labels() -> dict[str, str]:
    return {t.id: t.label for t in load_taxonomy()}


def _cite(r: dict, page: int | None) -> str:
    where = f", p. {page}" if page else ""
    doc_type = (r.get("doc_type") or "").replace("_", " ")
    return f"{r['board']}, {r['child'] or 'case review'}, {doc_type}, {r['year'] or 'n.d.'}{where}"


def search_view(reports: list[dict]) -> None:
    st.header("Search the case reviews")
    params = st.query_params
    query = st.text_input("Query", value=params.get("q", ""), key="q",
                          help='Words, "exact phrases", AND / OR / NOT, ( ), board:..., '
                               "year:2015..2019, theme:neglect, type:LCSPR, wildcards (neglect*)")
    st.caption('Try: "disguised compliance" AND neglect · "safe sleep" · theme:domestic_abuse')
    years = sorted({r["year"] for r in reports if r["year"]})
    c1, c2, c3, c4 = st.columns(4)
    boards = c1.selectbox("Board", ["(all)"] + sorted({r["board"] for r in reports if r["board"]}))
    rtype = c2.selectbox("Review type", ["(all)", "SCR", "LCSPR", "CPR", "other"])
    dtype = c3.selectbox("Document type", ["(all)", "full_report", "executive_summary",
                                           "briefing", "board_response", "other_review_document"])
    labels = _labels()
    theme = c4.selectbox("Theme", ["(all)"] + list(labels), format_func=lambda t: labels.get(t, t))
    year_range = (st.slider("Publication year", min(years), max(years), (min(years), max(years)))
                  if len(years) > 1 else None)
    if not query:
        st.info(f"{len(reports)} case-review documents. Type a query to search them page by page.")
        return
    st.query_params["q"] = query
    filters = {"board": None if boards == "(all)" else boards,
               "review_type": None if rtype == "(all)" else rtype,
               "doc_type": None if dtype == "(all)" else dtype,
               "themes": None if theme == "(all)" else theme,
               "year": year_range}
    try:
        with open_catalogue(DATA) as cat:
            hits, warning = search(cat, DATA, query, limit=50, filters=filters)
    except AtlasError as exc:
        st.error(str(exc))
        return
    if warning:
        st.warning(warning)
    st.write(f"**{len(hits)}** documents match.")
    for h in hits:
        with st.container(border=True):
            st.markdown(f"**{html.escape(h['title'] or h['url'])}**")
            page = f"p. {h['page']}" if h["page"] else "web page"
            st.caption(f"{h['board']} · {h['year']} · {h['review_type']} · "
                       f"{(h['doc_type'] or '').replace('_', ' ')} · {page}")
            st.markdown(h["snippet_html"], unsafe_allow_html=True)  # escaped in index.search
            more = [p for p in h["pages"] if p != h["page"]]
            if more:
                st.caption("Also matches on pages " + ", ".join(map(str, more[:15])))
            st.caption(f"Cite: {_cite(h, h['page'])}. {h['url']}")
            if st.button("Open report", key=f"open-{h['id']}"):
                st.query_params.update({"view": "Report", "doc": h["id"],
                                        "page": str(h["page"] or 1)})
                st.rerun()


def report_view(reports: list[dict]) -> None:
    st.header("Report")
    by_id = {r["id"]: r for r in reports}
    options = sorted(by_id, key=lambda d: (by_id[d]["board"] or "", by_id[d]["year"] or 0))
    wanted = st.query_params.get("doc", options[0] if options else None)
    if not options:
        st.info("No case-review documents yet.")
        return
    doc_id = st.selectbox("Document", options, index=options.index(wanted) if wanted in by_id
                          else 0, format_func=lambda d: f"{by_id[d]['board']}: "
                          f"{by_id[d]['child'] or '?'} ({by_id[d]['year']}) - "
                          f"{(by_id[d]['doc_type'] or '').replace('_', ' ')}")
    r = by_id[doc_id]
    st.subheader(r["title"] or r["url"])
    left, right = st.columns([1, 2])
    with left:
        for name in ("board", "nation", "region", "year", "review_type", "doc_type", "child",
                     "pages", "status"):
            source = r["provenance"].get(name, "")
            st.markdown(f"**{name.replace('_', ' ')}**: {html.escape(str(r[name]))}",
                        help=source or None)
        st.markdown(f"[Source document]({r['url']})")
        labels = _labels()
        with open_catalogue(DATA) as cat:
            tags = cat.themes_of(doc_id)
            texts = cat.page_texts(doc_id)
        st.markdown("**Themes**")
        for t in tags:
            with st.expander(f"{labels.get(t['theme'], t['theme'])} (score {t['score']:.0f})"):
                for ev in t["evidence"][:3]:
                    where = f"p. {ev['page']}: " if ev["page"] else ""
                    st.markdown(f"> {html.escape(where + ev['sentence'])}")
    with right:
        if not texts:
            st.warning(f"No text: {r['status']} ({r['status_reason']})")
            return
        page = int(st.query_params.get("page", "1"))
        page = st.number_input("Page", 1, len(texts), min(max(page, 1), len(texts)))
        st.markdown(f"<div style='white-space:pre-wrap'>{html.escape(texts[page - 1])}</div>",
                    unsafe_allow_html=True)


def themes_view(reports: list[dict]) -> None:
    st.header("Themes across the reviews")
    summary = _themes(str(DATA))
    st.caption(f"{summary['documents_tagged']} case-review documents tagged")
    rows = [{"theme": t["label"], "reviews": t["documents"], "share": f"{t['share']:.0%}"}
            for t in summary["themes"]]
    st.dataframe(rows, hide_index=True, use_container_width=True)
    labels = _labels()
    theme = st.selectbox("Theme", list(labels), format_func=lambda t: labels[t])
    with_theme = [r for r in reports if theme in r["themes"]]
    by_year: dict[int, int] = {}
    for r in with_theme:
        if r["year"]:
            by_year[r["year"]] = by_year.get(r["year"], 0) + 1
    if by_year:
        st.bar_chart({str(y): n for y, n in sorted(by_year.items())})
    st.write(f"**{len(with_theme)}** documents carry this theme.")
    for r in with_theme[:50]:
        evidence = summary["tags"].get(r["id"], [])
        first = next((e for t in evidence if t["theme"] == theme for e in t["evidence"]), None)
        quote = f" - \u201c{html.escape(first['sentence'][:200])}\u201d" if first else ""
        st.markdown(f"- {html.escape(_cite(r, first['page'] if first else None))}{quote}")


def main() -> None:
    st.set_page_config(page_title="SCR Atlas", layout="wide")
    st.sidebar.title("SCR Atlas")
    st.sidebar.caption("Published child-safeguarding case reviews, searchable to the page.")
    if not (DATA / "catalogue.sqlite").exists():
        st.error(f"No catalogue in {DATA}: run `scr build` or `scr demo` first.")
        return
    wanted = st.query_params.get("view", "Search")
    view = st.sidebar.radio("View", VIEWS, index=VIEWS.index(wanted) if wanted in VIEWS else 0)
    st.query_params["view"] = view
    reports = _reports(str(DATA))
    {"Search": search_view, "Report": report_view, "Themes": themes_view}[view](reports)


main()
