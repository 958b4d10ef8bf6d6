"""Extraction stage: the bytes of a fetched document -> text per page + document metadata.

Every input comes out as an :class:`Extraction` with a status, never as an exception:

- ``ok``: text extracted (``reason`` is empty, or "partial: ..." when some PDF pages failed);
- ``needs_ocr``: a PDF whose text layer is missing or too thin (under
  :data:`MIN_CHARS_PER_PAGE` non-space characters per page on average): scanned or image-only;
- ``encrypted``: a PDF that the empty password does not open ("encrypted: password required");
- ``failed``: a one-line cause ("empty file", "corrupt PDF: ...", "timeout after 60 s",
  "memory limit exceeded", "unsupported content type: image/png", "worker died: ...",
  "an HTML page served as application/pdf (an error page?)").

PDFs are paged (``pages[i]`` is page i+1, cleaned by :mod:`ingest.textclean` with running
headers, footers and page numbers removed); HTML, DOCX and plain text give one element holding the
whole main text. The PDF engines and OCR live in :mod:`ingest.pdfextract`, the outcome type in
:mod:`ingest.outcome`. :func:`extract_bytes` works in-process; :func:`extract_many` runs files
through killable worker processes (:mod:`ingest.workerpool`) with a time and a memory limit
per document.

PDF engines (:class:`PdfOptions`, setting ``pdf_engine``): ``auto`` (the default) reads each page
with PDFium (:mod:`ingest.pdfium`, fast) and hands pdfminer.six (:mod:`ingest.pdftext`, the
reference, with layout analysis) the pages PDFium's text cannot be trusted on: several columns,
unmapped glyphs, words without spaces, implausible letters, little or no text (under
:data:`MIN_CHARS_PER_PAGE` characters), or a PDFium error. The document is opened
by pdfminer first (cheap: xref, trailer, Info), so encrypted, corrupt and truncated files are
classified exactly as pdfminer alone classifies them; a file PDFium cannot open is read by
pdfminer. ``pdfminer`` reads every page with pdfminer (as before PDFium), ``pdfium`` every page
with PDFium (fastest; classification by PDFium's own errors). All engines' text gets the same
cleaning. A PDF that comes out ``needs_ocr`` is read by Tesseract when it is installed
(:mod:`ingest.ocr`, setting ``ocr``) and becomes ``ok`` when OCR finds enough text.

``meta`` always has ``kind`` ("pdf", "html", "docx", "text") once the kind is known; dates are
ISO strings ("2017-03-12", or "2017-03" / "2017" when that is all the source says).

- PDF (:mod:`ingest.pdftext`): ``title``, ``author``, ``subject``, ``created``, ``modified`` (from
  the Info dictionary, when present), ``pages``, ``encrypted`` (True also for files that the
  empty password opens), ``unmapped_glyphs``, ``failed_pages``, ``page_errors``; and how it was
  read: ``engines`` (pages read by each engine, ``{"pdfium": 12, "pdfminer": 2}``),
  ``fallback_pages`` (the first few pages handed to pdfminer, ``[{"page": 3, "reason":
  "multi-column"}]``), ``pdfium_error`` (when PDFium could not open it), ``ocr`` (``{"engine":
  "tesseract 5.3.0", "pages": 4, "dpi": 200}`` when OCR ran, with ``errors`` if pages failed);
- HTML (:mod:`ingest.htmltext`): ``title`` (``<title>``), ``h1``, ``description``, ``times``
  (``<time>`` values), ``published`` and ``published_text`` ("Published: 12 March 2017"),
  ``encoding``;
- DOCX (:mod:`ingest.docxtext`): ``title``, ``author``, ``subject``, ``created``, ``modified``.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ingest.docxtext import docx_text
from ingest.htmltext import html_text
from ingest.outcome import (
    ENCRYPTED_REASON,
    MIN_CHARS_PER_PAGE,
    STATUSES,
    Extraction,
    Extractor,
    cause,
    failed,
)
from ingest.pdfextract import PDF_ENGINES, PdfOptions, from_pdf
from ingest.settings import Settings
from ingest.sniff import MEDIA_TYPES, magic_type, media_type, sniff
from ingest.textclean import normalise
from ingest.workerpool import run_isolated
from ingest.workerproc import MEMORY_REASON

logger = logging.getLogger(__name__)

__all__ = ["ENCRYPTED_REASON", "MIN_CHARS_PER_PAGE", "PDF_ENGINES", "STATUSES", "Extraction",
           "Extractor", "PdfOptions", "extract_bytes", "extract_many", "failed", "sniff"]

PROGRESS_EVERY = 50  # documents between progress log lines
LABELS = {"pdf": "corrupt PDF", "docx": "corrupt DOCX", "html": "unreadable HTML",
          "text": "unreadable text"}


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


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


def extract_bytes(data: bytes, content_type: str | None = None, url: str | None = None, *,
                  options: PdfOptions | None = None) -> Extraction:
    """Extract text and metadata from ``data`` in this process; never raises for bad input.

    ``options`` default to :meth:`PdfOptions.from_settings` of the ``SCR_*`` environment (a
    bad setting raises ValueError: configuration, not input).
    """
    started = time.monotonic()
    if not data.strip():
        return failed("empty file")
    kind = sniff(data, content_type, url)
    declared = MEDIA_TYPES.get(media_type(content_type) or "")
    if kind == "html" and declared in ("pdf", "docx"):
        # an error or log-in page where a file was linked and declared: not the report
        return failed(f"an HTML page served as {media_type(content_type)} (an error page?)",
                      kind="html")
    if kind == "pdf" and options is None:
        options = PdfOptions.from_settings(Settings.from_env())
    try:
        if kind == "pdf" and options is not None:
            return from_pdf(data, options, started)
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
        return failed(f"{LABELS[kind]}: {cause(exc)}", paged=kind == "pdf", kind=kind)
    shown = magic_type(data) or media_type(content_type) or "unrecognised bytes"
    return failed(f"unsupported content type: {shown}")


def _run_job(job: tuple[str, str | None, str | None, Extractor]) -> Extraction:
    """Worker side of :func:`extract_many`: read one file and extract it."""
    path, content_type, url, extractor = job
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # per-glyph font complaints are noise
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return failed(f"cannot read file: {exc.strerror or cause(exc)}")
    result = extractor(data, content_type, url)
    if not isinstance(result, Extraction):
        return failed(f"extractor returned {type(result).__name__}, not Extraction")
    return result


def extract_many(jobs: Iterable[tuple[str, Path, str | None, str | None]],
                 workers: int | None = None, timeout_s: float = 60, memory_mb: int = 2048,
                 *, extractor: Extractor | None = None,
                 options: PdfOptions | None = None) -> Iterator[tuple[str, Extraction]]:
    """Extract ``(key, path, content_type, url)`` jobs in worker processes; yield as they finish.

    Each job gets ``timeout_s`` seconds of wall-clock time (then its worker is killed and
    replaced: "timeout after N s") and each worker an address space of ``memory_mb`` MiB
    ("memory limit exceeded"); a worker that dies costs only its job ("worker died: ...").
    ``workers`` (None or 0) defaults to the CPUs available. ``extractor`` replaces
    :func:`extract_bytes` (it must be a picklable module-level function; tests use it to inject
    slow or crashing extractors). ``options`` say how PDFs are read (default: from the ``SCR_*``
    environment); their time limit becomes ``timeout_s``. Progress is logged every
    :data:`PROGRESS_EVERY` documents.
    """
    if extractor is None:
        chosen = options or PdfOptions.from_settings(Settings.from_env())
        func: Extractor = functools.partial(extract_bytes,
                                            options=replace(chosen, time_limit_s=timeout_s))
    else:
        func = extractor
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
