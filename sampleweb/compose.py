"""Compose the text of review documents from the passage bank.

Pure functions of a seeded ``random.Random``: full reports (SCR overview reports, LCSPRs,
Welsh CPRs, local learning reviews), executive summaries, 7-minute briefings, board
responses and other review documents (action plans, learning summaries). The themes whose
passages end up in a document are recorded on its :class:`Content`.
"""

from __future__ import annotations

import logging
import random
import re

from sampleweb.boards import Board
from sampleweb.docplan import RT_LONG
from sampleweb.model import Block, Case, Content, Doc, Section
from sampleweb.passages import PassageBank, passage_id
from sampleweb.wording import age_adjective, fill, month_name, sentence_case

logger = logging.getLogger(__name__)

REVIEWERS = ("Dr Helen Marwick", "Jane Okafor-Lloyd", "Peter Ashdown", "Margaret Feltham",
             "Dr Sunil Varma", "Rhian Evans-Powell", "Anthony Cresswell", "Nicola Brandreth")
CHRONO_AGENCIES = ("Midwifery", "Health visiting", "GP practice", "Children's social care",
                   "Police", "School", "Early help", "Emergency department")
CHRONO_EVENTS = ("Routine contact; no concerns noted.", "Home visit completed.",
                 "Appointment not attended; letter sent to the family.",
                 "Case discussed at team meeting.", "Telephone contact with the family.",
                 "Referral received; information gathered from partner agencies.",
                 "Review meeting held and plan updated.", "Case closed following review.")
_SENTENCE_START = re.compile(r"([.!?]\s+)([a-z])")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# placeholders that are the child's pronouns: a passage using one states the child's sex
CHILD_PRONOUNS = frozenset({"he", "him", "his", "He", "His"})
# headings under which a review lists its numbered recommendations
RECOMMENDATION_HEADINGS = ("Recommendations", "Improving systems and practice")


class Picker:
    """Draws passages for one document without repeats, filling the case's placeholders."""

    def __init__(self, bank: PassageBank, values: dict[str, str], rng: random.Random,
                 held_out: bool = False) -> None:
        self.bank, self.values, self.rng, self.held_out = bank, values, rng, held_out
        self._left: dict[str, list[str]] = {}
        self.content = Content()

    def text(self, raw: str) -> str:
        used = set(_PLACEHOLDER.findall(raw)) & set(self.values)
        if "age" in used:
            self.content.stated.add("age")
        if used & CHILD_PRONOUNS:
            self.content.stated.add("gender")
        filled = sentence_case(fill(raw, self.values))
        return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), filled)

    def _take(self, key: str, pool: tuple[str, ...], n: int) -> list[str]:
        """``n`` raw passages of a pool, without repeats until the pool is used up."""
        if not pool:
            return []
        left = self._left.setdefault(key, [])
        out: list[str] = []
        for _ in range(n):
            if not left:
                left.extend(pool)
                self.rng.shuffle(left)
            out.append(left.pop())
        return out

    def part(self, name: str, n: int = 1) -> list[str]:
        return [self.text(raw) for raw in self._take(name, self.bank.part(name), n)]

    def theme(self, theme: str, kind: str, n: int = 1) -> list[str]:
        """Passages of one theme and kind; the document then shows the theme (present), denies
        it or names it beside the point, and shows every other theme its passages show."""
        passages = self.bank.themes.get(theme)
        if passages is None:
            logger.warning("no passages for theme %s", theme)
            return []
        raws = self._take(f"{theme}:{kind}", passages.pool(kind, self.held_out), n)
        if raws:
            {"present": self.content.themes, "negated": self.content.negated,
             "confusers": self.content.confusers}[kind].add(theme)
            if kind == "present":
                self.content.planted.add(theme)
        for raw in raws:
            extra = set(self.bank.extra_themes(raw))
            self.content.themes.update(extra)
            for shown in extra | {theme}:
                self.content.passages.setdefault(shown, set()).add(passage_id(raw))
        return [self.text(raw) for raw in raws]


def paras(texts: list[str]) -> list[Block]:
    """Paragraph blocks."""
    return [Block("p", t) for t in texts]


def cover_lines(doc: Doc, board: Board, rng: random.Random) -> list[str]:
    """Lines shown under the title: author and (when the cover carries it) the date."""
    lines: list[str] = []
    if doc.case and doc.doc_type in ("full_report", "executive_summary"):
        lines.append(rng.choice(("Independent reviewer: ", "Lead reviewer: ", "Author: "))
                     + rng.choice(REVIEWERS))
    if doc.date_source == "cover":
        m, y, d = month_name(doc.month), doc.year, doc.day
        lines.append(rng.choice((f"Published: {m} {y}", f"Date of publication: {d} {m} {y}",
                                 f"{m} {y}", f"Publication date: {d:02d}/{doc.month:02d}/{y}",
                                 f"Final report - published {m} {y}")))
        if doc.case and rng.random() < 0.2:
            lines.append(f"Report completed: {month_name(max(1, doc.month - 3))} {y}")
    elif doc.case and rng.random() < 0.3:
        lines.append(rng.choice(("FINAL", "Final version", "Version 1.0 (final)")))
    return lines


