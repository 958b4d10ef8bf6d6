"""`scr reports`, `scr cases` and `scr recommendations` over the full sample-web build."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from app.cli import main
from tests.conftest import Build


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict]:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_reports_carry_child_facts_and_case(full_build: Build,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    reports = _json(["reports", "--json", "--data", str(full_build.data)], capsys)
    assert {"age_months", "gender", "outcome", "case", "duplicates"} <= set(reports[0])
    ok = [r for r in reports if r["status"] == "ok"]
    assert sum(r["outcome"] is not None for r in ok) / len(ok) > 0.9
    for r in ok:
        if r["outcome"]:
            assert r["outcome"] in ("death", "serious_harm")
            assert r["provenance"]["outcome"]  # every fact says where it came from
        assert r["gender"] in (None, "female", "male")
        assert r["age_months"] is None or 0 <= r["age_months"] <= 216


def test_every_listed_document_is_in_exactly_one_case(
        full_build: Build, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(full_build.data)
    reports = _json(["reports", "--json", "--data", data], capsys)
    cases = _json(["cases", "--json", "--data", data], capsys)
    members = Counter(d["id"] for c in cases for d in c["documents"])
    assert set(members) == {r["id"] for r in reports}
    assert set(members.values()) == {1}
    assert any(len(c["documents"]) >= 3 for c in cases)
    for c in cases:  # a case is one board's review of one child
        assert len({r["board"] for r in reports if r["case"] == c["case"]}) == 1


def test_cases_text_output(full_build: Build, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cases", "--data", str(full_build.data)]) == 0
    captured = capsys.readouterr()
    assert "cases," in captured.err and "full report" in captured.out


def test_recommendations_listed_with_pages_and_filter(
        full_build: Build, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(full_build.data)
    recs = _json(["recommendations", "--json", "--data", data], capsys)
    assert len(recs) > 300
    assert all(r["text"] and r["number"] for r in recs)
    assert sum(r["page"] is not None for r in recs) / len(recs) > 0.9
    word = recs[0]["text"].split()[-1].strip(".,;:").lower()
    some = _json(["recommendations", "--json", "--contains", word, "--data", data], capsys)
    assert 0 < len(some) <= len(recs)
    assert all(word in r["text"].lower() for r in some)
