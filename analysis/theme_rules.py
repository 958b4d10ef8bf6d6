"""The tagger's rules: where a theme's words count as evidence and where they do not.

A theme's strong and weak patterns (data/taxonomy.toml) are matched per sentence; a match counts
as evidence unless

- it sits in boilerplate: a terms-of-reference, methodology, glossary or agencies section, or a
  sentence of review criteria, policy, research or training priorities;
- it is negated: a denial cue ("no evidence of", "was not", "ruled out", ...) in the words just
  before it, or a denial right after it ("... was not identified");
- it names an agency ("the drug and alcohol service attended") rather than a problem;
- for carer themes (parental mental health, parental substance misuse), the sentence names no
  parent or carer, or says the problem was the child's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analysis.signals import sentence_keys
from analysis.taxonomy import Theme

SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
HEADING = re.compile(r"^\s*(\d+(\.\d+)*\.?\s+)?([A-Z][A-Za-z ,'&/()-]{2,80})\s*:?\s*$")
BOILER_SECTION = re.compile(
    r"terms\s+of\s+reference|methodology|method\b|glossary|abbreviations|agencies\s+(involved|"
    r"contributing)|contributors|acknowledg|the\s+review\s+(process|team|panel)|scope\s+of\s+the|"
    r"independent\s+(reviewer|author)|membership|criteria|introduction\s+to\s+the\s+review|"
    r"the\s+partnership|about\s+(the|this)\s+(board|partnership)|priorities",
    re.I,
)
BOILER_SENTENCE = re.compile(
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


def sentence_hits(sentence: str, prior: str, themes: Sequence[Theme]) -> dict[str, tuple[int, str]]:
    """Per theme with evidence in this sentence: (2 for a strong match or 1 for a weak one, the
    matched words); ``prior`` is the sentence before (for "She had ..." after "The mother ...")."""
    hits: dict[str, tuple[int, str]] = {}
    keys = sentence_keys(sentence.lower())
    for theme in themes:
        for signals, weight in ((theme.strong, 2), (theme.weak, 1)):
            for m in signals.matches(sentence, keys):
                if _counts_as_evidence(theme, sentence, m, prior):
                    hits[theme.id] = (weight, m.group(0))
                    break
            if theme.id in hits:
                break
    return hits


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
            out.extend((s.strip(), boiler) for s in SENTENCE.split(text) if s and s.strip())
            block.clear()

    for line in page_text.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        heading = HEADING.match(stripped)
        if heading and len(stripped.split()) <= 10 and not stripped.endswith("."):
            flush()
            boiler = bool(BOILER_SECTION.search(stripped))
            continue
        block.append(stripped)
    flush()
    return out


def about_a_carer(text: str) -> bool:
    """Whether a passage names a parent or carer and does not make the problem the child's."""
    return bool(_CARER.search(text)) and not _CHILD_OWN.search(text)


def sentence_units(pages: Sequence[str]) -> list[tuple[int, str, str]]:
    """(page, sentence, previous sentence) for every sentence outside boilerplate."""
    out: list[tuple[int, str, str]] = []
    boiler_state, previous = False, ""
    for page_no, text in enumerate(pages, 1):
        page_sentences = sentences(text, boiler_state)
        if page_sentences:
            boiler_state = page_sentences[-1][1]
        for sentence, boiler in page_sentences:
            prior, previous = previous, sentence
            if not (boiler or BOILER_SENTENCE.search(sentence)):
                out.append((page_no, sentence, prior))
    return out
