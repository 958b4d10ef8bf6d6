"""The child's age, gender and outcome read from the wording of real reports."""

from __future__ import annotations

import pytest

from ingest.childfacts import child_age, child_gender, outcome


@pytest.mark.parametrize(("text", "child", "months"), [
    ("Child D was a four-year-old girl living in Saxmoor.", "Child D", 48),
    ("Jayden was seven months old when he died.", "Jayden", 7),
    ("Baby Q, aged 10 weeks, was admitted to hospital.", "Baby Q", 2),
    ("Child T died at the age of 15.", "Child T", 180),
    ("The child was 3 years of age at the time.", None, 36),
    ("Child K was a 14 year old\nboy who lived with his grandmother.", "Child K", 168),
    ("Child B was twenty-one months old when she was seriously injured.", "Child B", 21),
    ("Ellie was aged 16 years and living in supported accommodation.", "Ellie", 192),
    ("Child M was a three-day-old baby.", "Child M", 0),
])
def test_age_phrasings(text: str, child: str | None, months: int) -> None:
    found = child_age(text, child)
    assert found is not None and found.value == months
    assert found.source.startswith("text: ")


def test_age_of_a_parent_or_sibling_is_not_the_childs() -> None:
    text = ("Child A's mother, aged 19, had left care the year before. Her older brother was "
            "seven years old. Child A was an eleven-month-old boy.")
    assert child_age(text, "Child A").value == 11


def test_adult_ages_and_a_lone_article_are_ignored() -> None:
    assert child_age("Mr X, a 34-year-old man, moved in.", "Child A") is None
    assert child_age("A year later the family moved.", "Child A") is None
    assert child_age("The review covered a period of two years.", "Child A") is None


def test_the_sentence_naming_the_child_wins() -> None:
    text = ("The panel met a young person aged 17 who had been in care. "
            "Child F was a two-year-old girl.")
    assert child_age(text, "Child F").value == 24


@pytest.mark.parametrize(("text", "child", "gender"), [
    ("Child D was a four-year-old girl.", "Child D", "female"),
    ("Kai was a teenage boy who loved football.", "Kai", "male"),
    ("The review concerns a baby girl, referred to as Baby R.", "Baby R", "female"),
    ("Child S was a young man of 17 when he died.", "Child S", "male"),
    ("Child C is a boy aged eight.", "Child C", "male"),
])
def test_gender_nouns(text: str, child: str, gender: str) -> None:
    assert child_gender(text, child).value == gender


def test_gender_from_pronouns_after_the_name() -> None:
    text = ("Child W lived with her grandmother. Child W said she felt safe there and that she "
            "liked her school. Child W told her teacher about the bruises.")
    found = child_gender(text, "Child W")
    assert found.value == "female" and "pronouns" in found.source


def test_gender_is_not_guessed_from_too_little() -> None:
    assert child_gender("Child W went to school.", "Child W") is None
    # the mother's pronouns are not the child's
    assert child_gender("Child W lived with the mother; she was struggling.", "Child W") is None


@pytest.mark.parametrize(("text", "child", "value"), [
    ("This review follows the death of Child D in 2019.", "Child D", "death"),
    ("Jayden died in hospital two days later.", "Jayden", "death"),
    ("Child P was pronounced dead at the scene.", "Child P", "death"),
    ("Child L suffered serious harm while in the care of her family.", "Child L", "serious_harm"),
    ("Baby J sustained life-threatening injuries and survived.", "Baby J", "serious_harm"),
    ("Child E was seriously injured in a house fire.", "Child E", "serious_harm"),
    ("a 15-year-old boy who died | Serious Case Review", None, "death"),
])
def test_outcome_phrasings(text: str, child: str | None, value: str) -> None:
    assert outcome(text, child).value == value


def test_statutory_criterion_does_not_decide_the_outcome() -> None:
    text = ("A review is required where abuse or neglect is suspected and the child has died or "
            "been seriously harmed. Child M suffered serious harm in 2018.")
    assert outcome(text, "Child M").value == "serious_harm"
    assert outcome("The criteria: death or serious harm to a child.", "Child M") is None


def test_a_parents_death_is_not_the_childs() -> None:
    text = ("Following the death of his father, Child R moved to live with an aunt. Child R was "
            "seriously harmed by a family friend in 2020.")
    assert outcome(text, "Child R").value == "serious_harm"


def test_risk_language_is_not_an_outcome() -> None:
    assert outcome("Professionals did not recognise the risk of serious harm.", None) is None


def test_nothing_stated_gives_none() -> None:
    assert child_age("", None) is None
    assert child_gender("", None) is None
    assert outcome("", None) is None


def test_siblings_named_together_are_each_the_child() -> None:
    from ingest.childfacts import outcome

    text = ("This report sets out the findings of the review commissioned by the board after "
            "Child B suffered serious harm. Later, a thematic review of deaths of young people "
            "found that they died after contact with several agencies.")
    found = outcome(text, "Children B and P")
    assert found is not None and found.value == "serious_harm"
