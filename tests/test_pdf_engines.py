"""PDF engines: PDFium's fast path, pdfminer.six for the pages that need it, and optional OCR.

The fixtures are made here with fpdf2. pdfminer.six is the reference: on single-column pages
PDFium's cleaned text must have the same words in the same order; a two-column page must be
read column by column whatever order the content stream draws it in.
"""

from __future__ import annotations

import difflib
import io
import shutil
from pathlib import Path

import pypdfium2
import pytest
from fpdf import FPDF
from fpdf.enums import XPos, YPos

import ingest.extract
import ingest.pdfium
from ingest.extract import (
    ENCRYPTED_REASON,
    Extraction,
    PdfOptions,
    extract_bytes,
    extract_many,
)

NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ENGINES = ("auto", "pdfminer", "pdfium")
NO_OCR = {"ocr": "off"}
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None,
                                     reason="tesseract is not installed")

BODY = [
    "The health visitor saw the family at home in March and noted that the baby was feeding "
    "well. Her records show that the mother said she felt low and was not sleeping. No referral "
    "was made to the perinatal mental health service, and the GP was not told.",
    "Children's social care received two contacts from the police about arguments at the "
    "address. Neither was passed to the early help team. The school was not aware of them and "
    "continued to see the older child as doing well.",
    "At the multi-agency meeting in June the professionals agreed a plan of support, but no one "
    "was named to lead it, and the plan was not reviewed when the family moved house.",
    "The review found that information was held by each agency but was not brought together. "
    "Practitioners told the reviewer that they did not know who else was involved.",
]


def options(engine: str = "auto", **kw: object) -> PdfOptions:
    return PdfOptions(engine=engine, **{**NO_OCR, **kw})


def single_column(pages: list[str], header: str | None = None, footer: bool = False,
                  header_last: bool = False, leading: float = 6) -> bytes:
    """A report: one column of text per page, running lines drawn before (or after) it."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for number, body in enumerate(pages, start=1):
        pdf.add_page()

        def running(number: int = number) -> None:
            pdf.set_font("helvetica", size=9)
            if header:
                pdf.set_xy(20, 10)
                pdf.cell(0, 5, header)
            if footer:
                pdf.set_xy(20, 280)
                pdf.cell(0, 5, f"Page {number} of {len(pages)}")

        if not header_last:
            running()
        pdf.set_font("helvetica", size=11)
        pdf.set_xy(20, 30)
        pdf.multi_cell(170, leading, body, **NEXT_LINE)
        if header_last:
            running()
    return bytes(pdf.output())


LEFT = [f"Left column line {i} about the family and the school." for i in range(1, 31)]
RIGHT = [f"Right column line {i} about the police and health." for i in range(1, 31)]


def two_columns(interleaved: bool) -> bytes:
    """A page with a title and two columns; ``interleaved``: drawn line by line across both."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.set_xy(15, 15)
    pdf.cell(0, 8, "Learning from the review")
    pdf.set_font("helvetica", size=10)
    order = ([(i, side) for i in range(len(LEFT)) for side in (0, 1)] if interleaved
             else [(i, side) for side in (0, 1) for i in range(len(LEFT))])
    for i, side in order:
        pdf.set_xy(15 if side == 0 else 108, 35 + 5 * i)
        pdf.cell(85, 5, (LEFT, RIGHT)[side][i])
    return bytes(pdf.output())


def flat(text: str) -> str:
    return " ".join(text.split())


