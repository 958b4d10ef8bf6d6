"""The 7-minute briefing of one review: sections in order, verbatim quotations on their pages,
recommendations with pages, questions for the tagged themes, unknown and failed documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.docmodel import Bullets, Doc, Paragraph, Quote
from analysis.review_brief import GENERIC_QUESTION, QUESTIONS, SECTIONS, compose_review_brief
from analysis.taxonomy import CORE_THEMES
from ingest.catalogue import Catalogue
from ingest.errors import AtlasError

PAGES = [
    "Northshire Safeguarding Children Partnership\n\nLocal Child Safeguarding Practice Review\n"
    "Child T - Overview Report\n",
    "Introduction\n"
    "This review was commissioned by Northshire Safeguarding Children Partnership after Child T\n"
    "died at home in March 2020. Child T was a two-year-old girl.\n\n"
    "Terms of reference\n"
    "The review considered the period from January 2019 until the death of Child T, and\n"
    "examined how agencies worked together. Domestic abuse by the father was a key line of\n"
    "enquiry for the panel.\n\n"
    "Methodology\n"
    "Each agency provided a chronology and an analysis of its involvement with the family.\n",
    "The child and family\n"
    "In May 2019 police were called to the home after neighbours heard shouting, and the\n"
    "father was arrested for assaulting the mother. The mother later withdrew her statement\n"
    "and said that the father was no longer living at the address.\n\n"
    "In August 2019 the health visitor saw Child T at home and noted that she had lost weight\n"
    "and that the flat was cold and without food in the cupboards.\n\n"
    "The mother told the GP in October 2019 that she felt low and was not sleeping, and she\n"
    "was prescribed antidepressants without any enquiry about the children in her care.\n",
    "Analysis and findings\n"
    "Finding 1\n"
    "Information about the domestic abuse incident was not shared with the health visitor,\n"
    "who therefore did not ask the mother about her safety at later visits.\n\n"
    "Finding 2\n"
    "Practitioners accepted the mother's account that the father had left without checking it\n"
    "with other agencies or visiting unannounced.\n",
    "Recommendations\n"
    "1. Northshire Safeguarding Children Partnership should seek assurance that police\n"
    "notifications of domestic abuse reach the health visiting service within one working day.\n"
    "2. The GP practice should ensure that, when a parent presents with low mood, the\n"
    "clinician asks about the children in the household and records their names, ages and\n"
    "who else cares for them, and that this information is shared with the health visitor and\n"
    "the school nurse so that the whole picture of the family is visible to every agency.\n",
]
THEMES = [
    {"theme": "domestic_abuse", "score": 6.0, "present": True, "evidence": [
        {"page": 3, "sentence": "In May 2019 police were called to the home after neighbours heard "
                                "shouting, and the father was arrested for assaulting the mother.",
         "strength": 2},
        {"page": 4, "sentence": "Information about the domestic abuse incident was not shared with "
                                "the health visitor, who therefore did not ask the mother about "
                                "her safety at later visits.", "strength": 2}]},
    {"theme": "neglect", "score": 4.0, "present": True, "evidence": [
        {"page": 3, "sentence": "In August 2019 the health visitor saw Child T at home and noted "
                                "that she had lost weight and that the flat was cold and without "
                                "food in the cupboards.", "strength": 2}]},
    {"theme": "parental_mental_health", "score": 2.0, "present": True, "evidence": [
        {"page": 3, "sentence": "The mother told the GP in October 2019 that she felt low and was "
                                "not sleeping, and she was prescribed antidepressants without any "
                                "enquiry about the children in her care.", "strength": 2}]},
    {"theme": "sexual_abuse", "score": 1.0, "present": False, "evidence": []},
]
RECOMMENDATIONS = [
    {"number": "1", "page": 5, "text": " ".join(PAGES[4].split("1. ")[1].split("2. ")[0].split())},
    {"number": "2", "page": 5, "text": " ".join(PAGES[4].split("2. ")[1].split())},
]
FIELDS = {"is_review": True, "title": "Child T overview report", "board": "Northshire SCP",
          "year": 2021, "doc_type": "full_report", "review_type": "LCSPR", "child": "Child T",
          "age_months": None, "gender": "female", "outcome": "death"}


def _add(cat: Catalogue, key: str, pages: list[str], fields: dict, status: str = "ok") -> str:
    sha = (key.encode().hex() * 64)[:64]
    doc_id = cat.add_document(sha, f"https://{key}.example/report.pdf", "Board",
                              "application/pdf", 100)
    cat.save_extraction(doc_id, status, "" if status == "ok" else "no text layer", pages, True,
                        {})
    cat.save_metadata(doc_id, 1, fields, {})
    return doc_id


@pytest.fixture()
def corpus(tmp_path: Path) -> Iterator[tuple[Catalogue, dict[str, str]]]:
    cat = Catalogue(tmp_path / "catalogue.sqlite")
    ids = {"report": _add(cat, "report", PAGES, FIELDS)}
    cat.save_themes(ids["report"], 1, THEMES)
    cat.save_recommendations(ids["report"], RECOMMENDATIONS)
    # the case's briefing states the age the report leaves out
    ids["briefing"] = _add(cat, "briefing", ["Child T was two years old. " * 3],
                           FIELDS | {"doc_type": "briefing", "age_months": 26})
    ids["failed"] = _add(cat, "failed", [], FIELDS | {"child": "Child U"}, status="failed")
    cat.set_cases({ids["report"]: "northshire/child-t/2021",
                   ids["briefing"]: "northshire/child-t/2021"})
    yield cat, ids
    cat.close()


def _text(doc: Doc, heading: str) -> str:
    section = doc.section(heading)
    assert section is not None
    out = []
    for b in section.blocks:
        out += b.items if isinstance(b, Bullets) else [b.text]  # type: ignore[union-attr]
    return "\n".join(out)


def test_sections_in_order_and_background(corpus: tuple[Catalogue, dict[str, str]]) -> None:
    cat, ids = corpus
    doc = compose_review_brief(cat, ids["report"])
    assert [s.heading for s in doc.sections] == list(SECTIONS)
    background = _text(doc, "Background")
    for fact in ("Child T", "two-year-old girl", "1-4", "died", "Northshire SCP",
                 "Local Child Safeguarding Practice Review", "2021"):
        assert fact in background  # the age comes from the case's briefing
    why = [b for b in doc.section("Background").blocks if isinstance(b, Quote)]
    assert len(why) == 1 and "commissioned" in why[0].text and why[0].page == 2


def test_every_quote_is_verbatim_on_its_page(corpus: tuple[Catalogue, dict[str, str]]) -> None:
    cat, ids = corpus
    doc = compose_review_brief(cat, ids["report"])
    quotes = doc.quotes()
    assert len(quotes) >= 5
    for q in quotes:
        assert q.page is not None and q.text in PAGES[q.page - 1]
        assert len(q.text) <= 300 and q.source.endswith(f"p. {q.page}")
        assert q.source.startswith("Northshire SCP, Child T, 2021, full report")
    assert len({q.text for q in quotes}) == len(quotes)  # nothing quoted twice


def test_what_happened_is_narrative(corpus: tuple[Catalogue, dict[str, str]]) -> None:
    cat, ids = corpus
    doc = compose_review_brief(cat, ids["report"])
    happened = [b for b in doc.section("What happened").blocks if isinstance(b, Quote)]
    assert 1 <= len(happened) <= 3
    for q in happened:  # never terms of reference, methodology or recommendations
        assert q.page == 3 or q.page == 4
        assert "key line" not in q.text and "chronology" not in q.text


def test_key_findings_strongest_first(corpus: tuple[Catalogue, dict[str, str]]) -> None:
    cat, ids = corpus
    doc = compose_review_brief(cat, ids["report"])
    blocks = doc.section("Key findings").blocks
    labels = [b.text for b in blocks if isinstance(b, Paragraph)]  # quoted: no "see above"
    assert labels == ["Domestic abuse", "Neglect", "Parental mental ill health"]
    assert sum(isinstance(b, Quote) for b in blocks) == 3


def test_recommendations_with_pages(corpus: tuple[Catalogue, dict[str, str]]) -> None:
    cat, ids = corpus
    doc = compose_review_brief(cat, ids["report"])
    (bullets,) = doc.section("Recommendations").blocks
    assert isinstance(bullets, Bullets) and len(bullets.items) == 2
    assert bullets.items[0].startswith("1. Northshire Safeguarding") and \
        bullets.items[0].endswith("(p. 5)")
    long_one = bullets.items[1]
    assert long_one.startswith("2. The GP practice") and "\u2026 (p. 5)" in long_one
    assert len(long_one) < 230 and RECOMMENDATIONS[1]["text"].startswith(
        long_one[3:].split(" \u2026")[0])


def test_questions_for_tagged_themes(corpus: tuple[Catalogue, dict[str, str]]) -> None:
    cat, ids = corpus
    assert set(QUESTIONS) == set(CORE_THEMES)
    doc = compose_review_brief(cat, ids["report"])
    (bullets,) = doc.section("Questions for practice").blocks
    assert isinstance(bullets, Bullets) and 3 <= len(bullets.items) <= 5
    for theme in ("domestic_abuse", "neglect", "parental_mental_health"):
        assert QUESTIONS[theme] in bullets.items
    assert QUESTIONS["sexual_abuse"] not in bullets.items  # scored but not present
    assert bullets.items[-1] == GENERIC_QUESTION


def test_unknown_and_failed_documents(corpus: tuple[Catalogue, dict[str, str]]) -> None:
    cat, ids = corpus
    with pytest.raises(AtlasError, match="not in the catalogue"):
        compose_review_brief(cat, "0000000000000000")
    doc = compose_review_brief(cat, ids["failed"])
    assert [s.heading for s in doc.sections] == ["Background"]
    assert "No text could be extracted" in _text(doc, "Background")
    assert "Child U" in _text(doc, "Background") and not doc.quotes()
