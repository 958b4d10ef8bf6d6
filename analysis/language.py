"""Is a text in Welsh? Reviews by Welsh boards are often published in both languages.

The theme tagger and the topic model read English: a Welsh-language document gets no tags (so
counting it among the tagged documents would lower every theme's share for Wales), and Welsh
paragraphs give the topic model a topic of Welsh function words. A text is taken as Welsh when
at least :data:`MIN_SHARE` of its words are common Welsh function words and fewer than
:data:`MAX_ENGLISH_SHARE` common English ones (English prose has 0.3 or more, a text in both
languages about 0.2, a Welsh one a few hundredths at most); it takes :data:`MIN_WORDS` words to
say. Positive evidence of Welsh is asked for, rather than a shortage of English, so that
tables, lists of names or made-up test vocabularies are never mistaken for it. A bilingual
document (the two languages side by side) is not Welsh: its English is tagged, and the topic
model leaves out its Welsh-only paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MIN_SHARE = 0.15
MAX_ENGLISH_SHARE = 0.1
MIN_WORDS = 8
# Welsh function words that are not English words (nor common in English reviews)
WELSH = frozenset({
    "yn", "y", "yr", "mae", "roedd", "oedd", "wedi", "gyda", "ac", "ei", "eu", "bod", "fod", "hyn",
    "hwn", "hon", "nid", "ddim", "cael", "gael", "mewn", "hefyd", "sydd", "fel", "rhwng",
    "ynghylch", "drwy", "trwy", "dros", "gan", "neu", "ond", "yng", "ym", "ar", "ni", "hi", "nhw",
    "chi", "fy", "ein", "eich", "ag", "heb", "wrth", "yma", "yno", "pob", "gall", "dylai",
    "byddai", "bydd", "fydd", "iddo", "iddi", "hefo", "efo", "ydy", "ydyn", "oes", "dim", "rydym",
    "roeddent"
})
ENGLISH = frozenset({
    "the", "and", "of", "to", "was", "that", "with", "for", "had", "not", "this", "were", "by",
    "on", "be", "at", "is", "his", "her", "from", "as", "have", "are", "which", "it", "they",
    "been", "who", "there", "their", "when", "but", "he", "she", "in"
})
_WORD = re.compile(r"[a-zâêîôûŵŷäëïöüẅÿáéíóúẃýàèìòùẁỳ]+")


def language_shares(text: str) -> tuple[float, float, int]:
    """(share of common English words, share of common Welsh words, number of words)."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0, 0.0, 0
    english = sum(w in ENGLISH for w in words)
    welsh = sum(w in WELSH for w in words)
    return english / len(words), welsh / len(words), len(words)


def is_welsh(text: str) -> bool:
    """Whether ``text`` reads as Welsh (see the module's rule)."""
    english, welsh, n = language_shares(text)
    return n >= MIN_WORDS and welsh >= MIN_SHARE and english < MAX_ENGLISH_SHARE


def mainly_welsh(pages: Iterable[str]) -> bool:
    """Whether a document's pages, taken together, read as Welsh."""
    return is_welsh("\n".join(pages))
