"""Extraction: every kind of bad input comes out with a recorded status, never a crash or hang.

The worker-pool tests inject hostile extractors (hang, crash, exhaust memory) through
``extract_many(extractor=...)``; they are module-level so that spawned workers can import them.
"""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ingest.extract import (
    ENCRYPTED_REASON,
    STATUSES,
    Extraction,
    extract_bytes,
    extract_many,
    sniff,
)

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "pdf-samples"
PASSWORD_PROTECTED = {"aes-128-m.pdf", "aes-128.pdf", "aes-256-m.pdf", "aes-256-r6.pdf",
                      "aes-256.pdf", "rc4-128.pdf", "rc4-40.pdf"}
NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


# -- hostile extractors, run inside worker processes ---------------------------------------------
def hostile_extractor(data: bytes, content_type: str | None, url: str | None) -> Extraction:
    if data.startswith(b"HANG"):
        time.sleep(600)
    if data.startswith(b"DIE"):
        os.kill(os.getpid(), signal.SIGKILL)
    if data.startswith(b"HOG"):
        bytearray(1024**3)  # 1 GiB, over the 512 MiB limit of the test
    if data.startswith(b"BOOM"):
        raise RuntimeError("extractor bug")
    return extract_bytes(data, content_type, url)


# -- documents made for the tests ----------------------------------------------------------------
def make_pdf(pages: list[str], header: str | None = None, footer: bool = False,
             title: str | None = None, created: dt.datetime | None = None) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    if title:
        pdf.set_title(title)
    if created:
        pdf.set_creation_date(created)
    for number, body in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("helvetica", size=9)
        if header:
            pdf.set_xy(20, 10)
            pdf.cell(0, 5, header)
        pdf.set_font("helvetica", size=11)
        pdf.set_xy(20, 30)
        pdf.multi_cell(170, 6, body, **NEXT_LINE)
        if footer:
            pdf.set_font("helvetica", size=9)
            pdf.set_xy(20, 280)
            pdf.cell(0, 5, f"Page {number} of {len(pages)}")
    return bytes(pdf.output())


def make_docx(paragraphs: list[str], title: str = "", created: str = "") -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t xml:space='preserve'>{p}</w:t></w:r></w:p>"
                   for p in paragraphs)
    table = ("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell one</w:t><w:tab/><w:t>after tab</w:t>"
             "</w:r></w:p></w:tc></w:tr></w:tbl>")
    core = ("<cp:coreProperties xmlns:cp='http://schemas.openxmlformats.org/package/2006/"
            "metadata/core-properties' xmlns:dc='http://purl.org/dc/elements/1.1/' "
            "xmlns:dcterms='http://purl.org/dc/terms/'>"
            f"<dc:title>{title}</dc:title><dcterms:created>{created}</dcterms:created>"
            "</cp:coreProperties>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml",
                         f"<w:document xmlns:w='{w}'><w:body>{body}{table}</w:body></w:document>")
        archive.writestr("docProps/core.xml", core)
    return buffer.getvalue()


JUNK_HTML = b"""<!DOCTYPE html>
<html><head><title>Child T review | Safeguarding Partnership</title>
<meta name="description" content="The review into the death of Child T.">
<style>.x { color: red }</style></head>
<body class="has-cookie-banner">
<div id="cookie-banner"><p>We use cookies to improve your experience.</p>
 <button>Accept</button></div>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header"><div class="logo">Partnership logo text</div>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/p">Parents and carers</a></li></ul></nav>
</header>
<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/r">Reviews</a></div>
<div class="page">
 <aside class="sidebar"><h3>Related pages</h3><p>Annual report 2019</p></aside>
 <article>
  <header class="entry-header"><h1>Serious case review: Child T</h1>
   <p>Published: 12 March 2017</p></header>
  <p>Child T was nine months old when he was admitted to hospital with injuries.</p>
  <h2>Key findings</h2>
  <p>Professionals did not share information about the father's history.</p>
  <ul><li>Finding one</li><li>Finding two</li></ul>
  <div class="share-buttons"><p>Share this page on Facebook</p></div>
 </article>
</div>
<footer><p>Copyright 2024 Partnership. Privacy policy.</p></footer>
<script>var tracking = "should not appear";</script>
</body></html>"""


# -- the 47 real edge-case PDFs ------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_run() -> tuple[dict[str, Extraction], float]:
    if not SAMPLES.is_dir():
        pytest.skip(f"no PDF samples at {SAMPLES}")
    jobs = [(str(p.relative_to(SAMPLES)), p, "application/pdf", None)
            for p in sorted(SAMPLES.rglob("*.pdf"))]
    started = time.monotonic()
    results = dict(extract_many(jobs, workers=2, timeout_s=30))
    return results, time.monotonic() - started


