"""Theme prevalence and co-occurrence over cases (analysis/trends.py) and `scr trends`."""

from __future__ import annotations

import json

import pytest

from analysis.trends import age_band, cooccurrence, prevalence, select
from app.cli import main
from tests.conftest import Build

DA, PMH, PSM = "domestic_abuse", "parental_mental_health", "parental_substance_misuse"
CASES = [
    {"case": "a", "year": 2018, "nation": "England", "outcome": "death", "age_months": 3,
     "themes": [DA, PMH, PSM]},
    {"case": "b", "year": 2019, "nation": "England", "outcome": "death", "age_months": 8,
     "themes": [DA, PMH]},
    {"case": "c", "year": 2019, "nation": "Wales", "outcome": "serious_harm", "age_months": 30,
     "themes": [DA, "neglect"]},
    {"case": "d", "year": 2021, "nation": "England", "outcome": "death", "age_months": None,
     "themes": ["neglect"]},
    {"case": "e", "year": None, "nation": "Wales", "outcome": None, "age_months": 150,
     "themes": []},
]


def test_age_bands() -> None:
    assert [age_band(m) for m in (None, 0, 11, 12, 59, 60, 131, 132, 191, 192, 215)] == [
        "unknown", "under 1", "under 1", "1-4", "1-4", "5-10", "5-10", "11-15", "11-15",
        "16-17", "16-17"]


def test_prevalence_counts_cases_and_shares() -> None:
    table = prevalence(CASES, "year", [DA, "neglect"])
    rows = {g["value"]: g for g in table["groups"]}
    assert list(rows) == [2018, 2019, 2021, "unknown"]
    assert rows[2019]["cases"] == 2 and rows[2019]["themes"][DA] == {
        "cases": 2, "share": 1.0, "case_ids": ["b", "c"]}
    assert rows[2021]["themes"][DA]["cases"] == 0
    assert rows[2021]["themes"]["neglect"]["share"] == 1.0
    by_age = prevalence(CASES, "age_band", [DA])
    assert [g["value"] for g in by_age["groups"]] == ["under 1", "1-4", "11-15", "unknown"]
    with pytest.raises(ValueError):
        prevalence(CASES, "colour")


def test_cooccurrence_lift_and_triple() -> None:
    out = cooccurrence(CASES)
    pair = next(p for p in out["pairs"] if (p["a"], p["b"]) == (DA, PMH))
    # both 2 of 5 cases; DA in 3, PMH in 2: lift = 2 * 5 / (3 * 2)
    assert pair["both"] == 2 and pair["case_ids"] == ["a", "b"]
    assert pair["lift"] == pytest.approx(10 / 6, abs=1e-3)
    tri = out["triple"]
    assert tri["all"] == 1 and tri["case_ids"] == ["a"] and tri["at_least_two"] == 2
    assert tri["none"] == 2 and tri["each"] == {DA: 3, PMH: 2, PSM: 1}
    assert tri["lift"] == pytest.approx(1 / (5 * 3 / 5 * 2 / 5 * 1 / 5), abs=1e-3)


def test_select_infant_deaths_since_2019() -> None:
    chosen = select(CASES, years=(2019, None), outcome="death", age_band="under 1")
    assert [c["case"] for c in chosen] == ["b"]
    assert [c["case"] for c in select(CASES, nation="Wales")] == ["c", "e"]
    assert len(select(CASES, years=(None, 2019))) == 3  # unknown years are left out
    with pytest.raises(ValueError):
        select(CASES, colour="red")


def test_scr_trends_on_the_sample_web(full_build: Build,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    data = str(full_build.data)
    assert main(["trends", "--json", "--data", data]) == 0
    out = json.loads(capsys.readouterr().out)
    years = out["prevalence"]["groups"]
    assert sum(g["cases"] for g in years) == out["cases"] > 0
    # the sample web's case whose only document is encrypted: its themes are unknown
    assert sum(g["untagged"] for g in years) == out["untagged"] == 1
    assert out["cooccurrence"]["pairs"] and "triple" in out["cooccurrence"]
    assert main(["trends", "--pairs", "--outcome", "death", "--data", data]) == 0
    assert "cases." in capsys.readouterr().out
    row = next(g for g in years if g["themes"]["domestic_abuse"]["cases"])
    assert main(["trends", "--theme", "domestic_abuse", "--drill", str(row["value"]),
                 "--data", data]) == 0
    drilled = capsys.readouterr().out
    assert "domestic_abuse" in drilled and ("p. " in drilled or "web page" in drilled)
    assert main(["trends", "--years", "soon", "--data", data]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    for bad in (",", "domestic_abuze"):
        assert main(["trends", "--theme", bad, "--data", data]) == 2
        assert "unknown theme" in capsys.readouterr().err


def test_a_case_nothing_could_be_read_from_is_counted_apart() -> None:
    # case "x": its only document failed extraction (or is in Welsh): its themes are unknown
    unread = {"case": "x", "year": 2019, "nation": "Wales", "outcome": "death",
              "age_months": 5, "themes": [], "tagged": False}
    table = prevalence([*CASES, unread], "year", [DA])
    row = next(g for g in table["groups"] if g["value"] == 2019)
    assert row["cases"] == 2 and row["untagged"] == 1 and row["themes"][DA]["share"] == 1.0
    assert table["cases"] == 5 and table["untagged"] == 1
    out = cooccurrence([*CASES, unread])
    assert out["cases"] == 5 and out["untagged"] == 1
    assert out["triple"]["none"] == 2  # as without it
    pair = next(p for p in out["pairs"] if (p["a"], p["b"]) == (DA, PMH))
    assert pair["lift"] == pytest.approx(10 / 6, abs=1e-3)
