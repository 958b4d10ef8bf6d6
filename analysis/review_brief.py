"""The "7-minute briefing" of one case review: a one-page summary of a single document.

:func:`compose_review_brief` builds a :class:`~analysis.docmodel.Doc` with five short sections:
Background (who, outcome, board, review type, year, and a verbatim sentence saying why the review
was commissioned), What happened (two or three verbatim narrative sentences), Key findings (the
present themes, strongest first, with a verbatim evidence sentence each), Recommendations (the
numbered recommendations, shortened) and Questions for practice (one per present core theme, and
a generic one).

Every quotation is an exact substring of the page it cites (line breaks included): sentences are
cut out of the page text by position, never rebuilt, and a long one is cut at a sentence end (or
else at a word) without adding characters. Facts the document does not state (the child's age,
gender, outcome) are taken from the other documents of the same case.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.docmodel import Bullets, Doc, Paragraph, Quote, Section
from analysis.taxonomy import theme_labels
from analysis.themes import BOILER_SECTION, BOILER_SENTENCE, HEADING
from analysis.trends import age_band
from ingest.catalogue import Catalogue
from ingest.errors import AtlasError

MAX_QUOTE_CHARS = 300
MAX_HAPPENED = 3
MAX_FINDINGS = 5
MAX_RECOMMENDATIONS = 8
MAX_RECOMMENDATION_CHARS = 200
MAX_THEME_QUESTIONS = 4
SECTIONS = ("Background", "What happened", "Key findings", "Recommendations",
            "Questions for practice")

QUESTIONS: dict[str, str] = {
    "neglect": "How do we notice the slow build-up of neglect, and who steps back to see the "
               "whole pattern rather than each incident on its own?",
    "physical_abuse": "When a child has an injury, how do we check that the explanation fits "
                      "the injury, the child's age and their development?",
    "sexual_abuse": "How do we make it possible for a child to tell us about sexual abuse, "
                    "and do we act on indirect signs as well as disclosures?",
    "exploitation": "How do we recognise a child being exploited as a victim, not as the cause "
                    "of the problem, and who pieces together the intelligence?",
    "sudi_unsafe_sleep": "How do we talk to families about safe sleep when circumstances "
                         "change: a move, an illness, drink or drugs, a night away from home?",
    "suicide_self_harm": "When a young person self-harms or speaks of suicide, how do we make "
                         "sure the risk is reassessed and shared, not just recorded?",
    "domestic_abuse": "How do we ask about domestic abuse when the father or partner is not "
                      "present, and how do we judge its effect on the child?",
    "parental_mental_health": "How do adult mental health services and children's services "
                              "share what a parent's illness means for the child's care?",
    "parental_substance_misuse": "How do we find out what a parent's drug or alcohol use "
                                 "means for the care the child receives day to day?",
    "unseen_men": "Who are the men in this child's life, and what do we know about them beyond "
                  "what the mother tells us?",
    "housing_poverty": "How do we take account of money worries, debt and housing when we "
                       "assess what a family can manage, and do we help with them?",
    "culture_faith_language": "How do we make sure parents understand us and we understand "
                              "them: do we use interpreters, and ask about culture and faith?",
    "child_disability": "How do we hear from a disabled child who communicates differently, "
                        "and are we seeing the child behind the condition?",
    "education_attendance": "What do we do when a child is missing from school or is home "
                            "educated, and who checks that the child is seen?",
    "information_sharing": "What would have made us share this information sooner, and do we "
                           "know who else is involved with the family?",
    "disguised_compliance": "How do we test a family's apparent cooperation against what "
                            "actually changes for the child?",
    "voice_of_child": "What is daily life like for this child, and how have we heard it from "
                      "the child rather than from the adults?",
    "professional_curiosity": "When something does not add up, how do we stay curious and "
                              "challenge, including the views of other professionals?",
}
GENERIC_QUESTION = ("What will we do differently in our own team because of this review, and "
                    "how will we know it has made a difference for children?")
EXTRA_QUESTION = ("Who holds the whole picture of a child's life across agencies, and how "
                  "would we know if nobody did?")

_REVIEW_TYPES = {"SCR": "Serious Case Review", "LCSPR": "Local Child Safeguarding Practice Review",
                 "CPR": "Child Practice Review", "other": "case review"}
_OUTCOMES = {"death": "the child died", "serious_harm": "the child suffered serious harm"}
_GENDERS = {"male": "boy", "female": "girl"}
_NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty", "twenty-one", "twenty-two", "twenty-three"]

# a sentence boundary inside a block: end punctuation (and a closing quote), space, capital
_BOUNDARY = re.compile(r"([.!?][\"'\u2019\u201d)\]]?)\s+(?=[\"'(\[\u2018\u201c]?[A-Z0-9])")
# sections that are not the story of the case: review process, findings, learning, actions
_NOT_NARRATIVE = re.compile(
    r"contents|recommendation|good\s+practice|findings?|analysis|learning|conclusion|"
    r"questions|what\s+(you|we)\s+should|further\s+information|why\s+it\s+matters|"
    r"what\s+we\s+learned|lessons|action|response|appendix|references|summary\s+of\s+learning|"
    r"introduction|purpose|next\s+steps", re.I)
_NARRATIVE = re.compile(
    r"what\s+happened|background|child\s+and\s+family|the\s+family|agency\s+involvement|"
    r"chronolog|case\s+summary|key\s+(events|episodes)|the\s+incident|circumstances|"
    r"history|practice\s+episodes|overview\s+of", re.I)
_PROCESS = re.compile(r"^(\d+(\.\d+)*\.?\s+)?(the|this)\s+"
                      r"(review|briefing|report|reviewer|panel)\b|"
                      r"\b(the\s+reviewer|told\s+the\s+review|the\s+review\s+(heard|found))\b",
                      re.I)
_COMMISSION = re.compile(
    r"\bcommissioned\b|\bcriteria\b|\bwas\s+notified\b|\bnotification\b|\bnotifiable\b|"
    r"cause\s+for\s+concern|\bdecided\s+to\s+(undertake|conduct|hold)|review\s+was\s+required|"
    r"\bmet\s+the\b", re.I)
_COMMISSION_WHY = re.compile(
    r"\b(because|after|following|when|died|death|serious(ly)?\s+(harm|injur)|suffered|found)\b",
    re.I)
_EVENT = re.compile(
    r"\b(incident|injur|died|death|hospital|police|convicted|arrested|found|admitted|"
    r"referr|disclos|assault|emergency|ambulance|collapsed|unresponsive)", re.I)
_CARERS = re.compile(r"\b(mother|father|parents?|partner|step-?father|Ms|Mr|Mrs|carers?)\b")
# a row of a chronology table ("July 2008 Midwifery Review meeting held"): not a sentence
_TABLE_ROW = re.compile(
    r"^(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|(\d{1,2}\s+)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
    r"Nov|Dec)[a-z]*\.?\s+\d{4})\b")
_DATE = re.compile(
    r"\b(19|20)\d\d\b|\b(January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|weekday|"
    r"morning|evening|night)\b|\b(days?|weeks?|months?)\s+(later|before|after)\b|\baged\b")


@dataclass
class _Sentence:
    page: int  # 1-based
    heading: str
    text: str  # verbatim, as on the page

    @property
    def flat(self) -> str:
        return " ".join(self.text.split())


def _is_heading(stripped: str) -> bool:
    return bool(HEADING.match(stripped)) and len(stripped.split()) <= 10 \
        and not stripped.endswith((".", ",", ";"))


def _split_block(out: list[_Sentence], page_no: int, heading: str, text: str,
                 start: int | None, end: int) -> None:
    """Append the sentences of ``text[start:end]`` (one paragraph), cut out by position."""
    if start is None:
        return
    block = text[start:end]
    pos = 0
    for m in [*_BOUNDARY.finditer(block), None]:
        stop = m.end(1) if m else len(block)
        piece = block[pos:stop]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if piece:
            at = start + pos + lead
            out.append(_Sentence(page_no, heading, text[at:at + len(piece)]))
        pos = m.end() if m else len(block)


def _sentences(pages: Sequence[str]) -> list[_Sentence]:
    """Every sentence of the pages, verbatim (cut by position), with its page and heading."""
    out: list[_Sentence] = []
    heading = ""
    for page_no, text in enumerate(pages, 1):
        start: int | None = None
        end = 0
        previous = ""

        offset = 0
        for line in text.splitlines(keepends=True):
            stripped = line.strip()
            line_start, offset = offset, offset + len(line)
            if not stripped:
                _split_block(out, page_no, heading, text, start, end)
                start, previous = None, ""
                continue
            if _is_heading(stripped) and (not previous or previous.endswith((".", ":", "?", "!"))):
                _split_block(out, page_no, heading, text, start, end)
                start, heading, previous = None, stripped, ""
                continue
            if start is None:
                start = line_start + (len(line) - len(line.lstrip()))
            end = line_start + len(line.rstrip())
            previous = stripped
        _split_block(out, page_no, heading, text, start, end)
    return out


def _quotable(s: _Sentence) -> bool:
    words = s.flat.split()
    return len(words) >= 8 and s.flat.endswith((".", "?", "!", ".'", ".\u2019", '."')) and bool(
        re.match(r"(\d+(\.\d+)*\s+)?[A-Z\"'\u2018\u201c]", s.flat))


def _clip(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """A verbatim prefix of ``text`` under ``limit`` characters: whole sentences if possible,
    else whole words; nothing is added, so the result is still a substring of the page."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.start() + 1 for m in re.finditer(r"[.!?](?=\s)", head)]
    if ends and ends[-1] > limit // 3:
        return head[:ends[-1]]
    return head[:max(head.rfind(" "), head.rfind("\n"))].rstrip(" ,;:\n")


