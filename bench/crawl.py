"""A simulated national crawl: how close does the crawler come to the politeness lower bound?

The bench starts ``--hosts`` loopback web sites (one port each on 127.0.0.1, all served by one
asyncio event loop in a separate process, so that serving costs the crawler neither its GIL
nor its memory), each a board-like site: navigation pages, a seed listing page with numbered
pagination, one page per case review and a small PDF per review, behind a robots.txt. It
writes a sources file for them and runs the real crawl stage (``app.pipeline.crawl``) with
``Settings(delay=D, host_workers=W)`` into a temporary data directory, once per ``--workers``
value, each run in a fresh process (so its peak memory is its own).

The politeness lower bound is the time the busiest host alone needs: its request count
(robots.txt included) times the delay. No crawler that waits ``delay`` between two requests to
one host can finish sooner. The product goal is wall time within 1.2x of it.

What the server sees is the ground truth: requests per host and kind, TCP connections opened,
and the gaps between two requests to one host (a gap shorter than the delay is a politeness
violation). In the crawl's own throw-away process a few of the crawler's functions are timed
by wrapping them at run time (``Crawl._handle``, ``extract_links``, the scheduler's ``wait``,
``Fetcher._send`` and ``_wait_turn``) to say where the main thread's and the workers' time
goes; one the crawler no longer has reads n/a. ``--profile`` adds a cProfile of the crawl's
main thread (the scheduler, which also parses HTML and writes the catalogue); cProfile measures
wall time there, so the time under ``wait`` is time the scheduler sat idle.

    .venv/bin/python -m bench.crawl                   # 150 hosts; default workers, then W=hosts
    .venv/bin/python -m bench.crawl --quick           # 40 hosts, delay 0.1 s (under a minute)
    .venv/bin/python -m bench.crawl --workers 8 32 150 --delay 0.5 --profile
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import math
import multiprocessing
import pstats
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

GOAL = 1.2  # the product owner's target for wall time / politeness bound

# -- the sites ----------------------------------------------------------------------------
SEED = "/case-reviews/"
PER_PAGE = 6  # reviews per listing page
NAV = [("/", "Home"), ("/about-us/", "About us"), ("/contact/", "Contact us"),
       ("/training/", "Training and events"), ("/news/", "News"),
       ("/professionals/", "For professionals"), ("/privacy/", "Privacy notice"),
       ("/accessibility/", "Accessibility statement")]
PLACES = ["Ashford Vale", "Brackenmoor", "Calderbridge", "Dunmere", "Eastwold", "Fennick",
          "Greyhaven", "Hollinsford", "Irthby", "Kestlebury", "Lowmarsh", "Mardenholt",
          "Northcombe", "Oakhurst", "Pellington", "Queensmere", "Ravensby", "Saltmoor",
          "Thornwick", "Upperdale", "Westerleigh", "Yarrowfield"]
REGIONS = ["North East", "North West", "Yorkshire and the Humber", "East Midlands",
           "West Midlands", "East of England", "London", "South East", "South West"]
FILLER = [
    "The partnership brings together the local authority, health services and the police to "
    "keep children safe and to learn from what happens when things go wrong.",
    "Practitioners can book places on multi-agency courses through the learning hub; places "
    "are free to staff working with children and families in the area.",
    "Our newsletter sets out what has changed in local procedures this quarter and where to "
    "find the updated guidance and referral forms.",
    "If you are worried about a child, contact the children's services front door; in an "
    "emergency always call the police.",
    "The annual report describes how the partners worked together over the year and what the "
    "independent scrutineer found when reviewing the arrangements.",
    "We publish reviews so that the learning reaches everyone who works with children, and we "
    "follow up each recommendation until the partners can show it has made a difference.",
]
TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
         "txt": "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class SitePlan:
    """The shape of every site: how many reviews and listing pages give ``urls`` URLs."""

    cases: int
    listing_pages: int

    @property
    def urls(self) -> int:
        """URLs the crawler should fetch per host, robots.txt not counted."""
        return len(NAV) + self.listing_pages + 2 * self.cases

    @classmethod
    def for_pages(cls, pages: int) -> SitePlan:
        """The smallest plan with at least ``pages`` URLs per host."""
        cases = 1
        while len(NAV) + math.ceil(cases / PER_PAGE) + 2 * cases < pages:
            cases += 1
        return cls(cases, math.ceil(cases / PER_PAGE))


def board_name(i: int) -> str:
    return f"{PLACES[i % len(PLACES)]} Safeguarding Children Partnership {i + 1:03d}"


def _pdf(lines: list[str]) -> bytes:
    """A small valid PDF: Helvetica text, 60 lines a page."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    chunks = [lines[i:i + 60] for i in range(0, len(lines), 60)] or [[""]]
    n_pages = len(chunks)
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * p} 0 R" for p in range(n_pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for p, chunk in enumerate(chunks):
        text = "BT /F1 10 Tf 12 TL 56 790 Td\n" + "".join(f"({esc(s)}) '\n" for s in chunk) + "ET"
        stream = text.encode("latin-1", errors="replace")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                       f"<< /Font << /F1 3 0 R >> >> /Contents {5 + 2 * p} 0 R >>".encode())
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream
                       + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def _page(board: str, title: str, content: str, page_kb: int, salt: int) -> bytes:
    """A board-like HTML page: header and navigation, the content, news cards, a footer."""
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in NAV)
    head = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | '
            f'{board}</title><link rel="stylesheet" href="/assets/site.css"></head><body>'
            f'<div class="cookies"><p>We use cookies to make this site work.</p>'
            f'<button>Accept</button></div><header><a class="logo" href="/">{board}</a>'
            f'<form action="/search"><input name="q"><button>Search</button></form>'
            f'<nav><ul>{nav}<li><a href="{SEED}">Case reviews</a></li></ul></nav>'
            f'<a href="/admin/login">Staff log in</a> <a href="/admin/reports/">Reports admin'
            f'</a></header><main><h1>{title}</h1>{content}</main>')
    foot = (f'<footer><p>{board} is the statutory safeguarding partnership for the area.</p>'
            '<ul><li><a href="https://www.gov.uk/government/publications/working-together-to-'
            'safeguard-children--2">Working together to safeguard children</a></li>'
            '<li><a href="mailto:partnership@example.org">Email the partnership</a></li></ul>'
            '</footer></body></html>')
    cards: list[str] = []
    size = len(head) + len(foot)
    j = 0
    while size < page_kb * 1024:
        text = FILLER[(salt + j) % len(FILLER)]
        card = (f'<div class="card"><h3>Update {j + 1}</h3><p>{text}</p>'
                f'<p class="meta">Posted {1 + (salt + j) % 28} May 2023</p></div>')
        cards.append(card)
        size += len(card)
        j += 1
    aside = f'<aside><h2>Latest updates</h2>{"".join(cards)}</aside>' if cards else ""
    return (head + aside + foot).encode()


