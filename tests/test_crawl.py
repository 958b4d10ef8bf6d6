"""The crawl stage on a small in-memory site: scope, robots, resumption, no refetching."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from ingest.blobs import BlobStore
from ingest.catalogue import Catalogue
from ingest.crawl import Crawl
from ingest.settings import Settings
from ingest.sources import Source

PDF = b"%PDF-1.4\n% a tiny stand-in\n"
SITE = {
    "http://board.test/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /secret/\n"),
    "http://board.test/reviews": (200, "text/html", b"""<html><body>
        <nav><a href="/">Home</a> <a href="/contact">Contact</a></nav>
        <h2>Serious case reviews</h2>
        <ul><li>Child D - published March 2017: <a href="/docs/child-d.pdf">Overview report</a></li>
        <li><a href="http://store.test/files/12345">Executive summary (PDF, 200KB)</a></li>
        <li><a href="/secret/child-x.pdf">Child X</a></li>
        <li><a href="/reviews?page=2">Next page</a></li>
        <li><a href="/gone.pdf">Old report</a></li>
        <li><a href="http://elsewhere.test/news">Another board's news</a></li></ul>
        </body></html>"""),
    "http://board.test/reviews?page=2": (200, "text/html",
                                         b'<a href="/docs/child-e.pdf">Child E report</a>'),
    "http://board.test/": (200, "text/html", b"<html>home <a href='/reviews'>Reviews</a></html>"),
    "http://board.test/contact": (200, "text/html", b"<html>contact us</html>"),
    "http://board.test/docs/child-d.pdf": (200, "application/pdf", PDF + b"d"),
    "http://board.test/docs/child-e.pdf": (200, "application/pdf", PDF + b"e"),
    "http://store.test/files/12345": (200, "application/octet-stream", PDF + b"summary"),
}


class Site:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.fail_after: int | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requests.append(url)
        if self.fail_after is not None and len(self.requests) > self.fail_after:
            raise KeyboardInterrupt  # the user pressing Ctrl-C mid-run
        if url.endswith("/robots.txt") and url not in SITE:
            return httpx.Response(404)
        status, ctype, body = SITE.get(url, (404, "text/html", b"not found"))
        return httpx.Response(status, content=body, headers={"content-type": ctype})


def run(tmp_path: Path, site: Site) -> tuple[dict, Catalogue]:
    cat = Catalogue(tmp_path / "catalogue.sqlite")
    source = Source(name="Testshire Board", urls=("http://board.test/reviews",))
    stats = Crawl(cat, BlobStore(tmp_path / "blobs"), [source], Settings(delay=0.0),
                  transport=httpx.MockTransport(site)).run()
    return dict(stats), cat


def test_crawl_finds_documents_and_respects_scope(tmp_path: Path) -> None:
    site = Site()
    stats, cat = run(tmp_path, site)
    urls = {d["url"] for d in cat.db.execute("SELECT url FROM documents")}
    assert {"http://board.test/docs/child-d.pdf", "http://board.test/docs/child-e.pdf",
            "http://store.test/files/12345"} <= urls
    assert "http://board.test/secret/child-x.pdf" not in site.requests
    assert "http://elsewhere.test/news" not in site.requests  # off-site HTML page not followed
    assert stats["skipped/robots"] == 1
    assert stats["failed/http_error"] == 1  # the dead link, recorded
    assert cat.url_row("http://board.test/gone.pdf")["error"] == "HTTP 404"
    fetched = [u for u in site.requests if not u.endswith("robots.txt")]
    assert len(fetched) == len(set(fetched)), "a URL was fetched twice in one run"
    link = cat.links_to(["http://board.test/docs/child-d.pdf"])[0]
    assert link["text"] == "Overview report" and "March 2017" in link["context"]


def test_second_run_fetches_nothing(tmp_path: Path) -> None:
    run(tmp_path, Site())
    again = Site()
    stats, _ = run(tmp_path, again)
    assert again.requests == [] and stats["requests"] == 0


def test_interrupted_run_resumes_without_refetching(tmp_path: Path) -> None:
    first = Site()
    first.fail_after = 4
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, first)
    cat = Catalogue(tmp_path / "catalogue.sqlite")
    recorded = {r[0] for r in cat.db.execute("SELECT url FROM urls WHERE state != 'queued'")}
    answered = {u for u in first.requests[:4] if not u.endswith("robots.txt")}
    assert answered <= recorded, "a response received before the interruption was lost"
    second = Site()
    _, cat = run(tmp_path, second)
    refetched = recorded & set(second.requests)
    assert not refetched, f"refetched after resume: {refetched}"
    urls = {d["url"] for d in cat.db.execute("SELECT url FROM documents")}
    assert "http://board.test/docs/child-e.pdf" in urls


def test_dead_seed_is_reported_not_fatal(tmp_path: Path) -> None:
    cat = Catalogue(tmp_path / "catalogue.sqlite")
    sources = [Source(name="Testshire Board", urls=("http://board.test/reviews",)),
               Source(name="Moved Board", urls=("http://board.test/moved-away",))]
    crawl = Crawl(cat, BlobStore(tmp_path / "blobs"), sources, Settings(delay=0.0),
                  transport=httpx.MockTransport(Site()))
    stats = crawl.run()
    assert stats["sources/seed_unreachable"] == 1
    assert crawl.seed_problems == [("Moved Board", "http://board.test/moved-away", "HTTP 404")]
    assert stats["fetched/document"] >= 3  # the other source was crawled as usual
