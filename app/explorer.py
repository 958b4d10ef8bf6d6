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

import os
from pathlib import Path

import streamlit as st

from analysis.queries import case_records, report_records, theme_summary
from analysis.trends import DIMENSIONS, cooccurrence, prevalence
from app.explorer_search import search_view
from app.explorer_widgets import (
    CSS,
    cite,
    int_param,
    link,
    md,
    page_html,
    sync,
    theme_labels,
    to_url,
    url_select,
)
from app.pipeline import open_catalogue
from index.search import more_like_this
from ingest.errors import AtlasError

VIEWS = ("Search", "Report", "Themes")
DATA = Path(os.environ.get("SCR_DATA", "scr-data"))
THEME_LIST_LIMIT = 50

@st.cache_data(ttl=60)
def _reports(data: str) -> list[dict]:
    with open_catalogue(Path(data)) as cat:
        return report_records(cat)


@st.cache_data(ttl=60)
def _themes(data: str) -> dict:
    with open_catalogue(Path(data)) as cat:
        return theme_summary(cat)


def _field(r: dict, name: str) -> str:
    value = r.get(name)
    if name == "pages" and value is None:
        return "web page (not paged)"
    if value in (None, ""):
        return "\u2014"
    return md(str(value).replace("_", " ") if name in ("doc_type", "status") else value)


