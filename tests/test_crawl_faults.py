"""The real crawler against the faults of the real web, served on loopback by a fault server.

Every fault ends as a recorded outcome on the URL's row and the run goes on; retries honour
Retry-After and are capped; oversized bodies are refused; bodies are sniffed, not trusted by
their Content-Type; broken HTML still yields its links; robots.txt and the source's site are
respected; a random 20% fault rate still ends with every review fetched exactly once; and a
crawl killed with SIGKILL resumes without fetching again what it had already recorded.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingest.blobs import BlobStore
from ingest.catalogue import Catalogue
from ingest.crawl import Crawl
from ingest.settings import Settings
from ingest.sources import Source
from ingest.urls import in_prefixes
from sampleweb.loopback import LoopbackOnlyTransport
from tests.faultserver import (
    HTML,
    PDF_TYPE,
    BoardSite,
    Fault,
    FaultServer,
    Resource,
    board_site,
    html_page,
    malformed_html,
    pdf_bytes,
)

ROOT = Path(__file__).resolve().parents[1]
RETRIES = 2
#: Fast settings: no politeness delay, short back-off, a client timeout well under the
#: fault server's ``slow_seconds`` (1.5 s), and a small size cap.
FAST = Settings(delay=0.0, backoff=0.01, timeout=0.5, retries=RETRIES, max_retry_after=5.0,
                max_bytes=64 * 1024)
BOARD = "Faultshire Safeguarding Children Partnership"


@dataclass
class Outcome:
    """What one crawl run left behind: its counts, the urls rows and the stored documents."""

    stats: Counter[str]
    rows: dict[str, dict[str, Any]]
    document_urls: set[str]
    blobs: BlobStore


def crawl(tmp_path: Path, seeds: list[str], settings: Settings = FAST) -> Outcome:
    """One run of the real crawler over one source, with the catalogue under ``tmp_path``."""
    blobs = BlobStore(tmp_path / "blobs")
    with Catalogue(tmp_path / "catalogue.sqlite") as cat:
        source = Source(name=BOARD, urls=tuple(seeds))
        stats = Crawl(cat, blobs, [source], settings, transport=LoopbackOnlyTransport()).run()
        rows = {r["url"]: dict(r) for r in cat.db.execute("SELECT * FROM urls")}
        docs = {r[0] for r in cat.db.execute("SELECT url FROM document_urls")}
    return Outcome(stats, rows, docs, blobs)


@pytest.fixture()
def board() -> Iterator[tuple[FaultServer, BoardSite]]:
    """A board site with a listing, one sub-page and four review PDFs."""
    site = board_site(n_documents=4, n_subpages=1)
    with FaultServer(site.resources) as server:
        yield server, site


def add_link(server: FaultServer, page: str, href: str, text: str) -> None:
    """Append a link to a page of the server's site."""
    res = server.site[page]
    link = f'<p><a href="{href}">{text}</a></p>'.encode()
    server.site[page] = Resource(res.body.replace(b"</body>", link + b"</body>"),
                                 res.content_type, res.status, res.headers)


# -- every fault is an outcome -------------------------------------------------------------
FAULT_CASES = {
    # kind: (stats key, status code recorded, text in the error, requests for the path)
    "500": ("failed/http_error", 500, "HTTP 500", RETRIES + 1),
    "502": ("failed/http_error", 502, "HTTP 502", RETRIES + 1),
    "503": ("failed/http_error", 503, "HTTP 503", RETRIES + 1),
    "429": ("failed/http_error", 429, "HTTP 429", RETRIES + 1),
    "slow": ("failed/error", None, "ReadTimeout", RETRIES + 1),
    "drop": ("failed/error", None, "RemoteProtocolError", RETRIES + 1),
    "disconnect": ("failed/error", None, "RemoteProtocolError", RETRIES + 1),
    "loop": ("failed/redirect_loop", None, "more than 5 redirects", FAST.max_redirects + 1),
    "cycle": ("failed/redirect_loop", None, "more than 5 redirects", FAST.max_redirects + 1),
    "huge": ("failed/too_large", 200, "larger than 65536 bytes", 1),
    "endless": ("failed/too_large", 200, "larger than 65536 bytes", 1),
}


