"""Compose the distractor documents: annual reports, minutes, leaflets, newsletters, flyers.

They live beside the reviews and mention reviews and themes, but are not case reviews.
"""

from __future__ import annotations

import logging
import random

from sampleweb.boards import Board
from sampleweb.compose import Picker, paras
from sampleweb.docplan import RT_LONG
from sampleweb.model import Block, Case, Content, Doc, Section
from sampleweb.passages import PassageBank
from sampleweb.wording import month_name

logger = logging.getLogger(__name__)

ROLES = ("Independent chair", "Director of children's services", "Detective superintendent, "
         "public protection", "Designated nurse for safeguarding", "Head of education "
         "safeguarding", "Partnership business manager", "Lay member")


def _nearest_case(cases: list[Case], year: int) -> Case | None:
    visible = [c for c in cases if not c.archived]
    if not visible:
        return None
    return min(visible, key=lambda c: (abs(c.year - year), c.key))


def compose_distractor(doc: Doc, board: Board, bank: PassageBank, rng: random.Random,
                       cases: list[Case]) -> Content:
    """The text of one non-review document of a board."""
    near = _nearest_case(cases, doc.year)
    values = {
        "board": board.name_in(doc.year), "area": rng.choice(board.towns),
        "year": str(doc.year), "child": near.pseudonym if near else "the child",
    }
    p = Picker(bank, values, rng)
    kind = doc.kind or "leaflet"
    builder = {"annual_report": _annual_report, "minutes": _minutes, "leaflet": _leaflet,
               "newsletter": _newsletter, "training_flyer": _flyer}[kind]
    p.content.sections = builder(doc, board, p, near)
    if doc.date_source == "cover":
        p.content.cover_lines = [rng.choice((
            f"{month_name(doc.month)} {doc.year}", f"Published {month_name(doc.month)} {doc.year}",
            f"Issue date: {doc.day:02d}/{doc.month:02d}/{doc.year}"))]
    # distractors never count as showing a theme, whatever their passages say
    p.content.themes.clear()
    p.content.planted.clear()
    p.content.stated.clear()  # nor as stating a child's age, sex or outcome
    return p.content


def _review_mention(board: Board, near: Case | None) -> str:
    if near is None:
        return f"{board.short} did not publish any case reviews during the period."
    return (f"The partnership published the {RT_LONG[near.review_type]} concerning "
            f"{near.pseudonym} in {month_name(near.month)} {near.year}; the report and a "
            "briefing for practitioners are available on the case reviews page.")


def _annual_report(doc: Doc, board: Board, p: Picker, near: Case | None) -> list[Section]:
    rows = [["Partner", "Contribution"]] + [
        [who, f"{p.rng.randint(20, 190) * 1000:,}"]
        for who in ("Local authority", "Integrated care board", "Police", "Schools forum")]
    return [
        Section("Foreword from the independent chair", paras(p.part("annual_report", 2))),
        Section("Learning from case reviews", paras([_review_mention(board, near)]
                                                    + p.part("annual_report", 2))),
        Section("Our priorities", paras(p.part("annual_report", 3))),
        Section("Training and development", paras(p.part("annual_report", 1))),
        Section("Budget", [Block("table", rows=rows)]),
    ]


def _minutes(doc: Doc, board: Board, p: Picker, near: Case | None) -> list[Section]:
    present = [f"{role} ({'chair' if i == 0 else 'member'})"
               for i, role in enumerate(p.rng.sample(ROLES, 5))]
    return [
        Section("Present", [Block("bullets", items=present)]),
        Section("Items", paras(p.part("minutes", p.rng.randint(5, 8)))),
        Section("Date of next meeting", paras([
            f"The next meeting will be held on {p.rng.randint(1, 28)} "
            f"{month_name(doc.month % 12 + 1)} {doc.year + (doc.month == 12)}."])),
    ]


def _leaflet(doc: Doc, board: Board, p: Picker, near: Case | None) -> list[Section]:
    texts = p.part("leaflet", p.rng.randint(4, 6))
    heads = ("Why this matters", "What you can do", "Where to get help", "More information",
             "Our advice", "Contact us")
    return [Section(heads[i % len(heads)], paras([t])) for i, t in enumerate(texts)]


def _newsletter(doc: Doc, board: Board, p: Picker, near: Case | None) -> list[Section]:
    items = p.part("newsletter", p.rng.randint(4, 6))
    out = [Section("Welcome", paras(items[:1]))]
    out += [Section(f"News item {i}", paras([t])) for i, t in enumerate(items[1:], 1)]
    out.append(Section("Learning from reviews", paras([_review_mention(board, near)])))
    return out


def _flyer(doc: Doc, board: Board, p: Picker, near: Case | None) -> list[Section]:
    when = f"{p.rng.randint(1, 28)} {month_name(doc.month)} {doc.year}"
    return [
        Section("About the course", paras(p.part("training_flyer", p.rng.randint(2, 3)))),
        Section("Details", [Block("bullets", items=[
            f"Date: {when}, 9.30am to 1pm", f"Venue: {p.rng.choice(board.towns)} Civic Centre",
            "Cost: free to partner agencies", "To book: use the partnership's booking system"])]),
    ]
