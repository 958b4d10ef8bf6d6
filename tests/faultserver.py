"""A fault-injecting HTTP server on loopback that serves a small safeguarding-board site.

One :class:`FaultServer` stands for one host: a ``ThreadingHTTPServer`` on an ephemeral port of
127.0.0.1, served from a daemon thread, used as a context manager. It answers from a mutable
``site`` (path -> :class:`Resource`), so tests can link one server's pages to another's URLs
once both are listening.

Faults are attached per path (``server.faults[path] = Fault("503", times=2)``: the first two
requests fail, later ones succeed) or drawn at random: with ``fault_rate=p`` every request fails
with probability ``p`` with one of :data:`TRANSIENT` (a fault is decided per request, so a retry
may succeed). The draw depends only on ``(seed, path, n-th request of that path)``, not on the
order threads happen to arrive in, so a seeded run injects the same faults every time.

Fault kinds (see :data:`KINDS`):

- ``"500"``, ``"502"``, ``"503"``: that status with a short HTML body.
- ``"429"``: Too Many Requests; it and ``"503"`` carry ``Retry-After: <server.retry_after>``
  (unless that is None).
- ``"slow"``: nothing is sent for ``server.slow_seconds`` (longer than the client's timeout).
- ``"drop"``: the real status and headers, then half the body, then the connection is closed.
- ``"disconnect"``: the connection is closed without any response.
- ``"loop"``: an endless chain of redirects (``path`` -> ``path?hop=1`` -> ``?hop=2`` -> ...).
- ``"cycle"``: a two-step redirect cycle (``path`` -> ``path?hop=b`` -> ``path`` -> ...).
- ``"huge"``: ``server.huge_bytes`` of PDF-looking bytes with a Content-Length header.
- ``"endless"``: a chunked body without Content-Length that goes on until the client hangs up
  (or ``server.endless_limit`` bytes, so a client without a size cap cannot hang a test).

Every request is logged (:class:`LoggedRequest`): path, query, the status meant to be sent and
the fault injected, if any. :meth:`FaultServer.count` and :meth:`FaultServer.ok_count` count per
path; :meth:`FaultServer.counts` gives a Counter over all paths.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

HTML = "text/html; charset=utf-8"
PDF_TYPE = "application/pdf"

#: Faults that may go away on a retry: the ones random mode draws from.
TRANSIENT: tuple[str, ...] = ("500", "503", "429", "slow", "drop", "disconnect")
#: Every fault kind the server knows.
KINDS: tuple[str, ...] = TRANSIENT + ("502", "loop", "cycle", "huge", "endless")


def pdf_bytes(label: str, padding: int = 0) -> bytes:
    """A tiny PDF-looking body, distinct per ``label`` (the crawler only sniffs ``%PDF-``)."""
    return (b"%PDF-1.4\n% fault-server stand-in: " + label.encode("utf-8") + b"\n"
            + b"%" * padding + b"\n%%EOF\n")


def html_page(title: str, links: Iterable[tuple[str, str]], extra: str = "") -> bytes:
    """A well-formed HTML page with a heading and a list of ``(href, text)`` links."""
    items = "\n".join(f'  <li><a href="{href}">{text}</a></li>' for href, text in links)
    return (f"<!doctype html>\n<html><head><title>{title}</title></head><body>\n"
            f"<h1>{title}</h1>\n<ul>\n{items}\n</ul>\n{extra}</body></html>\n").encode()


@dataclass
class Resource:
    """What a path answers when no fault is injected."""

    body: bytes = b""
    content_type: str | None = HTML
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    """A fault on one path: for the first ``times`` requests, or always (``times=None``)."""

    kind: str
    times: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(KINDS)}")


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it."""

    path: str
    query: str
    status: int | None  # the status line sent (None: no response at all)
    fault: str | None  # the fault injected, if any
    at: float  # time.monotonic() on arrival
    headers: dict[str, str]

    @property
    def ok(self) -> bool:
        """True when a complete 200 response was meant to reach the client."""
        return self.status == 200 and self.fault is None


@dataclass
class BoardSite:
    """The pages and documents of a generated mini board site."""

    resources: dict[str, Resource]
    listing: str  # the seed path
    pages: list[str]  # listing and sub-pages
    documents: list[str]  # review PDF paths