@pytest.mark.parametrize("kind", sorted(FAULT_CASES))
def test_each_fault_on_a_document_is_a_recorded_outcome(
        tmp_path: Path, board: tuple[FaultServer, BoardSite], kind: str) -> None:
    server, site = board
    target = site.documents[1]  # linked from the sub-page
    server.faults[target] = Fault(kind)
    stat, status, error, requests = FAULT_CASES[kind]
    out = crawl(tmp_path, [server.url(site.listing)])  # returns: the run did not crash
    row = out.rows[server.url(target)]
    assert row["state"] == "failed"
    assert row["status_code"] == status
    assert error in (row["error"] or ""), row["error"]
    assert out.stats[stat] == 1
    assert server.count(target) == requests
    others = {server.url(d) for d in site.documents if d != target}
    assert others <= out.document_urls, "one failing document stopped the others"
    assert server.url(target) not in out.document_urls


@pytest.mark.parametrize("kind", ["503", "slow", "disconnect", "loop"])
def test_a_failing_seed_page_is_an_outcome(tmp_path: Path, board: tuple[FaultServer, BoardSite],
                                           kind: str) -> None:
    server, site = board
    server.faults[site.listing] = Fault(kind)
    out = crawl(tmp_path, [server.url(site.listing)])
    assert out.rows[server.url(site.listing)]["state"] == "failed"
    assert out.document_urls == set()
    assert sum(v for k, v in out.stats.items() if k.startswith("failed/")) == 1


# -- retries -------------------------------------------------------------------------------
def _http_date(seconds_ahead: float) -> str:
    return email.utils.formatdate(time.time() + seconds_ahead, usegmt=True)


@pytest.mark.parametrize(("kind", "retry_after", "least_gap"),
                         [("429", "1", 0.95), ("503", "1", 0.95), ("429", "date", 0.9)])
def test_retry_after_is_honoured(tmp_path: Path, board: tuple[FaultServer, BoardSite],
                                 kind: str, retry_after: str, least_gap: float) -> None:
    server, site = board
    target = site.documents[0]
    server.faults[target] = Fault(kind, times=1)
    # An HTTP date has whole seconds: two seconds ahead waits between one and two seconds.
    server.retry_after = _http_date(2) if retry_after == "date" else retry_after
    out = crawl(tmp_path, [server.url(site.listing)])
    first, second = server.entries(target)
    assert second.at - first.at >= least_gap, "retried before Retry-After had passed"
    assert second.at - first.at < 4.0
    assert server.url(target) in out.document_urls
    assert out.rows[server.url(target)]["state"] == "done"


def test_retry_after_beyond_the_cap_gives_up_at_once(
        tmp_path: Path, board: tuple[FaultServer, BoardSite]) -> None:
    server, site = board
    target = site.documents[0]
    server.faults[target] = Fault("429")
    server.retry_after = "3600"
    started = time.monotonic()
    out = crawl(tmp_path, [server.url(site.listing)])
    assert time.monotonic() - started < 5.0
    assert server.count(target) == 1, "waited for or ignored a Retry-After beyond the cap"
    assert out.rows[server.url(target)]["status_code"] == 429


@pytest.mark.parametrize("kind", ["500", "429", "slow", "drop", "disconnect"])
def test_a_transient_fault_is_retried_within_the_cap(
        tmp_path: Path, board: tuple[FaultServer, BoardSite], kind: str) -> None:
    server, site = board
    target = site.documents[2]
    server.faults[target] = Fault(kind, times=RETRIES)  # the last allowed attempt succeeds
    out = crawl(tmp_path, [server.url(site.listing)])
    assert server.count(target) == RETRIES + 1
    assert server.ok_count(target) == 1
    assert out.rows[server.url(target)]["state"] == "done"


@pytest.mark.parametrize("which", ["document", "sub-page"])
def test_a_failure_of_one_run_is_retried_by_the_next(
        tmp_path: Path, board: tuple[FaultServer, BoardSite], which: str) -> None:
    server, site = board
    target = site.documents[1] if which == "document" else site.pages[1]
    server.faults[target] = Fault("503", times=RETRIES + 1)  # every attempt of run one fails
    first = crawl(tmp_path, [server.url(site.listing)])
    assert first.rows[server.url(target)]["state"] == "failed"
    second = crawl(tmp_path, [server.url(site.listing)])
    assert {server.url(d) for d in site.documents} <= second.document_urls


