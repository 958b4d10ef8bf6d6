"""Text per page with PDFium (pypdfium2), and a cheap check of whether that text can be trusted.

PDFium reads a page's text some twenty times faster than pdfminer.six's layout analysis (five to
eight times end to end, with the geometry below and the cleaning: ``bench/extract.py``), but in
the order the content stream draws it and without paragraphs: its lines come out one after the
other. :class:`PdfiumPdf` turns them into text shaped like :mod:`ingest.pdftext`'s (one line per
line, a blank line between blocks), and says for each page whether pdfminer.six, the reference
extractor, must read it instead (:attr:`PdfiumPage.fallback`, empty when PDFium's text is fine):

- ``multi-column``: an empty vertical gutter with text on both sides over a quarter or more of
  the text's height (:func:`is_multi_column`); pdfminer's layout analysis reads columns one after
  the other, PDFium may not;
- ``unmapped glyphs``: many characters PDFium could not map to Unicode (U+FFFD, control codes);
- ``no word spaces``: long runs of letters without spaces (words run together);
- ``implausible letters``: a share of vowels no English or Welsh text has (glyphs mapped to the
  wrong letters by a font without a Unicode map).

Geometry comes from PDFium's loose character boxes (the font's full height, so a line's boxes
line up), read only for the first and last character of each word. Blocks follow pdfminer's
rule (``LAParams.line_margin`` 0.5): two consecutive lines stay in one block when the vertical
gap is under half a line height, their heights differ by less than that, and they are left-,
right- or centre-aligned within it. Blocks that stand above (below) all the others move to the
start (end) of the page, where pdfminer has them and running-line removal looks for them.

pypdfium2 is not thread-safe: use it from one thread per process (extraction runs each document
in a worker process, :mod:`ingest.workerpool`).
"""

from __future__ import annotations

import ctypes
import logging
import re
import statistics
from dataclasses import dataclass
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest.datetext import iso_date

logger = logging.getLogger(__name__)

__all__ = ["PdfiumPage", "PdfiumPdf", "is_multi_column", "pdfium_version"]

LINE_MARGIN = 0.5  # as pdftext.LAYOUT.line_margin: a gap under half a line height joins lines
COLUMN_SHARE = 0.25  # a gutter must run along this share of the text's height
COLUMN_MIN_LINES = 4  # ... with at least this many lines on either side
SIDE_SHARE = 0.2  # each side of a gutter is at least this share of the text's width
GUTTER_EM = 0.8  # the narrowest gutter, in line heights (and at least MIN_GUTTER_PT)
MIN_GUTTER_PT = 4.0
EDGE_BLOCKS = 2  # at most this many blocks at the top and at the bottom are running lines
UNMAPPED_SHARE = 0.05  # unmapped glyphs over this share of the characters: pdfminer reads it
LONG_WORDS = 25.0  # mean characters per word over this (on 200+ characters): spaces missing
# Glyphs mapped to the wrong letters (a font without a ToUnicode map whose codes PDFium takes for
# an encoding) give text like "3HQČåQtSURVWĜHGN": the share of vowels among the letters is far
# from English's or Welsh's (about 0.4 with y; Welsh w left out, as "t" often becomes "W").
VOWELS = "aeiouy"
MIN_VOWELS, MAX_VOWELS = 0.2, 0.75
MIN_LETTERS = 50  # judged on pages with at least this many ASCII letters
INFO_FIELDS = {"Title": "title", "Author": "author", "Subject": "subject",
               "CreationDate": "created", "ModDate": "modified"}
# PDFium marks a hyphen at the end of a line with U+FFFE (older builds: U+0002) and joins the
# two lines; we break the line after a plain hyphen, as pdfminer does, for textclean to judge.
_SOFT = "\ufffe\x02"
_LINES = re.compile(f"[^\r\n{_SOFT}]+[{_SOFT}]?")
_WORDS = re.compile(f"[^\\s{_SOFT}]+")
# U+FFFD and U+FFFF: a glyph without Unicode; control codes are never text
_UNMAPPED = re.compile("[\x00\x01\x03-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\uffff]")
_HYPHEN = str.maketrans(dict.fromkeys(_SOFT, "-"))
_ASCII_LETTERS = re.compile("[A-Za-z]")


