"""The explorer's speed as a person meets it: `scr app` on the demo data (the whole sample web),
driven in chromium by the walk of tests/test_browser.py, against in-process baselines.

Measured in one run, in seconds from the browser's side:

* ``server_healthy``: from starting `scr app` to its health check answering;
* ``first_page``: from navigating to the app (right after it is healthy, so its first run pays
  for imports and the catalogue read) until the Search view's last line is visible;
* ``search_*``: from pressing Enter in the query box (a review-type filter set) until the URL
  carries the query, the result count is shown and the run has ended; ``search_first`` pays for
  the results' widgets being loaded by the browser the first time;
* ``open_report``, ``open_theme``, ``briefing_pdf`` (prepare + download), ``view_*``.

Baselines measured in the same run: the same searches through :func:`index.search.find` in
process (what the server does per search), and one HTTP GET of the app's page. Then a second
walk with a new browser on the now-warm server shows what later visitors see.

    .venv/bin/python -m bench.explorer                 # builds the sample web in a temp dir
    .venv/bin/python -m bench.explorer --data DIR      # an existing build
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from app.pipeline import open_catalogue
from index.search import find
from tests.browser import chromium_path, explorer, walk

QUERIES = ("neglect", '"domestic abuse" AND police', "sleep*")


def in_process(data: Path) -> float:
    """Median seconds of the walk's searches (review type LCSPR) through ``find`` itself."""
    times = []
    with open_catalogue(data) as cat:
        for _ in range(3):
            for q in QUERIES:
                start = time.perf_counter()
                find(cat, data, q, filters={"review_type": "LCSPR"}, limit=20)
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="a built data directory (default: build one)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    if chromium_path() is None:
        print("chromium is not installed (apt-get install chromium)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            from tests.conftest import build_sample

            print("building the sample web ...", flush=True)
            data = build_sample(Path(tmp), small=False).data
        shots = Path(tmp) / "shots"
        shots.mkdir()
        walks = []
        with explorer(data, Path(tmp) / "scr-app.log") as (base, healthy), \
                sync_playwright() as p:
            for _ in range(2):
                browser = p.chromium.launch(executable_path=chromium_path(),
                                            args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                walks.append(walk(page, base, shots).timings)
                browser.close()
            start = time.perf_counter()
            httpx.get(base + "/", timeout=10)
            get_page = time.perf_counter() - start
        find_s = in_process(data)
    print(f"server healthy after {healthy:.2f} s")
    print(f"{'step':<18}{'cold server':>13}{'warm server':>13}")
    for key in walks[0]:
        print(f"{key:<18}{walks[0][key]:>13.3f}{walks[1][key]:>13.3f}")
    searches = [t[k] for t in walks for k in t if k.startswith("search_") and k != "search_first"]
    median = statistics.median(searches)
    print(f"\nbaselines: in-process find {find_s * 1000:.1f} ms (median), "
          f"GET / {get_page * 1000:.1f} ms")
    print(f"search end to end (median of later searches) {median:.3f} s = "
          f"{median / find_s:.0f}x the in-process search")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
