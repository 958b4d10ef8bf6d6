"""Query-time synonyms, acronyms and UK/US spelling variants (``data/synonyms.toml``).

``expand_query`` rewrites a query in whoosh/Lucene syntax so that a term matching a synonym
group is searched as all of its variants::

    DV AND neglect  ->  (DV OR DA OR DVA OR "domestic violence" OR ...) AND (neglect OR ...)

Rules (the file's header documents its format):

- A bare word, a run of bare words separated only by spaces, or a whole ``"quoted phrase"``
  is expanded when it equals a variant of a group (longest run first). Matching ignores case,
  hyphens and commas, and a final plural "s" of the query. Acronyms (variants without a
  lower-case letter) only ever match whole tokens, so "dv" inside a word never matches; "dv"
  on its own does (whoosh lower-cases the index anyway), except for the ``exact_case``
  acronyms that are ordinary words in lower case ("MASH" but not "mash").
- A single bare word (or one-word phrase) with a UK/US spelling variant becomes
  ``(behaviour OR behavior)``.
- Never touched: field terms (``board:X``, ``title:"..."``, ``title:(...)``), ranges
  (``year:[2015 TO 2019]``, ``year:2015..2019``), operators (AND, OR, NOT, ANDNOT, ANDMAYBE),
  wildcards and fuzzy or boosted terms (``neglect*``, ``negelct~``, ``x^2``), phrases with a
  slop or boost, words inside a phrase that is not a whole variant, an unterminated quote, and
  parentheses. A parenthesised OR of variants (an earlier expansion) is copied as it is, so
  expanding twice gives the same text.

``split_query`` is the small lexer both this module and ``index.suggest`` use. Nothing here
raises on a query; only loading a malformed synonym file does.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "synonyms.toml"

OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
# canonical inflection suffixes of the [spelling] table (see the file's header)
SUFFIXES = ("s", "es", "ed", "er", "ers", "ing", "al", "ally", "ian", "ians", "ic", "ics",
            "ist", "ists", "ly", "ful")
_E_DROP = frozenset({"ed", "er", "ers", "ing"})  # suffixes that replace a final "e"
_MAX_RUN = 8  # longest run of bare words tried against the groups
_BARE = re.compile(r"\w+")
_STRIP = ".,;!?"

Kind = Literal["ws", "word", "phrase", "open", "close", "raw"]


@dataclass(frozen=True)
class Token:
    """A piece of a query: ``word`` and ``phrase`` may be rewritten, all else is kept as is.

    ``raw`` covers operators, field terms, ranges, wildcard/fuzzy/boosted terms, phrases with
    a slop or boost and an unterminated quote.
    """

    kind: Kind
    text: str


@dataclass
class Synonyms:
    """The loaded file: groups of variants and spelling families, indexed for lookup."""

    groups: list[tuple[str, ...]] = field(default_factory=list)
    by_key: dict[tuple[str, ...], int] = field(default_factory=dict)  # case-folded key
    by_exact: dict[str, int] = field(default_factory=dict)  # exact_case acronyms
    exact_lower: frozenset[str] = frozenset()  # lower-case forms that must not match
    spelling: dict[str, tuple[str, ...]] = field(default_factory=dict)  # member -> family

    def group_of(self, text: str) -> int | None:
        """The group a word or phrase belongs to as a whole, or None."""
        stripped = text.strip().strip(_STRIP)
        for candidate in (stripped, stripped[:-1] if stripped.endswith("s") else None):
            if candidate and candidate in self.by_exact:
                return self.by_exact[candidate]
        key = _key(text)
        if not key:
            return None
        for k in _plural_keys(key):
            if len(k) == 1 and k[0] in self.exact_lower:
                continue
            if k in self.by_key:
                return self.by_key[k]
        return None

    def alternatives(self, text: str) -> list[str] | None:
        """What a word or phrase is searched as: its group's variants, else its spelling family
        (a single word), else None."""
        gid = self.group_of(text)
        if gid is not None:
            return list(self.groups[gid])
        spelt = self.spellings(text) if " " not in text.strip() else []
        return spelt if len(spelt) > 1 else None

    def spellings(self, word: str) -> list[str]:
        """The UK/US spellings of one word (the word first), or [] when it has none."""
        low = word.strip(_STRIP).lower()
        if not low or not low.isalpha():
            return []
        if low in self.spelling:
            return _dedupe([word.strip(_STRIP), *self.spelling[low]])
        for stem_len in range(len(low) - 1, 2, -1):
            stem, rest = low[:stem_len], low[stem_len:]
            for member, suffix in ((stem, rest), (stem + "e", _vowel_suffix(rest))):
                if suffix in SUFFIXES and member in self.spelling:
                    family = self.spelling[member]
                    return _dedupe([word.strip(_STRIP), *(_inflect(v, suffix) for v in family)])
        return []


def _vowel_suffix(rest: str) -> str:
    """``organis|ing`` is ``organise`` + ``ing``; ``centr|ed`` is ``centre`` + ``ed``."""
    return rest if rest in _E_DROP else ""


def _inflect(stem: str, suffix: str) -> str:
    if suffix in _E_DROP and stem.endswith("e"):
        return stem[:-1] + suffix
    return stem + suffix


def _key(text: str) -> tuple[str, ...]:
    words = re.split(r"[\s,\-\u2010-\u2014]+", text.lower())
    return tuple(w.strip(_STRIP) for w in words if w.strip(_STRIP))


def _plural_keys(key: tuple[str, ...]) -> list[tuple[str, ...]]:
    keys = [key]
    last = key[-1]
    if len(last) > 4 and last.endswith("ies"):
        keys.append((*key[:-1], last[:-3] + "y"))
    if len(last) > 2 and last.endswith("s") and not last.endswith("ss"):
        keys.append((*key[:-1], last[:-1]))
    return keys


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


def parse_synonyms(data: dict) -> Synonyms:
    """Build the lookup tables from the TOML document; raises ValueError when it is malformed."""
    syn = Synonyms()
    exact = set((data.get("options") or {}).get("exact_case", []))
    for name, variants in (data.get("groups") or {}).items():
        if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
            raise ValueError(f"synonym group {name!r}: expected a list of strings")
        gid = len(syn.groups)
        kept: list[str] = []
        seen_keys: set[tuple[str, ...]] = set()
        for variant in variants:
            variant = variant.strip()
            key = _key(variant)
            if not key or '"' in variant or variant in OPERATORS:
                raise ValueError(f"synonym group {name!r}: bad variant {variant!r}")
            if variant in exact:
                if variant in syn.by_exact:
                    raise ValueError(f"{variant!r} is in two synonym groups")
                syn.by_exact[variant] = gid
            else:
                owner = syn.by_key.get(key)
                if owner is not None and owner != gid:
                    raise ValueError(f"{variant!r} is in two synonym groups")
                syn.by_key[key] = gid
            if key not in seen_keys or variant in exact:
                seen_keys.add(key)
                kept.append(variant)
        syn.groups.append(tuple(kept))
    unknown = exact - set(syn.by_exact)
    if unknown:
        raise ValueError(f"exact_case names no group variant: {sorted(unknown)}")
    syn.exact_lower = frozenset(v.lower() for v in exact)
    for british, others in (data.get("spelling") or {}).items():
        family = (british, *others) if isinstance(others, list) else ()
        if not family or not all(isinstance(w, str) and w.isalpha() for w in family):
            raise ValueError(f"spelling {british!r}: expected a list of single words")
        family = tuple(w.lower() for w in family)
        for member in family:
            if member in syn.spelling:
                raise ValueError(f"spelling {member!r} is in two families")
            syn.spelling[member] = family
    return syn


@lru_cache(maxsize=8)
def load_synonyms(path: Path | str | None = None) -> Synonyms:
    """The synonym file (default ``data/synonyms.toml``), parsed once per path."""
    with open(path or DEFAULT_PATH, "rb") as fh:
        return parse_synonyms(tomllib.load(fh))


# -- the lexer --------------------------------------------------------------------------------

def _close_of(text: str, i: int) -> int:
    """Index just past the construct opening at ``text[i]`` ("...", (...), [...], {...})."""
    n = len(text)
    opener = text[i]
    if opener == '"':
        j = text.find('"', i + 1)
        return n if j < 0 else j + 1
    if opener in "[{":
        j = min((k for k in (text.find("]", i + 1), text.find("}", i + 1)) if k >= 0),
                default=-1)
        return n if j < 0 else j + 1
    depth, j = 0, i
    while j < n:
        ch = text[j]
        if ch == '"':
            j = _close_of(text, j)
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        j += 1
        if depth == 0:
            return j
    return n


def _suffix_end(text: str, j: int) -> int:
    """Extend past a slop or boost (``~2``, ``^3``) right after a phrase or group."""
    while j < len(text) and not text[j].isspace() and text[j] not in '()"':
        j += 1
    return j


def split_query(text: str) -> list[Token]:
    """Split a query into tokens whose texts concatenate back to exactly ``text``."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            tokens.append(Token("ws", text[i:j]))
        elif ch in "()":
            j = i + 1
            tokens.append(Token("open" if ch == "(" else "close", ch))
        elif ch == '"':
            j = _close_of(text, i)
            if j == n and (j - i < 2 or not text.endswith('"')):
                tokens.append(Token("raw", text[i:j]))  # unterminated quote
            else:
                k = _suffix_end(text, j)
                tokens.append(Token("phrase" if k == j else "raw", text[i:k]))
                j = k
        elif ch in "[{":
            j = _suffix_end(text, _close_of(text, i))
            tokens.append(Token("raw", text[i:j]))
        else:
            j, is_field = i, False
            while j < n and not text[j].isspace() and text[j] not in '()"':
                if text[j] == ":" and j + 1 < n and text[j + 1] in '"([{':
                    j = _suffix_end(text, _close_of(text, j + 1))
                    is_field = True
                    break
                j += 1
            word = text[i:j]
            special = (is_field or ":" in word or word in OPERATORS or word[0] in "'+-!"
                       or any(c in word for c in "*?~^[]{}") or not _BARE.search(word))
            tokens.append(Token("raw" if special else "word", word))
        i = j
    return tokens


