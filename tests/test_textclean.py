"""Text normalisation and running header/footer removal (ingest.textclean, ingest.datetext)."""

from __future__ import annotations

import pytest

from ingest.datetext import iso_date
from ingest.textclean import (
    is_page_number,
    normalise,
    one_line,
    strip_running_lines,
    vocabulary,
)


def test_ligatures_and_odd_spaces_are_folded() -> None:
    text = "The \ufb01rst \ufb02ag\u00a0was\u2009raised\u202fby the\tschool\u200b."
    assert normalise(text) == "The first flag was raised by the school."


def test_soft_hyphens_and_controls_are_removed() -> None:
    assert normalise("safe\u00adguarding\x07 board\ufeff") == "safeguarding board"


def test_hyphenated_line_ends_are_joined() -> None:
    assert normalise("it was identi-\nfied by the GP") == "it was identified by the GP"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("her well-\nbeing", "her well-being"),
        ("a multi-\nagency meeting", "a multi-agency meeting"),
        ("co-\nsleeping was", "co-sleeping was"),
        ("the Anglo-\nSaxon name", "the Anglo-Saxon name"),
        ("during COVID-\n19 restrictions", "during COVID-19 restrictions"),
    ],
)
def test_real_compounds_keep_their_hyphen(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_document_vocabulary_decides_hyphenation() -> None:
    # "inter-" is a compound prefix, but the document spells "intervention" elsewhere
    vocab = vocabulary(["Early intervention was offered.", "the inter-\nvention"])
    assert normalise("the inter-\nvention", vocab) == "the intervention"
    # a compound the document hyphenates elsewhere keeps its hyphen
    vocab = vocabulary(["a step-parent", "the step-\nparent"])
    assert normalise("the step-\nparent", vocab) == "the step-parent"


def test_paragraph_breaks_kept_and_spaces_collapsed() -> None:
    raw = "  Heading  \n\n\n\nFirst   line\nsecond line\r\n\r\nNext\fpage  "
    assert normalise(raw) == "Heading\n\nFirst line\nsecond line\n\nNext\n\npage"


def test_letter_spaced_words_are_closed_up() -> None:
    assert normalise("S E R I O U S  C A S E  review") == "SERIOUS CASE review"
    assert normalise("a b c") == "a b c"  # three letters are left alone


def test_normalise_is_idempotent() -> None:
    raw = "The \ufb01rst identi-\nfied  issue\n\n\n\nwell-\nbeing"
    once = normalise(raw)
    assert normalise(once) == once


def test_one_line() -> None:
    assert one_line("PSSyntaxError: bad [b'\x07a',\n 5]") == "PSSyntaxError: bad [b' a', 5]"
    assert one_line("x" * 500, 10) == "x" * 9 + "\u2026"


@pytest.mark.parametrize("line", ["12", "Page 3 of 11", "- 4 -", "page 7", "3/11", "(5)", "xiv",
                                  "PAGE 2", "\u2013 9 \u2013"])
def test_page_number_lines(line: str) -> None:
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["", "Child T", "2017 review", "civil", "mix", "Page three",
                                  "12 March 2017", "I"])
def test_not_page_number_lines(line: str) -> None:
    assert not is_page_number(line)


def _page(number: int, total: int, body: str) -> str:
    return (f"Child Safeguarding Practice Review: Child T\nDraft {number} for the board\n\n"
            f"{body}\n\nCONFIDENTIAL\nPage {number} of {total}")


def test_running_headers_footers_and_page_numbers_removed() -> None:
    bodies = [f"Paragraph {i} about the family.\nThe school raised concerns." for i in range(6)]
    pages = strip_running_lines([_page(i + 1, 6, b) for i, b in enumerate(bodies)])
    for page, body in zip(pages, bodies, strict=True):
        assert page == body
        assert "Child T" not in page and "CONFIDENTIAL" not in page and "Page" not in page


def test_running_lines_need_half_the_pages_and_the_edges() -> None:
    pages = [
        "Cover\nChild Safeguarding Practice Review\n\nIntro text",
        "Header A\nbody one\nmore\nThe school raised concerns.\nmore\nmore\nmore\nend one",
        "Header A\nbody two\nmore\nThe school raised concerns.\nmore\nmore\nmore\nend two",
        "Other top\nbody three\nmore\nThe school raised concerns.\nmore\nmore\nmore\n7",
        "Another top\nbody four\nmore\nend four",
        "Last top\nbody five\nmore\nend five",
    ]
    out = strip_running_lines(pages)
    assert out[1].startswith("Header A")  # on 2 of 6 pages: not running
    assert "The school raised concerns." in out[3]  # recurs, but mid-page
    assert not out[3].endswith("7")  # a bare page number goes anyway


def test_two_pages_are_too_few_for_running_lines() -> None:
    out = strip_running_lines(["Report title\nbody one\n1", "Report title\nbody two\n2"])
    assert out == ["Report title\nbody one", "Report title\nbody two"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D:20170312093000+00'00'", "2017-03-12"),
        ("D:2017", "2017"),
        ("2019-11-04T09:00:00Z", "2019-11-04"),
        ("Published: 12th March 2017", "2017-03-12"),
        ("March 12, 2017", "2017-03-12"),
        ("Published Sept 2019", "2019-09"),
        ("12/03/2017", "2017-03-12"),
        ("31/02/2017", None),
        ("no date here", None),
    ],
)
def test_iso_date(text: str, expected: str | None) -> None:
    assert iso_date(text) == expected


def test_running_line_placed_mid_page_is_removed_when_alone() -> None:
    header = "Northmoor Learning Review Child K - Full report"
    pages = [f"{header}\n\nBody text of page {n} about the family.\n\nMore text {n}." for n in
             range(1, 6)]
    pages[2] = (f"Left column text on page three.\n\n{header}\n\nRight column text.\n\n"
                f"The review quoted the {header} in a sentence.")
    cleaned = strip_running_lines(pages)
    assert header not in cleaned[0]
    assert cleaned[2].count(header) == 1  # the sentence quoting it stays
    assert "Left column text" in cleaned[2] and "Right column text" in cleaned[2]