def pdfium_version() -> str:
    """The pypdfium2 and PDFium builds in use, for the record."""
    version = getattr(pdfium, "version", None)
    ours = getattr(version, "PYPDFIUM_INFO", getattr(pdfium, "V_PYPDFIUM2", "?"))
    theirs = getattr(version, "PDFIUM_INFO", getattr(pdfium, "V_PDFIUM", "?"))
    return f"pypdfium2 {ours}, PDFium {theirs}"


@dataclass(frozen=True)
class PdfiumPage:
    """PDFium's raw text of one page (``\\n`` line breaks, blank lines between blocks).

    ``unmapped`` counts glyphs without Unicode (dropped from ``text``); ``fallback`` is empty
    when the text is good enough, else why pdfminer should read the page.
    """

    text: str
    unmapped: int
    fallback: str


class _Box(NamedTuple):
    x0: float
    x1: float
    bottom: float
    top: float

    @property
    def height(self) -> float:
        return self.top - self.bottom


class PdfiumPdf:
    """One PDF opened with PDFium; raises :class:`pypdfium2.PdfiumError` when it cannot be.

    ``err_code`` of the error says why (``pypdfium2.raw.FPDF_ERR_PASSWORD``: a password is
    needed; ``FPDF_ERR_SECURITY``: unsupported encryption; ``FPDF_ERR_FORMAT``: corrupt).
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, data: bytes) -> None:
        self.document = pdfium.PdfDocument(data)
        self._rect = pdfium_c.FS_RECTF()

    def __len__(self) -> int:
        return len(self.document)

    def __enter__(self) -> PdfiumPdf:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release PDFium's document (pages are closed as they are read)."""
        self.document.close()

    def info(self) -> dict[str, Any]:
        """``encrypted`` and the Info dictionary's title, author, subject and ISO dates."""
        meta: dict[str, Any] = {
            "encrypted": pdfium_c.FPDF_GetSecurityHandlerRevision(self.document) != -1}
        try:
            info = self.document.get_metadata_dict(skip_empty=True)
        except Exception as exc:  # a broken Info dictionary is not fatal
            logger.debug("unreadable Info dictionary: %s", exc)
            return meta
        for field, key in INFO_FIELDS.items():
            text = " ".join(str(info.get(field) or "").replace("\x00", "").split())[:1000]
            if text and key in ("created", "modified"):
                text = iso_date(text) or ""
            if text:
                meta[key] = text
        return meta

    def page(self, index: int) -> PdfiumPage:
        """Text of page ``index`` (0-based) and whether to trust it; raises on a broken page."""
        page = self.document[index]
        try:
            textpage = page.get_textpage()
            try:
                return self._read(textpage, page.get_rotation())
            finally:
                textpage.close()
        finally:
            page.close()

    # -- one page ---------------------------------------------------------------------------
    def _text(self, textpage: pdfium.PdfTextPage, count: int) -> str:
        """All characters of the page, one per PDFium character index."""
        text = textpage.get_text_range(0, count)
        if len(text) == count:
            return text
        # characters outside UCS-2 or excluded ones: read them one by one to keep the indexes
        return "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 0xFFFD)
                       for i in range(count))

    def _words(self, textpage: pdfium.PdfTextPage, text: str, start: int, end: int,
               rotation: int) -> list[_Box]:
        """Boxes of the words of ``text[start:end]``, from their first and last characters."""
        handle, rect = textpage.raw, self._rect
        ref, loose_box = ctypes.byref(rect), pdfium_c.FPDFText_GetLooseCharBox
        boxes = []
        for word in _WORDS.finditer(text, start, end):
            loose_box(handle, word.start(), ref)
            l0, r0, b0, t0 = rect.left, rect.right, rect.bottom, rect.top
            if word.end() - word.start() > 1:
                loose_box(handle, word.end() - 1, ref)
            l1, r1, b1, t1 = rect.left, rect.right, rect.bottom, rect.top
            box = (min(l0, r0, l1, r1), max(l0, r0, l1, r1), min(b0, t0, b1, t1),
                   max(b0, t0, b1, t1))
            boxes.append(_Box(*_turn(box, rotation)) if rotation else _Box(*box))
        return boxes

    def _read(self, textpage: pdfium.PdfTextPage, rotation: int) -> PdfiumPage:
        count = pdfium_c.FPDFText_CountChars(textpage)
        if count <= 0:
            return PdfiumPage("", 0, "")
        text = self._text(textpage, count)
        lines: list[tuple[str, _Box]] = []
        segments: list[_Box] = []
        for line in _LINES.finditer(text):
            words = self._words(textpage, text, line.start(), line.end(), rotation)
            if words:
                lines.append((line.group().translate(_HYPHEN), _union(words)))
                segments.extend(_segments(words))
        body = _blocks(lines)
        body, unmapped = _UNMAPPED.subn("", body)
        return PdfiumPage(body, unmapped, _verdict(body, unmapped, segments))


