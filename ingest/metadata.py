"""Metadata of a document, each field with where it came from.

Order of trust for the publication date: the report's own words ("Published: March 2017",
"Date of publication"), then the listing page's date beside the link, then a month and year on
the cover, then a date in the URL, then the PDF's creation date. Review type and the child's
pseudonym come from the cover and title first, then from the body (the most frequent form).
Board, nation and region come from the source registry.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
_MONTH_RE = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
             r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_YEAR_RE = r"((?:19|20)\d\d)"
PUBLISHED = re.compile(
    r"(?:published|publication\s+date|date\s+of\s+publication|date\s+published|"
    r"first\s+published|report\s+published)\s*(?:on|in)?\s*[:\-]?\s*"
    r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?" + _MONTH_RE + r",?\s+" + _YEAR_RE,
    re.I,
)
PUBLISHED_NUMERIC = re.compile(
    r"(?:published|publication\s+date|date\s+of\s+publication)\s*[:\-]?\s*"
    r"(\d{1,2})[/.](\d{1,2})[/.]" + _YEAR_RE, re.I)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d\d)\b")
MONTH_YEAR = re.compile(r"\b" + _MONTH_RE + r"\s+" + _YEAR_RE + r"\b", re.I)
URL_DATE = re.compile(r"/(20[0-3]\d)[/-](0[1-9]|1[0-2])(?:[/-]|$)|[/_\s-](20[0-3]\d)[/_.\s-]")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})")

REVIEW_TYPES = [
    ("LCSPR", re.compile(r"local\s+child\s+safeguarding\s+practice\s+review|\bLCSPR\b|"
                         r"child\s+safeguarding\s+practice\s+review", re.I)),
    ("CPR", re.compile(r"(concise|extended)?\s*child\s+practice\s+review|\bCPR\b", re.I)),
    ("SCR", re.compile(r"serious\s+case\s+review|\bSCR\b", re.I)),
    ("other", re.compile(r"(local\s+)?learning\s+review|\bLLR\b|thematic\s+review|"
                         r"multi-agency\s+(case\s+)?review|significant\s+incident", re.I)),
]
CHILD = re.compile(
    r"\b((?:Child|Baby|Infant|Family|Young\s+Person|Sibling\s+Group)\s+[A-Z]{1,3}\d?"
    r"|Children\s+[A-Z]{1,2}\d?(?:,\s*[A-Z]{1,2}\d?)*\s+and\s+[A-Z]{1,2}\d?)\b"
)
NAMED = re.compile(
    r"(?:referred\s+to\s+as|known\s+as|called|named|pseudonym\s+of|will\s+be\s+called)\s+"
    r"[\"'\u2018\u201c]?([A-Z][a-z]{2,15})[\"'\u2019\u201d]?"
)
_NOT_CHILD = {"Child I"}  # "Child I" is more often a Roman numeral or a word than a pseudonym
# A first-name pseudonym right after the review's name: "SCR Harvey", "review of Leo".
NAME_AFTER_REVIEW = re.compile(
    r"\b(?:SCR|LCSPR|CSPR|CPR|[Rr]eview(?:\s+(?:of|into|concerning|relating\s+to|for))?|"
    r"[Bb]riefing(?:\s+(?:on|for))?)\s*[:\-\u2013]?\s+([A-Z][a-z]{2,15})\b"
)
# "lcspr-zara-board-response"; not "cpr-grsb-2-2020" (a board's acronym and a review number).
URL_NAME = re.compile(
    r"(?:^|[\s/_-])(?:scr|lcspr|cspr|cpr)[\s_-]+([a-z]{3,15})(?=[\s_.-](?!\d)|\.\w+$|$)", re.I)
_NOT_NAMES = frozenset({
    "operation", "project", "programme",
    "action", "and", "appendix", "april", "august", "baby", "background", "board", "board's",
    "brief", "briefing", "case", "child", "children", "concise", "december", "document",
    "executive", "extended", "family", "february", "final", "findings", "for", "full", "how",
    "in", "into", "introduction", "january", "july", "june", "key", "learning", "local",
    "march", "may", "methodology", "minute", "national", "november", "october", "of",
    "overview", "panel", "partnership", "partnership's", "person", "plan", "practice",
    "process", "published", "rapid", "recommendations", "report", "response", "review",
    "safeguarding", "september", "serious", "seven", "summary", "team", "terms", "that", "the",
    "this", "was", "what", "why", "young",
})


@dataclass(frozen=True)
class Field:
    value: object
    source: str  # where it came from, e.g. "text: 'Published: March 2017'"


def _month(name: str) -> int:
    name = name.lower()[:3]
    return next(i for m, i in MONTHS.items() if m.startswith(name))


def publication_date(cover: str, text: str, link_contexts: list[str], url: str,
                     pdf_created: str | None) -> tuple[Field | None, Field | None]:
    """(year, month) fields, following the order of trust of this module's docstring."""
    for where, hay in (("text", cover), ("text", text[:20000])):
        m = PUBLISHED.search(hay)
        if m:
            return (Field(int(m.group(3)), f"{where}: {m.group(0)!r}"),
                    Field(_month(m.group(2)), f"{where}: {m.group(0)!r}"))
        m = PUBLISHED_NUMERIC.search(hay)
        if m and 1 <= int(m.group(2)) <= 12:
            return (Field(int(m.group(3)), f"{where}: {m.group(0)!r}"),
                    Field(int(m.group(2)), f"{where}: {m.group(0)!r}"))
    for ctx in link_contexts:
        m = PUBLISHED.search(ctx) or MONTH_YEAR.search(ctx)
        if m:
            groups = [g for g in m.groups() if g]
            year, month = int(groups[-1]), _month(groups[-2])
            where = f"listing: {m.group(0)!r}"
            return Field(year, where), Field(month, where)
        m = NUMERIC_DATE.search(ctx)  # a table cell "12/03/2017" (UK order: day first)
        if m and 1 <= int(m.group(2)) <= 12:
            where = f"listing: {m.group(0)!r}"
            return Field(int(m.group(3)), where), Field(int(m.group(2)), where)
    dates = list(MONTH_YEAR.finditer(cover))
    if dates:
        last = dates[-1]
        return (Field(int(last.group(2)), f"cover: {last.group(0)!r}"),
                Field(_month(last.group(1)), f"cover: {last.group(0)!r}"))
    m = URL_DATE.search(unquote(url))
    if m:
        if m.group(1):
            return (Field(int(m.group(1)), f"url: {m.group(0)!r}"),
                    Field(int(m.group(2)), f"url: {m.group(0)!r}"))
        return Field(int(m.group(3)), f"url: {m.group(0)!r}"), None
    if pdf_created:
        m = ISO_DATE.match(pdf_created)
        if m:
            return (Field(int(m.group(1)), f"pdf metadata: CreationDate {pdf_created}"),
                    Field(int(m.group(2)), f"pdf metadata: CreationDate {pdf_created}"))
    return None, None


