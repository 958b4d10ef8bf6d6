"""The numbered recommendations of a case review, as a list with page numbers.

Pure functions, no I/O. :func:`extract_recommendations` takes the cleaned page texts of one
document (:attr:`ingest.extract.Extraction.pages`; page i+1 is ``pages[i]``) and returns one
:class:`Recommendation` per item of every recommendations list it finds.

Rules, in the order they apply:

1. **Sections.** Items are read only inside a recommendations section, never from prose
   elsewhere ("the review recommends that ...", "Recommendation 3 has been completed"). A
   section starts at a heading line, in any case, optionally numbered ("10.", "Section 4") and
   ending in a colon: "Recommendations", "Summary of recommendations", "Recommendations for the
   Partnership", "Single agency recommendations", "Recommendations and actions", "Learning and
   recommendations" (and "Findings / Conclusions / Lessons ... and recommendations"), the Welsh
   Child Practice Review's "Improving systems and practice", and board-response tables: "Response
   to the recommendations", "Action plan". A heading stands on its own line, starts a paragraph
   and is not a sentence (no full stop). Headings on a contents page are skipped: lines with dot
   leaders or a trailing page number, every line after a "Contents" line up to the first line of
   prose on that page, and pages where most lines look like contents entries.
2. **Section end.** A section ends at the next known heading that is not about recommendations
   ("Glossary", "Appendix 2", "References", "11. Conclusion", "Statement by reviewer", ...), at
   a numbered heading that does not continue the list, at a short heading-like line standing
   alone (starts upper case, at most eight words, no sentence punctuation) that no further list
   item follows, at the next recommendations heading once the section has items (a second
   heading straight after the first, before any item, belongs to the same section), or at the
   end of the text. A short line that *is* followed by more items of the list is a sub-heading
   ("Health", "Multi-agency recommendations" inside a list) or a table header ("Response"): it
   closes the current item and is not part of any item's text; a sub-heading followed at once
   by a list starting again at 1 opens a sub-list (so numbers can repeat within a section). A
   section whose list does not start within 40 lines of its heading has no items (a heading
   over prose, "The recommendations are set out in section 9"), unless its items are
   "Recommendation N" / "RN", which may sit anywhere in the section. The section's own heading
   repeated as the first line of its next page is a running header and is skipped.
3. **Numbering.** Item markers at the start of a line: "1." "1)" "(1)" "1 The ..." (a bare
   number before a capital), "1.The ..." (pdfminer lost the space), "4a." "(4a)", "1.1" /
   "10.2" (dotted), "R1" "R1." "R1:", "Recommendation 1:" "Recommendation 1 -"
   "Recommendation One" (also a sentence starting "Recommendation N:" in the middle of a
   line), "a)" "(a)" "a.", "i." "(iv)", and bullets ("•", "-", "*", "▪", Wingdings
   private-use bullets). A marker alone on its line takes its
   text from the following lines (pdfminer often puts a table's number cell on its own line).
   One marker style is the list's own: "Recommendation N" and "RN" if the section has them, else
   plain numbers, else dotted numbers, else letters, else roman numerals, else unnumbered
   "Recommendation:" paragraphs, else bullets. Numbers must be plausible: the list starts at 1
   (dotted lists at "N.1"; a section may instead continue the previous section's list, e.g.
   single-agency recommendations 7-9 after multi-agency 1-6), then each item is the next number
   ("4a" may follow "3" or "4", "4b" follows "4a", "3.1" follows "2.4"). Anything else that
   looks like a number - a year ("2019."), a date ("12.3.2019"), a page number line, "1.5
   million", a contents entry - is not an item. A run of markers alone on their lines (a
   table's number column laid out before its text column) gives no items: we do not guess
   which text goes with which number.
4. **Sub-items are folded into their parent**: letters, roman numerals, bullets and deeper
   numbers ("1.1" under "1.", "1." under "Recommendation 1") become part of the parent item's
   text, markers included ("... should ensure that: a) GPs ...; b) schools ..."), so the number
   of items is the number of recommendations. A letter list with no numbered parent is itself
   the list (numbers "a", "b", ...). Bullets are items only in a list with no numbers; they are
   then numbered by position ("1", "2", ...).
5. **Item text** runs from after its marker to the next item marker or the end of the section,
   joined across line and page breaks (with stray page-number lines dropped), whitespace
   collapsed to single spaces. For compact lists ("1.", "a)", bullets) an item is one paragraph
   plus whatever continues it: a paragraph after a blank line belongs to the item only if the
   item's text so far does not end a sentence (or ends with a colon), or the paragraph starts in
   lower case or with a sub-item marker; otherwise it ends the item (so a board's response
   "Accepted." in the next table cell, or a closing paragraph, is left out). "Recommendation N"
   and "RN" items may run over several paragraphs, except under a table heading, where each is
   one cell. A page break is a paragraph break only when the page before ended a sentence. A
   short title after the number ("1. Information sharing" then the paragraph) starts the text.
   An item that is only a lead-in ending in a colon ("9.1 The review makes the following
   recommendations:" before "9.2 ...") is dropped.
6. **Unpaged text** (HTML, DOCX: ``paged=False``) has ``page=None``. Browsers' numbered lists
   lose their numbers in HTML text, so in unpaged text a section with no markers at all takes
   each line of a block of two or more consecutive lines (list items are separated by a single
   line break, paragraphs by a blank line) as an item, numbered by position; lines ending in a
   colon (a lead-in) and lines of fewer than three words (a table header) are skipped. Tables
   ("Response to the recommendations", "Action plan") without numbers give no items.
7. **Mixed sections** ("Learning and recommendations", "Findings and recommendations") are
   often numbered paragraphs of findings; their list is kept only if at least half of its items
   read as recommendations ("should", "must", "recommend", "ensure", "needs to", "will", ...).
   Their "Finding 2" headings do not end them, so "Finding 1 ... Recommendation 1: ...
   Finding 2 ... Recommendation 2: ..." gives both recommendations, without the findings.
8. **Two columns read out of order** (paged text only). pdfminer can put a two-column page's
   right column first: the page then opens mid-sentence with the list's tail ("record, within
   the law." then "3. ...", the number after the last item under the heading further down) and
   ends mid-sentence in the list; if the next page does not carry the list on, the page is read
   from the heading on first. And when a heading's section has no list but, further down the
   same page, a list opening at 1 follows a line that stops mid-sentence (the end of the other
   column), that list is the section's, provided most of its items say "should", "must",
   "ensure", "recommend" or "needs to".
9. **Repeats.** Every list found is returned, in document order, each item with the heading of
   its section (without its number: "Recommendations", "Summary of recommendations"), so an
   executive summary's list and the full report's list both appear and can be told apart by
   heading and page. An item repeated verbatim (same number and same text, e.g. the same list
   printed twice) is returned once, at its last occurrence, which is normally the main
   recommendations section after the summary.

Heuristic limits: unnumbered paragraphs in a PDF (each "The Partnership should ..." a
paragraph with no marker) are not split into items; nor are DOCX paragraphs whose automatic
numbering was lost; a table row's response cell on the same line as the recommendation stays
in its text; a closing paragraph after the last "Recommendation N" item is included in it; a
list numbered on from the report's paragraph numbers ("9.14", "9.15" under a sub-heading) or
with a number missing (1, 2, 4) stops where the sequence breaks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.textclean import is_page_number

logger = logging.getLogger(__name__)

__all__ = ["Recommendation", "extract_recommendations"]

LOOKAHEAD_LINES = 80  # how far a sub-heading may sit before the list's next item
FIRST_ITEM_WINDOW = 40  # lines after a heading within which its list must start
REC_LOOKAHEAD_LINES = 400  # the same for "Recommendation N" items (findings between them)
MAX_HEADING_WORDS = 8  # a heading-like line has at most this many words
MAX_ITEM_NUMBER = 60  # "61." is not a recommendation number

NUMBER_WORDS = {w: i for i, w in enumerate((
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty"), 1)}
_WORDS_ALT = "|".join(NUMBER_WORDS)

# --- headings -------------------------------------------------------------------------------

_NUM_PREFIX = re.compile(
    r"^(?:(?:section|part|chapter)\s+)?(?:\d{1,2}(?:\.\d{1,2})*[.:)]?|[A-Z][.:)]|[IVX]{1,4}[.:)])"
    r"(?:\s*[-–—:])?\s+(?=\S)",
    re.IGNORECASE,
)
_QUALIFIER = (r"(?:summary|list|table|schedule)\s+of\s+(?:the\s+)?(?:key\s+|main\s+)?|"
              r"(?:key|main|overall|multi[- ]?agency|single[- ]?agency|inter[- ]?agency|agency|"
              r"partnership|panel|review|overview|national|local|further|additional|other|"
              r"the|our|specific|strategic|practice|[\w-]+(?:'s|s'|’s))\s+")
_REC_TITLE = re.compile(
    rf"(?:{_QUALIFIER})*recommendations"
    r"(?:\s+(?:and|&)\s+(?:actions?|action\s+plan|responses?|next\s+steps|learning|"
    r"areas\s+for\s+(?:improvement|development)|improvement\s+actions?))?"
    r"(?:\s+(?:for|to|from|of|made|arising|by|in|on)\b.*)?"
    rf"|(?:{_QUALIFIER})*recommendation\s+(?:for|to|from|arising|made)\b.*",
    re.IGNORECASE,
)
_MIXED_TITLE = re.compile(
    r"(?:[\w'’,-]+\s+){0,4}(?:and|&)\s+recommendations?(?:\s+(?:for|to|from|arising)\b.*)?",
    re.IGNORECASE,
)
_WELSH_TITLE = re.compile(
    r"improving\s+systems\s+(?:and|&)\s+practice(?:\s+.*)?"
    r"|(?:learning|recommendations?)\s+for\s+(?:improving\s+)?(?:systems|practice)(?:\s+.*)?",
    re.IGNORECASE,
)
_TABLE_TITLE = re.compile(
    r"(?:the\s+)?(?:[\w'’]+(?:'s|s'|’s)?\s+){0,3}responses?\s+to\s+(?:the\s+)?"
    r"(?:[\w'’]+\s+){0,2}recommendations?(?:\s+.*)?"
    r"|(?:[\w'’-]+\s+){0,3}action\s+plan(?:\s+.*)?"
    r"|recommendations?\s+(?:and|&)\s+(?:board\s+)?responses?(?:\s+.*)?",
    re.IGNORECASE,
)
_END_TITLE = re.compile(
    r"(?:glossary(?:\s+of\s+terms)?|appendi(?:x|ces)\b.*|annexe?s?\b.*|references|"
    r"bibliography|sources|conclusions?|concluding\s+(?:remarks|comments|observations)|"
    r"final\s+(?:remarks|comments|thoughts)|summary|acknowledge?ments?|terms\s+of\s+reference|"
    r"methodology|statement\s+(?:by|of|from)\s+(?:the\s+)?(?:independent\s+|lead\s+)?"
    r"(?:reviewers?|authors?)|(?:table\s+of\s+)?contents|background|introduction|next\s+steps|"
    r"(?:key\s+)?findings|finding\s+\d+|analysis(?:\s+and\s+findings)?|good\s+practice|"
    r"(?:key\s+)?learning(?:\s+points)?|lessons\s+learn(?:ed|t)|endnotes|notes|"
    r"(?:list\s+of\s+)?abbreviations|index|postscript|afterword|"
    r"about\s+(?:this|the)\s+(?:review|report)|further\s+information|contacts?(?:\s+us)?|"
    r"(?:the\s+)?review\s+(?:team|panel|process)|panel\s+membership|chronology|"
    r"family\s+involvement|involvement\s+of\s+(?:the\s+)?family|the\s+family'?s?\s+views|"
    r"circumstances\s+.*|practice\s+and\s+organisational\s+learning|"
    r"the\s+child'?s?\s+(?:voice|story|experience|lived\s+experience))",
    re.IGNORECASE,
)
_FINDING = re.compile(r"(?:key\s+)?findings?(?:\s+\d{1,2})?", re.IGNORECASE)
_DOT_LEADER = re.compile(r"\.{4,}|(?:\.\s){3,}|…{2,}|_{4,}|·{3,}")
_TRAILING_PAGE = re.compile(r"\S.*\s(?:\d{1,3}|[ivx]{1,5})$")
_CONTENTS = re.compile(r"(?:table\s+of\s+)?contents(?:\s+page)?:?", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?;:]['\"’”)\]]*$")
_SENTENCE_END = re.compile(r"[.!?]['\"’”)\]]*$")
_STRICT_REC_LANGUAGE = re.compile(
    r"\b(?:should|must|recommend\w*|ensure\w*|needs?\s+to)\b", re.IGNORECASE)
_REC_LANGUAGE = re.compile(
    r"\b(?:should|must|recommend\w*|ensure\w*|needs?\s+to|will|consider\w*|assur\w+|"
    r"develop\w*|review\w*|requir\w+|provid\w+)\b",
    re.IGNORECASE,
)

# --- item markers ---------------------------------------------------------------------------

_CAPITAL = r"(?=[A-Z(\"'“‘\[])"
_REC_MARK = re.compile(
    r"^(?i:recommendation)\s*(?:(?i:no\.?|number)\s*)?"
    rf"(?P<n>R?\d{{1,2}}(?:\.\d{{1,2}})?[a-z]?|(?i:{_WORDS_ALT}))(?![\w.]\w)"
    r"(?:\s*(?P<p>[:.)\-–—])\s*|\s*$|\s+" + _CAPITAL + r")(?P<rest>.*)$"
)
_REC_PLAIN = re.compile(r"^(?i:recommendation)\s*[:\-–—]\s*(?P<rest>\S.*)$")
_R_MARK = re.compile(
    r"^R(?P<n>\d{1,2})(?P<s>[a-z])?(?:\s*[.:)\-–—]\s*|\s*$|\s+)(?P<rest>.*)$"
)
_DEC_MARK = re.compile(
    r"^(?:\((?P<a>\d{1,2})(?P<as>[a-z])?\)|(?P<b>\d{1,2})(?P<bs>[a-z])?(?P<bp>[.)])?)"
    r"(?![\d.,:/%-])(?:\s+(?P<rest>.*)|(?<=[.)])(?P<tight>[A-Z][a-z].*)|$)"
)
_DOT_MARK = re.compile(
    r"^(?P<n>\d{1,2}(?:\.\d{1,2}){1,2})(?P<p>[.)])?(?![\d.,:/%-])(?:\s+(?P<rest>.*)|$)"
)
_ALPHA_MARK = re.compile(r"^(?:\((?P<a>[a-zA-Z])\)|(?P<b>[a-zA-Z])[.)])(?:\s+(?P<rest>.*)|$)")
_ROMAN_MARK = re.compile(
    r"^(?:\((?P<a>[ivx]{1,5})\)|(?P<b>[ivx]{1,5})[.)])(?:\s+(?P<rest>.*)|$)", re.IGNORECASE
)
_BULLET_MARK = re.compile(
    r"^(?:[•●▪■◦‣∙·➢►✓\uf000-\uf0ff]\s*|[*>–—-]\s+)(?P<rest>[^\s•●▪■◦‣∙·*>–—-].*)$"
)
_MIDLINE_REC = re.compile(
    r"(?<=[.!?])\s+(?=(?i:recommendation)\s+(?:R?\d{1,2}|(?i:" + _WORDS_ALT + r"))"
    r"\s*[:\-–—])"
)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}

# list kinds, best first when choosing a section's own marker style
KINDS = ("rec", "dec", "dot", "alpha", "roman", "recplain", "bullet")
BLOCK_KINDS = frozenset({"rec"})  # items that may run over several paragraphs
UNNUMBERED_KINDS = frozenset({"recplain", "bullet"})


@dataclass(frozen=True)
class Recommendation:
    """One recommendation of a case review.

    ``number`` is the label the report gives it ("1", "R2", "4a", "2.1", "a"; a spelled-out
    "Recommendation One" gives "1"; an unnumbered bullet its position). ``text`` is the whole
    item with line and page breaks joined and whitespace collapsed; folded sub-items keep their
    markers. ``page`` is the 1-based page where the item starts, None for unpaged text.
    ``heading`` is the heading of the section it was found under, without its number.
    """

    number: str
    text: str
    page: int | None
    heading: str


@dataclass(frozen=True)
class _Line:
    index: int
    page: int  # 0-based
    text: str
    blank_before: bool
    page_start: bool
    blank_after: bool = False
    page_end: bool = False


@dataclass(frozen=True)
class _Marker:
    kind: str
    label: str
    key: tuple[int, ...]
    rest: str


@dataclass
class _Item:
    marker: _Marker
    page: int
    parts: list[str] = field(default_factory=list)
    closed: bool = False

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


@dataclass(frozen=True)
class _Heading:
    title: str
    table: bool
    mixed: bool


def _roman(text: str) -> int | None:
    text = text.lower()
    total, prev = 0, 0
    for ch in reversed(text):
        value = _ROMAN_VALUES[ch]
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    canonical = {1: "i", 2: "ii", 3: "iii", 4: "iv", 5: "v", 6: "vi", 7: "vii", 8: "viii",
                 9: "ix", 10: "x", 11: "xi", 12: "xii", 13: "xiii", 14: "xiv", 15: "xv"}
    return total if canonical.get(total) == text else None


def _suffix_key(number: int, suffix: str | None) -> tuple[int, ...]:
    return (number, ord(suffix) - 96) if suffix else (number,)


def _markers(text: str) -> list[_Marker]:
    """Every reading of ``text``'s leading item marker (a line may be "i." letter or roman)."""
    found: list[_Marker] = []
    if m := _REC_MARK.match(text):
        raw = m.group("n")
        word = NUMBER_WORDS.get(raw.lower())
        if word is not None:
            found.append(_Marker("rec", str(word), (word,), m.group("rest")))
        else:
            digits = raw.lstrip("Rr")
            parts = re.match(r"(\d+)(?:\.(\d+))?([a-z])?$", digits)
            if parts:
                key = (int(parts.group(1)),)
                if parts.group(2):
                    key += (int(parts.group(2)),)
                if parts.group(3):
                    key += (ord(parts.group(3)) - 96,)
                found.append(_Marker("rec", raw, key, m.group("rest")))
        return found
    if m := _REC_PLAIN.match(text):
        return [_Marker("recplain", "", (), m.group("rest"))]
    if m := _R_MARK.match(text):
        rest = m.group("rest")
        if not rest or not rest[0].islower():
            key = _suffix_key(int(m.group("n")), m.group("s"))
            found.append(_Marker("rec", f"R{m.group('n')}{m.group('s') or ''}", key, rest))
        return found
    if m := _DOT_MARK.match(text):
        rest = m.group("rest") or ""
        if (m.group("p") or not rest[:1].islower()) and not _DOT_LEADER.search(rest):
            key = tuple(int(x) for x in m.group("n").split("."))
            found.append(_Marker("dot", m.group("n"), key, rest))
        return found
    if m := _DEC_MARK.match(text):
        number = m.group("a") or m.group("b")
        suffix = m.group("as") or m.group("bs")
        rest = m.group("rest") or m.group("tight") or ""
        bare = m.group("b") is not None and not m.group("bp")
        if bare and rest and not re.match(_CAPITAL, rest):
            return found
        if bare and not rest and suffix:
            return found
        if 0 < int(number) <= MAX_ITEM_NUMBER and not _DOT_LEADER.search(rest):
            found.append(_Marker("dec", f"{int(number)}{suffix or ''}",
                                 _suffix_key(int(number), suffix), rest))
        return found
    if m := _ROMAN_MARK.match(text):
        raw = m.group("a") or m.group("b")
        value = _roman(raw)
        if value is not None:
            found.append(_Marker("roman", raw.lower(), (value,), m.group("rest") or ""))
    if m := _ALPHA_MARK.match(text):
        raw = m.group("a") or m.group("b")
        rest = m.group("rest") or ""
        if m.group("a") or rest:  # "a." alone on a line is too weak a marker
            found.append(_Marker("alpha", raw.lower(), (ord(raw.lower()) - 96,), rest))
    if found:
        return found
    if (m := _BULLET_MARK.match(text)) and not is_page_number(text):  # "- 14" is a page number
        found.append(_Marker("bullet", "", (), m.group("rest")))
    return found


