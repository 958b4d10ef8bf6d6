"""Metadata readers and the review/not-review decision, on realistic snippets."""

from __future__ import annotations

import pytest

from ingest.classify import Evidence, classify
from ingest.metadata import child_pseudonym, publication_date, review_type, title_of


def ev(cover: str, *, title: str = "", text: str = "", links: tuple[str, ...] = (),
       paged: bool = True, words: int = 3000, url: str = "https://b.org/doc.pdf") -> Evidence:
    return Evidence(url=url, title=title, cover=cover, text=text or cover, link_texts=links,
                    link_contexts=(), words=words, paged=paged)


REPORT_TEXT = ("Terms of reference\nThe review was asked to consider...\nFindings\n"
               "Finding one.\nRecommendations\nThe partnership should...\n")


@pytest.mark.parametrize(
    ("cover", "links", "doc_type"),
    [
        ("Serious Case Review\nChild D\nOverview Report\nMarch 2016", (), "full_report"),
        ("Local Child Safeguarding Practice Review\nBaby Q\nExecutive Summary", (),
         "executive_summary"),
        ("7 Minute Briefing\nLearning from the review of Child T", (), "briefing"),
        ("Response of the Northmoor Partnership to the Serious Case Review of Family W", (),
         "board_response"),
        ("Concise Child Practice Review\nCYSUR 3/2019", (), "full_report"),
    ],
)
def test_review_documents_are_recognised(cover: str, links: tuple[str, ...],
                                         doc_type: str) -> None:
    decision = classify(ev(cover, text=cover + "\n" + REPORT_TEXT, links=links))
    assert decision.is_review, decision.reason
    assert decision.doc_type == doc_type


@pytest.mark.parametrize(
    "cover",
    [
        "Northmoor Safeguarding Children Partnership\nAnnual Report 2019-20",
        "Minutes of the Board meeting held on 4 May 2017",
        "Safe sleep advice for parents: a leaflet",
        "Partnership Newsletter, Spring 2021",
        "Training course: learning from serious case reviews - book your place",
    ],
)
def test_distractors_are_not_reviews(cover: str) -> None:
    text = cover + "\nTwo serious case reviews were published this year. " * 3
    decision = classify(ev(cover, text=text, links=("Serious case review learning",)))
    assert not decision.is_review, decision.reason
    assert decision.doc_type == "not_review"


def test_short_web_listing_page_is_not_a_review() -> None:
    page = ev("Serious case reviews\nChild D: read the overview report", paged=False, words=60)
    assert not classify(page).is_review


def test_publication_date_order_of_trust() -> None:
    year, month = publication_date("Child D\nOverview report\nPublished: 12 March 2017", "",
                                   ["Published June 2018"], "https://b.org/2016/05/x.pdf",
                                   "2015-01-01")
    assert (year.value, month.value) == (2017, 3) and year.source.startswith("text")
    year, _ = publication_date("Child D", "", ["Published 4 June 2018"], "https://b.org/x.pdf",
                               None)
    assert year.value == 2018 and year.source.startswith("listing")
    year, month = publication_date("Child D", "", [], "https://b.org/media/2019/11/x.pdf", None)
    assert (year.value, month.value) == (2019, 11)
    year, _ = publication_date("Child D", "", [], "https://b.org/x.pdf", "2014-07-30")
    assert year.value == 2014 and "pdf metadata" in year.source
    assert publication_date("", "", [], "https://b.org/x", None) == (None, None)


def test_review_type_and_child() -> None:
    assert review_type("Serious Case Review: Child D", "", "England", 2016).value == "SCR"
    assert review_type("Local Child Safeguarding Practice Review", "", None, 2020).value == "LCSPR"
    assert review_type("Extended Child Practice Review", "", "Wales", 2018).value == "CPR"
    assert review_type("A review", "", "Wales", 2018).value == "CPR"
    assert child_pseudonym("Serious Case Review\nBaby Q\n", "").value == "Baby Q"
    assert child_pseudonym("Family W overview", "").value == "Family W"
    named = child_pseudonym("Review report", 'The child is referred to as "Jayden" in this report.')
    assert named.value == "Jayden"
    assert child_pseudonym("Annual report", "nothing here") is None


def test_title_ignores_authoring_file_names() -> None:
    assert title_of("Microsoft Word - SCR final v3.docx", "Serious Case Review\nChild D\n") == (
        "Serious Case Review Child D")
    cover = "Northmoor LSCB\nChild D"
    assert title_of("Child D overview report", cover) == "Child D overview report"
    assert title_of("Report template", "Serious Case Review\nBaby Q\n\nAuthor: J Smith") == (
        "Serious Case Review Baby Q")
    assert title_of("Report template", "Brackenhurst Safeguarding Children Partnership\n\n"
                    "Local Child Safeguarding Practice Review\nChild W\n\nIndependent reviewer: "
                    "R Evans") == "Local Child Safeguarding Practice Review Child W"
    assert title_of("Review of Child T | Northmoor Safeguarding Children Partnership",
                    "Review of Child T") == "Review of Child T"
