"""Highlighted snippets: which words of a page a query matched, and the window to show.

The tantivy backend's own snippet generator marks every query term wherever it stands, so
the words of a phrase are marked on their own too ("partner" for "intimate partner
violence"), and it marks neither fuzzy nor wildcard matches. This module marks what matched:

- a single term wherever the page has it (compared as the field analyses it: the stemmed
  ``content`` field by its stem, the ``exact`` field lower-cased);
- the words of a phrase only where they stand together, in order (within the phrase's slop);
- a fuzzy term's words within its edit distance; a wildcard's words matching its pattern;
- nothing under a NOT; a stop word only inside a matched phrase, never alone.

``snippet`` then picks the window that shows the most different matched words (``neglect AND
police`` shows both where a passage has both) and, when a matched word is still missing, adds
a short second window, joined by an ellipsis; matches sit between ``MARK_OPEN`` and
``MARK_CLOSE``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from index.backend import MARK_CLOSE, MARK_OPEN

# tantivy's simple tokenizer: runs of letters and digits
_TOKEN = re.compile(r"[^\W_]+")
BEFORE, WIDTH = 80, 220  # the main window: characters before the lead match, in all
SECOND_BEFORE, SECOND_WIDTH = 40, 120

Normaliser = Callable[[str], str | None]  # a lower-cased word -> its index form (None: none)


@dataclass
class Matches:
    """What a query asks to mark, per field (as the field's analyser writes terms)."""

    terms: dict[str, set[str]] = field(default_factory=dict)
    phrases: list[tuple[str, list[str], int]] = field(default_factory=list)  # field, terms, slop
    fuzzy: list[tuple[str, str, int]] = field(default_factory=list)  # field, term, distance
    patterns: list[str] = field(default_factory=list)  # regexes on lower-cased words

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases or self.fuzzy or self.patterns)


def spans(text: str, matches: Matches, forms: dict[str, Normaliser],
          stop_words: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Character spans of ``text`` that the query matched, in order."""
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    cache: dict[tuple[str, str], str | None] = {}

    def form(name: str, word: str) -> str | None:
        key = (name, word)
        if key not in cache:
            cache[key] = forms[name](word) if name in forms else word
        return cache[key]

    found: set[tuple[int, int]] = set()
    wild = re.compile("|".join(f"(?:{p})" for p in matches.patterns)) if matches.patterns \
        else None
    fuzzy = []
    if matches.fuzzy:
        from rapidfuzz.distance import Levenshtein

        fuzzy = [(name, term, dist, Levenshtein) for name, term, dist in matches.fuzzy]
    for start, end, word in tokens:
        if any(form(name, word) in terms for name, terms in matches.terms.items()) \
                or (wild is not None and wild.fullmatch(word)) \
                or any(lev.distance(form(name, word) or "", term) <= dist
                       for name, term, dist, lev in fuzzy):
            found.add((start, end))
    in_phrase: set[tuple[int, int]] = set()
    for name, terms, slop in matches.phrases:
        seq = [form(name, w) for _, _, w in tokens]
        n = len(terms)
        for i in range(len(tokens)):
            if seq[i] != terms[0]:
                continue
            if slop == 0:
                if seq[i:i + n] == terms:
                    in_phrase.update((s, e) for s, e, _ in tokens[i:i + n])
                continue
            window = seq[i:i + n + slop]
            if all(t in window for t in terms):
                in_phrase.update((s, e) for (s, e, _), f in zip(tokens[i:i + n + slop], window,
                                                                strict=False) if f in terms)
    # a stop word is marked inside a matched phrase ("was not brought"), never alone
    found = {s for s in found if text[s[0]:s[1]].lower() not in stop_words}
    return sorted(found | in_phrase)


def _window(text: str, match: tuple[int, int], before: int, width: int) -> tuple[int, int]:
    """About ``width`` characters around ``match`` (``before`` of them before it), at spaces."""
    start = max(0, match[0] - before)
    while 0 < start < match[0] and not text[start - 1].isspace():
        start += 1  # begin at a word
    end = min(len(text), start + width)
    while match[1] > end or (end < len(text) and not text[end].isspace()):
        end += 1  # end after a word (and after the match)
    return start, end


def _lead(text: str, found: list[tuple[int, int]]) -> tuple[int, int]:
    """The match whose window shows the most different matched words, then the most matches,
    then the earliest."""
    best, best_key = found[0], (0, 0, 0)
    for i, (lo, hi) in enumerate(found):
        stop = max(0, lo - BEFORE) + WIDTH
        inside = [r for r in found[i:] if r[1] <= stop]
        key = (len({text[a:b].lower() for a, b in inside}), len(inside), -lo)
        if key > best_key:
            best, best_key = (lo, hi), key
    return best


def _render(text: str, found: list[tuple[int, int]], start: int, end: int) -> str:
    out, pos = [], start
    for lo, hi in found:
        if lo < pos or hi > end:
            continue
        out += [text[pos:lo], MARK_OPEN, text[lo:hi], MARK_CLOSE]
        pos = hi
    out.append(text[pos:end])
    return "".join(out).strip()


def snippet(text: str, found: list[tuple[int, int]]) -> str | None:
    """The marked window(s) of ``text`` around the ``found`` spans; None when there are none."""
    if not found:
        return None
    parts = [_window(text, _lead(text, found), BEFORE, WIDTH)]
    shown = {text[a:b].lower() for a, b in found if parts[0][0] <= a and b <= parts[0][1]}
    missing = next((r for r in found if text[r[0]:r[1]].lower() not in shown), None)
    if missing is not None:
        second = _window(text, missing, SECOND_BEFORE, SECOND_WIDTH)
        if second[0] >= parts[0][1] or second[1] <= parts[0][0]:
            parts = sorted([*parts, second])
    return " \u2026 ".join(_render(text, found, a, b) for a, b in parts)
