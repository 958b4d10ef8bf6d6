"""Drive the explorer in a real browser: `scr app` on a data directory, Debian's chromium via
Playwright (no browser download), the walk a researcher takes, timed, with screenshots.

Used by tests/test_browser.py (checks) and bench/explorer.py (figures). Timings are wall-clock
from the browser's side: a navigation or a keypress until the text that answers it is visible.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
APP_READY_TIMEOUT = 90.0  # seconds for `scr app` to answer its health check
STEP_TIMEOUT_MS = 60_000  # per browser step; generous, as CI shares 2 cores
EXCEPTION = '[data-testid="stException"]'


def chromium_path() -> str | None:
    """Debian's chromium, or ``SCR_CHROMIUM``; None when neither is installed."""
    wanted = os.environ.get("SCR_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data: Path, log: Path) -> tuple[subprocess.Popen, str, float]:
    """Start `scr app` on ``data`` on a free loopback port, in its own process group; return
    it once healthy, with its base URL and the seconds that took."""
    port = free_port()
    cmd = [sys.executable, "-m", "app.cli", "app", "--data", str(data), "--port", str(port)]
    start = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env=dict(os.environ, PYTHONUNBUFFERED="1"),
                                start_new_session=True)  # its own group, Streamlit included
    base = f"http://127.0.0.1:{port}"
    try:
        while not healthy(base):
            if proc.poll() is not None:
                raise RuntimeError(f"scr app exited with {proc.returncode}: "
                                   f"{log.read_text(errors='replace')[-2000:]}")
            if time.perf_counter() - start > APP_READY_TIMEOUT:
                raise RuntimeError(f"scr app not healthy after {APP_READY_TIMEOUT:.0f} s")
            time.sleep(0.2)
    except BaseException:
        stop_group(proc)
        raise
    return proc, base, time.perf_counter() - start


def healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/_stcore/health", timeout=2).text.strip() == "ok"
    except httpx.HTTPError:
        return False


