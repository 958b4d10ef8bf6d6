"""Good and broken documents for a fictional board website, made in memory for the tests.

Good documents read like case reviews: a PDF made with fpdf2 (title, "Published: ..." line and a
few paragraphs with one phrase unique to each), a DOCX made with python-docx, an HTML report
page. Broken ones are the kinds the real web serves: empty, truncated, password-protected,
image-only, an HTML error page passed off as a PDF, random bytes, a damaged DOCX archive, a PDF
with its cross-reference table and trailer destroyed, a PDF whose content stream is so long
that extraction runs out of time, and a file over the download size cap.
"""

from __future__ import annotations

import io
import random
import zlib

from docx import Document
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw, ImageFont

NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

SENTENCES = (
    "Agencies had been in contact with the family for several years before the incident.",
    "Health visitors recorded concerns about the home conditions on four occasions.",
    "The police attended three reports of domestic abuse at the address.",
    "The school noticed that attendance fell sharply during the autumn term.",
    "Children's social care closed the referral after a single home visit.",
    "The general practitioner was not invited to the strategy discussion.",
    "Mother had a history of depression and had stopped taking her medication.",
    "Father's previous convictions for violence were known to probation but not shared.",
    "Practitioners accepted explanations for bruising without seeking a medical opinion.",
    "The housing provider moved the family into temporary accommodation twice.",
    "Substance misuse services lost contact with father when he missed appointments.",
    "A paediatric assessment identified faltering growth that was not followed up.",
    "The nursery reported that the toddler was often hungry and unwashed.",
    "Workers found it difficult to gain access to the flat and visits were cancelled.",
    "Midwifery records noted late booking and poor engagement with antenatal care.",
    "The emergency department did not check whether the child was subject to a plan.",
    "Grandparents told professionals that they were worried but were not listened to.",
    "Supervision of the allocated social worker did not challenge the drift in the case.",
    "The child protection plan was ended although the risks had not reduced.",
    "Interpreters were not used when speaking with the mother about the concerns.",
)


def review_paragraphs(child: str, phrase: str) -> list[str]:
    """The body of a fictional review about ``child``; ``phrase`` appears in it verbatim.

    Sentences are drawn per child, so the reviews differ as real ones do.
    """
    rng = random.Random(child)
    picked = rng.sample(SENTENCES, 12)
    return [
        f"This review was commissioned by the Safeguarding Children Partnership after {child} "
        f"was admitted to hospital with serious injuries. " + " ".join(picked[:3]),
        f"Terms of reference. The review considered the period from the birth of {child} until "
        "the incident. " + " ".join(picked[3:6]),
        f"Key findings. {phrase[:1].upper()}{phrase[1:]}. " + " ".join(picked[6:9]),
        "Recommendations. The partnership should seek assurance that practitioners understand "
        "the threshold for referral. " + " ".join(picked[9:12]),
    ]


def review_pdf(child: str, phrase: str, published: str = "March 2019", *,
               compress: bool = True) -> bytes:
    """A two-page text PDF: "Serious Case Review: {child}", "Published: ...", paragraphs."""
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(f"Serious Case Review: {child}")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("helvetica", "B", size=18)
    pdf.multi_cell(170, 10, f"Serious Case Review: {child}", **NEXT_LINE)
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(170, 8, f"Published: {published}", **NEXT_LINE)
    pdf.ln(6)
    body = review_paragraphs(child, phrase)
    for paragraph in body[:2]:
        pdf.multi_cell(170, 6, paragraph, **NEXT_LINE)
        pdf.ln(4)
    pdf.add_page()
    for paragraph in body[2:]:
        pdf.multi_cell(170, 6, paragraph, **NEXT_LINE)
        pdf.ln(4)
    return bytes(pdf.output())


