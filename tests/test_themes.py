"""The tagger's rules: themes found; denials, boilerplate, agencies, other people ignored.

These run the rules alone (``model=None``); tests/test_theme_model.py covers the classifier.
"""

from __future__ import annotations

import pytest

from analysis.taxonomy import CORE_THEMES, load_taxonomy
from analysis.themes import tag_pages


def present(text: str) -> set[str]:
    return {t.theme for t in tag_pages([text], model=None) if t.present}


def test_taxonomy_has_core_themes_with_definitions() -> None:
    themes = {t.id: t for t in load_taxonomy()}
    assert set(CORE_THEMES) <= set(themes)
    assert all(t.definition and t.label and t.group for t in themes.values())


def test_present_theme_with_evidence_page() -> None:
    tags = {t.theme: t for t in tag_pages(["Nothing here.", "Police were called after Mr K "
                                           "punched Ms D. A MARAC referral followed."],
                                          model=None)}
    da = tags["domestic_abuse"]
    assert da.present and da.evidence[0]["page"] == 2


def test_negated_mentions_do_not_count() -> None:
    text = ("There was no evidence of domestic abuse in the household. Domestic violence was "
            "not identified by any agency.")
    assert "domestic_abuse" not in present(text)


def test_boilerplate_sections_do_not_count() -> None:
    text = ("Terms of reference\n\nThe criteria were met because abuse or neglect was suspected. "
            "The review considered domestic abuse and neglect.\n\nGlossary\n\n"
            "MARAC: multi-agency risk assessment conference. CSE: child sexual exploitation.")
    assert not present(text) & {"domestic_abuse", "neglect", "exploitation"}


def test_agency_names_do_not_count() -> None:
    text = ("The drug and alcohol service attended the strategy meeting. "
            "The domestic abuse service was invited but sent apologies.")
    assert not present(text) & {"parental_substance_misuse", "domestic_abuse"}


def test_carer_themes_need_a_carer() -> None:
    assert "parental_mental_health" not in present(
        "Child D was diagnosed with depression and anxiety at fourteen. Her own low mood worsened.")
    assert "parental_mental_health" in present(
        "Ms D had a long history of depression. Her mother was prescribed antidepressants.")


def test_a_glossary_running_onto_the_next_page_stays_boilerplate() -> None:
    pages = ["Glossary\n\nMARAC: multi-agency risk assessment conference.",
             "CSE: child sexual exploitation. NRM: the framework for victims of trafficking."]
    assert "exploitation" not in {t.theme for t in tag_pages(pages, model=None) if t.present}
    # a new heading ends the section
    pages.append("Findings\n\nThe boy was sexually exploited by older men who groomed him "
                 "online. He was criminally exploited to sell drugs.")
    assert "exploitation" in {t.theme for t in tag_pages(pages, model=None) if t.present}


def evidence(text: str, theme: str) -> list[str]:
    tags = tag_pages([text], model=None)
    return [e["sentence"] for t in tags if t.theme == theme for e in t.evidence]


def test_noted_is_not_a_negation() -> None:
    text = "Domestic abuse was noted by the health visitor at every contact."
    assert evidence(text, "domestic_abuse") == [text]
    assert evidence("Domestic abuse was not noted by anyone.", "domestic_abuse") == []


def test_a_carer_named_in_the_sentence_before_counts() -> None:
    text = ("Mother moved to the area in 2019. She had experienced severe depression and "
            "anxiety for years and was prescribed antidepressants.")
    assert "parental_mental_health" in present(text)
    own = ("Child M was 14. She had experienced severe depression and anxiety and was "
           "prescribed antidepressants.")
    assert "parental_mental_health" not in present(own)


def test_standing_for_hours_is_not_a_glossary_line() -> None:
    text = "The children were made to stand for hours and were hit with a belt as punishment."
    assert evidence(text, "physical_abuse") == [text]
    assert evidence("NAI stands for non-accidental injury.", "physical_abuse") == []


def test_theme_infos_agree_with_the_compiled_taxonomy() -> None:
    from analysis.taxonomy import theme_infos, theme_labels

    compiled = [(t.id, t.label, t.group, t.definition) for t in load_taxonomy()]
    assert [(t.id, t.label, t.group, t.definition) for t in theme_infos()] == compiled
    assert list(theme_labels().items()) == [(t[0], t[1]) for t in compiled]


@pytest.mark.parametrize(("sentence", "theme"), [
    ("The GP prescribed antibiotics and described the rash.", "sudi_unsafe_sleep"),
    ("The school offered pastoral support after the move.", "culture_faith_language"),
    ("There was a small bruise to the temple.", "culture_faith_language"),
    ("Her teacher said she seemed tired.", "culture_faith_language"),
])
def test_a_pattern_inside_another_word_is_no_evidence(sentence: str, theme: str) -> None:
    """"crib" in "prescribed", "pastor" in "pastoral", "temple" of the head, "eid" in words."""
    from analysis.theme_rules import sentence_hits

    assert theme not in sentence_hits(sentence, "", load_taxonomy())
