"""The tantivy search backend: a page-level index in ``DATA/index-tantivy/``.

The documents and stored fields mirror the whoosh backend's. Content and title use tantivy's
``en_stem`` tokenizer (lower-case + English Snowball stemmer, no stop-word removal); ``exact``
holds the page text again, lower-cased but not stemmed (quoted phrases search it, see
``index.query``); report fields are untokenized (``raw``) fields matched exactly; themes are
indexed lower-cased. ``doc_id`` is a fast field, so the set of matching reports (for facets,
totals and date order) is one terms aggregation, computed inside tantivy.

An ``Index`` is opened once per process and reused while the index's ``meta.json`` (rewritten
by every commit) is unchanged; a reader sees the last commit, never a half-written one.
A writer takes tantivy's lock file; the lock is an OS file lock, so a writer that crashed or
was killed leaves nothing to clean up, and a live one makes another writer fail with a one-line
``IndexBusy`` error instead of waiting.

Queries are the whoosh dialect, parsed here into tantivy ``Query`` objects (not with tantivy's
own query parser, whose syntax differs): words and "phrases" search content and title (title
boosted x2), with whoosh's precedence (explicit AND binds tightest, then OR, then the implicit
AND between terms), ``NOT``, parentheses, ``field:value`` and ``field:"value"`` (exact on report
fields), ``field:[a TO b]`` / ``{a TO b}`` ranges, ``word~`` / ``word~2`` fuzzy terms,
``neglec*`` / ``ne?lect`` wildcards, ``"a phrase"~2`` slop and ``word^2`` boosts.

Differences from whoosh, by design or for now: a phrase matches *stems* (so "neglected child"
also finds "neglecting children"; so do whoosh's, whose content is stemmed too); stop words are
indexed (whoosh drops them; a query *word* that is a stop word is ignored on both, but a
phrase's stop words must match here); snippets come from :mod:`index.highlight` (a phrase's
words are marked only together, fuzzy and wildcard matches are marked, nothing under a NOT),
not from tantivy's snippet generator; scores are BM25 on both but not equal; a phrase with slop
(``"a b"~3``) also matches the words in the other order (whoosh keeps the order); ``url:`` is
searchable (whoosh only stores it).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.backend import Highlighter, PageEntry, PageHit, busy, committing
from index.highlight import Matches, Normaliser, snippet, spans
from ingest.errors import QueryError

log = logging.getLogger(__name__)

TEXT_FIELDS = {"content": 1.0, "title": 2.0}  # the default fields, with their boosts
RAW_FIELDS = ("pid", "doc_id", "board", "nation", "region", "doc_type", "review_type", "url",
              "case")
ANALYZED_FIELDS = ("content", "title", "exact", "child")
INT_FIELDS = ("page", "year")
_HEAP = 128 * 1024 * 1024
# whoosh.analysis.STOP_WORDS: whoosh never indexes these, so a query word among them is ignored
_STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in",
    "is", "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we",
    "when", "will", "with", "yet", "you", "your"))


def _schema():  # noqa: ANN202 - tantivy.Schema
    import tantivy

    sb = tantivy.SchemaBuilder()
    for name in RAW_FIELDS:
        sb.add_text_field(name, stored=True, tokenizer_name="raw", fast=name == "doc_id")
    sb.add_integer_field("page", stored=True, indexed=True)
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    sb.add_text_field("content", tokenizer_name="en_stem")
    sb.add_text_field("exact", tokenizer_name="default")
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("child", stored=True, tokenizer_name="default")
    sb.add_text_field("themes", tokenizer_name="raw")  # lower-cased values, one per theme
    sb.add_text_field("themes_shown", stored=True, tokenizer_name="raw")  # as tagged
    sb.add_boolean_field("withdrawn", stored=True, indexed=True)
    return sb.build()


def _analyzers() -> dict[str, Any]:
    """Python twins of tantivy's built-in tokenizers, to turn query words into index terms."""
    import tantivy as t

    def build(stem: bool) -> Any:
        b = t.TextAnalyzerBuilder(t.Tokenizer.simple()).filter(t.Filter.remove_long(40))
        b = b.filter(t.Filter.lowercase())
        return (b.filter(t.Filter.stemmer("english")) if stem else b).build()

    return {"content": build(True), "title": build(True), "child": build(False),
            "exact": build(False)}


