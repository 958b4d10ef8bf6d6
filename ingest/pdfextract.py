"""PDFs: text per page with PDFium and pdfminer.six, then OCR where the text layer is missing.

Engines (:data:`PDF_ENGINES`, setting ``pdf_engine``): ``pdfminer`` reads every page with
pdfminer.six's layout analysis (the reference); ``pdfium`` reads every page with PDFium (about
six times faster, no layout analysis); ``auto`` (the default) opens the document with pdfminer
first, so that encrypted, corrupt and truncated files are classified as the reference would,
then reads each page with PDFium and hands pdfminer the pages PDFium cannot be trusted on
(multi-column, unmapped glyphs, no word spaces, implausible letters, a PDFium error, or too
little text). A document that comes out ``needs_ocr`` is read again by Tesseract
(:mod:`ingest.ocr`) when it is installed and allowed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from ingest.ocr import ocr_pages, tesseract_version
from ingest.outcome import ENCRYPTED_REASON, MIN_CHARS_PER_PAGE, Extraction, cause, failed
from ingest.pdfium import PdfiumPdf
from ingest.pdftext import MinerPdf, miner_pages, pdf_pages
from ingest.settings import Settings
from ingest.textclean import normalise, one_line, strip_running_lines, vocabulary

logger = logging.getLogger(__name__)

PDF_ENGINES = ("auto", "pdfminer", "pdfium")
OCR_MODES = ("auto", "off")
OCR_SHARE = 0.75  # OCR stops once this share of the document's time limit has been spent
MAX_FALLBACK_PAGES = 10  # how many fallback pages are listed in meta


@dataclass(frozen=True)
class PdfOptions:
    """How PDFs are read; :meth:`from_settings` takes them from :class:`Settings`.

    ``time_limit_s`` is the time one document may take (:func:`extract_many` sets it to its
    ``timeout_s``); OCR stops after :data:`OCR_SHARE` of it, so that a scanned document ends
    ``needs_ocr`` or partly read rather than timed out.
    """

    engine: str = "auto"
    ocr: str = "auto"
    ocr_max_pages: int = 200
    ocr_dpi: int = 200
    ocr_lang: str = "eng"
    time_limit_s: float = 120.0

    def __post_init__(self) -> None:
        if self.engine not in PDF_ENGINES:
            raise ValueError(f"unknown PDF engine {self.engine!r}; one of {', '.join(PDF_ENGINES)}")
        if self.ocr not in OCR_MODES:
            raise ValueError(f"unknown OCR mode {self.ocr!r}; one of {', '.join(OCR_MODES)}")

    @classmethod
    def from_settings(cls, settings: Settings) -> PdfOptions:
        """The PDF options of ``settings`` (``pdf_engine``, ``ocr*``, ``extract_timeout``)."""
        return cls(engine=settings.pdf_engine, ocr=settings.ocr,
                   ocr_max_pages=settings.ocr_max_pages, ocr_dpi=settings.ocr_dpi,
                   ocr_lang=settings.ocr_lang, time_limit_s=settings.extract_timeout)


def _chars(text: str) -> int:
    return len("".join(text.split()))


class _Pages:
    """Raw page texts as they are read, with the bookkeeping ``meta`` reports."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.errors: list[str] = []
        self.unmapped = 0
        self.engines = {"pdfium": 0, "pdfminer": 0}
        self.fallbacks: list[dict[str, Any]] = []

    def add(self, text: str, unmapped: int, engine: str) -> None:
        self.texts.append(text)
        self.unmapped += unmapped
        self.engines[engine] += 1

    def broken(self, error: str) -> None:
        logger.warning("PDF %s", error)
        self.errors.append(error)
        self.texts.append("")

    def fill(self, meta: dict[str, Any]) -> dict[str, Any]:
        meta["pages"] = len(self.texts)
        if self.unmapped:
            meta["unmapped_glyphs"] = meta.get("unmapped_glyphs", 0) + self.unmapped
        if self.errors:
            errors = [*meta.get("page_errors", []), *self.errors]
            meta["failed_pages"] = meta.get("failed_pages", 0) + len(self.errors)
            meta["page_errors"] = errors[:MAX_FALLBACK_PAGES]
        meta["engines"] = self.engines
        if self.fallbacks:
            meta["fallback_pages"] = self.fallbacks[:MAX_FALLBACK_PAGES]
        return meta


def _open_pdfium(data: bytes) -> PdfiumPdf:
    """PDFium's view of ``data``; password and security errors raised as pdfminer's."""
    try:
        return PdfiumPdf(data)
    except pypdfium2.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise PDFPasswordIncorrect("PDFium: password required") from exc
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise PDFEncryptionError("PDFium: unsupported security handler") from exc
        raise


def _read_page(pdf: PdfiumPdf, index: int) -> tuple[Any, str]:
    """(PDFium's page, "") or (None, the one-line cause of its error)."""
    try:
        return pdf.page(index), ""
    except MemoryError:
        raise
    except Exception as exc:
        return None, cause(exc)


def _pdfium_pages(data: bytes) -> tuple[list[str], dict[str, Any]]:
    """Every page with PDFium (the ``pdfium`` engine)."""
    with _open_pdfium(data) as pdf:
        meta = pdf.info()
        pages = _Pages()
        for index in range(len(pdf)):
            page, error = _read_page(pdf, index)
            if page is None:
                pages.broken(one_line(f"page {index + 1}: {error}", 200))
            else:
                pages.add(page.text, page.unmapped, "pdfium")
    return pages.texts, pages.fill(meta)


