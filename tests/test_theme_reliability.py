"""The tagger's measured figures per theme: kept, checked against the tagger, shown to users."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from analysis.taxonomy import CORE_THEMES
from analysis.theme_reliability import (
    caution,
    load_reliability,
    tagger_key,
    theme_reliability,
    write_reliability,
)
from app.cli import main


def record(**theme_rows: dict) -> dict:
    rows = {t: {"precision": 0.9, "recall": 0.9, "f1": 0.9, "interval": [0.8, 0.95],
                "documents": 40} for t in CORE_THEMES}
    rows.update(theme_rows)
    return {"tagger": tagger_key(), "measured": "2026-12-05", "documents": 627, "cases": 300,
            "themes": rows}


def test_the_committed_figures_describe_the_current_tagger() -> None:
    stored = load_reliability()
    assert stored is not None, ("data/theme_reliability.json is missing or stale: run "
                                "scr eval-themes --cases 300 --write-reliability")
    assert set(stored["themes"]) == set(CORE_THEMES) and stored["documents"] >= 600
    for row in stored["themes"].values():
        assert 0.0 <= row["recall"] <= 1.0 and 0.0 <= row["precision"] <= 1.0


def test_figures_of_another_tagger_or_a_damaged_file_are_not_shown(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_reliability(record(), tmp_path / "r.json")
    assert load_reliability(path)["documents"] == 627
    path.write_text(json.dumps({**record(), "tagger": "0" * 16}))
    with caplog.at_level(logging.WARNING):
        assert load_reliability(path) is None
    assert "another version of the tagger" in caplog.text
    path.write_text("{not json")
    assert load_reliability(path) is None
    assert load_reliability(tmp_path / "missing.json") is None


def test_a_theme_row_and_its_caution() -> None:
    measured = record(voice_of_child={"precision": 0.9, "recall": 0.45, "f1": 0.6,
                                      "interval": None, "documents": 40},
                      neglect={"precision": 0.7, "recall": 0.9, "f1": 0.79, "interval": None,
                               "documents": 40})
    assert theme_reliability("bruising_non_mobile", measured) is None  # rules only: unmeasured
    assert theme_reliability("neglect", None) is None and caution(None) == ""
    low_recall = caution(theme_reliability("voice_of_child", measured))
    assert "627 synthetic reviews" in low_recall and "found this theme in 45%" in low_recall
    assert "undercount" in low_recall
    assert "read the quoted evidence" in caution(theme_reliability("neglect", measured))
    fine = caution(theme_reliability("domestic_abuse", measured))
    assert "90% of its tags were right" in fine and ";" not in fine
    both = caution({"precision": 0.6, "recall": 0.5, "documents_measured": 627})
    assert "undercount" in both and "read the quoted evidence" in both


@pytest.mark.parametrize("row", [
    {"precision": 0.9, "recall": 0.9, "documents": 12},  # too few test reviews show it
    {"precision": None, "recall": 0.0, "documents": 40},  # never tagged
    {"precision": 0.9, "recall": "high", "documents": 40},
    {"precision": 1.5, "recall": 0.9, "documents": 40},
    {"precision": 0.9, "recall": 0.9},
])
def test_rows_that_say_nothing_reliable_are_not_shown(row: dict) -> None:
    assert theme_reliability("neglect", record(neglect=row)) is None


def test_eval_themes_writes_the_figures(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "reliability.json"
    assert main(["eval-themes", "--cases", "2", "--write-reliability", str(target)]) == 0
    assert f"wrote the per-theme figures to {target}" in capsys.readouterr().out
    written = load_reliability(target)
    assert written["cases"] == 2 and set(written["themes"]) == set(CORE_THEMES)
    assert written["command"].startswith("scr eval-themes --cases 2")
    for theme, row in written["themes"].items():  # two cases: most themes show in none
        if not row["documents"]:
            assert row["recall"] is None and theme_reliability(theme, written) is None
    assert main(["eval-themes", "--blind", str(tmp_path / "kit"), "--write-reliability"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not go with --blind" in err
    assert main(["eval-themes", "--cases", "2", "--write-reliability"]) == 2  # the shown file
    assert "need --cases 300 or more" in capsys.readouterr().err
    missing = tmp_path / "no" / "such" / "dir.json"
    assert main(["eval-themes", "--cases", "1", "--write-reliability", str(missing)]) == 2
    assert capsys.readouterr().err.startswith(f"scr: cannot write {missing}")
