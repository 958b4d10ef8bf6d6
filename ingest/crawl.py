"""The crawl stage: from each source's seed pages to every document they lead to.

The frontier lives in the catalogue (``urls`` rows in state ``queued``), so a run killed at any
point resumes where it stopped. Hosts are crawled in parallel, one request at a time per host
(see :mod:`ingest.fetch`). Scope: HTML pages are followed only on the source's own site (the
seed hosts plus its ``allow`` list), within ``max_depth`` hops, and beyond the first hop only
along links that look like they lead to reviews (listing pages, pagination, publications);
documents linked from an in-scope page are fetched wherever they live. A URL is fetched at
most once a run; documents already stored are not fetched again, and HTML pages only once they
are older than ``revisit_hours``.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta

import httpx

from ingest.blobs import BlobStore
from ingest.catalogue import Catalogue, doc_id_for
from ingest.fetch import Fetcher, FetchResult
from ingest.links import extract_links
from ingest.settings import Settings
from ingest.sources import Source
from ingest.urls import host_of, in_prefixes, is_skippable, looks_like_document

log = logging.getLogger(__name__)

_PROMISING = re.compile(
    r"review|\bscrs?\b|lcspr|\bcprs?\b|practice|serious|case|learning|lessons?|briefing|"
    r"publication|reports?|archive|page[=/ ]?\d|\bnext\b|older|more|\d{4}",
    re.I,
)
# Off-site links are fetched only when they look like a file: by extension, or by link text.
_DOCUMENT_TEXT = re.compile(r"\b(pdf|docx?|download|kb|mb|file)\b", re.I)
_JUNK = re.compile(r"/(log-?in|log-?out|sign-?in|register|cart|basket|print)\b|[?&](q|search)=",
                   re.I)


def _is_html(content_type: str | None, body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    if head.startswith(b"%pdf") or body[:4] == b"PK\x03\x04":
        return False
    if content_type and ("html" in content_type.lower() or "xhtml" in content_type.lower()):
        return True
    return head.startswith((b"<!doctype html", b"<html"))


class Crawl:
    """One crawl run over a list of sources."""

    def __init__(self, cat: Catalogue, blobs: BlobStore, sources: list[Source],
                 settings: Settings, *, transport: httpx.BaseTransport | None = None,
                 progress: Callable[[Counter[str], dict[str, tuple[int, int]]], None] | None = None,
                 ) -> None:
        self.cat = cat
        self.blobs = blobs
        self.sources = {s.name: s for s in sources}
        self.settings = settings
        self.fetcher = Fetcher(settings, transport=transport)
        self.progress = progress
        self.stats: Counter[str] = Counter()
        self.fetched_this_run: set[str] = set()
        self.pages_per_source: Counter[str] = Counter()
        self.stored_documents: set[str] = set()
        self.host_done: Counter[str] = Counter()
        self.seed_problems: list[tuple[str, str, str]] = []  # (source, seed URL, error)

    # -- scope ----------------------------------------------------------------------------
    def _site_prefixes(self, source: Source) -> list[str]:
        return [host_of(u) for u in source.urls] + list(source.allow)

    def _follow(self, source: Source, page_depth: int, url: str, text: str) -> bool:
        if is_skippable(url) or _JUNK.search(url):
            return False
        on_site = in_prefixes(url, self._site_prefixes(source))
        if not on_site:  # another host: only what looks like a document
            return looks_like_document(url) or bool(_DOCUMENT_TEXT.search(text))
        if looks_like_document(url):
            return True
        depth = page_depth + 1
        if depth > self.settings.max_depth:
            return False
        return depth <= 1 or bool(_PROMISING.search(text) or _PROMISING.search(url))

    # -- the run --------------------------------------------------------------------------
    def _seed(self) -> None:
        def ago(**delta: float) -> str:
            return (datetime.now(UTC) - timedelta(**delta)).replace(microsecond=0).isoformat()

        with self.cat.transaction():
            for source in self.sources.values():
                self.cat.upsert_source(source.name, source.url, source.nation, source.region,
                                       {"urls": list(source.urls), "allow": list(source.allow)})
                for url in source.urls:
                    self.cat.enqueue(url, source.name, 0)
            for url in self.cat.stale_pages(ago(hours=self.settings.revisit_hours)):
                self.cat.requeue(url)
            for url in self.cat.failed_to_retry(ago(hours=self.settings.revisit_hours)):
                self.cat.requeue(url)
            for url in self.cat.stale_documents(ago(days=self.settings.revisit_document_days)):
                self.cat.requeue(url)

    def run(self) -> Counter[str]:
        """Crawl until the frontier is empty; returns counted outcomes."""
        self._seed()
        self.stored_documents = self.cat.stored_document_urls()
        queues: dict[str, deque[dict]] = {}
        for row in self.cat.queued():
            if row["source"] in self.sources:
                queues.setdefault(host_of(row["url"]), deque()).append(row)
        busy: set[str] = set()
        futures: dict[Future[FetchResult], dict] = {}
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=self.settings.host_workers) as pool:
            try:
                while futures or any(queues.values()):
                    # Dispatch only hosts whose politeness delay has passed, so no worker
                    # sleeps out a delay while other hosts wait for a free worker.
                    now, soonest = time.monotonic(), None
                    for host, queue in queues.items():
                        if len(futures) >= self.settings.host_workers:
                            break
                        if host in busy or not queue:
                            continue
                        ready = self.fetcher.ready_at(host)
                        if ready > now:
                            soonest = ready if soonest is None else min(soonest, ready)
                            continue
                        row = queue.popleft()
                        if row["url"] in self.fetched_this_run:
                            continue
                        self.fetched_this_run.add(row["url"])
                        busy.add(host)
                        fut = pool.submit(self.fetcher.fetch, row["url"], self._seen,
                                          row.get("etag"), row.get("last_modified"))
                        futures[fut] = row | {"host": host}
                    pause = None if soonest is None else max(0.0, soonest - time.monotonic())
                    if not futures:
                        if pause:
                            time.sleep(pause)
                        continue
                    done, _ = wait(list(futures), timeout=pause, return_when=FIRST_COMPLETED)
                    for fut in done:
                        row = futures.pop(fut)
                        busy.discard(row["host"])
                        for new in self._handle(row, fut.result()):
                            queues.setdefault(host_of(new["url"]), deque()).append(new)
                        self.host_done[row["host"]] += 1
                        if self.progress and sum(self.host_done.values()) % 10 == 0:
                            self.progress(self.stats, self._hosts(queues))
            except BaseException:
                self._drain(futures)
                raise
            finally:
                self.fetcher.close()
        self._withdraw_unlinked()
        for name, source in self.sources.items():
            self.cat.mark_source_crawled(name)
            for seed in source.urls:  # a dead or moved seed is an outcome to report, not a crash
                row = self.cat.url_row(seed) or {}
                if row.get("state") in ("failed", "skipped"):
                    self.seed_problems.append((name, seed, row.get("error") or row["state"]))
        if self.seed_problems:
            self.stats["sources/seed_unreachable"] = len(self.seed_problems)
            for name, seed, error in self.seed_problems:
                log.warning("seed of %s unreachable: %s (%s)", name, seed, error)
        self.stats["requests"] = len(self.fetcher.requested)
        log.info("crawl finished in %.1fs: %s", time.monotonic() - started, dict(self.stats))
        if self.progress:
            self.progress(self.stats, {})
        return self.stats

    def _hosts(self, queues: dict[str, deque[dict]]) -> dict[str, tuple[int, int]]:
        """Per host: (URLs done this run, URLs still queued)."""
        return {h: (self.host_done[h], len(queues.get(h, ()))) for h in set(queues) | set(
            self.host_done)}

    def _drain(self, futures: dict[Future[FetchResult], dict]) -> None:
        """On interruption: keep what in-flight requests already fetched, then stop."""
        for fut in futures:
            fut.cancel()
        wait(list(futures))
        for fut, row in futures.items():
            if not fut.cancelled() and fut.exception() is None:
                self._handle(row, fut.result())
        log.warning("crawl interrupted: %d URLs still queued for the next run",
                    len(self.cat.queued()))

    def _seen(self, url: str) -> bool:
        """Called from fetch threads: answers from memory only (the catalogue is not shared)."""
        return url in self.fetched_this_run or url in self.stored_documents

    def _withdraw_unlinked(self) -> None:
        """After a complete run: documents no page links to any more are marked withdrawn."""
        with self.cat.transaction():
            for row in self.cat.unlinked_document_urls():
                if row["sha256"] and self.cat.mark_withdrawn(doc_id_for(row["sha256"]),
                                                             "no longer linked by its source"):
                    self.stats["withdrawn"] += 1

    def _handle(self, row: dict, result: FetchResult) -> list[dict]:
        """Record one fetch outcome; returns the new frontier rows it produced."""
        url, source = row["url"], self.sources[row["source"]]
        previous = doc_id_for(row["sha256"]) if row.get("sha256") else None
        if result.outcome == "not_modified":
            self.stats["unchanged"] += 1
            self.cat.record_url(url, state="done", kind=row.get("kind"), status_code=304,
                                final_url=result.final_url, sha256=row.get("sha256"),
                                etag=result.etag, last_modified=result.last_modified)
            if previous:
                self.cat.mark_available(previous)
            return []
        gone = previous and result.status_code in (404, 410)
        if gone and self.cat.mark_withdrawn(previous, f"HTTP {result.status_code} on revisit"):
            self.stats["withdrawn"] += 1
        if result.outcome == "robots":
            self.stats["skipped/robots"] += 1
            self.cat.record_url(url, state="skipped", error=result.error)
            return []
        if result.outcome == "duplicate":
            self.stats["skipped/duplicate"] += 1
            self.cat.record_url(url, state="done", kind="redirect", final_url=result.final_url,
                                status_code=result.status_code)
            return []
        if not result.ok:
            self.stats[f"failed/{result.outcome}"] += 1
            log.info("fetch failed %s: %s", url, result.error)
            self.cat.record_url(url, state="failed", status_code=result.status_code,
                                final_url=result.final_url, content_type=result.content_type,
                                error=result.error)
            return []
        self.fetched_this_run.add(result.final_url)
        html = _is_html(result.content_type, result.body)
        kind = "page" if html else "document"
        self.stats[f"fetched/{kind}"] += 1
        new_rows: list[dict] = []
        with self.cat.transaction():
            sha = self.blobs.put(result.body)
            is_new = self.cat.document(doc_id_for(sha)) is None
            doc_id = self.cat.add_document(sha, result.final_url, source.name,
                                           result.content_type, len(result.body), result.etag,
                                           result.last_modified)
            if previous and previous != doc_id:
                self.cat.supersede(previous, doc_id)
                self.stats["changed"] += 1
            elif previous:
                self.stats["unchanged"] += 1
            elif is_new and kind == "document":
                self.stats["new"] += 1
            if previous:
                self.cat.mark_available(previous)
            self.cat.record_url(url, state="done", kind=kind, status_code=result.status_code,
                                final_url=result.final_url, content_type=result.content_type,
                                sha256=sha, size=len(result.body), etag=result.etag,
                                last_modified=result.last_modified)
            if result.final_url != url:
                self.cat.enqueue(result.final_url, source.name, row["depth"])
                self.cat.record_url(result.final_url, state="done", kind=kind,
                                    status_code=result.status_code, final_url=result.final_url,
                                    content_type=result.content_type, sha256=sha,
                                    size=len(result.body))
            if html and in_prefixes(result.final_url, self._site_prefixes(source)):
                self.pages_per_source[source.name] += 1
                if self.pages_per_source[source.name] <= self.settings.max_pages_per_source:
                    new_rows = self._expand(result, row, source)
        return new_rows

    def _expand(self, result: FetchResult, row: dict, source: Source) -> list[dict]:
        new_rows = []
        self.cat.clear_links_from(result.final_url)  # what the page links to now
        for link in extract_links(result.body, result.final_url):
            if link.url == result.final_url:
                continue
            self.cat.add_link(result.final_url, link.url, link.text, link.context)
            if not self._follow(source, row["depth"], link.url, link.text):
                continue
            if self.cat.enqueue(link.url, source.name, row["depth"] + 1):
                new_rows.append({"url": link.url, "source": source.name,
                                 "depth": row["depth"] + 1})
        return new_rows
