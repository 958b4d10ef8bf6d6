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
phrase's stop words must match here); fuzzy and wildcard matches are found but not highlighted
(tantivy's snippet generator marks exact terms only); a snippet is one window around the first
match (whoosh joins its best two); scores are BM25 on both but not equal; a phrase with slop
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

from index.backend import MARK_CLOSE, MARK_OPEN, Highlighter, PageEntry, PageHit, busy, committing
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
_BEFORE, _WINDOW = 80, 220  # snippet context, in bytes (whoosh: surround=80, maxchars=220)


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
        self.patterns: list[str] = []  # wildcards on page text, highlighted here (see _marked)

    def compile(self, node: Any) -> Any:
        """A tantivy Query, or None when nothing in ``node`` can match (like whoosh NullQuery)."""
        if isinstance(node, _Leaf):
            return self.leaf(node)
        occur = self.t.Occur
        if node.op == "not":
            inner = self.compile(node.items[0])
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
        if fuzzy is not None:
            return self.t.Query.boolean_query(
                [(self.t.Occur.Must, q.fuzzy_term_query(s, name, t, distance=fuzzy,
                                                         transposition_cost_one=False))
                 for t in terms])
        if len(terms) == 1:
            return q.term_query(s, name, terms[0])
        return q.phrase_query(s, name, terms, slop=leaf.slop)

    def wildcard(self, name: str, text: str) -> Any:
        if name not in RAW_FIELDS:
            text = text.lower()
        pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
        if name in ("content", "exact") and pattern.replace(".*", ""):
            self.patterns.append(pattern)
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
        import tantivy

        q, compiler = self._query(query, filters)
        if q is None:
            return
        ix = self._open()
        schema = ix.schema
        searcher = ix.searcher()
        generators: list[Any] | None = None
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
            if text:
                if generators is None:
                    generators = []
                    for name in ("content", "exact"):
                        gen = tantivy.SnippetGenerator.create(searcher, q, schema, name)
                        gen.set_max_num_chars(1_000_000)  # every match on the page
                        generators.append((name, gen))
                snippets = [gen.snippet_from_doc(tantivy.Document(**{name: [text]}))
                            for name, gen in generators]
                hit.fragment = _marked(snippets, text, compiler.patterns)
            yield hit

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


def _marked(snippets: list[Any], text: str, patterns: list[str] | None = None) -> str | None:
    """A window of ``text`` around its best match, the matches between the markers.

    ``snippets`` come from the stemmed and the exact field (a quoted phrase matches the latter);
    their highlighted ranges are UTF-8 byte offsets into their fragments, pieces of ``text``,
    and are merged, with the words matching a wildcard ``patterns`` (tantivy does not highlight
    those). Like whoosh's context fragmenter, the window keeps about ``_BEFORE``
    bytes before the match that shows the most different matched words and ``_WINDOW`` in all;
    a matched word it lacks gets a second, shorter window (joined by an ellipsis).
    """
    raw = text.encode()
    found: set[tuple[int, int]] = set()
    for snippet in snippets:
        frag = snippet.fragment().encode()
        base = raw.find(frag)
        if base < 0:  # not expected: the fragment is cut from the text
            continue
        found.update((base + h.start, base + h.end) for h in snippet.highlighted())
    if patterns:
        wild = re.compile("|".join(f"(?:{p})" for p in patterns))
        for m in re.finditer(rb"\w+", raw):
            if wild.fullmatch(m.group().decode(errors="ignore").lower()):
                found.add(m.span())
    # a phrase's stop words ("domestic violence and abuse") are highlighted alone too: drop them
    ranges = sorted(r for r in found if raw[r[0]:r[1]].decode(errors="ignore").lower()
                    not in _STOP_WORDS)
    if not ranges:
        return None
    lead = _best_window(raw, ranges)
    parts = [_window(raw, lead, _BEFORE, _WINDOW)]
    shown = {raw[a:b].lower() for a, b in ranges if parts[0][0] <= a and b <= parts[0][1]}
    missing = next((r for r in ranges if raw[r[0]:r[1]].lower() not in shown), None)
    if missing is not None:  # a matched word the window lacks: a short second window (whoosh
        second = _window(raw, missing, 40, 120)  # joins its best two fragments too)
        if second[0] >= parts[0][1] or second[1] <= parts[0][0]:
            parts = sorted([*parts, second])
    return " \u2026 ".join(_render(raw, ranges, a, b) for a, b in parts)


def _window(raw: bytes, match: tuple[int, int], before: int, width: int) -> tuple[int, int]:
    """Byte offsets of about ``width`` bytes around ``match``, ``before`` of them before it,
    cut at spaces."""
    start = max(0, match[0] - before)
    while 0 < start < match[0] and raw[start - 1:start] not in (b" ", b"\n"):
        start += 1  # begin at a word
    end = min(len(raw), start + width)
    while match[1] > end or (end < len(raw) and raw[end:end + 1] not in (b" ", b"\n")):
        end += 1  # end after a word (and after the match)
    return start, end


def _render(raw: bytes, ranges: list[tuple[int, int]], start: int, end: int) -> str:
    out, pos = [], start
    for lo, hi in ranges:
        if lo < pos or hi > end:
            continue
        out += [raw[pos:lo].decode(errors="ignore"), MARK_OPEN,
                raw[lo:hi].decode(errors="ignore"), MARK_CLOSE]
        pos = hi
    out.append(raw[pos:end].decode(errors="ignore"))
    return "".join(out).strip()


def _best_window(raw: bytes, ranges: list[tuple[int, int]]) -> tuple[int, int]:
    """The match to build the snippet around: the one whose window shows the most different
    matched words ("neglect AND police" shows both when a passage has both), then the most
    matches, then the earliest."""
    best, best_key = ranges[0], (0, 0, 0)
    for i, (lo, _) in enumerate(ranges):
        stop = max(0, lo - _BEFORE) + _WINDOW
        inside = [r for r in ranges[i:] if r[1] <= stop]
        words = {raw[a:b].lower() for a, b in inside}
        key = (len(words), len(inside), -lo)
        if key > best_key:
            best, best_key = (lo, ranges[i][1]), key
    return best
