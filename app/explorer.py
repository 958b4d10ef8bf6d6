"""The SCR Atlas explorer (Streamlit): search, read a report, explore themes.

Run with ``scr app --data DIR`` (which sets ``SCR_DATA``). Every view reads through the same
functions as the CLI (analysis.queries, index.search), so the explorer and ``scr ... --json`` agree.
Report text is always HTML-escaped before it is shown; the state of a view (page, query,
filters, report, theme) lives in the URL's query parameters so a view can be shared.

Widgets that mirror a query parameter are keyed, so their identity never changes and a click
is never lost. The URL seeds them when they are created; the view, report and page widgets,
which a button can change (Open report), are also pointed at the URL's value whenever the URL
changed since the app last wrote it.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import streamlit as st

from analysis.queries import report_records, theme_summary
from analysis.taxonomy import load_taxonomy
from app.pipeline import open_catalogue
from index.search import search
from ingest.errors import AtlasError

VIEWS = ("Search", "Report", "Themes")
DATA = Path(os.environ.get("SCR_DATA", "scr-data"))
SEARCH_LIMIT = 50
THEME_LIST_LIMIT = 50
ALL = "(all)"
REVIEW_TYPES = ("SCR", "LCSPR", "CPR", "other")
DOC_TYPES = ("full_report", "executive_summary", "briefing", "board_response",
             "other_review_document")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")
_LIST_LINE = re.compile(r"\n(?=\s*(?:[-\u2022*\u25cf]|\d+(?:\.\d+)*[.)]?\s))")
_UNSET = object()

_CSS = """<style>
.scr-snippet { line-height: 1.6; }
.scr-snippet mark { background: #fff3a3; padding: 0 .1em; }
.scr-page { max-width: 48rem; line-height: 1.65; }
.scr-page p { margin: 0 0 .9em 0; }
</style>"""


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


def _md(text: object) -> str:
    """Text from a report, safe in (non-HTML) markdown: escaped HTML and markdown syntax."""
    return html.escape(_MD_SPECIAL.sub(r"\\\1", str(text)))


def _link(label: str, url: str | None) -> str:
    """A markdown link to an http(s) URL (anything else is shown as escaped text)."""
    if not url or not re.match(r"https?://", url):
        return _md(url or "")
    href = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")
    return f"[{label}]({href})"


def _page_html(text: str) -> str:
    """One page of report text as a single-line HTML block (escaped; paragraphs kept).

    Lines wrapped by the PDF are joined, except before list items; one line with no blank
    lines keeps markdown from interpreting the text (``*``, ``$``, ``1.`` ...).
    """
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = []
    for p in paras:
        p = _LIST_LINE.sub("\x00", p).replace("\n", " ")
        body.append("<p>" + html.escape(p).replace("\x00", "<br>") + "</p>")
    return "<div class='scr-page'>" + "".join(body) + "</div>"


def _cite(r: dict, page: int | None) -> str:
    where = f", p. {page}" if page else ""
    doc_type = (r.get("doc_type") or "").replace("_", " ")
    return f"{r['board']}, {r['child'] or 'case review'}, {doc_type}, {r['year'] or 'n.d.'}{where}"


def _sync(key: str, raw: str | None, value: Any) -> None:
    """Point widget ``key`` at ``value`` when the URL's ``raw`` changed since we wrote it."""
    seen = f"_url_{key}"
    if key not in st.session_state or st.session_state.get(seen, _UNSET) != raw:
        st.session_state[key] = value
    st.session_state[seen] = raw


def _to_url(key: str, raw: str | None) -> None:
    """Write a widget's value to the URL (None removes it) and remember we wrote it."""
    if raw is None:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != raw:
        st.query_params[key] = raw
    st.session_state[f"_url_{key}"] = raw


def _url_select(where: Any, label: str, options: list[str], key: str,
                **kwargs: Any) -> str:
    """A selectbox mirrored in the URL parameter ``key``; its first option is the default."""
    raw = st.query_params.get(key)
    chosen = where.selectbox(label, options, index=options.index(raw) if raw in options else 0,
                             key=key, **kwargs)
    _to_url(key, None if chosen == options[0] else chosen)
    return chosen


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


def search_view(reports: list[dict]) -> None:
    st.header("Search the case reviews")
    query = st.text_input("Query", value=st.query_params.get("q", ""), key="q",
                          placeholder='e.g. "safer sleep" AND neglect',
                          help='Words, "exact phrases", AND / OR / NOT, ( ), board:..., '
                               "year:2015..2019, theme:neglect, type:LCSPR, wildcards (neglect*)")
    st.caption('Try: "disguised compliance" AND neglect · "safer sleep" · '
               '"was not brought" · theme:domestic\\_abuse · sleep\\*')
    years = sorted({r["year"] for r in reports if r["year"]})
    c1, c2, c3, c4 = st.columns(4)
    labels = _labels()
    board = _url_select(c1, "Board", [ALL, *sorted({r["board"] for r in reports if r["board"]})],
                        "board")
    rtype = _url_select(c2, "Review type", [ALL, *REVIEW_TYPES], "type")
    dtype = _url_select(c3, "Document type", [ALL, *DOC_TYPES], "doctype",
                        format_func=lambda d: d.replace("_", " "))
    theme = _url_select(c4, "Theme", [ALL, *labels], "tagged",
                        format_func=lambda t: labels.get(t, t))
    year_range = None
    if len(years) > 1:
        full = (years[0], years[-1])
        raw_years = st.query_params.get("years")
        m = re.fullmatch(r"(\d{4})-(\d{4})", raw_years or "")
        wanted = full
        if m:
            lo, hi = sorted((int(m[1]), int(m[2])))
            wanted = (max(lo, full[0]), min(hi, full[1])) if lo <= full[1] and hi >= full[0] \
                else full
        chosen = st.slider("Publication year", full[0], full[1], wanted, key="years")
        narrowed = tuple(chosen) != full
        _to_url("years", f"{chosen[0]}-{chosen[1]}" if narrowed else None)
        # Only a narrowed range filters: documents with no known year stay in by default.
        year_range = tuple(chosen) if narrowed else None
    query = query.strip()
    _to_url("q", query or None)
    if not query:
        st.info(f"{len(reports)} case-review documents. Type a query above to search them "
                "page by page; each result shows the best-matching page.")
        return
    filters = {"board": None if board == ALL else board,
               "review_type": None if rtype == ALL else rtype,
               "doc_type": None if dtype == ALL else dtype,
               "themes": None if theme == ALL else theme,
               "year": year_range}
    try:
        with open_catalogue(DATA) as cat:
            hits, warning = search(cat, DATA, query, limit=SEARCH_LIMIT, filters=filters)
    except AtlasError as exc:
        st.error(str(exc))
        return
    if warning:
        st.warning(f"Query repaired: {warning}.")
    if not hits:
        names = {"board": "board", "review_type": "review type", "doc_type": "document type",
                 "themes": "theme", "year": "publication year"}
        active = [names[f] for f, v in filters.items() if v]
        hint = (" Filters narrow the search (" + ", ".join(active) + "): try widening them."
                if active else "")
        st.info(f"No case-review documents match {query!r}.{hint} Try fewer words, a "
                "wildcard (sleep*) or OR between alternatives.")
        return
    more = " (showing the best 50)" if len(hits) >= SEARCH_LIMIT else ""
    st.markdown(f"**{len(hits)}** documents match{more}.")
    for h in hits:
        with st.container(border=True):
            st.markdown(f"**{_md(h['title'] or h['url'])}**")
            page = f"**p. {h['page']}**" if h["page"] else "web page"
            st.caption(f"{page} · {_md(h['board'])} · {h['year'] or 'n.d.'} · "
                       f"{_md(h['review_type'])} · {_md((h['doc_type'] or '').replace('_', ' '))}")
            # snippet_html is escaped in index.search; a <div> keeps markdown out of it.
            st.markdown(f"<div class='scr-snippet'>\u2026 {h['snippet_html']} \u2026</div>",
                        unsafe_allow_html=True)
            others = [p for p in h["pages"] if p != h["page"]]
            if others:
                extra = f" and {len(others) - 15} more" if len(others) > 15 else ""
                st.caption("Also matches on pages " + ", ".join(map(str, sorted(others)[:15]))
                           + extra)
            st.caption(f"Cite: {_md(_cite(h, h['page']))}. {_link('source', h['url'])}")
            if st.button("Open report", key=f"open-{h['id']}"):
                st.query_params.update({"view": "Report", "doc": h["id"],
                                        "page": str(h["page"] or 1)})
                st.rerun()


def _field(r: dict, name: str) -> str:
    value = r.get(name)
    if name == "pages" and value is None:
        return "web page (not paged)"
    if value in (None, ""):
        return "\u2014"
    return _md(str(value).replace("_", " ") if name in ("doc_type", "status") else value)


def _age(months: int | None) -> str:
    if months is None:
        return "\u2014"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


def report_view(reports: list[dict]) -> None:
    st.header("Report")
    by_id = {r["id"]: r for r in reports}
    options = sorted(by_id, key=lambda d: (by_id[d]["board"] or "", by_id[d]["year"] or 0,
                                           by_id[d]["child"] or "", by_id[d]["doc_type"] or ""))
    if not options:
        st.info("No case-review documents yet: run `scr build` first.")
        return
    raw_doc = st.query_params.get("doc")
    if raw_doc and raw_doc not in by_id:
        st.warning(f"No case-review document with id {raw_doc!r}: showing the first one.")
    _sync("doc", raw_doc, raw_doc if raw_doc in by_id else options[0])
    doc_id = st.selectbox("Document", options, key="doc",
                          format_func=lambda d: f"{by_id[d]['board']}: "
                          f"{by_id[d]['child'] or '?'} ({by_id[d]['year'] or 'n.d.'}) - "
                          f"{(by_id[d]['doc_type'] or '').replace('_', ' ')}")
    changed = doc_id != raw_doc
    _to_url("doc", doc_id)
    r = by_id[doc_id]
    st.subheader(_md(r["title"] or r["url"]))
    labels = _labels()
    with open_catalogue(DATA) as cat:
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
            st.markdown(f"**{label}**: {value}", help=f"Source: {source}" if source else None)
        st.markdown(_link("Source document", r["url"]))
        same_case = [o for o in reports if o["case"] and o["case"] == r["case"]
                     and o["id"] != doc_id]
        if same_case:
            st.markdown("**Other documents of this review**")
            for o in same_case:
                kind = (o["doc_type"] or "").replace("_", " ")
                st.markdown(f"- [{_md(kind)}: {_md(o['title'] or o['url'])}](?doc={o['id']})")
        if recs:
            with st.expander(f"Recommendations ({len(recs)})"):
                for rec in recs:
                    where = f" (p. {rec['page']})" if rec["page"] else ""
                    st.markdown(f"{_md(rec['number'])}. {_md(rec['text'])}{where}")
        st.markdown("**Themes**")
        if not tags:
            st.caption("No themes tagged in this document.")
        for t in tags:
            with st.expander(f"{labels.get(t['theme'], t['theme'])} (score {t['score']:.0f})"):
                if not t["evidence"]:
                    st.caption("No quotable sentence recorded.")
                for ev in t["evidence"][:3]:
                    where = f"p. {ev['page']}: " if ev["page"] else ""
                    st.markdown(f"> {_md(where + ev['sentence'])}")
    with right:
        if r["status"] != "ok" or not any(t.strip() for t in texts):
            reason = f" \u2014 {r['status_reason']}" if r["status_reason"] else ""
            st.warning(f"No readable text for this document: {_field(r, 'status')}"
                       f"{_md(reason)}. Open the source document to read it.")
            return
        n = len(texts)
        raw_page = st.query_params.get("page")
        _sync("page", raw_page, min(max(_int(raw_page, 1), 1), n))
        if changed or not 1 <= st.session_state["page"] <= n:
            st.session_state["page"] = 1
        page = int(st.number_input(f"Page (1\u2013{n})", 1, n, step=1, key="page"))
        _to_url("page", str(page))
        st.caption(f"Page {page} of {n} · Cite: {_md(_cite(r, page if r['pages'] else None))}")
        if texts[page - 1].strip():
            st.markdown(_page_html(texts[page - 1]), unsafe_allow_html=True)
        else:
            st.info("No text was extracted from this page (it may be an image or blank).")


def themes_view(reports: list[dict]) -> None:
    st.header("Themes across the reviews")
    summary = _themes(str(DATA))
    st.caption(f"{summary['documents_tagged']} case-review documents tagged. A document can "
               "carry several themes.")
    rows = sorted(({"theme": t["label"], "group": t["group"].replace("_", " & "),
                    "documents": t["documents"], "share": round(100 * t["share"])}
                   for t in summary["themes"]),
                  key=lambda row: (-row["documents"], row["theme"]))
    st.dataframe(rows, hide_index=True, width="stretch", height="content",
                 column_config={"share": st.column_config.ProgressColumn(
                     "share of tagged documents", min_value=0, max_value=100, format="%d%%")})
    labels = _labels()
    if not labels:
        st.info("The taxonomy has no themes.")
        return
    theme = _url_select(st, "Theme", list(labels), "theme", format_func=lambda t: labels[t])
    with_theme = [r for r in reports if theme in r["themes"]]
    if not with_theme:
        st.info(f"No case-review document carries the theme {labels[theme]!r}.")
        return
    years = [r["year"] for r in reports if r["year"]]
    by_year = {str(y): 0 for y in range(min(years), max(years) + 1)} if years else {}
    for r in with_theme:
        if r["year"]:
            by_year[str(r["year"])] += 1
    if by_year:
        st.bar_chart(by_year, x_label="publication year", y_label="documents with this theme")
    shown = f" (the first {THEME_LIST_LIMIT} are listed)" if len(with_theme) > THEME_LIST_LIMIT \
        else ""
    st.markdown(f"**{len(with_theme)}** documents carry this theme{shown}.")
    lines = []
    for r in with_theme[:THEME_LIST_LIMIT]:
        evidence = summary["tags"].get(r["id"], [])
        first = next((e for t in evidence if t["theme"] == theme for e in t["evidence"]), None)
        page = first["page"] if first else None
        quote = f": \u201c{_md(first['sentence'][:200])}\u201d" if first else ""
        target = f"?view=Report&doc={r['id']}&page={page or 1}"
        lines.append(f"- {_md(_cite(r, page))}{quote} [open]({target})")
    st.markdown("\n".join(lines))


def main() -> None:
    st.set_page_config(page_title="SCR Atlas", layout="wide")
    st.sidebar.title("SCR Atlas")
    st.sidebar.caption("Published child-safeguarding case reviews, searchable to the page.")
    if not (DATA / "catalogue.sqlite").exists():
        st.error(f"No catalogue in {DATA}: run `scr build` or `scr demo` first "
                 "(or `scr app --data DIR` to open another data directory).")
        return
    st.html(_CSS)
    raw_view = st.query_params.get("view")
    _sync("view", raw_view, raw_view if raw_view in VIEWS else VIEWS[0])
    view = st.sidebar.radio("View", VIEWS, key="view")
    _to_url("view", view)
    try:
        reports = _reports(str(DATA))
        {"Search": search_view, "Report": report_view, "Themes": themes_view}[view](reports)
    except AtlasError as exc:
        st.error(str(exc))


main()