def board_site(n_documents: int = 6, n_subpages: int = 2, *, listing: str = "/reviews",
               extra_links: Iterable[tuple[str, str]] = (), padding: int = 0) -> BoardSite:
    """A listing page linking to ``n_subpages`` "older reviews" pages and review PDFs.

    The documents are spread over the listing and its sub-pages (round robin), so some are
    only reachable through a sub-page. ``extra_links`` are added to the listing as is.
    """
    pages = [listing] + [f"{listing}/page-{i}" for i in range(2, n_subpages + 2)]
    documents = [f"/docs/review-{i:03d}.pdf" for i in range(n_documents)]
    per_page: dict[str, list[tuple[str, str]]] = {p: [] for p in pages}
    for i, doc in enumerate(documents):
        per_page[pages[i % len(pages)]].append(
            (doc, f"Child {i:03d}: serious case review overview report"))
    resources: dict[str, Resource] = {}
    for i, page in enumerate(pages):
        links = list(per_page[page])
        if i == 0:
            links += [(p, f"Older reviews, page {k}") for k, p in enumerate(pages[1:], 2)]
            links += list(extra_links)
        resources[page] = Resource(html_page(f"Case reviews ({i + 1})", links))
    for i, doc in enumerate(documents):
        resources[doc] = Resource(pdf_bytes(f"review {i:03d}", padding), PDF_TYPE)
    return BoardSite(resources, listing, pages, documents)


def malformed_html(links: Iterable[tuple[str, str]]) -> bytes:
    """A listing page with broken markup whose links are still recoverable.

    Unclosed ``<li>``/``<p>``/``<a>`` tags, unquoted and single-quoted and upper-case
    attributes, whitespace around hrefs, a stray ``"``, a comment with ``--`` inside it,
    Latin-1 and invalid UTF-8 bytes, a NUL byte, and a final tag cut off mid-attribute.
    ``links`` are written in turns with one of the recoverable styles each.
    """
    styles = [
        b'<li><a href=%s>%s\n',  # unquoted href, unclosed <a> and <li>
        b"<LI><A HREF='%s' CLASS=doc>%s</A>\n",  # upper case, single quotes
        b'<p>Published 3 March 2017 <a class="x" class="y" href="  %s  ">%s</a>\n',
        b'<td><a title="broken "quote" href="%s">%s</a></td>\n',
        b'<div><a href="%s" download>%s\xe9\xff\xfe</div>\n',  # unclosed <a> in a <div>
    ]
    rows = []
    for i, (href, text) in enumerate(links):
        style = styles[i % len(styles)]
        rows.append(style % (href.encode("ascii"), text.encode("latin-1")))
    head = (b'<html><head><meta charset="utf-8"><title>Reviews \xa3 caf\xe9</title>\n'
            b"<body><h2>Serious case reviews<h3>2017\n<ul>\n<table><tr>\n"
            b"<!-- a comment -- with -- dashes --->\n\x00\n"
            b"<p>Intro paragraph\xc3\x28 with bad utf-8\n")
    tail = b"</table>\n<p><b><i>unclosed formatting\n<a hre"
    return head + b"".join(rows) + tail


