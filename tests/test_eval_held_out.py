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


def test_documents_record_the_held_out_passages_behind_each_theme() -> None:
    from sampleweb.passages import passage_id

    bank = load_passages()
    held = {passage_id(p) for t in bank.themes.values()
            for p in t.held_out + t.held_out_negated + t.held_out_confusers}
    docs = held_out_documents(6)
    for d in docs:
        assert set(d.passages) >= d.themes  # every theme shown rests on a passage
        assert all(ids and ids <= held for ids in d.passages.values())
    again = HeldOutDoc.from_truth(json.loads(json.dumps(docs[0].truth())))
    assert again.passages == docs[0].passages
    old = {k: v for k, v in docs[0].truth().items() if k != "passages"}  # a kit from before
    assert HeldOutDoc.from_truth(old).passages == {}


def test_the_interval_widens_when_a_theme_rests_on_few_passages() -> None:
    # 60 cases; the tagger finds neglect from passage "a" and misses it from passage "b":
    # resampling cases alone sees 60 independent results, resampling passages sees two
    def docs(with_passages: bool) -> list[HeldOutDoc]:
        return [HeldOutDoc(f"c{i}", "full_report", ["x"], {"neglect"}, {"neglect"}, set(),
                           {"neglect": {"ab"[i % 2]}} if with_passages else {})
                for i in range(60)]
    predicted = [{"neglect"} if i % 2 == 0 else set() for i in range(60)]
    cases_only = score(docs(False), predicted)
    two_way = score(docs(True), predicted)
    assert cases_only["f1"] == two_way["f1"] and two_way["passages"] == 2
    width = [r["per_theme"]["neglect"]["interval"][1] - r["per_theme"]["neglect"]["interval"][0]
             for r in (cases_only, two_way)]
    assert width[1] > 2 * width[0]


def test_scr_eval_theme_scores_share_the_metric_and_give_the_held_out_interval() -> None:
    from app.evaluate import theme_scores

    pairs = [({"case": f"c{i // 2}", "themes": ["neglect"], "negated_themes": ["domestic_abuse"],
               "theme_passages": {"neglect": [f"p{i % 5}"], "domestic_abuse": ["q1"]}},
              {"themes": ["neglect"] if i % 3 else ["domestic_abuse"]}) for i in range(30)]
    plain = theme_scores(pairs)
    assert "f1_interval" not in plain and plain["negated"] == 30
    assert plain["negated_tagged_rate"] == round(10 / 30, 4)
    with_ci = theme_scores(pairs, rounds=300)
    low, high = with_ci["f1_interval"]
    assert low < with_ci["f1"] == plain["f1"] < high and with_ci["cases"] == 15
