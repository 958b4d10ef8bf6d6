"""The search backends (whoosh, tantivy) behave the same through ``index.search``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.backend import backend_name, index_dir, state_key
from index.search import build_index, search
from ingest.catalogue import Catalogue
from ingest.errors import ConfigError, QueryError

pytest.importorskip("tantivy")

BACKENDS = ["whoosh", "tantivy"]

# doc key -> (metadata, pages, themes)
DOCS: dict[str, tuple[dict, list[str], list[str]]] = {
    "alpha": (
        {"title": "Child Alpha serious case review", "board": "Northshire", "nation": "England",
         "region": "North", "year": 2015, "doc_type": "full report", "review_type": "SCR",
         "child": "Alpha"},
        ["Introduction to the review of the family circumstances.",
         "The baby died after an unsafe sleeping arrangement; safer sleep advice was not given.",
         "Professionals neglected to share information with the health visitor."],
        ["unsafe sleep", "information sharing"],
    ),
    "bravo": (
        {"title": "Bravo practice review", "board": "Southshire", "nation": "England",
         "region": "South", "year": 2018, "doc_type": "full report", "review_type": "LCSPR",
         "child": "Bravo"},
        ["Chronic neglect of the children over many years.",
         "Domestic abuse by the father was known to the police."],
        ["neglect", "domestic abuse"],
    ),
    "charlie": (
        {"title": "Charlie child practice review", "board": "Westshire", "nation": "Wales",
         "region": "Wales", "year": 2021, "doc_type": "executive summary",
         "review_type": "CPR", "child": "Charlie"},
        ["Parental substance misuse and domestic abuse in the home.",
         "Safeguarding partners will review the escalation policy café."],
        ["domestic abuse", "parental substance misuse"],
    ),
}


def _add(cat: Catalogue, key: str, pages: list[str] | None = None,
         meta: dict | None = None) -> str:
    fields, default_pages, themes = DOCS[key]
    pages = pages if pages is not None else default_pages
    sha = (key * 64)[:64].encode().hex()[:64]
    doc_id = cat.add_document(sha, f"https://{key}.example/report.pdf", "Board",
                              "application/pdf", 100)
    cat.save_extraction(doc_id, "ok", "", pages, True, {})
    cat.save_metadata(doc_id, 1, {"is_review": True, **fields, **(meta or {})}, {})
    cat.save_themes(doc_id, 1, [{"theme": t, "score": 1.0, "present": True, "evidence": []}
                                for t in themes])
    return doc_id


@pytest.fixture()
def corpus(tmp_path: Path) -> Iterator[tuple[Catalogue, Path, dict[str, str]]]:
    data = tmp_path / "data"
    data.mkdir()
    with Catalogue(data / "catalogue.sqlite") as cat:
        ids = {key: _add(cat, key) for key in DOCS}
        yield cat, data, ids


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Catalogue, Path, dict]]:
    data = tmp_path_factory.mktemp("backends") / "data"
    data.mkdir()
    with Catalogue(data / "catalogue.sqlite") as cat:
        ids = {key: _add(cat, key) for key in DOCS}
        for name in BACKENDS:
            build_index(cat, data, backend=name)
        yield cat, data, ids


def _ids(built: tuple, query: str, backend: str, **filters: object) -> list[str]:
    cat, data, ids = built
    names = {v: k for k, v in ids.items()}
    hits, _ = search(cat, data, query, limit=10, filters=filters or None, backend=backend)
    return sorted(names[h["id"]] for h in hits)


@pytest.mark.parametrize("backend", BACKENDS)
def test_phrase_finds_the_document_and_page(built: tuple, backend: str) -> None:
    cat, data, ids = built
    hits, warning = search(cat, data, '"safer sleep"', backend=backend)
    assert warning is None
    assert [h["id"] for h in hits] == [ids["alpha"]]
    assert hits[0]["page"] == 2 and hits[0]["pages"] == [2]
    assert "**" in hits[0]["snippet"] and "<mark>" in hits[0]["snippet_html"]
    assert hits[0]["board"] == "Northshire" and hits[0]["year"] == 2015
    assert sorted(hits[0]["themes"]) == ["information sharing", "unsafe sleep"]
    assert hits[0]["url"] == "https://alpha.example/report.pdf"
    assert _ids(built, '"sleep safer"', backend) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_stemming(built: tuple, backend: str) -> None:
    assert _ids(built, "neglect", backend) == ["alpha", "bravo"]
    assert _ids(built, "neglected", backend) == ["alpha", "bravo"]
    assert _ids(built, "neglecting", backend) == ["alpha", "bravo"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_boolean_operators(built: tuple, backend: str) -> None:
    assert _ids(built, "domestic AND police", backend) == ["bravo"]
    assert _ids(built, "neglect AND police", backend) == []  # pages are searched, not reports
    assert _ids(built, "domestic police", backend) == ["bravo"]  # implicit AND
    assert _ids(built, "sleep OR misuse", backend) == ["alpha", "charlie"]
    assert _ids(built, "abuse NOT police", backend) == ["charlie"]
    assert _ids(built, "(sleep OR misuse) AND domestic", backend) == ["charlie"]
    assert _ids(built, "abuse AND NOT (misuse OR police)", backend) == []
    assert _ids(built, "NOT abuse", backend) == ["alpha", "bravo", "charlie"]  # by page
    assert _ids(built, "NOT (abuse OR review)", backend) == []  # every title has "review"
    assert _ids(built, "sleep NOT (misuse OR police)", backend) == ["alpha"]
    assert _ids(built, "the police", backend) == ["bravo"]  # stop words are ignored
    assert _ids(built, "police^3 OR misuse", backend) == ["bravo", "charlie"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_filters_and_field_queries(built: tuple, backend: str) -> None:
    assert _ids(built, "abuse", backend, board="Southshire") == ["bravo"]
    assert _ids(built, "abuse", backend, year=(2019, 2022)) == ["charlie"]
    assert _ids(built, "review", backend, year=(2015, 2018)) == ["alpha", "bravo"]
    assert _ids(built, "review", backend, review_type="CPR") == ["charlie"]
    assert _ids(built, "review", backend, themes="Domestic Abuse") == ["bravo", "charlie"]
    assert _ids(built, "abuse year:2019..2022", backend) == ["charlie"]
    assert _ids(built, "review type:LCSPR", backend) == ["bravo"]
    assert _ids(built, 'review theme:"unsafe sleep"', backend) == ["alpha"]
    assert _ids(built, "review nation:Wales", backend) == ["charlie"]
    assert _ids(built, "review year:2018", backend) == ["bravo"]
    assert _ids(built, "review board:northshire", backend) == []  # exact values


@pytest.mark.parametrize("backend", BACKENDS)
def test_fuzzy_and_wildcard_terms(built: tuple, backend: str) -> None:
    assert _ids(built, "polise~", backend) == ["bravo"]
    assert _ids(built, "domestik~2", backend) == ["bravo", "charlie"]
    assert _ids(built, "domestik", backend) == []
    assert _ids(built, "substan*", backend) == ["charlie"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_title_matches_and_snippet_marks(built: tuple, backend: str) -> None:
    cat, data, ids = built
    hits, _ = search(cat, data, "police", backend=backend)
    assert hits[0]["snippet"].count("**") == 2 and "**police**" in hits[0]["snippet"]
    assert "<mark>police</mark>" in hits[0]["snippet_html"]
    hits, _ = search(cat, data, "café", backend=backend)  # non-ASCII before/in the match
    assert [h["id"] for h in hits] == [ids["charlie"]] and "**café**" in hits[0]["snippet"]
    assert _ids(built, "Alpha", backend) == ["alpha"]  # in the title only


@pytest.mark.parametrize("backend", BACKENDS)
def test_repairs_and_errors(built: tuple, backend: str) -> None:
    cat, data, ids = built
    hits, warning = search(cat, data, '"safer sleep', backend=backend)
    assert warning and "quote" in warning and [h["id"] for h in hits] == [ids["alpha"]]
    hits, warning = search(cat, data, "(police OR misuse", backend=backend)
    assert warning and "parenthes" in warning
    assert _ids(built, "police OR misuse", backend) == ["bravo", "charlie"]
    with pytest.raises(QueryError):
        search(cat, data, "   ", backend=backend)


@given(st.text(alphabet='ab "()*?~:^[]{}.-\\/AND OR NOT year:2015..x', max_size=30))
@example("0~/2")  # a fuzzy prefix longer than its term
@example("ab~/9 OR b~")
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.parametrize("backend", BACKENDS)
def test_any_query_gives_hits_or_one_line_error(built: tuple, backend: str, raw: str) -> None:
    cat, data, _ = built
    try:
        hits, _ = search(cat, data, raw, backend=backend)
    except QueryError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(hits, list)


@pytest.mark.parametrize("backend", BACKENDS)
def test_incremental_builds(corpus: tuple, backend: str) -> None:
    cat, data, ids = corpus
    first = build_index(cat, data, backend=backend)
    assert first["indexed"] == 3
    assert build_index(cat, data, backend=backend) == {"unchanged": 3}
    # the other backend's state is separate
    assert cat.get_json(state_key(backend))[ids["alpha"]]
    other = next(b for b in BACKENDS if b != backend)
    assert cat.get_json(state_key(other)) is None
    assert index_dir(data, backend).is_dir() and not index_dir(data, other).exists()

    _add(cat, "bravo", meta={"title": "Bravo practice review (revised)"})
    second = build_index(cat, data, backend=backend)
    assert second["indexed"] == 1 and second["unchanged"] == 2 and second["removed"] == 0
    hits, _ = search(cat, data, "revised", backend=backend)
    assert [h["id"] for h in hits] == [ids["bravo"]]
    assert len(search(cat, data, "police", backend=backend)[0]) == 1  # no stale copy

    cat.save_metadata(ids["bravo"], 1, {"is_review": False, **DOCS["bravo"][0]}, {})
    third = build_index(cat, data, backend=backend)
    assert third["removed"] == 1 and third["indexed"] == 0
    assert search(cat, data, "police", backend=backend)[0] == []
    rebuilt = build_index(cat, data, rebuild=True, backend=backend)
    assert rebuilt["indexed"] == 2


def test_backend_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SCR_SEARCH_BACKEND", raising=False)
    assert backend_name(None) == "tantivy"
    monkeypatch.setenv("SCR_SEARCH_BACKEND", "tantivy")
    assert backend_name(None) == "tantivy"
    assert backend_name("whoosh") == "whoosh"
    monkeypatch.setenv("SCR_SEARCH_BACKEND", "lucene")
    with pytest.raises(ConfigError, match="unknown search backend 'lucene'") as exc:
        backend_name(None)
    assert "\n" not in str(exc.value)
    assert index_dir(tmp_path, "whoosh") == tmp_path / "index"
    assert index_dir(tmp_path, "tantivy") == tmp_path / "index-tantivy"


def test_no_index_is_one_line(corpus: tuple) -> None:
    cat, data, _ = corpus
    for name in BACKENDS:
        with pytest.raises(QueryError, match="no index"):
            search(cat, data, "neglect", backend=name)
