"""The polite fetcher: robots.txt, retries with Retry-After, redirects, size cap, User-Agent."""

from __future__ import annotations

import httpx
import pytest

from ingest.fetch import Fetcher
from ingest.settings import Settings

ROBOTS = "User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n"


def make(handler, **overrides) -> tuple[Fetcher, list[float]]:
    slept: list[float] = []
    settings = Settings(delay=0.0, backoff=0.01, retries=2).with_overrides(**overrides)
    return Fetcher(settings, transport=httpx.MockTransport(handler), sleep=slept.append), slept


def test_robots_disallow_and_user_agent() -> None:
    agents = []

    def handler(request: httpx.Request) -> httpx.Response:
        agents.append(request.headers["user-agent"])
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text=ROBOTS)
        return httpx.Response(200, html="<html>ok</html>")

    f, _ = make(handler)
    assert f.fetch("http://b.test/private/x.pdf").outcome == "robots"
    assert f.fetch("http://b.test/public").ok
    assert "http://b.test/private/x.pdf" not in f.requested
    assert all("SCR-Atlas" in a and "http" in a for a in agents)
    assert f.delay_for("b.test") == 2.0  # Crawl-delay honoured


def test_retry_after_then_success() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(503, headers={"Retry-After": "3"})
        return httpx.Response(200, content=b"%PDF-1.4 ...",
                              headers={"content-type": "application/pdf"})

    f, slept = make(handler)
    result = f.fetch("http://b.test/doc")
    assert result.ok and result.body.startswith(b"%PDF")
    assert 3.0 in slept


def test_retries_are_capped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404) if request.url.path == "/robots.txt" else httpx.Response(500)

    f, _ = make(handler)
    result = f.fetch("http://b.test/x")
    assert result.outcome == "http_error" and result.status_code == 500
    assert f.requested.count("http://b.test/x") == 3  # one try and two retries


def test_connection_errors_are_an_outcome() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        raise httpx.ConnectError("refused", request=request)

    f, _ = make(handler)
    result = f.fetch("http://down.test/x")
    assert result.outcome == "error" and "ConnectError" in (result.error or "")


def test_a_host_that_is_down_is_unavailable_not_allowed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    f, _ = make(handler)
    result = f.fetch("http://down.test/x")
    assert result.outcome == "robots_unavailable" and "ConnectError" in (result.error or "")
    assert f.requested == ["http://down.test/robots.txt"] * 3  # one try and two retries


def test_redirects_are_followed_and_checked_against_robots() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/robots.txt":
            return httpx.Response(200, text=ROBOTS)
        if path == "/old":
            return httpx.Response(301, headers={"location": "/new"})
        if path == "/sneaky":
            return httpx.Response(302, headers={"location": "/private/doc.pdf"})
        if path == "/loop":
            return httpx.Response(302, headers={"location": "/loop"})
        return httpx.Response(200, text="new page")

    f, _ = make(handler)
    moved = f.fetch("http://b.test/old")
    assert moved.ok and moved.final_url == "http://b.test/new"
    assert f.fetch("http://b.test/sneaky").outcome == "robots"
    assert "http://b.test/private/doc.pdf" not in f.requested
    assert f.fetch("http://b.test/loop").outcome == "redirect_loop"


@pytest.mark.parametrize("declare", [True, False])
def test_size_cap(declare: bool) -> None:
    body = b"x" * 5000

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        headers = {"content-length": str(len(body))} if declare else {}
        return httpx.Response(200, content=body, headers=headers)

    f, _ = make(handler, max_bytes=1000)
    result = f.fetch("http://b.test/huge.pdf")
    assert result.outcome == "too_large" and result.body == b""


def test_robots_server_error_means_disallow() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500) if request.url.path == "/robots.txt" else httpx.Response(200)

    f, _ = make(handler, retries=0)
    result = f.fetch("http://b.test/x")
    assert result.outcome == "robots_unavailable" and "HTTP 500" in (result.error or "")
    assert "http://b.test/x" not in f.requested


def test_robots_txt_redirect_is_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "b.test" and request.url.path == "/robots.txt":
            return httpx.Response(301, headers={"location": "https://www.b.test/robots.txt"})
        if request.url.host == "www.b.test":
            return httpx.Response(200, text="User-agent: *\nDisallow: /private/\n")
        return httpx.Response(200)

    f, _ = make(handler)
    assert f.fetch("http://b.test/private/x.pdf").outcome == "robots"
    assert f.fetch("http://b.test/public").ok
