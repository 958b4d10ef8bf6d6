"""Group the documents of one review into a case.

A review is often published as several documents (overview report, executive summary, 7-minute
briefing, board response, action plan). They share the board, the child's pseudonym and, within
a year or two, the publication date; boards reuse letters ("Child A") across years, so the
pseudonym alone is not enough. Rules, over the case-review documents of one board:

1. **Key**: documents whose children are the same person ("Child D", "Baby D", "Family D" and
   "Children C and D" share the letter D; first names must match) and whose years are at most
   :data:`MAX_YEAR_GAP` apart are candidates for one case.
2. **Confirmation**: a candidate pair is not joined when the documents state different facts
   about the child (gender, outcome, or ages more than :data:`AGE_SLACK` months apart: two
   reviews that reuse a letter), nor when their texts share almost nothing (TF-IDF cosine
   similarity under :data:`CONFIRM`), unless one text is too short to judge (an unreadable PDF
   listed by its link text) and the years are equal.
3. **Documents without a pseudonym** join the case of the same board (years at most one apart)
   whose document they resemble most, when that similarity is at least :data:`ATTACH` and
   clearly ahead (:data:`MARGIN`) of the next case's; failing that, the one case of the same
   board and year whose documents state the same age, gender and outcome of the child.

Why the facts matter more than the text: the documents of one review are written for different
readers (a 7-minute briefing shares few words with the overview report), while a board's
reviews share its boilerplate. Measured on the sample web, same-case pairs score as low as 0.06
and different cases of one board as high as 0.49, so similarity alone cannot confirm a pairing;
it can only reject texts with nothing in common.

Groups are closed transitively. A case id reads ``board-slug/child-slug/first-year`` so that it
is stable as documents are added; a document alone is a case of its own.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer

logger = logging.getLogger(__name__)

MAX_YEAR_GAP = 2
CONFIRM = 0.03
ATTACH = 0.35
MARGIN = 0.1
AGE_SLACK = 12
MIN_WORDS = 150  # below this a text is too short to confirm or refute a pairing
TEXT_CHARS = 30000  # how much of each document the similarity reads


@dataclass(frozen=True)
class CaseDoc:
    """What grouping needs to know about one case-review document."""

    id: str
    board: str
    child: str | None
    year: int | None
    text: str
    age_months: int | None = None
    gender: str | None = None
    outcome: str | None = None


def child_key(child: str | None) -> frozenset[str]:
    """The people a pseudonym names: letters for "Child D"/"Children C and D", else the name."""
    if not child:
        return frozenset()
    name = " ".join(child.split())
    m = re.fullmatch(r"(?:Child|Baby|Infant|Family|Young Person|Sibling Group|Children)\s+"
                     r"(.+)", name, re.I)
    if m:
        return frozenset(re.findall(r"\b([A-Z]{1,3}\d?)\b", m.group(1)))
    return frozenset({name.lower()})


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def group_cases(docs: Sequence[CaseDoc]) -> dict[str, str]:
    """Map every document id to its case id.

    Candidate pairs are merged best first (same year, then most similar text); a merge that
    would put documents stating different facts about the child into one case is refused, so
    transitivity cannot join two reviews through a document that states nothing.
    """
    groups = _Groups(docs)
    by_board: dict[str, list[CaseDoc]] = {}
    for d in docs:
        by_board.setdefault(d.board or "", []).append(d)
    for board_docs in by_board.values():
        sims = _similarities(board_docs)
        candidates: list[tuple[int, float, str, str]] = []
        named = [(i, d) for i, d in enumerate(board_docs) if child_key(d.child)]
        for x, (i, a) in enumerate(named):
            for j, b in named[x + 1:]:
                if not child_key(a.child) & child_key(b.child):
                    continue
                gap = abs(a.year - b.year) if a.year and b.year else 0
                short = _too_short(a) or _too_short(b)
                if gap > MAX_YEAR_GAP or (short and gap) or (not short and sims[i][j] < CONFIRM):
                    continue
                candidates.append((gap, -sims[i][j], a.id, b.id))
        for _gap, _sim, a_id, b_id in sorted(candidates):
            groups.merge(a_id, b_id)
        for i, d in enumerate(board_docs):
            if child_key(d.child) or _too_short(d):
                continue
            best_by_case: dict[str, float] = {}
            for j, b in enumerate(board_docs):
                if j != i and child_key(b.child) and (
                        not d.year or not b.year or abs(d.year - b.year) <= 1):
                    root = groups.find(b.id)
                    best_by_case[root] = max(best_by_case.get(root, 0.0), sims[i][j])
            ranked = sorted(best_by_case.items(), key=lambda kv: -kv[1])
            if ranked and ranked[0][1] >= ATTACH and (
                    len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= MARGIN):
                groups.merge(d.id, ranked[0][0])
                continue
            same_facts = {groups.find(b.id) for b in board_docs
                          if b is not d and child_key(b.child) and b.year == d.year
                          and _same_child_facts(d, b)}
            if len(same_facts) == 1:
                groups.merge(d.id, same_facts.pop())
    members: dict[str, list[CaseDoc]] = {}
    for d in docs:
        members.setdefault(groups.find(d.id), []).append(d)
    out: dict[str, str] = {}
    used: set[str] = set()
    for group in sorted(members.values(), key=lambda g: min(d.id for d in g)):
        case_id = _case_id(group, used)
        for d in group:
            out[d.id] = case_id
    logger.info("cases: %d documents in %d cases", len(docs), len(members))
    return out


def _same_child_facts(a: CaseDoc, b: CaseDoc) -> bool:
    """Both state the same age (to the month), gender and outcome of the child."""
    facts = ((a.age_months, b.age_months), (a.gender, b.gender), (a.outcome, b.outcome))
    return all(x is not None and x == y for x, y in facts)


class _Groups:
    """Union-find over document ids that remembers the facts each group states."""

    def __init__(self, docs: Sequence[CaseDoc]) -> None:
        self.parent = {d.id: d.id for d in docs}
        self.facts = {d.id: ({d.gender} - {None}, {d.outcome} - {None},
                             {d.age_months} - {None}) for d in docs}

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def merge(self, a: str, b: str) -> bool:
        """Join the groups of a and b unless their facts about the child disagree."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        (ga, oa, aa), (gb, ob, ab) = self.facts[ra], self.facts[rb]
        genders, outcomes, ages = ga | gb, oa | ob, aa | ab
        if len(genders) > 1 or len(outcomes) > 1 or (ages and max(ages) - min(ages) > AGE_SLACK):
            return False
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        self.facts[keep] = (genders, outcomes, ages)
        return True


