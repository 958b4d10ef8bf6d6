"""The explorer's Trends view, driven headless with AppTest over the built sample web.

Every figure the view shows is checked against analysis.trends computed here over
analysis.queries.case_records, so the explorer and ``scr trends`` agree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.queries import case_records
from analysis.taxonomy import theme_labels
from analysis.trends import cooccurrence, prevalence, select
from app.explorer_trends_drill import DRILL_LIMIT
from app.pipeline import open_catalogue
from tests.conftest import Build
from tests.test_explorer import rerun, run_app

CASE_LINK = re.compile(r"\[open\]\(\?view=Report&doc=([^)&]+)\)")
PASSAGE = re.compile(r"\[(p\. \d+|web page)\]\(\?view=Report&doc=[^)]+\): \u201c")


@pytest.fixture(scope="module")
def cases(full_build: Build) -> list[dict[str, Any]]:
    with open_catalogue(full_build.data) as cat:
        return case_records(cat)


def table_with(at: AppTest, first: str) -> pd.DataFrame:
    """The one dataframe whose first column is ``first``."""
    found = [d.value for d in at.dataframe if list(d.value.columns)[:1] == [first]]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def heatmap_table(at: AppTest) -> pd.DataFrame:
    return table_with(at, "theme")


def drilled_cases(at: AppTest, cases: list[dict[str, Any]], marker: str) -> list[str]:
    """The case ids listed by the drill-down whose heading contains ``marker``; the heading's
    count must be the number listed, or the list is cut at DRILL_LIMIT and says so."""
    first_doc = {c["documents"][0]["id"]: c["case"] for c in cases}
    blocks = [m.value for m in at.markdown]
    heading = next(i for i, b in enumerate(blocks) if re.match(r"\*\*\d+\*\* cases? ", b)
                   and marker in b)
    listing = blocks[heading + 1]
    assert all(PASSAGE.search(item) for item in listing.split("\n- ")), \
        "every case listed shows a passage with its page"
    listed = [first_doc[d] for d in CASE_LINK.findall(listing)]
    count = int(re.match(r"\*\*(\d+)\*\*", blocks[heading])[1])
    assert len(listed) == min(count, DRILL_LIMIT)
    assert (f"the first {DRILL_LIMIT} are listed" in blocks[heading]) == (count > DRILL_LIMIT)
    return listed


def expected_wide(table: dict, labels: dict[str, str], measure: str) -> dict[str, dict]:
    """theme label -> {value: count or share %} from analysis.trends.prevalence."""
    return {labels[t]: {str(g["value"]): (g["themes"][t]["cases"] if measure == "cases"
                                          else round(100 * g["themes"][t]["share"]))
                        for g in table["groups"]} for t in labels}


def test_trends_renders_heatmap_table_that_agrees(data_env: Path, cases: list[dict]) -> None:
    at = run_app(view="Trends", tshow="cases")
    assert at.sidebar.radio(key="view").value == "Trends"
    assert any(f"**{len(cases)}** of {len(cases)} cases" in c.value for c in at.caption)
    assert len(at.get("vega_lite_chart")) == 2, "the heatmap is drawn"
    labels = theme_labels()
    table = prevalence(cases, "year", list(labels))
    values = [str(g["value"]) for g in table["groups"]]
    frame = heatmap_table(at)
    assert list(frame.columns) == ["theme", *values, "(all)"]
    assert sorted(frame["theme"]) == sorted(labels.values())
    want = expected_wide(table, labels, "cases")
    for _, row in frame.iterrows():
        assert {v: int(row[v]) for v in values} == want[row["theme"]]
        assert int(row["(all)"]) == sum(want[row["theme"]].values())
    assert frame[values].to_numpy().sum() > 0, "the sample carries themes"


def test_dimension_and_measure_change_table_and_url(data_env: Path, cases: list[dict]) -> None:
    at = run_app(view="Trends")
    before = list(heatmap_table(at).columns)
    at.selectbox(key="tby").select("region")
    rerun(at)
    assert at.query_params["tby"] == "region"
    labels = theme_labels()
    table = prevalence(cases, "region", list(labels))
    frame = heatmap_table(at)
    values = [str(g["value"]) for g in table["groups"]]
    assert list(frame.columns) == ["theme", *values, "(all)"] != before
    want = expected_wide(table, labels, "share")
    assert all({v: int(row[v]) for v in values} == want[row["theme"]]
               for _, row in frame.iterrows())
    at.selectbox(key="tshow").select("cases")
    rerun(at)
    assert at.query_params["tshow"] == "cases"
    want = expected_wide(table, labels, "cases")
    assert all({v: int(row[v]) for v in values} == want[row["theme"]]
               for _, row in heatmap_table(at).iterrows())
    # The URL brings the dimension back.
    again = run_app(view="Trends", tby="age_band")
    assert again.selectbox(key="tby").value == "age_band"
    bands = [str(g["value"]) for g in prevalence(cases, "age_band")["groups"]]
    assert list(heatmap_table(again).columns) == ["theme", *bands, "(all)"]


def busiest_cell(cases: list[dict], by: str) -> tuple[str, str, list[str]]:
    """(theme, value, case ids) of the cell with the most cases (but not every case of its
    group, and no more than the drill-down lists)."""
    table = prevalence(cases, by, list(theme_labels()))
    cells = [(len(g["themes"][t]["case_ids"]), t, str(g["value"]), g["themes"][t]["case_ids"])
             for g in table["groups"] for t in g["themes"]
             if g["themes"][t]["cases"] < min(g["cases"], DRILL_LIMIT + 1)]
    n, theme, value, ids = max(cells)
    assert n >= 2
    return theme, value, ids


def test_drill_lists_exactly_the_cases_of_a_cell(data_env: Path, cases: list[dict]) -> None:
    theme, value, ids = busiest_cell(cases, "nation")
    at = run_app(view="Trends", tby="nation", ttheme=theme, tval=value)
    assert at.selectbox(key="ttheme").value == theme
    assert at.selectbox(key="tval_nation").value == value
    assert drilled_cases(at, cases, "carrying") == sorted(ids)
    # Choosing another cell with the widgets lists its cases and writes the URL.
    theme2, year, ids2 = busiest_cell(cases, "year")
    at = run_app(view="Trends")
    at.selectbox(key="ttheme").select(theme2)
    at.selectbox(key="tval_year").select(year)
    rerun(at)
    assert at.query_params["ttheme"] == theme2
    assert drilled_cases(at, cases, "carrying") == sorted(ids2)


def test_empty_cell_says_so(data_env: Path, cases: list[dict]) -> None:
    table = prevalence(cases, "year", list(theme_labels()))
    empty = [(t, str(g["value"])) for g in table["groups"] for t in g["themes"]
             if not g["themes"][t]["cases"]]
    assert empty, "the sample has a theme absent from some year"
    theme, value = empty[0]
    at = run_app(view="Trends", ttheme=theme, tval=value)
    assert any(i.value.startswith("No case with year") for i in at.info)


def test_narrowing_filters_every_figure(data_env: Path, cases: list[dict]) -> None:
    years = sorted({c["year"] for c in cases if c["year"]})
    lo, hi = years[-3], years[-1]
    at = run_app(view="Trends", tyears=f"{lo}-{hi}", toutcome="death", tshow="cases")
    assert at.slider(key="tyears").value == (lo, hi)
    chosen = select(cases, years=(lo, hi), outcome="death")
    assert 0 < len(chosen) < len(cases)
    assert any(f"**{len(chosen)}** of {len(cases)} cases" in c.value for c in at.caption)
    labels = theme_labels()
    table = prevalence(chosen, "year", list(labels))
    frame = heatmap_table(at)
    values = [str(g["value"]) for g in table["groups"]]
    assert list(frame.columns) == ["theme", *values, "(all)"]
    want = expected_wide(table, labels, "cases")
    assert all({v: int(row[v]) for v in values} == want[row["theme"]]
               for _, row in frame.iterrows())
    assert table_with(at, "theme A").shape[0] == sum(
        1 for p in cooccurrence(chosen)["pairs"] if p["both"])
    year, band = next((y, b) for y in years for b in ("16-17", "11-15", "5-10", "1-4")
                      if not select(cases, years=(y, y), outcome="death", age_band=b))
    nothing = run_app(view="Trends", toutcome="death", tage=band, tyears=f"{year}-{year}")
    assert any(i.value.startswith("No case matches") for i in nothing.info)


def test_cooccurrence_and_triple_agree(data_env: Path, cases: list[dict]) -> None:
    at = run_app(view="Trends")
    labels = theme_labels()
    result = cooccurrence(cases)
    pairs = [p for p in result["pairs"] if p["both"]]
    frame = table_with(at, "theme A")
    assert len(frame) == len(pairs) > 0
    for (_, row), p in zip(frame.iterrows(), pairs, strict=True):
        assert (row["theme A"], row["theme B"]) == (labels[p["a"]], labels[p["b"]])
        assert (row["cases with both"], row["cases with A"], row["cases with B"]) == (
            p["both"], p["a_cases"], p["b_cases"])
        assert row["lift"] == pytest.approx(p["lift"])
    tri = result["triple"]
    row = table_with(at, "all three").iloc[0]
    assert (row["all three"], row["at least two"], row["none"]) == (
        tri["all"], tri["at_least_two"], tri["none"])
    assert all(row[labels[t]] == n for t, n in tri["each"].items())
    if tri["all"]:
        assert drilled_cases(at, cases, "all three") == tri["case_ids"][:DRILL_LIMIT]
    else:
        assert any("No case carrying all three" in i.value for i in at.info)
    best = pairs[0]
    at.selectbox(key="tpair").select(f"{best['a']},{best['b']}")
    rerun(at)
    assert at.query_params["tpair"] == f"{best['a']},{best['b']}"
    assert drilled_cases(at, cases, "carrying both") == best["case_ids"][:DRILL_LIMIT]
