"""Recommendations lists of case reviews (ingest.recommendations).

Fixture texts are modelled on the shapes of real UK reviews as pdfminer and the HTML/DOCX
readers give them after cleaning: paragraphs separated by blank lines, lines wrapped, running
headers gone but a stray page number left now and then.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.recommendations import (
    Recommendation,
    _unwrap_columns,
    extract_recommendations,
)
from ingest.textclean import is_page_number


def numbers(recs: list[Recommendation]) -> list[str]:
    return [r.number for r in recs]


def texts(recs: list[Recommendation]) -> list[str]:
    return [r.text for r in recs]


INTRO = """\
Introduction

1.1 This review was commissioned by the Partnership after Child A suffered serious harm.
The review recommends that agencies reflect on the learning in this report."""

BASIC = """\
Good practice

The health visitor maintained regular contact with the family.

Recommendations

1. Partner agencies should ensure that their recording systems make the current
multi-agency plan easy to find.

2. The Partnership should seek assurance that practitioners in universal services know
how to obtain advice from children's social care before deciding whether to make a
referral.

3. The local authority should ensure that caseloads are monitored.

Glossary

- MASH: Multi-Agency Safeguarding Hub"""


# --- numbering styles ------------------------------------------------------------------------

def test_numbered_list_under_recommendations_heading() -> None:
    recs = extract_recommendations([INTRO, BASIC])
    assert numbers(recs) == ["1", "2", "3"]
    assert recs[1].text == (
        "The Partnership should seek assurance that practitioners in universal services know "
        "how to obtain advice from children's social care before deciding whether to make a "
        "referral.")
    assert {r.page for r in recs} == {2}
    assert {r.heading for r in recs} == {"Recommendations"}


def test_empty_input_gives_no_items() -> None:
    assert extract_recommendations([]) == []
    assert extract_recommendations([""]) == []
    assert extract_recommendations(["", "   \n\n  "]) == []
    assert extract_recommendations(["", ""], paged=False) == []


def test_text_without_recommendations_section_gives_none() -> None:
    prose = ("Findings\n\nThe review recommends that the Partnership considers the learning.\n"
             "Recommendation 3 has been completed and the board has closed it.\n\n"
             "1. The panel met four times.\n\n2. Practitioners attended an event.")
    assert extract_recommendations([prose]) == []


@pytest.mark.parametrize("mark", ["{n}.", "{n})", "({n})", "{n}"])
def test_plain_number_styles(mark: str) -> None:
    body = "\n\n".join(f"{mark.format(n=n)} The Partnership should do thing {n} well." for n in
                       (1, 2, 3))
    recs = extract_recommendations([f"Recommendations\n\n{body}\n\nReferences\n\nSmith 2019."])
    assert numbers(recs) == ["1", "2", "3"]
    assert texts(recs)[2] == "The Partnership should do thing 3 well."


def test_missing_space_after_the_number() -> None:
    page = "Recommendations\n\n1.The board should audit.\n2)The board should train."
    assert texts(extract_recommendations([page])) == ["The board should audit.",
                                                      "The board should train."]


def test_dotted_lead_in_paragraph_is_not_an_item() -> None:
    page = ("9. Recommendations\n\n9.1 The review makes the following recommendations:\n\n"
            "9.2 The board should audit.\n\n9.3 The board should train.")
    assert numbers(extract_recommendations([page])) == ["9.2", "9.3"]


def test_numbered_heading_with_dotted_items_ends_at_next_numbered_heading() -> None:
    page = """\
10. Recommendations

10.1 The Safeguarding Partnership should seek assurance that the escalation policy is
understood by frontline staff in all agencies.

10.2 Children's social care should review the arrangements for transferring cases
between teams.

11. Conclusion

11.1 This was a complex case and the review thanks everyone who took part."""
    recs = extract_recommendations([page])
    assert numbers(recs) == ["10.1", "10.2"]
    assert recs[1].text.endswith("transferring cases between teams.")
    assert recs[0].heading == "Recommendations"


def test_recommendation_n_headings_span_paragraphs() -> None:
    page = """\
Summary of recommendations

The review makes three recommendations.

Recommendation 1:
The LSCP should seek assurance that all agencies understand the neglect strategy.

This should include evidence from multi-agency audit.