def _locate(sentence: str, page_text: str) -> str | None:
    """The verbatim span of ``page_text`` that reads as ``sentence`` (whitespace aside)."""
    words = sentence.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), page_text)
    return m.group(0) if m else None


def _age_words(months: int | None) -> str | None:
    """ "seven-year-old", "eight-month-old" (None when the age is not known)."""
    if months is None:
        return None
    n, unit = (months, "month") if months < 24 else (months // 12, "year")
    return f"{_NUMBERS[n] if n < len(_NUMBERS) else n}-{unit}-old"


def _case_facts(cat: Catalogue, rep: dict[str, Any]) -> dict[str, Any]:
    """The report's facts, with missing child facts filled from the other documents of its case
    (the value most of them state)."""
    facts = dict(rep)
    fields = ("child", "age_months", "gender", "outcome", "year", "review_type", "board")
    missing = [f for f in fields if facts.get(f) in (None, "")]
    if missing and rep.get("case_id"):
        others = [cat.report(d) for d in cat.case_members(rep["case_id"]) if d != rep["id"]]
        for f in missing:
            votes = Counter(o[f] for o in others if o and o.get(f) not in (None, ""))
            if votes:
                facts[f] = votes.most_common(1)[0][0]
    return facts


def _source(facts: Mapping[str, Any], page: int | None) -> str:
    kind = (facts.get("doc_type") or "document").replace("_", " ")
    return (f"{facts.get('board') or 'Unknown board'}, {facts.get('child') or 'the child'}, "
            f"{facts.get('year') or 'n.d.'}, {kind}, {f'p. {page}' if page else 'web page'}")


def _quote(facts: Mapping[str, Any], s: _Sentence, paged: bool) -> Quote:
    page = s.page if paged else None
    return Quote(text=_clip(s.text), source=_source(facts, page), url=facts.get("url"),
                 doc_id=facts["id"], page=page)


def _who(facts: Mapping[str, Any]) -> str:
    child = facts.get("child") or "The child"
    parts = []
    age = _age_words(facts.get("age_months"))
    gender = _GENDERS.get(facts.get("gender") or "")
    if age:
        article = "an" if age[0] in "aeiou" else "a"
        parts.append(f"{article} {age} {gender or 'child'}")
    elif gender:
        parts.append(f"a {gender}")
    if facts.get("age_months") is not None:
        parts.append(f"age band {age_band(facts['age_months'])}")
    return f"{child}" + (f" ({'; '.join(parts)})" if parts else "")


def _background(facts: Mapping[str, Any]) -> Paragraph:
    review = _REVIEW_TYPES.get(facts.get("review_type") or "", facts.get("review_type")
                               or "case review")
    outcome = _OUTCOMES.get(facts.get("outcome") or "", "the outcome for the child is not stated")
    year = facts.get("year") or "year unknown"
    kind = (facts.get("doc_type") or "document").replace("_", " ")
    return Paragraph(f"Who: {_who(facts)}. Outcome: {outcome}. {review} by "
                     f"{facts.get('board') or 'an unknown board'}, published {year} "
                     f"(this document: {kind}).")


def _commission(sentences: Sequence[_Sentence]) -> _Sentence | None:
    """The sentence that best says why the review was held: the criteria or the incident."""
    best, best_score = None, 0
    for s in sentences:
        if not _quotable(s) or len(s.flat) > 2 * MAX_QUOTE_CHARS:
            continue
        score = 2 * bool(_COMMISSION.search(s.flat)) + bool(_COMMISSION_WHY.search(s.flat))
        if score >= 3 and score > best_score:
            best, best_score = s, score
    return best


def _evidence_hits(tags: Sequence[Mapping[str, Any]]) -> Counter[tuple[int, str]]:
    hits: Counter[tuple[int, str]] = Counter()
    for tag in tags:
        for ev in tag["evidence"]:
            hits[(ev.get("page") or 1, " ".join(str(ev.get("sentence", "")).split()))] += \
                ev.get("strength", 1)
    return hits


def _happened(sentences: Sequence[_Sentence], hits: Counter[tuple[int, str]], child: str | None,
              skip: set[str]) -> list[_Sentence]:
    """Two or three narrative sentences (not review process), the ones carrying the most theme
    evidence and dates, in the order the report tells them."""
    def narrative(s: _Sentence) -> bool:
        return not (BOILER_SECTION.search(s.heading) or _NOT_NARRATIVE.search(s.heading)
                    or BOILER_SENTENCE.search(s.flat) or _PROCESS.search(s.flat))

    pool = [s for s in sentences if _quotable(s) and narrative(s) and s.flat not in skip
            and len(s.flat) <= MAX_QUOTE_CHARS and not _TABLE_ROW.match(s.flat)]
    name = (child or "").split()[-1] if child else ""

    def score(s: _Sentence) -> float:
        ev = sum(v for (page, text), v in hits.items()
                 if page == s.page and text and (text == s.flat or s.flat.startswith(text)))
        return (3 * ev + 2 * min(len(_DATE.findall(s.flat)), 2)
                + 2 * bool(_EVENT.search(s.flat)) + 2 * bool(_NARRATIVE.search(s.heading))
                + bool(_CARERS.search(s.flat)) + bool(name and name in s.flat))

    ranked = sorted(range(len(pool)), key=lambda i: (-score(pool[i]), i))
    chosen = sorted(i for i in ranked[:MAX_HAPPENED] if score(pool[i]) > 0) or ranked[:2]
    return [pool[i] for i in sorted(chosen)]


def _finding(tag: Mapping[str, Any], by_page: dict[int, list[_Sentence]],
             pages: Sequence[str], used: set[str]) -> _Sentence | None:
    """The tag's first short quotable evidence sentence not quoted yet, found verbatim on its
    page (None when there is none)."""
    found = []
    for ev in sorted(tag["evidence"], key=lambda e: -e.get("strength", 1)):
        page = ev.get("page") or 1
        flat = " ".join(str(ev.get("sentence", "")).split())
        if not flat or not 1 <= page <= len(pages):
            continue
        s = next((s for s in by_page.get(page, []) if s.flat == flat), None)
        if s is None:
            span = _locate(flat, pages[page - 1])
            s = _Sentence(page, "", span) if span else None
        if s is not None and _quotable(s) and not s.flat.endswith("?") \
                and not re.search(r"question|recommendation|what\s+you\s+should", s.heading, re.I):
            found.append(s)
    fresh = [s for s in found if s.flat not in used]  # never quote one sentence twice
    short = [s for s in fresh if len(s.text) <= MAX_QUOTE_CHARS]
    return (short or fresh or [None])[0]


def _recommendations(cat: Catalogue, facts: Mapping[str, Any], paged: bool) -> list[Any]:
    recs = cat.recommendations(facts["id"])
    if not recs:
        elsewhere = any(cat.recommendations(d) for d in cat.case_members(facts["case_id"])
                        if d != facts["id"]) if facts.get("case_id") else False
        return [Paragraph("This document lists no numbered recommendations"
                          + ("; see the review's other documents (e.g. the full report)."
                             if elsewhere else "."), emphasis=True)]
    items = []
    for n, rec in enumerate(recs[:MAX_RECOMMENDATIONS], 1):
        text = " ".join(rec["text"].split())
        if len(text) > MAX_RECOMMENDATION_CHARS:
            text = text[:MAX_RECOMMENDATION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " \u2026"
        where = f"p. {rec['page']}" if paged and rec.get("page") else "web page" if not paged \
            else "page not known"
        items.append(f"{rec.get('number') or n}. {text} ({where})")
    blocks: list[Any] = [Bullets(items)]
    if len(recs) > MAX_RECOMMENDATIONS:
        blocks.append(Paragraph(f"And {len(recs) - MAX_RECOMMENDATIONS} more in the report.",
                                emphasis=True))
    return blocks


def _questions(themes: Sequence[str]) -> Bullets:
    items = [QUESTIONS[t] for t in themes if t in QUESTIONS][:MAX_THEME_QUESTIONS]
    if len(items) < 2:
        items.append(EXTRA_QUESTION)
    return Bullets([*items, GENERIC_QUESTION])


def compose_review_brief(cat: Catalogue, doc_id: str) -> Doc:
    """The one-page 7-minute briefing of the document ``doc_id`` (see the module doc).

    Raises AtlasError when the catalogue holds no such document (or no metadata for it). A
    document whose text could not be extracted gives a Background section only.
    """
    rep = cat.report(doc_id)
    if rep is None:
        what = "has not been classified yet" if cat.document(doc_id) else "is not in the catalogue"
        raise AtlasError(f"document {doc_id!r} {what}")
    facts = _case_facts(cat, rep)
    paged = bool(rep.get("paged"))
    name = facts.get("child") or facts.get("title") or "a case review"
    doc = Doc(title=f"7-minute briefing: {name} ({facts.get('board') or 'unknown board'}, "
                    f"{facts.get('year') or 'n.d.'})",
              scope=f"A one-page summary of \u201c{rep.get('title') or doc_id}\u201d "
                    f"({rep.get('url')}). Quotations are verbatim, with their page.")
    background = Section("Background", [_background(facts)])
    doc.sections.append(background)
    pages = cat.page_texts(doc_id)
    if rep.get("status") != "ok" or not any(p.strip() for p in pages):
        reason = f" ({rep['status_reason']})" if rep.get("status_reason") else ""
        background.blocks.append(Paragraph(
            f"No text could be extracted from this document{reason}, so nothing more can be "
            "summarised from it.", emphasis=True))
        return doc

    sentences = _sentences(pages)
    why = _commission(sentences)
    if why is not None:
        background.blocks.append(Paragraph("Why the review was held:"))
        background.blocks.append(_quote(facts, why, paged))

    labels = theme_labels()
    tags = [t for t in cat.themes_of(doc_id) if t["present"]]
    by_page: dict[int, list[_Sentence]] = {}
    for s in sentences:
        by_page.setdefault(s.page, []).append(s)
    # the findings are chosen first (one sentence per theme), the story then tells the rest
    used = {why.flat} if why else set()
    findings: list[Any] = []
    for tag in tags[:MAX_FINDINGS]:
        s = _finding(tag, by_page, pages, used)
        label = labels.get(tag["theme"], tag["theme"])
        findings.append(Paragraph(label if s else f"{label} (no separate quotation)"))
        if s is not None:
            used.add(s.flat)
            findings.append(_quote(facts, s, paged))
    happened = _happened(sentences, _evidence_hits(tags), facts.get("child"), used)
    doc.sections.append(Section("What happened", [_quote(facts, s, paged) for s in happened]
                                or [Paragraph("The document tells no story of the case that "
                                              "could be quoted.", emphasis=True)]))
    doc.sections.append(Section("Key findings", findings or [Paragraph(
        "No themes were found in this document.", emphasis=True)]))
    doc.sections.append(Section("Recommendations", _recommendations(cat, facts, paged)))
    doc.sections.append(Section("Questions for practice",
                                [_questions([t["theme"] for t in tags])]))
    return doc

