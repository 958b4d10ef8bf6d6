"""Extraction stage: the bytes of a fetched document -> text per page + document metadata.

Every input comes out as an :class:`Extraction` with a status, never as an exception:

- ``ok``: text extracted (``reason`` is empty, or "partial: ..." when some PDF pages failed);
- ``needs_ocr``: a PDF whose text layer is missing or too thin (under
  :data:`MIN_CHARS_PER_PAGE` non-space characters per page on average): scanned or image-only;
- ``encrypted``: a PDF that the empty password does not open ("encrypted: password required");
- ``failed``: a one-line cause ("empty file", "corrupt PDF: ...", "timeout after 60 s",
  "memory limit exceeded", "unsupported content type: image/png", "worker died: ...").

PDFs are paged (``pages[i]`` is page i+1, cleaned by :mod:`ingest.textclean` with running
headers, footers and page numbers removed); HTML, DOCX and plain text give one element holding the
whole main text. :func:`extract_bytes` works in-process; :func:`extract_many` runs files through
killable worker processes (:mod:`ingest.workerpool`) with a time and a memory limit per document.

``meta`` always has ``kind`` ("pdf", "html", "docx", "text") once the kind is known; dates are
ISO strings ("2017-03-12", or "2017-03" / "2017" when that is all the source says).

- PDF (:mod:`ingest.pdftext`): ``title``, ``author``, ``subject``, ``created``, ``modified`` (from
  the Info dictionary, when present), ``pages``, ``encrypted`` (True also for files that the
  empty password opens), ``unmapped_glyphs``, ``failed_pages``, ``page_errors``;
- HTML (:mod:`ingest.htmltext`): ``title`` (``<title>``), ``h1``, ``description``, ``times``
  (``<time>`` values), ``published`` and ``published_text`` ("Published: 12 March 2017"),
  ``encoding``;
- DOCX (:mod:`ingest.docxtext`): ``title``, ``author``, ``subject``, ``created``, ``modified``.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSEOF

from ingest.docxtext import docx_text
from ingest.htmltext import html_text
from ingest.pdftext import pdf_pages
from ingest.sniff import magic_type, media_type, sniff
from ingest.textclean import normalise, one_line, strip_running_lines, vocabulary
from ingest.workerpool import run_isolated
from ingest.workerproc import MEMORY_REASON

logger = logging.getLogger(__name__)

__all__ = ["ENCRYPTED_REASON", "STATUSES", "Extraction", "Extractor", "extract_bytes",
           "extract_many", "failed", "sniff"]

STATUSES = ("ok", "needs_ocr", "encrypted", "failed")
MIN_CHARS_PER_PAGE = 40
ENCRYPTED_REASON = "encrypted: password required"
PROGRESS_EVERY = 50  # documents between progress log lines
LABELS = {"pdf": "corrupt PDF", "docx": "corrupt DOCX", "html": "unreadable HTML",
          "text": "unreadable text"}


@dataclass(frozen=True)
class Extraction:
    """The outcome of extracting one document (see the module docstring for ``status``).

    ``meta`` is what the document says about itself (JSON-serialisable); treat it as read-only.
    """

    status: str
    reason: str
    pages: tuple[str, ...]
    paged: bool
    meta: dict[str, Any]

    @property
    def text(self) -> str:
        """All pages, separated by blank lines."""
        return "\n\n".join(self.pages)


Extractor = Callable[[bytes, "str | None", "str | None"], Extraction]


def failed(reason: str, paged: bool = False, **meta: Any) -> Extraction:
    """A failed extraction with a one-line ``reason``."""
    return Extraction("failed", one_line(reason), (), paged, dict(meta))


def _cause(exc: BaseException) -> str:
    if isinstance(exc, PSEOF):
        return "unexpected end of file (truncated?)"
    message = one_line(str(exc), 200)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _from_pdf(data: bytes) -> Extraction:
    try:
        raw, meta = pdf_pages(data)
    except PDFPasswordIncorrect:
        return Extraction("encrypted", ENCRYPTED_REASON, (), True, {"kind": "pdf",
                                                                     "encrypted": True})
    except PDFEncryptionError as exc:  # e.g. an unsupported security handler
        return Extraction("encrypted", f"encrypted: {_cause(exc)}", (), True,
                          {"kind": "pdf", "encrypted": True})
    meta["kind"] = "pdf"
    if not raw:
        return failed("corrupt PDF: no pages", paged=True, **meta)
    vocab = vocabulary(raw)
    pages = tuple(strip_running_lines([normalise(page, vocab) for page in raw]))
    chars = sum(len("".join(page.split())) for page in pages)
    broken = meta.get("failed_pages", 0)
    if not chars and broken >= len(pages):
        return failed(f"corrupt PDF: every page failed ({meta['page_errors'][0]})", paged=True,
                      **meta)
    if chars < MIN_CHARS_PER_PAGE * len(pages):
        glyphs = meta.get("unmapped_glyphs", 0)
        why = f", {glyphs} glyphs without Unicode mapping" if glyphs else ""
        plural = "page" if len(pages) == 1 else "pages"
        reason = (f"no usable text layer: {chars} characters on {len(pages)} {plural}{why} "
                  "(scanned or image-only?)")
        return Extraction("needs_ocr", reason, pages, True, meta)
    reason = f"partial: {broken} of {len(pages)} pages unreadable" if broken else ""
    return Extraction("ok", reason, pages, True, meta)


def _one_page(kind: str, text: str, meta: dict[str, Any]) -> Extraction:
    text = normalise(text)
    meta["kind"] = kind
    if not text:
        return failed(f"no text found in {kind.upper()} document", **meta)
    return Extraction("ok", "", (text,), False, meta)


def _decode(data: bytes, charset: str | None) -> str:
    for encoding in (charset, "utf-8-sig"):
        if encoding:
            try:
                return data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return data.decode("cp1252", errors="replace")


def extract_bytes(data: bytes, content_type: str | None = None,
                  url: str | None = None) -> Extraction:
    """Extract text and metadata from ``data`` in this process; never raises for bad input."""
    if not data.strip():
        return failed("empty file")
    kind = sniff(data, content_type, url)
    try:
        if kind == "pdf":
            return _from_pdf(data)
        if kind == "html":
            return _one_page("html", *html_text(data, _charset(content_type)))
        if kind == "docx":
            return _one_page("docx", *docx_text(data))
        if kind == "text":
            if data.count(b"\x00") > len(data) // 100:
                return failed("unreadable text: binary data")
            return _one_page("text", _decode(data, _charset(content_type)), {})
    except MemoryError:
        return failed(MEMORY_REASON, paged=kind == "pdf")
    except Exception as exc:  # library errors on hostile input: a recorded outcome
        logger.debug("extraction of %s (%s) failed", url or "document", kind, exc_info=True)
        return failed(f"{LABELS[kind]}: {_cause(exc)}", paged=kind == "pdf", kind=kind)
    shown = media_type(content_type) or magic_type(data) or "unrecognised bytes"
    return failed(f"unsupported content type: {shown}")


def _run_job(job: tuple[str, str | None, str | None, Extractor]) -> Extraction:
    """Worker side of :func:`extract_many`: read one file and extract it."""
    path, content_type, url, extractor = job
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # per-glyph font complaints are noise
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return failed(f"cannot read file: {exc.strerror or _cause(exc)}")
    result = extractor(data, content_type, url)
    if not isinstance(result, Extraction):
        return failed(f"extractor returned {type(result).__name__}, not Extraction")
    return result


def extract_many(jobs: Iterable[tuple[str, Path, str | None, str | None]],
                 workers: int | None = None, timeout_s: float = 60, memory_mb: int = 2048,
                 *, extractor: Extractor | None = None) -> Iterator[tuple[str, Extraction]]:
    """Extract ``(key, path, content_type, url)`` jobs in worker processes; yield as they finish.

    Each job gets ``timeout_s`` seconds of wall-clock time (then its worker is killed and
    replaced: "timeout after N s") and each worker an address space of ``memory_mb`` MiB
    ("memory limit exceeded"); a worker that dies costs only its job ("worker died: ...").
    ``workers`` (None or 0) defaults to the CPUs available. ``extractor`` replaces
    :func:`extract_bytes` (it must be a picklable module-level function; tests use it to inject
    slow or crashing extractors). Progress is logged every :data:`PROGRESS_EVERY` documents.
    """
    func = extractor or extract_bytes
    tasks = ((key, (os.fspath(path), ctype, url, func)) for key, path, ctype, url in jobs)
    counts: Counter[str] = Counter()
    started = time.monotonic()
    for key, outcome in run_isolated(_run_job, tasks, workers=workers, timeout_s=timeout_s,
                                     memory_mb=memory_mb):
        result = outcome if isinstance(outcome, Extraction) else failed(outcome.reason)
        counts[result.status] += 1
        done = sum(counts.values())
        logger.debug("extract %s: %s %s", key, result.status, result.reason)
        if done % PROGRESS_EVERY == 0:
            logger.info("extract: %d documents in %.0f s (%s)", done,
                        time.monotonic() - started, dict(counts))
        yield key, result
    logger.info("extract: finished %d documents in %.1f s (%s)", sum(counts.values()),
                time.monotonic() - started, dict(counts))