Recommendation 2 – The LSCP should ask the CCG to report on GP attendance at
child protection conferences.

Recommendation 3
The LSCP should commission training on working with fathers.

Appendix 1: Terms of reference"""
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2", "3"]
    assert recs[0].text == ("The LSCP should seek assurance that all agencies understand the "
                            "neglect strategy. This should include evidence from multi-agency "
                            "audit.")
    assert recs[1].text.startswith("The LSCP should ask the CCG")
    assert recs[2].text == "The LSCP should commission training on working with fathers."
    assert recs[0].heading == "Summary of recommendations"


def test_recommendation_spelled_out_numbers() -> None:
    page = ("Recommendations\n\nRecommendation One: Health partners should audit records.\n\n"
            "Recommendation Two: The police should review referral timeliness.")
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2"]
    assert recs[1].text == "The police should review referral timeliness."


@pytest.mark.parametrize("style", ["R{n}", "R{n}.", "R{n}:"])
def test_r_numbers(style: str) -> None:
    body = "\n\n".join(f"{style.format(n=n)} The Partnership should act on issue {n}." for n in
                       range(1, 4))
    recs = extract_recommendations([f"Recommendations for the Partnership\n\n{body}"])
    assert numbers(recs) == ["R1", "R2", "R3"]
    assert recs[0].heading == "Recommendations for the Partnership"
    assert texts(recs)[0] == "The Partnership should act on issue 1."


def test_sentence_starting_recommendation_n_inside_section_is_an_item() -> None:
    page = ("Recommendations\n\nThe panel agreed the following. Recommendation 1: The board "
            "should publish a neglect strategy. Recommendation 2: The board should audit it.")
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2"]
    assert texts(recs) == ["The board should publish a neglect strategy.",
                           "The board should audit it."]


def test_letter_and_roman_sub_items_fold_into_parent() -> None:
    page = """\
Recommendations

1. The Partnership should seek assurance that:
a) GPs are invited to every strategy discussion;
b) schools receive conference minutes; and
c) health visitors record fathers' details.

2. Agencies should review their supervision policies so that they:
(i) include reflective discussion of risk;
(ii) are recorded.

3. The police should review notification queues."""
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2", "3"]
    assert recs[0].text == ("The Partnership should seek assurance that: a) GPs are invited to "
                            "every strategy discussion; b) schools receive conference minutes; "
                            "and c) health visitors record fathers' details.")
    assert "(ii) are recorded." in recs[1].text


def test_letter_list_without_parent_is_the_list() -> None:
    page = ("Recommendations\n\n(a) The board should audit closures.\n\n"
            "(b) The board should review thresholds.\n\n(c) The board should train staff.")
    assert numbers(extract_recommendations([page])) == ["a", "b", "c"]


def test_lettered_numbers_are_separate_items() -> None:
    page = ("Recommendations\n\n3. The board should audit closures.\n\n".replace("3.", "1.")
            + "2. The board should review thresholds.\n\n"
            "2a. Health partners should report on the review of thresholds.\n\n"
            "2b. The police should report on it too.\n\n3. The board should train staff.")
    assert numbers(extract_recommendations([page])) == ["1", "2", "2a", "2b", "3"]


def test_bullets_without_numbers_are_numbered_by_position() -> None:
    page = """\
Recommendations

The review makes the following recommendations:

• The Partnership should develop guidance on working with families who appear to
make rapid progress.

• Primary care should review how safeguarding concerns are recorded.

• The local authority should monitor caseloads.

