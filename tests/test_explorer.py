"""The Streamlit explorer, driven headless with AppTest over the built sample web."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.queries import report_records
from app import pipeline
from app.pipeline import open_catalogue
from tests.conftest import Build, copy_build

EXPLORER = Path(__file__).resolve().parents[1] / "app" / "explorer.py"
PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = "<img src=x onerror=alert(2)>"


def run_app(**params: str) -> AppTest:
    """The explorer run once with these query parameters; it must not raise."""
    at = AppTest.from_file(str(EXPLORER), default_timeout=30)
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    """Everything the app rendered as text: markdown, captions, headings, alerts, labels."""
    out: list[str] = []
    for kind in ("markdown", "caption", "header", "subheader", "title", "info", "warning",
                 "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [e.label for e in at.expander]
    return out


def match_count(at: AppTest) -> int:
    for m in at.markdown:
        found = re.match(r"\*\*(\d+)\*\* documents match", m.value)
        if found:
            return int(found[1])
    raise AssertionError(f"no result count in {[m.value for m in at.markdown]}")


def result_meta(at: AppTest) -> list[str]:
    """The metadata line of each search result (page first, then board, year, types)."""
    return [c.value for c in at.caption if re.match(r"(\*\*p\. \d+\*\*|web page) · ", c.value)]


def search(query: str, **params: str) -> AppTest:
    at = run_app(view="Search", **params)
    at.text_input(key="q").input(query)
    return rerun(at)


@pytest.fixture(scope="module")
def reports(full_build: Build) -> list[dict]:
    with open_catalogue(full_build.data) as cat:
        return report_records(cat)


def test_search_empty_state(data_env: Path, reports: list[dict]) -> None:
    at = run_app()
    assert at.sidebar.radio(key="view").value == "Search"
    assert at.query_params["view"] == "Search"
    assert any(f"{len(reports)} case-review documents" in i.value for i in at.info)
    assert not at.button and not result_meta(at)


def test_search_shows_pages_and_highlighted_snippets(data_env: Path) -> None:
    at = search('"domestic abuse"')
    assert at.query_params["q"] == '"domestic abuse"'
    n = min(match_count(at), 20)  # the first page of results
    opens = [b for b in at.button if b.key.startswith("open-")]
    assert n >= 1 and len(opens) == n
    meta = result_meta(at)
    assert len(meta) == n
    assert any(re.match(r"\*\*p\. \d+\*\*", m) for m in meta), "paged hits show their page"
    snippets = [m.value for m in at.markdown if "scr-snippet" in m.value]
    assert len(snippets) == n
    assert all("<mark>" in s for s in snippets)
    assert any(re.search(r"<mark>domestic</mark>\s*<mark>abuse</mark>", s, re.I) for s in snippets)
    assert any(c.value.startswith("Cite: ") for c in at.caption)


def test_filters_narrow_the_results(data_env: Path) -> None:
    at = search("neglect")
    everything = match_count(at)
    at.selectbox(key="type").select("LCSPR")
    rerun(at)
    assert at.query_params["type"] == "LCSPR"
    lcspr = match_count(at)
    assert 0 < lcspr < everything
    assert all(" · LCSPR · " in m for m in result_meta(at))
    lo, hi = at.slider(key="years").value
    at.slider(key="years").set_range(hi - 2, hi)
    rerun(at)
    assert at.query_params["years"] == f"{hi - 2}-{hi}"
    recent = match_count(at)
    assert recent < lcspr
    years = [int(re.search(r" · (\d{4}) · ", m)[1]) for m in result_meta(at)]
    assert all(hi - 2 <= y <= hi for y in years)


def test_filters_come_back_from_the_url(data_env: Path) -> None:
    at = run_app(view="Search", q="neglect", type="SCR", doctype="full_report")
    assert at.text_input(key="q").value == "neglect"
    assert at.selectbox(key="type").value == "SCR"
    assert at.selectbox(key="doctype").value == "full_report"
    assert all(m.endswith(" · SCR · full report") for m in result_meta(at))


@pytest.mark.parametrize(("query", "message"), [('"safer sleep', "unbalanced quote"),
                                                ("(neglect OR sleep", "unbalanced parentheses")])
def test_malformed_query_warns_instead_of_failing(data_env: Path, query: str,
                                                  message: str) -> None:
    at = search(query)
    assert any(message in w.value for w in at.warning)
    assert not at.error


def test_no_match_says_so_and_names_the_filters(data_env: Path) -> None:
    at = search("zzqxvbn", tagged="neglect")
    assert not at.button
    info = " ".join(i.value for i in at.info)
    assert "No case-review documents match" in info and "theme" in info


def test_open_report_from_a_search_result(data_env: Path, reports: list[dict]) -> None:
    at = search('"domestic abuse"')
    by_id = {r["id"]: r for r in reports}
    paged, meta = next((b, m) for b, m in zip(at.button, result_meta(at), strict=True)
                       if m.startswith("**p."))
    doc_id = paged.key.removeprefix("open-")
    page = int(re.match(r"\*\*p\. (\d+)", meta)[1])
    paged.click()
    rerun(at)
    assert at.query_params["view"] == "Report"
    assert at.query_params["doc"] == doc_id
    assert at.query_params["page"] == str(page)
    assert at.sidebar.radio(key="view").value == "Report"
    assert at.header[0].value == "Report"
    assert at.selectbox(key="doc").value == doc_id
    assert at.number_input(key="page").value == page
    shown = texts(at)
    assert any(s.startswith("**board**: ") for s in shown)
    assert any(s.startswith("**review type**: ") for s in shown)
    assert any(f"Page {page} of {by_id[doc_id]['pages']}" in s for s in shown)
    reader = next(m.value for m in at.markdown if "scr-page" in m.value)
    assert re.search(r"<mark>domestic</mark>\s+<mark>abuse</mark>", reader, re.I), \
        "the search's phrase is marked on the page it opened"
    # Themes with their evidence, quoted with the page it came from.
    assert at.expander, "a tagged review lists its themes"
    quotes = [m.value for m in at.markdown if m.value.startswith("> ")]
    assert quotes and any(re.match(r"> p\\\. \d+\\:", q) for q in quotes)
    # Back to the search: the query is still there.
    at.sidebar.radio(key="view").set_value("Search")
    rerun(at)
    assert at.text_input(key="q").value == '"domestic abuse"' and match_count(at) >= 1


def test_report_view_chosen_directly_with_page_navigation(data_env: Path,
                                                          reports: list[dict]) -> None:
    doc = next(r for r in reports if r["status"] == "ok" and (r["pages"] or 0) >= 3)
    with open_catalogue(data_env) as cat:
        pages = cat.page_texts(doc["id"])
    at = run_app(view="Report", doc=doc["id"])
    assert at.selectbox(key="doc").value == doc["id"]
    assert at.number_input(key="page").value == 1
    at.number_input(key="page").set_value(3)
    rerun(at)
    assert at.query_params["page"] == "3"
    body = next(m.value for m in at.markdown if "scr-page" in m.value)
    words = [w for w in re.findall(r"[A-Za-z]{6,}", pages[2]) if w not in pages[0]]
    assert words and all(w in body for w in words[:5])
    at.number_input(key="page").increment()
    rerun(at)
    assert at.query_params["page"] == ("4" if len(pages) >= 4 else "3")
    # Another document starts at its first page, and the URL follows.
    other = next(r for r in reports if r["id"] != doc["id"] and r["status"] == "ok")
    at.selectbox(key="doc").select(other["id"])
    rerun(at)
    assert at.query_params["doc"] == other["id"]
    assert at.query_params["page"] == "1"
    assert at.number_input(key="page").value == 1


def test_report_view_edge_cases(data_env: Path, reports: list[dict]) -> None:
    at = run_app(view="Report", doc="no-such-document", page="x")
    assert any("no-such-document" in w.value.replace("\\", "") for w in at.warning)
    unreadable = next(r for r in reports if r["status"] in ("needs_ocr", "encrypted", "failed"))
    at = run_app(view="Report", doc=unreadable["id"], page="99")
    assert any("No readable text" in w.value for w in at.warning)
    ok = next(r for r in reports if r["status"] == "ok" and r["pages"])
    at = run_app(view="Report", doc=ok["id"], page="999")
    assert at.number_input(key="page").value == ok["pages"], "an out-of-range page is clamped"


def test_report_view_shows_the_case_child_and_recommendations(data_env: Path,
                                                              reports: list[dict]) -> None:
    with open_catalogue(data_env) as cat:
        doc = next(r for r in reports if r["status"] == "ok" and r["age_months"]
                   and cat.recommendations(r["id"])
                   and sum(o["case"] == r["case"] for o in reports) >= 2)
        recs = cat.recommendations(doc["id"])
    at = run_app(view="Report", doc=doc["id"])
    text = "\n".join(m.value for m in at.markdown)
    assert "**outcome**" in text and "**age**" in text
    sibling = next(o for o in reports if o["case"] == doc["case"] and o["id"] != doc["id"])
    assert f"?view=Report&doc={sibling['id']})" in text
    assert any(e.label == f"Recommendations ({len(recs)})" for e in at.expander)
    assert recs[0]["text"][:40] in text


def test_switching_views_never_loses_a_click(data_env: Path) -> None:
    at = run_app()
    for view in ("Themes", "Report", "Search", "Themes", "Themes", "Report"):
        at.sidebar.radio(key="view").set_value(view)
        rerun(at)
        assert at.query_params["view"] == view
        assert at.sidebar.radio(key="view").value == view
    assert at.header[0].value == "Report"


def test_themes_view(data_env: Path, reports: list[dict]) -> None:
    at = run_app(view="Themes")
    assert at.header[0].value == "Themes across the reviews"
    table = at.dataframe[0].value
    assert list(table.columns) == ["theme", "group", "documents", "share", "found", "right"]
    assert list(table["documents"]) == sorted(table["documents"], reverse=True)
    assert table["share"].between(0, 100).all()
    at.selectbox(key="theme").select("domestic_abuse")
    rerun(at)
    assert at.query_params["theme"] == "domestic_abuse"
    tagged = [r for r in reports if "domestic_abuse" in r["themes"]]
    assert any(m.value.startswith(f"**{len(tagged)}** documents carry this theme")
               for m in at.markdown)
    listing = next(m.value for m in at.markdown if m.value.startswith("- "))
    items = listing.split("\n")
    assert len(items) == min(len(tagged), 50)
    assert any("\u201c" in item for item in items), "documents are listed with a quote"
    assert all("](?view=Report&doc=" in item for item in items)


def test_missing_catalogue_is_a_clear_error(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCR_DATA", str(tmp_path / "nothing-here"))
    at = run_app()
    assert len(at.error) == 1
    assert "No catalogue in" in at.error[0].value and "scr build" in at.error[0].value
    assert not at.sidebar.radio


def test_report_text_is_always_escaped(full_build: Build, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    data = copy_build(full_build, tmp_path)
    with open_catalogue(data) as cat:
        doc = next(r for r in report_records(cat) if r["status"] == "ok" and r["themes"]
                   and r["pages"])
        cat.db.execute("UPDATE pages SET text = ? WHERE doc_id = ? AND page = 1",
                       (f"Zebrafish findings {PAYLOAD} and *more* $1 [x](javascript:y)\n\n"
                        f"Second {IMG_PAYLOAD} paragraph", doc["id"]))
        cat.db.execute("UPDATE metadata SET title = ? WHERE doc_id = ?",
                       (f"Review {IMG_PAYLOAD}", doc["id"]))
        counts = Counter(t for r in report_records(cat) for t in r["themes"])
        theme = min(doc["themes"], key=lambda t: counts[t])  # so the doc is in the first 50
        cat.db.execute("UPDATE themes SET evidence = ? WHERE doc_id = ? AND theme = ?",
                       (f'[{{"page": 1, "sentence": "Zebrafish {PAYLOAD}"}}]', doc["id"], theme))
    pipeline.index(data)  # the title changed, so the document is indexed again
    monkeypatch.setenv("SCR_DATA", str(data))

    def check(at: AppTest) -> list[str]:
        shown = texts(at)
        assert not any("<script" in s or "<img" in s for s in shown), shown
        return shown

    at = search("zebrafish")
    shown = check(at)
    assert any("&lt;script&gt;" in s and "<mark>" in s for s in shown)
    assert any("&lt;img src=x" in s for s in shown), "the title is escaped"
    at.button(key=f"open-{doc['id']}").click()
    shown = check(rerun(at))
    page = next(s for s in shown if "scr-page" in s)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img" in page
    assert any("&lt;script&gt;" in s for s in shown if s.startswith("> "))
    at = run_app(view="Themes", theme=theme)
    assert any("&lt;script&gt;" in s for s in check(at))


def test_facets_sort_and_did_you_mean(data_env: Path) -> None:
    at = search("neglect")
    labels = [e.label for e in at.expander]
    assert any(label.startswith("Year (") for label in labels)
    assert any(label.startswith("Region (") for label in labels)
    facet_text = "\n".join(m.value for m in at.markdown if "](?" in m.value)
    assert "region=" in facet_text and "tagged=" in facet_text  # facet values are filter links
    at = run_app(view="Search", q="neglect", sort="newest")
    assert at.selectbox(key="sort").value == "newest"
    years = [int(y[1]) for m in result_meta(at) if (y := re.search(r" · (\d{4}) · ", m))]
    assert years == sorted(years, reverse=True) and len(years) > 2
    at = search("negelct")
    assert any("Did you mean" in i.value and "neglect" in i.value for i in at.info)


def test_results_come_in_pages(data_env: Path) -> None:
    at = search("child")
    total = match_count(at)
    assert total > 20 and len(result_meta(at)) == 20
    first_page = result_meta(at)
    at.button(key="next-page").click()
    rerun(at)
    assert at.query_params["p"] == "2"
    assert len(result_meta(at)) == min(20, total - 20) and result_meta(at) != first_page


def test_exact_words_turn_synonyms_off(data_env: Path) -> None:
    wide = match_count(search("DV"))
    at = run_app(view="Search", q="DV", exact="1")
    assert at.checkbox(key="exact").value is True
    assert not result_meta(at) or match_count(at) < wide


def test_report_view_lists_reviews_like_this(data_env: Path, reports: list[dict]) -> None:
    doc = next(r for r in reports if r["status"] == "ok" and r["pages"])
    at = run_app(view="Report", doc=doc["id"])
    text = "\n".join(m.value for m in at.markdown)
    assert "Reviews like this one" in text
    links = re.findall(r"\?view=Report&doc=(\w+)", text)
    assert links and doc["id"] not in links


def test_themes_view_breaks_a_theme_down_and_lists_what_it_occurs_with(data_env: Path) -> None:
    at = run_app(view="Themes", theme="domestic_abuse", by="age_band")
    assert at.selectbox(key="by").value == "age_band"
    assert any("Occurs with" in m.value for m in at.markdown)
    frames = [d.value for d in at.dataframe]
    assert any("age band" in f.columns for f in frames)
    assert any("lift" in f.columns for f in frames)


def test_briefings_can_be_downloaded(data_env: Path, reports: list[dict]) -> None:
    at = run_app(view="Themes", theme="domestic_abuse")
    at.selectbox(key="theme-brief-format").select("md")
    at.button(key="theme-brief-make").click()
    rerun(at)
    assert at.get("download_button"), "a download button once the briefing is prepared"
    doc = next(r for r in reports if r["status"] == "ok" and r["pages"])
    at = run_app(view="Report", doc=doc["id"])
    at.selectbox(key="review-brief-format").select("html")
    at.button(key="review-brief-make").click()
    rerun(at)
    assert at.get("download_button")