def _auto_pages(data: bytes) -> tuple[list[str], dict[str, Any]]:
    """PDFium for the pages it reads well, pdfminer for the rest (the ``auto`` engine)."""
    miner = MinerPdf(data)  # document-level errors: classified as pdfminer alone would
    try:
        pdf = PdfiumPdf(data)
    except Exception as exc:  # PDFium cannot open what pdfminer can: pdfminer reads it all
        logger.info("PDFium cannot open this PDF (%s); pdfminer reads it", cause(exc))
        raw, meta = miner_pages(miner)
        meta["engines"] = {"pdfium": 0, "pdfminer": len(raw)}
        meta["pdfium_error"] = cause(exc)
        return raw, meta
    pages = _Pages()
    with pdf:
        for index in range(len(pdf)):
            page, error = _read_page(pdf, index)
            if page is None:
                why = f"PDFium error: {error}"
            else:
                # a thin page (cover, divider, picture) costs pdfminer little, and its verdict
                # decides needs_ocr as the reference would
                thin = _chars(page.text) < MIN_CHARS_PER_PAGE
                why = page.fallback or ("little text" if thin else "")
            if not why and page is not None:
                pages.add(page.text, page.unmapped, "pdfium")
                continue
            pages.fallbacks.append({"page": index + 1, "reason": one_line(why, 200)})
            try:
                text, unmapped = miner.page_text(index)
            except MemoryError:
                raise
            except Exception as exc:
                if page is None:
                    pages.broken(one_line(f"page {index + 1}: {cause(exc)}", 200))
                else:  # pdfminer fails where PDFium read something: keep PDFium's text
                    logger.info("PDF page %d: pdfminer failed (%s); PDFium's text kept",
                                index + 1, cause(exc))
                    pages.add(page.text, page.unmapped, "pdfium")
                continue
            pages.add(text, unmapped, "pdfminer")
    if miner.tree_error:
        logger.debug("pdfminer's page tree: %s", miner.tree_error)
    return pages.texts, pages.fill(dict(miner.meta))


def _read_pdf(data: bytes, engine: str) -> tuple[list[str], dict[str, Any]]:
    if engine == "pdfminer":
        raw, meta = pdf_pages(data)
        meta["engines"] = {"pdfium": 0, "pdfminer": len(raw)}
        return raw, meta
    if engine == "pdfium":
        return _pdfium_pages(data)
    return _auto_pages(data)


def from_pdf(data: bytes, options: PdfOptions, started: float) -> Extraction:
    """Extract a PDF (``started``: monotonic time the document's time limit counts from)."""
    try:
        raw, meta = _read_pdf(data, options.engine)
    except PDFPasswordIncorrect:
        return Extraction("encrypted", ENCRYPTED_REASON, (), True, {"kind": "pdf",
                                                                     "encrypted": True})
    except PDFEncryptionError as exc:  # e.g. an unsupported security handler
        return Extraction("encrypted", f"encrypted: {cause(exc)}", (), True,
                          {"kind": "pdf", "encrypted": True})
    meta["kind"] = "pdf"
    if not raw:
        return failed("corrupt PDF: no pages", paged=True, **meta)
    vocab = vocabulary(raw)
    pages = tuple(strip_running_lines([normalise(page, vocab) for page in raw]))
    chars = sum(_chars(page) for page in pages)
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
        return _ocr(Extraction("needs_ocr", reason, pages, True, meta), data, options, started)
    reason = f"partial: {broken} of {len(pages)} pages unreadable" if broken else ""
    return Extraction("ok", reason, pages, True, meta)


def _ocr(result: Extraction, data: bytes, options: PdfOptions, started: float) -> Extraction:
    """``result`` (``needs_ocr``) read again by Tesseract, when it is installed and allowed."""
    if options.ocr == "off" or tesseract_version() is None:
        return result
    thin = [i for i, page in enumerate(result.pages) if _chars(page) < MIN_CHARS_PER_PAGE]
    todo = thin[: max(0, options.ocr_max_pages)]
    deadline = started + OCR_SHARE * options.time_limit_s
    found = ocr_pages(data, todo, deadline=deadline, dpi=options.ocr_dpi, lang=options.ocr_lang)
    if found is None or not found.tried:
        return result
    meta = dict(result.meta)
    meta["ocr"] = {"engine": found.engine, "pages": len(found.texts), "dpi": options.ocr_dpi}
    if found.errors:
        meta["ocr"]["errors"] = found.errors[:MAX_FALLBACK_PAGES]
    vocab = vocabulary(found.texts.values())
    texts = [normalise(found.texts[i], vocab) if i in found.texts else page
             for i, page in enumerate(result.pages)]
    pages = tuple(strip_running_lines(texts))
    chars = sum(_chars(pages[i]) for i in found.texts)
    if chars < MIN_CHARS_PER_PAGE * found.tried:
        reason = f"{result.reason}; OCR ({found.engine}) found {chars} characters"
        if found.stopped:
            reason += f" ({found.stopped})"
        return Extraction("needs_ocr", one_line(reason), result.pages, True, meta)
    unread = [i for i in thin if i not in found.texts]
    capped = len(thin) - len(todo)
    notes = [f"{len(found.errors)} failed" if found.errors else "",
             found.stopped, f"page cap {options.ocr_max_pages}" if capped else ""]
    note = "; ".join(n for n in notes if n)
    reason = ""
    if len(unread) > found.skipped:  # pages with an image left unread
        reason = one_line(f"partial: OCR read {len(found.texts)} of "
                          f"{len(thin) - found.skipped} pages ({note})")
    return Extraction("ok", reason, pages, True, meta)
