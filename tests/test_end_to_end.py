"""End to end over the whole sample web: crawl -> extract -> analyse -> index, and the CLI on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from protego import Protego

from app.cli import main
from ingest.ocr import tesseract_version
from ingest.settings import Settings
from tests.conftest import Build

CONTRACT_FIELDS = {"id", "url", "title", "board", "year", "doc_type", "review_type", "child",
                   "pages", "themes"}
DOC_TYPES = {"full_report", "executive_summary", "briefing", "board_response",
             "other_review_document"}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_second_build_fetches_and_redoes_nothing(full_build: Build) -> None:
    assert full_build.requests_second == 0
    second = full_build.second
    assert second["crawl"]["requests"] == 0
    assert not second["extract"] and second["index"].get("indexed", 0) == 0
    assert "tagged" not in second["analyse"]


def test_robots_disallowed_paths_never_requested(full_build: Build) -> None:
    agent = Settings().user_agent
    hosts = full_build.sample / "hosts"
    checked = 0
    for host_dir in hosts.iterdir():
        robots = host_dir / "robots.txt"
        if robots.exists():
            rules = Protego.parse(robots.read_text())
            for doc in full_build.manifest["documents"]:
                if doc["host"] == host_dir.name and doc.get("robots_disallowed"):
                    checked += 1
                    assert not rules.can_fetch(f"http://h{doc['path']}", agent)
    assert checked >= 1, "the sample web should hide at least one review behind robots.txt"
    assert full_build.first["crawl"]["skipped/robots"] >= 1


def test_reports_json_contract(full_build: Build, capsys: pytest.CaptureFixture[str]) -> None:
    reports = run_json(capsys, "reports", "--json", "--data", str(full_build.data))
    assert len(reports) >= 120
    for r in reports:
        assert set(r) >= CONTRACT_FIELDS
        assert r["doc_type"] in DOC_TYPES
        assert r["review_type"] in {"SCR", "LCSPR", "CPR", "other"}
        assert r["year"] is None or isinstance(r["year"], int)
        assert r["pages"] is None or isinstance(r["pages"], int)
        assert isinstance(r["themes"], list)
    everything = run_json(capsys, "reports", "--json", "--all", "--data", str(full_build.data))
    assert {r["doc_type"] for r in everything} >= DOC_TYPES | {"not_review"}


def test_bad_pdfs_are_recorded_with_a_reason(full_build: Build,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    reports = run_json(capsys, "reports", "--json", "--data", str(full_build.data))
    by_status = {r["status"]: r for r in reports}
    expected = {"encrypted", "failed"}
    if Settings.from_env().ocr == "off" or tesseract_version() is None:
        expected.add("needs_ocr")  # else Tesseract reads the scanned reviews: status ok
    assert expected <= set(by_status)
    assert by_status["encrypted"]["status_reason"] == "encrypted: password required"
    assert by_status["failed"]["status_reason"]
    if "needs_ocr" in by_status:
        assert by_status["needs_ocr"]["status_reason"]


def test_search_json_contract(full_build: Build, capsys: pytest.CaptureFixture[str]) -> None:
    hits = run_json(capsys, "search", '"safe sleep" OR neglect', "--json", "--limit", "5",
                    "--data", str(full_build.data))
    assert 1 <= len(hits) <= 5
    for h in hits:
        assert {"id", "url", "title", "page", "score", "snippet"} <= set(h)
        assert h["page"] is None or h["page"] >= 1
    assert hits == sorted(hits, key=lambda h: -h["score"])
    filtered = run_json(capsys, "search", "neglect", "--json", "--type", "LCSPR", "--year",
                        "2019..2025", "--data", str(full_build.data))
    assert filtered and all(h["review_type"] == "LCSPR" and 2019 <= h["year"] <= 2025
                            for h in filtered)


def test_malformed_query_is_one_line_and_best_effort(full_build: Build,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", '"domestic abuse', "--json", "--data", str(full_build.data)]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("scr: query:")
    assert "Traceback" not in captured.err
    assert json.loads(captured.out)


def test_themes_and_topics_json(full_build: Build, capsys: pytest.CaptureFixture[str]) -> None:
    themes = run_json(capsys, "themes", "--json", "--data", str(full_build.data))
    assert themes["documents_tagged"] >= 100
    assert {t["id"] for t in themes["themes"]} >= {"domestic_abuse", "neglect"}
    by_id = {t["id"]: t for t in themes["themes"]}
    assert 0 < by_id["neglect"]["reliability"]["recall"] <= 1  # measured: core themes only
    assert by_id["bruising_non_mobile"]["reliability"] is None
    some = next(iter(themes["tags"].values()))
    assert some[0]["evidence"][0]["sentence"]
    topics = run_json(capsys, "topics", "--json", "--data", str(full_build.data))
    assert len(topics["topics"]) >= 5
    assert all(len(t["terms"]) == 10 and t["documents"] for t in topics["topics"])


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_briefing_formats_open_with_standard_readers(full_build: Build, tmp_path: Path,
                                                     fmt: str) -> None:
    out = tmp_path / f"brief.{fmt}"
    assert main(["brief", "domestic_abuse", "--format", fmt, "--output", str(out),
                 "--data", str(full_build.data)]) == 0
    if fmt == "md":
        text = out.read_text()
    elif fmt == "html":
        from bs4 import BeautifulSoup

        text = BeautifulSoup(out.read_text(), "lxml").get_text(" ")
    elif fmt == "docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    else:
        from pdfminer.high_level import extract_text

        text = extract_text(str(out))
    assert "Learning from case reviews: Domestic abuse" in text
    assert "Case reviews referenced" in text


def test_eval_prints_the_figures(full_build: Build, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--data", str(full_build.data)]) == 0
    out = capsys.readouterr().out
    for label in ("discovery recall", "discovery precision", "robots-disallowed",
                  "metadata accuracy: year", "themes P / R / F1", "themes, held-out documents",
                  "known-item"):
        assert label in out
