"""Text per page and the Info dictionary of a PDF, with pdfminer.six.

:func:`pdf_pages` returns raw (uncleaned) text, one string per page, and what the document says
about itself. Errors that make the whole document unreadable (bad header, no xref, wrong password)
are raised as pdfminer's own exceptions for the caller to classify; an error on one page is
logged, that page comes out empty and the error is noted in ``meta["page_errors"]``.

Layout: each text box that pdfminer's layout analysis finds becomes one paragraph (boxes are
separated by a blank line). ``char_margin`` is small enough that the gutter between two columns
is not bridged, so the columns come out as separate boxes, and ``boxes_flow`` orders the boxes
column by column; ``all_texts`` also analyses text drawn inside form XObjects.

:class:`MinerPdf` opens a document once and reads any of its pages on demand (the ``auto``
engine of :mod:`ingest.extract` uses it for the pages PDFium's text cannot be trusted on).
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTAnno, LTChar, LTContainer, LTText, LTTextBox
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import decode_text

from ingest.datetext import iso_date
from ingest.textclean import one_line

logger = logging.getLogger(__name__)

# pdfminer's defaults for the margins: char_margin 2.0 keeps letter-spaced headings in one line
# yet stays below a column gutter (3 mm and up in 10 pt type, tested); 1.0 splits justified
# lines into fragments that lose their order.
LAYOUT = LAParams(char_margin=2.0, line_margin=0.5, word_margin=0.1, boxes_flow=0.5,
                  all_texts=True)
INFO_FIELDS = {"Title": "title", "Author": "author", "Subject": "subject",
               "CreationDate": "created", "ModDate": "modified"}
DATE_FIELDS = {"created", "modified"}
MAX_PAGE_ERRORS = 10  # how many per-page errors are kept in meta
_CID = re.compile(r"\(cid:\d+\)")


def pdf_start(data: bytes) -> int:
    """Offset of the ``%PDF-`` header within the first 1024 bytes, or -1."""
    return data.find(b"%PDF-", 0, 1024 + 5)


def _info_text(value: Any) -> str | None:
    value = resolve1(value)
    if isinstance(value, bytes):
        if value.startswith(b"\xef\xbb\xbf"):
            text = value[3:].decode("utf-8", "replace")
        else:
            text = decode_text(value)
    elif isinstance(value, PSLiteral):
        text = str(value.name)
    elif isinstance(value, str):
        text = value
    else:
        return None
    text = " ".join(text.replace("\x00", "").split())
    return text[:1000] or None


def info_meta(document: PDFDocument) -> dict[str, str]:
    """Title, author, subject and ISO creation/modification dates from the Info dictionary."""
    meta: dict[str, str] = {}
    for info in document.info:
        info = resolve1(info)
        if not isinstance(info, dict):
            continue
        for field, key in INFO_FIELDS.items():
            if key in meta or field not in info:
                continue
            try:
                text = _info_text(info[field])
            except Exception as exc:  # a broken object reference in Info is not fatal
                logger.debug("unreadable Info field %s: %s", field, exc)
                continue
            if text and key in DATE_FIELDS:
                text = iso_date(text)
            if text:
                meta[key] = text
    return meta


def _text_of(item: LTContainer[Any], out: list[str]) -> None:
    """Append the text of every box under ``item`` to ``out``, one paragraph per box."""
    loose: list[str] = []
    for obj in item:
        if isinstance(obj, LTTextBox):
            out.append(obj.get_text())
        elif isinstance(obj, LTChar | LTAnno):
            loose.append(obj.get_text())
        elif isinstance(obj, LTContainer):
            _text_of(obj, out)
        elif isinstance(obj, LTText):
            out.append(obj.get_text())
    if loose:
        out.append("".join(loose))


def _page_text(interpreter: PDFPageInterpreter, device: PDFPageAggregator, page: PDFPage) -> str:
    interpreter.process_page(page)
    layout = device.get_result()
    parts: list[str] = []
    _text_of(layout, parts)
    return "\n\n".join(p.strip("\n") for p in parts if p.strip())


class MinerPdf:
    """One PDF opened with pdfminer.six: xref, trailer and Info read at once, pages on demand.

    Opening raises pdfminer's own exceptions (bad header, no xref, wrong password) for the
    caller to classify. :meth:`page_text` reads one page by its 0-based index, so that a faster
    extractor can hand pdfminer only the pages it cannot read well itself.
    """

    def __init__(self, data: bytes) -> None:
        start = pdf_start(data)
        parser = PDFParser(io.BytesIO(data[start:] if start > 0 else data))
        self.document = PDFDocument(parser, password="")
        self.meta: dict[str, Any] = {"encrypted": self.document.encryption is not None}
        self.meta.update(info_meta(self.document))
        manager = PDFResourceManager(caching=True)
        self.device = PDFPageAggregator(manager, laparams=LAYOUT)
        self.interpreter = PDFPageInterpreter(manager, self.device)
        self._tree = PDFPage.create_pages(self.document)
        self._pages: list[PDFPage] = []
        self._tree_done = False
        self.tree_error = ""  # why the page tree stopped early, if it did

    def page(self, index: int) -> PDFPage | None:
        """Page ``index`` (0-based), or None past the end (or past a broken page tree).

        The page tree is walked lazily; an error before the first page is raised (the document
        has no readable pages), a later one ends the tree and is kept in :attr:`tree_error`.
        """
        while len(self._pages) <= index and not self._tree_done:
            try:
                page = next(self._tree, None)
            except Exception as exc:  # a page tree broken part-way: keep the pages read so far
                self._tree_done = True
                if not self._pages:
                    raise
                self.tree_error = one_line(f"page tree after page {len(self._pages)}: "
                                           f"{type(exc).__name__}: {exc}", 200)
                logger.warning("PDF %s", self.tree_error)
                break
            if page is None:
                self._tree_done = True
            else:
                self._pages.append(page)
        return self._pages[index] if index < len(self._pages) else None

    def page_text(self, index: int) -> tuple[str, int]:
        """Raw text of page ``index`` and its count of unmapped glyphs; raises on a bad page."""
        page = self.page(index)
        if page is None:
            raise IndexError(f"pdfminer finds no page {index + 1}")
        text = _page_text(self.interpreter, self.device, page)
        text, unmapped = _CID.subn("", text)
        return text, unmapped


def pdf_pages(data: bytes) -> tuple[list[str], dict[str, Any]]:
    """Raw text of each page of the PDF in ``data``, and its metadata.

    Meta keys: ``title``, ``author``, ``subject``, ``created``, ``modified`` (when the Info
    dictionary has them), ``pages``, ``encrypted``, ``unmapped_glyphs`` (glyphs without a
    Unicode mapping, dropped from the text), and if any page failed ``failed_pages`` (a count)
    and ``page_errors`` (the first few errors).
    """
    return miner_pages(MinerPdf(data))


def miner_pages(pdf: MinerPdf) -> tuple[list[str], dict[str, Any]]:
    """Every page of an opened :class:`MinerPdf`, as :func:`pdf_pages` returns them."""
    meta = dict(pdf.meta)
    pages: list[str] = []
    errors: list[str] = []
    unmapped = 0
    while pdf.page(len(pages)) is not None:
        number = len(pages) + 1
        try:
            text, n = pdf.page_text(number - 1)
        except MemoryError:
            raise
        except Exception as exc:
            error = one_line(f"page {number}: {type(exc).__name__}: {exc}", 200)
            logger.warning("PDF %s", error)
            errors.append(error)
            text, n = "", 0
        unmapped += n
        pages.append(text)
    if pdf.tree_error:
        errors.append(pdf.tree_error)
    meta["pages"] = len(pages)
    if unmapped:
        meta["unmapped_glyphs"] = unmapped
    if errors:
        meta["failed_pages"] = len(errors)
        meta["page_errors"] = errors[:MAX_PAGE_ERRORS]
    return pages, meta
