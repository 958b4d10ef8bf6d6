"""Paragraph text and core properties of a DOCX file, with zipfile and lxml only.

Paragraphs (``w:p``) of ``word/document.xml`` are read in document order, including those in
tables and text boxes (a text box's paragraphs follow the paragraph that anchors it; the
``mc:Fallback`` copy of a text box is skipped); tabs become spaces, breaks become line
breaks. The parser resolves no entities and fetches nothing; oversized parts are refused.
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

from lxml import etree

from ingest.datetext import iso_date

logger = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
CORE_FIELDS = {  # docProps/core.xml element -> meta key
    "{http://purl.org/dc/elements/1.1/}title": "title",
    "{http://purl.org/dc/elements/1.1/}creator": "author",
    "{http://purl.org/dc/elements/1.1/}subject": "subject",
    "{http://purl.org/dc/terms/}created": "created",
    "{http://purl.org/dc/terms/}modified": "modified",
}
DATE_FIELDS = {"created", "modified"}
MAX_PART_BYTES = 256 * 1024 * 1024  # an uncompressed XML part larger than this is refused
DOCUMENT_PART = "word/document.xml"


class DocxError(ValueError):
    """The file is not a readable DOCX (no document part, oversized, malformed XML)."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           remove_comments=True, load_dtd=False)


def _read_part(archive: zipfile.ZipFile, name: str) -> etree._Element:
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise DocxError(f"{name} is {info.file_size} bytes uncompressed (limit {MAX_PART_BYTES})")
    try:
        return etree.fromstring(archive.read(name), _parser())
    except etree.XMLSyntaxError as exc:
        raise DocxError(f"malformed {name}: {exc}") from exc


def _owner(el: etree._Element) -> etree._Element | None:
    """The paragraph ``el`` belongs to; None inside an mc:Fallback (a duplicate rendering)."""
    parent = el.getparent()
    while parent is not None and parent.tag != f"{W}p":
        if parent.tag == FALLBACK:
            return None
        parent = parent.getparent()
    return parent


def _paragraph(p: etree._Element) -> str:
    out: list[str] = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
        if _owner(el) is not p:  # text of a text box nested in this paragraph, or a fallback
            continue
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}tab":
            out.append(" ")
        elif el.tag == f"{W}noBreakHyphen":
            out.append("-")
        else:
            out.append("\n")
    return "".join(out).strip()


def core_meta(archive: zipfile.ZipFile) -> dict[str, str]:
    """Title, author, subject and ISO created/modified dates from ``docProps/core.xml``."""
    if "docProps/core.xml" not in archive.namelist():
        return {}
    meta: dict[str, str] = {}
    try:
        root = _read_part(archive, "docProps/core.xml")
    except DocxError as exc:
        logger.debug("DOCX core properties unreadable: %s", exc)
        return meta
    for el in root:
        key = CORE_FIELDS.get(el.tag)
        text = " ".join((el.text or "").split())
        if key and text:
            value = iso_date(text) if key in DATE_FIELDS else text[:1000]
            if value:
                meta[key] = value
    return meta


def docx_text(data: bytes) -> tuple[str, dict[str, Any]]:
    """Paragraph text of the DOCX in ``data`` (blank line between paragraphs) and its meta."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocxError(f"not a zip archive: {exc}") from exc
    with archive:
        if DOCUMENT_PART not in archive.namelist():
            raise DocxError(f"no {DOCUMENT_PART} in the archive")
        root = _read_part(archive, DOCUMENT_PART)
        meta = core_meta(archive)
    paragraphs = [_paragraph(p) for p in root.iter(f"{W}p")]
    return "\n\n".join(p for p in paragraphs if p), meta
