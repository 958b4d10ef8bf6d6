"""Catalogue accessors for what is derived from the text of many documents together.

Near-duplicate signatures, ``documents.duplicate_of``, the case of each review document and the
recommendations of each report (schema v3). Mixed into :class:`ingest.catalogue.Catalogue`, so
stages still call catalogue methods and never write SQL of their own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

#: Columns of the ``metadata`` table that :meth:`Catalogue.save_metadata` fills from fields.
METADATA_FIELDS = ("reason", "title", "board", "nation", "region", "year", "month", "doc_type",
                   "review_type", "child", "age_months", "gender", "outcome")


class FactsTables:
    """Signatures, duplicates, cases and recommendations (needs ``self.db``)."""

    db: sqlite3.Connection

    # -- near-duplicates ------------------------------------------------------------------
    def documents_without_signature(self) -> list[str]:
        """Ids of extracted documents with text whose MinHash signature is not stored yet."""
        rows = self.db.execute(
            "SELECT e.doc_id FROM extractions e LEFT JOIN signatures s ON s.doc_id = e.doc_id "
            "WHERE s.doc_id IS NULL ORDER BY e.doc_id")
        return [r[0] for r in rows]

    def save_signature(self, doc_id: str, words: int, minhash: bytes) -> None:
        self.db.execute("INSERT OR REPLACE INTO signatures VALUES (?,?,?)",
                        (doc_id, words, minhash))

    def signatures(self) -> list[dict[str, Any]]:
        """Signatures of current documents (not superseded by a newer version)."""
        rows = self.db.execute(
            "SELECT s.doc_id, s.words, s.minhash, d.source, d.fetched_at FROM signatures s "
            "JOIN documents d ON d.id = s.doc_id WHERE d.superseded_by IS NULL ORDER BY s.doc_id")
        return [dict(r) for r in rows]

    def set_duplicates(self, duplicate_of: Mapping[str, str]) -> None:
        """Replace all duplicate marks: ``{copy id: canonical id}``."""
        with self.transaction():  # type: ignore[attr-defined]
            self.db.execute("UPDATE documents SET duplicate_of = NULL "
                            "WHERE duplicate_of IS NOT NULL")
            self.db.executemany("UPDATE documents SET duplicate_of=? WHERE id=?",
                                [(canon, copy) for copy, canon in duplicate_of.items()])

    def duplicates_of(self, doc_id: str) -> list[str]:
        rows = self.db.execute("SELECT id FROM documents WHERE duplicate_of=? ORDER BY id",
                               (doc_id,))
        return [r[0] for r in rows]

    def all_urls_of(self, doc_id: str) -> list[str]:
        """Every URL that served this document or a near-duplicate copy of it."""
        rows = self.db.execute(
            "SELECT url FROM document_urls WHERE doc_id=? OR doc_id IN "
            "(SELECT id FROM documents WHERE duplicate_of=?) ORDER BY first_seen, url",
            (doc_id, doc_id))
        seen: dict[str, None] = {}
        for r in rows:
            seen.setdefault(r[0])
        return list(seen)

    # -- cases ----------------------------------------------------------------------------
    def set_cases(self, case_of: Mapping[str, str]) -> None:
        """Replace all case assignments: ``{doc id: case id}``."""
        with self.transaction():  # type: ignore[attr-defined]
            self.db.execute("DELETE FROM cases")
            self.db.executemany("INSERT INTO cases VALUES (?,?)", sorted(case_of.items()))

    def case_members(self, case_id: str) -> list[str]:
        rows = self.db.execute("SELECT doc_id FROM cases WHERE case_id=? ORDER BY doc_id",
                               (case_id,))
        return [r[0] for r in rows]

    def case_of(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT doc_id, case_id FROM cases").fetchall())

    # -- recommendations ------------------------------------------------------------------
    def save_recommendations(self, doc_id: str, items: Iterable[Mapping[str, Any]]) -> None:
        self.db.execute("DELETE FROM recommendations WHERE doc_id=?", (doc_id,))
        self.db.executemany(
            "INSERT INTO recommendations VALUES (?,?,?,?,?,?)",
            [(doc_id, n, it.get("number"), it.get("page"), it.get("heading"), it["text"])
             for n, it in enumerate(items, 1)])

    def recommendations(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        """Recommendations of one document, or of every listed report (doc_id None)."""
        if doc_id is not None:
            rows = self.db.execute("SELECT * FROM recommendations WHERE doc_id=? ORDER BY n",
                                   (doc_id,))
        else:
            rows = self.db.execute(
                "SELECT r.* FROM recommendations r JOIN documents d ON d.id = r.doc_id "
                "JOIN metadata m ON m.doc_id = r.doc_id WHERE m.is_review = 1 AND "
                "d.superseded_by IS NULL AND d.duplicate_of IS NULL ORDER BY r.doc_id, r.n")
        return [dict(r) for r in rows]

    # -- problems -------------------------------------------------------------------------
    def failed_urls(self) -> list[dict[str, Any]]:
        """URLs whose last fetch failed, with the text of a link that led to each."""
        rows = self.db.execute(
            "SELECT u.url, u.source, u.status_code, u.error, u.fetched_at, "
            "(SELECT l.text FROM links l WHERE l.to_url = u.url LIMIT 1) AS link_text "
            "FROM urls u WHERE u.state = 'failed' ORDER BY u.source, u.url")
        return [dict(r) for r in rows]
