"""Theme tagging with evidence: which risk factors and practice themes a review is about.

Method (rules, described in the README): the text is split into sentences, page by page. Each
theme's strong and weak patterns (data/taxonomy.toml) are matched per sentence; a match counts
as evidence unless

- it sits in boilerplate: a terms-of-reference, methodology, glossary or agencies section, or a
  sentence of review criteria, policy, research or training priorities;
- it is negated: a denial cue ("no evidence of", "was not", "ruled out", ...) in the words just
  before it, or a denial right after it ("... was not identified");
- it names an agency ("the drug and alcohol service attended") rather than a problem;
- for carer themes (parental mental health, parental substance misuse), the sentence names no
  parent or carer, or says the problem was the child's own.

A strong sentence scores 2, a weak one 1; a theme is present at score 2 or more, and its
evidence is its best sentences with their page numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from analysis.taxonomy import Theme, load_taxonomy

TAGGER_VERSION = 2  # 2: negation and carer fixes, boilerplate across pages
THRESHOLD = 2
MAX_EVIDENCE = 5

_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
_HEADING = re.compile(r"^\s*(\d+(\.\d+)*\.?\s+)?([A-Z][A-Za-z ,'&/()-]{2,80})\s*:?\s*$")
_BOILER_SECTION = re.compile(
    r"terms\s+of\s+reference|methodology|method\b|glossary|abbreviations|agencies\s+(involved|"
    r"contributing)|contributors|acknowledg|the\s+review\s+(process|team|panel)|scope\s+of\s+the|"
    r"independent\s+(reviewer|author)|membership|criteria|introduction\s+to\s+the\s+review|"
    r"the\s+partnership|about\s+(the|this)\s+(board|partnership)|priorities",
    re.I,
)
_BOILER_SENTENCE = re.compile(
    r"abuse\s+or\s+neglect\s+(of\s+a\s+child\s+)?(is|was)\s+(known|suspected)|working\s+together|"
    r"statutory\s+guidance|regulations?\s+\d|criteria\s+for|(was|were)\s+commissioned|"
    r"terms\s+of\s+reference|key\s+lines\s+of\s+enquiry|research\s+(shows|suggests|indicates|"
    r"has\s+shown)|nationally|national\s+(panel|analysis|review|guidance|research)|"
    r"training|priorit(y|ies)|awareness\s+(raising|campaign)|(?-i:\b[A-Z]{2,}s?)\s+stands?\s+for|"
    r"this\s+review\s+(will|would|was\s+asked)|the\s+review\s+(considered|examined|was\s+asked)|"
    r"the\s+(board|partnership)\s+(should|will|must)|should\s+(ensure|seek|consider|review)|"
    r"recommendation",
    re.I,
)
_NEG_BEFORE = re.compile(
    r"\b(no|not|never|nor|without|denied|denies|deny|absence\s+of|ruled\s+out|unfounded|"
    r"unsubstantiated|no\s+evidence|no\s+indication|no\s+concerns?|nothing\s+to\s+suggest|"
    r"did\s+not|were\s+not|was\s+not|none|neither|free\s+from|rather\s+than)\b[^.;]{0,60}$",
    re.I,
)
_NEG_AFTER = re.compile(
    r"^[^.;]{0,40}\b((was|were|had|has|have)\s+(\w+\s+)?(not|never|been\s+ruled\s+out)\b|"
    r"(was|were)\s+(unfounded|unsubstantiated|excluded|discounted)|did\s+not\s+(feature|arise))",
    re.I,
)
_AGENCY_AFTER = re.compile(
    r"^\s*(and\s+\w+\s+)?(service|services|team|worker|workers|practitioner|agency|provider|"
    r"unit|nurse|co-?ordinator|adviser|advisor|trust|clinic|charity|forum|lead|champion|"
    r"strategy|policy|protocol|training|course|awareness|module)\b",
    re.I,
)
_CARER = re.compile(
    r"\b(mother|father|parents?|parental|partner|carers?|step-?(father|mother|parent)|"
    r"grand(mother|father|parents?)|mum|dad|couple|both\s+adults)\b|\b(Ms|Mrs|Mr|Miss|Mx)\b",
    re.I,
)
# a sentence about the person the previous sentence named: "She had experienced depression"
_PRONOUN_START = re.compile(r"^(she|he|they|her|his|their)\b", re.I)
_CHILD_OWN = re.compile(
    r"\b(child|son|daughter|young\s+person|teenager|pupil|boy|girl)'?s?\s+own\b|"
    r"\b(his|her|their)\s+own\s+(low\s+mood|mental|drug|alcohol|cannabis)",
    re.I,
)


# shared with analysis/review_brief.py: what counts as a review's boilerplate
BOILER_SECTION, BOILER_SENTENCE, HEADING = _BOILER_SECTION, _BOILER_SENTENCE, _HEADING


@dataclass
class ThemeTag:
    theme: str
    score: float = 0.0
    evidence: list[dict] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return self.score >= THRESHOLD

    def as_row(self) -> dict:
        return {"theme": self.theme, "score": self.score, "present": self.present,
                "evidence": self.evidence[:MAX_EVIDENCE]}


def sentences(page_text: str, boiler: bool = False) -> list[tuple[str, bool]]:
    """(sentence, in_boilerplate_section) pairs of one page, headings tracked across lines.

    ``boiler``: whether the page starts inside a boilerplate section (a glossary that runs on
    from the previous page); the last pair tells the state the next page starts in.
    """
    out: list[tuple[str, bool]] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            text = " ".join(block)
            out.extend((s.strip(), boiler) for s in _SENTENCE.split(text) if s and s.strip())
            block.clear()

    for line in page_text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        heading = _HEADING.match(stripped)
        if heading and len(stripped.split()) <= 10 and not stripped.endswith("."):
            flush()
            boiler = bool(_BOILER_SECTION.search(stripped))
            continue
        block.append(stripped)
    flush()
    return out


def _counts_as_evidence(theme: Theme, sentence: str, m: re.Match[str],
                        previous: str = "") -> bool:
    before, after = sentence[: m.start()], sentence[m.end():]
    if _NEG_BEFORE.search(before[-80:]) or _NEG_AFTER.search(after):
        return False
    if _AGENCY_AFTER.match(after):
        return False
    if theme.carer:  # a carer's problem: a carer named (here or just before), not the child's
        named = bool(_CARER.search(sentence)) or (
            bool(_PRONOUN_START.match(sentence)) and bool(_CARER.search(previous)))
        return named and not _CHILD_OWN.search(sentence)
    return True


def tag_pages(pages: Sequence[str], themes: Sequence[Theme] | None = None) -> list[ThemeTag]:
    """Score every theme over a document's pages (page 1 first); returns one tag per theme."""
    themes = themes or load_taxonomy()
    tags = {t.id: ThemeTag(t.id) for t in themes}
    boiler_state, previous = False, ""
    for page_no, text in enumerate(pages, 1):
        page_sentences = sentences(text, boiler_state)
        if page_sentences:
            boiler_state = page_sentences[-1][1]
        for sentence, boiler in page_sentences:
            prior, previous = previous, sentence
            if boiler or _BOILER_SENTENCE.search(sentence):
                continue
            for theme in themes:
                weight = 0
                hit = ""
                for patterns, w in ((theme.strong, 2), (theme.weak, 1)):
                    for pattern in patterns:
                        for m in pattern.finditer(sentence):
                            if _counts_as_evidence(theme, sentence, m, prior):
                                weight, hit = w, m.group(0)
                                break
                        if weight:
                            break
                    if weight:
                        break
                if weight:
                    tag = tags[theme.id]
                    tag.score += weight
                    tag.evidence.append({"page": page_no, "sentence": sentence[:600],
                                         "match": hit, "strength": weight})
    for tag in tags.values():
        tag.evidence.sort(key=lambda e: (-e["strength"], e["page"]))
    return list(tags.values())
