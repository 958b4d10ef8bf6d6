"""Memory across runs: conditional revisits, changed documents keep both versions, withdrawals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from ingest.blobs import BlobStore
from ingest.catalogue import MIGRATIONS, SCHEMA_VERSION, Catalogue, doc_id_for
from ingest.crawl import Crawl
from ingest.settings import Settings
from ingest.sources import Source

LISTING = "http://board.test/reviews"


class Site:
    """A board site whose pages and documents the test changes between runs."""

    def __init__(self) -> None:
        self.docs = {"/a.pdf": b"%PDF-1.4 version one", "/b.pdf": b"%PDF-1.4 report b"}
        self.linked = ["/a.pdf", "/b.pdf"]
        self.requests: list[tuple[str, dict[str, str]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests.append((path, dict(request.headers)))
        if path == "/robots.txt":
            return httpx.Response(404)
        if path == "/reviews":
            links = "".join(f'<a href="{p}">Review {p}</a>' for p in self.linked)
            return httpx.Response(200, html=f"<html><body>{links}</body></html>")
        if path not in self.docs:
            return httpx.Response(404)
        body = self.docs[path]
        etag = f'"{hash(body) & 0xffff:x}"'
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"etag": etag})
        return httpx.Response(200, content=body, headers={"etag": etag,
                                                          "content-type": "application/pdf"})


def crawl(tmp_path: Path, site: Site, **settings: float) -> dict:
    with Catalogue(tmp_path / "c.sqlite") as cat:
        config = Settings(delay=0.0, revisit_hours=0, revisit_document_days=0).with_overrides(
            **settings)
        return dict(Crawl(cat, BlobStore(tmp_path / "blobs"), [Source("Board", (LISTING,))],
                          config, transport=httpx.MockTransport(site)).run())


def doc_row(tmp_path: Path, body: bytes) -> dict:
    import hashlib

    with Catalogue(tmp_path / "c.sqlite") as cat:
        return cat.document(doc_id_for(hashlib.sha256(body).hexdigest())) or {}


def test_revisit_is_conditional_and_unchanged(tmp_path: Path) -> None:
    site = Site()
    first = crawl(tmp_path, site)
    assert first["new"] == 2
    site.requests.clear()
    second = crawl(tmp_path, site)
    sent = {p: h for p, h in site.requests}
    assert "if-none-match" in sent["/a.pdf"]
    # the listing page and both documents: nothing new, nothing changed
    assert second["unchanged"] == 3 and not second.get("new") and not second.get("changed")


def test_changed_document_keeps_both_versions(tmp_path: Path) -> None:
    site = Site()
    crawl(tmp_path, site)
    old_body = site.docs["/a.pdf"]
    site.docs["/a.pdf"] = b"%PDF-1.4 version two, corrected"
    stats = crawl(tmp_path, site)
    assert stats["changed"] == 1
    old, new = doc_row(tmp_path, old_body), doc_row(tmp_path, site.docs["/a.pdf"])
    assert old and new and old["superseded_by"] == new["id"] and new["superseded_by"] is None
    with Catalogue(tmp_path / "c.sqlite") as cat:
        assert cat.document_versions(new["id"]) == [old["id"]]


def test_document_gone_or_unlinked_is_withdrawn_but_kept(tmp_path: Path) -> None:
    site = Site()
    crawl(tmp_path, site)
    gone_body = site.docs.pop("/a.pdf")  # now answers 404
    stats = crawl(tmp_path, site)
    assert stats["withdrawn"] == 1
    gone = doc_row(tmp_path, gone_body)
    assert gone["withdrawn_at"] and "404" in gone["withdrawn_reason"]
    site.linked = []  # b.pdf still served, but no longer listed
    stats = crawl(tmp_path, site, revisit_document_days=30)
    unlinked = doc_row(tmp_path, site.docs["/b.pdf"])
    assert unlinked["withdrawn_at"] and "no longer linked" in unlinked["withdrawn_reason"]
    assert (tmp_path / "blobs").exists() and gone["sha256"]  # bytes kept


def test_relinked_document_is_available_again(tmp_path: Path) -> None:
    site = Site()
    crawl(tmp_path, site)
    site.linked = ["/a.pdf"]
    crawl(tmp_path, site, revisit_document_days=30)
    assert doc_row(tmp_path, site.docs["/b.pdf"])["withdrawn_at"]
    site.linked = ["/a.pdf", "/b.pdf"]
    crawl(tmp_path, site)
    assert doc_row(tmp_path, site.docs["/b.pdf"])["withdrawn_at"] is None


def test_schema_v1_catalogue_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    db.execute("INSERT INTO documents VALUES ('d1', 'ab', 'https://b.org/x.pdf', 'Board', "
               "'application/pdf', 3, '2020-01-01T00:00:00+00:00', NULL, NULL)")
    db.commit()
    db.close()
    with Catalogue(path) as cat:
        assert cat.schema_version() == SCHEMA_VERSION
        doc = cat.document("d1")
        assert doc["url"] == "https://b.org/x.pdf" and doc["withdrawn_at"] is None
