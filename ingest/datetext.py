"""Dates as documents write them, turned into ISO strings.

:func:`iso_date` reads the forms met in case-review PDFs and web pages and returns the most
precise ISO form the text supports: "2017-03-12", "2017-03" or "2017". Day-month order is
British ("12/03/2017" is 12 March).
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_YEAR = r"((?:1[89]|2[01])\d\d)"
_PATTERNS = [  # (regex, order of the groups: y=year, m=month number, n=month name, d=day)
    (re.compile(r"D:\s*(\d{4})(\d\d)?(\d\d)?"), "ymd"),
    (re.compile(rf"\b{_YEAR}-(\d\d?)(?:-(\d\d?))?(?!\d)"), "ymd"),
    (re.compile(rf"\b(\d\d?)(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}\b", re.I), "dny"),
    (re.compile(rf"\b{_MONTH}\s+(\d\d?)(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I), "ndy"),
    (re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b", re.I), "ny"),
    (re.compile(rf"\b(\d\d?)[/.](\d\d?)[/.]{_YEAR}\b"), "dmy"),
    (re.compile(rf"(?<![\d/.])(\d\d?)[/.]{_YEAR}\b"), "my"),
    (re.compile(rf"^\s*{_YEAR}\s*$"), "y"),
]


def _iso(year: int, month: int | None, day: int | None) -> str | None:
    try:
        dt.date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def iso_date(text: str) -> str | None:
    """The first date in ``text`` as "YYYY-MM-DD", "YYYY-MM" or "YYYY"; None if there is none.

    Reads PDF dates ("D:20170312093000+00'00'"), ISO dates and datetimes, "12 March 2017",
    "12th of March, 2017", "March 12, 2017", "March 2017", "12/03/2017", "03/2017" and a bare
    year.
    """
    text = text.strip()
    for pattern, order in _PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts: dict[str, int | None] = {}
        for key, group in zip(order, match.groups(), strict=True):
            if group is None or (key in "md" and int(group) == 0):  # "D:201700": no month
                parts[key] = None
            elif key == "n":
                parts["m"] = MONTHS[group.lower().rstrip(".")]
            else:
                parts[key] = int(group)
        year = parts.get("y")
        if year is None or not 1800 <= year < 2200:
            continue
        result = _iso(year, parts.get("m"), parts.get("d"))
        if result:
            return result
    return None
