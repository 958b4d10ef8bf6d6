"""Keep the full-text index in line with the catalogue: one entry per page of every review.

Each entry carries its report's fields (title, board, nation, region, year, document and review
type, child, themes, case, withdrawn) so a hit can say which page matched and be filtered. The
index is updated incrementally: a document is (re)indexed when its fingerprint (metadata,
themes, case, withdrawal and extraction) changed since the last run, and removed when it is no
longer a listed review. It can be rebuilt from the catalogue at any time (``rebuild=True``).

Crash safety: the backend commits atomically (readers keep the last commit), and the state in
the catalogue is written after the commit. A run killed in between finds documents in the
index that its state does not list; they are deleted before being added again, so nothing is
indexed twice. Next to the index, ``reports.json`` holds the indexed reports' fields (for
facets, totals and date order without a catalogue query); it is replaced atomically after
each commit and is the index's version stamp for caches.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from index import backend as _backend
from index.backend import PageEntry
from ingest.catalogue import Catalogue

log = logging.getLogger(__name__)

INDEX_VERSION = 2  # 2: exact field, case, withdrawn; doc_id a column / fast field
REPORTS_FILE = "reports.json"
_FINGERPRINT_KEYS = ("title", "board", "nation", "region", "year", "month", "doc_type",
                     "review_type", "child", "sha256", "url", "status", "pages", "case_id",
                     "withdrawn_at")
# the report fields kept in reports.json
REPORT_FIELDS = ("title", "board", "nation", "region", "year", "month", "doc_type",
                 "review_type", "child", "url", "sha256", "pages")


def _fingerprint(report: dict[str, Any], themes: list[str]) -> str:
    blob = json.dumps([[report.get(k) for k in _FINGERPRINT_KEYS], themes, INDEX_VERSION],
                      default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def index_dir(data: Path, backend: str | None = None) -> Path:
    """Where the index of ``backend`` (default: the configured one) lives."""
    return _backend.index_dir(data, _backend.backend_name(backend))


def _entries(cat: Catalogue, r: dict[str, Any], themes: list[str]) -> list[PageEntry]:
    return [
        PageEntry(
            doc_id=r["id"], page=page_no if r["paged"] else 0, pid=f"{r['id']}:{page_no}",
            content=text, title=r["title"] or "", board=r["board"] or "",
            nation=r["nation"] or "", region=r["region"] or "", year=r["year"] or 0,
            doc_type=r["doc_type"] or "", review_type=r["review_type"] or "",
            child=r["child"] or "", themes=list(themes), withdrawn=bool(r.get("withdrawn_at")),
            url=r["url"] or "", case=r.get("case_id") or "",
        )
        for page_no, text in enumerate(cat.page_texts(r["id"]), 1)
    ]


def report_fields(r: dict[str, Any], themes: list[str]) -> dict[str, Any]:
    """What reports.json keeps of one report."""
    out = {k: r.get(k) for k in REPORT_FIELDS}
    out.update(themes=list(themes), case=r.get("case_id") or "",
               withdrawn=bool(r.get("withdrawn_at")))
    return out


def write_reports(where: Path, reports: dict[str, dict[str, Any]]) -> None:
    """Replace ``reports.json`` in the index directory atomically."""
    fd, tmp = tempfile.mkstemp(dir=where, prefix=".reports-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(reports, fh, separators=(",", ":"))
    os.replace(tmp, where / REPORTS_FILE)


def build_index(cat: Catalogue, data: Path, rebuild: bool = False,
                backend: str | None = None) -> Counter[str]:
    """Bring the index in line with the catalogue; returns counts (indexed, removed, unchanged).

    ``backend``: "tantivy" or "whoosh"; default the ``search_backend`` setting. Raises
    ``IndexBusy`` when another process is writing the same index.
    """
    be = _backend.open_backend(data, backend)
    key = _backend.state_key(be.name)
    state = cat.get_json(key) or {}
    if rebuild or not be.exists() or state.get("_version") != INDEX_VERSION:
        be.create()
        state = {"_version": INDEX_VERSION}
        cat.put_json(key, state)  # the empty index lists nothing: a killed rebuild redoes all
    theme_map = cat.theme_map()
    reports = {r["id"]: r for r in cat.reports() if r["status"] == "ok"}
    wanted = {doc_id: _fingerprint(r, theme_map.get(doc_id, [])) for doc_id, r in reports.items()}
    stale = [d for d in state if d != "_version" and state[d] != wanted.get(d)]
    new = [d for d, fp in wanted.items() if state.get(d) != fp]
    sidecar = be.where / REPORTS_FILE
    if not stale and not new and sidecar.exists():
        return Counter(unchanged=len(wanted))
    counts: Counter[str] = Counter()
    total = len(new)
    with be.writer() as writer:
        for doc_id in stale:
            writer.delete(doc_id)
            state.pop(doc_id, None)
            counts["removed"] += 1 if doc_id not in wanted else 0
        for n, doc_id in enumerate(new, 1):
            writer.delete(doc_id)  # may be in the index from a run killed before its state
            writer.add_pages(_entries(cat, reports[doc_id], theme_map.get(doc_id, [])))
            state[doc_id] = wanted[doc_id]
            counts["indexed"] += 1
            if n % 200 == 0:
                log.info("index (%s): %d of %d documents", be.name, n, total)
    write_reports(be.where, {d: report_fields(r, theme_map.get(d, []))
                             for d, r in reports.items()})
    cat.put_json(key, state)
    counts["unchanged"] = len(wanted) - counts["indexed"]
    log.info("index (%s): %s", be.name, dict(counts))
    return counts