def same_words(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


# -- engine choice and the reference -------------------------------------------------------------
def test_single_column_pages_are_read_by_pdfium_with_the_reference_words() -> None:
    data = single_column(BODY, header="Local Child Safeguarding Practice Review: Child T",
                         footer=True)
    reference = extract_bytes(data, options=options("pdfminer"))
    assert reference.meta["engines"] == {"pdfium": 0, "pdfminer": 4}
    for engine in ("auto", "pdfium"):
        result = extract_bytes(data, options=options(engine))
        assert result.status == "ok" and result.reason == ""
        assert result.meta["engines"] == {"pdfium": 4, "pdfminer": 0}, engine
        assert "fallback_pages" not in result.meta
        assert len(result.pages) == 4
        for page, ref, body in zip(result.pages, reference.pages, BODY, strict=True):
            assert flat(page) == flat(ref) == body, engine
            assert same_words(page, ref) == 1.0


def test_meta_keys_are_the_same_whatever_the_engine() -> None:
    pdf = FPDF()
    pdf.set_title("LCSPR Child T")
    pdf.set_author("Independent reviewer")
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(170, 6, BODY[0])
    data = bytes(pdf.output())
    metas = {e: extract_bytes(data, options=options(e)).meta for e in ENGINES}
    for engine, meta in metas.items():
        assert meta["title"] == "LCSPR Child T", engine
        assert meta["author"] == "Independent reviewer", engine
        assert meta["created"] == metas["pdfminer"]["created"], engine
        assert (meta["kind"], meta["pages"], meta["encrypted"]) == ("pdf", 1, False), engine


def test_running_headers_and_footers_are_removed() -> None:
    for header_last in (False, True):
        data = single_column(BODY, header="SCR Child T - Overview report", footer=True,
                             header_last=header_last)
        for engine in ENGINES:
            result = extract_bytes(data, options=options(engine))
            for page, body in zip(result.pages, BODY, strict=True):
                assert flat(page) == body, (engine, header_last)


def test_running_lines_drawn_first_are_found_on_short_pages() -> None:
    # one-line pages: only the first and the last line of each can be a running line, so the
    # header and footer that the content stream draws first must come out where they stand
    lines = ["The family moved to a flat in another town in May.",
             "The school was told about the move by the mother.",
             "The GP practice was told about the move in June."]
    data = single_column(lines, header="Learning Review Child G - Full report", footer=True)
    for engine in ("auto", "pdfium"):
        result = extract_bytes(data, options=options(engine))
        assert result.meta["engines"]["pdfium"] == 3
        assert [flat(p) for p in result.pages] == lines, engine


def test_hyphenated_line_ends_are_joined() -> None:
    body = ("The health visitor identi-\nfied that the mother was isolated. Her needs were "
            "identified late.\nThe multi-\nagency meeting was well-\nattended.")
    for leading in (5, 6):  # 6 mm: pdfminer makes each line a paragraph of its own
        data = single_column([body], leading=leading)
        for engine in ENGINES if leading == 5 else ("auto", "pdfium"):
            text = flat(extract_bytes(data, options=options(engine)).pages[0])
            assert "identified that the mother" in text, (engine, leading)
            assert "multi-agency meeting" in text and "well-attended" in text, (engine, leading)


@pytest.mark.skipif(not DEJAVU.exists(), reason="no DejaVuSans.ttf with an fi ligature glyph")
def test_ligatures_are_folded() -> None:
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(170, 7, "The \ufb01rst of\ufb01cer \ufb01led a report about the family's "
                   "\ufb02at and its dif\ufb01culties.")
    data = bytes(pdf.output())
    for engine in ENGINES:
        text = flat(extract_bytes(data, options=options(engine)).pages[0])
        assert "The first officer filed a report" in text, engine
        assert "flat and its difficulties." in text, engine
        assert "\ufb01" not in text


@pytest.mark.parametrize("interleaved", [False, True])
def test_two_column_page_goes_to_pdfminer_and_reads_column_by_column(interleaved: bool) -> None:
    data = two_columns(interleaved)
    reference = flat(extract_bytes(data, options=options("pdfminer")).pages[0])
    result = extract_bytes(data, options=options("auto"))
    text = flat(result.pages[0])
    assert result.meta["engines"] == {"pdfium": 0, "pdfminer": 1}
    assert result.meta["fallback_pages"] == [{"page": 1, "reason": "multi-column"}]
    assert text == reference
    assert text.startswith("Learning from the review")
    left, right = " ".join(LEFT), " ".join(RIGHT)
    assert left in text and right in text
    assert text.index(left) < text.index(right)
    if interleaved:  # what PDFium alone makes of it: the columns' lines alternate
        alone = flat(extract_bytes(data, options=options("pdfium")).pages[0])
        assert left not in alone and alone.index(RIGHT[0]) < alone.index(LEFT[1])


def test_mixed_document_reads_each_page_with_the_right_engine() -> None:
    single = single_column(BODY[:2])
    double = two_columns(interleaved=True)
    merged = pypdfium2.PdfDocument.new()
    for part in (single, double, single):
        merged.import_pages(pypdfium2.PdfDocument(part))
    buffer = io.BytesIO()
    merged.save(buffer)
    result = extract_bytes(buffer.getvalue(), options=options("auto"))
    assert result.status == "ok" and len(result.pages) == 5
    assert result.meta["engines"] == {"pdfium": 4, "pdfminer": 1}
    assert result.meta["fallback_pages"] == [{"page": 3, "reason": "multi-column"}]
    assert flat(result.pages[2]).index(RIGHT[0]) > flat(result.pages[2]).index(LEFT[-1])


def test_words_without_spaces_go_to_pdfminer() -> None:
    run = "Thechildwasseenbythehealthvisitorwhonotedthatthemotherwastired" * 5
    data = single_column([run[:90] + "\n" + run[90:180] + "\n" + run[180:270]])
    result = extract_bytes(data, options=options("auto"))
    assert result.meta["fallback_pages"] == [{"page": 1, "reason": "no word spaces"}]
    assert result.meta["engines"] == {"pdfium": 0, "pdfminer": 1}


def test_letters_no_language_has_go_to_pdfminer() -> None:
    # what PDFium makes of a font without a Unicode map: "Peněžní prostředky" -> "3HQČåQtSURVWĜHGN"
    garbled = "3HQ QtSURVWHGN QD WHFK SRVN WQXWt QD KRWRYRVWL " * 4
    result = extract_bytes(single_column([garbled]), options=options("auto"))
    assert result.meta["fallback_pages"] == [{"page": 1, "reason": "implausible letters"}]


def test_numbered_paragraphs_and_a_contents_page_are_not_columns() -> None:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    y = 25.0
    for number, body in enumerate(BODY * 2, start=1):  # hanging numbers: a narrow "column"
        pdf.set_xy(20, y)
        pdf.cell(12, 6, f"3.{number}")
        pdf.set_xy(34, y)
        pdf.multi_cell(156, 6, body, new_x=XPos.LEFT, new_y=YPos.NEXT)
        y = pdf.get_y() + 3
    pdf.add_page()
    for number, title in enumerate(["Introduction", "The family", "Agency involvement",
                                    "Analysis", "Findings", "Recommendations", "Glossary"]):
        pdf.set_xy(20, 30 + 8 * number)
        pdf.cell(150, 6, title)
        pdf.set_xy(180, 30 + 8 * number)
        pdf.cell(10, 6, str(3 + 2 * number), align="R")
    result = extract_bytes(bytes(pdf.output()), options=options("auto"))
    assert result.meta["engines"] == {"pdfium": 2, "pdfminer": 0}
    assert "3.8 " + BODY[3] in flat(result.pages[0])


def test_pdfium_page_error_falls_back_to_pdfminer(monkeypatch: pytest.MonkeyPatch) -> None:
    real = ingest.pdfium.PdfiumPdf.page

    def flaky(self: ingest.pdfium.PdfiumPdf, index: int) -> ingest.pdfium.PdfiumPage:
        if index == 1:
            raise pypdfium2.PdfiumError("broken page")
        return real(self, index)

    monkeypatch.setattr(ingest.pdfium.PdfiumPdf, "page", flaky)
    data = single_column(BODY[:3])
    result = extract_bytes(data, options=options("auto"))
    assert (result.status, result.reason) == ("ok", "")
    assert result.meta["engines"] == {"pdfium": 2, "pdfminer": 1}
    assert result.meta["fallback_pages"] == [
        {"page": 2, "reason": "PDFium error: PdfiumError: broken page"}]
    assert [flat(p) for p in result.pages] == BODY[:3]
    only = extract_bytes(data, options=options("pdfium"))  # no reference to fall back on
    assert (only.status, only.reason) == ("ok", "partial: 1 of 3 pages unreadable")
    assert only.meta["page_errors"] == ["page 2: PdfiumError: broken page"]


def test_pdfium_cannot_open_pdfminer_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: ingest.pdfium.PdfiumPdf, data: bytes) -> None:
        raise pypdfium2.PdfiumError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(ingest.pdfium.PdfiumPdf, "__init__", refuse)
    result = extract_bytes(single_column(BODY[:2]), options=options("auto"))
    assert result.status == "ok" and [flat(p) for p in result.pages] == BODY[:2]
    assert result.meta["engines"] == {"pdfium": 0, "pdfminer": 2}
    assert result.meta["pdfium_error"].startswith("PdfiumError: Failed to load document")


