"""The Trends view's co-occurrence: the theme x theme matrix (cases with both, lift), the
domestic abuse / parental mental health / parental substance misuse triple, and the cases
behind a pair or the triple (URL ``tpair``: ``triple`` or ``THEME_A,THEME_B``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from analysis.trends import cooccurrence
from app.explorer_trends_drill import show_cases
from app.explorer_widgets import md, url_select

TRIPLE_KEY = "triple"


def pair_rows(result: Mapping[str, Any], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """The pairs carried together by at least one case, most cases first."""
    return [{"theme A": labels.get(p["a"], p["a"]), "theme B": labels.get(p["b"], p["b"]),
             "cases with both": p["both"], "cases with A": p["a_cases"],
             "cases with B": p["b_cases"], "lift": p["lift"]}
            for p in result["pairs"] if p["both"]]


def triple_row(result: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    tri = result["triple"]
    row: dict[str, Any] = {"all three": tri["all"], "at least two": tri["at_least_two"],
                           "none": tri["none"], "lift": tri["lift"]}
    row |= {labels.get(t, t): n for t, n in tri["each"].items()}
    return row


def _matrix(result: Mapping[str, Any], labels: Mapping[str, str]) -> alt.LayerChart:
    themes = sorted({t for p in result["pairs"] for t in (p["a"], p["b"])},
                    key=lambda t: labels.get(t, t))
    cells = []
    for p in result["pairs"]:
        a, b = labels.get(p["a"], p["a"]), labels.get(p["b"], p["b"])
        for x, y in ((a, b), (b, a)):
            cells.append({"x": x, "y": y, "both": p["both"], "lift": p["lift"] or 0.0})
    names = [labels.get(t, t) for t in themes]
    base = alt.Chart(pd.DataFrame(cells)).encode(
        x=alt.X("x:N", sort=names, title=None,
                axis=alt.Axis(labelAngle=-50, labelLimit=200, labelOverlap=False)),
        y=alt.Y("y:N", sort=names, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        tooltip=[alt.Tooltip("x:N", title="theme"), alt.Tooltip("y:N", title="with"),
                 alt.Tooltip("both:Q", title="cases with both"), alt.Tooltip("lift:Q")])
    rect = base.mark_rect().encode(color=alt.Color(
        "lift:Q", title="lift", scale=alt.Scale(scheme="purpleorange", domainMid=1)))
    text = base.mark_text(fontSize=9).encode(text=alt.Text("both:Q"))
    return (rect + text).properties(height=max(160, 18 * len(names)))


def pairs_section(cases: Sequence[Mapping[str, Any]], labels: Mapping[str, str],
                  summary: Mapping[str, Any]) -> None:
    st.subheader("Themes that occur together")
    result = cooccurrence(cases)
    rows = pair_rows(result, labels)
    st.caption("Cases carrying both themes (the number in a cell) and the lift (the colour): "
               "observed over expected if the themes were unrelated; above 1, more often "
               "together than chance.")
    if rows:
        st.altair_chart(_matrix(result, labels), width="stretch")
        with st.expander("The matrix as a table", expanded=False):
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.info("No case carries two themes together.")
    tri = result["triple"]
    names = [labels.get(t, t) for t in tri["themes"]]
    st.markdown(f"**The triple**: {md(', '.join(names))}. All three in **{tri['all']}** of "
                f"{result['cases']} cases (lift {tri['lift'] if tri['lift'] is not None else '-'}"
                f"), at least two in {tri['at_least_two']}, none in {tri['none']}.")
    st.dataframe(pd.DataFrame([triple_row(result, labels)]), hide_index=True, width="stretch")
    _drill(cases, result, labels, summary)


def _drill(cases: Sequence[Mapping[str, Any]], result: Mapping[str, Any],
           labels: Mapping[str, str], summary: Mapping[str, Any]) -> None:
    """The cases behind the triple or one pair."""
    pairs = {f"{p['a']},{p['b']}": p for p in result["pairs"] if p["both"]}
    tri = result["triple"]

    def name(key: str) -> str:
        if key == TRIPLE_KEY:
            return f"All three of the triple ({tri['all']})"
        p = pairs[key]
        return f"{labels.get(p['a'], p['a'])} + {labels.get(p['b'], p['b'])} ({p['both']})"

    key = url_select(st, "The cases behind a pair", [TRIPLE_KEY, *pairs], "tpair",
                     format_func=name)
    if key == TRIPLE_KEY:
        show_cases(cases, tri["case_ids"], tri["themes"], labels, summary,
                   "carrying all three of the triple")
        return
    p = pairs[key]
    both = f"carrying both {md(labels.get(p['a'], p['a']))} and {md(labels.get(p['b'], p['b']))}"
    show_cases(cases, p["case_ids"], [p["a"], p["b"]], labels, summary, both)
