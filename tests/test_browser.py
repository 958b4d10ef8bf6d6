"""The explorer in a real browser: `scr app` on the built sample web, driven by Playwright with
Debian's chromium (no browser download). It searches with a filter, opens a report at a page,
opens a theme, downloads its briefing, visits every view, and probes for script injection.

Figures (seconds from the browser's side) and whole-page screenshots go to ``SCR_SCREENSHOTS``
(default: the test's temporary folder); bench/explorer.py prints the same figures. In CI
(``CI`` set) a missing chromium or Playwright is a failure, elsewhere a skip.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis.queries import report_records
from app import pipeline
from app.pipeline import open_catalogue
from tests.browser import (
    STEP_TIMEOUT_MS,
    chromium_path,
    exceptions,
    explorer,
    healthy,
    start_app,
    stop_group,
    wait_idle,
    walk,
)
from tests.conftest import Build, copy_build

SCRIPT = "<script>window.__xss=1;alert(1)</script>"
IMG = '<img src=x onerror="window.__xss=2;alert(2)">'


def _need(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright")
    if chromium_path() is None:
        _need("chromium")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def probe_data(full_build: Build, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the sample build whose one page and one title carry script payloads."""
    data = copy_build(full_build, tmp_path_factory.mktemp("browser"))
    with open_catalogue(data) as cat:
        doc = next(r for r in report_records(cat) if r["status"] == "ok" and r["pages"])
        cat.db.execute("UPDATE pages SET text = ? WHERE doc_id = ? AND page = 1",
                       (f"Zebrafish findings {SCRIPT} and {IMG} end.", doc["id"]))
        cat.db.execute("UPDATE metadata SET title = ? WHERE doc_id = ?",
                       (f"Review {IMG}", doc["id"]))
    pipeline.index(data)
    return data, doc["id"]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = os.environ.get("SCR_SCREENSHOTS")
    folder = Path(where) if where else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_researchers_walk_in_a_browser(playwright: Any, probe_data: tuple[Path, str],
                                           shots: Path) -> None:
    data, probed = probe_data
    browser = playwright.chromium.launch(executable_path=chromium_path(),
                                         args=["--no-sandbox"])
    try:
        with explorer(data, shots / "scr-app.log") as (base, healthy):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            w = walk(page, base, shots)
            w.timings["server_healthy"] = healthy

            # the XSS probe: report text and titles render as text, never as markup
            page.goto(f"{base}/?view=Search&q=zebrafish")
            snippet = page.locator(".scr-snippet").first
            snippet.wait_for()
            wait_idle(page)
            assert "<script>window.__xss=1" in snippet.inner_text()
            assert page.get_by_text(f"Review {IMG}").count() == 1, "the title shows as text"
            page.get_by_role("button", name="Open report").first.click()
            reader = page.locator(".scr-page").first
            reader.wait_for()
            assert SCRIPT in reader.inner_text() and IMG in reader.inner_text()
            assert page.locator(".scr-page script, .scr-page img").count() == 0
            assert page.evaluate("window.__xss") is None
            assert f"doc={probed}" in page.url
            w.facts["exceptions"] += exceptions(page)
            page.close()
    finally:
        browser.close()
    (shots / "timings.json").write_text(json.dumps(
        {k: round(v, 3) for k, v in w.timings.items()}, indent=1))

    assert w.facts["dialogs"] == [], "no script ran"
    assert all(not w.facts[k] for k in w.facts if k.startswith("exceptions")), w.facts
    assert "type=LCSPR" in w.facts["search_url"], "the filter is in the shareable URL"
    assert "view=Report" in w.facts["report_url"] and "page=" in w.facts["report_url"]
    assert w.facts["marks_on_page"] >= 1, "the query is marked on the page opened"
    assert w.facts["page_caption"].startswith("Page ")
    assert "theme=domestic_abuse" in w.facts["theme_url"]
    assert w.facts["briefing_bytes"] == b"%PDF-"
    assert w.facts["briefing_clicks"] <= 2, "at most one click lost"
    assert {"search", "report", "theme", "trends", "topics", "collection"} <= set(w.screenshots)
    assert all(p.stat().st_size > 10_000 for p in w.screenshots.values())


def test_scr_app_stops_streamlit_when_it_is_stopped(full_build: Build, tmp_path: Path) -> None:
    """A SIGTERM to `scr app` alone (as a service manager sends) stops its Streamlit server."""
    proc, base, _ = start_app(full_build.data, tmp_path / "scr-app.log")
    try:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) is not None
        deadline = time.monotonic() + 15
        while healthy(base) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not healthy(base), "the Streamlit server outlived scr app"
    finally:
        stop_group(proc)
