"""The quality gate: a build of the sample web must not score below the committed floors.

tests/eval_baseline.json holds a floor per figure and the sha256 of the sample web's manifest
it was measured on. A change to the generator changes the hash and fails this test until the
baseline is re-measured and committed on purpose: floors never drop silently.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.evaluate import evaluate, gate_failures, gate_figures
from tests.conftest import Build

BASELINE = Path(__file__).with_name("eval_baseline.json")


def manifest_hash(build: Build) -> str:
    return hashlib.sha256((build.sample / "manifest.json").read_bytes()).hexdigest()


def test_gate_holds(full_build: Build) -> None:
    baseline = json.loads(BASELINE.read_text())
    assert baseline["corpus_sha256"] == manifest_hash(full_build), (
        "the sample web changed: re-measure with `scr eval` and update eval_baseline.json")
    failures = gate_failures(evaluate(full_build.data), baseline["floors"])
    assert not failures, "quality regressed:\n" + "\n".join(failures)


def test_gate_covers_every_figure() -> None:
    floors = json.loads(BASELINE.read_text())["floors"]
    example = {"discovery_recall": 1, "discovery_precision": 1, "robots_violations": 0,
               "extraction_status_agreement": 1, "metadata_accuracy": {"year": 1},
               "themes": {"precision": 1, "recall": 1, "f1": 1},
               "known_item": {"top1": 1, "right_page": 1},
               "child_facts": {f: {"accuracy": 1} for f in ("age_months", "gender", "outcome")},
               "cases": {"f1": 1}, "duplicates": {"copies": 7, "folded": 1},
               "recommendations": {"recall": 1, "precision": 1}}
    assert set(gate_figures(example)) <= set(floors) | {"metadata_year"}


@pytest.mark.parametrize("lowered", ["discovery_recall", "themes_f1", "metadata_year",
                                     "robots_clean", "cases_f1"])
def test_gate_fails_when_a_figure_drops(full_build: Build, lowered: str) -> None:
    floors = json.loads(BASELINE.read_text())["floors"]
    scores = evaluate(full_build.data)
    assert not gate_failures(scores, floors)
    if lowered == "discovery_recall":
        scores["discovery_recall"] = floors[lowered] - 0.01
    elif lowered == "themes_f1":
        scores["themes"]["f1"] = floors[lowered] - 0.01
    elif lowered == "metadata_year":
        scores["metadata_accuracy"]["year"] = floors[lowered] - 0.01
    elif lowered == "cases_f1":
        scores["cases"]["f1"] = floors[lowered] - 0.01
    else:
        scores["robots_violations"] = 1
    assert gate_failures(scores, floors)


def test_topic_alignment_with_planted_themes() -> None:
    from app.evaluate import _topic_figures

    # topic 0 carries the documents the generator planted neglect in, topic 1 the others
    docs = {f"d{i}": ({"0": 0.9, "1": 0.1} if i % 2 else {"0": 0.1, "1": 0.9}) for i in range(8)}
    planted = {f"d{i}": (["neglect"] if i % 2 else ["domestic_abuse"]) for i in range(8)}
    model = {"k": 2, "npmi": 0.5, "stability": 0.9, "documents": docs,
             "alignment": {"nmi": 0.0, "matched": 0, "core_themes": {}, "min_r": 0.3}}
    got = _topic_figures(model, planted)["planted"]
    assert got == {"nmi": 1.0, "themes": 2, "matched": 2,
                   "r": {"neglect": 1.0, "domestic_abuse": 1.0}}
    # topics that ignore the planted themes match none of them
    model["documents"] = {d: {"0": 0.5 + 0.01 * (i % 3), "1": 0.5 - 0.01 * (i % 3)}
                          for i, d in enumerate(docs)}
    assert _topic_figures(model, planted)["planted"]["matched"] == 0


def test_theme_scores_against_every_shown_or_only_the_written_for_themes() -> None:
    from app.evaluate import theme_scores

    truth = {"themes": ["unseen_men", "professional_curiosity"], "planted_themes": ["unseen_men"],
             "negated_themes": ["professional_curiosity"]}
    found = {"themes": ["unseen_men", "professional_curiosity"]}
    shown = theme_scores([(truth, found)])
    assert (shown["precision"], shown["recall"]) == (1.0, 1.0)
    assert shown["negated"] == 0  # shown by another passage: not a denied theme
    planted = theme_scores([(truth, found)], "planted_themes")
    assert (planted["precision"], planted["recall"]) == (0.5, 1.0)