def review_docx(child: str, phrase: str, published: str = "June 2020") -> bytes:
    """A DOCX review with a heading, the publication line and paragraphs."""
    doc = Document()
    doc.core_properties.title = f"Serious Case Review: {child}"
    doc.add_heading(f"Serious Case Review: {child}", level=1)
    doc.add_paragraph(f"Published: {published}")
    for paragraph in review_paragraphs(child, phrase):
        doc.add_paragraph(paragraph)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def review_html(child: str, phrase: str, published: str = "4 November 2021") -> bytes:
    """A review published as a web page (long enough not to read as a short notice)."""
    paragraphs = [*review_paragraphs(child, phrase), "Background. " + " ".join(SENTENCES[::2])]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html>\n<html><head><title>Serious Case Review: {child}</title></head>"
            f"<body><nav><a href='/'>Home</a></nav><main><article>"
            f"<h1>Serious Case Review: {child}</h1><p>Published: {published}</p>\n{body}"
            f"</article></main><footer>Copyright Brokenshire Partnership</footer></body>"
            f"</html>\n").encode()


def listing_page(title: str, links: list[tuple[str, str]]) -> bytes:
    """The board's listing page: a heading and one list item per ``(href, text)``."""
    items = "\n".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (f"<!doctype html>\n<html><head><title>{title}</title></head><body><main>"
            f"<h1>{title}</h1>\n<p>Reviews published by the partnership.</p>\n<ul>\n{items}\n"
            f"</ul></main></body></html>\n").encode()


# -- broken ----------------------------------------------------------------------------------
def truncated(data: bytes) -> bytes:
    """The first half of ``data``: a download cut off mid-way."""
    return data[: len(data) // 2]


def encrypted_pdf(child: str, user_password: str = "s3cret") -> bytes:
    """A text PDF that opens only with a user password."""
    pdf = FPDF(format="A4")
    pdf.set_encryption(owner_password="owner-" + user_password, user_password=user_password)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(170, 6, "\n".join([f"Serious Case Review: {child}", "Published: May 2018",
                                      *review_paragraphs(child, "locked away")]), **NEXT_LINE)
    return bytes(pdf.output())


def image_only_pdf(child: str) -> bytes:
    """A scanned-looking PDF: one page holding a picture of text and no text layer."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    lines = [f"Serious Case Review: {child}", "Published: July 2016", "",
             "The review found that the family", "moved house several times and",
             "agencies lost track of the children."]
    for i, line in enumerate(lines):
        draw.text((110, 150 + 70 * i), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(buffer, x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def html_error_page() -> bytes:
    """What a content-management system answers for a document it lost, with status 200."""
    return (b"<!DOCTYPE html>\n<html><head><title>Page not found</title></head><body>"
            b"<h1>Sorry, we cannot find that page</h1><p>The document you asked for may have "
            b"been moved or deleted.</p></body></html>\n")


def garbage(size: int = 4096, seed: int = 7) -> bytes:
    """Random bytes (no magic number of any known format)."""
    data = bytearray(random.Random(seed).randbytes(size))
    data[:8] = b"\x13\x37garb"
    return bytes(data)


def destroyed_pdf(good: bytes) -> bytes:
    """A PDF whose xref table and trailer are gone and whose objects are mangled.

    ``good`` should be uncompressed (``review_pdf(compress=False)``) so the mangling reaches
    the objects' keywords; only the header survives intact.
    """
    data = good
    cut = data.rfind(b"xref")
    data = data[:cut] if cut > 0 else data
    for old, new in ((b" obj", b" jbo"), (b"endobj", b"bojdne"), (b"stream", b"maerts"),
                     (b"/Type", b"/Tpye"), (b"<<", b"(("), (b">>", b"))")):
        data = data.replace(old, new)
    return data + b"\n%% trailer and xref lost\n"


def slow_pdf(repeats: int = 12_000_000) -> bytes:
    """A well-formed one-page PDF whose (compressed, tiny) content stream takes minutes to
    interpret: ``repeats`` save/restore operator pairs that pdfminer parses one by one."""
    content = zlib.compress(b"q Q\n" * repeats, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def oversized_pdf(good: bytes, size: int) -> bytes:
    """A valid PDF padded with a comment to ``size`` bytes (over the download cap)."""
    return good + b"\n%" + b"x" * max(0, size - len(good) - 2)


def png_image() -> bytes:
    """A small PNG (a scanned page served where a PDF was expected)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 200, 200)).save(buffer, format="PNG")
    return buffer.getvalue()
