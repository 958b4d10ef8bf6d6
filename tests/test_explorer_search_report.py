"""The explorer's case filters (nation, outcome, age band, withdrawn) and the report reader's
query marks, matching pages, archived copy and withdrawn notice (AppTest over the sample web)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.queries import report_records
from analysis.trends import age_band
from app import pipeline
from app.explorer_downloads import archived_copy, archived_name
from app.explorer_search import AGE_BAND_NAMES
from app.pipeline import blob_store, open_catalogue
from tests.conftest import Build, copy_build
from tests.test_explorer import match_count, rerun, run_app, search, texts


def listed_ids(at) -> list[str]:
    """The document ids of the results shown (their Open report buttons)."""
    return [b.key.removeprefix("open-") for b in at.button if (b.key or "").startswith("open-")]


@pytest.fixture(scope="module")
def by_id(full_build: Build) -> dict[str, dict]:
    with open_catalogue(full_build.data) as cat:
        return {r["id"]: r for r in report_records(cat)}


def test_outcome_and_age_band_filter_by_the_case(data_env: Path, by_id: dict[str, dict]) -> None:
    everything = match_count(search("neglect"))
    at = search("neglect", outcome="death")
    assert at.selectbox(key="outcome").value == "death"
    deaths = match_count(at)
    assert 0 < deaths < everything
    shown = listed_ids(at)
    assert shown and all(by_id[d]["outcome"] == "death" for d in shown)
    at.selectbox(key="age").select("under 1")
    rerun(at)
    assert at.query_params["age"] == "under 1"
    infants = match_count(at)
    assert 0 < infants <= deaths
    assert all(by_id[d]["outcome"] == "death" and age_band(by_id[d]["age_months"]) == "under 1"
               for d in listed_ids(at))


def test_nation_filter_and_facet(data_env: Path, by_id: dict[str, dict]) -> None:
    nations = sorted({r["nation"] for r in by_id.values() if r["nation"]})
    assert len(nations) > 1, "the sample web spans nations"
    at = search("neglect", nation=nations[0])
    assert match_count(at) > 0
    assert all(by_id[d]["nation"] == nations[0] for d in listed_ids(at))


def test_withdrawn_only_and_exclude(full_build: Build, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data = copy_build(full_build, tmp_path)
    monkeypatch.setenv("SCR_DATA", str(data))
    at = search("neglect")
    everything, gone = match_count(at), listed_ids(at)[0]
    with open_catalogue(data) as cat:
        assert cat.mark_withdrawn(gone, "HTTP 404")
    pipeline.index(data)
    at = search("neglect", withdrawn="only")
    assert match_count(at) == 1 and listed_ids(at) == [gone]
    at = search("neglect", withdrawn="exclude")
    assert match_count(at) == everything - 1 and gone not in listed_ids(at)


def test_a_case_filter_nothing_has_says_no_match(data_env: Path,
                                                 by_id: dict[str, dict]) -> None:
    at = search("neglect", outcome="no such outcome")  # not an option: the filter is off
    assert at.selectbox(key="outcome").value == "(all)"
    have = {(r["outcome"], age_band(r["age_months"])) for r in by_id.values()}
    outcomes = sorted({o for o, _ in have if o})
    empty = next((o, b) for o in outcomes for b in AGE_BAND_NAMES if (o, b) not in have)
    at = search("neglect", outcome=empty[0], age=empty[1])
    assert at.selectbox(key="age").value == empty[1]
    assert any("No case-review documents match" in s and "outcome or child's age" in s
               for s in texts(at))


def test_report_marks_the_query_and_lists_matching_pages(data_env: Path) -> None:
    at = search('"domestic abuse"')
    first = listed_ids(at)[0]
    at.button(key=f"open-{first}").click()
    rerun(at)
    assert at.query_params["view"] == "Report" and at.query_params["q"] == '"domestic abuse"'
    page = next(m.value for m in at.markdown if "scr-page" in m.value)
    assert re.search(r"<mark>domestic</mark>\s*<mark>abuse</mark>", page, re.I)
    listing = next(m.value for m in at.markdown if m.value.startswith("Pages matching"))
    assert f"**{at.query_params['page']}**" in listing, "the page shown is among them, in bold"
    other = re.findall(r"\[(\d+)\]\((\?[^)]*)\)", listing)
    for number, target in other:
        assert f"page={number}" in target and "view=Report" in target


def test_report_marks_the_query_on_a_web_page(data_env: Path, by_id: dict[str, dict]) -> None:
    web = next(r for r in by_id.values() if r["status"] == "ok" and not r["pages"])
    with open_catalogue(data_env) as cat:
        text = cat.page_texts(web["id"])[0]
    word = max(re.findall(r"[a-z]{9,}", text), key=len)  # a long word of its own text
    at = run_app(view="Report", doc=web["id"], q=word)
    page = next(m.value for m in at.markdown if "scr-page" in m.value)
    assert re.search(rf"<mark>{word}</mark>", page, re.I)
    assert not any(m.value.startswith("Pages matching") for m in at.markdown)


def test_archived_copy_is_served_from_the_store_only(full_build: Build,
                                                    by_id: dict[str, dict]) -> None:
    doc = next(r for r in by_id.values() if r["status"] == "ok" and r["pages"])
    stored = blob_store(full_build.data).get(doc["sha256"])
    assert archived_copy(full_build.data, doc["sha256"]) == stored
    for bad in (None, "", "../catalogue.sqlite", "A" * 64, doc["sha256"][:-1] + "/"):
        assert archived_copy(full_build.data, bad) is None
    assert archived_name(doc).endswith(".pdf")
    assert archived_name({"id": "x1", "url": "https://b.example/reviews/", "content_type":
                          "text/html; charset=utf-8"}) == "reviews.html"
    assert archived_name({"id": "x1", "url": "https://b.example/a%20b.pdf?x=1",
                          "content_type": None}) == "a_b.pdf"


def test_report_of_a_withdrawn_document(full_build: Build, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    data = copy_build(full_build, tmp_path)
    with open_catalogue(data) as cat:
        doc = next(r for r in report_records(cat) if r["status"] == "ok" and r["pages"])
        assert cat.mark_withdrawn(doc["id"], "HTTP 404")
    monkeypatch.setenv("SCR_DATA", str(data))
    at = run_app(view="Report", doc=doc["id"])
    notice = next(w.value for w in at.warning if "Withdrawn" in w.value)
    assert re.search(r"on \d{4}-\d{2}-\d{2} \(HTTP 404\)", notice)
    assert any(b.label == "Archived copy" for b in at.get("download_button")), \
        "the archived copy can be downloaded"
    assert any(c.value.startswith("Page 1 of") and doc["url"] in c.value.replace("\\", "")
               for c in at.caption), "the citation carries the URL"


def test_the_cases_other_documents_open_in_the_report_view(data_env: Path,
                                                            by_id: dict[str, dict]) -> None:
    doc = next(r for r in by_id.values()
               if r["case"] and sum(o["case"] == r["case"] for o in by_id.values()) > 1)
    others = {o["id"] for o in by_id.values() if o["case"] == doc["case"] and o["id"] != doc["id"]}
    at = run_app(view="Report", doc=doc["id"])
    links = {m for s in texts(at) for m in re.findall(r"\]\(\?view=Report&doc=(\w+)\)", s)}
    assert others <= links
