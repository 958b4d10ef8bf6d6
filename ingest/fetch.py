"""Polite HTTP fetching: robots.txt, per-host delay, retries with back-off, size cap, redirects.

One :class:`Fetcher` is shared by a crawl. It never sends two requests to one host at once (a
lock per host), waits ``delay`` seconds (or the host's robots Crawl-delay, if larger) between two
requests to a host, retries 429/5xx and connection errors with exponential back-off and jitter
(honouring Retry-After), follows redirects itself so that every hop is checked against
robots.txt, and stops reading a body past the size cap.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from protego import Protego

from ingest.settings import Settings
from ingest.urls import host_of, normalise_url

log = logging.getLogger(__name__)

RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class _Raw:
    """One HTTP response as read: status, headers and the (possibly capped) body."""

    status_code: int
    headers: httpx.Headers
    body: bytes
    too_large: bool = False

    @property
    def is_redirect(self) -> bool:
        return self.status_code in (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class FetchResult:
    """The outcome of fetching one URL (after redirects and retries)."""

    url: str
    final_url: str
    status_code: int | None
    content_type: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None  # set when no usable response was had
    # ok | not_modified | http_error | robots | robots_unavailable | too_large | error |
    # redirect_loop | duplicate
    outcome: str = "ok"

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Fetcher:
    """Fetches URLs politely; thread-safe, one request at a time per host."""

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 on_request: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self._sleep = sleep
        self._on_request = on_request
        self._transport = transport
        self._ssl = httpx.create_ssl_context()  # one context for all hosts (each costs ~1 MB)
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._next_time: dict[str, float] = {}
        self._robots: dict[str, Protego | str | None] = {}
        self.host_delay: dict[str, float] = {}
        self.requested: list[str] = []  # every URL a request was sent for, in order

    def _client(self, host: str) -> httpx.Client:
        """One client (one kept-alive connection) per host.

        A single shared client keeps only a few idle connections, so with many hosts in
        parallel every request opened a new connection (bench/crawl.py); one small pool per
        host keeps each host's connection alive between its requests.
        """
        with self._lock:
            client = self._clients.get(host)
            if client is None:
                client = httpx.Client(
                    headers={"User-Agent": self.settings.user_agent, "Accept": "*/*"},
                    timeout=httpx.Timeout(self.settings.timeout),
                    follow_redirects=False,
                    transport=self._transport,
                    verify=self._ssl,
                    limits=httpx.Limits(max_connections=2, max_keepalive_connections=1),
                )
                self._clients[host] = client
            return client

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

    # -- politeness ---------------------------------------------------------------------
    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def delay_for(self, host: str) -> float:
        return max(self.settings.delay, self.host_delay.get(host, 0.0))

    def ready_at(self, host: str) -> float:
        """The monotonic time from which ``host`` may be sent its next request."""
        return self._next_time.get(host, 0.0)

    def _wait_turn(self, host: str) -> None:
        wait = self._next_time.get(host, 0.0) - time.monotonic()
        if wait > 0:
            self._sleep(wait)

    def _send(self, url: str, headers: dict[str, str] | None = None) -> _Raw:
        """One GET (streamed, capped) with the host's delay respected; caller holds host lock."""
        host = host_of(url)
        self._wait_turn(host)
        with self._lock:
            self.requested.append(url)
        if self._on_request:
            self._on_request(url)
        try:
            with self._client(host).stream("GET", url, headers=headers) as resp:
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.settings.max_bytes:
                    return _Raw(resp.status_code, resp.headers, b"", too_large=True)
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.settings.max_bytes:
                        return _Raw(resp.status_code, resp.headers, b"", too_large=True)
                    chunks.append(chunk)
                return _Raw(resp.status_code, resp.headers, b"".join(chunks))
        finally:
            self._next_time[host] = time.monotonic() + self.delay_for(host)

    def _get_with_retries(self, url: str, headers: dict[str, str] | None = None) -> _Raw | str:
        """A response, or an error string after the retries are spent."""
        attempt = 0
        while True:
            try:
                resp = self._send(url, headers)
            except (httpx.TransportError, httpx.InvalidURL) as exc:
                reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
                if attempt >= self.settings.retries or isinstance(exc, httpx.InvalidURL):
                    return reason
                backoff = self.settings.backoff * (2 ** attempt) * (0.5 + random.random())
                log.info("retry %s in %.1fs after %s", url, backoff, reason)
            else:
                if resp.status_code not in RETRY_STATUS or attempt >= self.settings.retries:
                    return resp
                after = _retry_after_seconds(resp.headers.get("retry-after"))
                if after is not None and after > self.settings.max_retry_after:
                    return resp
                backoff = after if after is not None else (
                    self.settings.backoff * (2 ** attempt) * (0.5 + random.random())
                )
                log.info("retry %s in %.1fs after HTTP %s", url, backoff, resp.status_code)
            attempt += 1
            self._sleep(backoff)

    # -- robots.txt ---------------------------------------------------------------------
    def robots(self, url: str) -> Protego | str | None:
        """The robots.txt rules of ``url``'s host for this run.

        None: no robots.txt (4xx), everything allowed. A string: robots.txt could not be read
        (network error, 429 or 5xx), which RFC 9309 treats as complete disallow; the string
        says why, and the host is tried again in a later run.
        """
        host = host_of(url)
        if host in self._robots:
            return self._robots[host]
        scheme = url.split("://", 1)[0]
        with self._host_lock(host):
            if host in self._robots:
                return self._robots[host]
            rules: Protego | str | None = None
            target = f"{scheme}://{host}/robots.txt"
            for _ in range(self.settings.max_redirects + 1):
                result = self._get_with_retries(target)
                if isinstance(result, str) or not result.is_redirect:
                    break
                target = normalise_url(result.headers.get("location", ""), target) or ""
                if not target:
                    break
            if isinstance(result, str):
                rules = f"robots.txt unreachable ({result})"
            elif result.status_code >= 500 or result.status_code == 429:
                rules = f"robots.txt answered HTTP {result.status_code}"
            elif result.status_code < 300:
                rules = Protego.parse(result.body.decode("utf-8", errors="replace"))
                delay = rules.crawl_delay(self.settings.user_agent)
                if delay:
                    self.host_delay[host] = float(delay)
            if isinstance(rules, str):
                log.warning("%s: %s; not crawling the host this run", host, rules)
            self._robots[host] = rules
        return rules

    def allowed(self, url: str) -> bool:
        rules = self.robots(url)
        return rules is None or (not isinstance(rules, str)
                                 and rules.can_fetch(url, self.settings.user_agent))

    # -- the public call ----------------------------------------------------------------
    def fetch(self, url: str, seen: Callable[[str], bool] | None = None,
              etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url`` following redirects (each hop checked against robots.txt).

        ``seen(url)`` is asked before following a redirect: a target already fetched in this
        run is not fetched again (the result then says ``redirect to a URL already fetched``).
        ``etag`` / ``last_modified`` from an earlier fetch make the request conditional; an
        unchanged resource then comes back with outcome ``not_modified`` and no body.
        """
        current = url
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        for _ in range(self.settings.max_redirects + 1):
            rules = self.robots(current)
            if isinstance(rules, str):
                return FetchResult(url, current, None, None, b"", error=rules,
                                   outcome="robots_unavailable")
            if not self.allowed(current):
                return FetchResult(url, current, None, None, b"", error="disallowed by robots.txt",
                                   outcome="robots")
            with self._host_lock(host_of(current)):
                result = self._get_with_retries(current, conditional or None)
            if isinstance(result, str):
                return FetchResult(url, current, None, None, b"", error=result, outcome="error")
            resp = result
            if resp.is_redirect and "location" in resp.headers:
                target = normalise_url(resp.headers["location"], current)
                if target is None:
                    return FetchResult(url, current, resp.status_code, None, b"",
                                       error="redirect to an unusable location",
                                       outcome="http_error")
                if seen is not None and target != url and seen(target):
                    return FetchResult(url, target, resp.status_code, None, b"",
                                       error="redirect to a URL already fetched",
                                       outcome="duplicate")
                current = target
                continue
            ctype = resp.headers.get("content-type")
            common = dict(etag=resp.headers.get("etag") or etag,
                          last_modified=resp.headers.get("last-modified") or last_modified)
            if resp.status_code == 304:
                return FetchResult(url, current, 304, ctype, b"", outcome="not_modified",
                                   **common)
            if resp.too_large:
                return FetchResult(url, current, resp.status_code, ctype, b"",
                                   error=f"larger than {self.settings.max_bytes} bytes",
                                   outcome="too_large", **common)
            if resp.status_code >= 400:
                return FetchResult(url, current, resp.status_code, ctype, b"",
                                   error=f"HTTP {resp.status_code}", outcome="http_error",
                                   **common)
            return FetchResult(url, current, resp.status_code, ctype, resp.body, **common)
        return FetchResult(url, current, None, None, b"",
                           error=f"more than {self.settings.max_redirects} redirects",
                           outcome="redirect_loop")
