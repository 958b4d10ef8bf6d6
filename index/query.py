"""From what a researcher types to what a backend searches.

``prepare_query`` does, in order:

1. repairs: an unbalanced quote or unbalanced parentheses are dropped, with a one-line warning
   (the search still runs, best effort);
2. exact phrases: a "quoted phrase" that is not a synonym variant searches the unstemmed
   ``exact`` field (and the title), so ``"neglected children"`` does not also find
   "neglecting child" while the bare words ``neglected children`` do (stemmed ``content``);
3. synonyms, acronyms and UK/US spellings (``data/synonyms.toml``, :mod:`index.synonyms`):
   ``DV`` searches ``(DV OR DA OR "domestic violence" OR ...)``; the variants are searched
   stemmed, so "health visitors" also finds "health visitor";
4. field syntax, outside quoted phrases: ``year:2015..2019`` becomes ``year:[2015 TO 2019]``
   (``year:2019..`` is open-ended); aliases ``theme:``, ``type:`` and ``doctype:`` name the
   indexed fields; a ``year:`` term that is no year is dropped with a warning.

``synonyms=False`` (``scr search --exact``) skips step 3: every word is searched as typed
(stemmed), every phrase exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.synonyms import expand_query as _expand
from index.synonyms import load_synonyms, split_query
from ingest.errors import QueryError

ALIASES = {"theme": "themes", "type": "review_type", "doctype": "doc_type", "doc": "doc_type",
           "doc_type": "doc_type", "review": "review_type"}


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as searched (after repairs, exact phrases, synonyms and aliases)
    warning: str | None  # what was repaired, for a one-line message
    typed: str = ""  # the query after repairs only: what did-you-mean corrects


def _repair(raw: str) -> tuple[str, str | None]:
    text = raw.strip()
    if not text:
        raise QueryError("empty query: give words, a \"phrase\" or field:value terms")
    warning = None
    if text.count('"') % 2:
        text = text[::-1].replace('"', "", 1)[::-1]
        warning = "unbalanced quote: the last \" was ignored"
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        text = text.replace("(", " ").replace(")", " ")
        warning = "unbalanced parentheses: they were ignored"
    return text, warning


def _exact_phrases(text: str, synonyms: bool) -> str:
    """Quoted phrases (not synonym variants when ``synonyms``) sent to the exact field."""
    syn = None
    if synonyms:
        try:
            syn = load_synonyms()
        except (OSError, ValueError):
            syn = None
    out = []
    for tok in split_query(text):
        inner = tok.text[1:-1].strip() if tok.kind == "phrase" else ""
        if not inner:
            out.append(tok.text)
            continue
        if syn is not None and (syn.group_of(inner) is not None
                                or (" " not in inner and len(syn.spellings(inner)) > 1)):
            out.append(tok.text)  # left for the synonym expansion
            continue
        phrase = '"' + inner + '"'
        out.append(f"(exact:{phrase} OR title:{phrase}^2)")
    return "".join(out)


def prepare_query(raw: str, synonyms: bool = True) -> ParsedQuery:
    """The query to search, with a warning when it had to be repaired (see the module doc)."""
    text, warning = _repair(raw)
    typed = text
    text = _exact_phrases(text, synonyms)
    if synonyms:
        text = _expand(text)
    text, dropped = _fields(text)
    if dropped:
        warning = (f"{', '.join(dropped)}: not a year or a range such as year:2015..2019; "
                   "ignored")
    return ParsedQuery(text, warning, typed)


_RANGE = re.compile(r"^(\w+):(\d{4})?\.\.(\d{4})?$")
_FIELD = re.compile(r"^(\w+):")
_YEAR_VALUE = re.compile(r"^(\d{1,4}|[\[{].*[\]}])$")


def _fields(text: str) -> tuple[str, list[str]]:
    """Field aliases and ``year:2015..2019`` ranges (either end open) rewritten, outside quoted
    phrases only ("Review: Child X" stays as typed); a year term that is no year is dropped."""
    out, dropped = [], []
    for tok in split_query(text):
        if tok.kind not in ("raw", "word") or tok.text.startswith('"'):
            out.append(tok.text)
            continue
        word = tok.text
        m = _RANGE.match(word)
        if m and (m[2] or m[3]):
            # an unknown year is indexed as 0: an open start must not take it in
            word = f"{m[1]}:[{m[2] or 1} TO" + (f" {m[3]}]" if m[3] else "]")
        head, quote, rest = word.partition('"')  # field:"value": only the field is renamed
        head = _FIELD.sub(lambda f: ALIASES.get(f[1].lower(), f[1]) + ":", head)
        word = head + quote + rest
        if word.startswith("year:") and not quote and not _YEAR_VALUE.match(word[5:]):
            dropped.append(tok.text)
            continue
        out.append(word)
    return "".join(out), dropped
