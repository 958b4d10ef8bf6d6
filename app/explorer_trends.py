"""The explorer's Trends view: themes by year, place, type, outcome and age; co-occurrence.

The unit is the case, as in ``scr trends`` (analysis/trends.py): a heatmap of the cases
carrying each theme per value of a chosen dimension (share or count), with the same figures
as a table; a drill-down that lists the cases behind one cell with their passages; then the
themes that occur together (explorer_trends_pairs). The cases can first be narrowed by
publication year, outcome and the child's age band. Every setting lives in the URL (tyears,
toutcome, tage, tby, tshow, ttheme, tval, tpair), so a figure can be shared.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from analysis.trends import AGE_BANDS, DIMENSIONS, UNKNOWN, prevalence, read_cases, select
from app import explorer_data as cached
from app.explorer_trends_drill import show_cases
from app.explorer_trends_pairs import pairs_section
from app.explorer_widgets import md, theme_labels, to_url, url_select, year_range

log = logging.getLogger(__name__)

ALL = "(all)"
OUTCOMES = ("death", "serious_harm", UNKNOWN)
BANDS = (*(label for _, label in AGE_BANDS), UNKNOWN)
SHOW = {"share": "Share of the cases (%)", "cases": "Number of cases"}


def dimension_label(dimension: str) -> str:
    return {"age_band": "child's age band", "review_type": "review type"}.get(
        dimension, dimension.replace("_", " "))


def trends_view(data: Path, reports: list[dict]) -> None:
    st.header("Trends across the reviews")
    all_cases = cached.cases(str(data))
    if not all_cases:
        st.info("No case reviews in the catalogue yet: nothing to count.")
        return
    labels = theme_labels()
    if not labels:
        st.info("The taxonomy has no themes.")
        return
    cases = _narrow(all_cases)
    log.debug("trends: %d of %d cases after narrowing", len(cases), len(all_cases))
    unread = len(cases) - len(read_cases(cases))
    left_out = (f" {unread} of them could not be read by the theme tagger (no text extracted, "
                "or in Welsh) and are left out of the shares." if unread else "")
    st.caption(f"**{len(cases)}** of {len(all_cases)} cases. One case is one review, whatever "
               "the number of documents it published; it carries a theme when any of its "
               "documents does, and its year is its earliest publication year." + left_out)
    if not cases:
        st.info("No case matches the narrowing: widen the years, outcome or age band.")
        return
    summary = cached.themes(str(data))
    _prevalence_section(cases, labels, summary)
    pairs_section(cases, labels, summary)


def _narrow(cases: list[dict[str, Any]]) -> list[Mapping[str, Any]]:
    """The cases within the chosen years, outcome and age band (all by default)."""
    narrowed = any(k in st.query_params for k in ("tyears", "toutcome", "tage"))
    with st.expander("Narrow the cases (years, outcome, age band)", expanded=narrowed):
        c1, c2, c3 = st.columns(3)
        span = year_range(c1, sorted({c["year"] for c in cases if c["year"]}), "tyears")
        outcome = url_select(c2, "Outcome", [ALL, *OUTCOMES], "toutcome",
                             format_func=lambda o: o.replace("_", " "))
        band = url_select(c3, "Child's age band", [ALL, *BANDS], "tage")
    return select(cases, years=span, outcome=None if outcome == ALL else outcome,
                  age_band=None if band == ALL else band)


def heatmap_rows(table: Mapping[str, Any], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per theme and value: the cases carrying the theme, their share, the group."""
    return [{"theme": labels.get(t, t), "value": str(g["value"]),
             "cases": g["themes"][t]["cases"], "share": round(100 * g["themes"][t]["share"]),
             "of": g["cases"]}
            for g in table["groups"] for t in g["themes"]]


