"""The Themes view as a briefing: evidence passages, recurring recommendations, area vs nation."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from analysis.briefing import shorten
from analysis.queries import case_records, recommendation_records, report_records, theme_summary
from analysis.taxonomy import load_taxonomy
from analysis.trends import read_cases
from app.explorer_downloads import briefing_bytes
from app.explorer_themes_brief import area_counts, area_sentence, recurring, top_passages
from app.pipeline import open_catalogue
from tests.conftest import Build
from tests.test_explorer import rerun, run_app, texts

THEME = "domestic_abuse"
LINK = re.compile(r"\]\(\?view=Report&doc=(\w+)(?:&page=(\d+))?\)")  # no page: not paged


@pytest.fixture(scope="module")
def records(full_build: Build) -> dict:
    with open_catalogue(full_build.data) as cat:
        return {"reports": report_records(cat), "cases": case_records(cat),
                "recommendations": recommendation_records(cat), "summary": theme_summary(cat)}


def plain(shown: str) -> str:
    """Markdown made by ``md()`` back to the text it escaped."""
    return html.unescape(re.sub(r"\\(.)", r"\1", shown))


def numbered(at: object, start: str) -> list[str]:
    """The items of the numbered list whose first item starts with ``start``."""
    block = next(m.value for m in at.markdown if m.value.startswith(start))
    return re.split(r"\n(?=\d+\. )", block)


def test_top_evidence_passages_cite_pages_and_open_documents_carrying_the_theme(
        data_env: Path, records: dict) -> None:
    at = run_app(view="Themes", theme=THEME)
    assert "What the reviews say" in [s.value for s in at.subheader]
    items = numbered(at, "1. \u201c")
    by_id = {r["id"]: r for r in records["reports"]}
    tags = records["summary"]["tags"]
    assert 0 < len(items) <= 8
    docs = []
    for item in items:
        quote = plain(re.search(r"\u201c(.*)\u201d", item)[1])
        doc_id, page = LINK.search(item).groups()
        docs.append(doc_id)
        assert THEME in by_id[doc_id]["themes"], "the passage's document carries the theme"
        evidence = [e for t in tags[doc_id] if t["theme"] == THEME for e in t["evidence"]]
        matching = [e for e in evidence if shorten(" ".join(e["sentence"].split())) == quote]
        assert matching, f"{quote!r} is an evidence sentence of {doc_id} for the theme"
        if matching[0]["page"]:
            assert int(page) == matching[0]["page"] and f"p\\. {page} [open]" in item
        else:
            assert by_id[doc_id]["pages"] is None and "web page" in item
    assert len(set(docs)) == len(docs), "one passage per document"
    strongest = max(e.get("strength", 1) for d, ts in tags.items() if THEME in by_id.get(
        d, {"themes": []})["themes"] for t in ts if t["theme"] == THEME for e in t["evidence"])
    first = next(e for t in tags[docs[0]] if t["theme"] == THEME for e in t["evidence"])
    assert first.get("strength", 1) == strongest, "the strongest evidence comes first"


def test_recurring_recommendations_come_from_reviews_carrying_the_theme(
        data_env: Path, records: dict) -> None:
    at = run_app(view="Themes", theme=THEME)
    assert "Recurring recommendations" in [s.value for s in at.subheader]
    items = numbered(at, "1. **")
    case_of = {d["id"]: c for c in records["cases"] for d in c["documents"]}
    texts_of = {(r["id"], " ".join(r["text"].split())) for r in records["recommendations"]}
    counts = []
    for item in items:
        n = int(re.match(r"\d+\. \*\*(\d+) reviews?\*\*", item)[1])
        counts.append(n)
        sources = LINK.findall(item)
        assert len(sources) == min(n, 5), "one source per review, at most five listed"
        cases = {case_of[doc]["case"] for doc, _ in sources}
        assert len(cases) == len(sources)
        assert all(THEME in case_of[doc]["themes"] for doc, _ in sources)
        text = plain(re.search(r"\*\*: (.*?)  \n", item)[1])
        assert any(doc == sources[0][0] and shorten(t, 400) == text for doc, t in texts_of)
    assert counts == sorted(counts, reverse=True) and counts[0] > 1, "the most common first"
    # a review without the theme never contributes
    without = {c["case"] for c in records["cases"] if THEME not in c["themes"]}
    assert recurring(records["recommendations"], without)
    assert not any(case_of[doc]["case"] in without for item in items
                   for doc, _ in LINK.findall(item))


def test_trend_over_years_has_a_table(data_env: Path, records: dict) -> None:
    at = run_app(view="Themes", theme=THEME)
    cases = read_cases(records["cases"])  # shares are of the reviews the tagger read
    assert any(e.label == "Reviews per year, as a table" for e in at.expander)
    table = next(d.value for d in at.dataframe if "year" in d.value.columns)
    carrying = [c for c in cases if THEME in c["themes"] and c["year"]]
    assert table["with this theme"].sum() == len(carrying)
    assert table["reviews"].sum() == sum(1 for c in cases if c["year"])
    every = [c for c in cases if THEME in c["themes"]]  # with a year or not
    lead = next(s for s in texts(at) if s.startswith(f"**{len(every)}** of {len(cases)} reviews"))
    unread = len(records["cases"]) - len(cases)  # the sample's case with an encrypted report
    assert unread == 1 and lead.endswith("1 more review could not be read by the theme tagger "
                                         "(no text extracted, or in Welsh) and is left out.")


def expected(cases: list[dict], kind: str, name: str) -> tuple[int, int, int, int]:
    """The area's reviews and its nation's (the sample's boards lie in one nation each)."""
    local = [c for c in cases if c[kind] == name]
    nations = {c["nation"] for c in local}
    assert len(nations) == 1
    wider = [c for c in cases if c["nation"] in nations]
    assert len(wider) < len(cases), "the sample web spans nations"
    return (len(local), sum(THEME in c["themes"] for c in local), len(wider),
            sum(THEME in c["themes"] for c in wider))


def comparison(at: object) -> tuple[int, int, int, int]:
    table = next(d.value for d in at.dataframe if "where" in d.value.columns)
    return (int(table["reviews"][0]), int(table["with this theme"][0]),
            int(table["reviews"][1]), int(table["with this theme"][1]))


def test_area_against_the_nation_counts_and_url(data_env: Path, records: dict) -> None:
    cases = read_cases(records["cases"])
    at = run_app(view="Themes", theme=THEME)
    assert at.selectbox(key="area").value == "" and "area" not in at.query_params
    assert not any("where" in d.value.columns for d in at.dataframe), "no area by default"
    region = max({c["region"] for c in cases if c["region"]},
                 key=lambda r: (expected(cases, "region", r)[1], r))
    at.selectbox(key="area").select(f"region:{region}")
    rerun(at)
    assert at.query_params["area"] == f"region:{region}"
    want = expected(cases, "region", region)
    assert comparison(at) == want
    local, with_local, nation, with_nation = want
    name = next(c["nation"] for c in cases if c["region"] == region)
    assert any(plain(m.value) == area_sentence(
        {"area": local, "area_with": with_local, "nation": nation, "nation_with": with_nation,
         "nation_name": name}, f"region:{region}") for m in at.markdown)
    assert any(f"{with_local} of {local} reviews in {region}" in plain(m.value)
               and f"against {with_nation} of {nation} in {name} as a whole" in plain(m.value)
               for m in at.markdown)

    board = sorted({c["board"] for c in cases})[0]
    at = run_app(view="Themes", theme=THEME, area=f"board:{board}")
    assert at.selectbox(key="area").value == f"board:{board}", "the area comes back from the URL"
    assert comparison(at) == expected(cases, "board", board)
    at.selectbox(key="area").select("")
    rerun(at)
    assert "area" not in at.query_params


def test_a_theme_with_no_reviews_does_not_raise(data_env: Path, records: dict) -> None:
    present = {t for c in records["cases"] for t in c["themes"]}
    empty = next(t.id for t in load_taxonomy() if t.id not in present)
    at = run_app(view="Themes", theme=empty, area="region:Nowhere")
    assert at.query_params["theme"] == empty
    assert any("No case-review document carries" in i.value for i in at.info)
    assert top_passages(records["summary"]["tags"], records["reports"], empty) == []
    assert recurring(records["recommendations"], set()) == []
    counts = area_counts([], empty, "region:Nowhere")
    assert counts == {"area": 0, "area_with": 0, "nation": 0, "nation_with": 0,
                      "nation_name": "all reviews"}
    assert area_sentence(counts, "region:Nowhere").startswith("0 of 0 reviews in Nowhere (0%)")


def test_a_compared_region_gets_its_own_briefing(data_env: Path, records: dict) -> None:
    cases = [c for c in records["cases"] if THEME in c["themes"] and c["region"]]
    region = max({c["region"] for c in cases}, key=lambda r: sum(c["region"] == r
                                                                for c in cases))
    at = run_app(view="Themes", theme=THEME, area=f"region:{region}")
    at.radio(key="theme-brief-scope").set_value(region)
    at.selectbox(key="theme-brief-format").select("md")
    at.button(key="theme-brief-make").click()
    rerun(at)
    assert at.get("download_button"), "the region's briefing is ready to download"
    mine = at.session_state["theme-brief"]
    assert mine[:3] == (THEME, "md", region)
    national = briefing_bytes("theme", THEME, "md")
    assert mine[3] != national and region in mine[3].decode()
    at = run_app(view="Themes", theme=THEME)  # no area compared: no choice of scope
    assert not [r for r in at.radio if r.key == "theme-brief-scope"]


def test_the_themes_view_says_how_far_to_trust_each_theme(data_env: Path, records: dict) -> None:
    from analysis.theme_reliability import caution

    at = run_app(view="Themes", theme="voice_of_child")
    table = at.dataframe[0].value
    assert {"found", "right"} <= set(table.columns)
    measured = {t["label"]: t["reliability"] for t in records["summary"]["themes"]}
    assert sum(1 for rel in measured.values() if rel) >= 15  # the core themes, measured
    for _, row in table.iterrows():
        rel = measured[row["theme"]]
        assert row["found"] == (f"{rel['recall']:.0%}" if rel else "-")
    voice = next(t["reliability"] for t in records["summary"]["themes"]
                 if t["id"] == "voice_of_child")
    assert caution(voice) in [c.value for c in at.caption]
