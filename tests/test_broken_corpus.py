"""Acceptance: a corpus with broken files of many kinds. The build finishes, each broken file has
a status and a one-line reason, and the rest are all extracted.

A fictional board ("Brokenshire Safeguarding Children Partnership") is served on loopback by a
:class:`tests.faultserver.FaultServer` (no faults injected: the brokenness is in the files,
made by :mod:`tests.brokenfiles`). Its "Serious case reviews" listing links to eight good review
documents (four text PDFs, a PDF served as ``text/html``, two DOCX files and an HTML report
page) and to eleven broken files, each linked as a review of its own child:

====================  =========================================================================
kind                  expected outcome
====================  =========================================================================
zero_byte             extraction ``failed``: "empty file"
truncated             ``failed``: "corrupt PDF: unexpected end of file (truncated?)"
encrypted             ``encrypted``: "encrypted: password required" (fpdf2 user password)
image_only            ``needs_ocr`` (or ``ok`` with ``meta["ocr"]`` where Tesseract OCR ran)
html_error_as_pdf     ``failed``: "an HTML page served as application/pdf (an error page?)"
garbage               ``failed``: "corrupt PDF: ..."
corrupt_docx          ``failed``: "corrupt DOCX: ..." (the zip cut in half)
destroyed_xref        ``failed``: "corrupt PDF: ..." (no xref/trailer, object keywords mangled)
pathological          ``failed``: "timeout after 2 s" (47 KB of PDF that takes minutes to read)
oversized             refused by the fetcher: URL row ``failed``, "larger than 2097152 bytes"
png_as_pdf            ``failed``: "unsupported content type: image/png"
====================  =========================================================================

Every stored broken review stays listed by ``scr reports --json`` with its status and reason
(judged from its link). The build runs twice through :func:`app.pipeline.build`; the second run
sends no request and extracts nothing.

"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app import pipeline
from app.cli import main
from ingest.catalogue import Catalogue, doc_id_for
from ingest.extract import STATUSES
from ingest.settings import Settings
from sampleweb.loopback import LoopbackOnlyTransport
from tests import brokenfiles as bf
from tests.faultserver import HTML, PDF_TYPE, FaultServer, Resource

BOARD = "Brokenshire Safeguarding Children Partnership"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_BYTES = 2 * 1024 * 1024
EXTRACT_TIMEOUT = 2.0
LISTING = "/safeguarding/serious-case-reviews"
DOCS = "/sites/default/files/documents"
TRACEBACK_MARKERS = ("Traceback", 'File "', "\n", "\r")


@dataclass(frozen=True)
class Served:
    """One linked file: where it is, how it is served and linked, and what is expected."""

    kind: str
    child: str  # the pseudonym its link names ("Child A")
    path: str
    body: bytes
    content_type: str | None
    link_text: str
    phrase: str = ""  # good documents: a phrase their text must contain


def good_files() -> list[Served]:
    """Eight review documents that must all be extracted, each with a phrase of its own."""
    out = []
    for child, phrase in (("Child A", "the baby was left with a series of unassessed carers"),
                          ("Child B", "missed health appointments were never followed up"),
                          ("Child C", "the school nurse raised concerns about weight loss"),
                          ("Child D", "the family moved between three local authorities")):
        out.append(Served("pdf", child, f"{DOCS}/scr-{slug(child)}-overview-report.pdf",
                          bf.review_pdf(child, phrase), PDF_TYPE,
                          f"Serious case review: {child} overview report (PDF, 120 KB)", phrase))
    child, phrase = "Child E", "nobody asked who else was living in the household"
    out.append(Served("pdf served as text/html", child,
                      f"{DOCS}/scr-{slug(child)}-overview-report.pdf",
                      bf.review_pdf(child, phrase, "October 2017"), HTML,
                      f"Serious case review: {child} overview report (PDF)", phrase))
    for child, phrase in (("Child F", "the mother's mental health deteriorated after the birth"),
                          ("Child G", "the older sibling acted as a young carer")):
        out.append(Served("docx", child, f"{DOCS}/scr-{slug(child)}-report.docx",
                          bf.review_docx(child, phrase), DOCX_TYPE,
                          f"Serious case review: {child} report (Word, 40 KB)", phrase))
    child, phrase = "Child H", "the threshold for a child protection conference was not applied"
    out.append(Served("html report page", child, f"{LISTING}/{slug(child)}",
                      bf.review_html(child, phrase), HTML,
                      f"Serious case review: {child} (web page)", phrase))
    return out


def broken_files() -> list[Served]:
    """The ten broken kinds of the acceptance point, plus a PNG where a PDF was linked."""
    good = bf.review_pdf("Child Z", "this text should never be read")
    plain = bf.review_pdf("Child Z", "nor should this", compress=False)
    docx = bf.review_docx("Child Z", "a damaged archive")
    spec: list[tuple[str, str, bytes, str]] = [
        ("zero_byte", "Child J", b"", PDF_TYPE),
        ("truncated", "Child K", bf.truncated(good), PDF_TYPE),
        ("encrypted", "Child L", bf.encrypted_pdf("Child L"), PDF_TYPE),
        ("image_only", "Child M", bf.image_only_pdf("Child M"), PDF_TYPE),
        ("html_error_as_pdf", "Child N", bf.html_error_page(), PDF_TYPE),
        ("garbage", "Child P", bf.garbage(), PDF_TYPE),
        ("corrupt_docx", "Child Q", bf.truncated(docx), DOCX_TYPE),
        ("destroyed_xref", "Child R", bf.destroyed_pdf(plain), PDF_TYPE),
        ("pathological", "Child S", bf.slow_pdf(), PDF_TYPE),
        ("oversized", "Child T", bf.oversized_pdf(good, MAX_BYTES + 1024 * 1024), PDF_TYPE),
        ("png_as_pdf", "Child U", bf.png_image(), PDF_TYPE),
    ]
    out = []
    for kind, child, body, ctype in spec:
        ext = "docx" if ctype == DOCX_TYPE else "pdf"
        out.append(Served(kind, child, f"{DOCS}/scr-{slug(child)}-overview-report.{ext}", body,
                          ctype, f"Serious case review: {child} overview report ({ext.upper()})"))
    return out


def slug(child: str) -> str:
    return child.lower().replace(" ", "-")


def settings_for(data: Path) -> Settings:
    """No politeness delay, a 2 MB download cap and a 2 s extraction limit."""
    return Settings(data=data, delay=0.0, backoff=0.01, retries=1, timeout=10.0,
                    max_bytes=MAX_BYTES, extract_timeout=EXTRACT_TIMEOUT, extract_workers=2)


@dataclass
class Corpus:
    """The served site and what building it twice left behind."""

    server: FaultServer
    data: Path
    cat: Catalogue
    good: list[Served]
    broken: list[Served]
    first: dict[str, Counter[str]]
    second: dict[str, Counter[str]]
    requests_second: int  # requests the server received during the second build

    def url(self, item: Served) -> str:
        return self.server.url(item.path)

    def doc_id(self, item: Served) -> str | None:
        """The id of the document stored from ``item``'s URL (None: nothing was stored)."""
        row = self.cat.url_row(self.url(item)) or {}
        return doc_id_for(row["sha256"]) if row.get("sha256") else None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    tmp = tmp_path_factory.mktemp("broken-corpus")
    good, broken = good_files(), broken_files()
    links = [(item.path, item.link_text) for item in good + broken]
    site = {LISTING: Resource(bf.listing_page("Serious case reviews", links), HTML)}
    site.update({item.path: Resource(item.body, item.content_type) for item in good + broken})
    with FaultServer(site) as server:
        sources = tmp / "sources.toml"
        sources.write_text(f'[[source]]\nname = "{BOARD}"\nnation = "England"\n'
                           f'region = "North West"\nurl = "{server.url(LISTING)}"\n')
        data = tmp / "data"
        settings = settings_for(data)
        first = pipeline.build(data, sources, settings, transport=LoopbackOnlyTransport())
        before = len(server.log)
        second = pipeline.build(data, sources, settings, transport=LoopbackOnlyTransport())
        requests_second = len(server.log) - before
        with Catalogue(data / "catalogue.sqlite", create=False) as cat:
            yield Corpus(server, data, cat, good, broken, first, second, requests_second)