Glossary"""
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2", "3"]
    assert recs[0].text.endswith("appear to make rapid progress.")


def test_bullets_under_numbered_items_are_folded() -> None:
    page = ("Recommendations\n\n1. The board should seek assurance that:\n• GPs attend;\n"
            "• schools are invited.\n\n2. The board should train staff.")
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2"]
    assert recs[0].text == ("The board should seek assurance that: • GPs attend; • schools are "
                            "invited.")


# --- pages, wrapping, stray numbers -----------------------------------------------------------

def test_item_wraps_across_page_break_and_stray_page_number() -> None:
    page5 = ("Findings\n\nThe review found gaps.\n\nRecommendations\n\n"
             "1. The Partnership should audit closed cases.\n\n"
             "2. Partner agencies should ensure that written reports are provided to every\nchild")
    page6 = ("14\nprotection conference, and conference chairs should record where this has\n"
             "not happened.\n\n3. The police should review notification queues.\n\nGlossary")
    recs = extract_recommendations(["Cover", "Intro", "x", "y", page5, page6])
    assert numbers(recs) == ["1", "2", "3"]
    assert recs[1].text == ("Partner agencies should ensure that written reports are provided "
                            "to every child protection conference, and conference chairs should "
                            "record where this has not happened.")
    assert [r.page for r in recs] == [5, 5, 6]


def test_page_break_after_a_full_stop_does_not_glue_a_paragraph_on() -> None:
    page1 = "Recommendations\n\n1. The board should audit closures.\n\n2. The board should train."
    page2 = "The board will report on progress in its annual report.\n\nGlossary"
    recs = extract_recommendations([page1, page2])
    assert texts(recs) == ["The board should audit closures.", "The board should train."]


def test_unpaged_text_has_no_page() -> None:
    html = ("Executive summary\n\nRecommendations\n\n1. The board should audit closures.\n"
            "2. The board should train staff.\n\nFurther information\n\nContact us.")
    recs = extract_recommendations([html], paged=False)
    assert numbers(recs) == ["1", "2"]
    assert {r.page for r in recs} == {None}


def test_unpaged_html_list_lines_without_numbers() -> None:
    # an <ol> loses its numbers in HTML text: one item per line, a blank line between blocks
    html = """\
Key findings

Plans lacked clear outcomes.

Recommendations

The Partnership should consider how families' experiences can inform services.
The Partnership should seek assurance that the MASH records its rationale.
Primary care should review how concerns raised by other agencies are recorded.

This report was published in September 2014."""
    recs = extract_recommendations([html], paged=False)
    assert numbers(recs) == ["1", "2", "3"]
    assert recs[2].text.startswith("Primary care")
    assert all(r.page is None for r in recs)
    # the same text from a PDF is wrapped prose: no guessing
    assert extract_recommendations([html], paged=True) == []


# --- contents pages and prose ----------------------------------------------------------------

def test_contents_page_entries_are_not_sections() -> None:
    toc = """\
Contents

1. Introduction ........................ 3
2. Findings ............................ 9
3. Recommendations ..................... 23
4. Glossary ............................ 25"""
    toc_plain = ("Contents\nIntroduction\n\nFindings\n\nRecommendations\n\nGlossary\n\n3\n\n9"
                 "\n\n23\n\n25")
    toc_trailing = ("Introduction 3\nTerms of reference 3\nFindings 9\nSummary of "
                    "recommendations 23\nGlossary 25\nAppendix 1 26")
    body = ("Recommendations\n\n1. The board should audit closures.\n\n"
            "2. The board should train staff.\n\nGlossary\n\n- SCR: Serious Case Review")
    for contents in (toc, toc_plain, toc_trailing):
        recs = extract_recommendations(["Cover", contents, "Findings text.", body])
        assert numbers(recs) == ["1", "2"]
        assert {r.page for r in recs} == {4}


def test_contents_list_in_html_is_not_a_section() -> None:
    html = ("Contents\n\n1. Introduction\n2. Recommendations\n3. Glossary\n\n"
            "Introduction\n\nThis review was commissioned by the Partnership in 2019 after a "
            "serious incident involving a child.")
    assert extract_recommendations([html], paged=False) == []


def test_prose_recommends_elsewhere_is_ignored() -> None:
    findings = ("Findings\n\nThe review recommends that the Partnership should consider the "
                "learning.\nRecommendation 1: is discussed below.\n\n1. The GP did not attend."
                "\n\n2. The school did not refer.")
    recs = extract_recommendations([findings, BASIC])
    assert numbers(recs) == ["1", "2", "3"]
    assert {r.page for r in recs} == {2}


def test_heading_word_inside_a_wrapped_sentence_is_not_a_heading() -> None:
    page = ("Background\n\nThe panel considered whether to make any\nRecommendations\n"
            "about the school and decided against it.\n\n1. The school acted promptly.\n\n"
            "2. The GP acted promptly.")
    assert extract_recommendations([page]) == []


def test_board_response_mentions_are_not_items() -> None:
    page = ("Response to the recommendations\n\nRecommendation 3 has been completed and the "
            "board has closed it.\n\nRecommendation 4 remains open.")
    assert extract_recommendations([page]) == []


# --- plausible numbers -------------------------------------------------------------------------

def test_years_dates_and_quantities_are_not_numbers() -> None:
    page = """\
