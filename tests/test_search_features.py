"""What a researcher gets from `find`: exact phrases, synonyms, facets, sorting, paging,
withdrawn and case filters, did-you-mean, more like this; and the index's life (crashes,
locks, readers during a write). Both backends, through ``index.search``."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.backend import PageEntry, open_backend, state_key
from index.build import INDEX_VERSION
from index.search import build_index, find, more_like_this
from ingest.catalogue import Catalogue
from ingest.errors import IndexBusy, QueryError

pytest.importorskip("tantivy")

BACKENDS = ["whoosh", "tantivy"]

# key -> (metadata, pages, themes)
DOCS: dict[str, tuple[dict, list[str], list[str]]] = {
    "ash": ({"title": "Child Ash overview report", "board": "Northshire", "nation": "England",
             "region": "North West", "year": 2016, "month": 3, "doc_type": "full_report",
             "review_type": "SCR", "child": "Ash"},
            ["The family were known to children's social care for many years.",
             "Professionals neglected to share information; the health visitor was not told.",
             "Domestic violence by the father was reported to the police twice.",
             "The mother's behaviour changed after the birth; trampoline incident recorded."],
            ["domestic_abuse", "information_sharing"]),
    "birch": ({"title": "Birch practice review", "board": "Northshire", "nation": "England",
               "region": "North West", "year": 2019, "month": 11, "doc_type": "full_report",
               "review_type": "LCSPR", "child": "Birch"},
              ["Neglecting the children's needs was a pattern seen by the school.",
               "Disguised compliance: the parents appeared to cooperate with the plan."],
              ["neglect", "disguised_compliance"]),
    "cedar": ({"title": "Cedar executive summary", "board": "Southshire", "nation": "England",
               "region": "South East", "year": 2019, "month": 2, "doc_type": "executive_summary",
               "review_type": "LCSPR", "child": "Cedar"},
              ["A summary of the review: neglect and domestic abuse in the home.",
               "The behavior of the stepfather was not explored by the HV."],
              ["neglect", "domestic_abuse"]),
    "damson": ({"title": "Damson child practice review", "board": "Westshire",
                "nation": "Wales", "region": "Wales", "year": 2022, "month": 6,
                "doc_type": "full_report", "review_type": "CPR", "child": "Damson"},
               ["Intimate partner violence and parental substance misuse.",
                "Neglect of the baby's health needs; a missed appointment was not followed up."],
               ["domestic_abuse", "neglect", "parental_substance_misuse"]),
    "elm": ({"title": "Elm serious case review", "board": "Southshire", "nation": "England",
             "region": "South East", "year": None, "doc_type": "full_report",
             "review_type": "SCR", "child": "Elm"},
            ["Neglect over many years; a trampoline in the garden."], ["neglect"]),
}


def _add(cat: Catalogue, key: str, pages: list[str] | None = None) -> str:
    fields, default_pages, themes = DOCS[key]
    sha = (key.encode().hex() * 64)[:64]
    doc_id = cat.add_document(sha, f"https://{key}.example/report.pdf", "Board",
                              "application/pdf", 100)
    cat.save_extraction(doc_id, "ok", "", pages or default_pages, True, {})
    cat.save_metadata(doc_id, 1, {"is_review": True, **fields}, {})
    cat.save_themes(doc_id, 1, [{"theme": t, "score": 1.0, "present": True, "evidence": []}
                                for t in themes])
    return doc_id


def _corpus(data: Path) -> tuple[Catalogue, dict[str, str]]:
    data.mkdir(parents=True, exist_ok=True)
    cat = Catalogue(data / "catalogue.sqlite")
    ids = {key: _add(cat, key) for key in DOCS}
    cat.set_cases({ids["ash"]: "northshire/ash/2016", ids["birch"]: "northshire/birch/2019"})
    return cat, ids


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Catalogue, Path, dict]]:
    data = tmp_path_factory.mktemp("features") / "data"
    cat, ids = _corpus(data)
    with cat:
        for name in BACKENDS:
            build_index(cat, data, backend=name)
        yield cat, data, ids


def _names(built: tuple, query: str, backend: str, **kw: object) -> list[str]:
    cat, data, ids = built
    names = {v: k for k, v in ids.items()}
    return [names[h["id"]] for h in find(cat, data, query, backend=backend, **kw).hits]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_quoted_phrase_is_exact_and_bare_words_are_stemmed(built: tuple, backend: str) -> None:
    assert _names(built, '"neglected to share"', backend) == ["ash"]
    assert _names(built, '"neglecting to share"', backend) == []  # exact: no stemming
    assert _names(built, "neglecting share", backend) == ["ash"]  # words: stemmed
    assert sorted(_names(built, "neglected", backend, synonyms=False)) == [
        "ash", "birch", "cedar", "damson", "elm"]
    cat, data, _ = built
    hit = find(cat, data, '"neglected to share"', backend=backend).hits[0]
    assert hit["page"] == 2 and "**neglected**" in hit["snippet"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_synonyms_acronyms_and_spellings(built: tuple, backend: str) -> None:
    # DV: "domestic violence", "domestic abuse", "intimate partner violence"
    assert sorted(_names(built, "DV", backend)) == ["ash", "cedar", "damson"]
    assert _names(built, "DV", backend, synonyms=False) == []
    assert sorted(_names(built, '"health visitor"', backend)) == ["ash", "cedar"]  # HV
    assert sorted(_names(built, "behaviour", backend)) == ["ash", "cedar"]  # behavior
    assert sorted(_names(built, "behavior", backend)) == ["ash", "cedar"]
    assert _names(built, "behavior", backend, synonyms=False) == ["cedar"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_facets_count_matching_reports(built: tuple, backend: str) -> None:
    cat, data, _ = built
    result = find(cat, data, "neglect", backend=backend, synonyms=False)
    assert result.total == 5 and len(result.hits) == 5
    facets = {name: {v["value"]: v["count"] for v in values}
              for name, values in result.facets.items()}
    assert facets["board"] == {"Northshire": 2, "Southshire": 2, "Westshire": 1}
    assert facets["year"] == {2016: 1, 2019: 2, 2022: 1}  # Elm has no year
    assert facets["review_type"] == {"SCR": 2, "LCSPR": 2, "CPR": 1}
    assert facets["themes"]["neglect"] == 4 and facets["themes"]["domestic_abuse"] == 3
    assert facets["nation"] == {"England": 4, "Wales": 1}
    assert [v["value"] for v in result.facets["year"]] == [2022, 2019, 2016]
    narrowed = find(cat, data, "neglect", backend=backend, synonyms=False,
                    filters={"board": "Northshire", "year": "2015..2019"})
    assert narrowed.total == 2
    assert {v["value"]: v["count"] for v in narrowed.facets["board"]} == {"Northshire": 2}
    many = find(cat, data, "neglect", backend=backend, synonyms=False,
                filters={"board": ["Northshire", "Westshire"], "themes": "neglect"})
    assert {h["id"] for h in many.hits} == {built[2]["birch"], built[2]["damson"]}


@pytest.mark.parametrize("backend", BACKENDS)
def test_sorting_and_paging(built: tuple, backend: str) -> None:
    newest = _names(built, "neglect", backend, sort="newest", synonyms=False)
    assert newest == ["damson", "birch", "cedar", "ash", "elm"]  # Nov 2019 before Feb 2019
    assert _names(built, "neglect", backend, sort="oldest", synonyms=False) == [
        "ash", "cedar", "birch", "damson", "elm"]  # no year: last either way
    by_relevance = _names(built, "neglect", backend, synonyms=False)
    pages = [_names(built, "neglect", backend, synonyms=False, offset=o, limit=2)
             for o in (0, 2, 4, 6)]
    assert pages[0] + pages[1] + pages[2] == by_relevance and pages[3] == []
    assert _names(built, "neglect", backend, synonyms=False, sort="newest", offset=1,
                  limit=2) == newest[1:3]
    cat, data, _ = built
    with pytest.raises(QueryError):
        find(cat, data, "neglect", sort="sideways", backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_hits_carry_case_pages_and_archive(built: tuple, backend: str) -> None:
    cat, data, ids = built
    hit = find(cat, data, "police", backend=backend).hits[0]
    assert hit["id"] == ids["ash"] and hit["case"] == "northshire/ash/2016"
    assert hit["region"] == "North West" and hit["withdrawn"] is False
    assert hit["matching_pages"] == 1 and hit["pages"] == [3]
    assert hit["archived"] is None  # no blob stored in this corpus
    assert _names(built, "neglect", backend, synonyms=False,
                  filters={"case": "northshire/birch/2019"}) == ["birch"]
    assert _names(built, "case:northshire/ash/2016 AND police", backend) == ["ash"]
    trampoline = find(cat, data, "trampoline", backend=backend)
    assert trampoline.total == 2 and trampoline.matching_pages == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_did_you_mean(built: tuple, backend: str) -> None:
    cat, data, _ = built
    result = find(cat, data, "negelct", backend=backend)
    assert result.total == 0 and result.suggestion == "neglect"
    assert find(cat, data, '"disguised complaince"', backend=backend).suggestion == \
        '"disguised compliance"'
    assert find(cat, data, "neglect", backend=backend).suggestion is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_more_like_this(built: tuple, backend: str) -> None:
    cat, data, ids = built
    like = more_like_this(cat, data, ids["elm"], backend=backend)
    found = [h["id"] for h in like.hits]
    assert ids["elm"] not in found and ids["ash"] in found  # trampoline, many years
    with pytest.raises(QueryError, match="no indexed"):
        more_like_this(cat, data, "nope", backend=backend)


@given(st.text(alphabet='ab "()*?~:^[]{}.-\\/AND OR NOT year:2015..x DV', max_size=30))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.parametrize("backend", BACKENDS)
def test_any_query_with_facets_never_raises_more_than_a_line(built: tuple, backend: str,
                                                              raw: str) -> None:
    cat, data, _ = built
    for sort in ("relevance", "newest"):
        try:
            result = find(cat, data, raw, sort=sort, backend=backend)
        except QueryError as exc:
            assert "\n" not in str(exc)
        else:
            assert result.total >= len(result.hits)


# -- the index's life ---------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_withdrawn_documents_are_reindexed_and_filterable(tmp_path: Path, backend: str) -> None:
    data = tmp_path / "data"
    cat, ids = _corpus(data)
    with cat:
        build_index(cat, data, backend=backend)
        assert cat.mark_withdrawn(ids["ash"], "404 on the source site")
        assert build_index(cat, data, backend=backend)["indexed"] == 1
        hit = find(cat, data, "police", backend=backend).hits[0]
        assert hit["withdrawn"] is True
        assert find(cat, data, "police", backend=backend,
                    filters={"withdrawn": False}).total == 0
        assert find(cat, data, "withdrawn:true", backend=backend).total == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_state_lost_after_commit_does_not_duplicate(tmp_path: Path, backend: str) -> None:
    data = tmp_path / "data"
    cat, ids = _corpus(data)
    with cat:
        build_index(cat, data, backend=backend)
        # a run killed after the index commit but before its state was saved
        cat.put_json(state_key(backend), {"_version": INDEX_VERSION})
        assert build_index(cat, data, backend=backend)["indexed"] == len(DOCS)
        result = find(cat, data, "trampoline", backend=backend)
        assert result.total == 2 and result.matching_pages == 2
        assert open_backend(data, backend).page_count() == sum(len(d[1]) for d in DOCS.values())


def _killed_writer(data: str, backend: str) -> None:
    """Add pages without committing, then die as a crash or `kill -9` would."""
    be = open_backend(Path(data), backend)
    with be.writer() as w:
        w.add_pages([PageEntry(doc_id="ghost", page=1, pid="ghost:1", content="ghostly text")])
        os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_writer_leaves_no_lock_and_no_half_write(tmp_path: Path, backend: str) -> None:
    data = tmp_path / "data"
    cat, ids = _corpus(data)
    with cat:
        build_index(cat, data, backend=backend)
        proc = multiprocessing.get_context("spawn").Process(
            target=_killed_writer, args=(str(data), backend))
        proc.start()
        proc.join(60)
        assert proc.exitcode == -signal.SIGKILL
        assert find(cat, data, "ghostly", backend=backend).total == 0
        cat.mark_withdrawn(ids["elm"], "gone")
        assert build_index(cat, data, backend=backend)["indexed"] == 1  # the lock was freed
        assert find(cat, data, "ghostly", backend=backend).total == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_live_writer_makes_another_fail_in_one_line(tmp_path: Path, backend: str) -> None:
    data = tmp_path / "data"
    cat, ids = _corpus(data)
    with cat:
        build_index(cat, data, backend=backend)
        be = open_backend(data, backend)
        with be.writer() as w:
            w.add_pages([PageEntry(doc_id="new", page=1, pid="new:1", content="quetiapine")])
            cat.mark_withdrawn(ids["elm"], "gone")
            with pytest.raises(IndexBusy) as exc:
                build_index(cat, data, backend=backend)
            assert "\n" not in str(exc.value)
            # readers keep the last commit while a write is under way
            assert find(cat, data, "quetiapine", backend=backend).total == 0
            assert find(cat, data, "trampoline", backend=backend).total == 2
        assert find(cat, data, "quetiapine", backend=backend).total == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_snippet_shows_every_word_of_an_and_query(tmp_path: Path, backend: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    filler = " ".join(["the review met with practitioners across the partnership"] * 8)
    page = f"Concerns about neglect were raised early. {filler} Later the police attended."
    with Catalogue(data / "catalogue.sqlite") as cat:
        doc_id = cat.add_document("f" * 64, "https://x.example/r.pdf", "Board",
                                  "application/pdf", 10)
        cat.save_extraction(doc_id, "ok", "", [page], True, {})
        cat.save_metadata(doc_id, 1, {"is_review": True, "title": "X", "board": "B"}, {})
        build_index(cat, data, backend=backend)
        snippet = find(cat, data, "neglect AND police", backend=backend).hits[0]["snippet"]
    assert "**neglect**" in snippet and "**police**" in snippet
    assert len(snippet) < len(page)


@pytest.mark.parametrize("backend", BACKENDS)
def test_open_year_ranges_and_fields_inside_phrases(built: tuple, backend: str) -> None:
    assert sorted(_names(built, "neglect year:2019..", backend, synonyms=False)) == [
        "birch", "cedar", "damson"]
    assert sorted(_names(built, "neglect year:..2016", backend, synonyms=False)) == ["ash"]
    cat, data, _ = built
    result = find(cat, data, "neglect year:soon", backend=backend, synonyms=False)
    assert result.warning and "year:soon" in result.warning and result.total == 5
    # "type:" inside a quoted phrase is text, not the review-type field
    assert _names(built, '"Disguised compliance: the parents"', backend) == ["birch"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_rebuild_is_redone(tmp_path: Path, backend: str) -> None:
    data = tmp_path / "data"
    cat, ids = _corpus(data)
    with cat:
        build_index(cat, data, backend=backend)
        be = open_backend(data, backend)
        be.create()  # what a rebuild does first; then imagine the run killed
        cat.put_json(state_key(backend), {"_version": INDEX_VERSION})
        assert build_index(cat, data, backend=backend)["indexed"] == len(DOCS)
        assert find(cat, data, "trampoline", backend=backend).total == 2
    # and build_index itself records the empty state before it writes a page
    with Catalogue(data / "catalogue.sqlite") as cat2:
        calls: list[dict] = []
        real = cat2.put_json
        cat2.put_json = lambda k, v: (calls.append(dict(v)), real(k, v))  # type: ignore
        build_index(cat2, data, rebuild=True, backend=backend)
        assert calls[0] == {"_version": INDEX_VERSION}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_page_past_the_last_is_empty(built: tuple, backend: str) -> None:
    cat, data, _ = built
    result = find(cat, data, "neglect", backend=backend, offset=999, limit=10)
    assert result.hits == [] and result.total == 5
