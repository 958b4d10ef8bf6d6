"""Fast matching of many signal patterns: a pattern is only run on a sentence that has a word
starting the way the pattern must start.

A theme has dozens of patterns (taxonomy + lexicon) and a review thousands of sentences. Each
pattern's possible literal starts are read from its parse tree (the leading literal run,
through leading groups and alternations); the first three letters of each start's first
word are its keys. A sentence is reduced to the first one, two and three letters of each of
its words, and only the patterns with a key among them are run. A pattern whose start is not
literal (a character class, a wildcard) is always run. Common words ("no", "was", "the") make
poor keys: a start's first uncommon word is its key ("no food" is keyed on "foo").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

try:  # Python 3.11+
    import re._parser as _parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse as _parser  # type: ignore[no-redef]

KEY = 3
COMMON = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "for", "from", "had", "has", "have",
    "he", "her", "his", "in", "is", "it", "no", "not", "of", "on", "or", "she", "the", "their",
    "they", "to", "was", "were", "with",
})
_WORD = re.compile(r"[a-z0-9]+")


def _starts(items: list) -> set[str] | None:
    """The literal texts a parsed sequence can start with; None when it can start otherwise."""
    text = ""
    for op, arg in items:
        name = str(op)
        if name == "AT":
            if text:
                break
            continue  # a word boundary or anchor takes no characters
        if name == "LITERAL":
            text += chr(arg).lower()
            continue
        sub: set[str] | None = None
        if name == "SUBPATTERN":
            sub = _starts(list(arg[-1]))
        elif name == "BRANCH":
            sub = set()
            for branch in arg[1]:
                found = _starts(list(branch))
                if found is None:
                    sub = None
                    break
                sub |= found
        if sub:
            return {text + s for s in sub}
        break
    return {text} if text else None


def _keys(pattern: str) -> frozenset[str] | None:
    try:
        starts = _starts(list(_parser.parse(pattern, 0)))
    except Exception:  # noqa: BLE001 - any parser oddity: just always run the pattern
        return None
    if not starts:
        return None
    keys = set()
    for start in starts:
        first = _WORD.match(start)
        if not first or first.start() != 0:
            return None  # starts with a space or a symbol: no word key
        words = _WORD.findall(start)
        # key on the first uncommon word: "no food" runs on sentences with a "foo..." word
        keys.add(next((w for w in words if w not in COMMON), words[0])[:KEY])
    return frozenset(keys)


def sentence_keys(lower: str) -> set[str]:
    """The first one, two and three letters of every word of a lower-cased sentence."""
    out: set[str] = set()
    for word in _WORD.findall(lower):
        out.update((word[:1], word[:2], word[:3]))
    return out


class Signals:
    """A theme's patterns of one strength, compiled case-insensitively with a leading \\b."""

    def __init__(self, patterns: Sequence[str]) -> None:
        unique = list(dict.fromkeys(patterns))
        self.patterns = tuple(re.compile(rf"\b(?:{p})", re.I) for p in unique)
        self.always: list[int] = []
        self.by_key: dict[str, list[int]] = {}
        for i, p in enumerate(unique):
            keys = _keys(p)
            if keys is None:
                self.always.append(i)
            else:
                for key in keys:
                    self.by_key.setdefault(key, []).append(i)

    def __len__(self) -> int:
        return len(self.patterns)

    def matches(self, sentence: str, keys: set[str] | None = None) -> Iterator[re.Match[str]]:
        """Every match of every pattern that can match, in the patterns' order."""
        keys = sentence_keys(sentence.lower()) if keys is None else keys
        chosen = set(self.always)
        by_key = self.by_key
        for key in keys:
            found = by_key.get(key)
            if found:
                chosen.update(found)
        patterns = self.patterns
        for i in sorted(chosen):
            yield from patterns[i].finditer(sentence)
