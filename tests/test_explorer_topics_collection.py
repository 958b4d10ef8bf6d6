"""The explorer's Topics and Collection views, driven headless with AppTest over the sample web."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.queries import new_since, problem_records, report_records, topic_model
from app.explorer_widgets import report_link
from app.pipeline import open_catalogue
from tests.conftest import Build, copy_build
from tests.test_explorer import rerun, run_app

PAYLOAD = "<script>alert(1)</script>"


def table(at: AppTest, column: str) -> pd.DataFrame:
    """The one dataframe shown with this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def markdown(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.markdown]


@pytest.fixture(scope="module")
def stored(full_build: Build) -> dict:
    """What the catalogue says, computed here independently of the explorer."""
    with open_catalogue(full_build.data) as cat:
        return {"reports": report_records(cat), "problems": problem_records(cat),
                "model": topic_model(cat)}


@pytest.fixture(scope="module")
def altered(full_build: Build, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A copy of the build with one document withdrawn and no topic model."""
    data = copy_build(full_build, tmp_path_factory.mktemp("altered"))
    with open_catalogue(data) as cat:
        doc = next(r for r in report_records(cat) if r["status"] == "ok" and r["title"])
        assert cat.mark_withdrawn(doc["id"], f"removed from the website {PAYLOAD}")
        cat.db.execute("DELETE FROM kv WHERE key = 'topics'")
    return data, doc


# -- Topics ---------------------------------------------------------------------------------

def test_topics_table_lists_every_topic_with_quality(data_env: Path, stored: dict) -> None:
    model = stored["model"]
    assert model["topics"], "the sample build fits a topic model"
    at = run_app(view="Topics")
    shown = table(at, "top terms")
    assert list(shown["topic"]) == [t["id"] for t in model["topics"]]
    assert list(shown["label"]) == [t["label"] for t in model["topics"]]
    # every modelled document counts once, for its dominant topic
    assert shown["documents"].sum() == len(model["documents"])
    caption = " ".join(c.value for c in at.caption)
    assert f"k = {model['k']} topics" in caption
    assert f"mean NPMI {model['npmi']:.3f}" in caption
    assert f"stability {model['stability']:.2f}" in caption
    assert at.selectbox(key="topic").value == str(model["topics"][0]["id"])
    assert "topic" not in at.query_params


def test_choosing_a_topic_shows_terms_passages_and_years(data_env: Path, stored: dict) -> None:
    model, reports = stored["model"], stored["reports"]
    topic = max(model["topics"], key=lambda t: (len(t["passages"]), t["id"]))
    assert topic["passages"] and topic["id"] != model["topics"][0]["id"]
    at = run_app(view="Topics")
    at.selectbox(key="topic").select(str(topic["id"]))
    rerun(at)
    assert at.query_params["topic"] == str(topic["id"])
    assert any(s.value.startswith(f"Topic {topic['id']}:") for s in at.subheader)
    terms = next(m for m in markdown(at) if m.startswith("**Terms**"))
    assert all(t["term"] in terms for t in topic["terms"])
    passages = next(m for m in markdown(at) if m.startswith("**Representative passages**"))
    by_id = {r["id"]: r for r in reports}
    for p in topic["passages"]:
        assert f"({report_link(p['doc'], p['page'])})" in passages
        assert by_id[p["doc"]]["board"].split()[0] in passages
    assert len(passages.splitlines()) == 1 + len(topic["passages"])
    # prevalence by year: documents whose dominant topic it is, from the stored weights
    year_of = {r["id"]: r["year"] for r in reports if r["year"]}
    expected = Counter(year_of[d] for d, w in model["documents"].items() if d in year_of
                       and max(w, key=lambda t: (w[t], -int(t))) == str(topic["id"]))
    years = table(at, "documents modelled")
    got = {int(y): n for y, n in zip(years["year"], years["documents (dominant topic)"],
                                     strict=True) if n}
    assert got == dict(expected)
    assert len(at.get("vega_lite_chart")) == 1
    # the URL brings the same topic back
    again = run_app(view="Topics", topic=str(topic["id"]))
    assert again.selectbox(key="topic").value == str(topic["id"])


def test_topics_without_a_model_say_so(altered: tuple[Path, dict],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCR_DATA", str(altered[0]))
    at = run_app(view="Topics", topic="3")
    assert [i.value for i in at.info] == [
        "No topic model yet: run `scr analyse` (or `scr build`) to fit one."]
    assert not at.dataframe


# -- Collection -----------------------------------------------------------------------------

def test_collection_totals_and_boards(data_env: Path, stored: dict) -> None:
    reports = stored["reports"]
    at = run_app(view="Collection")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Documents": f"{len(reports):,}",
        "Cases": f"{len({r['case'] or r['id'] for r in reports}):,}",
        "Pages": f"{sum(r['pages'] or 0 for r in reports):,}",
        "Boards": f"{len({r['board'] for r in reports}):,}"}
    boards = table(at, "last crawl").set_index("board")
    docs = Counter(r["board"] for r in reports)
    cases = Counter(b for b, _ in {(r["board"], r["case"] or r["id"]) for r in reports})
    assert set(docs) <= set(boards.index)
    for board, row in boards.iterrows():
        assert row["documents"] == docs[board], board
        assert row["cases"] == cases[board], board
        assert row["nation"] and row["last crawl"]
    assert boards["documents"].sum() == len(reports)


def test_collection_lists_the_failures(data_env: Path, stored: dict) -> None:
    problems = stored["problems"]
    assert problems, "the sample web has broken links and files"
    at = run_app(view="Collection")
    failed = table(at, "stage")
    assert list(zip(failed["stage"], failed["url"], failed["reason"], strict=True)) == \
        [(p["stage"], p["url"], p["reason"]) for p in problems]


def test_new_since_a_date(data_env: Path, full_build: Build, stored: dict) -> None:
    reports = stored["reports"]
    latest = max(r["first_seen"] for r in reports)
    after = (dt.date.fromisoformat(latest[:10]) + dt.timedelta(days=1)).isoformat()
    with open_catalogue(full_build.data) as cat:
        assert new_since(cat, after) == []
        early = new_since(cat, "2000-01-01")
    assert len(early) == len(reports)

    at = run_app(view="Collection", since=after)
    assert at.date_input(key="since").value == dt.date.fromisoformat(after)
    assert any("No case-review document first seen on or after" in i.value for i in at.info)
    assert not [d for d in at.dataframe if "first seen" in d.value.columns]

    at.date_input(key="since").set_value(dt.date(2000, 1, 1))
    rerun(at)
    assert at.query_params["since"] == "2000-01-01"
    assert f"**{len(early)}** case-review documents" in " ".join(markdown(at))
    listed = table(at, "first seen")
    assert list(listed["report"]) == [f"?view=Report&doc={r['id']}" for r in early]


def test_withdrawn_documents_are_listed(data_env: Path, altered: tuple[Path, dict],
                                        stored: dict,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(view="Collection")  # the sample build: none withdrawn
    if not any(r["withdrawn"] for r in stored["reports"]):
        assert any("No document has been withdrawn" in c.value for c in at.caption)
        assert not [d for d in at.dataframe if "withdrawn" in d.value.columns]
    data, doc = altered
    monkeypatch.setenv("SCR_DATA", str(data))
    at = run_app(view="Collection")
    gone = table(at, "withdrawn")
    assert list(gone["title"]) == [doc["title"]]
    assert list(gone["board"]) == [doc["board"]]
    assert list(gone["reason"]) == [f"removed from the website {PAYLOAD}"]
    assert list(gone["report"]) == [f"?view=Report&doc={doc['id']}"]
    assert gone["withdrawn"].iloc[0][:4].isdigit()
    assert any("archived copy is kept" in c.value for c in at.caption)
    # a withdrawn document is still a document of the collection
    assert {m.label: m.value for m in at.metric}["Documents"] == f"{len(stored['reports']):,}"