def review_type(head: str, text: str, nation: str | None, year: int | None) -> Field:
    """SCR, LCSPR, CPR or other: the cover decides, then the most named type in the text."""
    for name, pattern in REVIEW_TYPES:
        m = pattern.search(head)
        if m:
            return Field(name, f"cover: {m.group(0).strip()!r}")
    counts = Counter({name: len(p.findall(text)) for name, p in REVIEW_TYPES if name != "other"})
    best, n = counts.most_common(1)[0]
    if n:
        return Field(best, f"text: named {n} times")
    if nation == "Wales":
        return Field("CPR", "source nation Wales")
    return Field("other", "no review type named")


def child_pseudonym(head: str, text: str) -> Field | None:
    """The child or family as the report names them ("Child T", "Baby Q", "Jayden")."""
    m = CHILD.search(head)
    if m and m.group(1) not in _NOT_CHILD:
        return Field(_tidy(m.group(1)), f"cover: {m.group(1)!r}")
    for m in NAME_AFTER_REVIEW.finditer(head):
        if m.group(1).lower() not in _NOT_NAMES:
            return Field(m.group(1), f"cover: {m.group(0)!r}")
    for named in [*NAMED.finditer(head), *NAMED.finditer(text[:20000])]:
        if named.group(1).lower() not in _NOT_NAMES:
            return Field(named.group(1), f"text: {named.group(0)!r}")
    counts = Counter(_tidy(x) for x in CHILD.findall(text) if x not in _NOT_CHILD)
    if counts:
        best, n = counts.most_common(1)[0]
        return Field(best, f"text: named {n} times")
    return None


def child_from_url(url: str) -> Field | None:
    """A first-name pseudonym in a document's file name ("lcspr-zara-board-response.pdf")."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    m = CHILD.search(name)
    if m and m.group(1) not in _NOT_CHILD:
        return Field(_tidy(m.group(1)), f"url: {name!r}")
    m = URL_NAME.search(name)
    if m and m.group(1).lower() not in _NOT_NAMES and re.search("[aeiouy]", m.group(1), re.I):
        return Field(m.group(1).capitalize(), f"url: {name!r}")
    return None


def _tidy(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


_JUNK_TITLE = re.compile(
    r"microsoft\s+(word|powerpoint)|\.(docx?|pdf|pptx?|odt|rtf)\b|^(untitled|document\d*|"
    r"report\s+template|template|slide\s*\d*|final|draft|title|new\s+document|pdf)\W*$", re.I)
_SITE_SUFFIX = re.compile(
    r"\s+[|\u2013\u2014-]\s+[^|\u2013\u2014]*\b(safeguarding|partnership|board|council|borough|"
    r"county|committee|gov\.uk)\b[^|]*$", re.I)
_WORD = re.compile(r"[a-z0-9]{3,}")


def is_junk_title(title: str) -> bool:
    """True for titles left over from a template or the authoring file."""
    return bool(_JUNK_TITLE.search(title.strip()))


def title_of(meta_title: str, cover: str) -> str:
    """A readable title: the document's own title when it is a real one, else its first lines.

    PDF titles are often left over from a template or the authoring file ("Report template",
    "Microsoft Word - v3.docx"); a title that shares no words with the cover is not trusted. A
    web page's "Report title | Board name" loses the site's name.
    """
    title = _tidy(_SITE_SUFFIX.sub("", meta_title or ""))
    words = set(_WORD.findall(title.lower()))
    cover_words = set(_WORD.findall(cover.lower()))
    if title and not is_junk_title(title) and (not cover_words or words & cover_words):
        return title[:200]
    for block in _blocks(cover)[:4]:
        # a cover often starts with the board's name: skip it, but not a review's own title
        if not _ORGANISATION.match(block) or _DOCUMENT_WORDS.search(block):
            return block[:200]
    return title[:200]


_ORGANISATION = re.compile(
    r"^[\w'&,. -]*\b(safeguarding|council|partnership|board|committee|panel)\b[\w'&,. -]*$",
    re.I)


_DOCUMENT_WORDS = re.compile(r"review|brief|summary|report|response|learning|minutes", re.I)


def _blocks(cover: str, max_lines: int = 3) -> list[str]:
    """The cover's blocks of lines (separated by blank lines), each tidied to one line."""
    blocks: list[str] = []
    current: list[str] = []
    for line in [*cover.splitlines(), ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(_tidy(" ".join(current[:max_lines])))
            current = []
    return blocks