def reports(capsys: pytest.CaptureFixture[str], data: Path, *flags: str) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["reports", "--data", str(data), "--json", *flags]) == 0
    records = json.loads(capsys.readouterr().out)
    assert isinstance(records, list)
    return records


def assert_one_line(reason: str | None, what: str) -> None:
    assert reason and reason.strip(), f"{what}: no reason recorded"
    for marker in TRACEBACK_MARKERS:
        assert marker not in reason, f"{what}: reason is not one clean line: {reason!r}"
    assert len(reason) <= 300, f"{what}: reason too long: {reason!r}"


def text_of(corpus: Corpus, doc_id: str) -> str:
    """A document's text with its whitespace collapsed (PDF lines wrap mid-phrase)."""
    return " ".join(" ".join(corpus.cat.page_texts(doc_id)).split())


def broken(corpus: Corpus, kind: str) -> Served:
    return next(item for item in corpus.broken if item.kind == kind)


def extraction_of(corpus: Corpus, item: Served) -> dict[str, Any]:
    doc_id = corpus.doc_id(item)
    row = corpus.cat.url_row(corpus.url(item))
    assert doc_id, f"{item.kind}: {item.path} was not stored ({row})"
    ex = corpus.cat.extraction(doc_id)
    assert ex is not None, f"{item.kind}: stored but never extracted"
    return ex