Recommendations

1. The board should review the 2019 neglect strategy, which was revised in
2019. The review should report by
12.3.2020 at the latest.

2. The local authority should recruit social workers.
1.5 million pounds has been set aside for this.

3. The police should review referrals.

2019. A year on its own line is not an item."""
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2", "3"]
    assert "2019. The review should report by 12.3.2020 at the latest." in recs[0].text
    assert recs[1].text.endswith("1.5 million pounds has been set aside for this.")


def test_list_must_start_at_one() -> None:
    page = ("Recommendations\n\nThe panel's work is set out in section 4 below.\n\n"
            "4. The board should audit closures.\n\n5. The board should train staff.")
    assert extract_recommendations([page]) == []


def test_out_of_sequence_numbered_heading_ends_list() -> None:
    page = ("Recommendations\n\n1. The board should audit closures.\n\n"
            "2. The board should train staff.\n\n9 Working Together\n\n"
            "The board works with its partners.")
    recs = extract_recommendations([page])
    assert texts(recs) == ["The board should audit closures.", "The board should train staff."]


# --- headings ----------------------------------------------------------------------------------

@pytest.mark.parametrize("heading", [
    "Recommendations", "RECOMMENDATIONS", "10. Recommendations", "Summary of recommendations",
    "Recommendations for the Partnership", "Single agency recommendations",
    "Recommendations and actions", "Learning and recommendations", "Recommendations:",
    "Section 8 Recommendations", "Multi-agency recommendations", "Key recommendations",
    "Improving systems and practice", "IMPROVING SYSTEMS AND PRACTICE",
    "Findings and recommendations", "Response to the recommendations", "Action plan",
])
def test_heading_variants(heading: str) -> None:
    page = (f"{heading}\n\n1. The Partnership should audit closed cases.\n\n"
            "2. The Partnership should train staff.\n\nAppendix A")
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2"]
    assert recs[0].heading == re.sub(r"^(?:Section 8|10\.)\s+", "", heading).rstrip(":")


def test_welsh_child_practice_review() -> None:
    page = """\
Finding 3

Historical information held by agencies was not drawn together.

Improving Systems and Practice

In order to promote the learning from this case the review identified the following actions
for the Regional Safeguarding Board and its member agencies:

1. Cefn Eryr Regional Safeguarding Board should ask each partner agency to provide a
written update on its single-agency action plan.

2. The Board should commission multi-agency training on the use of historical information.

Statement by Reviewer

The reviewer had no involvement with the family."""
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2"]
    assert recs[0].heading == "Improving Systems and Practice"
    assert recs[0].text.endswith("single-agency action plan.")


def test_section_ends_at_title_case_line_followed_by_paragraph() -> None:
    page = ("Recommendations\n\n1. The board should audit closures.\n\n"
            "2. The board should train staff\n\nOur Commitment To Families\n\n"
            "The board will listen to families. It will report back.")
    recs = extract_recommendations([page])
    assert texts(recs) == ["The board should audit closures.", "The board should train staff"]


def test_closing_paragraph_after_compact_list_is_not_an_item() -> None:
    page = ("Recommendations\n\n1. The board should audit closures.\n\n"
            "2. The board should train staff.\n\nProgress will be monitored by the quality "
            "assurance subgroup, which reports to the board.")
    recs = extract_recommendations([page])
    assert texts(recs)[-1] == "The board should train staff."


def test_sub_headings_inside_a_list() -> None:
    page = """\
Recommendations

Multi-agency

1. The Partnership should audit closed cases.

2. The Partnership should review thresholds.

Health

3. The ICB should ensure GPs attend conferences.

Police

1. The police should review notification queues.