def build_site(i: int, plan: SitePlan, page_kb: int, pdf_kb: int) -> dict[str, tuple[str, bytes]]:
    """Every URL of host ``i``: request target -> (content type, body)."""
    board = board_name(i)
    site: dict[str, tuple[str, bytes]] = {
        "/robots.txt": (TYPES["txt"], b"User-agent: *\nDisallow: /admin/\n"),
    }
    for n, (href, text) in enumerate(NAV):
        body = f"<p>{FILLER[(i + n) % len(FILLER)]}</p><p>{text} of {board}.</p>"
        site[href] = (TYPES["html"], _page(board, text, body, page_kb, i + n))
    cases = []
    for k in range(plan.cases):
        year = 2015 + (i + k) % 9
        letter = "ABCDEFGHJKLMNPRSTW"[(i * 7 + k) % 18]
        name = f"Child {letter}{k + 1}"
        case_path = f"/case-reviews/{year}/child-{letter.lower()}{k + 1}/"
        pdf_path = f"/documents/{year}/lcspr-child-{letter.lower()}{k + 1}.pdf"
        title = f"{name}: Local Child Safeguarding Practice Review"
        published = f"{1 + (i + k) % 28} {['March', 'June', 'October'][k % 3]} {year}"
        cases.append((case_path, pdf_path, title, published))
        body = (f"<p>Published {published}.</p><p>This review looked at the help given to "
                f"{name} and the family by {board}'s partner agencies.</p>"
                f'<p><a href="{pdf_path}">Read the full review (PDF, {pdf_kb} KB)</a></p>'
                f'<p><a href="{SEED}">Back to case reviews</a></p>')
        site[case_path] = (TYPES["html"], _page(board, title, body, page_kb, i + k))
        lines = [title, board, f"Published {published}", ""]
        while sum(len(s) + 8 for s in lines) < pdf_kb * 1024:
            lines.append(FILLER[(i + k + len(lines)) % len(FILLER)][:90])
        site[pdf_path] = (TYPES["pdf"], _pdf(lines))
    for p in range(plan.listing_pages):
        target = SEED if p == 0 else f"{SEED}?page={p + 1}"
        items = "".join(
            f'<li><a href="{case}">{title}</a> <span>Published {published}</span> '
            f'<a href="{pdf}">Download the report (PDF, {pdf_kb} KB)</a></li>'
            for case, pdf, title, published in cases[p * PER_PAGE:(p + 1) * PER_PAGE])
        numbers = " ".join(
            f'<a href="{SEED if q == 0 else f"{SEED}?page={q + 1}"}">{q + 1}</a>'
            for q in range(plan.listing_pages) if q != p)
        nxt = (f' <a href="{SEED}?page={p + 2}">Next</a>'
               if p + 1 < plan.listing_pages else "")
        body = (f"<p>The partnership publishes its case reviews below.</p><ul class=\"reviews\">"
                f"{items}</ul><nav class=\"pagination\">{numbers}{nxt}</nav>")
        site[target] = (TYPES["html"], _page(board, "Case reviews", body, page_kb, i + p))
    return site