def _intro(case: Case, p: Picker, long: str, lead: str = "This report sets out the findings "
           "of") -> list[str]:
    v = case.values
    p.content.stated |= {"age", "gender", "outcome"}  # the first sentence states all three
    verb = "was" if case.outcome == "death" else "is"
    sex = "girl" if case.gender == "female" else "boy"
    what = (f"following the death of {v['child']}" if case.outcome == "death"
            else f"after {v['child']} suffered serious harm")
    out = [f"{lead} the {long} commissioned by {v['board']} "
           f"{what}. {v['child']} {verb} a {age_adjective(case.age_months)} {sex} living "
           f"in {v['area']}."]
    if case.first_name:
        out.append(p.rng.choice((
            f'The child is referred to as "{case.pseudonym}" in this report.',
            f'In this report the child is referred to as "{case.pseudonym}", a name chosen '
            f"with {v['his']} family.",
            f'To protect the privacy of the family, the child is called "{case.pseudonym}" '
            "throughout this report.")))
    elif case.pseudonym.startswith("Children"):
        out.append(f"This review concerns two siblings, referred to as {v['child']} and "
                   f"{v['sibling']}.")
    elif case.pseudonym.startswith("Family"):
        out.append(f"This review concerns the {case.pseudonym.split()[-1]} family; the "
                   f"youngest child is referred to as {v['child']}.")
    return out


def _incident(case: Case, p: Picker) -> list[str]:
    p.content.stated.add("outcome")
    return p.part("incident_death" if case.outcome == "death" else "incident_harm")


def _themes_present(case: Case, p: Picker, n: int) -> list[str]:
    out: list[str] = []
    for theme in case.themes:
        out.extend(p.theme(theme, "present", n))
    p.rng.shuffle(out)
    return out


def _chronology(case: Case, rng: random.Random) -> Block:
    rows = [["Date", "Agency", "Contact"]]
    months = sorted(rng.sample(range(24), 6))
    for m in months:
        year = case.incident_year - 1 + m // 12
        rows.append([f"{month_name(m % 12 + 1)} {year}", rng.choice(CHRONO_AGENCIES),
                     rng.choice(CHRONO_EVENTS)])
    return Block("table", rows=rows)


def compose_review(doc: Doc, board: Board, bank: PassageBank, rng: random.Random,
                   known: tuple[str, str] | None) -> Content:
    """The text of one review document; known is the (sentence, phrase) to embed."""
    case = doc.case
    assert case is not None
    p = Picker(bank, case.values, rng, held_out=case.held_out)
    long = RT_LONG[case.review_type]
    builder = {"full_report": _full_report, "executive_summary": _exec_summary,
               "briefing": _briefing, "board_response": _board_response,
               "other_review_document": _other_document}[doc.doc_type]
    sections = builder(case, p, long)
    if known:
        _embed_known(sections, p.text(known[0]), rng)
        p.content.known_phrase = known[1]
    if doc.date_source == "text":
        sections[-1].blocks.append(Block("p", f"This report was published in "
                                               f"{month_name(doc.month)} {doc.year}."))
    p.content.sections = sections
    p.content.cover_lines = cover_lines(doc, board, rng)
    return p.content


def _embed_known(sections: list[Section], sentence: str, rng: random.Random) -> None:
    candidates = [s for s in sections[1:] if any(b.kind == "p" for b in s.blocks)
                  and s.heading not in ("Good practice", "Introduction")] or sections
    section = rng.choice(candidates)
    section.blocks.insert(rng.randint(0, len(section.blocks)), Block("p", sentence, keep=True))