# -- bodies ----------------------------------------------------------------------------------
def test_oversized_bodies_are_refused_and_not_stored(
        tmp_path: Path, board: tuple[FaultServer, BoardSite]) -> None:
    server, site = board
    server.faults[site.documents[0]] = Fault("huge")
    server.faults[site.documents[1]] = Fault("endless")
    out = crawl(tmp_path, [server.url(site.listing)])
    for doc in site.documents[:2]:
        assert out.rows[server.url(doc)]["error"] == "larger than 65536 bytes"
    sizes = [p.stat().st_size for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert sizes and max(sizes) <= FAST.max_bytes
    assert out.stats["failed/too_large"] == 2
    # the client hung up on the endless body: far less than its 64 MB was ever sent
    assert server.streamed[site.documents[1]] < server.endless_limit // 4


def test_a_pdf_with_a_wrong_content_type_is_still_a_document(tmp_path: Path) -> None:
    wrong = {
        "/docs/typed-as-html.pdf": (HTML, "Child A report"),
        "/download/4711": ("application/octet-stream", "Download (PDF, 12 KB)"),
        "/view": (HTML, "Child C overview report"),  # no extension, HTML type
        "/docs/untyped.pdf": (None, "Child D report"),
        "/files/child-e": ("text/plain", "Child E executive summary"),
    }
    links = [("/view?id=9" if p == "/view" else p, text) for p, (_, text) in wrong.items()]
    site = {"/reviews": Resource(html_page("Case reviews", links))}
    bodies = {p: pdf_bytes(p) for p in wrong}
    site |= {p: Resource(bodies[p], ctype) for p, (ctype, _) in wrong.items()}
    with FaultServer(site) as server:
        out = crawl(tmp_path, [server.url("/reviews")])
        for path in wrong:
            url = server.url("/view?id=9" if path == "/view" else path)
            row = out.rows[url]
            assert (row["state"], row["kind"]) == ("done", "document"), (url, row)
            assert row["sha256"] == hashlib.sha256(bodies[path]).hexdigest()
            assert out.blobs.get(row["sha256"]) == bodies[path]
            assert url in out.document_urls


def test_malformed_html_still_yields_its_links(tmp_path: Path) -> None:
    docs = [f"/docs/m{i}.pdf" for i in range(10)]
    more = [f"/docs/n{i}.pdf" for i in range(5)]
    site = {
        "/reviews": Resource(html_page("Case reviews", [("/archive", "Archive of reviews"),
                                                        ("/older", "Older reviews")])),
        "/archive": Resource(malformed_html([(d, f"Review {d}") for d in docs])),
        # no Content-Type at all, and the page is cut off mid-tag: sniffed as HTML
        "/older": Resource(b"<html><body>" + malformed_html([(d, "Report") for d in more])[:-4],
                           None),
    }
    site |= {d: Resource(pdf_bytes(d), PDF_TYPE) for d in docs + more}
    with FaultServer(site) as server:
        out = crawl(tmp_path, [server.url("/reviews")])
        assert {server.url(d) for d in docs + more} <= out.document_urls
        assert out.rows[server.url("/archive")]["kind"] == "page"
        assert out.rows[server.url("/older")]["kind"] == "page"


# -- politeness and scope --------------------------------------------------------------------
ROBOTS = "User-agent: *\nDisallow: /private/\nDisallow: /*?print=\n"


def test_robots_disallowed_urls_are_never_requested(tmp_path: Path) -> None:
    site = board_site(n_documents=3, n_subpages=1, extra_links=[
        ("/private/r1.pdf", "Child P overview report"),
        ("/private/archive", "Archive of serious case reviews"),
        ("/docs/review-000.pdf?print=1", "Printable review"),
        ("/moved", "Child M review (moved)"),
    ])
    site.resources["/moved"] = Resource(b"", HTML, 302, {"Location": "/private/r2.pdf"})
    with FaultServer(site.resources, robots=ROBOTS) as server:
        out = crawl(tmp_path, [server.url(site.listing)])
        requested = server.requested_paths()
        assert not {p for p in requested if p.startswith("/private/")}
        assert all("print=" not in r.query for r in server.entries())
        for url in ("/private/r1.pdf", "/private/archive", "/docs/review-000.pdf?print=1"):
            row = out.rows[server.url(url)]
            assert row["state"] == "skipped" and row["error"] == "disallowed by robots.txt"
        assert out.rows[server.url("/moved")]["state"] == "skipped"  # the redirect hop checked
        assert {server.url(d) for d in site.documents} <= out.document_urls
        assert server.count("/robots.txt") == 1
        assert all("SCR-Atlas" in r.headers.get("user-agent", "") for r in server.entries())


def test_a_robots_txt_server_error_disallows_the_whole_host(
        tmp_path: Path, board: tuple[FaultServer, BoardSite]) -> None:
    server, site = board
    server.site["/robots.txt"] = Resource(ROBOTS.encode(), "text/plain")
    server.faults["/robots.txt"] = Fault("503")
    out = crawl(tmp_path, [server.url(site.listing)])
    assert server.requested_paths() == {"/robots.txt"}
    # a failure of this run, retried by the next (RFC 9309: a 5xx robots.txt is temporary)
    listing = out.rows[server.url(site.listing)]
    assert listing["state"] == "failed" and "robots.txt answered HTTP 503" in listing["error"]


@pytest.mark.parametrize("kind", ["slow", "disconnect"])
def test_an_unreachable_robots_txt_is_not_read_as_allow_all(
        tmp_path: Path, board: tuple[FaultServer, BoardSite], kind: str) -> None:
    server, site = board
    server.site["/robots.txt"] = Resource(ROBOTS.encode(), "text/plain")
    server.faults["/robots.txt"] = Fault(kind)
    add_link(server, site.listing, "/private/r1.pdf", "Child P overview report")
    crawl(tmp_path, [server.url(site.listing)])
    assert "/private/r1.pdf" not in server.requested_paths()


def test_no_html_page_outside_the_site_is_fetched(tmp_path: Path) -> None:
    elsewhere = {
        "/news": Resource(html_page("News", [("/files/1", "Download PDF")])),
        "/reviews": Resource(html_page("Serious case reviews", [("/store/x.pdf", "Child X")])),
        "/files/77": Resource(pdf_bytes("summary"), "application/octet-stream"),
        "/store/r.pdf": Resource(pdf_bytes("store r"), PDF_TYPE),
        "/files/1": Resource(pdf_bytes("never"), PDF_TYPE),
        "/store/x.pdf": Resource(pdf_bytes("never x"), PDF_TYPE),
    }
    with ExitStack() as stack:
        other = stack.enter_context(FaultServer(elsewhere, host="localhost"))
        site = board_site(n_documents=2, n_subpages=1, extra_links=[
            (other.url("/news"), "Another board's news"),
            (other.url("/reviews"), "Serious case reviews in Otherborough"),
            (other.url("/files/77"), "Executive summary (PDF, 200KB)"),
            (other.url("/store/r.pdf"), "Child R overview report"),
        ])
        server = stack.enter_context(FaultServer(site.resources))
        out = crawl(tmp_path, [server.url(site.listing)])
        assert other.requested_paths() == {"/robots.txt", "/files/77", "/store/r.pdf"}
        assert {other.url("/files/77"), other.url("/store/r.pdf")} <= out.document_urls
        pages = [r["final_url"] or u for u, r in out.rows.items() if r["kind"] == "page"]
        assert pages and all(in_prefixes(p, [server.netloc]) for p in pages)


def test_a_redirect_off_the_site_is_never_expanded(tmp_path: Path) -> None:
    """An on-site link redirecting to another site's page: nothing that page links to is
    fetched (whether the redirect target itself may be fetched is a separate question)."""
    elsewhere = {
        "/new-home": Resource(html_page("Reviews", [("/store/x.pdf", "Child X review"),
                                                    ("/more", "More reviews")])),
        "/store/x.pdf": Resource(pdf_bytes("never x"), PDF_TYPE),
        "/more": Resource(html_page("More", [])),
    }
    with ExitStack() as stack:
        other = stack.enter_context(FaultServer(elsewhere, host="localhost"))
        site = board_site(n_documents=1, n_subpages=0, extra_links=[("/old-home", "Archive")])
        site.resources["/old-home"] = Resource(b"", HTML, 301,
                                               {"Location": other.url("/new-home")})
        server = stack.enter_context(FaultServer(site.resources))
        crawl(tmp_path, [server.url(site.listing)])
        assert other.requested_paths() <= {"/robots.txt", "/new-home"}


# -- a random fault rate ---------------------------------------------------------------------
def _random_web(stack: ExitStack, seed: int) -> tuple[FaultServer, FaultServer, list[str]]:
    """A board (24 reviews over a listing and 3 sub-pages) and a document store (6 more),
    both failing 20% of requests; returns the servers and every review's URL."""
    store_docs = [f"/files/{4000 + i}" for i in range(6)]
    store = stack.enter_context(FaultServer(
        {d: Resource(pdf_bytes(d), "application/octet-stream") for d in store_docs},
        fault_rate=0.2, seed=seed + 1000, host="localhost"))
    site = board_site(n_documents=24, n_subpages=3, extra_links=[
        (store.url(d), f"Executive summary {d} (PDF)") for d in store_docs])
    board = stack.enter_context(FaultServer(site.resources, fault_rate=0.2, seed=seed))
    urls = [board.url(d) for d in site.documents] + [store.url(d) for d in store_docs]
    return board, store, urls


@pytest.mark.parametrize("seed", [
    2, 3, 4,
    # seed 5: /files/4005 on the store fails all four attempts of the first run
    5,
])
def test_under_a_random_fault_rate_every_review_is_fetched_once(tmp_path: Path,
                                                                 seed: int) -> None:
    """20% of requests fail (each request on its own, so a retry may succeed); with three
    retries, and at most three runs, every review is stored, and none is fetched twice."""
    settings = FAST.with_overrides(retries=3)
    with ExitStack() as stack:
        board, store, reviews = _random_web(stack, seed)
        for _ in range(3):
            out = crawl(tmp_path, [board.url("/reviews")], settings)
            if set(reviews) <= out.document_urls:
                break
        injected = sum(1 for s in (board, store) for r in s.entries() if r.fault)
        assert injected >= 3, "the fault rate injected too few faults to mean anything"
        missing = set(reviews) - out.document_urls
        assert not missing, f"never fetched: {sorted(missing)}"
        for server in (board, store):
            twice = {p: n for p in server.requested_paths()
                     if (n := server.ok_count(p)) > 1 and p != "/robots.txt"}
            assert not twice, f"fetched successfully more than once: {twice}"


# -- kill -9 and resume ----------------------------------------------------------------------
def _scr_crawl(sources: Path, data: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env |= {"SCR_TIMEOUT": "5", "SCR_RETRIES": "1", "SCR_BACKOFF": "0.01"}
    command = [sys.executable, "-c", "from app.cli import main; import sys; sys.exit(main())",
               "crawl", "--sources", str(sources), "--data", str(data), "--delay", "0.05"]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)


def test_a_killed_crawl_resumes_without_refetching(tmp_path: Path) -> None:
    site = board_site(n_documents=80, n_subpages=2, padding=2000)
    data, log = tmp_path / "data", tmp_path / "scr.log"
    with FaultServer(site.resources) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "{BOARD}"\nurl = "{server.url(site.listing)}"\n',
                           encoding="utf-8")
        proc = _scr_crawl(sources, data, log)
        try:
            deadline = time.monotonic() + 30
            while sum(server.ok_count(d) for d in site.documents) < 25:
                assert proc.poll() is None, f"the crawl ended early:\n{log.read_text()}"
                assert time.monotonic() < deadline, "the crawl made no progress"
                time.sleep(0.02)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        with Catalogue(data / "catalogue.sqlite") as cat:
            done = {r[0] for r in cat.db.execute(
                "SELECT url FROM urls WHERE state='done' AND kind='document'")}
        assert 20 <= len(done) < len(site.documents), "the kill did not land midway"
        before = len(server.entries())

        second = _scr_crawl(sources, data, log)
        assert second.wait(timeout=60) == 0, log.read_text()
        again = [r.path for r in server.entries()[before:]]
        refetched = {server.url(p) for p in again} & done
        assert not refetched, f"fetched again after resuming: {sorted(refetched)}"
        assert not [p for p, n in Counter(again).items() if n > 1 and p != "/robots.txt"]
        with Catalogue(data / "catalogue.sqlite") as cat:
            stored = {r[0] for r in cat.db.execute("SELECT url FROM document_urls")}
        assert {server.url(d) for d in site.documents} <= stored