# -- the server process -------------------------------------------------------------------
@dataclass
class _HostLog:
    times: list[float] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    connections: int = 0


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                            site: dict[str, tuple[str, bytes]], hlog: _HostLog) -> None:
    """HTTP/1.1 with keep-alive, GET and HEAD only: enough for the crawler's client."""
    hlog.connections += 1
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            hlog.times.append(time.monotonic())
            request_line, _, header_block = head.decode("latin-1").partition("\r\n")
            method, target, _ = (request_line.split(" ", 2) + ["", ""])[:3]
            close = "connection: close" in header_block.lower()
            ctype, body = site.get(target, ("", b""))
            if ctype:
                status = "200 OK"
                hlog.kinds["robots" if target == "/robots.txt" else ctype.split("/")[1][:4]] += 1
            else:
                status, ctype, body = "404 Not Found", TYPES["html"], b"<h1>Not found</h1>"
                hlog.kinds["404"] += 1
            headers = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n"
                       f"Content-Length: {len(body)}\r\n"
                       f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n")
            writer.write(headers.encode() + (b"" if method == "HEAD" else body))
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


def _server_main(conn: Connection, hosts: int, plan: SitePlan, page_kb: int,
                 pdf_kb: int) -> None:
    """Serve every site on its own port; answer 'snapshot' and 'stop' on ``conn``."""
    sites = [build_site(i, plan, page_kb, pdf_kb) for i in range(hosts)]
    logs = [_HostLog() for _ in range(hosts)]
    loop = asyncio.new_event_loop()

    async def start() -> list[int]:
        ports = []
        for i, site in enumerate(sites):
            async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter,
                             site: dict[str, tuple[str, bytes]] = site,
                             hlog: _HostLog = logs[i]) -> None:
                await _serve_connection(r, w, site, hlog)

            server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=64)
            ports.append(server.sockets[0].getsockname()[1])
        return ports

    async def snapshot() -> list[dict[str, Any]]:
        out = [{"times": h.times, "kinds": dict(h.kinds), "connections": h.connections}
               for h in logs]
        for h in logs:  # in place: each handler holds its host's log
            h.times, h.kinds, h.connections = [], Counter(), 0
        return out

    ports = loop.run_until_complete(start())
    thread = threading.Thread(target=loop.run_forever, name="bench-sites", daemon=True)
    thread.start()
    conn.send({"ports": ports, "bytes": sum(len(b) for s in sites for _, b in s.values())})
    while True:
        command = conn.recv()
        if command == "snapshot":
            conn.send(asyncio.run_coroutine_threadsafe(snapshot(), loop).result())
        else:
            break
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)


