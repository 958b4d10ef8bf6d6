"""The held-out theme evaluation: composed documents, bootstrap intervals, the CLI."""

from __future__ import annotations

import json

import pytest

from app.eval_held_out import HeldOutDoc, evaluate_held_out, held_out_documents, score
from sampleweb.passages import load_passages
from sampleweb.wording import fill


def test_documents_are_composed_from_held_out_passages_only() -> None:
    docs = held_out_documents(6)
    assert len({d.case for d in docs}) == 6 and len(docs) >= 6
    bank = load_passages()
    tuning = [p for t in bank.themes.values() for p in t.present if len(p) > 80]
    held = [p for t in bank.themes.values() for p in t.held_out if len(p) > 80]
    text = "\n".join(d.pages[0] for d in docs)
    # placeholders are filled per case, so compare a stretch without them
    def stretch(p: str) -> str:
        return max(fill(p, {}).split("{"), key=len)[:60]
    assert any(stretch(p) in text for p in held)
    assert not any(stretch(p) in text for p in tuning if len(stretch(p)) >= 40)
    for d in docs:
        assert d.planted <= d.themes and not d.denied & d.themes


def test_score_intervals_cover_the_figure_and_count_cases_not_documents() -> None:
    docs = [HeldOutDoc(f"c{i // 2}", "full_report", ["x"], {"neglect"}, {"neglect"}, set())
            for i in range(40)]
    perfect = score(docs, [{"neglect"}] * 40)
    assert perfect["f1"] == 1.0 and perfect["f1_interval"] == [1.0, 1.0]
    assert perfect["cases"] == 20 and perfect["documents"] == 40
    half = score(docs, [{"neglect"} if i % 4 < 2 else set() for i in range(40)])
    low, high = half["f1_interval"]
    assert low < half["f1"] < high and half["recall"] == 0.5
    assert half["per_theme"]["neglect"]["documents"] == 40


def test_denied_themes_tagged_are_counted() -> None:
    docs = [HeldOutDoc("a", "briefing", ["x"], {"neglect"}, {"neglect"}, {"domestic_abuse"}),
            HeldOutDoc("b", "briefing", ["x"], {"neglect"}, {"neglect"}, {"domestic_abuse"})]
    got = score(docs, [{"neglect", "domestic_abuse"}, {"neglect"}])
    assert got["denied"] == 2 and got["denied_tagged_rate"] == 0.5


def test_evaluate_with_a_tagger_that_reads_the_text() -> None:
    # a tagger that knows nothing scores zero recall; one given the truth scores one
    result = evaluate_held_out(4, tagger=lambda pages: set())
    assert result["shown"]["recall"] == 0.0
    docs = held_out_documents(4)
    truth = {d.pages[0]: d.themes for d in docs}
    result = evaluate_held_out(4, tagger=lambda pages: truth[pages[0]])
    assert result["shown"]["f1"] == 1.0
    assert result["planted"]["precision"] <= 1.0


def test_cli_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    assert main(["eval-themes", "--cases", "3", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert set(got) == {"shown", "planted"} and got["shown"]["cases"] == 3