@contextmanager
def explorer(data: Path, log: Path) -> Iterator[tuple[str, float]]:
    """`scr app` on ``data``: (base URL, seconds until healthy); stopped, Streamlit too."""
    proc, base, took = start_app(data, log)
    try:
        yield base, took
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen) -> None:
    """Stop `scr app` and the Streamlit server it started: SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                proc.wait()
                return
            proc.poll()
            time.sleep(0.1)


@dataclass
class Walk:
    """What one walk through the explorer measured and saw."""

    timings: dict[str, float] = field(default_factory=dict)  # seconds
    screenshots: dict[str, Path] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def whole_page_shot(page: Any, path: Path, width: int = 1400) -> Path:
    """A screenshot of the whole app: the viewport made as tall as the content (the main
    block's scrollHeight below its top, or the sidebar's if taller)."""
    height = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMainBlockContainer"]');
        const side = document.querySelector('[data-testid="stSidebarContent"]');
        const app = document.querySelector('[data-testid="stAppViewContainer"]');
        return Math.max(main ? main.offsetTop + main.scrollHeight : 0,
                        side ? side.scrollHeight : 0, app ? app.clientHeight : 0);
    }""")
    page.set_viewport_size({"width": width, "height": max(800, min(int(height) + 40, 12000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 900})
    return path


def wait_idle(page: Any) -> None:
    """Until Streamlit has finished its current run: no "Running..." icon, and no element
    left over from the previous run (marked stale until the run ends)."""
    page.wait_for_function("""() => !document.querySelector(
        '[data-testid="stStatusWidgetRunningIcon"], [data-stale="true"]')""",
                           timeout=STEP_TIMEOUT_MS)


def timed(walk: Walk, name: str, action: Any, until: Any) -> None:
    """Run ``action`` then wait for ``until`` (a locator); record the seconds it took."""
    start = time.perf_counter()
    action()
    until.first.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    walk.timings[name] = time.perf_counter() - start


def click_until(page: Any, button: Any, shown: Any, tries: int = 3,
                wait_ms: int = STEP_TIMEOUT_MS // 3) -> int:
    """Click ``button`` until ``shown`` is visible; returns the clicks it took. A click
    Streamlit drops (it can, when it lands while the previous run is being replaced) is
    repeated; an error or exception on the page fails at once with its text."""
    for attempt in range(1, tries + 1):
        button.click()
        try:
            shown.first.wait_for(state="visible", timeout=wait_ms)
            return attempt
        except Exception:
            problems = exceptions(page) + [e.inner_text() for e in
                                           page.locator('[data-testid="stAlertContentError"]').all()]
            if problems:
                raise AssertionError(f"the page says: {problems}") from None
    raise AssertionError(f"nothing showed after {tries} clicks")


def exceptions(page: Any) -> list[str]:
    return [e.inner_text() for e in page.locator(EXCEPTION).all()]


def sidebar_view(page: Any, name: str, heading: str) -> None:
    """Choose a view in the sidebar and wait for its heading and the end of its run."""
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()
    page.get_by_role("heading", name=heading).first.wait_for(timeout=STEP_TIMEOUT_MS)
    wait_idle(page)


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``: type to filter the list, then click
    the option. (Enter picks the highlighted option, and under load the list may not have
    highlighted the match yet: the box then shows the typed text but keeps its value.)"""
    box = page.get_by_role("combobox", name=label).first
    box.click()
    box.press_sequentially(option)
    choice = page.get_by_role("option", name=option, exact=True).first
    choice.wait_for(timeout=STEP_TIMEOUT_MS)
    choice.click()


def walk(page: Any, base: str, shots: Path, theme: str = "Domestic abuse",
         queries: tuple[str, ...] = ("neglect", '"domestic abuse" AND police', "sleep*")
         ) -> Walk:
    """The researcher's walk: first page, searches with a filter, a report opened at its
    page, a theme, its briefing downloaded, then every other view. Raises on a failed step,
    after a screenshot of the page as it stood (``failed.png``)."""
    try:
        return _walk(page, base, shots, theme, queries)
    except Exception:
        whole_page_shot(page, shots / "failed.png")
        raise


def _walk(page: Any, base: str, shots: Path, theme: str, queries: tuple[str, ...]) -> Walk:
    w = Walk()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    timed(w, "first_page", lambda: page.goto(base + "/"),
          page.get_by_text("Type a query above"))
    wait_idle(page)
    choose(page, "Review type", "LCSPR")
    wait_idle(page)
    box = page.get_by_role("textbox", name="Query")
    for i, query in enumerate(queries):
        box.fill(query)
        key = "search_first" if i == 0 else f"search_{i + 1}"
        start = time.perf_counter()
        box.press("Enter")
        page.wait_for_function(
            "q => new URLSearchParams(location.search).get('q') === q", arg=query,
            timeout=STEP_TIMEOUT_MS)
        page.get_by_text("documents match").first.wait_for(timeout=STEP_TIMEOUT_MS)
        wait_idle(page)
        w.timings[key] = time.perf_counter() - start
        w.facts["count"] = page.get_by_text("documents match").first.inner_text()
    w.facts["search_url"] = page.url
    w.screenshots["search"] = whole_page_shot(page, shots / "search.png")
    timed(w, "open_report", lambda: page.get_by_role("button", name="Open report").first.click(),
          page.locator(".scr-page"))
    wait_idle(page)
    w.facts["report_url"] = page.url
    w.facts["marks_on_page"] = page.locator(".scr-page mark").count()
    w.facts["page_caption"] = page.get_by_text("Cite:").first.inner_text()
    w.screenshots["report"] = whole_page_shot(page, shots / "report.png")
    sidebar_view(page, "Themes", "Themes across the reviews")
    briefing = page.get_by_text(f"Briefing: Learning from case reviews: {theme}")
    timed(w, "open_theme", lambda: choose(page, "Theme", theme), briefing)
    wait_idle(page)
    w.facts["theme_url"] = page.url
    w.screenshots["theme"] = whole_page_shot(page, shots / "theme.png")
    briefing.click()
    prepare = page.get_by_role("button", name="Prepare the briefing")
    prepare.wait_for(timeout=STEP_TIMEOUT_MS)
    start = time.perf_counter()
    ready = page.get_by_role("button", name="Download the briefing (PDF)")
    w.facts["briefing_clicks"] = click_until(page, prepare, ready)
    wait_idle(page)
    with page.expect_download(timeout=STEP_TIMEOUT_MS) as download:
        ready.click()
    target = shots / "briefing.pdf"
    download.value.save_as(target)
    w.timings["briefing_pdf"] = time.perf_counter() - start
    w.facts["briefing_bytes"] = target.read_bytes()[:5]
    for view, heading in (("Trends", "Trends"), ("Topics", "Topics"),
                          ("Collection", "Collection")):
        start = time.perf_counter()
        sidebar_view(page, view, heading)
        w.timings[f"view_{view.lower()}"] = time.perf_counter() - start
        w.screenshots[view.lower()] = whole_page_shot(page, shots / f"{view.lower()}.png")
        w.facts[f"exceptions_{view.lower()}"] = exceptions(page)
    w.facts["exceptions"] = exceptions(page)
    w.facts["dialogs"] = dialogs
    return w
