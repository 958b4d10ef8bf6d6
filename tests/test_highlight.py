"""Which words a snippet marks, and which window it shows (index/highlight.py)."""

from __future__ import annotations

from index.backend import MARK_CLOSE, MARK_OPEN
from index.highlight import Matches, snippet, spans

STOP = frozenset({"and", "of", "the"})


def stem(word: str) -> str:  # a toy stemmer: enough to tell stems from exact words
    return word.removesuffix("s").removesuffix("ing")


FORMS = {"content": stem, "exact": str.lower}


def marked(text: str, matches: Matches) -> list[str]:
    return [text[a:b] for a, b in spans(text, matches, FORMS, STOP)]


def test_phrase_words_are_marked_only_together() -> None:
    text = "Her partner was violent. Intimate partner violence was reported twice."
    m = Matches(phrases=[("content", ["intimate", "partner", "violence"], 0)])
    assert marked(text, m) == ["Intimate", "partner", "violence"]


def test_terms_by_stem_and_exact_words_as_written() -> None:
    text = "Neglecting the children; neglect was chronic. Children were seen."
    assert marked(text, Matches(terms={"content": {"neglect"}})) == ["Neglecting", "neglect"]
    assert marked(text, Matches(terms={"exact": {"neglect"}})) == ["neglect"]


def test_fuzzy_wildcard_and_stop_words() -> None:
    text = "She was sleeping; safer sleep advice and the negelct were recorded."
    assert marked(text, Matches(patterns=["sleep.*"])) == ["sleeping", "sleep"]
    assert marked(text, Matches(fuzzy=[("exact", "neglect", 2)])) == ["negelct"]
    assert marked(text, Matches(fuzzy=[("exact", "neglect", 1)])) == []
    phrase = Matches(phrases=[("exact", ["advice", "and", "the"], 0)])
    assert marked(text, phrase) == ["advice", "and", "the"]  # inside a matched phrase
    assert marked(text, Matches(terms={"exact": {"and", "the"}})) == []  # never alone


def test_snippet_shows_both_words_of_an_and_query_far_apart() -> None:
    text = "Neglect was noted. " + "Filler words follow here. " * 30 + "Police attended."
    found = spans(text, Matches(terms={"content": {"neglect", "police"}}), {"content": str.lower})
    out = snippet(text, found)
    assert out is not None and " \u2026 " in out
    assert f"{MARK_OPEN}Neglect{MARK_CLOSE}" in out and f"{MARK_OPEN}Police{MARK_CLOSE}" in out
    assert len(out) < len(text)
    assert snippet(text, []) is None