def _full_report(case: Case, p: Picker, long: str) -> list[Section]:
    rng = p.rng
    findings = [Section(f"Finding {i + 1}", paras(p.part("findings")))
                for i in range(rng.randint(3, 5))]
    present = _themes_present(case, p, 3)
    half = len(present) // 2
    negated = [t for theme in case.negated for t in p.theme(theme, "negated")]
    confusers = [t for theme in case.confusers for t in p.theme(theme, "confusers")]
    for i, text in enumerate(confusers):
        findings[i % len(findings)].blocks.append(Block("p", text))
    recs = Block("numbered", items=p.part("recommendations", rng.randint(4, 8)))
    glossary = Block("glossary", items=p.part("glossary", rng.randint(6, 10)))
    if case.review_type == "CPR":
        return [
            Section("Circumstances resulting in the review",
                    paras(_intro(case, p, long) + _incident(case, p)
                          + p.part("terms_of_reference", 2))),
            Section("Methodology", paras(p.part("methodology", 2) + p.part("agencies"))),
            Section("Background", paras(p.part("background", 2) + present[:half])),
            Section("Practice and organisational learning",
                    [_chronology(case, rng)] + paras(present[half:] + negated)),
            *findings,
            Section(RECOMMENDATION_HEADINGS[1], [recs]),
            Section("Statement by reviewer", paras([
                "The reviewer confirms that they had no involvement with the family or "
                "line management responsibility for the practitioners concerned."])),
            Section("Glossary", [glossary]),
        ]
    return [
        Section("Introduction", paras(_intro(case, p, long) + _incident(case, p))),
        Section("Terms of reference", paras(p.part("terms_of_reference", rng.randint(2, 3)))),
        Section("Methodology", paras(p.part("methodology", rng.randint(2, 3)))),
        Section("Agencies involved", paras(p.part("agencies"))),
        Section("The child and family", paras(p.part("background", 3) + present[:half])),
        Section("Summary of agency involvement",
                [_chronology(case, rng)] + paras(present[half:] + negated)),
        Section("Analysis and findings", paras(p.part("findings"))),
        *findings,
        Section("Good practice", paras(p.part("good_practice", rng.randint(1, 2)))),
        Section(RECOMMENDATION_HEADINGS[0], [recs]),
        Section("Glossary", [glossary]),
    ]


def _exec_summary(case: Case, p: Picker, long: str) -> list[Section]:
    negated = [t for theme in case.negated[:1] for t in p.theme(theme, "negated")]
    confusers = [t for theme in case.confusers[:1] for t in p.theme(theme, "confusers")]
    return [
        Section("Introduction", paras(_intro(case, p, long) + _incident(case, p))),
        Section("The review", paras(p.part("terms_of_reference") + p.part("methodology"))),
        Section("Summary of the case", paras(p.part("background")
                                             + _themes_present(case, p, 2) + negated)),
        Section("Key findings", paras(p.part("findings", 3) + confusers)),
        Section(RECOMMENDATION_HEADINGS[0],
                [Block("numbered", items=p.part("recommendations", 4))]),
    ]


def _briefing(case: Case, p: Picker, long: str) -> list[Section]:
    return [
        Section("1. Background", paras(_intro(case, p, long, "This briefing summarises the "
                                              "learning from")[:1] + _incident(case, p))),
        Section("2. What happened", paras(_themes_present(case, p, 1))),
        Section("3. Why it matters", paras(p.part("findings"))),
        Section("4. What we learned", paras(p.part("findings") + p.part("good_practice"))),
        Section("5. Questions for practice",
                [Block("bullets", items=p.part("briefing_questions", 3))]),
        Section("6. What you should do",
                [Block("bullets", items=p.part("recommendations", 2))]),
        Section("7. Further information", paras([
            f"The full report of the {long} is available on the partnership website."])),
    ]


def _board_response(case: Case, p: Picker, long: str) -> list[Section]:
    rows = [["Recommendation", "Response"]] + [
        [r, p.rng.choice(("Accepted.", "Accepted; work under way.", "Accepted and completed."))]
        for r in p.part("recommendations", 4)]
    return [
        Section("Introduction", paras(p.part("board_response", 2))),
        Section("Summary of the case", paras(_intro(case, p, long)[:1]
                                             + _themes_present(case, p, 1))),
        Section("The Board's response", paras(p.part("board_response", 2))),
        Section("Response to the recommendations", [Block("table", rows=rows)]),
    ]


def _other_document(case: Case, p: Picker, long: str) -> list[Section]:
    if p.rng.random() < 0.5:
        rows = [["Recommendation", "Action", "Lead", "Timescale"]] + [
            [r, "Report progress to the learning and improvement subgroup.",
             p.rng.choice(CHRONO_AGENCIES), p.rng.choice(("3 months", "6 months", "12 months"))]
            for r in p.part("recommendations", 5)]
        return [Section("Introduction", paras(p.part("board_response"))),
                Section("Action plan", [Block("table", rows=rows)])]
    return [
        Section("What happened", paras(_intro(case, p, long)[:1]
                                       + _themes_present(case, p, 1))),
        Section("Learning", paras(p.part("findings", 2))),
        Section("Questions", [Block("bullets", items=p.part("briefing_questions", 2))]),
    ]