Glossary"""
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2", "3", "1"]
    assert recs[2].text == "The ICB should ensure GPs attend conferences."
    assert recs[3].text == "The police should review notification queues."


def test_single_agency_section_may_continue_the_numbering() -> None:
    page = ("Multi-agency recommendations\n\n1. The board should audit closures.\n\n"
            "2. The board should train staff.\n\nSingle agency recommendations\n\n"
            "3. The police should review notification queues.\n\n"
            "4. The ICB should report on GP attendance.")
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2", "3", "4"]
    assert [r.heading for r in recs] == ["Multi-agency recommendations"] * 2 + [
        "Single agency recommendations"] * 2


def test_findings_interleaved_with_recommendation_n() -> None:
    finding = "\n".join(["Practitioners did not share what they knew about the family."] * 45)
    page = (f"Findings and recommendations\n\nFinding 1\n\n{finding}\n\n"
            "Recommendation 1: The LSCP should review the protocol.\n\nFinding 2\n\n"
            "The plan lacked outcomes.\n\nRecommendation 2: The LSCP should audit plans.\n\n"
            "Glossary\n\n- X: y")
    assert texts(extract_recommendations([page])) == [
        "The LSCP should review the protocol.", "The LSCP should audit plans."]


def test_mixed_heading_over_numbered_findings_is_not_a_list() -> None:
    page = ("Learning and recommendations\n\n9.1 The family moved home five times.\n\n"
            "9.2 Practitioners were unclear about their roles.\n\n9.3 Records were poor.")
    assert extract_recommendations([page]) == []


def test_summary_and_full_lists_are_both_kept_and_verbatim_repeats_dropped() -> None:
    summary = ("Executive summary\n\nThe review found gaps.\n\nSummary of recommendations\n\n"
               "1. Improve recording of fathers.\n\n2. Train staff in neglect.\n\n"
               "Introduction\n\nThis review ...")
    full = ("Recommendations\n\n1. Partner agencies should improve the recording of fathers "
            "and male carers.\n\n2. Train staff in neglect.\n\nGlossary")
    recs = extract_recommendations([summary, "Findings.", full])
    assert [(r.number, r.heading, r.page) for r in recs] == [
        ("1", "Summary of recommendations", 1), ("1", "Recommendations", 3),
        ("2", "Recommendations", 3)]


# --- tables as text ------------------------------------------------------------------------------

def test_board_response_table_rows_with_numbers() -> None:
    page = """\
Response to the recommendations

Recommendation

Response

1

The Partnership should seek assurance that family members are invited to contribute
to assessments.

Accepted; work under
way.

2

The Partnership should commission training on historical information.

Accepted and
completed."""
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2"]
    assert texts(recs) == [
        "The Partnership should seek assurance that family members are invited to contribute "
        "to assessments.",
        "The Partnership should commission training on historical information."]
    assert recs[0].heading == "Response to the recommendations"


def test_board_response_table_without_numbers_gives_nothing() -> None:
    page = ("Response to the recommendations\n\nRecommendation\n\nThe Partnership should audit "
            "closures.\n\nResponse\n\nAccepted.\n\nThe Partnership should train staff.\n\n"
            "Accepted and\ncompleted.")
    assert extract_recommendations([page]) == []
    assert extract_recommendations([page], paged=False) == []


def test_action_plan_rows_with_r_numbers() -> None:
    page = ("Multi-agency action plan\n\nRecommendation\n\nAction\n\nLead\n\n"
            "R1 Improve the recording of fathers.\n\nAudit of 20 cases.\n\nCSC\n\n"
            "R2 Train staff in neglect.\n\nTraining programme.\n\nLSCP")
    recs = extract_recommendations([page])
    assert numbers(recs) == ["R1", "R2"]
    assert texts(recs) == ["Improve the recording of fathers.", "Train staff in neglect."]


def test_a_column_of_numbers_apart_from_its_text_is_not_guessed() -> None:
    page = ("Action plan\n\n1\n\n2\n\n3\n\nThe board should audit closures.\n\n"
            "The board should train staff.\n\nThe board should review thresholds.")
    assert extract_recommendations([page]) == []


def test_marker_alone_on_its_line_takes_the_next_lines() -> None:
    page = ("Recommendations\n\n1.\n\nThe board should audit closures.\n\n2.\n\n"
            "The board should train staff.")
    assert texts(extract_recommendations([page])) == [
        "The board should audit closures.", "The board should train staff."]


# --- two columns read out of order -------------------------------------------------------------

def test_two_column_page_wrapped_around() -> None:
    # pdfminer gave the right column (the list's tail) first, then the left column
    page = """\
