"""The child at the centre of a review: age at the incident, gender and outcome, with evidence.

Reports state these in their opening paragraphs ("Child D was a four-year-old girl", "Jayden
died in hospital when he was seven months old", "following the serious harm suffered by Baby
Q") and listing pages in their summaries ("a 15-year-old boy who died"). Every function here
returns a :class:`~ingest.metadata.Field` (value and the words it came from) or ``None`` when
the text does not say; they never guess from the review type or from themes.

Rules:

- **age** (months at the incident): "N-year-old", "N months old", "aged N [months]", "at the age
  of N", "N weeks old" (weeks and days count as the months they make up). Numbers may be words
  ("seven", "twenty-one"). Mentions about someone else are skipped: a parent, sibling or partner
  named within a few words ("his mother, aged 19"), and ages over 18 years. The mention in the
  sentence that names the child wins; otherwise the earliest mention.
- **gender**: a noun after an age or the child's name ("four-year-old girl", "a baby boy",
  "teenage girl", "young man"), else the pronouns that follow the child's name in the same
  sentence ("Child D ... she"), when one side clearly outnumbers the other.
- **outcome** ("death" or "serious_harm"): the statutory criterion sentence ("the child has died
  or been seriously harmed") is removed first, then the earliest sentence that says the child
  died ("the death of Child D", "Child D died", "who died", "was pronounced dead") or was
  seriously harmed ("suffered serious harm", "was seriously injured", "life-threatening",
  "survived") decides. Sentences naming the child are preferred to ones that do not.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.metadata import Field

_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen")
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
NUMBER_WORDS = {w: i for i, w in enumerate(_SMALL)} | dict(_TENS)
for _tens, _value in _TENS.items():
    for _unit in range(1, 10):
        NUMBER_WORDS[f"{_tens}-{_SMALL[_unit]}"] = _value + _unit
        NUMBER_WORDS[f"{_tens} {_SMALL[_unit]}"] = _value + _unit

_NUM = (r"(\d{1,2}(?:\.5)?|(?:twenty|thirty|forty|fifty)(?:[- ](?:one|two|three|four|five|six|"
        r"seven|eight|nine))?|" + "|".join(sorted(_SMALL[1:], key=len, reverse=True)) + r"|an?)")
_UNIT = r"(day|week|month|year|yr)s?"
AGE_PATTERNS = (
    re.compile(rf"\b{_NUM}[\s-]+{_UNIT}[\s-]+old\b", re.I),
    re.compile(rf"\b{_NUM}[\s-]+{_UNIT}\s+of\s+age\b", re.I),
    re.compile(rf"\baged\s+{_NUM}(?:\s+{_UNIT})?(?!\s*(?:and|or|to|-)\s*\d)", re.I),
    re.compile(rf"\bat\s+the\s+age\s+of\s+{_NUM}(?:\s+{_UNIT})?", re.I),
)
_OTHER_PERSON = re.compile(
    r"\b(mother|father|mum|dad|parent|parents|step-?father|step-?mother|partner|boyfriend|"
    r"girlfriend|sibling|siblings|brother|sister|half-brother|half-sister|grand(?:mother|father|"
    r"parent)|uncle|aunt|cousin|adult|man|woman|Mr|Ms|Mrs|Miss)\b", re.I)
_CHILD_NOUN = re.compile(r"^[\s,]*(?:old\s+)?(?:baby\s+|little\s+|young\s+|white\s+|black\s+|"
                         r"british\s+)?(girl|boy|baby|infant|child|son|daughter|"
                         r"young\s+(?:man|woman|person)|teenager)\b", re.I)
MAX_AGE_MONTHS = 18 * 12

GIRL = re.compile(r"\b(girl|daughter|young\s+woman|teenage\s+girl)\b", re.I)
BOY = re.compile(r"\b(boy|son|young\s+man|teenage\s+boy)\b", re.I)
_GENDER_NOUN = re.compile(
    r"\b(?:(?:year|month|week)[\s-]+old|baby|infant|teenage|little|young)\s+"
    r"(girl|boy|man|woman)\b|\b(girl|boy)\s+(?:aged|who|of)\b", re.I)
_SHE = re.compile(r"\b(she|her|herself)\b", re.I)
_HE = re.compile(r"\b(he|him|his|himself)\b", re.I)

_CRITERION = re.compile(
    r"\b(?:has\s+|had\s+)?died\s+or\s+(?:has\s+been\s+|had\s+been\s+|was\s+|been\s+)?"
    r"(?:seriously|significantly)\s+(?:harmed|injured)|\bdeath\s+or\s+serious\s+(?:harm|injury)"
    r"|\bserious(?:ly)?\s+harm(?:ed)?\s+or\s+(?:died|death|killed)", re.I)
DEATH = re.compile(
    r"\b(?:death\s+of|died|dies|was\s+pronounced\s+dead|was\s+found\s+dead|was\s+killed|"
    r"fatal(?:ly)?\s+injur\w*|(?:his|her|their)\s+death|unexpected(?:ly)?\s+death|"
    r"post-mortem|inquest)\b", re.I)
HARM = re.compile(
    r"\b(?:(?:suffered|sustained|caused|came\s+to|experienced)\s+(?:serious|significant|"
    r"life[\s-]threatening|severe|lasting)\s+(?:harm|injur\w*)|serious(?:ly)?\s+"
    r"(?:harmed|injured|injuries|injury|harm)|life[\s-]threatening|survived|non-fatal|"
    r"near[\s-]fatal|near[\s-]miss|critical\s+condition)\b", re.I)
_NOT_OUTCOME = re.compile(r"\b(?:risk|risks|likely|threshold|criteria|prevent|preventing|"
                          r"avoid|protect\w*\s+from|potential|could\s+have)\b", re.I)
_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
SCAN_CHARS = 30000


def _number(word: str) -> float | None:
    word = word.lower().replace("\u2010", "-")
    if word in ("a", "an"):
        return 1.0
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None


def _months(n: float, unit: str | None) -> int | None:
    unit = (unit or "year").lower()
    if unit.startswith("day"):
        months = n / 30.44
    elif unit.startswith("week"):
        months = n * 7 / 30.44
    elif unit.startswith("month"):
        months = n
    else:
        months = n * 12
    value = int(months)
    return value if 0 <= value <= MAX_AGE_MONTHS else None


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a line break inside a paragraph does not end a sentence."""
    text = _LINE_BREAK.sub(" ", text)
    return [(m.start(), m.group()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def _child_names(child: str | None) -> list[str]:
    """The ways a report names the child: "Children B and P" is also "Child B" and "Child P"."""
    if not child:
        return []
    names = [child.lower()]
    siblings = re.fullmatch(r"children\s+(\w+)\s+and\s+(\w+)", child.strip(), re.I)
    if siblings:
        names += [f"child {siblings.group(1).lower()}", f"child {siblings.group(2).lower()}"]
    return names


def _names_child(sentence: str, child: str | None) -> bool:
    lower = sentence.lower()
    if any(name in lower for name in _child_names(child)):
        return True
    return bool(re.search(r"\b(the\s+child|the\s+baby|the\s+infant|the\s+young\s+person)\b",
                          sentence, re.I))


def child_age(text: str, child: str | None = None) -> Field | None:
    """The child's age at the incident in months, from the first mention that is about them."""
    best: tuple[int, int, Field] | None = None
    for start, sentence in _sentences(text[:SCAN_CHARS]):
        for pattern in AGE_PATTERNS:
            for m in pattern.finditer(sentence):
                n = _number(m.group(1))
                unit = m.group(2) if m.lastindex and m.lastindex >= 2 else None
                if n is None or (m.group(1).lower() in ("a", "an") and not unit):
                    continue
                before = sentence[max(0, m.start() - 30):m.start()]
                after = sentence[m.end():m.end() + 25]
                if _OTHER_PERSON.search(before) and not _CHILD_NOUN.match(after):
                    continue
                if re.match(r"^[\s,]*(?:old\s+)?(?:mother|father|man|woman|adult|sibling|"
                            r"brother|sister|partner)\b", after, re.I):
                    continue
                months = _months(n, unit)
                if months is None:
                    continue
                rank = 0 if (_names_child(sentence, child) or _CHILD_NOUN.match(after)) else 1
                candidate = (rank, start + m.start(), Field(months, f"text: {m.group(0)!r}"))
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
        if best is not None and best[0] == 0:
            break
    return best[2] if best else None


def child_gender(text: str, child: str | None = None) -> Field | None:
    """"female" or "male": a noun after an age or the child's name, else pronoun majority."""
    head = text[:SCAN_CHARS]
    for start, sentence in _sentences(head):
        m = _GENDER_NOUN.search(sentence)
        if m and (_names_child(sentence, child) or start < 3000 or m.group(2)):
            noun = (m.group(1) or m.group(2)).lower()
            if noun in ("girl", "woman"):
                return Field("female", f"text: {m.group(0)!r}")
            return Field("male", f"text: {m.group(0)!r}")
    if not child:
        return None
    counts: Counter[str] = Counter()
    for _start, sentence in _sentences(head):
        at = sentence.lower().find(child.lower())
        if at < 0:
            continue
        rest = sentence[at + len(child):]
        rest = _OTHER_PERSON.split(rest, maxsplit=1)[0]  # stop at another person
        counts["female"] += len(_SHE.findall(rest))
        counts["male"] += len(_HE.findall(rest))
    female, male = counts["female"], counts["male"]
    if female + male >= 3 and max(female, male) >= 3 * min(female, male):
        value = "female" if female > male else "male"
        return Field(value, f"text: pronouns after {child!r} ({female} she/her, {male} he/him)")
    return None


def outcome(text: str, child: str | None = None) -> Field | None:
    """"death" or "serious_harm": the earliest sentence saying what happened to the child."""
    scan = _CRITERION.sub(" ", text[:SCAN_CHARS])
    found: list[tuple[int, int, Field]] = []
    for start, sentence in _sentences(scan):
        if _NOT_OUTCOME.search(sentence) and not any(
                name in sentence.lower() for name in _child_names(child)):
            continue
        named = 0 if _names_child(sentence, child) else 1
        death = DEATH.search(sentence)
        harm = HARM.search(sentence)
        if death and not re.search(r"\b(?:mother|father|parent|sibling|brother|sister|"
                                   r"grand\w+)'?s?\s+death|death\s+of\s+(?:his|her|their|the)\s+"
                                   r"(?:mother|father|parent|sibling|brother|sister|grand\w+)",
                                   sentence, re.I):
            found.append((named, start, Field("death", f"text: {death.group(0)!r} in "
                                                       f"{_clip(sentence)!r}")))
        elif harm:
            found.append((named, start, Field("serious_harm", f"text: {harm.group(0)!r} in "
                                                              f"{_clip(sentence)!r}")))
    if not found:
        return None
    return min(found, key=lambda f: (f[0], f[1]))[2]


def _clip(sentence: str, limit: int = 120) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "\u2026"
