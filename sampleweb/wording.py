"""Small wording helpers for the sample web: placeholders, numbers, dates, slugs, latin-1.

Everything here is pure and deterministic; the composers and site writers share it.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

_SMALL = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty", "twenty-one", "twenty-two", "twenty-three",
)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

_LATIN1_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": " - ", "\u2012": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "\u2122": "(TM)",
}


def number_word(n: int) -> str:
    """Spell out small whole numbers (as reports do for ages); larger ones stay digits."""
    return _SMALL[n] if 0 <= n < len(_SMALL) else str(n)


def age_text(age_months: int) -> str:
    """'seven months old', 'one month old', 'four years old'."""
    if age_months < 24:
        unit = "month" if age_months == 1 else "months"
        return f"{number_word(age_months)} {unit} old"
    years = age_months // 12
    return f"{number_word(years)} years old"


def age_adjective(age_months: int) -> str:
    """'seven-month-old', 'four-year-old' (for listing summaries)."""
    if age_months < 24:
        return f"{number_word(age_months)}-month-old"
    return f"{number_word(age_months // 12)}-year-old"


def month_name(month: int) -> str:
    """1 -> 'January'."""
    return MONTHS[month - 1]


def fill(text: str, values: dict[str, str]) -> str:
    """Fill {placeholder}s from values; unknown ones are left as plain words; {{ }} unescaped."""

    def repl(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in values:
            return values[key]
        logger.debug("unknown placeholder %s", key)
        return key.replace("_", " ")

    # protect doubled braces first so they are not read as placeholders
    protected = text.replace("{{", "\x00").replace("}}", "\x01")
    filled = _PLACEHOLDER.sub(repl, protected)
    return filled.replace("\x00", "{").replace("\x01", "}")


def to_latin1(text: str) -> str:
    """Replace typographic characters so the text fits a PDF core font (latin-1)."""
    for src, dst in _LATIN1_MAP.items():
        if src in text:
            text = text.replace(src, dst)
    return text.encode("latin-1", "replace").decode("latin-1")


def slugify(text: str) -> str:
    """'Child D: Overview report' -> 'child-d-overview-report'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug)


def capital_slug(text: str, sep: str = "-") -> str:
    """'Child D overview report' -> 'Child-D-Overview-Report' (upload-style file names)."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return sep.join(w if w.isupper() else w.capitalize() for w in words)


def sentence_case(text: str) -> str:
    """Upper-case the first character only."""
    return text[:1].upper() + text[1:]
