"""The SCR Atlas explorer (Streamlit): a researcher's and a board analyst's workbench.

Run with ``scr app --data DIR`` (which sets ``SCR_DATA``). One module per view (explorer_search,
explorer_report, explorer_themes, explorer_trends, explorer_topics, explorer_collection); each
reads through the same functions as the CLI (analysis.queries, analysis.trends, index.search),
cached in explorer_data, so the explorer and ``scr ... --json`` agree.

Report text is always HTML-escaped before it is shown. The state of a view (view, query,
filters, report, page, theme) lives in the URL's query parameters, so a view can be shared.
Widgets that mirror a query parameter are keyed, so their identity never changes and a click
is never lost. The URL seeds them when they are created; the view, report and page widgets,
which a button can change (Open report), are also pointed at the URL's value whenever the URL
changed since the app last wrote it.
"""

from __future__ import annotations

import streamlit as st

from app import explorer_data as cached
from app.explorer_collection import collection_view
from app.explorer_report import report_view
from app.explorer_search import search_view
from app.explorer_themes import themes_view
from app.explorer_topics import topics_view
from app.explorer_trends import trends_view
from app.explorer_widgets import CSS, sync, to_url
from ingest.errors import AtlasError

VIEWS = {"Search": search_view, "Report": report_view, "Themes": themes_view,
         "Trends": trends_view, "Topics": topics_view, "Collection": collection_view}


def main() -> None:
    st.set_page_config(page_title="SCR Atlas", layout="wide")
    st.sidebar.title("SCR Atlas")
    st.sidebar.caption("Published child-safeguarding case reviews, searchable to the page.")
    data = cached.data_dir()
    if not (data / "catalogue.sqlite").exists():
        st.error(f"No catalogue in {data}: run `scr build` or `scr demo` first "
                 "(or `scr app --data DIR` to open another data directory).")
        return
    st.html(CSS)
    names = list(VIEWS)
    raw_view = st.query_params.get("view")
    sync("view", raw_view, raw_view if raw_view in VIEWS else names[0])
    view = st.sidebar.radio("View", names, key="view")
    to_url("view", view)
    try:
        VIEWS[view](data, cached.reports(str(data)))
    except AtlasError as exc:
        st.error(str(exc))


main()
