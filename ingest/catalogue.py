"""The catalogue: one SQLite database (WAL) that every stage reads and writes through.

Tables (schema version in ``meta``; :data:`MIGRATIONS` upgrades older files in order):

- ``sources``: the boards of the sources file, as last loaded.
- ``urls``: every URL the crawler knows: the frontier (state ``queued``) and pages and documents
  seen (``done``/``failed``/``skipped``), with the last fetch's outcome and content hash.
- ``links``: which page linked to which URL, with the link text and its context (heading, row,
  nearby date), the evidence later used to decide what a document is.
- ``fetches``: the fetch log, one row per HTTP attempt that produced an outcome.
- ``documents``: one row per distinct content (id = first 16 hex of its sha256), with the URL it
  was first found at; ``document_urls`` lists every URL that served the same bytes.
- ``extractions`` and ``pages``: extraction status/reason and text per page.
- ``metadata``: the review decision and fields, each with where it came from (``provenance``).
- ``themes``: per document and theme, score, yes/no and evidence passages.
- ``signatures``, ``cases`` and ``recommendations`` (schema v3, accessors in
  :mod:`ingest.catalogue_facts`): MinHash signatures for near-duplicate detection
  (``documents.duplicate_of`` marks a copy), the case each review document belongs to, and the
  numbered recommendations of each report with their pages. ``metadata`` gains the child's age
  (months), gender and the outcome (death or serious harm).
- ``kv``: small analysis results (the topic model) as JSON.

Stages never write SQL of their own: they call the functions here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.catalogue_facts import METADATA_FIELDS, FactsTables
from ingest.errors import StoreError

SCHEMA_VERSION = 3

_V1 = """
CREATE TABLE sources (
    name TEXT PRIMARY KEY, url TEXT NOT NULL, nation TEXT, region TEXT, config TEXT,
    last_crawl TEXT
);
CREATE TABLE urls (
    url TEXT PRIMARY KEY, source TEXT, depth INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'queued', kind TEXT, status_code INTEGER, final_url TEXT,
    content_type TEXT, sha256 TEXT, size INTEGER, etag TEXT, last_modified TEXT,
    fetched_at TEXT, error TEXT
);
CREATE INDEX urls_state ON urls(state);
CREATE TABLE links (
    from_url TEXT NOT NULL, to_url TEXT NOT NULL, text TEXT, context TEXT,
    PRIMARY KEY (from_url, to_url)
);
CREATE INDEX links_to ON links(to_url);
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, status_code INTEGER, final_url TEXT,
    content_type TEXT, size INTEGER, sha256 TEXT, etag TEXT, last_modified TEXT,
    fetched_at TEXT NOT NULL, error TEXT
);
CREATE TABLE documents (
    id TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, url TEXT NOT NULL, source TEXT,
    content_type TEXT, size INTEGER, fetched_at TEXT, etag TEXT, last_modified TEXT
);
CREATE TABLE document_urls (
    doc_id TEXT NOT NULL, url TEXT NOT NULL, first_seen TEXT, PRIMARY KEY (doc_id, url)
);
CREATE TABLE extractions (
    doc_id TEXT PRIMARY KEY, status TEXT NOT NULL, reason TEXT, paged INTEGER, pages INTEGER,
    meta TEXT, extracted_at TEXT
);
CREATE TABLE pages (
    doc_id TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (doc_id, page)
);
CREATE TABLE metadata (
    doc_id TEXT PRIMARY KEY, version INTEGER NOT NULL, is_review INTEGER NOT NULL, reason TEXT,
    title TEXT, board TEXT, nation TEXT, region TEXT, year INTEGER, month INTEGER,
    doc_type TEXT, review_type TEXT, child TEXT, provenance TEXT
);
CREATE TABLE themes (
    doc_id TEXT NOT NULL, theme TEXT NOT NULL, version INTEGER NOT NULL, score REAL NOT NULL,
    present INTEGER NOT NULL, evidence TEXT, PRIMARY KEY (doc_id, theme)
);
CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# v2: documents remember when their source withdrew them, and which newer version replaced them.
_V2 = """
ALTER TABLE documents ADD COLUMN withdrawn_at TEXT;
ALTER TABLE documents ADD COLUMN withdrawn_reason TEXT;
ALTER TABLE documents ADD COLUMN superseded_by TEXT;
CREATE INDEX documents_fetched ON documents(fetched_at);
"""