def _turn(box: tuple[float, float, float, float], rotation: int
          ) -> tuple[float, float, float, float]:
    """A box in user space as the reader sees it on a page shown turned by ``rotation``."""
    x0, x1, y0, y1 = box
    if rotation == 90:  # turned clockwise: user space up is the reader's right
        return y0, y1, -x1, -x0
    if rotation == 180:
        return -x1, -x0, -y1, -y0
    if rotation == 270:
        return -y1, -y0, x0, x1
    return box


def _union(boxes: list[_Box]) -> _Box:
    return _Box(min(b.x0 for b in boxes), max(b.x1 for b in boxes),
                min(b.bottom for b in boxes), max(b.top for b in boxes))


def _gutter_width(height: float) -> float:
    return max(MIN_GUTTER_PT, GUTTER_EM * height)


def _segments(words: list[_Box]) -> list[_Box]:
    """The words of one PDFium line, split where a gap as wide as a gutter separates them."""
    words = sorted(words)
    out: list[_Box] = []
    run = [words[0]]
    right = words[0].x1
    for word in words[1:]:
        if word.x0 - right >= _gutter_width(max(word.height, run[0].height)):
            out.append(_union(run))
            run, right = [], word.x1
        run.append(word)
        right = max(right, word.x1)
    out.append(_union(run))
    return out


def _same_block(a: _Box, b: _Box) -> bool:
    """pdfminer's test for two lines of one text box (``find_neighbors`` with line_margin)."""
    d = LINE_MARGIN * max(a.height, 0.1)
    if b.top < a.bottom - d or b.bottom > a.top + d:  # vertically too far (or moved elsewhere)
        return False
    if b.x1 < a.x0 or b.x0 > a.x1 or abs(a.height - b.height) > d:
        return False
    return (abs(a.x0 - b.x0) <= d or abs(a.x1 - b.x1) <= d
            or abs((a.x0 + a.x1) - (b.x0 + b.x1)) / 2 <= d)


def _blocks(lines: list[tuple[str, _Box]]) -> str:
    """The lines grouped into blocks, margins first and last, as one string."""
    blocks: list[tuple[list[str], _Box]] = []
    previous: _Box | None = None
    for text, box in lines:
        if previous is not None and _same_block(previous, box):
            blocks[-1][0].append(text.strip())
            blocks[-1] = (blocks[-1][0], _union([blocks[-1][1], box]))
        else:
            blocks.append(([text.strip()], box))
        previous = box
    return "\n\n".join("\n".join(texts) for texts, _box in _margins_at_the_edges(blocks))


def _margins_at_the_edges(blocks: list[tuple[list[str], _Box]]
                          ) -> list[tuple[list[str], _Box]]:
    """Blocks above (below) all the others moved to the start (end), the rest left in order.

    Content streams often draw running headers and footers before the body; pdfminer reads
    them where they stand, and :func:`ingest.textclean.strip_running_lines` looks for them at
    the top and the bottom of the page.
    """
    body = list(blocks)
    head: list[tuple[list[str], _Box]] = []
    foot: list[tuple[list[str], _Box]] = []
    for _ in range(EDGE_BLOCKS):
        if len(body) < 2:
            break
        top = max(body, key=lambda b: b[1].top)
        if top[1].bottom < max(b[1].top for b in body if b is not top):
            break
        body.remove(top)
        head.append(top)
    for _ in range(EDGE_BLOCKS):
        if len(body) < 2:
            break
        low = min(body, key=lambda b: b[1].bottom)
        if low[1].top > min(b[1].bottom for b in body if b is not low):
            break
        body.remove(low)
        foot.insert(0, low)
    return head + body + foot


