"""Plan each board's cases: pseudonym, age, outcome, review type, date and themes.

Pure functions of a seeded ``random.Random``; the documents of each case are planned in
:mod:`sampleweb.docplan`.
"""

from __future__ import annotations

import logging
import random

from sampleweb.boards import Board
from sampleweb.model import Case
from sampleweb.passages import held_out_case
from sampleweb.wording import age_text

logger = logging.getLogger(__name__)

THEMES = (
    "neglect", "physical_abuse", "sexual_abuse", "exploitation", "sudi_unsafe_sleep",
    "suicide_self_harm", "domestic_abuse", "parental_mental_health",
    "parental_substance_misuse", "unseen_men", "housing_poverty", "culture_faith_language",
    "child_disability", "education_attendance", "information_sharing",
    "disguised_compliance", "voice_of_child", "professional_curiosity",
)
FIRST_NAMES = (
    ("Jayden", "male"), ("Ellie", "female"), ("Kai", "male"), ("Amara", "female"),
    ("Leo", "male"), ("Skye", "female"), ("Tomasz", "male"), ("Ruby", "female"),
    ("Harvey", "male"), ("Zara", "female"), ("Dylan", "male"), ("Poppy", "female"),
)
LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"


def _eligible(theme: str, age: int, outcome: str) -> bool:
    """Whether a theme can plausibly be present for a child of this age and outcome."""
    if theme == "sudi_unsafe_sleep":
        return age < 12 and outcome == "death"
    if theme in ("suicide_self_harm", "exploitation"):
        return age >= 132
    if theme == "education_attendance":
        return age >= 60
    if theme == "sexual_abuse":
        return age >= 24
    return True


def _pick_age(rng: random.Random) -> int:
    bucket = rng.choices(("infant", "young", "school", "teen"), (40, 25, 15, 20))[0]
    low, high = {"infant": (1, 11), "young": (12, 59), "school": (60, 131),
                 "teen": (132, 204)}[bucket]
    return rng.randint(low, high)


def _pick_themes(rng: random.Random, age: int, outcome: str) -> tuple[list, list, list]:
    pool = [t for t in THEMES if _eligible(t, age, outcome)]
    k = min(len(pool), rng.choice((2, 3, 3, 4, 4, 5)))
    weights = [4 if t in ("sudi_unsafe_sleep", "suicide_self_harm", "exploitation")
               else 1 for t in pool]
    present: list[str] = []
    while len(present) < k:
        t = rng.choices(pool, weights)[0]
        if t not in present:
            present.append(t)
    rest = [t for t in THEMES if t not in present]
    negated = rng.sample([t for t in rest if _eligible(t, age, outcome)], rng.choice((0, 1, 1, 2)))
    rest = [t for t in rest if t not in negated]
    confusers = rng.sample(rest, rng.choice((0, 1, 1, 2)))
    return sorted(present), sorted(negated), sorted(confusers)


def _review_types(board: Board, n: int, rng: random.Random) -> list[str]:
    if board.welsh:
        return ["CPR"] * n
    n_other = 1 if n >= 5 and rng.random() < 0.6 else 0
    n_scr = (n - n_other + 1) // 2
    return ["SCR"] * n_scr + ["LCSPR"] * (n - n_scr - n_other) + ["other"] * n_other


def _year(review_type: str, rng: random.Random) -> int:
    if review_type == "SCR":
        return rng.randint(2011, 2018)
    if review_type == "CPR":
        return rng.randint(2013, 2025)
    return rng.randint(2019, 2025)


def _pseudonym(rng: random.Random, letters: list[str], age: int, gender: str,
               used_first: set[str]) -> tuple[str, str, str, bool, str]:
    """(pseudonym, text name, gender, first-name style, sibling) for a new case."""
    style = rng.choices(("child", "baby", "family", "children", "first"), (50, 15, 8, 8, 13))[0]
    letter = letters.pop()
    if style == "baby" and age < 12:
        return f"Baby {letter}", f"Baby {letter}", gender, False, "the older sibling"
    if style == "family":
        return f"Family {letter}", f"Child {letter}", gender, False, f"Child {letter}2"
    if style == "children" and letters:
        other = letters.pop()
        pair = "".join(sorted(letter + other))
        return (f"Children {pair[0]} and {pair[1]}", f"Child {pair[0]}", gender, False,
                f"Child {pair[1]}")
    if style == "first":
        options = [(n, g) for n, g in FIRST_NAMES if n not in used_first]
        name, fgender = rng.choice(options)
        used_first.add(name)
        return name, name, fgender, True, f"{name}'s older sibling"
    return f"Child {letter}", f"Child {letter}", gender, False, rng.choice(
        ("the older sibling", "Sibling 1", "the younger sibling"))


def _values(board: Board, case: Case, sibling: str, rng: random.Random) -> dict[str, str]:
    letter = case.text_name.split()[-1][0] if not case.first_name else ""
    female = case.gender == "female"
    if letter and rng.random() < 0.6:
        mother, father = f"Ms {letter}", f"Mr {letter}"
    else:
        mother, father = rng.choice((("the mother", "the father"), ("Mother", "Father")))
    partner_letter = rng.choice([c for c in LETTERS if c != letter])
    partner = f"Mr {partner_letter}"
    board_name = board.name if board.welsh else board.name_in(case.year)
    return {
        "child": case.text_name, "mother": mother, "father": father, "partner": partner,
        "sibling": sibling, "he": "she" if female else "he", "him": "her" if female else "him",
        "his": "her" if female else "his", "He": "She" if female else "He",
        "His": "Her" if female else "His", "age": age_text(case.age_months),
        "area": rng.choice(board.towns), "board": board_name, "year": str(case.incident_year),
    }


def plan_cases(board: Board, rng: random.Random, small: bool) -> list[Case]:
    """The cases a board has published, oldest first."""
    n = board.small_cases if small else board.n_cases
    letters = list(LETTERS)
    rng.shuffle(letters)
    used_first: set[str] = set()
    types = _review_types(board, n, rng)
    cases: list[Case] = []
    cpr_counts: dict[int, int] = {}
    for review_type in types:
        age = _pick_age(rng)
        gender = rng.choice(("female", "male"))
        outcome = "death" if rng.random() < (0.6 if age < 12 else 0.45) else "serious_harm"
        pseudonym, text_name, gender, first, sibling = _pseudonym(
            rng, letters, age, gender, used_first)
        themes, negated, confusers = _pick_themes(rng, age, outcome)
        if "suicide_self_harm" in themes and rng.random() < 0.7:
            outcome = "death"
        year = _year(review_type, rng)
        case = Case(
            key=f"{board.key}-{pseudonym.lower().replace(' ', '-')}", board_key=board.key,
            pseudonym=pseudonym, text_name=text_name, first_name=first, age_months=age,
            gender=gender, outcome=outcome, review_type=review_type, year=year,
            month=rng.randint(1, 12), day=rng.randint(1, 28),
            incident_year=year - rng.choice((1, 1, 2, 2, 3)), themes=themes,
            negated=negated, confusers=confusers,
        )
        if review_type == "CPR":
            cpr_counts[year] = cpr_counts.get(year, 0) + 1
            case.ref = f"{board.abbrev} {cpr_counts[year]}/{year}"
        case.values = _values(board, case, sibling, rng)
        case.held_out = held_out_case(case.key)
        cases.append(case)
    cases.sort(key=lambda c: (c.year, c.month, c.day, c.key))
    if "robots_archive" in board.features and len(cases) >= 3:
        cases[0].archived = True
    logger.debug("%s: %d cases", board.key, len(cases))
    return cases