def _follows(prev: tuple[int, ...], key: tuple[int, ...]) -> bool:
    """Whether ``key`` can be the item after ``prev`` (2 -> 3, 3 -> 4a, 4a -> 4b, 2.4 -> 3.1)."""
    if len(key) > len(prev) and key[: len(prev)] == prev and all(k == 1 for k in key[len(prev):]):
        return True  # 4 -> 4a
    for j in range(min(len(prev), len(key))):
        if key[:j] == prev[:j] and key[j] == prev[j] + 1 and all(k == 1 for k in key[j + 1:]):
            return True
    return False


def _starts(kind: str, key: tuple[int, ...], carry: tuple[int, ...] | None) -> bool:
    """Whether ``key`` can open a list: 1 (dotted: N.1), or the previous section's next."""
    if kind in UNNUMBERED_KINDS:
        return True
    if not key:
        return False
    tail = key[1:] if kind == "dot" else key
    if all(k == 1 for k in tail):
        return True
    return carry is not None and kind != "dot" and _follows(carry, key)


# --- lines, contents pages and headings -----------------------------------------------------

def _lines(pages: Sequence[str]) -> list[_Line]:
    raw: list[tuple[int, str, bool, bool]] = []
    for page_no, page in enumerate(pages):
        blank, first = page_no == 0, True
        for piece in page.split("\n"):
            text = piece.strip()
            if not text:
                blank = True
                continue
            for j, part in enumerate(_MIDLINE_REC.split(text)):
                raw.append((page_no, part.strip(), blank and j == 0, first and j == 0))
                blank = first = False
    lines: list[_Line] = []
    for i, (page_no, text, blank, first) in enumerate(raw):
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        lines.append(_Line(i, page_no, text, blank or i == 0, first,
                           blank_after=nxt is None or nxt[2],
                           page_end=nxt is None or nxt[3]))
    return lines