# v3: the child's age, gender and the outcome; near-duplicates; cases; recommendations.
_V3 = """
ALTER TABLE metadata ADD COLUMN age_months INTEGER;
ALTER TABLE metadata ADD COLUMN gender TEXT;
ALTER TABLE metadata ADD COLUMN outcome TEXT;
ALTER TABLE documents ADD COLUMN duplicate_of TEXT;
CREATE TABLE signatures (doc_id TEXT PRIMARY KEY, words INTEGER NOT NULL, minhash BLOB NOT NULL);
CREATE TABLE cases (doc_id TEXT PRIMARY KEY, case_id TEXT NOT NULL);
CREATE INDEX cases_case ON cases(case_id);
CREATE TABLE recommendations (
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, number TEXT, page INTEGER, heading TEXT,
    text TEXT NOT NULL, PRIMARY KEY (doc_id, n)
);
"""

#: MIGRATIONS[n] takes a database from schema version n to n + 1.
MIGRATIONS: dict[int, str] = {0: _V1, 1: _V2, 2: _V3}


def now() -> str:
    """The current UTC time as an ISO string (seconds)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def doc_id_for(sha256: str) -> str:
    """A document's id: deterministic from its content, so re-runs are idempotent."""
    return sha256[:16]


class Catalogue(FactsTables):
    """A connection to ``DATA/catalogue.sqlite``; use as a context manager or call close()."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        path = Path(path)
        if not create and not path.exists():
            raise StoreError(f"no catalogue at {path}: run `scr build` first")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open catalogue {path}: {exc}") from exc
        self.path = path
        self._migrate()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- schema -------------------------------------------------------------------------
    def schema_version(self) -> int:
        has_meta = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if not has_meta:
            return 0
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"catalogue {self.path} has schema {version}, newer than this program's "
                f"{SCHEMA_VERSION}: upgrade SCR Atlas"
            )
        while version < SCHEMA_VERSION:
            with self.transaction():
                self.db.execute(
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                version += 1
                self.db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(version),)
                )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all or nothing, and much faster than one commit per row (nestable)."""
        if self.db.in_transaction:
            yield
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- sources ------------------------------------------------------------------------
    def upsert_source(self, name: str, url: str, nation: str | None, region: str | None,
                      config: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO sources(name, url, nation, region, config) VALUES (?,?,?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET url=excluded.url, nation=excluded.nation, "
            "region=excluded.region, config=excluded.config",
            (name, url, nation, region, json.dumps(config, sort_keys=True)),
        )

    def mark_source_crawled(self, name: str) -> None:
        self.db.execute("UPDATE sources SET last_crawl=? WHERE name=?", (now(), name))

    def sources(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM sources ORDER BY name").fetchall()
        return [dict(r) | {"config": json.loads(r["config"] or "{}")} for r in rows]

    # -- frontier and pages seen ----------------------------------------------------------
    def enqueue(self, url: str, source: str, depth: int) -> bool:
        """Add a URL to the frontier unless known; True when it was new."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO urls(url, source, depth, state) VALUES (?,?,?,'queued')",
            (url, source, depth),
        )
        return cur.rowcount > 0

    def requeue(self, url: str) -> None:
        self.db.execute("UPDATE urls SET state='queued' WHERE url=?", (url,))

    def url_row(self, url: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM urls WHERE url=?", (url,)).fetchone()
        return dict(row) if row else None

    def queued(self) -> list[dict[str, Any]]:
        """The frontier, with what an earlier fetch left (validators, content hash, kind)."""
        rows = self.db.execute(
            "SELECT url, source, depth, kind, sha256, etag, last_modified FROM urls "
            "WHERE state='queued' ORDER BY depth, rowid"
        )
        return [dict(r) for r in rows]

    def stale_documents(self, before: str) -> list[str]:
        """Document URLs last fetched before ``before``: due for a conditional revisit."""
        rows = self.db.execute(
            "SELECT url FROM urls WHERE state='done' AND kind='document' AND fetched_at <= ?",
            (before,),
        )
        return [r[0] for r in rows]

    def stored_document_urls(self) -> set[str]:
        """URLs whose document is already stored (never refetched by a crawl)."""
        rows = self.db.execute("SELECT url FROM urls WHERE state='done' AND kind='document'")
        return {r[0] for r in rows}

    def failed_to_retry(self, before: str) -> list[str]:
        """Failed URLs worth another try: transient failures (no status, 429, 5xx) at once,
        permanent ones (404, too large, ...) only once they are older than ``before``."""
        rows = self.db.execute(
            "SELECT url FROM urls WHERE state='failed' AND (status_code IS NULL OR "
            "status_code = 429 OR status_code >= 500 OR fetched_at <= ?)", (before,))
        return [r[0] for r in rows]

    def stale_pages(self, before: str) -> list[str]:
        """HTML pages last fetched before ``before`` (ISO time): due for a revisit."""
        rows = self.db.execute(
            "SELECT url FROM urls WHERE state='done' AND kind='page' AND fetched_at <= ?",
            (before,),
        )
        return [r[0] for r in rows]

    def record_url(self, url: str, *, state: str, kind: str | None = None,
                   status_code: int | None = None, final_url: str | None = None,
                   content_type: str | None = None, sha256: str | None = None,
                   size: int | None = None, etag: str | None = None,
                   last_modified: str | None = None, error: str | None = None) -> None:
        """The outcome of fetching ``url`` (also appended to the fetch log)."""
        stamp = now()
        self.db.execute(
            "UPDATE urls SET state=?, kind=?, status_code=?, final_url=?, content_type=?, "
            "sha256=?, size=?, etag=?, last_modified=?, fetched_at=?, error=? WHERE url=?",
            (state, kind, status_code, final_url, content_type, sha256, size, etag,
             last_modified, stamp, error, url),
        )
        if state != "skipped":
            self.db.execute(
                "INSERT INTO fetches(url, status_code, final_url, content_type, size, sha256, "
                "etag, last_modified, fetched_at, error) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (url, status_code, final_url, content_type, size, sha256, etag, last_modified,
                 stamp, error),
            )

    def clear_links_from(self, from_url: str) -> None:
        """Forget a page's links before recording what it links to now."""
        self.db.execute("DELETE FROM links WHERE from_url=?", (from_url,))

    def unlinked_document_urls(self) -> list[dict[str, Any]]:
        """Stored document URLs that no known page links to any more."""
        rows = self.db.execute(
            "SELECT u.url, u.sha256, u.depth FROM urls u WHERE u.state='done' "
            "AND u.kind='document' AND u.depth > 0 "
            "AND NOT EXISTS (SELECT 1 FROM links l WHERE l.to_url = u.url) "
            "AND NOT EXISTS (SELECT 1 FROM urls r WHERE r.final_url = u.url AND r.url != u.url)"
        )
        return [dict(r) for r in rows]

    def add_link(self, from_url: str, to_url: str, text: str, context: str) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO links VALUES (?,?,?,?)", (from_url, to_url, text, context)
        )

    def links_to(self, urls: Iterable[str]) -> list[dict[str, Any]]:
        """Every link that pointed at any of ``urls``: the evidence of how a document was found."""
        urls = list(urls)
        marks = ",".join("?" * len(urls))
        rows = self.db.execute(
            f"SELECT * FROM links WHERE to_url IN ({marks}) ORDER BY from_url", urls
        )
        return [dict(r) for r in rows]

    def document_links_from(self, url: str) -> int:
        """How many fetched documents (not pages) a page links to: listings link to many."""
        return self.db.execute(
            "SELECT COUNT(*) FROM links l JOIN urls u ON u.url = l.to_url "
            "WHERE l.from_url = ? AND u.kind = 'document'", (url,)).fetchone()[0]

    def fetch_log(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM fetches ORDER BY id")]

    # -- documents ------------------------------------------------------------------------
    def add_document(self, sha256: str, url: str, source: str | None, content_type: str | None,
                     size: int, etag: str | None = None,
                     last_modified: str | None = None) -> str:
        """Record content found at ``url``; the same bytes at another URL add only that URL."""
        doc_id = doc_id_for(sha256)
        stamp = now()
        self.db.execute(
            "INSERT OR IGNORE INTO documents(id, sha256, url, source, content_type, size, "
            "fetched_at, etag, last_modified) VALUES (?,?,?,?,?,?,?,?,?)",
            (doc_id, sha256, url, source, content_type, size, stamp, etag, last_modified),
        )
        self.db.execute("INSERT OR IGNORE INTO document_urls VALUES (?,?,?)", (doc_id, url, stamp))
        return doc_id

    def mark_withdrawn(self, doc_id: str, reason: str) -> bool:
        """Record that the source no longer offers this document; True if newly withdrawn."""
        cur = self.db.execute(
            "UPDATE documents SET withdrawn_at=?, withdrawn_reason=? "
            "WHERE id=? AND withdrawn_at IS NULL", (now(), reason, doc_id))
        return cur.rowcount > 0

    def mark_available(self, doc_id: str) -> None:
        self.db.execute(
            "UPDATE documents SET withdrawn_at=NULL, withdrawn_reason=NULL WHERE id=?", (doc_id,))

    def supersede(self, old_id: str, new_id: str) -> None:
        """``old_id`` is an earlier version of the document now at ``new_id``; both are kept."""
        if old_id != new_id:
            self.db.execute("UPDATE documents SET superseded_by=? WHERE id=?", (new_id, old_id))
            self.db.execute("UPDATE documents SET superseded_by=NULL WHERE id=?", (new_id,))

    def document_versions(self, doc_id: str) -> list[str]:
        """Ids of the earlier versions of a document (newest first)."""
        out, current = [], doc_id
        for _ in range(100):
            row = self.db.execute("SELECT id FROM documents WHERE superseded_by=? "
                                  "ORDER BY fetched_at DESC", (current,)).fetchone()
            if not row:
                break
            out.append(row[0])
            current = row[0]
        return out

    def document(self, doc_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        return dict(row) if row else None

    def document_urls(self, doc_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT url FROM document_urls WHERE doc_id=? ORDER BY first_seen, url", (doc_id,)
        )
        return [r[0] for r in rows]

    def documents_without_extraction(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT d.* FROM documents d LEFT JOIN extractions e ON e.doc_id = d.id "
            "WHERE e.doc_id IS NULL ORDER BY d.id"
        )
        return [dict(r) for r in rows]

    # -- extraction ---------------------------------------------------------------------
    def save_extraction(self, doc_id: str, status: str, reason: str, pages: Iterable[str],
                        paged: bool, meta: dict[str, Any]) -> None:
        pages = list(pages)
        with self.transaction():
            self.db.execute("DELETE FROM pages WHERE doc_id=?", (doc_id,))
            self.db.executemany(
                "INSERT INTO pages VALUES (?,?,?)",
                [(doc_id, i + 1, text) for i, text in enumerate(pages)],
            )
            self.db.execute(
                "INSERT OR REPLACE INTO extractions VALUES (?,?,?,?,?,?,?)",
                (doc_id, status, reason, int(paged), len(pages),
                 json.dumps(meta, sort_keys=True, default=str), now()),
            )

    def extraction(self, doc_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM extractions WHERE doc_id=?", (doc_id,)).fetchone()
        return dict(row) | {"meta": json.loads(row["meta"] or "{}")} if row else None

    def page_texts(self, doc_id: str) -> list[str]:
        rows = self.db.execute("SELECT text FROM pages WHERE doc_id=? ORDER BY page", (doc_id,))
        return [r[0] for r in rows]

    def page_text(self, doc_id: str, page: int) -> str | None:
        row = self.db.execute(
            "SELECT text FROM pages WHERE doc_id=? AND page=?", (doc_id, page)
        ).fetchone()
        return row[0] if row else None

    # -- metadata -----------------------------------------------------------------------
    def documents_needing_metadata(self, version: int) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT d.*, e.status AS ex_status FROM documents d "
            "JOIN extractions e ON e.doc_id = d.id "
            "LEFT JOIN metadata m ON m.doc_id = d.id "
            "WHERE m.doc_id IS NULL OR m.version != ? ORDER BY d.id",
            (version,),
        )
        return [dict(r) for r in rows]

    def save_metadata(self, doc_id: str, version: int, fields: dict[str, Any],
                      provenance: dict[str, str]) -> None:
        row = {name: fields.get(name) for name in METADATA_FIELDS}
        row |= {"doc_id": doc_id, "version": version, "is_review": int(fields["is_review"]),
                "provenance": json.dumps(provenance, sort_keys=True)}
        names = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        self.db.execute(f"INSERT OR REPLACE INTO metadata ({names}) VALUES ({marks})", row)

    def reports(self, include_all: bool = False) -> list[dict[str, Any]]:
        """Documents with their metadata and extraction outcome (case reviews only by default)."""
        clause = "1 = 1" if include_all else (
            "m.is_review = 1 AND d.superseded_by IS NULL AND d.duplicate_of IS NULL")
        return self._reports_where(clause + " ORDER BY m.board, m.year, d.url", ())

    def report(self, doc_id: str) -> dict[str, Any] | None:
        for rec in self._reports_where("d.id = ?", (doc_id,)):
            return rec
        return None

    def _reports_where(self, clause: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT d.id, d.url, d.source, d.content_type, d.size, d.sha256, d.fetched_at, "
            "d.withdrawn_at, d.withdrawn_reason, d.superseded_by, d.duplicate_of, m.*, "
            "e.status, e.reason AS status_reason, e.pages AS pages, e.paged, c.case_id "
            "FROM documents d JOIN metadata m ON m.doc_id = d.id "
            "JOIN extractions e ON e.doc_id = d.id LEFT JOIN cases c ON c.doc_id = d.id "
            f"WHERE {clause}",
            args,
        )
        out = []
        for r in rows:
            rec = dict(r)
            rec.pop("doc_id", None)
            rec["provenance"] = json.loads(rec["provenance"] or "{}")
            out.append(rec)
        return out

    # -- themes -------------------------------------------------------------------------
    def review_ids_needing_themes(self, version: int) -> list[str]:
        rows = self.db.execute(
            "SELECT m.doc_id FROM metadata m JOIN extractions e ON e.doc_id = m.doc_id "
            "WHERE m.is_review = 1 AND e.status = 'ok' AND NOT EXISTS ("
            "  SELECT 1 FROM themes t WHERE t.doc_id = m.doc_id AND t.version = ?) "
            "ORDER BY m.doc_id",
            (version,),
        )
        return [r[0] for r in rows]

    def save_themes(self, doc_id: str, version: int, tags: Iterable[dict[str, Any]]) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM themes WHERE doc_id=?", (doc_id,))
            self.db.executemany(
                "INSERT INTO themes VALUES (?,?,?,?,?,?)",
                [(doc_id, t["theme"], version, t["score"], int(t["present"]),
                  json.dumps(t["evidence"])) for t in tags],
            )

    def themes_of(self, doc_id: str, present_only: bool = True) -> list[dict[str, Any]]:
        cond = "AND present = 1" if present_only else ""
        rows = self.db.execute(
            f"SELECT * FROM themes WHERE doc_id=? {cond} ORDER BY score DESC, theme", (doc_id,)
        )
        return [dict(r) | {"evidence": json.loads(r["evidence"] or "[]")} for r in rows]

    def theme_map(self) -> dict[str, list[str]]:
        """doc id -> ids of the themes present, for every tagged review."""
        out: dict[str, list[str]] = {}
        for r in self.db.execute(
            "SELECT doc_id, theme FROM themes WHERE present = 1 ORDER BY doc_id, score DESC"
        ):
            out.setdefault(r[0], []).append(r[1])
        return out

    def tagged_ids(self) -> set[str]:
        """Ids of the documents the theme tagger read (tagged, with or without a theme)."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT doc_id FROM themes")}

    def all_theme_rows(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM themes ORDER BY doc_id, theme")
        return [dict(r) | {"evidence": json.loads(r["evidence"] or "[]")} for r in rows]

    # -- key/value results ----------------------------------------------------------------
    def put_json(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO kv VALUES (?,?)", (key, json.dumps(value)))

    def get_json(self, key: str) -> Any:
        row = self.db.execute("SELECT value FROM kv WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None