def test_every_sample_has_a_status_in_bounded_time(sample_run) -> None:
    results, elapsed = sample_run
    assert len(results) == 47
    assert elapsed < 60
    for name, result in results.items():
        assert result.status in STATUSES, name
        assert result.paged, name
        if result.status == "ok":
            assert result.pages and any(p.strip() for p in result.pages), name
        else:
            assert result.reason and "\n" not in result.reason, name


def test_password_protected_samples_are_encrypted(sample_run) -> None:
    results, _ = sample_run
    for name in PASSWORD_PROTECTED:
        result = results[f"encryption/{name}"]
        assert (result.status, result.reason) == ("encrypted", ENCRYPTED_REASON), name
    assert results["encryption/base.pdf"].status != "encrypted"
    # encrypted with an empty user password (owner password only): it opens, and is image-only
    # (read by OCR where Tesseract is installed)
    no_id = results["encryption/encrypted_doc_no_id.pdf"]
    assert no_id.meta["encrypted"] is True
    assert no_id.status == "needs_ocr" or (no_id.status == "ok" and no_id.meta["ocr"])


def test_corrupted_sample_is_recovered_or_explained(sample_run) -> None:
    result = sample_run[0]["zen_of_python_corrupted.pdf"]
    if result.status == "failed":
        assert result.reason.startswith("corrupt PDF: ")
    else:
        assert "Beautiful is better than ugly." in result.text


def test_simple1_text(sample_run) -> None:
    result = sample_run[0]["simple1.pdf"]
    assert result.status == "ok"
    assert "Hello" in result.pages[0] and "World" in result.pages[0]


def test_image_only_samples_need_ocr(sample_run) -> None:
    for name in ("contrib/pdf-with-jbig2.pdf", "scancode/patchelf.pdf", "simple2.pdf"):
        result = sample_run[0][name]  # OCR, where Tesseract is installed, may read some
        assert result.status == "needs_ocr" or (result.status, bool(result.meta.get("ocr"))) == (
            "ok", True), name


# -- in-process extraction of bad and awkward inputs ---------------------------------------------
def test_empty_file() -> None:
    for data in (b"", b"  \n"):
        result = extract_bytes(data, "application/pdf", "https://example.org/r.pdf")
        assert (result.status, result.reason) == ("failed", "empty file")


