"""Clean extracted text: Unicode folding, de-hyphenation and running header/footer removal.

Pure functions, no I/O. :func:`normalise` works on the text of one page (or one HTML/DOCX
document); :func:`strip_running_lines` works across the pages of one PDF.

De-hyphenation rule (a line ending in ``word-`` followed by a line starting with a word):

1. the next line starts with a capital or a digit ("Anglo-", "Saxon"; "COVID-", "19"): keep the
   hyphen, drop the line break;
2. the joined word occurs elsewhere in the text ("identified"): join;
3. the hyphenated compound occurs elsewhere in the text ("multi-agency"): keep the hyphen;
4. the first part is a common compound-forming word ("well-", "self-", "non-", "co-", "multi-"):
   keep the hyphen ("well-being", "co-sleeping");
5. otherwise join ("identi-" + "fied" -> "identified").

Callers that clean a document page by page pass the whole document's :func:`vocabulary` so that
rules 2 and 3 see more than one page.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable

# Words that, followed by a hyphen, usually start a real compound in UK safeguarding prose.
COMPOUND_PREFIXES = frozenset({
    "well", "self", "non", "co", "ex", "cross", "multi", "inter", "intra", "pre", "post", "anti",
    "semi", "half", "mid", "long", "short", "full", "low", "high", "face", "first", "second",
    "third",
})

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\x85": "\n", "\u2029": "\n\n",
           "\f": "\n\n", "\v": "\n\n"}
_BREAK_RE = re.compile("|".join(map(re.escape, _BREAKS)))
_LETTER = r"[^\W\d_]"
_WORD_RE = re.compile(rf"{_LETTER}+(?:[-\u2010]{_LETTER}+)*")
# the right part is a look-ahead, so that a word broken twice ("identi-", "fiedidenti-") joins
# in one pass
_HYPHEN_BREAK = re.compile(rf"({_LETTER}+)[-\u2010][ \t]*\n[ \t]*(?=(\w+))")
# "H e l l o": four or more single letters separated by single spaces (letter-spaced headings)
_SPACED_LETTERS = re.compile(rf"(?<!\S)(?:{_LETTER} ){{3,}}{_LETTER}(?!\S)")
_SPACES = re.compile(r"[ \t]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"(?:(?i:page)\s*)?[-\u2013\u2014(\[]?\s*"
    r"(?:\d{1,4}|(?=[ivxlc])(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"  # 12, or lower-case roman
    r"\s*[-\u2013\u2014)\]]?(?:\s*(?:of|/)\s*\d{1,4})?"
)
EDGE_LINES = 3  # how many lines at the top and the bottom of a page can be running lines


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Lower-cased words and hyphenated compounds in ``texts`` (for de-hyphenation)."""
    words: set[str] = set()
    for text in texts:
        words.update(w.lower().replace("\u2010", "-") for w in _WORD_RE.findall(text))
    return frozenset(words)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _BREAK_RE.sub(lambda m: _BREAKS[m.group()], text)
    out = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch == "\t" or unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif unicodedata.category(ch) != "Cc":
            out.append(ch)
    return "".join(out)


def _dehyphenate(text: str, vocab: Collection[str]) -> str:
    def join(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        if not right[0].islower():
            return f"{left}-"
        joined, compound = (left + right).lower(), f"{left}-{right}".lower()
        if joined in vocab:
            return left
        if compound in vocab or left.lower() in COMPOUND_PREFIXES:
            return f"{left}-"
        return left

    return _HYPHEN_BREAK.sub(join, text)


def normalise(text: str, vocab: Collection[str] | None = None) -> str:
    """Fold Unicode and whitespace, join hyphenated line ends, keep paragraph breaks.

    NFKC (ligatures such as "ﬁ" become "fi"), soft hyphens and zero-width characters removed,
    non-breaking and other odd spaces become plain spaces, letter-spaced words ("H e l l o") are
    closed up, runs of spaces collapse, lines are stripped and blank-line runs become one blank
    line. ``vocab`` (see :func:`vocabulary`) defaults to the words of ``text`` itself.
    """
    text = _fold(text)
    text = _SPACED_LETTERS.sub(lambda m: m.group().replace(" ", ""), text)
    text = _dehyphenate(text, vocabulary([text]) if vocab is None else vocab)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def one_line(text: str, limit: int = 300) -> str:
    """``text`` as one printable line of at most ``limit`` characters (for reasons and logs)."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def is_page_number(line: str) -> bool:
    """True for a line that is only a page number: "12", "Page 3 of 11", "- 4 -", "iv"."""
    line = line.strip()
    return bool(line) and _PAGE_NUMBER.fullmatch(line) is not None


def _line_key(line: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", line)).strip().lower()


def _edge_indexes(lines: list[str]) -> list[int]:
    """Indexes of the top and bottom lines; fewer on short pages, so that body text is safe."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    edge = min(EDGE_LINES, max(1, len(filled) // 3))
    return sorted(set(filled[:edge] + filled[-edge:]))


def _alone(lines: list[str], i: int) -> bool:
    """Line i is a paragraph of its own (blank or nothing before and after it)."""
    before = i == 0 or not lines[i - 1].strip()
    after = i == len(lines) - 1 or not lines[i + 1].strip()
    return before and after


def strip_running_lines(pages: list[str]) -> list[str]:
    """Remove running headers/footers and bare page numbers from the pages of one document.

    A running line is one of the first or last three non-blank lines of a page (fewer on pages of
    under nine lines: a third of them) whose text, with digits masked, recurs in that position on
    at least half of the pages (and on three pages at least); the same line standing alone as a
    paragraph elsewhere on a page (a header that layout analysis put between two columns) goes
    too. Bare page-number lines in the edge positions go too, on any number of pages.
    """
    split = [page.split("\n") for page in pages]
    edges = [_edge_indexes(lines) for lines in split]
    counts: Counter[str] = Counter()
    for lines, idx in zip(split, edges, strict=True):
        counts.update({_line_key(lines[i]) for i in idx})
    threshold = max(3, math.ceil(len(pages) / 2))
    running = {key for key, n in counts.items() if n >= threshold and key}
    out = []
    for lines, idx in zip(split, edges, strict=True):
        drop = {i for i in idx if _line_key(lines[i]) in running or is_page_number(lines[i])}
        # a running line that layout analysis placed mid-page (between two columns) goes too,
        # when it stands alone as a paragraph
        drop |= {i for i, line in enumerate(lines) if _line_key(line) in running
                 and _alone(lines, i)}
        kept = "\n".join(line for i, line in enumerate(lines) if i not in drop)
        out.append(_BLANK_RUNS.sub("\n\n", kept).strip())
    return out
