"""Near-duplicate copies and the grouping of a review's documents into one case."""

from __future__ import annotations

import random

from ingest.cases import CaseDoc, child_key, group_cases
from ingest.neardup import (
    Signature,
    canonical,
    duplicate_groups,
    signature,
    similarity,
)

WORDS = ("agency", "health", "visitor", "school", "referral", "assessment", "mother", "father",
         "home", "police", "strategy", "meeting", "plan", "neglect", "concern", "record", "visit",
         "hospital", "nursery", "review", "partnership", "practitioner", "child", "family",
         "support", "risk", "information", "sharing")


def _prose(seed: int, n: int = 600) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + ("." if rng.random() < 0.08 else "") for _ in range(n))


def test_same_text_with_a_different_cover_line_is_a_duplicate() -> None:
    body = _prose(1)
    a = signature("Serious Case Review Child A\n\n" + body)
    b = signature("Republished with permission of Northmoor\nSerious Case Review Child A\n" + body)
    c = signature(_prose(2))
    assert similarity(a, b) > 0.9
    assert similarity(a, c) < 0.3
    assert duplicate_groups({"a": a, "b": b, "c": c}) == [["a", "b"]]


def test_duplicates_close_transitively_and_skip_short_texts() -> None:
    body = _prose(3)
    sigs = {"x": signature(body), "y": signature(body + " extra words at the end"),
            "z": signature("extra " + body), "tiny1": signature("short text"),
            "tiny2": signature("short text")}
    assert duplicate_groups(sigs) == [["x", "y", "z"]]


def test_signature_round_trips_through_bytes() -> None:
    sig = signature(_prose(4))
    again = Signature.from_bytes(sig.to_bytes(), sig.words)
    assert similarity(sig, again) == 1.0 and again.words == sig.words == 600


def test_canonical_copy_is_the_publishers() -> None:
    group = [
        {"id": "b", "source": "Eastvale Safeguarding Children Partnership",
         "first_seen": "2024-01-01", "head": "Republished with permission of Northmoor LSCB"},
        {"id": "a", "source": "Northmoor Local Safeguarding Children Board",
         "first_seen": "2024-02-01", "head": "Northmoor LSCB serious case review"},
    ]
    assert canonical(group) == "a"
    group[1]["head"] = "a review"  # neither names its source: the first seen is kept
    assert canonical(group) == "b"


def test_child_keys() -> None:
    assert child_key("Child D") == child_key("Baby D") == child_key("Family D") == {"D"}
    assert child_key("Children C and D") == {"C", "D"}
    assert child_key("Jayden") == {"jayden"}
    assert child_key(None) == frozenset()


def _story(name: str, place: str, seed: int) -> str:
    rng = random.Random(seed)
    facts = (f"{name} lived in {place} with the {place}-{seed} family and attended Rowan "
             f"nursery {seed}. ")
    return facts * 3 + " ".join(rng.choice(WORDS) for _ in range(300))


def test_documents_of_one_review_are_one_case() -> None:
    docs = [
        CaseDoc("1", "Northmoor", "Child D", 2019, _story("Child D", "Saxmoor", 1)),
        CaseDoc("2", "Northmoor", "Child D", 2019, _story("Child D", "Saxmoor", 1)[::-1][:900]
                + _story("Child D", "Saxmoor", 1)),
        CaseDoc("3", "Northmoor", "Baby D", 2020, _story("Child D", "Saxmoor", 1)),
        # same letter, years later: another review
        CaseDoc("4", "Northmoor", "Child D", 2015, _story("Child D", "Eastby", 9)),
        # same letter, other board
        CaseDoc("5", "Westvale", "Child D", 2019, _story("Child D", "Saxmoor", 1)),
        # a briefing that names no child joins the review it resembles
        CaseDoc("6", "Northmoor", None, 2019, _story("Child D", "Saxmoor", 1)),
        # a failed PDF listed by its link text: same child and year, too short to judge
        CaseDoc("7", "Northmoor", "Child D", 2019, "Child D executive summary"),
    ]
    case_of = group_cases(docs)
    assert case_of["1"] == case_of["2"] == case_of["3"] == case_of["6"] == case_of["7"]
    assert case_of["4"] != case_of["1"] and case_of["5"] != case_of["1"]
    assert case_of["1"] == "northmoor/child-d/2019"
    assert case_of["4"] == "northmoor/child-d/2015"


def test_same_letter_same_year_but_different_children_stay_apart() -> None:
    story = _story("Child A", "Saxmoor", 1)
    docs = [CaseDoc("1", "B", "Child A", 2020, story, 5, "female", "death"),
            CaseDoc("2", "B", "Child A", 2020, story, 150, "female", "death"),
            CaseDoc("3", "B", "Child A", 2020, story, None, "male", None),
            CaseDoc("4", "B", "Child A", 2021, story, None, "female", "serious_harm"),
            CaseDoc("5", "B", "Child A", 2020, story, 9, None, None)]
    case_of = group_cases(docs)
    assert case_of["5"] == case_of["1"]  # ages within a year of each other agree
    assert len({case_of[k] for k in "1234"}) == 4
    assert len(set(case_of.values())) == 4  # ids stay unique: b/child-a/2020, ...-2, ...


def test_texts_with_nothing_in_common_are_not_one_case() -> None:
    other = " ".join(f"unrelated{i} token{i % 7}" for i in range(300))
    docs = [CaseDoc("1", "B", "Child A", 2020, _story("Child A", "Saxmoor", 1)),
            CaseDoc("2", "B", "Child A", 2020, other)]
    assert len(set(group_cases(docs).values())) == 2


def test_no_documents() -> None:
    assert group_cases([]) == {}


def test_unnamed_briefing_joins_the_one_case_stating_the_same_facts() -> None:
    docs = [CaseDoc("1", "B", "Leo", 2020, _story("Leo", "Saxmoor", 1), 84, "male", "death"),
            CaseDoc("2", "B", "Child K", 2020, _story("Child K", "Ormsby", 2), 5, "male",
                    "death"),
            CaseDoc("3", "B", None, 2020, _prose(9), 84, "male", "death"),
            CaseDoc("4", "B", None, 2020, _prose(10), 84, "female", "death")]
    case_of = group_cases(docs)
    assert case_of["3"] == case_of["1"]
    assert case_of["4"] not in (case_of["1"], case_of["2"])
