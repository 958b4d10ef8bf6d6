"""Distinctive made-up phrases for known-item search evaluation.

Each ok review document gets one sentence containing a phrase such as "the Kestrelholm
Parenting Pathway": the invented compound name is used once in the whole web, so the phrase
occurs verbatim in that document only.
"""

from __future__ import annotations

import logging
import random
import re

logger = logging.getLogger(__name__)

_PREFIXES = (
    "Amber", "Bramble", "Cinder", "Dapple", "Elder", "Fennel", "Gorse", "Hazel", "Juniper",
    "Kestrel", "Linnet", "Marram", "Nettle", "Osier", "Plover", "Quillet", "Rowan", "Sorrel",
    "Teasel", "Umber", "Vetch", "Yarrow", "Bittern", "Campion", "Dunlin", "Foxglove",
    "Lapwing", "Medlar", "Pipit", "Redshank", "Thistle", "Merlin",
)
_SUFFIXES = (
    "holm", "mead", "stead", "thorpe", "wick", "worth", "cote", "hurst", "stow", "combe",
    "shaw", "garth", "dene", "lade", "ridge",
)
_NAME = re.compile(r"\b(?:" + "|".join(_PREFIXES) + ")(?:" + "|".join(_SUFFIXES) + r")\b")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """Text with every invented name replaced by '[redacted]' (as in a redacted copy)."""
    return _NAME.sub(REDACTED, text)


# (sentence, phrase); {N} is the invented name, other placeholders are the case's values
REPORT_TEMPLATES = (
    ("In {year} {mother} was offered a place on the {N} Parenting Pathway, but the offer "
     "was not followed up by any agency.", "the {N} Parenting Pathway"),
    ("Practitioners told the reviewer that the {N} Lane drop-in clinic was often the only "
     "place where the family was seen.", "the {N} Lane drop-in clinic"),
    ("Information about the family was discussed at the {N} multi-agency risk panel on two "
     "occasions, but no actions were recorded.", "the {N} multi-agency risk panel"),
    ("A local initiative known as Operation {N} had been set up during the period under "
     "review, but {child} was never referred to it.", "known as Operation {N}"),
    ("The health visiting team used the {N} family needs screening tool at each contact, "
     "and the scores were not shared with other agencies.", "the {N} family needs screening tool"),
    ("The reviewer examined records held on the {N} case recording system, which replaced "
     "an older system part way through the period under review.", "the {N} case recording system"),
)
BRIEFING_TEMPLATES = (
    ("Practitioners can find the {N} escalation flowchart on the partnership website.",
     "the {N} escalation flowchart"),
    ("Further learning is available through the {N} practice workshop series, which runs "
     "each term.", "the {N} practice workshop series"),
)
RESPONSE_TEMPLATES = (
    ("Progress against each recommendation will be monitored by the {N} quality assurance "
     "group, which reports to the executive every quarter.", "the {N} quality assurance group"),
    ("The partnership has commissioned the {N} learning programme to take the findings of "
     "the review to frontline staff.", "the {N} learning programme"),
)


class PhraseMaker:
    """Hands out invented names, each at most once per web."""

    def __init__(self, rng: random.Random) -> None:
        names = [p + s for p in _PREFIXES for s in _SUFFIXES]
        rng.shuffle(names)
        self._names = names
        self.issued: list[str] = []

    def sentence(self, doc_type: str, rng: random.Random) -> tuple[str, str]:
        """A (sentence, phrase) pair for a document of doc_type; placeholders unfilled."""
        if not self._names:
            raise RuntimeError("ran out of invented names for known-item phrases")
        name = self._names.pop()
        self.issued.append(name)
        if doc_type == "briefing":
            templates = BRIEFING_TEMPLATES
        elif doc_type in ("board_response", "other_review_document"):
            templates = RESPONSE_TEMPLATES
        else:
            templates = REPORT_TEMPLATES
        sentence, phrase = rng.choice(templates)
        return sentence.replace("{N}", name), phrase.replace("{N}", name)