# -- expansion --------------------------------------------------------------------------------

def _render(variant: str) -> str:
    return variant if re.fullmatch(r"\w+", variant) else f'"{variant}"'


def _needed(variants: list[str] | tuple[str, ...]) -> list[str]:
    """The variants less those holding another as whole words ("child neglect" has "neglect").

    They find nothing more in an OR, and their extra words would be highlighted on their own.
    """
    words = [re.sub(r"[-,]", " ", v).lower().split() for v in variants]

    def holds(a: list[str], b: list[str]) -> bool:
        return len(b) < len(a) and any(a[i:i + len(b)] == b for i in range(len(a) - len(b) + 1))

    return [v for v, a in zip(variants, words, strict=True)
            if not any(holds(a, b) for b in words if b)]


def _alternation(variants: list[str] | tuple[str, ...]) -> str:
    return "(" + " OR ".join(_render(v) for v in _needed(variants)) + ")"


def _is_expansion(tokens: list[Token], syn: Synonyms) -> bool:
    """True for the inside of ``( a OR "b c" OR d )``: variants of one group or one spelling."""
    items = [t for t in tokens if t.kind != "ws"]
    if len(items) < 3 or len(items) % 2 == 0:
        return False
    if any(t.text != "OR" for t in items[1::2]):
        return False
    terms = items[0::2]
    if not all(t.kind in ("word", "phrase") for t in terms):
        return False
    texts = [t.text[1:-1] if t.kind == "phrase" else t.text for t in terms]
    groups = {syn.group_of(x) for x in texts}
    if len(groups) == 1 and None not in groups:
        return True
    family = {w.lower() for w in syn.spellings(texts[0])}
    return len(family) > 1 and all(x.lower() in family for x in texts)


