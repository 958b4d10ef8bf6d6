"""Is this fetched document a case-review document, and which kind?

The decision weighs all the evidence a person would: the document's own cover and title (what
it says it is), the text of the links that led to it and their listing context, its URL, and
its body (review reports have terms of reference, findings and recommendations; annual reports,
minutes, leaflets and newsletters mention reviews but say what they are on their cover). Every
decision carries its reason, stored on the document's row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.metadata import is_junk_title

# What a document says it is, strongest on its cover / title.
REVIEW_NAMES = re.compile(
    r"serious\s+case\s+review|local\s+child\s+safeguarding\s+practice\s+review|"
    r"child(ren)?\s+safeguarding\s+practice\s+review|\bLCSPR\b|child\s+practice\s+review|"
    r"concise\s+child\s+practice\s+review|extended\s+child\s+practice\s+review|"
    r"significant\s+case\s+review|case\s+management\s+review|learning\s+review|"
    r"practice\s+learning\s+review|safeguarding\s+practice\s+review|rapid\s+review|"
    r"\bSCR\b|case\s+review|review\s+(of|into|concerning|relating\s+to)\s+(Child|Baby|Family|"
    r"Children|Young\s+Person)\b",
    re.I,
)
DOC_KINDS = {
    "executive_summary": re.compile(r"executive\s+summary", re.I),
    "briefing": re.compile(
        r"\b(7|seven)[\s-]*minute\s+(learning\s+)?briefing|learning\s+brief(ing)?|"
        r"briefing\s+(note|paper)|practice\s+briefing|learning\s+summary|key\s+learning\b",
        re.I,
    ),
    "board_response": re.compile(
        r"(board|partnership|partners|panel|committee)'?s?\s+response|response\s+(of|from)\s+the\s+"
        r"\w+|response\s+to\s+the\s+([\w-]+\s+){0,4}(findings|recommendations|review|report)|"
        r"management\s+response|^\W*[A-Z]{2,8}\s+response\b",
        re.I,
    ),
    "other_review_document": re.compile(
        r"action\s+plan|terms\s+of\s+reference\s+for\s+the\s+review|addendum|"
        r"family\s+statement|statement\s+(from|by)\s+the\s+family",
        re.I,
    ),
    "full_report": re.compile(
        r"overview\s+report|full\s+report|final\s+report|the\s+review\s+report", re.I),
}
NOT_REVIEW = re.compile(
    r"annual\s+report|yearly\s+report|business\s+plan|strategic\s+plan|\bstrategy\b|"
    r"minutes\s+of|\bminutes\b|\bagenda\b|newsletter|bulletin|leaflet|factsheet|"
    r"\bflyer\b|\btraining\b|course\s+(details|outline)|advice\s+(for|to)\s+|guide\s+for\s+|"
    r"\btoolkit\b|\bprotocol\b|\bhandbook\b|"
    r"book\s+your\s+place|booking|\bpolicy\b|\bprocedures?\b|guidance\s+for|"
    r"information\s+for\s+(parents|professionals|families)|safe\s+sleep\s+advice|"
    r"terms\s+of\s+reference\s+of\s+the\s+(board|partnership)|job\s+description|vacancy|"
    r"privacy\s+notice|cookie",
    re.I,
)
REPORT_SECTIONS = re.compile(
    r"^\s*(\d+(\.\d+)*\.?\s+)?(terms\s+of\s+reference|methodology|recommendations?|"
    r"findings|key\s+findings|analysis|background|the\s+family|chronology|"
    r"learning|conclusions?|summary\s+of\s+(events|the\s+case)|what\s+happened|"
    r"questions\s+for\s+practice|circumstances\s+leading\s+to\s+the\s+review)\s*:?\s*$",
    re.I | re.M,
)


_TITLE_CHARS = 160  # what a document says it is sits in its title and first lines


@dataclass(frozen=True)
class Evidence:
    """What is known about a document before deciding."""

    url: str
    title: str  # the document's own title (PDF Title, HTML <title>/<h1>)
    cover: str  # the first ~800 characters of the text (its cover or opening)
    text: str  # the whole text (first pages are enough)
    link_texts: tuple[str, ...]  # texts of the links that led to it
    link_contexts: tuple[str, ...]  # listing headings/rows around those links
    words: int
    paged: bool  # PDF/DOCX (True) or a web page (False)
    link_count: int = 0  # for web pages: how many fetched documents the page links to


@dataclass(frozen=True)
class Decision:
    is_review: bool
    doc_type: str
    reason: str


def _doc_kind(*texts: str) -> str | None:
    for text in texts:
        for kind, pattern in DOC_KINDS.items():
            if text and pattern.search(text):
                return kind
    return None


def classify(ev: Evidence) -> Decision:
    """Decide whether ``ev`` is a case-review document, its doc_type, and why."""
    title = "" if is_junk_title(ev.title) else ev.title
    head = f"{title}\n{ev.cover}"
    links = " ".join(ev.link_texts)
    score = 0
    why: list[str] = []
    if REVIEW_NAMES.search(head):
        score += 3
        why.append(f"cover names a review ({REVIEW_NAMES.search(head).group(0)!r})")
    elif REVIEW_NAMES.search(links) or REVIEW_NAMES.search(" ".join(ev.link_contexts)):
        score += 1
        why.append("linked as a review")
    cover_kind = _doc_kind(head)
    if cover_kind and cover_kind != "full_report":
        score += 1
        why.append(f"cover names a review document kind ({cover_kind})")
    negative = NOT_REVIEW.search(f"{title}\n{ev.cover[:_TITLE_CHARS]}")
    if negative:
        score -= 5
        why.append(f"cover says {negative.group(0)!r}")
    elif NOT_REVIEW.search(links):
        score -= 2
        why.append(f"link says {NOT_REVIEW.search(links).group(0)!r}")
    sections = {m.group(3).lower() for m in REPORT_SECTIONS.finditer(ev.text)}
    if len(sections) >= 2:
        score += 1
        why.append(f"has review sections ({', '.join(sorted(sections)[:3])})")
    mentions = len(REVIEW_NAMES.findall(ev.text))
    if mentions >= 3:
        score += 1
        why.append(f"{mentions} mentions of reviews")
    if re.search(r"\b(Child|Baby|Family|Children|Young\s+Person)\s+[A-Z]{1,2}\d?\b", head):
        score += 1
        why.append("cover names a child or family pseudonym")
    if not ev.paged:
        if ev.words < 250:
            score -= 4
            why.append(f"a short web page ({ev.words} words)")
        if ev.link_count >= 3:
            score -= 3
            why.append(f"a listing page (links to {ev.link_count} documents)")
    kind = _doc_kind(head, links, ev.url.rsplit("/", 1)[-1].replace("-", " ")) or "full_report"
    is_review = score >= 3
    return Decision(is_review, kind if is_review else "not_review",
                    f"score {score}: " + "; ".join(why) if why else f"score {score}: no evidence")
