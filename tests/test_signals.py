"""Signals: the word-key prefilter must find exactly what running every pattern finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.signals import Signals, _keys
from analysis.taxonomy import load_taxonomy


def test_keys_come_from_the_pattern_start() -> None:
    assert _keys("bruis(e|es|ed|ing)") == {"bru"}
    assert _keys("(mr|father|partner) .{0,30}absent") == {"mr", "fat", "par"}
    assert _keys("no food in the (house|home)") == {"foo"}  # "no" is too common a key
    assert _keys("(was|were) not brought") == {"was", "wer"}  # a group ends the start
    assert _keys(".{0,3}x") is None and _keys("[a-z]+ing") is None  # always run


def _naive(patterns: tuple[re.Pattern[str], ...], text: str) -> list[tuple[int, str]]:
    return sorted((m.start(), m.group(0)) for p in patterns for m in p.finditer(text))


WORDS = ["no", "food", "bruise", "bruising", "was", "not", "brought", "to", "clinic", "the",
         "father", "Mr", "K", "absent", "cot", "sofa", "alcohol", "drank", "heroin", "refuge",
         "police", "called", "school", "excluded", "interpreter", "depression", "PEG", "fed"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
def test_prefilter_finds_what_every_pattern_finds(words: list[str]) -> None:
    text = " ".join(words) + "."
    for theme in load_taxonomy():
        for signals in (theme.strong, theme.weak):
            got = sorted((m.start(), m.group(0)) for m in signals.matches(text))
            assert got == _naive(signals.patterns, text)


def test_real_sentences_agree_with_running_every_pattern() -> None:
    sentences = [
        "The health visitor saw that the baby had a bruise on her cheek and no food in the flat.",
        "Mr K was not present at any visit; the father had not been seen by any agency.",
        "She had been drinking heavily and was found asleep on the sofa with the baby.",
        "Child T was excluded from school twice and was often absent on Mondays.",
    ]
    signals = Signals(["bruis(e|es|ed|ing)", "no food", "(was|were) not (present|seen)",
                       "asleep on the sofa", "excluded", ".{0,5}absent"])
    for s in sentences:
        assert sorted((m.start(), m.group(0)) for m in signals.matches(s)) == \
            _naive(signals.patterns, s)
