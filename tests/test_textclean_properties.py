"""Property tests for the text cleaners: idempotent, and no word is ever lost."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.textclean import normalise, strip_running_lines

# text with the things the cleaner acts on: hyphens at line ends, ligatures, odd spaces,
# soft hyphens, letter-spaced words, blank-line runs, page numbers
PIECES = st.sampled_from([
    "identi-\nfied", "multi-\nagency", "ﬁnding", "\u00a0", "\u00ad", "\u200b", "H e l l o",
    "\n\n\n", "\n", " ", "Page 3 of 9", "COVID-\n19", "well-\nbeing", "the", "child", "12",
    "\r\n", "\t", "é", "e\u0301",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=30).map("".join)


def _word_chars(text: str) -> str:
    return re.sub(r"\W", "", unicodedata.normalize("NFKC", text))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_normalise_never_loses_a_word_character(text: str) -> None:
    assert _word_chars(normalise(text)) == _word_chars(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_running_lines_only_remove_whole_lines(pages: list[str]) -> None:
    cleaned = strip_running_lines([normalise(p) for p in pages])
    assert len(cleaned) == len(pages)
    for before, after in zip((normalise(p) for p in pages), cleaned, strict=True):
        kept = [line for line in after.split("\n") if line.strip()]
        lines = [line for line in before.split("\n") if line.strip()]
        it = iter(lines)
        assert all(any(line == other for other in it) for line in kept)  # a subsequence