def _too_short(doc: CaseDoc) -> bool:
    return len(doc.text.split()) < MIN_WORDS


def _similarities(docs: Sequence[CaseDoc]) -> list[list[float]]:
    n = len(docs)
    texts = [d.text[:TEXT_CHARS] for d in docs]
    if n < 2 or not any(t.strip() for t in texts):
        return [[0.0] * n for _ in range(n)]
    matrix = None
    for max_df in ((0.9, 1.0) if n > 3 else (1.0,)):  # all-common words: keep them after all
        try:
            matrix = TfidfVectorizer(sublinear_tf=True, max_df=max_df,
                                     stop_words="english").fit_transform(texts)
            break
        except ValueError:  # nothing left after stop words and max_df
            continue
    if matrix is None:
        return [[0.0] * n for _ in range(n)]
    return (matrix @ matrix.T).toarray().tolist()


def _case_id(group: list[CaseDoc], used: set[str]) -> str:
    board = group[0].board or "unknown board"
    names = Counter(d.child for d in group if d.child)
    child = min(names, key=lambda c: (-names[c], c)) if names else "unnamed"
    years = sorted(d.year for d in group if d.year)
    base = f"{slug(board)}/{slug(child)}/{years[0] if years else 'undated'}"
    case_id, n = base, 2
    while case_id in used:
        case_id, n = f"{base}-{n}", n + 1
    used.add(case_id)
    return case_id