def test_bad_pdfs_are_classified_alike_by_every_engine() -> None:
    locked = FPDF()
    locked.set_encryption(owner_password="owner", user_password="s3cret")
    locked.add_page()
    locked.set_font("helvetica", size=11)
    locked.multi_cell(170, 6, BODY[0])
    good = single_column(BODY)
    for engine in ENGINES:
        result = extract_bytes(bytes(locked.output()), options=options(engine))
        assert (result.status, result.reason) == ("encrypted", ENCRYPTED_REASON), engine
        cut = extract_bytes(good[: len(good) // 2], options=options(engine))
        assert cut.status == "failed" and cut.reason.startswith("corrupt PDF: "), engine
        assert extract_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 99, options=options(engine)
                             ).reason.startswith("corrupt PDF: "), engine
        junk = b"\r\n\x00junk before the header\n" + good
        assert extract_bytes(junk, options=options(engine)).status == "ok", engine


def test_engine_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = single_column(BODY[:2])
    monkeypatch.setenv("SCR_PDF_ENGINE", "pdfminer")
    assert extract_bytes(data).meta["engines"] == {"pdfium": 0, "pdfminer": 2}
    monkeypatch.setenv("SCR_PDF_ENGINE", "pdfium")
    assert extract_bytes(data).meta["engines"] == {"pdfium": 2, "pdfminer": 0}
    monkeypatch.delenv("SCR_PDF_ENGINE")
    assert extract_bytes(data).meta["engines"] == {"pdfium": 2, "pdfminer": 0}
    with pytest.raises(ValueError, match="unknown PDF engine"):
        PdfOptions(engine="fast")
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    results = dict(extract_many([("r", path, None, None)], workers=1, timeout_s=30,
                                options=options("pdfminer")))
    assert results["r"].meta["engines"] == {"pdfium": 0, "pdfminer": 2}


# -- OCR -----------------------------------------------------------------------------------------
SCANNED = ["Serious Case Review", "Child M lived with", "her mother and", "grandmother."]


def image_pdf(images: list) -> bytes:
    """A PDF of whole-page pictures (PIL images), one a page: no text layer."""
    pdf = FPDF(format="A4")
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pdf.add_page()
        pdf.image(buffer, x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def scanned_pdf(pages: int = 1) -> bytes:
    """An image-only PDF: text pages rendered with PDFium, placed as pictures."""
    images = []
    for number in range(1, pages + 1):
        text = FPDF(format="A4")
        text.add_page()
        text.set_font("helvetica", size=28)
        text.set_xy(20, 30)
        middle = [f"Chapter {number} of {pages}: visits", f"made by agency number {number}"]
        text.multi_cell(170, 16, "\n".join([*SCANNED[:2], *middle, *SCANNED[2:]]))
        images.append(pypdfium2.PdfDocument(bytes(text.output()))[0].render(
            scale=150 / 72, grayscale=True).to_pil())
    return image_pdf(images)


@needs_tesseract
def test_ocr_reads_an_image_only_pdf() -> None:
    result = extract_bytes(scanned_pdf(), options=PdfOptions(ocr="auto"))
    assert (result.status, result.reason) == ("ok", "")
    assert result.meta["ocr"]["engine"].startswith("tesseract ")
    assert result.meta["ocr"]["pages"] == 1
    text = flat(result.pages[0])
    for line in SCANNED:
        assert line in text


@needs_tesseract
def test_ocr_page_cap() -> None:
    result = extract_bytes(scanned_pdf(pages=2), options=PdfOptions(ocr_max_pages=1))
    assert result.status == "ok"
    assert result.reason == "partial: OCR read 1 of 2 pages (page cap 1)"
    assert "Child M" in result.pages[0] and result.pages[1] == ""


@needs_tesseract
def test_ocr_that_finds_nothing_keeps_needs_ocr() -> None:
    pdf = FPDF()
    pdf.add_page()
    blank = io.BytesIO()
    pypdfium2.PdfDocument.new().new_page(100, 100).render().to_pil().save(blank, format="PNG")
    pdf.image(blank, x=20, y=20, w=100)
    result = extract_bytes(bytes(pdf.output()), options=PdfOptions())
    assert result.status == "needs_ocr"
    assert result.reason.startswith("no usable text layer: 0 characters on 1 page")
    assert result.reason.endswith("found 0 characters") and result.meta["ocr"]["pages"] == 1


def test_without_tesseract_or_with_ocr_off_the_pdf_needs_ocr(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = scanned_pdf()
    off = extract_bytes(data, options=PdfOptions(ocr="off"))
    monkeypatch.setattr(ingest.pdfextract, "tesseract_version", lambda: None)
    missing = extract_bytes(data, options=PdfOptions(ocr="auto"))
    for result in (off, missing):
        assert result.status == "needs_ocr" and "ocr" not in result.meta
        assert result.reason == ("no usable text layer: 0 characters on 1 page "
                                 "(scanned or image-only?)")


@needs_tesseract
def test_ocr_in_a_worker_stops_before_the_time_limit(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf(pages=16))
    results = dict(extract_many([("scan", path, None, None)], workers=1, timeout_s=6,
                                options=PdfOptions()))
    result: Extraction = results["scan"]
    assert result.status in ("ok", "needs_ocr"), result.reason  # not "timeout after 6 s"
    assert "time limit" in result.reason


def banded_cover_pdf() -> bytes:
    """A scanned cover: the title in mid-grey on a light grey band, as many reports have."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 246)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 180, 1240, 520], fill=200)
    draw.text((90, 360), "Serious Case Review: Child Q", fill=60,
              font=ImageFont.load_default(size=44), anchor="ls")
    for i, line in enumerate(["Author: Jane Roe", "Commissioned by the Harrowmere Safeguarding",
                              "Children Partnership after the child was harmed."]):
        draw.text((90, 760 + 50 * i), line, fill=25, font=ImageFont.load_default(size=26),
                  anchor="ls")
    return image_pdf([image])


@needs_tesseract
def test_ocr_reads_a_title_on_a_grey_band() -> None:
    # one global threshold would black out the band and its title with it
    result = extract_bytes(banded_cover_pdf(), options=PdfOptions(ocr="auto"))
    assert result.status == "ok"
    text = flat(result.pages[0])
    assert "Serious Case Review: Child Q" in text and "Author: Jane Roe" in text


def test_flatten_background_whitens_a_band_and_keeps_text_dark() -> None:
    from PIL import Image, ImageDraw

    from ingest.ocr import flatten_background

    image = Image.new("L", (800, 400), 246)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 100, 800, 300], fill=190)
    draw.rectangle([380, 190, 420, 200], fill=60)  # a stroke of text on the band
    flat_image = flatten_background(image)
    assert flat_image.getpixel((100, 150)) >= 240, "the band becomes paper"
    assert flat_image.getpixel((100, 50)) >= 240, "the paper stays paper"
    assert flat_image.getpixel((400, 195)) <= 100, "the text stays dark"