class _Server(ThreadingHTTPServer):
    """The listening server; knows its :class:`FaultServer`."""

    daemon_threads = True
    owner: FaultServer

    def handle_error(self, request: object, client_address: object) -> None:
        log.debug("fault server: error while handling a request", exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    """Hands every GET to the owning :class:`FaultServer`."""

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "FaultServer/1"
    timeout = 10  # idle keep-alive connections are closed after this many seconds
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        log.debug("fault server %s", format % args)

    def do_GET(self) -> None:
        try:
            self.server.owner._respond(self)
        except OSError:  # the client went away (timeout, size cap): nothing left to do
            self.close_connection = True


class FaultServer:
    """One simulated host serving ``site`` with injected faults; use as a context manager."""

    def __init__(self, site: dict[str, Resource] | None = None, *,
                 robots: str | None = None, fault_rate: float = 0.0, seed: int = 0,
                 random_kinds: Iterable[str] = TRANSIENT,
                 random_exempt: Iterable[str] = ("/robots.txt",),
                 retry_after: str | None = "0", slow_seconds: float = 1.5,
                 huge_bytes: int = 256 * 1024, endless_limit: int = 64 * 1024 * 1024,
                 host: str = "127.0.0.1") -> None:
        """``robots``: the robots.txt text (None: robots.txt answers 404). ``host``: the name
        URLs are written with (``127.0.0.1`` or ``localhost``; the socket is always bound to
        127.0.0.1)."""
        self.site: dict[str, Resource] = dict(site or {})
        if robots is not None:
            self.site["/robots.txt"] = Resource(robots.encode(), "text/plain")
        self.faults: dict[str, Fault] = {}
        self.fault_rate = fault_rate
        self.seed = seed
        self.random_kinds = tuple(random_kinds)
        self.random_exempt = set(random_exempt)
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.endless_limit = endless_limit
        self.host = host
        self.log: list[LoggedRequest] = []
        self.streamed: Counter[str] = Counter()  # body bytes written by "huge"/"endless"
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> FaultServer:
        """Bind an ephemeral port of 127.0.0.1 and serve from a daemon thread."""
        if self._server is None:
            server = _Server(("127.0.0.1", 0), _Handler)
            server.owner = self
            self._server = server
            self._thread = threading.Thread(target=server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name=f"faultserver-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake any handler sleeping in a slow fault, release the port."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fault server is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def netloc(self) -> str:
        """Host and port, as :func:`ingest.urls.host_of` gives it."""
        return f"{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- the request log ------------------------------------------------------------------
    def count(self, path: str) -> int:
        """Requests received for ``path`` (any query string, any outcome)."""
        with self._lock:
            return sum(1 for r in self.log if r.path == path)

    def ok_count(self, path: str) -> int:
        """Complete 200 responses sent for ``path``."""
        with self._lock:
            return sum(1 for r in self.log if r.path == path and r.ok)

    def counts(self) -> Counter[str]:
        """Requests per path."""
        with self._lock:
            return Counter(r.path for r in self.log)

    def requested_paths(self) -> set[str]:
        with self._lock:
            return {r.path for r in self.log}

    def entries(self, path: str | None = None) -> list[LoggedRequest]:
        """A snapshot of the log (of one path, if given)."""
        with self._lock:
            return [r for r in self.log if path is None or r.path == path]

    # -- answering ------------------------------------------------------------------------
    def _choose_fault(self, path: str, nth: int) -> str | None:
        """The fault for the ``nth`` request (0-based) of ``path``, if any."""
        fixed = self.faults.get(path)
        if fixed is not None and (fixed.times is None or nth < fixed.times):
            return fixed.kind
        if self.fault_rate > 0 and path not in self.random_exempt and self.random_kinds:
            draw = random.Random(f"{self.seed}|{path}|{nth}")
            if draw.random() < self.fault_rate:
                return draw.choice(self.random_kinds)
        return None

    def _respond(self, h: _Handler) -> None:
        parts = urlsplit(h.path)
        path = parts.path or "/"
        with self._lock:
            nth = self._seen[path]
            self._seen[path] += 1
        fault = self._choose_fault(path, nth)
        resource = self.site.get(path)
        if resource is None:
            resource = Resource(b"<h1>Not found</h1>", HTML, 404)
        status: int | None = resource.status
        if fault in ("500", "502", "503", "429"):
            status = int(fault)
        elif fault in ("loop", "cycle"):
            status = 302
        elif fault == "disconnect":
            status = None
        elif fault in ("huge", "endless"):
            status = 200
        entry = LoggedRequest(path, parts.query, status, fault, time.monotonic(),
                              {k.lower(): v for k, v in h.headers.items()})
        with self._lock:
            self.log.append(entry)
        if fault is None:
            self._send(h, resource.status, resource.body, resource.content_type,
                       resource.headers)
        elif fault in ("500", "502", "503", "429"):
            after = {"Retry-After": self.retry_after} if fault in ("429", "503") and (
                self.retry_after is not None) else {}
            self._send(h, int(fault), f"<h1>Error {fault}</h1>".encode(), HTML, after)
        elif fault == "slow":
            if not self._stopping.wait(self.slow_seconds):
                self._send(h, resource.status, resource.body, resource.content_type,
                           resource.headers)
        elif fault == "drop":
            self._drop(h, resource)
        elif fault == "disconnect":
            h.close_connection = True
        elif fault in ("loop", "cycle"):
            self._send(h, 302, b"<p>Moved</p>", HTML,
                       {"Location": self.url(path + self._next_hop(fault, parts.query))})
        elif fault == "huge":
            self._huge(h, path)
        elif fault == "endless":
            self._endless(h, path)

    @staticmethod
    def _next_hop(kind: str, query: str) -> str:
        hop = parse_qs(query).get("hop", ["0"])[0]
        if kind == "cycle":
            return "" if hop == "b" else "?hop=b"
        return f"?hop={int(hop) + 1 if hop.isdigit() else 1}"

    @staticmethod
    def _send(h: _Handler, status: int, body: bytes, ctype: str | None,
              headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        if ctype is not None:
            h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)
        h.wfile.flush()

    @staticmethod
    def _drop(h: _Handler, resource: Resource) -> None:
        body = resource.body if len(resource.body) >= 2 else resource.body + b" " * 64
        h.send_response(resource.status)
        if resource.content_type is not None:
            h.send_header("Content-Type", resource.content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[: len(body) // 2])
        h.wfile.flush()
        h.close_connection = True
        h.connection.shutdown(socket.SHUT_RDWR)

    def _huge(self, h: _Handler, path: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", PDF_TYPE)
        h.send_header("Content-Length", str(self.huge_bytes))
        h.end_headers()
        block = b"%PDF-1.4\n" + b"0" * (64 * 1024 - 9)
        sent = 0
        while sent < self.huge_bytes and not self._stopping.is_set():
            piece = block[: self.huge_bytes - sent]
            h.wfile.write(piece)
            sent += len(piece)
            with self._lock:
                self.streamed[path] += len(piece)
        h.wfile.flush()

    def _endless(self, h: _Handler, path: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", PDF_TYPE)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        chunk = b"%PDF-1.4\n" + b"1" * (16 * 1024 - 9)
        sent = 0
        while sent < self.endless_limit and not self._stopping.is_set():
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
            with self._lock:
                self.streamed[path] += len(chunk)
        h.wfile.write(b"0\r\n\r\n")
        h.wfile.flush()