class Sites:
    """The loopback sites, served by a child process; a context manager."""

    def __init__(self, hosts: int, plan: SitePlan, page_kb: int, pdf_kb: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_server_main, args=(child, hosts, plan, page_kb, pdf_kb),
                                 name="bench-sites", daemon=True)
        self.ports: list[int] = []
        self.bytes = 0

    def __enter__(self) -> Sites:
        self._proc.start()
        hello = self._conn.recv()
        self.ports, self.bytes = hello["ports"], hello["bytes"]
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._conn.send("stop")
        self._proc.join(timeout=10)
        if self._proc.is_alive():
            self._proc.terminate()

    def snapshot(self) -> list[dict[str, Any]]:
        """Per host: request arrival times, kinds, connections; the counters start again."""
        self._conn.send("snapshot")
        return self._conn.recv()


def write_sources(path: Path, ports: list[int]) -> None:
    lines = []
    for i, port in enumerate(ports):
        lines += ["[[source]]", f"name = {json.dumps(board_name(i))}",
                  f'url = "http://127.0.0.1:{port}{SEED}"', 'nation = "England"',
                  f"region = {json.dumps(REGIONS[i % len(REGIONS)])}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# -- one crawl, in its own process ----------------------------------------------------------
def _rusage_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Timers:
    """Wall and thread-CPU seconds spent inside chosen functions of the crawler, summed.

    Installed by replacing class or module attributes in the crawl's own (throw-away) process;
    the source is not touched. A function the crawler no longer has is skipped, and its
    figure then reads n/a.
    """

    def __init__(self) -> None:
        self.wall: Counter[str] = Counter()
        self.cpu: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def wrap(self, owner: Any, attr: str, key: str) -> None:
        original = getattr(owner, attr, None)
        if not callable(original):
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
                with self._lock:
                    self.wall[key] += wall
                    self.cpu[key] += cpu
                    self.calls[key] += 1

        setattr(owner, attr, timed)

    def install(self) -> None:
        import ingest.crawl
        import ingest.fetch

        crawler = getattr(ingest.crawl, "Crawl", None)
        fetcher = getattr(ingest.fetch, "Fetcher", None)
        self.wrap(crawler, "_handle", "handle")  # main thread: record a result, expand a page
        self.wrap(ingest.crawl, "extract_links", "parse")  # ... of which: parse the HTML
        self.wrap(ingest.crawl, "wait", "wait")  # main thread idle, waiting for a fetch
        self.wrap(fetcher, "_send", "send")  # a worker: one request, its delay included
        self.wrap(fetcher, "_wait_turn", "delay")  # ... of which: sleeping out the delay

    def as_dict(self) -> dict[str, dict[str, float]]:
        return {k: {"wall": self.wall[k], "cpu": self.cpu[k], "calls": self.calls[k]}
                for k in self.calls}


def crawl_once(sources_file: str, delay: float, workers: int, profile: bool,
               top: int) -> dict[str, Any]:
    """Run the real crawl stage into a fresh data directory; runs in a fresh process."""
    from dataclasses import replace

    from app import pipeline
    from ingest.settings import Settings
    from sampleweb.loopback import LoopbackOnlyTransport

    timers = Timers()
    timers.install()
    data = Path(tempfile.mkdtemp(prefix="scr-bench-crawl-"))
    settings = replace(Settings(), data=data, delay=delay, host_workers=workers)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    profiler = cProfile.Profile() if profile else None
    try:
        cpu0, main0, t0 = _rusage_cpu(), time.thread_time(), time.monotonic()
        if profiler:
            profiler.enable()
        counts = pipeline.crawl(data, Path(sources_file), settings,
                                transport=LoopbackOnlyTransport())
        if profiler:
            profiler.disable()
        wall = time.monotonic() - t0
        main_cpu, cpu = time.thread_time() - main0, _rusage_cpu() - cpu0
        catalogue = sum(p.stat().st_size for p in data.glob("catalogue.sqlite*"))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    report = ""
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        report = out.getvalue()
    return {"workers": workers, "delay": delay, "t0": t0, "wall": wall, "main_cpu": main_cpu,
            "cpu": cpu, "rss_before_mib": rss_before / 1024,
            "rss_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "catalogue_mib": catalogue / 2**20, "counts": dict(counts), "profile": report,
            "timers": timers.as_dict()}


# -- the figures --------------------------------------------------------------------------
@dataclass
class Figures:
    """One run's figures, from the crawler's side and the servers' side."""

    workers: int
    delay: float
    hosts: int
    requests: int
    kinds: dict[str, int]
    busiest: int
    bound: float
    wall: float
    ratio: float
    slot_bound: float
    requests_per_s: float
    rss_peak_mib: float
    rss_before_mib: float
    main_cpu_pct: float
    cpu_pct: float
    connections: int
    min_gap: float
    violations: int
    first_request: float
    host_span_median: float
    last_request: float
    catalogue_mib: float
    crawler_counts: dict[str, int]
    timers: dict[str, dict[str, float]]


def figures(run: dict[str, Any], hosts_log: list[dict[str, Any]]) -> Figures:
    delay = run["delay"]
    per_host = [len(h["times"]) for h in hosts_log]
    kinds: Counter[str] = Counter()
    gaps: list[float] = []
    for h in hosts_log:
        kinds.update(h["kinds"])
        times = sorted(h["times"])
        gaps += [b - a for a, b in zip(times, times[1:], strict=False)]
    starts = [min(h["times"]) - run["t0"] for h in hosts_log if h["times"]]
    ends = [max(h["times"]) - run["t0"] for h in hosts_log if h["times"]]
    spans = [max(h["times"]) - min(h["times"]) for h in hosts_log if h["times"]]
    requests = sum(per_host)
    busiest = max(per_host, default=0)
    bound = busiest * delay
    wall = run["wall"]
    return Figures(
        workers=run["workers"], delay=delay, hosts=len(hosts_log), requests=requests,
        kinds=dict(kinds), busiest=busiest, bound=bound, wall=wall,
        ratio=wall / bound if bound else math.inf,
        slot_bound=max(bound, requests * delay / run["workers"]),
        requests_per_s=requests / wall if wall else 0.0,
        rss_peak_mib=run["rss_peak_mib"], rss_before_mib=run["rss_before_mib"],
        main_cpu_pct=100 * run["main_cpu"] / wall, cpu_pct=100 * run["cpu"] / wall,
        connections=sum(h["connections"] for h in hosts_log),
        min_gap=min(gaps, default=math.inf),
        violations=sum(g < delay - 0.002 for g in gaps),
        first_request=min(starts, default=0.0),
        host_span_median=statistics.median(spans) if spans else 0.0,
        last_request=max(ends, default=0.0), catalogue_mib=run["catalogue_mib"],
        crawler_counts=run["counts"], timers=run["timers"])


def show(f: Figures) -> None:
    kinds = ", ".join(f"{v} {k}" for k, v in sorted(f.kinds.items()))
    print(f"\n== workers={f.workers}, delay={f.delay:g}s, {f.hosts} hosts ==")
    rows = [
        ("requests", f"{f.requests} ({kinds}); crawler counted "
                     f"{f.crawler_counts.get('requests', '?')}"),
        ("wall time", f"{f.wall:.1f} s"),
        ("politeness bound", f"{f.bound:.1f} s (busiest host: {f.busiest} requests incl. "
                             f"robots.txt x {f.delay:g} s)"),
        ("ratio wall/bound", f"{f.ratio:.2f}x (goal <= {GOAL}x: "
                             f"{'met' if f.ratio <= GOAL else 'NOT met'})"),
        ("worker-slot bound", f"{f.slot_bound:.1f} s = max(bound, requests x delay / workers):"
                              " the floor while a worker sleeps out its host's delay"),
        ("requests/s", f"{f.requests_per_s:.1f}"),
        ("peak memory", f"{f.rss_peak_mib:.0f} MiB RSS (ru_maxrss; {f.rss_before_mib:.0f} MiB "
                        f"before the crawl); catalogue {f.catalogue_mib:.1f} MiB"),
        ("CPU", f"main thread {f.main_cpu_pct:.0f}% of wall, whole process {f.cpu_pct:.0f}% "
                "(2 cores = 200%)"),
        ("timeline", f"first request at {f.first_request:.2f} s, last at "
                     f"{f.last_request:.1f} s; median host span {f.host_span_median:.1f} s"),
        ("connections", f"{f.connections} opened ({f.connections / max(f.requests, 1):.2f} "
                        "per request)"),
        ("politeness", f"shortest gap between two requests to one host {f.min_gap:.3f} s; "
                       f"{f.violations} gaps < delay"),
    ]
    rows += _timer_rows(f)
    for name, value in rows:
        print(f"  {name:<18} {value}")
    outcome = {k: v for k, v in f.crawler_counts.items() if k != "requests"}
    print(f"  {'crawler outcome':<18} {outcome}")


def _timer_rows(f: Figures) -> list[tuple[str, str]]:
    """Where the main thread's and the workers' time went (from Timers)."""
    t = f.timers

    def wall(key: str) -> str:
        return f"{t[key]['wall']:.1f} s" if key in t else "n/a"

    def pct(key: str) -> str:
        return f" ({100 * t[key]['wall'] / f.wall:.0f}%)" if key in t and f.wall else ""

    rows = [("main thread", f"recording results {wall('handle')}{pct('handle')}"
             + (f" [CPU {t['handle']['cpu']:.1f} s]" if "handle" in t else "")
             + f", of which parsing HTML {wall('parse')}{pct('parse')}; "
             f"idle waiting for fetches {wall('wait')}{pct('wait')}")]
    if "send" in t and t["send"]["calls"]:
        sends = t["send"]["calls"]
        slept = t["delay"]["wall"] if "delay" in t else 0.0
        http = (t["send"]["wall"] - slept) / sends
        rows.append(("workers", f"per request: {1000 * http:.1f} ms in HTTP, "
                                f"{1000 * slept / sends:.0f} ms sleeping out the host's delay "
                                f"while holding a worker slot"))
    return rows


def summary(all_figures: list[Figures]) -> None:
    print("\n   workers   wall s  bound s   ratio  slot-bound s  req/s  peak MiB  main CPU%")
    for f in all_figures:
        print(f"  {f.workers:>8} {f.wall:>8.1f} {f.bound:>8.1f} {f.ratio:>7.2f} "
              f"{f.slot_bound:>13.1f} {f.requests_per_s:>6.0f} {f.rss_peak_mib:>9.0f} "
              f"{f.main_cpu_pct:>10.0f}")


def main(argv: list[str] | None = None) -> int:
    from ingest.settings import Settings

    default_workers = Settings().host_workers
    p = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__.split("\n")[0])
    p.add_argument("--hosts", type=int, help="loopback sites (default 150; --quick: 40)")
    p.add_argument("--pages", type=int, help="URLs per site, robots.txt aside (default 40)")
    p.add_argument("--delay", type=float, help="seconds between two requests to one host "
                                               "(default 0.2; --quick: 0.1)")
    p.add_argument("--workers", type=int, nargs="+",
                   help=f"host_workers per run (default: {default_workers}, the crawler's "
                        "default, then the number of hosts)")
    p.add_argument("--page-kb", type=int, default=16, help="size of an HTML page (default 16)")
    p.add_argument("--pdf-kb", type=int, default=24, help="size of a PDF (default 24)")
    p.add_argument("--quick", action="store_true", help="a smaller, faster run")
    p.add_argument("--profile", action="store_true",
                   help="cProfile the crawl's main thread (the scheduler) and print the top")
    p.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args(argv)
    hosts = args.hosts or (40 if args.quick else 150)
    pages = args.pages or 40
    delay = args.delay if args.delay is not None else (0.1 if args.quick else 0.2)
    workers = list(dict.fromkeys(args.workers or [default_workers, hosts]))
    plan = SitePlan.for_pages(pages)

    print(f"{hosts} hosts x {plan.urls} URLs ({len(NAV)} navigation pages, "
          f"{plan.listing_pages} listing pages, {plan.cases} case pages, {plan.cases} PDFs) "
          f"+ robots.txt; delay {delay:g} s; workers {workers}")
    all_figures: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="scr-bench-") as tmp, \
            Sites(hosts, plan, args.page_kb, args.pdf_kb) as sites:
        print(f"serving {sites.bytes / 2**20:.1f} MiB on ports "
              f"{min(sites.ports)}..{max(sites.ports)}")
        sources = Path(tmp) / "sources.toml"
        write_sources(sources, sites.ports)
        for w in workers:
            sites.snapshot()  # start counting afresh
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
                run = pool.submit(crawl_once, str(sources), delay, w, args.profile,
                                  args.top).result()
            f = figures(run, sites.snapshot())
            show(f)
            if run["profile"]:
                print(f"\n-- cProfile of the main thread, workers={w} (wall-clock times) --")
                print(run["profile"])
            all_figures.append(f)
    summary(all_figures)
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in all_figures], indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