#: kind -> (status, reason pattern) of the documents that are stored and then fail extraction.
EXPECTED: dict[str, tuple[str, str]] = {
    "zero_byte": ("failed", r"empty file"),
    "truncated": ("failed", r"corrupt PDF: unexpected end of file \(truncated\?\)"),
    "encrypted": ("encrypted", r"encrypted: password required"),
    "garbage": ("failed", r"corrupt PDF: .+"),
    "corrupt_docx": ("failed", r"corrupt DOCX: .+"),
    "destroyed_xref": ("failed", r"corrupt PDF: .+"),
    "pathological": ("failed", rf"timeout after {EXTRACT_TIMEOUT:g} s"),
    "png_as_pdf": ("failed", r"unsupported content type: .+"),
}
def test_the_build_finishes_and_counts_every_file(corpus: Corpus) -> None:
    first = corpus.first
    assert set(first) == {"crawl", "extract", "analyse", "index"}
    assert first["crawl"]["failed/too_large"] == 1
    stored = [item for item in corpus.good + corpus.broken if corpus.doc_id(item)]
    assert len(stored) == len(corpus.good) + len(corpus.broken) - 1  # all but the oversized one
    by_status = {k: v for k, v in first["extract"].items() if k in STATUSES}
    # every stored file (and the listing page) came out of extraction with one of the statuses
    assert sum(by_status.values()) == len(stored) + 1
    assert by_status["failed"] >= len([k for k, (s, _) in EXPECTED.items() if s == "failed"])
    assert by_status["encrypted"] == 1


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_broken_file_has_its_status_and_a_one_line_reason(corpus: Corpus,
                                                                kind: str) -> None:
    ex = extraction_of(corpus, broken(corpus, kind))
    status, pattern = EXPECTED[kind]
    assert ex["status"] == status, (kind, ex["status"], ex["reason"])
    assert_one_line(ex["reason"], kind)
    assert re.fullmatch(pattern, ex["reason"]), (kind, ex["reason"])
    assert not "".join(corpus.cat.page_texts(corpus.doc_id(broken(corpus, kind)) or "")).strip()


def test_image_only_pdf_needs_ocr_or_is_read_by_ocr(corpus: Corpus) -> None:
    item = broken(corpus, "image_only")
    ex = extraction_of(corpus, item)
    if ex["status"] == "ok":  # optional OCR with Tesseract read the picture of the text
        assert shutil.which("tesseract"), "status ok without tesseract installed"
        assert ex["meta"].get("ocr"), ex["meta"]
        assert "\n" not in (ex["reason"] or "")
        assert "Child M" in text_of(corpus, corpus.doc_id(item) or "")
    else:  # no OCR (not installed, or not enabled): the page is kept for OCR later
        assert ex["status"] == "needs_ocr", (ex["status"], ex["reason"])
        assert_one_line(ex["reason"], "image_only")
        assert ex["reason"].startswith("no usable text layer"), ex["reason"]


def test_oversized_file_is_refused_by_the_fetcher_with_a_reason(corpus: Corpus) -> None:
    item = broken(corpus, "oversized")
    assert len(item.body) > MAX_BYTES
    row = corpus.cat.url_row(corpus.url(item))
    assert row is not None and row["state"] == "failed" and row["sha256"] is None
    assert row["error"] == f"larger than {MAX_BYTES} bytes"
    assert_one_line(row["error"], "oversized")
    assert corpus.doc_id(item) is None  # nothing stored, nothing to extract
    logged = [f for f in corpus.cat.fetch_log() if f["url"] == corpus.url(item)]
    assert [f["error"] for f in logged] == [row["error"]]


