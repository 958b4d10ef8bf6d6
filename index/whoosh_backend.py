"""The whoosh search backend: a page-level index in ``DATA/index/``.

Content and title are stemmed (whoosh's ``StemmingAnalyzer``, which also drops English stop
words); ``exact`` is the page text again, lower-cased only (quoted phrases search it); report
fields are ``ID`` fields (exact values), themes a lower-cased comma keyword list. ``doc_id`` is
sortable (a column), so the set of matching reports is read without loading stored fields.
A writer holds whoosh's lock file through an OS file lock, released when its process dies, so
a crashed build leaves nothing to clean up; a live writer makes another fail with ``IndexBusy``.
Query syntax is whoosh's: words, "phrases", AND/OR/NOT, parentheses, field:value, wildcards,
fuzzy~ and ``field:[a TO b]`` ranges; words search content and title (title boosted x2).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.backend import MARK_CLOSE, MARK_OPEN, Highlighter, PageEntry, PageHit, busy, committing
from ingest.errors import QueryError


def _schema():  # noqa: ANN202 - whoosh types are untyped
    from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
    from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

    stem = StemmingAnalyzer()
    return Schema(
        pid=ID(unique=True, stored=True), doc_id=ID(stored=True, sortable=True),
        page=NUMERIC(stored=True), content=TEXT(analyzer=stem, phrase=True),
        exact=TEXT(analyzer=StandardAnalyzer(stoplist=None, minsize=1), phrase=True),
        title=TEXT(analyzer=stem, stored=True), case=ID(stored=True),
        withdrawn=BOOLEAN(stored=True),
        board=ID(stored=True), nation=ID(stored=True), region=ID(stored=True),
        year=NUMERIC(stored=True), doc_type=ID(stored=True), review_type=ID(stored=True),
        child=TEXT(stored=True), themes=KEYWORD(commas=True, stored=True, lowercase=True),
        url=STORED(),
    )


class _Writer:
    def __init__(self, writer: Any) -> None:
        self._w = writer

    def delete(self, doc_id: str) -> None:
        self._w.delete_by_term("doc_id", doc_id)

    def add_pages(self, pages: list[PageEntry]) -> None:
        for p in pages:
            self._w.add_document(
                pid=p.pid, doc_id=p.doc_id, page=p.page, content=p.content, title=p.title,
                board=p.board, nation=p.nation, region=p.region, year=p.year,
                doc_type=p.doc_type, review_type=p.review_type, child=p.child,
                themes=",".join(p.themes), url=p.url, exact=p.content, case=p.case,
                withdrawn=p.withdrawn,
            )

    def commit(self) -> None:
        self._w.commit()

    def cancel(self) -> None:
        self._w.cancel()


class WhooshBackend:
    """Page entries in a whoosh index directory."""

    name = "whoosh"

    def __init__(self, where: Path) -> None:
        self.where = Path(where)

    def exists(self) -> bool:
        from whoosh import index as windex

        return windex.exists_in(self.where)

    def create(self) -> None:
        from whoosh import index as windex

        _, cached = _SEARCHERS.pop(str(self.where), (None, None))
        if cached is not None:
            cached.close()
        shutil.rmtree(self.where, ignore_errors=True)
        self.where.mkdir(parents=True)
        windex.create_in(self.where, _schema())

    @contextmanager
    def writer(self) -> Iterator[_Writer]:
        from whoosh import index as windex
        from whoosh.index import LockError

        try:
            raw = windex.open_dir(self.where).writer(limitmb=256)
        except LockError as exc:
            raise busy(self.where) from exc
        with committing(_Writer(raw)) as w:
            yield w

    def _searcher(self) -> Any:
        """A searcher over the last commit, kept open between calls and refreshed."""
        from whoosh import index as windex

        # a rebuild restarts whoosh's generation numbers, so up_to_date() alone could keep a
        # searcher over deleted segments: the directory's inode and mtime change on every commit
        st = os.stat(self.where)
        stamp = (st.st_ino, st.st_mtime_ns)
        seen, cached = _SEARCHERS.get(str(self.where), (None, None))
        if cached is not None and seen == stamp and cached.up_to_date():
            return cached
        # a new searcher, not ``refresh()``: that reuses segment readers, and a reused reader
        # misses deletions committed to its segment since (a removed report kept matching)
        fresh = windex.open_dir(self.where).searcher()
        if cached is not None:
            cached.close()
        _SEARCHERS[str(self.where)] = (stamp, fresh)
        return fresh

    def _query(self, query: str, filters: dict[str, object], schema: Any) -> Any:
        from whoosh import qparser
        from whoosh import query as wq

        parser = qparser.MultifieldParser(["content", "title"], schema,
                                          fieldboosts={"title": 2.0})
        parser.add_plugin(qparser.FuzzyTermPlugin())
        try:
            q = parser.parse(query)
        except Exception as exc:  # whoosh raises many types for odd syntax
            raise QueryError(f"could not parse query {query!r}: {exc}") from exc
        for leaf in q.leaves():
            if isinstance(leaf, wq.FuzzyTerm):  # whoosh indexes past a prefix longer than
                leaf.prefixlength = min(leaf.prefixlength, len(leaf.text))  # the term ("0~/2")
        clauses = []
        for key, value in filters.items():
            if key == "year" and isinstance(value, tuple):
                clauses.append(wq.NumericRange("year", value[0], value[1]))
                continue
            values = list(value) if isinstance(value, list | set | frozenset) else [value]
            if key == "themes":
                values = [str(v).lower() for v in values]
            elif key == "withdrawn":
                values = [bool(values[0])]
            clauses.append(wq.Or([wq.Term(key, v) for v in values]) if len(values) > 1
                           else wq.Term(key, values[0]))
        return wq.And([q, *clauses]) if clauses else q

    def marks(self, query: str, text: str) -> list[tuple[int, int]]:
        return []  # whoosh marks fragments of a hit only; whole pages are marked by tantivy

    def search(self, query: str, filters: dict[str, object], limit_pages: int,
               highlight: Highlighter | None = None) -> Iterator[PageHit]:
        from whoosh import highlight as whl

        class _Marker(whl.Formatter):
            def format_token(self, text, token, replace=False):  # noqa: ANN001, ANN202
                return MARK_OPEN + whl.get_text(text, token, replace) + MARK_CLOSE

        searcher = self._searcher()
        q = self._query(query, filters, searcher.schema)
        results = searcher.search(q, limit=limit_pages)
        results.fragmenter = whl.ContextFragmenter(maxchars=220, surround=80)
        results.formatter = _Marker()
        for hit in results:
            out = PageHit(
                doc_id=hit["doc_id"], page=hit["page"] or 0, score=float(hit.score),
                title=hit["title"], board=hit["board"], year=hit["year"] or 0,
                doc_type=hit["doc_type"], review_type=hit["review_type"],
                child=hit["child"], themes=[t for t in hit["themes"].split(",") if t],
                url=hit["url"], case=hit.get("case", ""),
                withdrawn=bool(hit.get("withdrawn", False)),
            )
            text = highlight(out) if highlight else None
            if text is not None:
                # a quoted phrase matched the exact field: highlight that when content has none
                out.fragment = (hit.highlights("content", text=text, top=2)
                                or hit.highlights("exact", text=text, top=2))
            yield out

    def matching(self, query: str, filters: dict[str, object]) -> dict[str, int]:
        searcher = self._searcher()
        q = self._query(query, filters, searcher.schema)
        results = searcher.search(q, limit=None, groupedby="doc_id")
        return {doc_id: len(nums) for doc_id, nums in results.groups("doc_id").items()}

    def vocabulary(self) -> dict[str, int]:
        reader = self._searcher().reader()
        return {(t.decode() if isinstance(t, bytes) else t): info.doc_frequency()
                for t, info in reader.iter_field("exact")}

    def page_count(self) -> int:
        return int(self._searcher().doc_count())


_SEARCHERS: dict[str, tuple[tuple[int, int], Any]] = {}  # path -> (directory stamp, searcher)