# -- the query language ---------------------------------------------------------------------
_TOKEN = re.compile(
    r'\s*(?:(?P<open>\()|(?P<close>\))'
    r'|(?:(?P<field>[A-Za-z_]\w*):)?(?:'
    r'(?P<range>[\[{][^\]}]*[\]}])'
    r'|"(?P<phrase>[^"]*)"(?:~(?P<slop>\d+))?'
    r'|(?P<word>[^\s()"^]+))'
    r'(?:\^(?P<boost>\d+(?:\.\d+)?))?)'
)


@dataclass
class _Leaf:
    field: str | None
    text: str
    kind: str  # "word", "phrase" or "range"
    slop: int = 0
    boost: float = 1.0


@dataclass
class _Node:
    op: str  # "and", "or", "not"
    items: list[Any]


def _lex(text: str) -> list[Any]:
    out: list[Any] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if not text[pos:].strip():
                break
            pos += 1  # a stray quote or other odd character: skip it
            continue
        pos = m.end()
        if m["open"] or m["close"]:
            out.append(m["open"] or m["close"])
            continue
        boost = float(m["boost"]) if m["boost"] else 1.0
        if m["word"] in ("AND", "OR", "NOT") and not m["field"]:
            out.append(m["word"])
        elif m["range"] is not None:
            out.append(_Leaf(m["field"], m["range"], "range", boost=boost))
        elif m["phrase"] is not None:
            out.append(_Leaf(m["field"], m["phrase"], "phrase", int(m["slop"] or 0), boost))
        else:
            out.append(_Leaf(m["field"], m["word"], "word", boost=boost))
    return out


class _Parser:
    """whoosh precedence: seq := or+ (implicit AND); or := and (OR and)*; and := not (AND not)*."""

    def __init__(self, tokens: list[Any]) -> None:
        self.toks, self.i = tokens, 0

    def peek(self) -> Any:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Any:
        tok = self.peek()
        self.i += 1
        return tok

    def seq(self, inner: bool = False) -> Any:
        items = []
        while (tok := self.peek()) is not None:
            if tok == ")":
                if inner:
                    break
                self.i += 1  # unbalanced: prepare_query normally removes these
                continue
            node = self.or_()
            if node is not None:
                items.append(node)
        return _Node("and", items) if len(items) != 1 else items[0]

    def or_(self) -> Any:
        items = [self.and_()]
        while self.peek() == "OR":
            self.i += 1
            items.append(self.and_())
        items = [x for x in items if x is not None]
        return None if not items else items[0] if len(items) == 1 else _Node("or", items)

    def and_(self) -> Any:
        items = [self.not_()]
        while self.peek() == "AND":
            self.i += 1
            items.append(self.not_())
        items = [x for x in items if x is not None]
        return None if not items else items[0] if len(items) == 1 else _Node("and", items)

    def not_(self) -> Any:
        tok = self.peek()
        if tok == "NOT":
            self.i += 1
            inner = self.not_()
            return _Node("not", [inner]) if inner is not None else None
        if tok in ("AND", "OR"):  # a dangling operator: ignored, as whoosh does
            self.i += 1
            return None
        if tok == "(":
            self.i += 1
            node = self.seq(inner=True)
            if self.peek() == ")":
                self.i += 1
            return node if not (isinstance(node, _Node) and not node.items) else None
        if tok is None or tok == ")":
            return None
        return self.take()


