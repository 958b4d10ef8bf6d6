"""Did-you-mean against an index vocabulary (index/suggest.py). No timed assertions."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("rapidfuzz")

from index.suggest import Speller, max_distance, suggest  # noqa: E402

VOCAB = {
    "neglect": 120, "neglected": 40, "domestic": 90, "abuse": 150, "violence": 80,
    "safeguarding": 200, "paediatrician": 35, "mother": 180, "health": 170, "visitor": 60,
    "visitors": 30, "hartlepool": 1, "negligent": 2, "abusive": 25, "board": 100,
}


def test_fixes_a_transposition() -> None:
    assert suggest("negelct", VOCAB) == "neglect"


def test_fixes_a_word_of_a_query_and_keeps_the_rest() -> None:
    assert suggest("domestc abuse", VOCAB) == "domestic abuse"
    assert suggest("safegaurding AND violnce", VOCAB) == "safeguarding AND violence"


def test_words_inside_phrases_are_fixed_one_by_one() -> None:
    assert suggest('"domestc violnce" OR neglect', VOCAB) == '"domestic violence" OR neglect'


def test_correct_queries_give_none() -> None:
    assert suggest("neglect", VOCAB) is None
    assert suggest("domestic abuse AND mother", VOCAB) is None
    assert suggest("", VOCAB) is None
    assert suggest("   ", VOCAB) is None


def test_field_terms_operators_wildcards_and_acronyms_are_skipped() -> None:
    assert suggest("board:Hartlepol", VOCAB) is None
    assert suggest("year:[2015 TO 2019]", VOCAB) is None
    assert suggest("negelct* OR negelct~", VOCAB) is None
    assert suggest("CAMHS AND NOT neglect", VOCAB) is None
    assert suggest("board:Hartlepol negelct", VOCAB) == "board:Hartlepol neglect"


def test_short_and_stop_words_are_left_alone() -> None:
    assert suggest("the abse", VOCAB) == "the abuse"  # 4 letters: one edit
    assert suggest("from with", VOCAB) is None
    assert suggest("abu", VOCAB) is None


def test_nothing_close_enough_gives_none() -> None:
    assert suggest("zzzzzzzz", VOCAB) is None
    assert max_distance(3) == 0 and max_distance(5) == 1 and max_distance(6) == 2


def test_rare_words_yield_only_to_much_more_frequent_terms() -> None:
    assert suggest("hartlepool", VOCAB) is None  # known, nothing near and frequent
    assert suggest("negligent", VOCAB) is None  # rare but nothing 20x as frequent within 2
    assert suggest("neglact", {**VOCAB, "neglact": 1}) == "neglect"  # 1 vs 120


def test_prefers_smaller_distance_then_frequency() -> None:
    vocab = {"visitor": 60, "visitors": 30, "monitor": 500}
    assert suggest("vistor", vocab) == "visitor"
    assert suggest("abcdefx", {"abcdefg": 5, "abcdefh": 50}) == "abcdefh"


def test_case_of_the_query_word_is_kept() -> None:
    assert suggest("Negelct", VOCAB) == "Neglect"


def test_a_normaliser_counts_inflected_words_as_known() -> None:
    stemmed = {"neglect": 10}
    assert Speller(stemmed).suggest("neglects") == "neglect"
    assert Speller(stemmed, normalise=lambda w: w.rstrip("s")).suggest("neglects") is None


def test_a_speller_is_reusable() -> None:
    speller = Speller(VOCAB)
    assert speller.suggest("negelct") == "neglect"
    assert speller.suggest("domestc") == "domestic"


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_never_raises(text: str) -> None:
    out = Speller(VOCAB).suggest(text)
    assert out is None or isinstance(out, str)