def test_html_error_page_served_as_pdf_is_not_ok(corpus: Corpus,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The correct behaviour: a 200 HTML error page where a PDF was linked and declared is a
    failure with a reason (and, linked as a review, stays listed as one)."""
    item = broken(corpus, "html_error_as_pdf")
    ex = extraction_of(corpus, item)
    assert ex["status"] != "ok", ("status ok", ex["reason"],
                                  text_of(corpus, corpus.doc_id(item) or ""))
    assert_one_line(ex["reason"], "html_error_as_pdf")
    listed = {r["url"]: r for r in reports(capsys, corpus.data)}
    assert corpus.url(item) in listed, "the review linked as Child N is not listed"


def test_png_served_as_pdf_reason_names_what_the_bytes_are(corpus: Corpus) -> None:
    ex = extraction_of(corpus, broken(corpus, "png_as_pdf"))
    assert ex["reason"] == "unsupported content type: image/png"


def test_every_good_document_is_extracted(corpus: Corpus,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    records = {r["url"]: r for r in reports(capsys, corpus.data, "--all")}
    for item in corpus.good:
        ex = extraction_of(corpus, item)
        assert (ex["status"], ex["reason"]) == ("ok", ""), (item.kind, ex["reason"])
        text = text_of(corpus, corpus.doc_id(item) or "")
        assert f"Serious Case Review: {item.child}" in text, (item.kind, text[:200])
        assert item.phrase in text.lower(), (item.kind, item.phrase)
        if item.path.endswith(".pdf"):
            assert ex["paged"] and ex["pages"] == 2, (item.kind, ex["pages"])
        record = records[corpus.url(item)]
        assert record["status"] == "ok" and record["child"] == item.child, record


GOOD_YEARS = {"Child A": 2019, "Child B": 2019, "Child C": 2019, "Child D": 2019,
              "Child E": 2017, "Child F": 2020, "Child G": 2020, "Child H": 2021}
@pytest.mark.parametrize("child", sorted(GOOD_YEARS))
def test_good_reviews_are_listed_with_their_year(corpus: Corpus, child: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    item = next(i for i in corpus.good if i.child == child)
    listed = {r["url"]: r for r in reports(capsys, corpus.data)}
    record = listed.get(corpus.url(item))
    assert record is not None, f"{item.kind}: not listed by `scr reports` as a review"
    assert (record["status"], record["year"], record["child"]) == ("ok", GOOD_YEARS[child], child)


def test_broken_review_documents_stay_listed_with_their_failure(
        corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    """A review whose file failed is still listed by `scr reports`, judged from its link."""
    listed = {r["url"]: r for r in reports(capsys, corpus.data)}
    for kind in [*EXPECTED, "image_only"]:
        item = broken(corpus, kind)
        record = listed.get(corpus.url(item))
        assert record is not None, f"{kind}: not listed by `scr reports`"
        ex = extraction_of(corpus, item)
        assert (record["status"], record["status_reason"]) == (ex["status"], ex["reason"])
        assert record["board"] == BOARD
        assert record["child"] == item.child, (kind, record["child"])


def test_every_reason_in_the_reports_is_one_line(corpus: Corpus,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    for record in reports(capsys, corpus.data, "--all"):
        if record["status"] != "ok":
            assert_one_line(record["status_reason"], record["url"])
        else:
            assert "\n" not in (record["status_reason"] or "")


def test_a_second_build_does_no_work(corpus: Corpus) -> None:
    second = corpus.second
    assert corpus.requests_second == 0 and second["crawl"]["requests"] == 0
    assert not {k: v for k, v in second["extract"].items()
                if v and (k in STATUSES or k.startswith("describe/"))}
    assert second["index"].get("indexed", 0) == 0


def test_scr_failures_lists_every_broken_file_with_its_reason(
        corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["failures", "--json", "--data", str(corpus.data)]) == 0
    problems = {p["url"]: p for p in json.loads(capsys.readouterr().out)}
    for item in corpus.broken:
        if item.kind == "image_only" and shutil.which("tesseract"):
            continue  # read by OCR: not a problem
        problem = problems.get(corpus.url(item))
        assert problem is not None, f"{item.kind}: missing from `scr failures`"
        assert_one_line(problem["reason"], item.kind)
    oversized = problems[corpus.url(broken(corpus, "oversized"))]
    assert oversized["stage"] == "fetch" and "larger than" in oversized["reason"]
    assert "Child T" in (oversized["link_text"] or "")
    for item in corpus.good:
        assert corpus.url(item) not in problems