def _matching_close(tokens: list[Token], start: int) -> int | None:
    depth = 0
    for k in range(start, len(tokens)):
        depth += {"open": 1, "close": -1}.get(tokens[k].kind, 0)
        if depth == 0:
            return k
    return None


def expand_query(text: str, synonyms: Synonyms | None = None) -> str:
    """The query with every synonym, acronym or spelling match replaced by an OR of variants.

    Returns ``text`` unchanged when nothing matches; never raises on any string.
    """
    try:
        syn = synonyms if synonyms is not None else load_synonyms()
    except (OSError, ValueError):
        return text
    if not isinstance(text, str) or not text:
        return text
    tokens = split_query(text)
    out: list[str] = []
    changed = False
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if tok.kind == "open":
            end = _matching_close(tokens, k)
            if end is not None and _is_expansion(tokens[k + 1:end], syn):
                out.extend(t.text for t in tokens[k:end + 1])
                k = end + 1
                continue
        if tok.kind == "phrase":
            alternatives = syn.alternatives(tok.text[1:-1])
            out.append(_alternation(alternatives) if alternatives else tok.text)
            changed = changed or bool(alternatives)
            k += 1
            continue
        if tok.kind != "word":
            out.append(tok.text)
            k += 1
            continue
        # a run of bare words separated by whitespace only: positions of its words
        run = [k]
        while (len(run) < _MAX_RUN and run[-1] + 2 < len(tokens)
               and tokens[run[-1] + 1].kind == "ws" and tokens[run[-1] + 2].kind == "word"):
            run.append(run[-1] + 2)
        for size in range(len(run), 0, -1):
            phrase = " ".join(tokens[p].text for p in run[:size])
            gid = syn.group_of(phrase)
            if gid is not None:
                out.append(_alternation(syn.groups[gid]))
                changed = True
                k = run[size - 1] + 1
                break
        else:  # no group: perhaps UK/US spellings
            alternatives = syn.alternatives(tok.text)
            out.append(_alternation(alternatives) if alternatives else tok.text)
            changed = changed or bool(alternatives)
            k += 1
    return "".join(out) if changed else text


def variants(term: str, synonyms: Synonyms | None = None) -> list[str]:
    """Every variant of a word or phrase (its group's, or its spellings), else ``[term]``."""
    try:
        syn = synonyms if synonyms is not None else load_synonyms()
    except (OSError, ValueError):
        return [term]
    gid = syn.group_of(term)
    if gid is not None:
        return list(syn.groups[gid])
    spelt = syn.spellings(term) if " " not in term.strip() else []
    return spelt or [term]
