"""`scr search` flags over the built sample web: facets, sort, paging, filters, --like."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import Build


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_with_facets_is_an_object(full_build: Build,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = str(full_build.data)
    code, out, _ = run(capsys, "search", "neglect", "--json", "--facets", "--data", data)
    assert code == 0
    result = json.loads(out)
    assert result["total"] >= len(result["hits"]) > 0
    years = {v["value"]: v["count"] for v in result["facets"]["year"]}
    assert sum(years.values()) <= result["total"]
    assert set(result["facets"]) >= {"year", "board", "region", "review_type", "doc_type",
                                     "themes"}
    hit = result["hits"][0]
    assert {"id", "url", "title", "page", "score", "snippet", "case", "withdrawn",
            "archived", "pages", "matching_pages"} <= set(hit)
    assert hit["archived"] and Path(hit["archived"]).is_file()  # the stored copy
    # the contract: without --facets, an array of hits
    code, out, _ = run(capsys, "search", "neglect", "--json", "--data", data)
    assert [h["id"] for h in json.loads(out)] == [h["id"] for h in result["hits"]]


def test_sort_paging_and_filters(full_build: Build, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(full_build.data)
    _, out, _ = run(capsys, "search", "child", "--json", "--sort", "newest", "--limit", "50",
                    "--data", data)
    newest = json.loads(out)
    years = [h["year"] or 0 for h in newest]
    assert years == sorted(years, reverse=True)
    _, out, _ = run(capsys, "search", "child", "--json", "--sort", "newest", "--limit", "5",
                    "--page", "2", "--data", data)
    assert [h["id"] for h in json.loads(out)] == [h["id"] for h in newest[5:10]]
    _, out, _ = run(capsys, "search", "child", "--json", "--year", "2015..2019", "--region",
                    newest[0]["region"], "--data", data)
    hits = json.loads(out)
    assert all(2015 <= h["year"] <= 2019 and h["region"] == newest[0]["region"] for h in hits)
    case = next(h["case"] for h in newest if h["case"])
    _, out, _ = run(capsys, "search", "child", "--json", "--case", case, "--data", data)
    assert {h["case"] for h in json.loads(out)} == {case}


def test_text_output_did_you_mean_and_like(full_build: Build,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = str(full_build.data)
    code, out, err = run(capsys, "search", "negelct", "--data", data)
    assert code == 0 and "did you mean: neglect" in err
    code, out, _ = run(capsys, "search", "neglect", "--facets", "--limit", "3", "--data", data)
    assert "reports match" in out and "facets (reports):" in out and "  year: " in out
    _, out, _ = run(capsys, "search", "neglect", "--json", "--limit", "1", "--data", data)
    doc = json.loads(out)[0]["id"]
    code, out, _ = run(capsys, "search", "--like", doc, "--json", "--data", data)
    like = json.loads(out)
    assert code == 0 and like and doc not in [h["id"] for h in like]
    code, _, err = run(capsys, "search", "--data", data)
    assert code == 2 and "QUERY" in err
    code, _, err = run(capsys, "search", "neglect", "--year", "soon", "--data", data)
    assert code == 2 and err.count("\n") == 1