def _is_toc_line(text: str) -> bool:
    return bool(_DOT_LEADER.search(text) or _TRAILING_PAGE.fullmatch(text)
                or is_page_number(text))


def _toc_lines(lines: list[_Line], paged: bool) -> set[int]:
    """Indexes of lines on contents pages (see the module docstring)."""
    out: set[int] = set()
    by_page: dict[int, list[_Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    for page_lines in by_page.values():
        if paged and len(page_lines) >= 5:
            tocish = sum(_is_toc_line(line.text) for line in page_lines)
            if tocish * 2 >= len(page_lines):
                out.update(line.index for line in page_lines)
                continue
        in_toc = False
        for line in page_lines:
            if _CONTENTS.fullmatch(line.text):
                in_toc = True
            elif in_toc and len(line.text) >= 60 and _SENTENCE_END.search(line.text):
                in_toc = False  # prose: the contents list is over
            if in_toc:
                out.add(line.index)
    return out


def _starts_paragraph(lines: list[_Line], i: int) -> bool:
    line = lines[i]
    if line.blank_before or line.page_start or i == 0:
        return True
    return bool(_TERMINAL.search(lines[i - 1].text))


def _continues(lines: list[_Line], i: int) -> bool:
    """Whether the line after ``i`` carries on its sentence (starts in lower case, no gap)."""
    if i + 1 >= len(lines) or lines[i].blank_after:
        return False
    nxt = lines[i + 1].text
    return nxt[:1].islower()


def _strip_number(text: str) -> str:
    return _NUM_PREFIX.sub("", text, count=1).rstrip(" :").strip()


def _rec_heading(lines: list[_Line], i: int, toc: set[int]) -> _Heading | None:
    """The recommendations heading on line ``i``, if it is one."""
    text = lines[i].text
    if i in toc or not _starts_paragraph(lines, i) or _continues(lines, i):
        return None
    return _heading_title(text)


def _heading_title(text: str) -> _Heading | None:
    """What kind of recommendations heading the line ``text`` is, if any."""
    if len(text) > 100 or len(text.split()) > 12 or text.endswith((".", ",", ";")):
        return None
    if _is_toc_line(text):
        return None
    title = _strip_number(text)
    if not title[:1].isupper():
        return None
    if _TABLE_TITLE.fullmatch(title):
        return _Heading(title, table=True, mixed=False)
    if _REC_TITLE.fullmatch(title) or _WELSH_TITLE.fullmatch(title):
        return _Heading(title, table=False, mixed=False)
    if _MIXED_TITLE.fullmatch(title):
        return _Heading(title, table=False, mixed=True)
    return None


def _end_heading(lines: list[_Line], i: int) -> bool:
    """A known heading that is not about recommendations ("Glossary", "11. Conclusion")."""
    text = lines[i].text
    if len(text) > 80 or text.endswith((".", ",", ";")) or not _starts_paragraph(lines, i):
        return False
    title = _strip_number(text)
    return bool(title[:1].isupper() and _END_TITLE.fullmatch(title)) and not _continues(lines, i)


def _heading_like(lines: list[_Line], i: int) -> bool:
    """A short line standing alone that reads as a heading (or a table's header cell)."""
    line = lines[i]
    text = line.text
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(text) > 70:
        return False
    if re.search(r"[.!?;,]['\"’”)]*$", text):
        return False
    first = _strip_number(text)[:1] if _NUM_PREFIX.match(text) else text[:1]
    if not first.isupper():
        return False
    return _starts_paragraph(lines, i) and (line.blank_after or line.page_end)


# --- reading one section --------------------------------------------------------------------

@dataclass
class _Section:
    heading: _Heading
    start: int  # index of the heading line
    items: list[_Item] = field(default_factory=list)
    end: int = 0  # index of the first line after the section
    kind: str | None = None


def _hard_end(lines: list[_Line], start: int, toc: set[int], mixed: bool = False) -> int:
    """The first line after ``start`` that surely ends its section.

    In a mixed section ("Findings and recommendations") "Finding 2" is part of the section.
    """
    seen_marker = False
    for j in range(start + 1, len(lines)):
        if _end_heading(lines, j) and not (
                mixed and _FINDING.fullmatch(_strip_number(lines[j].text))):
            return j
        if _rec_heading(lines, j, toc) is not None and seen_marker:
            return j
        if not seen_marker and _markers(lines[j].text):
            seen_marker = True
    return len(lines)


def _choose_kind(lines: list[_Line], start: int, end: int,
                 carry: tuple[int, ...] | None) -> str | None:
    """The section's own marker style (see the module docstring), or None for no list."""
    openers: set[str] = set()
    for j in range(start + 1, end):
        for marker in _markers(lines[j].text):
            near = j <= start + FIRST_ITEM_WINDOW
            if (near or marker.kind == "rec") and _starts(marker.kind, marker.key, carry):
                openers.add(marker.kind)
    return next((kind for kind in KINDS if kind in openers), None)


def _fold_kind(top: str, marker: _Marker, current: _Item | None) -> bool:
    """Whether ``marker`` is a sub-item of a ``top`` list (folded into the current item)."""
    if marker.kind in ("alpha", "roman", "bullet"):
        return top not in ("alpha", "roman", "bullet") or marker.kind != top
    if top == "rec":
        return marker.kind in ("dec", "dot", "recplain")
    if top == "dec" and marker.kind == "dot" and current is not None:
        return marker.key[0] == current.marker.key[0]
    if top == "dot" and marker.kind == "dot":
        return len(marker.key) > 2
    return False


def _pick(markers: list[_Marker], kind: str, prev: tuple[int, ...] | None,
          carry: tuple[int, ...] | None) -> _Marker | None:
    """The reading of a line's markers that is the list's next item, if any."""
    for marker in markers:
        if marker.kind != kind:
            continue
        if kind in UNNUMBERED_KINDS:
            return marker
        if prev is None and _starts(kind, marker.key, carry):
            return marker
        if prev is not None and _follows(prev, marker.key):
            return marker
    return None


def _next_item_ahead(lines: list[_Line], i: int, end: int, kind: str,
                     prev: tuple[int, ...] | None, carry: tuple[int, ...] | None) -> bool:
    """Whether the list's next item follows the heading-like line ``i`` (before ``end``)."""
    reach = REC_LOOKAHEAD_LINES if kind == "rec" else LOOKAHEAD_LINES if prev else 12
    for j in range(i + 1, min(end, i + 1 + reach)):
        if _pick(_markers(lines[j].text), kind, prev, carry) is not None:
            return True
    return False


def _restarts_after(lines: list[_Line], i: int, end: int, kind: str) -> bool:
    """Whether the line after the heading-like line ``i`` opens a new list of ``kind`` at 1."""
    j = i + 1
    while j < end and is_page_number(lines[j].text) and not _markers(lines[j].text):
        j += 1
    if j >= end or kind in UNNUMBERED_KINDS:
        return False
    return _pick(_markers(lines[j].text), kind, None, None) is not None


def _marker_only_run(lines: list[_Line], i: int, end: int) -> bool:
    """A line holding only a marker followed by another such line: a table's number column."""
    def bare(j: int) -> bool:
        return any(not m.rest for m in _markers(lines[j].text))

    if not bare(i):
        return False
    j = i + 1
    while j < end and is_page_number(lines[j].text) and not _markers(lines[j].text):
        j += 1
    return (j < end and bare(j)) or (i > 0 and bare(i - 1))


def _paragraph_break(lines: list[_Line], i: int) -> bool:
    line = lines[i]
    if line.blank_before:
        return True
    if line.page_start and i > 0:
        return bool(_SENTENCE_END.search(lines[i - 1].text))
    return False


def _read_section(lines: list[_Line], section: _Section, toc: set[int],
                  carry: tuple[int, ...] | None, paged: bool) -> None:
    """Read the items of the section whose heading is on line ``section.start``."""
    _read_list(lines, section, toc, carry, paged)
    if section.items or not paged:
        return
    orphan = _orphan_list(lines, section)
    if orphan is None:
        return
    start, end = section.start, section.end
    section.start = orphan - 1
    _read_list(lines, section, toc, carry, paged)
    strict = sum(bool(_STRICT_REC_LANGUAGE.search(item.text)) for item in section.items)
    if strict * 2 < len(section.items) or not section.items:
        section.items, section.start, section.end = [], start, end
    else:
        logger.debug("section %r: list found further down its page (columns out of order)",
                     section.heading.title)


def _orphan_list(lines: list[_Line], section: _Section) -> int | None:
    """Where a list that belongs under an empty section's heading starts, if on its page.

    pdfminer reads two-column pages out of order: a heading at the top of the right column can
    come out before the end of the left column, its list after it. The list is recognised by
    opening at 1 straight after a line that ends mid-sentence (the end of the left column).
    """
    page = lines[section.start].page
    for j in range(max(section.end, section.start + 2), len(lines)):
        if lines[j].page != page:
            break
        before = lines[j - 1]
        if before.page != page or _TERMINAL.search(before.text) or _heading_like(lines, j - 1):
            continue
        if any(m.kind in ("dec", "rec") and _starts(m.kind, m.key, None) and m.rest
               for m in _markers(lines[j].text)):
            return j
    return None


def _read_list(lines: list[_Line], section: _Section, toc: set[int],
               carry: tuple[int, ...] | None, paged: bool) -> None:
    hard_end = _hard_end(lines, section.start, toc, section.heading.mixed)
    kind = _choose_kind(lines, section.start, hard_end, carry)
    section.kind = kind
    if kind is None:
        if not paged and not section.heading.table:
            _read_lines_as_items(lines, section, hard_end)
        else:
            section.end = hard_end
        return
    block = kind in BLOCK_KINDS and not section.heading.table  # table rows: one cell each
    current: _Item | None = None
    prev: tuple[int, ...] | None = None
    for i in range(section.start + 1, hard_end):
        line = lines[i]
        if not section.items and i > section.start + FIRST_ITEM_WINDOW and kind != "rec":
            section.end = i  # no list near the heading: a heading over prose
            return
        markers = _markers(line.text)
        marker = _pick(markers, kind, prev, carry)
        if marker is not None and not marker.rest and _marker_only_run(lines, i, hard_end):
            if current is not None:
                current.closed = True
            continue  # a column of numbers: do not guess which text is whose
        if marker is not None:
            current = _Item(marker, line.page, [marker.rest] if marker.rest else [])
            section.items.append(current)
            if kind not in UNNUMBERED_KINDS:
                prev = marker.key
            continue
        if line.page_start and _strip_number(line.text).lower() == section.heading.title.lower():
            continue  # the section's name as a running header on its next page
        if _rec_heading(lines, i, toc) is not None:
            if section.items:
                section.end = i
                return
            continue  # a second heading before any item belongs to this section
        if markers and current is not None and not current.closed and any(
                _fold_kind(kind, m, current) and m.rest for m in markers):
            current.parts.append(line.text)
            continue
        if is_page_number(line.text):
            continue
        if _heading_like(lines, i) and not (current is not None and not current.parts):
            if _next_item_ahead(lines, i, hard_end, kind, prev, carry):
                pass  # a sub-heading or a table's header cell inside the list
            elif prev is not None and _restarts_after(lines, i, hard_end, kind):
                prev = carry = None  # a sub-heading over a sub-list numbered from 1
            else:
                section.end = i
                return
            if current is not None:
                current.closed = True
            continue
        if current is None or current.closed:
            continue
        if not current.parts or not _paragraph_break(lines, i) or block:
            current.parts.append(line.text)
            continue
        so_far = current.text
        if (not _SENTENCE_END.search(so_far) or so_far.endswith(":")
                or line.text[:1].islower()):
            current.parts.append(line.text)
        else:
            current.closed = True
    section.end = hard_end


def _read_lines_as_items(lines: list[_Line], section: _Section, hard_end: int) -> None:
    """Unpaged text without markers: each line of a multi-line block is an item."""
    section.kind = "lines"
    blocks: list[list[_Line]] = []
    end = hard_end
    for i in range(section.start + 1, hard_end):
        line = lines[i]
        if _heading_like(lines, i) and section.start + 1 < i and blocks:
            end = i
            break
        if line.blank_before or not blocks:
            blocks.append([])
        blocks[-1].append(line)
    section.end = end
    for block_lines in blocks:
        if len(block_lines) < 2:
            continue
        for line in block_lines:
            text = line.text
            if text.endswith(":") or len(text.split()) < 3 or is_page_number(text):
                continue
            marker = _Marker("lines", "", (), text)
            section.items.append(_Item(marker, line.page, [text]))


def _rec_like(items: list[_Item]) -> bool:
    return sum(bool(_REC_LANGUAGE.search(item.text)) for item in items) * 2 >= len(items)


def _to_records(section: _Section, paged: bool) -> list[Recommendation]:
    out: list[Recommendation] = []
    position = 0
    for item in section.items:
        text = item.text
        if not text or text.endswith(":"):
            continue  # nothing, or only a lead-in ("9.1 The review recommends the following:")
        position += 1
        number = item.marker.label if item.marker.label else str(position)
        out.append(Recommendation(number, text, item.page + 1 if paged else None,
                                  section.heading.title))
    return out


def _unwrap_columns(page: str, next_page: str = "") -> str:
    """Put a two-column page that pdfminer read out of order back in reading order.

    The tell: the page opens mid-sentence with the rest of a recommendations list ("record,
    within the limits of the law." then "3. ...", the number after the list's last item) and
    ends mid-sentence inside that list, whose heading sits further down the page, and the next
    page (``next_page``) does not carry the list on. The text from the heading on is moved to
    the front.
    """
    rows = page.split("\n")
    filled = [k for k, row in enumerate(rows) if row.strip()]
    if len(filled) < 4:
        return page
    first, last = rows[filled[0]].strip(), rows[filled[-1]].strip()
    if not first[:1].islower() or _TERMINAL.search(last):
        return page
    heading = next((k for k in filled[1:] if _heading_title(rows[k].strip()) is not None), None)
    if heading is None:
        return page
    listed = [m for k in filled if k > heading for m in _markers(rows[k].strip())
              if m.kind in ("dec", "rec", "dot")]
    if not listed:
        return page
    last = listed[-1]
    top = [rows[k].strip() for k in filled if k < heading][1:8]
    if not any(m.kind == last.kind and _follows(last.key, m.key)
               for text in top for m in _markers(text)):
        return page
    following = next((row.strip() for row in next_page.split("\n") if row.strip()), "")
    if following[:1].islower() or any(m.kind == last.kind and _follows(last.key, m.key)
                                      for m in _markers(following)):
        return page  # the list goes on over the page: one column after all
    return "\n".join(rows[heading:]) + "\n" + "\n".join(rows[:heading])


def extract_recommendations(pages: Sequence[str], paged: bool = True) -> list[Recommendation]:
    """The recommendations listed in a document's cleaned page texts, in document order.

    ``pages[i]`` is page i+1 (for unpaged HTML/DOCX text pass the single text and
    ``paged=False``: every item then has ``page=None``). See the module docstring for the rules.
    Never raises on odd text; returns ``[]`` when no recommendations list is found.
    """
    if paged:
        pages = [_unwrap_columns(page, pages[k + 1] if k + 1 < len(pages) else "")
                 for k, page in enumerate(pages)]
    lines = _lines(pages)
    if not lines:
        return []
    toc = _toc_lines(lines, paged)
    found: list[Recommendation] = []
    carry: tuple[int, ...] | None = None
    i = 0
    while i < len(lines):
        heading = _rec_heading(lines, i, toc)
        if heading is None:
            i += 1
            continue
        section = _Section(heading, i)
        _read_section(lines, section, toc, carry, paged)
        records = _to_records(section, paged)
        if heading.mixed and records and not _rec_like(section.items):
            logger.debug("section %r: numbered paragraphs, not recommendations", heading.title)
            records = []
        if records:
            logger.debug("section %r (line %d): %d items, %s", heading.title, i, len(records),
                         section.kind)
            numbered = [item for item in section.items
                        if item.text and item.marker.kind not in UNNUMBERED_KINDS | {"lines"}]
            carry = numbered[-1].marker.key if numbered else None
            found.extend(records)
        i = max(section.end, i + 1)
    return _drop_repeats(found)


def _drop_repeats(found: list[Recommendation]) -> list[Recommendation]:
    """Items repeated verbatim are kept once, at their last occurrence."""
    last: dict[tuple[str, str], int] = {}
    for index, rec in enumerate(found):
        last[(rec.number, rec.text.lower())] = index
    return [rec for index, rec in enumerate(found) if last[(rec.number, rec.text.lower())] == index]
