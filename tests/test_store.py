"""The store: content-addressed blobs and the catalogue's schema versioning."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ingest.blobs import BlobStore
from ingest.catalogue import SCHEMA_VERSION, Catalogue
from ingest.errors import StoreError


def test_blobs_are_written_once(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(b"report bytes")
    path = store.path(digest)
    mtime = path.stat().st_mtime_ns
    assert store.put(b"report bytes") == digest and path.stat().st_mtime_ns == mtime
    assert store.get(digest) == b"report bytes"
    assert not list(tmp_path.rglob(".tmp-*"))


def test_new_catalogue_is_current_and_wal(tmp_path: Path) -> None:
    with Catalogue(tmp_path / "c.sqlite") as cat:
        assert cat.schema_version() == SCHEMA_VERSION
        assert cat.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    Catalogue(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer than this program"):
        Catalogue(path)


def test_missing_catalogue_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `scr build` first"):
        Catalogue(tmp_path / "absent.sqlite", create=False)


def test_same_bytes_at_two_urls_is_one_document(tmp_path: Path) -> None:
    with Catalogue(tmp_path / "c.sqlite") as cat:
        a = cat.add_document("ab" * 32, "https://board.org/a.pdf", "Board", "application/pdf", 9)
        b = cat.add_document("ab" * 32, "https://store.org/x", "Board", "application/pdf", 9)
        assert a == b
        assert cat.document_urls(a) == sorted(["https://board.org/a.pdf", "https://store.org/x"])
        assert cat.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
