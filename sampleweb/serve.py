"""Serve a generated sample web on loopback: one HTTP server per host, like separate sites.

Each host directory under ``<root>/hosts`` gets its own ``ThreadingHTTPServer`` on an
ephemeral port of 127.0.0.1. The server honours the host's ``_routes.json`` (redirects,
pages that answer 503 once, Content-Type overrides, extra headers, query-string pages),
fills ``{{host:KEY}}`` in text responses with the real base URLs, and records every request
in ``request_log`` so tests can check that robots-disallowed paths were never fetched.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

TYPES = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
         ".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".json": "application/json",
         ".xml": "application/xml"}
EMPTY_ROUTES = {"redirects": {}, "fail_once": {}, "content_types": {}, "headers": {},
                "files": {}}


class _Handler(BaseHTTPRequestHandler):
    """Request handler; ``web`` and ``host_key`` are set on a per-host subclass."""

    web: SampleWeb
    host_key: str
    protocol_version = "HTTP/1.1"
    server_version = "SampleWeb/1"
    timeout = 15
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40ms stalls

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s %s", self.host_key, format % args)

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _send(self, status: int, body: bytes, ctype: str, head: bool,
              headers: dict[str, str] | None = None) -> None:
        if ctype.startswith("text/") or ctype.endswith("xml"):
            body = self.web.substitute(body)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _respond(self, head: bool) -> None:
        parts = urlsplit(self.path)
        path = parts.path or "/"
        full = f"{path}?{parts.query}" if parts.query else path
        web, host = self.web, self.host_key
        web.log_request(host, full)
        routes = web.routes(host)
        failing = full if full in routes["fail_once"] else (
            path if path in routes["fail_once"] else None)
        if failing and web.claim_failure(host, failing):
            rule = routes["fail_once"][failing]
            self._send(int(rule.get("status", 503)), b"<h1>Service temporarily unavailable</h1>",
                       "text/html; charset=utf-8", head,
                       {"Retry-After": str(rule.get("retry_after", 1))})
            return
        redirect = routes["redirects"].get(full) or routes["redirects"].get(path)
        if redirect:
            location = web.absolute(host, redirect["location"])
            self._send(int(redirect.get("status", 301)), b"<p>Moved</p>",
                       "text/html; charset=utf-8", head, {"Location": location})
            return
        found = web.resolve(host, full, path)
        if found is None:
            missing = web.host_dir(host) / "_404.html"
            body = missing.read_bytes() if missing.is_file() else b"<h1>Not found</h1>"
            self._send(404, body, "text/html; charset=utf-8", head)
            return
        ctype = (routes["content_types"].get(full) or routes["content_types"].get(path)
                 or TYPES.get(found.suffix.lower(), "application/octet-stream"))
        self._send(200, found.read_bytes(), ctype, head, routes["headers"].get(path))


class SampleWeb:
    """Serve ``<root>/hosts/*`` on loopback, one port per host; use as a context manager."""

    def __init__(self, root: Path, base_port: int | None = None) -> None:
        """``base_port``: try ports base_port, base_port+1, ... (one per host, sorted by key),
        so that URLs stay the same across runs (the demo's builds then stay incremental);
        a port in use falls back to an ephemeral one. None: ephemeral ports only."""
        self.root = Path(root)
        self.base_port = base_port
        self.base_urls: dict[str, str] = {}
        self.request_log: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._failed: set[tuple[str, str]] = set()
        self._routes: dict[str, dict] = {}
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []

    # --- lifecycle -------------------------------------------------------------------
    def start(self) -> SampleWeb:
        """Bind every host to an ephemeral port and start serving in daemon threads."""
        if self._servers:
            return self
        hosts = sorted(p.name for p in (self.root / "hosts").iterdir() if p.is_dir())
        if not hosts:
            raise FileNotFoundError(f"no hosts under {self.root / 'hosts'}; generate first")
        for i, key in enumerate(hosts):
            route_file = self.host_dir(key) / "_routes.json"
            routes = dict(EMPTY_ROUTES)
            if route_file.is_file():
                routes.update(json.loads(route_file.read_text(encoding="utf-8")))
            self._routes[key] = routes
            handler = type(f"Handler_{key}", (_Handler,), {"web": self, "host_key": key})
            server = self._bind(handler, self.base_port + i if self.base_port else 0)
            server.daemon_threads = True
            self._servers.append(server)
            self.base_urls[key] = f"http://127.0.0.1:{server.server_address[1]}"
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                      name=f"sampleweb-{server.server_address[1]}", daemon=True)
            thread.start()
            self._threads.append(thread)
        logger.info("sample web serving %d hosts", len(hosts))
        return self

    @staticmethod
    def _bind(handler: type[_Handler], port: int) -> ThreadingHTTPServer:
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            if port == 0:
                raise
            logger.info("port %d is taken: using an ephemeral port", port)
            return ThreadingHTTPServer(("127.0.0.1", 0), handler)

    def stop(self) -> None:
        """Stop all servers and release their ports."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> SampleWeb:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- helpers used by the handler -----------------------------------------------------
    def host_dir(self, key: str) -> Path:
        """Directory of a host's files."""
        return self.root / "hosts" / key

    def routes(self, key: str) -> dict:
        """The host's special routes."""
        return self._routes.get(key, EMPTY_ROUTES)

    def log_request(self, key: str, path: str) -> None:
        """Record a request (thread-safe)."""
        with self._lock:
            self.request_log.append((key, path))

    def claim_failure(self, key: str, path: str) -> bool:
        """True the first time a fail-once path is requested, False afterwards."""
        with self._lock:
            if (key, path) in self._failed:
                return False
            self._failed.add((key, path))
            return True

    def substitute(self, body: bytes) -> bytes:
        """Replace {{host:KEY}} with each host's base URL."""
        if b"{{host:" not in body:
            return body
        for key, url in self.base_urls.items():
            body = body.replace(b"{{host:" + key.encode() + b"}}", url.encode())
        return body

    def absolute(self, key: str, location: str) -> str:
        """Absolute URL for a redirect target (site path or {{host:KEY}} link)."""
        if location.startswith("{{host:"):
            return self.substitute(location.encode()).decode()
        return self.base_urls[key] + location

    def resolve(self, key: str, full: str, path: str) -> Path | None:
        """The file that answers a request, or None (404)."""
        base = self.host_dir(key)
        mapped = self.routes(key)["files"].get(full)
        if mapped:
            return base / mapped
        parts = [p for p in unquote(path).split("/") if p]
        if any(p.startswith(("_", ".")) for p in parts):
            return None
        target = base.joinpath(*parts) if parts else base
        if not os.path.realpath(target).startswith(os.path.realpath(base)):
            return None
        if target.is_file():
            return target
        if target.is_dir() and (target / "index.html").is_file():
            return target / "index.html"
        return None

    # --- sources file ----------------------------------------------------------------------
    def write_sources(self, path: Path) -> None:
        """Write a TOML sources file listing the board hosts and their seed pages."""
        manifest = json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))
        lines = ["# Sources for the sample web (generated; ports change on every start)", ""]
        for key, host in sorted(manifest["hosts"].items()):
            if host.get("kind") != "board" or key not in self.base_urls:
                continue
            lines += ["[[source]]", f"name = {json.dumps(host['name'])}",
                      f"url = {json.dumps(self.base_urls[key] + host['seed_path'])}",
                      f"nation = {json.dumps(host['nation'])}",
                      f"region = {json.dumps(host['region'])}"]
            allow = [self.base_urls[a] + "/" for a in host.get("allow", []) if a in self.base_urls]
            if allow:
                lines.append("allow = [" + ", ".join(json.dumps(a) for a in allow) + "]")
            lines.append("")
        Path(path).write_text("\n".join(lines), encoding="utf-8")