record, within the limits of the law.

3. The police should review how information is passed to children's social care.

Glossary

- GP: General Practitioner

Good practice

The health visitor kept careful records.

Recommendations

1. All partner agencies should audit a sample of closed cases.

2. Health partners should ensure that practitioners can see information held in the health"""
    recs = extract_recommendations(["Intro", page])
    assert numbers(recs) == ["1", "2", "3"]
    assert recs[1].text.endswith("held in the health record, within the limits of the law.")
    assert {r.page for r in recs} == {2}


def test_two_column_page_list_after_the_other_column() -> None:
    page = """\
Finding 1

Recommendations

The family's own views were not consistently sought.

Good practice

The police officer submitted a notification on the same day. The notification was clear and
included the

1. The Partnership should share the learning with neighbouring partnerships.

2. The Partnership should review supervision.

Glossary"""
    recs = extract_recommendations([page])
    assert numbers(recs) == ["1", "2"]
    assert recs[0].heading == "Recommendations"


def test_single_column_page_is_not_rotated() -> None:
    page = ("of their choice.\n\n12.1 Good practice was seen.\n\nRecommendations\n\n"
            "1. The board should audit closures.\n\n2. The board should review the steps it "
            "takes to reduce social")
    assert _unwrap_columns(page) == page


def test_numbered_findings_above_a_list_that_goes_on_over_the_page() -> None:
    # single column: findings 3-4 above the heading, the list carries on over the page
    page1 = ("ing the family.\n\n3. Practitioners were unclear about roles.\n\n"
             "4. Records were poor.\n\nRecommendations\n\n1. The board should audit closures."
             "\n\n2. The board should review the way it")
    page2 = "trains staff.\n\n3. The police should review queues.\n\nGlossary"
    recs = extract_recommendations([page1, page2])
    assert texts(recs) == ["The board should audit closures.",
                           "The board should review the way it trains staff.",
                           "The police should review queues."]
    assert [r.page for r in recs] == [1, 1, 2]


def test_numbered_list_under_another_heading_is_not_adopted() -> None:
    page = ("Recommendations\n\nThe review makes no recommendations of its own.\n\n"
            "Terms of reference\n\nThe review was asked to consider\n"
            "1. Whether agencies shared information.\n\n2. Whether the plan was effective.")
    assert extract_recommendations([page]) == []


def test_heading_over_prose_pointing_elsewhere_has_no_items() -> None:
    page = ("Recommendations\n\nThe recommendations are set out in full in section 9.\n\n"
            "Introduction\n\n1. This review was commissioned in 2019.\n\n2. It met twice.")
    assert extract_recommendations([page]) == []


def test_section_name_as_running_header_is_skipped() -> None:
    page1 = ("Recommendations\n\n1. The board should audit closures.\n\n"
             "2. The board should review the way it")
    page2 = "Recommendations\ntrains staff in all agencies.\n\n3. The police should review."
    recs = extract_recommendations([page1, page2])
    assert texts(recs)[1] == "The board should review the way it trains staff in all agencies."
    assert numbers(recs) == ["1", "2", "3"]


def test_items_with_short_titles_and_tight_lines() -> None:
    titled = ("Recommendations\n\n1. Information sharing\n\nThe LSCP should review the "
              "protocol.\n\n2. Supervision\n\nAll agencies should review supervision.")
    assert texts(extract_recommendations([titled])) == [
        "Information sharing The LSCP should review the protocol.",
        "Supervision All agencies should review supervision."]
    tight = ("RECOMMENDATIONS\n1. The board should audit closures and\nreport back.\n"
             "2. The board should train staff.\nGLOSSARY\n- X: y")
    assert texts(extract_recommendations([tight])) == [
        "The board should audit closures and report back.", "The board should train staff."]


def test_board_response_with_recommendation_n_cells() -> None:
    page = ("The Board's response to the recommendations\n\nRecommendation 1\n\nThe LSCP "
            "should audit closures.\n\nResponse\n\nAccepted. An audit is planned.\n\n"
            "Recommendation 2\n\nThe LSCP should train staff.\n\nResponse\n\nAccepted.")
    recs = extract_recommendations([page])
    assert texts(recs) == ["The LSCP should audit closures.", "The LSCP should train staff."]
    assert recs[0].heading == "The Board's response to the recommendations"


# --- properties ----------------------------------------------------------------------------

def _normalised(pages: list[str], headings: set[str]) -> str:
    """The text's words, without page-number lines and running headers naming a section."""
    lines = []
    for page in pages:
        for k, line in enumerate(page.split("\n")):
            name = re.sub(r"^\s*\d+\.?\s+", "", line).strip().lower()
            if is_page_number(line) or (k == 0 and name in headings):
                continue
            lines.append(line)
    return " ".join(" ".join(lines).split())