def _heatmap(rows: list[dict[str, Any]], values: Sequence[str], themes: Sequence[str],
             by: str, show: str) -> alt.LayerChart:
    frame = pd.DataFrame(rows)
    base = alt.Chart(frame).encode(
        x=alt.X("value:O", sort=list(values), title=dimension_label(by),
                axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("theme:N", sort=list(themes), title=None,
                axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        tooltip=[alt.Tooltip("theme:N"), alt.Tooltip("value:N", title=dimension_label(by)),
                 alt.Tooltip("cases:Q", title="cases with the theme"),
                 alt.Tooltip("of:Q", title="cases"), alt.Tooltip("share:Q", title="share %")])
    top = max(frame[show].max(), 1)
    rect = base.mark_rect().encode(color=alt.Color(
        f"{show}:Q", title=SHOW[show], scale=alt.Scale(scheme="blues", domain=[0, top])))
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text(f"{show}:Q"),
        color=alt.condition(f"datum.{show} > {top / 2}", alt.value("white"), alt.value("black")))
    return (rect + text).properties(height=max(120, 18 * len(themes)))


def _prevalence_section(cases: Sequence[Mapping[str, Any]], labels: Mapping[str, str],
                        summary: Mapping[str, Any]) -> None:
    st.subheader("Themes by year, place, type, outcome and age")
    left, right = st.columns(2)
    by = url_select(left, "Break down by", list(DIMENSIONS), "tby", format_func=dimension_label)
    show = url_select(right, "Show", list(SHOW), "tshow", format_func=SHOW.get)
    table = prevalence(cases, by, list(labels))
    totals = {t: sum(g["themes"][t]["cases"] for g in table["groups"]) for t in labels}
    order = sorted(labels, key=lambda t: (-totals[t], labels[t]))
    values = [str(g["value"]) for g in table["groups"]]
    rows = heatmap_rows(table, labels)
    st.altair_chart(_heatmap(rows, values, [labels[t] for t in order], by, show),
                    width="stretch")
    st.caption(f"Cases per {md(dimension_label(by))}: " + ", ".join(
        f"{md(v)} {g['cases']}" for v, g in zip(values, table["groups"], strict=True)))
    with st.expander("The heatmap as a table", expanded=False):
        st.caption(f"{SHOW[show]} carrying each theme, per {md(dimension_label(by))}; "
                   f"{ALL}: every case counted.")
        n = table["cases"]  # the cases read
        wide = []
        for t in order:
            row: dict[str, Any] = {"theme": labels[t]}
            for v, g in zip(values, table["groups"], strict=True):
                row[v] = g["themes"][t][show] if show == "cases" \
                    else round(100 * g["themes"][t]["share"])
            row[ALL] = totals[t] if show == "cases" else round(100 * totals[t] / n) if n else 0
            wide.append(row)
        st.dataframe(pd.DataFrame(wide, columns=["theme", *values, ALL]), hide_index=True,
                     width="stretch")
    _drill(cases, table, labels, summary)


def _drill(cases: Sequence[Mapping[str, Any]], table: Mapping[str, Any],
           labels: Mapping[str, str], summary: Mapping[str, Any]) -> None:
    """The cases behind one cell: a theme (``ttheme``) and a value (``tval``)."""
    by = table["by"]
    st.markdown("**The cases behind one cell**")
    c1, c2 = st.columns(2)
    # Alphabetical, not by prevalence: the default (and so the URL) must not move with the data.
    theme = url_select(c1, "Theme", sorted(labels, key=lambda t: labels[t]), "ttheme",
                       format_func=lambda t: labels[t])
    values = [str(g["value"]) for g in table["groups"]]
    raw = st.query_params.get("tval")
    # Keyed per dimension: the values of one dimension are no options of another.
    value = c2.selectbox(dimension_label(by).capitalize(), values,
                         index=values.index(raw) if raw in values else 0, key=f"tval_{by}")
    to_url("tval", None if value == values[0] else value)
    group = next(g for g in table["groups"] if str(g["value"]) == value)
    what = f"with {md(dimension_label(by))} {md(value)} carrying {md(labels[theme])}"
    show_cases(cases, group["themes"][theme]["case_ids"], [theme], labels, summary, what)
