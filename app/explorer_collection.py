"""The explorer's Collection view: what the repository holds.

Totals (case-review documents, cases, pages, boards), the boards covered (every source crawled,
with its nation, region, last crawl and how many case-review documents and cases it holds),
what failed (fetches and extractions, with their reasons), the documents new since a date (URL
parameter ``since``, ``YYYY-MM-DD``; the rule of :func:`analysis.queries.new_since`: first seen
on or after that date) and the documents their source has withdrawn (the archived copy is kept).

Tables are plain ``st.dataframe`` cells, never markdown; links to sources go through
:func:`safe_url`, so only http(s) URLs become clickable.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import streamlit as st

from analysis.queries import first_seen_since
from app import explorer_data as cached
from app.explorer_widgets import report_link, safe_url, to_url

NEW_SINCE_DAYS = 30
EARLIEST = dt.date(1990, 1, 1)


def case_key(r: dict[str, Any]) -> str:
    """The case a document belongs to (itself when it has none), as in ``case_records``."""
    return r.get("case") or r["id"]


def totals(reports: list[dict]) -> dict[str, int]:
    return {"documents": len(reports), "cases": len({case_key(r) for r in reports}),
            "pages": sum(r["pages"] or 0 for r in reports),
            "boards": len({r["board"] for r in reports if r["board"]})}


def board_rows(sources: list[dict[str, Any]], reports: list[dict]) -> list[dict[str, Any]]:
    """One row per board: every source, plus any board named by a document but no source."""
    docs: Counter[str] = Counter(r["board"] for r in reports if r["board"])
    cases: dict[str, set[str]] = defaultdict(set)
    where: dict[str, tuple[Any, Any]] = {}
    for r in reports:
        if r["board"]:
            cases[r["board"]].add(case_key(r))
            where.setdefault(r["board"], (r.get("nation"), r.get("region")))
    rows = [{"board": s["name"], "nation": s.get("nation"), "region": s.get("region"),
             "last crawl": s.get("last_crawl"), "documents": docs[s["name"]],
             "cases": len(cases[s["name"]]), "website": safe_url(s.get("url"))}
            for s in sources]
    named = {s["name"] for s in sources}
    rows += [{"board": b, "nation": where[b][0], "region": where[b][1], "last crawl": None,
              "documents": docs[b], "cases": len(cases[b]), "website": None}
             for b in sorted(docs) if b not in named]
    return rows


def since_date(raw: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _doc_rows(records: list[dict], *fields: str) -> list[dict[str, Any]]:
    names = {"first_seen": "first seen", "withdrawn": "withdrawn",
             "withdrawn_reason": "reason", "doc_type": "document type"}
    out = []
    for r in records:
        row = {names.get(f, f): r.get(f) for f in fields}
        if "document type" in row:
            row["document type"] = (row["document type"] or "").replace("_", " ")
        out.append(row | {"report": report_link(r["id"]), "source": safe_url(r.get("url"))})
    return out


LINKS = {"report": st.column_config.LinkColumn("report", display_text="open"),
         "source": st.column_config.LinkColumn("source", display_text="source"),
         "website": st.column_config.LinkColumn("website"),
         "url": st.column_config.LinkColumn("URL")}


def collection_view(data: Path, reports: list[dict]) -> None:
    st.header("The collection")
    sources = cached.sources(str(data))
    n = totals(reports)
    cols = st.columns(4)
    for col, (label, value) in zip(cols, n.items(), strict=True):
        col.metric(f"{label.capitalize()}", f"{value:,}")
    st.caption(f"Case-review documents, the cases (reviews) they belong to, their pages, and "
               f"the boards they come from; {len(sources)} sources are crawled.")
    st.subheader("Boards covered")
    boards = board_rows(sources, reports)
    if boards:
        st.dataframe(boards, hide_index=True, width="stretch", column_config=LINKS)
    else:
        st.info("No source has been crawled yet: run `scr build`.")
    _failures(data)
    _new_since(reports)
    _withdrawn(reports)


def _failures(data: Path) -> None:
    st.subheader("What failed")
    problems = cached.problems(str(data))
    if not problems:
        st.success("Nothing failed: every fetch succeeded and every document was extracted.")
        return
    stages = Counter(p["stage"] for p in problems)
    st.caption(f"{stages['fetch']} failed fetches and {stages['extract']} documents not "
               "extracted (each with its reason; `scr problems` lists the same).")
    st.dataframe([{"stage": p["stage"], "status": p["status"], "board": p["source"],
                   "url": safe_url(p["url"]), "reason": p["reason"]}
                  for p in problems],
                 hide_index=True, width="stretch", column_config=LINKS)


def _new_since(reports: list[dict]) -> None:
    st.subheader("New since a date")
    default = dt.date.today() - dt.timedelta(days=NEW_SINCE_DAYS)
    low, high = EARLIEST, dt.date.today() + dt.timedelta(days=366)
    wanted = min(max(since_date(st.query_params.get("since"), default), low), high)
    chosen = st.date_input("First seen on or after", value=wanted, min_value=low,
                           max_value=high, key="since",
                           help=f"Default: the last {NEW_SINCE_DAYS} days.")
    if not isinstance(chosen, dt.date):  # a cleared input
        chosen = default
    to_url("since", None if chosen == default else chosen.isoformat())
    found = first_seen_since(reports, chosen.isoformat())
    if not found:
        st.info(f"No case-review document first seen on or after {chosen.isoformat()}.")
        return
    st.markdown(f"**{len(found)}** case-review documents first seen on or after "
                f"{chosen.isoformat()}.")
    st.dataframe(_doc_rows(found, "first_seen", "board", "title", "year", "doc_type"),
                 hide_index=True, width="stretch", column_config=LINKS)


def _withdrawn(reports: list[dict]) -> None:
    st.subheader("Withdrawn by their source")
    gone = sorted((r for r in reports if r["withdrawn"]), key=lambda r: r["withdrawn"],
                  reverse=True)
    if not gone:
        st.caption("No document has been withdrawn by its source.")
        return
    st.caption(f"{len(gone)} documents are no longer offered by their source; the archived "
               "copy is kept, searchable and citable.")
    st.dataframe(_doc_rows(gone, "board", "title", "withdrawn", "withdrawn_reason"),
                 hide_index=True, width="stretch", column_config=LINKS)