def _verdict(text: str, unmapped: int, segments: list[_Box]) -> str:
    chars = len(text) - sum(text.count(ch) for ch in " \n\t")
    if unmapped > max(3, UNMAPPED_SHARE * (chars + unmapped)):
        return "unmapped glyphs"
    words = len(text.split())
    if chars >= 200 and chars / max(words, 1) > LONG_WORDS:
        return "no word spaces"
    letters = len(_ASCII_LETTERS.findall(text))
    if letters >= MIN_LETTERS:
        lower = text.lower()
        vowels = sum(lower.count(v) for v in VOWELS) / letters
        if not MIN_VOWELS <= vowels <= MAX_VOWELS:
            return "implausible letters"
    if is_multi_column(segments):
        return "multi-column"
    return ""


def _cover(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Union of closed intervals, sorted and disjoint."""
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _subtract(a: list[tuple[float, float]], b: list[tuple[float, float]]
              ) -> list[tuple[float, float]]:
    out = []
    for lo, hi in a:
        pieces = [(lo, hi)]
        for blo, bhi in b:
            pieces = [p for lo2, hi2 in pieces
                      for p in ((lo2, min(hi2, blo)), (max(lo2, bhi), hi2)) if p[0] < p[1]]
        out.extend(pieces)
    return out


def _vertical(boxes: list[_Box]) -> list[tuple[float, float]]:
    """The heights ``boxes`` cover, each widened so that consecutive lines touch."""
    return _cover([(b.bottom - 0.4 * b.height, b.top + 0.4 * b.height) for b in boxes])


def is_multi_column(segments: list[_Box]) -> bool:
    """True when an empty gutter with text on both sides runs down a good part of the text.

    ``segments`` are pieces of lines (no gutter inside one). A candidate gutter ends where many
    segments start at the same x (a column's left edge) away from the left of the text. It
    holds when, over :data:`COLUMN_SHARE` of the text's height, segments ending before it (the
    column on the left) and segments starting at it (the column on the right) run beside each
    other with no segment crossing it, and each side has :data:`COLUMN_MIN_LINES` lines there.
    """
    if len(segments) < 2 * COLUMN_MIN_LINES:
        return False
    left, right = min(s.x0 for s in segments), max(s.x1 for s in segments)
    bottom, top = min(s.bottom for s in segments), max(s.top for s in segments)
    width, height = right - left, top - bottom
    if width <= 0 or height <= 0:
        return False
    gutter = _gutter_width(statistics.median(s.height for s in segments))
    starts: dict[int, int] = {}
    for s in segments:
        if left + SIDE_SHARE * width < s.x0 < right - SIDE_SHARE * width:
            starts[round(s.x0)] = starts.get(round(s.x0), 0) + 1
    for x, n in sorted(starts.items(), key=lambda item: -item[1])[:3]:
        if n < COLUMN_MIN_LINES:
            break
        on_right = [s for s in segments if abs(s.x0 - x) <= 1.5]
        on_left = [s for s in segments
                   if s.x1 <= x - gutter and s.x1 >= left + SIDE_SHARE * width]
        crossing = [s for s in segments if s.x0 < x - 1.5 and s.x1 > x - gutter]
        if len(on_left) < COLUMN_MIN_LINES:
            continue
        # where both columns run, less where a line crosses the gutter (a heading, a table)
        lo = max(min(s.bottom for s in on_left), min(s.bottom for s in on_right))
        hi = min(max(s.top for s in on_left), max(s.top for s in on_right))
        beside = _subtract([(lo, hi)], _vertical(crossing)) if lo < hi else []
        if sum(b - a for a, b in beside) < COLUMN_SHARE * height:
            continue
        if min(_inside(on_left, beside), _inside(on_right, beside)) >= COLUMN_MIN_LINES:
            return True
    return False


def _inside(boxes: list[_Box], spans: list[tuple[float, float]]) -> int:
    """How many of ``boxes`` have their vertical middle within ``spans``."""
    return sum(1 for b in boxes if any(lo <= (b.bottom + b.top) / 2 <= hi for lo, hi in spans))