def _age(months: int | None) -> str:
    if months is None:
        return "\u2014"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{months // 12} years"


def _similar(doc_id: str, limit: int = 5) -> list[dict]:
    """Reports like ``doc_id`` (none when the index lacks it)."""
    try:
        with open_catalogue(DATA) as cat:
            return more_like_this(cat, DATA, doc_id, limit=limit).hits
    except AtlasError:
        return []


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
        st.markdown(link("Source document", r["url"]))
        same_case = [o for o in reports if o["case"] and o["case"] == r["case"]
                     and o["id"] != doc_id]
        if same_case:
            st.markdown("**Other documents of this review**")
            for o in same_case:
                kind = (o["doc_type"] or "").replace("_", " ")
                st.markdown(f"- [{md(kind)}: {md(o['title'] or o['url'])}](?doc={o['id']})")
        similar = _similar(doc_id)
        if similar:
            st.markdown("**Reviews like this one**", help="Other reviews sharing this "
                        "document's most distinctive words (more like this).")
            for o in similar:
                st.markdown(f"- [{md(o['board'])}: {md(o['child'] or o['title'])} "
                            f"({o['year'] or 'n.d.'})](?view=Report&doc={o['id']})")
        with st.expander("7-minute briefing of this review"):
            st.caption("One page: background, what happened, key findings, recommendations "
                       "and questions for practice, quoted from this document with pages.")
            _download("review", doc_id, "7-minute briefing", "review-brief")
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
        if r["status"] != "ok" or not any(t.strip() for t in texts):
            reason = f" \u2014 {r['status_reason']}" if r["status_reason"] else ""
            st.warning(f"No readable text for this document: {_field(r, 'status')}"
                       f"{md(reason)}. Open the source document to read it.")
            return
        n = len(texts)
        raw_page = st.query_params.get("page")
        sync("page", raw_page, min(max(int_param(raw_page, 1), 1), n))
        if changed or not 1 <= st.session_state["page"] <= n:
            st.session_state["page"] = 1
        page = int(st.number_input(f"Page (1\u2013{n})", 1, n, step=1, key="page"))
        to_url("page", str(page))
        st.caption(f"Page {page} of {n} · Cite: {md(cite(r, page if r['pages'] else None))}")
        if texts[page - 1].strip():
            st.markdown(page_html(texts[page - 1]), unsafe_allow_html=True)
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
    labels = theme_labels()
    if not labels:
        st.info("The taxonomy has no themes.")
        return
    theme = url_select(st, "Theme", list(labels), "theme", format_func=lambda t: labels[t])
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
    _theme_trends(theme, labels)
    _briefing_download(theme, labels[theme])
    shown = f" (the first {THEME_LIST_LIMIT} are listed)" if len(with_theme) > THEME_LIST_LIMIT \
        else ""
    st.markdown(f"**{len(with_theme)}** documents carry this theme{shown}.")
    lines = []
    for r in with_theme[:THEME_LIST_LIMIT]:
        evidence = summary["tags"].get(r["id"], [])
        first = next((e for t in evidence if t["theme"] == theme for e in t["evidence"]), None)
        page = first["page"] if first else None
        quote = f": \u201c{md(first['sentence'][:200])}\u201d" if first else ""
        target = f"?view=Report&doc={r['id']}&page={page or 1}"
        lines.append(f"- {md(cite(r, page))}{quote} [open]({target})")
    st.markdown("\n".join(lines))


MIME = {"pdf": "application/pdf", "html": "text/html", "md": "text/markdown",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _briefing_bytes(kind: str, subject: str, fmt: str) -> bytes:
    """A thematic briefing (kind "theme") or a review's 7-minute briefing ("review")."""
    import tempfile

    from analysis.briefing import write_briefing
    from analysis.render import write

    with tempfile.TemporaryDirectory() as tmp, open_catalogue(DATA) as cat:
        out = Path(tmp) / f"briefing.{fmt}"
        if kind == "theme":
            write_briefing(cat, subject, fmt, out)
        else:
            from analysis.review_brief import compose_review_brief

            write(compose_review_brief(cat, subject), fmt, out)
        return out.read_bytes()


def _download(kind: str, subject: str, label: str, key: str) -> None:
    """Format choice, a button that prepares the file, and the download button."""
    fmt = st.selectbox("Format", list(MIME), key=f"{key}-format",
                       format_func=lambda f: {"pdf": "PDF", "docx": "Word", "html": "HTML",
                                              "md": "Markdown"}[f])
    if st.button(f"Prepare the {label}", key=f"{key}-make"):
        try:
            st.session_state[key] = (subject, fmt, _briefing_bytes(kind, subject, fmt))
        except AtlasError as exc:
            st.error(str(exc))
    made = st.session_state.get(key)
    if made and made[:2] == (subject, fmt):
        st.download_button(f"Download the {label} ({fmt})", data=made[2],
                           file_name=f"{subject.replace('/', '-')}-briefing.{fmt}",
                           mime=MIME[fmt], key=f"{key}-download")


def _briefing_download(theme: str, label: str) -> None:
    with st.expander(f"Briefing: Learning from case reviews: {label}"):
        st.caption("Who the reviews were about, how often the theme appears and with what, "
                   "short quotations with pages, the reviews' recommendations, the reviews "
                   "referenced.")
        _download("theme", theme, "briefing", "theme-brief")


@st.cache_data(ttl=60)
def _cases(data: str) -> list[dict]:
    with open_catalogue(Path(data)) as cat:
        return case_records(cat)


def _theme_trends(theme: str, labels: dict[str, str]) -> None:
    """The theme by place, type, outcome and age, and the themes it occurs with (per case)."""
    cases = _cases(str(DATA))
    by = url_select(st, "Break down by (reviews, one per case)", [d for d in DIMENSIONS
                                                                  if d != "year"], "by",
                    format_func=lambda d: d.replace("_", " "))
    table = prevalence(cases, by, [theme])
    st.dataframe([{by.replace("_", " "): str(g["value"]), "reviews": g["cases"],
                   "with this theme": g["themes"][theme]["cases"],
                   "share": round(100 * g["themes"][theme]["share"])} for g in table["groups"]],
                 hide_index=True, width="stretch", height="content",
                 column_config={"share": st.column_config.ProgressColumn(
                     "share", min_value=0, max_value=100, format="%d%%")})
    pairs = [p for p in cooccurrence(cases)["pairs"] if theme in (p["a"], p["b"]) and p["both"]]
    if pairs:
        st.markdown("**Occurs with** (reviews carrying both; lift above 1: more often "
                    "together than if unrelated)")
        st.dataframe([{"theme": labels.get(o := p["b"] if p["a"] == theme else p["a"], o),
                       "reviews with both": p["both"], "lift": p["lift"]}
                      for p in pairs[:10]], hide_index=True, width="stretch")


def main() -> None:
    st.set_page_config(page_title="SCR Atlas", layout="wide")
    st.sidebar.title("SCR Atlas")
    st.sidebar.caption("Published child-safeguarding case reviews, searchable to the page.")
    if not (DATA / "catalogue.sqlite").exists():
        st.error(f"No catalogue in {DATA}: run `scr build` or `scr demo` first "
                 "(or `scr app --data DIR` to open another data directory).")
        return
    st.html(CSS)
    raw_view = st.query_params.get("view")
    sync("view", raw_view, raw_view if raw_view in VIEWS else VIEWS[0])
    view = st.sidebar.radio("View", VIEWS, key="view")
    to_url("view", view)
    try:
        reports = _reports(str(DATA))
        if view == "Search":
            search_view(DATA, reports)
        else:
            {"Report": report_view, "Themes": themes_view}[view](reports)
    except AtlasError as exc:
        st.error(str(exc))


main()