FRAGMENTS = st.sampled_from([
    "Recommendations", "10. Recommendations", "Improving systems and practice", "Glossary",
    "Contents", "Action plan", "1.", "2.", "3)", "(1)", "R1", "Recommendation 2:", "a)", "ii.",
    "•", "-", "1.1", "2019.", "12.3.2019", "14", "The board should audit closures.",
    "the review recommends that", "Health", "Response", "should ensure that", "........ 23",
    "Recommendation 3 has been completed", "Accepted.", "", "", "",
])
LINE = st.lists(FRAGMENTS | st.text(max_size=30), min_size=1, max_size=4).map(" ".join)
PAGES = st.lists(st.lists(LINE, max_size=25).map("\n".join), max_size=5)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAGES, st.booleans())
def test_property_items_come_from_the_text(pages: list[str], paged: bool) -> None:
    recs = extract_recommendations(pages, paged=paged)
    headings = {r.heading.lower() for r in recs}
    plain = _normalised(pages, headings)
    unwrapped = _normalised([_unwrap_columns(p, n) for p, n in zip(pages, [*pages[1:], ""],
                                                                      strict=False)],
                            headings) if paged else plain
    for rec in recs:
        assert rec.text and rec.text == " ".join(rec.text.split())
        assert rec.text in plain or rec.text in unwrapped
        assert rec.number
        if paged:
            assert rec.page is not None and 1 <= rec.page <= len(pages)
        else:
            assert rec.page is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), max_size=4), st.booleans())
def test_property_never_raises_on_arbitrary_text(pages: list[str], paged: bool) -> None:
    for rec in extract_recommendations(pages, paged=paged):
        assert isinstance(rec, Recommendation)


def test_long_document_is_fast() -> None:
    body = "\n\n".join(f"{n}. The Partnership should do thing {n} across all agencies and "
                       "report on it." for n in range(1, 40))
    pages = ["Prose line about the family.\n" * 40] * 300 + [f"Recommendations\n\n{body}"]
    recs = extract_recommendations(pages)
    assert len(recs) == 39 and recs[-1].page == 301


# --- the sample web ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_web(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from sampleweb.generate import ensure

    root = tmp_path_factory.mktemp("recs-web")
    return root, ensure(root, small=True)


def _norm_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_sample_web_recall(small_web: tuple[Path, dict]) -> None:
    from ingest.extract import extract_bytes

    root, manifest = small_web
    docs = manifest["documents"]
    if not any("recommendations" in d for d in docs):
        pytest.skip("the sample-web manifest has no 'recommendations' ground truth yet")
    found = expected = right_page = extra = 0
    for doc in docs:
        if doc["expected_status"] != "ok":
            continue
        path = root / "hosts" / doc["host"] / unquote(doc["path"]).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            continue
        extraction = extract_bytes(path.read_bytes(), None, doc["path"])
        got = {(r.number, _norm_words(r.text)): r
               for r in extract_recommendations(extraction.pages, extraction.paged)}
        gold = doc.get("recommendations") or []
        expected += len(gold)
        for item in gold:
            rec = got.pop((str(item["number"]), _norm_words(item["text"])), None)
            if rec is not None:
                found += 1
                right_page += rec.page == item["page"]
        extra += len(got)
    assert expected > 0
    recall = found / expected
    print(f"sample web recommendations: recall {recall:.3f} ({found}/{expected}), "  # noqa: T201
          f"right page {right_page}/{found}, unmatched extra items {extra}")
    assert recall >= 0.95
    assert right_page == found
    assert extra <= 0.05 * expected
