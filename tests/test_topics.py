"""The topic model and its quality measures on small synthetic corpora."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from analysis.topic_quality import (
    match_topics,
    npmi_coherence,
    npmi_pair,
    theme_alignment,
    topic_stability,
)
from analysis.topics import (
    Unit,
    drop_boilerplate,
    fit_topic_model,
    fit_topics,
    name_stop_words,
    paragraph_units,
)

PLANTED = {
    "housing": "eviction arrears tenancy landlord hostel mould overcrowded homeless rent bailiffs",
    "drugs": "heroin methadone cannabis overdose dealer addiction detox alcohol relapse opiate",
    "school": "attendance truancy exclusion pupil teacher classroom timetable homework term lesson",
    "sleep": "cosleeping cot mattress bedtime swaddle infant sofa cradle nap overlay",
    "online": "grooming phone messages snapchat images webcam chatroom online app stranger",
}
FILLER = ["meeting", "referral", "plan", "visit", "assessment", "concern", "contact", "record",
          "decision", "support"]


def planted_corpus(n_docs: int = 60, seed: int = 0) -> tuple[list[Unit], dict[str, list[str]]]:
    rng = np.random.default_rng(seed)
    names = list(PLANTED)
    units, themes = [], {}
    for d in range(n_docs):
        doc = f"doc{d:03d}"
        chosen = [names[d % len(names)]]
        themes[doc] = chosen
        for page in range(1, 4):
            words = PLANTED[chosen[0]].split()
            text = " ".join(rng.choice(words, 30).tolist() + rng.choice(FILLER, 8).tolist())
            units.append(Unit(doc, page, text))
    return units, themes


def test_npmi_extremes() -> None:
    assert npmi_pair(10, 10, 10, 100) == pytest.approx(1.0)
    assert npmi_pair(10, 10, 0, 100) == -1.0
    assert npmi_pair(50, 20, 10, 100) == pytest.approx(0.0)  # independent: p(ab) = p(a) p(b)
    # terms 0 and 1 always together, term 2 never with them
    m = csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]]))
    assert npmi_coherence([[0, 1]], m) == [pytest.approx(1.0)]
    assert npmi_coherence([[0, 2]], m) == [pytest.approx(-1.0)]
    assert npmi_coherence([[0, 1, 2]], m)[0] == pytest.approx((1 - 1 - 1) / 3)


def test_stability_and_matching() -> None:
    run = [["a", "b", "c"], ["d", "e", "f"]]
    assert topic_stability([run, run, run]) == 1.0
    assert topic_stability([run, list(reversed(run))]) == 1.0  # order of topics is irrelevant
    score, pairs = match_topics(run, [["d", "e", "x"], ["a", "b", "c"]])
    assert score == pytest.approx((1 + 0.5) / 2)
    assert sorted(pairs)[0][:2] == (0, 1)
    assert topic_stability([run, [["x", "y", "z"], ["u", "v", "w"]]]) == 0.0


def test_alignment_finds_the_matching_topic() -> None:
    doc_topics = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8]])
    themes = {"a": ["t1"], "b": ["t1"], "c": ["t2"], "d": ["t2"]}
    out = theme_alignment(["a", "b", "c", "d"], doc_topics, themes, ["t1", "t2"])
    assert out["themes"]["t1"]["topic"] == 0 and out["themes"]["t2"]["topic"] == 1
    assert out["themes"]["t1"]["r"] > 0.95
    assert out["nmi"] == pytest.approx(1.0)


def test_paragraph_units_and_boilerplate() -> None:
    pages = ["Heading\n\n" + "word " * 25 + "\n\nshort tail", "tiny"]
    units = paragraph_units([("d1", pages)])
    assert len(units) == 1 and units[0].page == 1
    assert units[0].text.startswith("Heading word") and units[0].text.endswith("short tail")
    same = "The full report is available on the partnership website of {}."
    many = [Unit(f"d{i}", 1, same.format(f"Board{i}")) for i in range(10)]
    own = [Unit("d0", 2, "a paragraph only this document has")]
    kept = drop_boilerplate(many + own, doc_share=0.1, min_docs=5)
    assert kept == own


def test_name_stop_words() -> None:
    texts = ["The mother moved to Brackenhurst. Staff in Brackenhurst knew her.",
             "A visit to Brackenhurst followed. The visit was late."]
    names = name_stop_words(texts)
    assert "brackenhurst" in names and "visit" not in names and "the" not in names


def test_planted_topics_recovered() -> None:
    units, themes = planted_corpus()
    labels = {t: t.title() for t in PLANTED}
    model = fit_topic_model(units, themes, labels, ks=(3, 5, 8), core_themes=list(PLANTED))
    assert model["k"] == 5
    assert model["stability"] >= 0.8
    assert model["npmi"] > 0.2
    assert {c["k"] for c in model["selection"]["candidates"]} == {3, 5, 8}
    best = {t: a["topic"] for t, a in model["alignment"]["core_themes"].items()}
    assert sorted(best.values()) == list(range(5))  # one distinct topic per planted theme
    assert model["alignment"]["matched"] == 5 and model["alignment"]["nmi"] > 0.9
    for topic in model["topics"]:
        theme = topic["themes"][0]["id"]
        planted = set(PLANTED[theme].split())
        assert len({t["term"] for t in topic["terms"][:5]} & planted) == 5
        assert len(topic["passages"]) == 3 and len(topic["terms"]) == 10
        assert all(len(p["text"]) <= 300 and p["page"] for p in topic["passages"])
    doc = model["documents"]["doc000"]
    assert sum(doc.values()) == pytest.approx(1.0, abs=0.01)


def test_fit_topics_compatible() -> None:
    units, _ = planted_corpus(40)
    pages = [(u.doc_id, u.text) for u in units]
    model = fit_topics(pages, n_topics=5)
    assert model["k"] == 5 and len(model["topics"]) == 5
    assert all(len(t["terms"]) == 10 and t["documents"] for t in model["topics"])
    assert fit_topics(pages[:3])["topics"] == []
