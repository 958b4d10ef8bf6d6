"""The search-backend interface: what ``index.search`` needs from a full-text engine.

``index.search`` owns everything engine-neutral (which documents to (re)index, the incremental
state in the catalogue, query repairs and aliases, grouping page hits into report hits, snippet
markup). A backend owns one on-disk index of *page entries* (one per page of every case-review
document, carrying its report's fields) and answers a prepared query with *page hits*, best
first. Two backends exist:

- ``tantivy`` (the default; :mod:`index.tantivy_backend`), in ``DATA/index-tantivy/``;
- ``whoosh`` (:mod:`index.whoosh_backend`), in ``DATA/index/``.

The default is tantivy because bench/search.py measured it meeting the national-scale targets
that whoosh misses by an order of magnitude (README, "Search"). The backend is chosen by the
``search_backend`` setting (``SCR_SEARCH_BACKEND``), or per call. Highlighted fragments mark
matched words with ``\\x02`` ... ``\\x03`` (see ``MARK_OPEN``).

Every backend indexes the page text twice: ``content`` (English-stemmed; words) and ``exact``
(lower-cased, not stemmed, stop words kept; ``index.query`` sends a quoted phrase there), so
that stemming widens words while a "quoted phrase" stays exact. ``exact`` also gives the
unstemmed vocabulary behind did-you-mean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from ingest.errors import ConfigError, IndexBusy

BACKENDS = ("whoosh", "tantivy")
DEFAULT_BACKEND = "tantivy"
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
# filters a backend must accept: raw (exact, case-sensitive) values, except themes (lower-cased),
# year (an int, or a (lo, hi) pair) and withdrawn (a bool); a list value means any of them
RAW_FIELDS = ("doc_id", "board", "nation", "region", "doc_type", "review_type", "case")
FILTER_FIELDS = (*RAW_FIELDS, "themes", "year", "withdrawn")


@dataclass(frozen=True)
class PageEntry:
    """One page of a case-review document, with its report's fields, as indexed."""

    doc_id: str
    page: int  # 1-based page number; 0 when the document has no real pages (HTML, Word)
    pid: str  # unique per entry: "doc_id:n" with n the 1-based position even when page is 0
    content: str
    title: str = ""
    board: str = ""
    nation: str = ""
    region: str = ""
    year: int = 0  # 0: unknown
    doc_type: str = ""
    review_type: str = ""
    child: str = ""
    themes: list[str] = field(default_factory=list)
    withdrawn: bool = False  # the source took the document down (the archived copy remains)
    url: str = ""
    case: str = ""  # the case (review) the document belongs to, "" when not grouped


@dataclass
class PageHit:
    """One matching page, with the stored fields of its report and a highlighted fragment."""

    doc_id: str
    page: int  # as indexed (0: not paged)
    score: float
    title: str = ""
    board: str = ""
    year: int = 0
    doc_type: str = ""
    review_type: str = ""
    child: str = ""
    themes: list[str] = field(default_factory=list)
    url: str = ""
    case: str = ""
    withdrawn: bool = False
    fragment: str | None = None  # matched words between MARK_OPEN/MARK_CLOSE, when asked for


class IndexWriter(Protocol):
    """A batch of changes, applied by ``commit`` (or dropped by ``cancel``)."""

    def delete(self, doc_id: str) -> None: ...
    def add_pages(self, pages: list[PageEntry]) -> None: ...
    def commit(self) -> None: ...
    def cancel(self) -> None: ...


# ``highlight(hit)`` returns the page's text when the caller wants a fragment for this hit
Highlighter = Callable[[PageHit], str | None]


class SearchBackend(Protocol):
    """A page-level full-text index in one directory."""

    name: str
    where: Path

    def exists(self) -> bool:
        """Whether an index is present (``create`` makes an empty one, replacing any)."""
        ...

    def create(self) -> None: ...

    def writer(self) -> AbstractContextManager[IndexWriter]:
        """A writer: committed when the block ends normally, cancelled on an exception."""
        ...

    def search(self, query: str, filters: dict[str, object], limit_pages: int,
               highlight: Highlighter | None = None) -> Iterator[PageHit]:
        """Page hits for a prepared query (see ``index.search.prepare_query``), best first.

        ``filters`` maps a field to a value (``year`` may be a (lo, hi) pair; empty values are
        already dropped). Raises ``QueryError`` (one line) when the query cannot be parsed.
        Hits are yielded in order, so ``highlight`` may decide from the hits already seen.
        """
        ...

    def matching(self, query: str, filters: dict[str, object]) -> dict[str, int]:
        """Every report with a matching page: doc_id -> number of matching pages.

        The whole match set, not a top-k: facets, totals and date order are computed from it.
        """
        ...

    def vocabulary(self) -> dict[str, int]:
        """The unstemmed words of the ``exact`` field with the number of pages holding each."""
        ...

    def marks(self, query: str, text: str) -> list[tuple[int, int]]:
        """Character spans of a whole page's ``text`` that a prepared query matched, in order
        (empty when the backend cannot say)."""
        ...

    def page_count(self) -> int:
        """Pages (entries) in the index."""
        ...


W = TypeVar("W", bound=IndexWriter)


@contextmanager
def committing(writer: W) -> Iterator[W]:
    """``writer`` for a block: committed when it ends normally, cancelled on an exception."""
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def busy(where: Path) -> IndexBusy:
    """The one-line error for an index another process is writing (its lock is held)."""
    return IndexBusy(f"the index in {where} is being written by another process; wait for it "
                     "to finish (or stop it) and try again")


def backend_name(name: str | None) -> str:
    """The backend to use: ``name``, else the setting (``SCR_SEARCH_BACKEND``); validated."""
    if name is None:
        from ingest.settings import Settings

        name = Settings.from_env().search_backend
    name = name.strip().lower()
    if name not in BACKENDS:
        raise ConfigError(f"unknown search backend {name!r}: use one of {', '.join(BACKENDS)}")
    return name


def index_dir(data: Path, name: str = DEFAULT_BACKEND) -> Path:
    """Where a backend keeps its index under DATA (whoosh: ``index/``, others ``index-NAME/``)."""
    return Path(data) / ("index" if name == "whoosh" else f"index-{name}")


def state_key(name: str) -> str:
    """The catalogue kv key of a backend's incremental state (whoosh keeps the historic one)."""
    return "index_state" if name == "whoosh" else f"index_state:{name}"


def open_backend(data: Path, name: str | None = None) -> SearchBackend:
    """The backend ``name`` (or the configured one) for the index under ``data``."""
    name = backend_name(name)
    if name == "tantivy":
        from index.tantivy_backend import TantivyBackend

        return TantivyBackend(index_dir(data, name))
    from index.whoosh_backend import WhooshBackend

    return WhooshBackend(index_dir(data, name))
