"""The stages in order, over one data directory: crawl -> extract -> analyse -> index.

Data directory layout::

    DATA/catalogue.sqlite   the catalogue (WAL): see ingest.catalogue
    DATA/blobs/ab/cd/<sha>  raw bytes of every fetched page and document, never overwritten
    DATA/index-tantivy/     the search index (tantivy, the default; DATA/index/ with whoosh);
                            rebuildable from the catalogue
    DATA/exports/           briefings written by the explorer

Every stage is incremental, so ``build`` run twice does no work the second time, and a run
killed at any point loses nothing: run it again and it resumes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

from ingest.blobs import BlobStore
from ingest.catalogue import Catalogue
from ingest.settings import Settings
from ingest.sources import load_sources

log = logging.getLogger(__name__)

Progress = Callable[[str, str], None]  # (stage, message)


def open_catalogue(data: Path, create: bool = False) -> Catalogue:
    return Catalogue(Path(data) / "catalogue.sqlite", create=create)


def blob_store(data: Path) -> BlobStore:
    return BlobStore(Path(data) / "blobs")


def _say(progress: Progress | None, stage: str, message: str) -> None:
    log.info("%s: %s", stage, message)
    if progress:
        progress(stage, message)


def crawl(data: Path, sources_file: Path, settings: Settings, progress: Progress | None = None,
          transport: httpx.BaseTransport | None = None) -> Counter[str]:
    from ingest.crawl import Crawl

    sources = load_sources(sources_file)
    with open_catalogue(data, create=True) as cat:
        def tick(stats: Counter[str], hosts: dict[str, tuple[int, int]]) -> None:
            fetched = stats["fetched/page"] + stats["fetched/document"]
            failed = sum(v for k, v in stats.items() if k.startswith("failed/"))
            busy = sorted(hosts.items(), key=lambda kv: -kv[1][1])[:3]
            queued = sum(q for _, q in hosts.values())
            waiting = ", ".join(f"{h} {d} done/{q} queued" for h, (d, q) in busy if q)
            _say(progress, "crawl", f"{fetched} fetched ({stats['new']} new documents, "
                                    f"{stats['unchanged']} unchanged, {stats['changed']} changed),"
                                    f" {failed} failed, {stats['skipped/robots']} robots-skipped, "
                                    f"{queued} queued" + (f"; busiest: {waiting}" if waiting
                                                          else ""))

        run = Crawl(cat, blob_store(data), sources, settings, transport=transport,
                    progress=tick)
        stats = run.run()
        for name, seed, error in run.seed_problems:
            _say(progress, "crawl", f"seed unreachable: {name}: {seed} ({error})")
        return stats


def extract(data: Path, settings: Settings, progress: Progress | None = None) -> Counter[str]:
    from ingest.grouping import run_grouping
    from ingest.stages import run_describe, run_extract

    with open_catalogue(data) as cat:
        def tick(done: int, total: int) -> None:
            if done == total or done % 10 == 0:
                _say(progress, "extract", f"{done}/{total} documents")

        counts = run_extract(cat, blob_store(data), settings, tick)
        counts.update({f"describe/{k}": v for k, v in run_describe(cat).items()})
        grouped = run_grouping(cat)
        counts.update({f"group/{k}": v for k, v in grouped.items() if v})
        return counts


def analyse(data: Path, progress: Progress | None = None) -> Counter[str]:
    from analysis.analyse import run_analyse

    with open_catalogue(data) as cat:
        counts = run_analyse(cat)
        _say(progress, "analyse", ", ".join(f"{k} {v}" for k, v in counts.items()) or "no work")
        return counts


def index(data: Path, progress: Progress | None = None, rebuild: bool = False) -> Counter[str]:
    from index.search import build_index

    with open_catalogue(data) as cat:
        counts = build_index(cat, data, rebuild=rebuild)
        _say(progress, "index", ", ".join(f"{k} {v}" for k, v in counts.items()) or "no work")
        return counts


def build(data: Path, sources_file: Path, settings: Settings, progress: Progress | None = None,
          transport: httpx.BaseTransport | None = None) -> dict[str, Counter[str]]:
    """All stages in order; returns each stage's counts."""
    return {
        "crawl": crawl(data, sources_file, settings, progress, transport),
        "extract": extract(data, settings, progress),
        "analyse": analyse(data, progress),
        "index": index(data, progress),
    }