def test_truncated_pdf_fails_with_reason() -> None:
    data = make_pdf(["The health visitor identified concerns about neglect. " * 30] * 4)
    result = extract_bytes(data[: len(data) // 2])
    assert result.status == "failed"
    assert result.reason.startswith("corrupt PDF: ")
    assert result.pages == ()


def test_not_a_pdf_despite_content_type() -> None:
    result = extract_bytes(b"\x00\x01garbage" * 50, "application/pdf")
    assert result.status == "failed" and result.reason.startswith("corrupt PDF: ")


def test_unsupported_content_type() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert extract_bytes(png).reason == "unsupported content type: image/png"
    result = extract_bytes(b"\x00\xff" * 10, "image/png")
    assert result.reason == "unsupported content type: image/png"


def test_pdf_text_metadata_and_running_lines() -> None:
    bodies = [f"Section {n}. The school nurse saw the child on {n} occasions and recorded "
              "no concerns about her weight." for n in range(1, 6)]
    data = make_pdf(bodies, header="Child Safeguarding Practice Review: Child T", footer=True,
                    title="LCSPR Child T", created=dt.datetime(2017, 3, 12, 9, 30))
    result = extract_bytes(data, "application/pdf")
    assert result.status == "ok" and result.paged and len(result.pages) == 5
    for page, body in zip(result.pages, bodies, strict=True):
        assert " ".join(page.split()) == body
        assert "Practice Review" not in page and "Page" not in page
    assert result.meta["title"] == "LCSPR Child T"
    assert result.meta["created"] == "2017-03-12"
    assert result.meta["pages"] == 5


def test_a_broken_page_costs_only_that_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.pdftext

    monkeypatch.setenv("SCR_PDF_ENGINE", "pdfminer")  # the pages are read by pdfminer alone
    real = ingest.pdftext._page_text
    calls = {"n": 0}

    def flaky(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ValueError("bad content stream")
        return real(*args)

    monkeypatch.setattr(ingest.pdftext, "_page_text", flaky)
    body = "The family moved house four times in two years, and the school was not told. " * 3
    result = extract_bytes(make_pdf([body] * 3))
    assert (result.status, result.reason) == ("ok", "partial: 1 of 3 pages unreadable")
    assert result.pages[1] == "" and result.pages[2]
    assert result.meta["page_errors"] == ["page 2: ValueError: bad content stream"]
    monkeypatch.setattr(ingest.pdftext, "_page_text", lambda *a: 1 / 0)
    result = extract_bytes(make_pdf([body] * 2))
    assert result.status == "failed"
    assert result.reason == ("corrupt PDF: every page failed "
                             "(page 1: ZeroDivisionError: division by zero)")


def test_two_column_page_reads_column_by_column() -> None:
    left = " ".join(f"Left column sentence {i} about the family." for i in range(1, 20))
    right = " ".join(f"Right column sentence {i} about the police." for i in range(1, 20))
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.set_xy(15, 20)
    pdf.cell(0, 6, "Learning from the review")
    for x, text in ((15, left), (106, right)):  # 85 mm columns, 6 mm gutter
        pdf.set_xy(x, 35)
        pdf.multi_cell(85, 5, text, align="J")
    result = extract_bytes(bytes(pdf.output()))
    flat = " ".join(result.pages[0].split())
    assert flat.startswith("Learning from the review")
    assert left in flat and right in flat
    assert flat.index(left) < flat.index(right)


def test_pdf_without_text_needs_ocr() -> None:
    pdf = FPDF()
    for _ in range(3):
        pdf.add_page()
        pdf.rect(20, 20, 100, 150, style="F")
    result = extract_bytes(bytes(pdf.output()))
    assert result.status == "needs_ocr"
    assert result.reason.startswith("no usable text layer: 0 characters on 3 pages")
    assert len(result.pages) == 3


def test_pdf_after_leading_junk() -> None:
    data = b"\r\n\x00junk before the header\n" + make_pdf(["Thirty words of text " * 5])
    assert sniff(data, None, None) == "pdf"
    assert extract_bytes(data).status == "ok"


def test_html_main_text_without_boilerplate() -> None:
    result = extract_bytes(JUNK_HTML, "text/html; charset=utf-8", "https://example.org/t")
    assert result.status == "ok" and not result.paged and len(result.pages) == 1
    text = result.pages[0]
    for junk in ("cookies", "Accept", "Skip to main", "Parents and carers", "Related pages",
                 "Annual report", "Share this page", "Copyright", "tracking", "logo", "color"):
        assert junk not in text, junk
    lines = text.split("\n")
    assert lines[0] == "Serious case review: Child T"
    for line in ("Key findings", "Finding one", "Finding two",
                 "Child T was nine months old when he was admitted to hospital with injuries."):
        assert line in lines
    assert result.meta["title"] == "Child T review | Safeguarding Partnership"
    assert result.meta["h1"] == "Serious case review: Child T"
    assert result.meta["description"] == "The review into the death of Child T."
    assert result.meta["published"] == "2017-03-12"
    assert result.meta["published_text"].startswith("Published: 12 March 2017")


def test_html_page_form_and_paragraph_density() -> None:
    html = b"""<html><body><form id="aspnetForm">
      <div class="links"><a href="/a">A link</a> <a href="/b">B link</a></div>
      <div id="content"><h2>Overview</h2><p>First paragraph of the report text, long enough.</p>
        <p>Second paragraph of the report text.</p><p>Third paragraph.</p>
        <time datetime="2021-06-01">June 2021</time></div>
    </form></body></html>"""
    result = extract_bytes(html, None, "https://example.org/review.aspx")
    assert result.status == "ok"
    assert result.pages[0].startswith("Overview\n\nFirst paragraph")
    assert "A link" not in result.pages[0]
    assert result.meta["times"] == ["2021-06-01"]


def test_html_wrapper_named_like_junk_keeps_the_text() -> None:
    html = b"""<html><body><div class="wrap has-sidebar"><div class="nav-menu"><p>Menu</p></div>
      <div id="content"><p>The first paragraph of the review, about the family.</p>
      <p>The second paragraph.</p></div></div></body></html>"""
    result = extract_bytes(html, "text/html")
    assert result.pages == ("The first paragraph of the review, about the family.\n\n"
                            "The second paragraph.",)


def test_docx_paragraphs_and_core_properties() -> None:
    data = make_docx(["Executive summary", "Baby Q died aged  three months.", ""],
                     title="Baby Q review", created="2019-05-02T10:00:00Z")
    assert sniff(data, None, None) == "docx"
    result = extract_bytes(data)
    assert result.status == "ok" and not result.paged
    assert result.pages == ("Executive summary\n\nBaby Q died aged three months.\n\n"
                            "Cell one after tab",)
    assert result.meta == {"title": "Baby Q review", "created": "2019-05-02", "kind": "docx"}


def test_broken_docx_fails_with_reason() -> None:
    data = make_docx(["text"])
    result = extract_bytes(data[:-40], "application/vnd.openxmlformats-officedocument."
                           "wordprocessingml.document")
    assert result.status == "failed" and result.reason.startswith("corrupt DOCX: ")


@pytest.mark.parametrize(
    ("data", "content_type", "url", "expected"),
    [
        (b"%PDF-1.7\n...", None, None, "pdf"),
        (b"<!DOCTYPE html><html></html>", "application/pdf", None, "html"),
        (b"  <html><body>x</body></html>", None, None, "html"),
        (b"\x89PNG\r\n\x1a\nxxxx", "text/html", None, "unknown"),
        (b"plain words", "text/plain; charset=utf-8", None, "text"),
        (b"\x00\x01\x02", "application/octet-stream", "https://x.org/a/report.PDF", "pdf"),
        (b"\x00\x01\x02", None, "https://x.org/a/notes.docx?v=2", "docx"),
        (b"\x00\x01\x02", None, "https://x.org/a/file", "unknown"),
        (b"Just some text.\n", None, None, "text"),
    ],
)
def test_sniff(data: bytes, content_type: str | None, url: str | None, expected: str) -> None:
    assert sniff(data, content_type, url) == expected


# -- worker processes: time, memory and crashes --------------------------------------------------
def _workers() -> list[multiprocessing.Process]:
    """Live extraction workers of this process (other tests may run servers of their own)."""
    return [p for p in multiprocessing.active_children() if p.name == "scr-worker"]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bad_files_through_workers(tmp_path: Path) -> None:
    pdf = make_pdf(["The social worker visited the family at home twice a week."] * 2)
    jobs = [
        ("empty", _write(tmp_path, "empty", b""), "application/pdf", None),
        ("truncated", _write(tmp_path, "cut.pdf", pdf[: len(pdf) // 2]), None, None),
        ("html", _write(tmp_path, "page", JUNK_HTML), "text/html", None),
        ("docx", _write(tmp_path, "d.docx", make_docx(["Hello from Word"])), None, None),
        ("missing", tmp_path / "no-such-file", None, None),
        ("pdf", _write(tmp_path, "ok.pdf", pdf), None, None),
    ]
    results = dict(extract_many(jobs, workers=2, timeout_s=30))
    assert results["empty"].reason == "empty file"
    assert results["truncated"].reason.startswith("corrupt PDF: ")
    assert "Key findings" in results["html"].text and "cookies" not in results["html"].text
    assert results["docx"].text.startswith("Hello from Word")
    assert results["missing"].reason.startswith("cannot read file: ")
    assert results["pdf"].status == "ok" and len(results["pdf"].pages) == 2


def test_hang_crash_and_memory_hog_do_not_stop_the_run(tmp_path: Path) -> None:
    good = make_pdf(["A paragraph of ordinary report text that is long enough to count."])
    jobs = [
        ("hang", _write(tmp_path, "hang", b"HANG"), None, None),
        ("die", _write(tmp_path, "die", b"DIE"), None, None),
        ("hog", _write(tmp_path, "hog", b"HOG"), None, None),
        ("boom", _write(tmp_path, "boom", b"BOOM"), None, None),
        *[(f"good{i}", _write(tmp_path, f"g{i}.pdf", good), None, None) for i in range(3)],
    ]
    started = time.monotonic()
    results = dict(extract_many(jobs, workers=2, timeout_s=2, memory_mb=512,
                                extractor=hostile_extractor))
    assert time.monotonic() - started < 20
    assert (results["hang"].status, results["hang"].reason) == ("failed", "timeout after 2 s")
    assert results["die"].reason == "worker died: killed by signal SIGKILL"
    assert results["hog"].reason == "memory limit exceeded"
    assert results["boom"].reason == "unexpected error: RuntimeError: extractor bug"
    assert all(results[f"good{i}"].status == "ok" for i in range(3))
    assert not _workers()


def test_closing_the_generator_kills_workers(tmp_path: Path) -> None:
    jobs = [(f"hang{i}", _write(tmp_path, f"h{i}", b"HANG"), None, None) for i in range(2)]
    jobs.append(("good", _write(tmp_path, "g.pdf", make_pdf(["Some text " * 10])), None, None))
    results = extract_many(jobs, workers=3, timeout_s=60, extractor=hostile_extractor)
    key, result = next(results)
    assert (key, result.status) == ("good", "ok")
    assert len(_workers()) == 3
    results.close()
    assert not _workers()


def test_keyboard_interrupt_kills_workers(tmp_path: Path) -> None:
    jobs = [(f"hang{i}", _write(tmp_path, f"h{i}", b"HANG"), None, None) for i in range(2)]
    running: list[int] = []

    def interrupt(signum: int, frame: object) -> None:  # what Ctrl-C does to the parent
        running.append(len(_workers()))
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 3.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            list(extract_many(jobs, workers=2, timeout_s=60, extractor=hostile_extractor))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert running == [2]
    assert not _workers()