class _Compiler:
    def __init__(self, schema: Any) -> None:
        import tantivy

        self.t = tantivy
        self.schema = schema
        self.analyzers = _analyzers()
        self.marks = Matches()  # what to highlight on the page (index.highlight)
        self._negated = 0  # inside a NOT: nothing there is highlighted

    def compile(self, node: Any) -> Any:
        """A tantivy Query, or None when nothing in ``node`` can match (like whoosh NullQuery)."""
        if isinstance(node, _Leaf):
            return self.leaf(node)
        occur = self.t.Occur
        if node.op == "not":
            self._negated += 1
            try:
                inner = self.compile(node.items[0])
            finally:
                self._negated -= 1
            if inner is None:
                return None
            return self.t.Query.boolean_query([(occur.Must, self.t.Query.all_query()),
                                               (occur.MustNot, inner)])
        parts = [q for q in (self.compile(x) for x in node.items) if q is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        how = occur.Must if node.op == "and" else occur.Should
        return self.t.Query.boolean_query([(how, q) for q in parts])

    def leaf(self, leaf: _Leaf) -> Any:
        field = leaf.field
        if field is not None and field not in ANALYZED_FIELDS and field not in RAW_FIELDS \
                and field not in INT_FIELDS and field not in ("themes", "withdrawn"):
            # an unknown field: whoosh searches "field:value" as text
            leaf = _Leaf(None, f"{field} {leaf.text}", "phrase", leaf.slop, leaf.boost)
            field = None
        if field is None and leaf.kind == "word" and not leaf.text.strip("*"):
            return self.t.Query.all_query()  # a bare "*" (whoosh: every entry)
        fields = [field] if field else list(TEXT_FIELDS)
        parts = []
        for name in fields:
            q = self.field_query(name, leaf)
            if q is None:
                continue
            boost = leaf.boost * (TEXT_FIELDS.get(name, 1.0) if field is None else 1.0)
            parts.append(self.t.Query.boost_query(q, boost) if boost != 1.0 else q)
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return self.t.Query.boolean_query([(self.t.Occur.Should, q) for q in parts])

    def field_query(self, name: str, leaf: _Leaf) -> Any:
        q, s = self.t.Query, self.schema
        if leaf.kind == "range":
            return self.range_query(name, leaf.text)
        if name in INT_FIELDS:
            try:
                return q.term_query(s, name, int(leaf.text))
            except ValueError:
                return None  # year:abc matches nothing (whoosh: a null query)
        if name == "withdrawn":
            value = leaf.text.lower()
            return q.term_query(s, name, value in ("true", "yes", "1")) \
                if value in ("true", "yes", "1", "false", "no", "0") else None
        text = leaf.text
        fuzzy = None
        if leaf.kind == "word":
            m = re.fullmatch(r"(.+?)~(\d?)", text)
            if m:
                text, fuzzy = m[1], min(int(m[2] or 1), 2)
        if leaf.kind == "word" and fuzzy is None and any(c in text for c in "*?"):
            return self.wildcard(name, text)
        if name in RAW_FIELDS or name == "themes":
            value = text.lower() if name == "themes" else text
            if fuzzy is not None:
                return q.fuzzy_term_query(s, name, value, distance=fuzzy,
                                          transposition_cost_one=False)
            return q.term_query(s, name, value)
        terms = self.analyzers[name].analyze(text)
        if leaf.kind == "word" and name != "exact":  # whoosh drops stop and 1-letter words
            terms = [t for t in terms if len(t) > 1 and t not in _STOP_WORDS]
        if not terms:
            return None
        self._mark(name, terms, fuzzy, leaf.slop)
        if fuzzy is not None:
            return self.t.Query.boolean_query(
                [(self.t.Occur.Must, q.fuzzy_term_query(s, name, t, distance=fuzzy,
                                                         transposition_cost_one=False))
                 for t in terms])
        if len(terms) == 1:
            return q.term_query(s, name, terms[0])
        return q.phrase_query(s, name, terms, slop=leaf.slop)

    def _mark(self, name: str, terms: list[str], fuzzy: int | None, slop: int) -> None:
        """Record what a leaf on the page text asks to highlight."""
        if self._negated or name not in ("content", "exact"):
            return
        if fuzzy is not None:
            self.marks.fuzzy += [(name, t, fuzzy) for t in terms]
        elif len(terms) == 1:
            self.marks.terms.setdefault(name, set()).add(terms[0])
        else:
            self.marks.phrases.append((name, list(terms), slop))

    def forms(self) -> dict[str, Normaliser]:
        """Word -> index form for the page-text fields (the stem; the lower-cased word)."""
        def via(name: str) -> Normaliser:
            analyzer = self.analyzers[name]

            def form(word: str) -> str | None:
                out = analyzer.analyze(word)
                return out[0] if len(out) == 1 else None
            return form

        return {"content": via("content"), "exact": via("exact")}

    def wildcard(self, name: str, text: str) -> Any:
        if name not in RAW_FIELDS:
            text = text.lower()
        pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
        if name in ("content", "exact") and pattern.replace(".*", "") and not self._negated:
            self.marks.patterns.append(pattern)
        if not pattern.replace(".*", ""):  # a bare "*": every entry with a value (whoosh: Every)
            return self.t.Query.regex_query(self.schema, name, ".+")
        return self.t.Query.regex_query(self.schema, name, pattern)

    def range_query(self, name: str, text: str) -> Any:
        m = re.fullmatch(r"([\[{])\s*(\S*)\s+TO\s*(\S*)\s*([\]}])", text)
        if not m or name not in INT_FIELDS:
            raise QueryError(f"cannot read the range {name}:{text}: use e.g. year:[2015 TO 2019]")
        try:
            lo = int(m[2]) if m[2] else None
            hi = int(m[3]) if m[3] else None
        except ValueError as exc:
            raise QueryError(f"range bounds must be numbers: {name}:{text}") from exc
        if lo is None and hi is None:
            return self.t.Query.all_query()
        return self.t.Query.range_query(
            self.schema, name, self.t.FieldType.Integer, lo, hi,
            include_lower=m[1] == "[" or lo is None, include_upper=m[4] == "]" or hi is None)

    def filters(self, filters: dict[str, object]) -> list[Any]:
        """One clause per filter; a list (or set) value matches any of its values."""
        q, s, out = self.t.Query, self.schema, []
        for key, value in filters.items():
            if key in INT_FIELDS and isinstance(value, tuple):
                lo, hi = (None if v is None else int(v) for v in value)
                out.append(q.range_query(s, key, self.t.FieldType.Integer, lo, hi)
                           if (lo, hi) != (None, None) else q.all_query())
                continue
            values = list(value) if isinstance(value, list | set | frozenset) else [value]
            if key in INT_FIELDS:
                out.append(q.term_set_query(s, key, [int(v) for v in values]))
            elif key == "withdrawn":
                out.append(q.term_query(s, key, bool(values[0])))
            elif key == "themes":
                out.append(q.term_set_query(s, key, [str(v).lower() for v in values]))
            elif key in RAW_FIELDS:
                out.append(q.term_set_query(s, key, [str(v) for v in values]))
            else:
                raise QueryError(f"cannot filter on {key!r}")
        return out


# -- the backend ----------------------------------------------------------------------------
class _Writer:
    def __init__(self, writer: Any) -> None:
        import tantivy

        self._t = tantivy
        self._w = writer

    def delete(self, doc_id: str) -> None:
        self._w.delete_documents_by_term("doc_id", doc_id)

    def add_pages(self, pages: list[PageEntry]) -> None:
        for p in pages:
            self._w.add_document(self._t.Document(
                pid=[p.pid], doc_id=[p.doc_id], page=[p.page], content=[p.content],
                title=[p.title], board=[p.board], nation=[p.nation], region=[p.region],
                year=[p.year], doc_type=[p.doc_type], review_type=[p.review_type],
                child=[p.child], themes=[t.lower() for t in p.themes],
                themes_shown=[",".join(p.themes)], withdrawn=[p.withdrawn], url=[p.url],
                case=[p.case], exact=[p.content],
            ))

    def commit(self) -> None:
        self._w.commit()
        self._w.wait_merging_threads()

    def cancel(self) -> None:
        self._w.rollback()
        self._w.wait_merging_threads()


_OPEN: dict[str, tuple[tuple[int, int], Any]] = {}  # path -> (meta.json stat, Index)


class TantivyBackend:
    """Page entries in a tantivy index directory."""

    name = "tantivy"

    def __init__(self, where: Path) -> None:
        self.where = Path(where)

    def exists(self) -> bool:
        import tantivy

        return self.where.is_dir() and tantivy.Index.exists(str(self.where))

    def create(self) -> None:
        import tantivy

        _OPEN.pop(str(self.where), None)
        shutil.rmtree(self.where, ignore_errors=True)
        self.where.mkdir(parents=True)
        tantivy.Index(_schema(), path=str(self.where), reuse=False)
        log.debug("created an empty tantivy index in %s", self.where)

    def _open(self) -> Any:
        """The index, opened once and reused until a commit (or a rebuild) changes it."""
        import tantivy

        meta = os.stat(self.where / "meta.json")
        stamp = (meta.st_ino, meta.st_mtime_ns)
        cached = _OPEN.get(str(self.where))
        if cached and cached[0] == stamp:
            return cached[1]
        ix = tantivy.Index.open(str(self.where))
        _OPEN[str(self.where)] = (stamp, ix)
        return ix

    @contextmanager
    def writer(self) -> Iterator[_Writer]:
        threads = max(1, min(4, os.cpu_count() or 1))
        try:
            raw = self._open().writer(heap_size=_HEAP, num_threads=threads)
        except ValueError as exc:
            if "lock" in str(exc).lower():
                raise busy(self.where) from exc
            raise
        with committing(_Writer(raw)) as w:
            yield w

    def _query(self, query: str, filters: dict[str, object]) -> tuple[Any, _Compiler]:
        """The compiled query with its filters (None when nothing can match); the compiler."""
        import tantivy

        compiler = _Compiler(self._open().schema)
        try:
            q = compiler.compile(_Parser(_lex(query)).seq())
            clauses = compiler.filters(filters)
        except QueryError:
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            raise QueryError(f"could not parse query {query!r}: {exc}") from exc
        if q is not None and clauses:
            q = tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in [q, *clauses]])
        return q, compiler

    def search(self, query: str, filters: dict[str, object], limit_pages: int,
               highlight: Highlighter | None = None) -> Iterator[PageHit]:

        q, compiler = self._query(query, filters)
        if q is None:
            return
        searcher = self._open().searcher()
        forms = compiler.forms()
        for score, address in searcher.search(q, limit_pages, count=False).hits:
            doc = searcher.doc(address)

            def first(name: str, default: Any = "", doc: Any = doc) -> Any:
                value = doc.get_first(name)
                return default if value is None else value

            hit = PageHit(
                doc_id=first("doc_id"), page=first("page", 0), score=float(score),
                title=first("title"), board=first("board"), year=first("year", 0),
                doc_type=first("doc_type"), review_type=first("review_type"),
                child=first("child"), themes=[t for t in first("themes_shown").split(",") if t],
                url=first("url"), case=first("case"), withdrawn=bool(first("withdrawn", False)),
            )
            text = highlight(hit) if highlight else None
            if text and compiler.marks:
                hit.fragment = snippet(text, spans(text, compiler.marks, forms, _STOP_WORDS))
            yield hit

    def marks(self, query: str, text: str) -> list[tuple[int, int]]:
        _, compiler = self._query(query, {})
        return spans(text, compiler.marks, compiler.forms(), _STOP_WORDS) if compiler.marks \
            else []

    def matching(self, query: str, filters: dict[str, object]) -> dict[str, int]:
        q, _ = self._query(query, filters)
        if q is None:
            return {}
        searcher = self._open().searcher()
        size = max(1, searcher.num_docs)
        out = searcher.aggregate(q, {"docs": {"terms": {"field": "doc_id", "size": size}}})
        return {b["key"]: int(b["doc_count"]) for b in out["docs"]["buckets"]}

    def vocabulary(self) -> dict[str, int]:
        return dict(self._open().searcher().terms_with_prefix("exact", ""))

    def page_count(self) -> int:
        return int(self._open().searcher().num_docs)
