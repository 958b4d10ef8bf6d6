"""What kind of document a blob of bytes is: magic bytes first, then content type, then URL.

Servers mislabel documents (an HTML error page served as ``application/pdf``, a PDF served as
``application/octet-stream`` from a URL without an extension), so the bytes decide when they can:
``%PDF-`` within the first 1024 bytes, a zip archive holding ``word/document.xml``, an HTML
doctype or ``<html`` tag, or a known non-text format (images, legacy Office, archives).
"""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlsplit

PDF_MAGIC = b"%PDF-"
BINARY_MAGIC = (  # formats we do not extract, with the media type named in "unsupported" reasons
    (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
    (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"), (b"BM", "image/bmp"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"), (b"{\\rtf", "application/rtf"),
    (b"\x1f\x8b", "application/gzip"), (b"%!PS", "application/postscript"),
    (b"Rar!", "application/vnd.rar"), (b"7z\xbc\xaf", "application/x-7z-compressed"),
)
MEDIA_TYPES = {
    "application/pdf": "pdf", "application/x-pdf": "pdf", "application/acrobat": "pdf",
    "text/html": "html", "application/xhtml+xml": "html",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "text",
}
EXTENSIONS = {".pdf": "pdf", ".htm": "html", ".html": "html", ".xhtml": "html",
              ".docx": "docx", ".txt": "text"}
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


def media_type(content_type: str | None) -> str | None:
    """"text/html" from "Text/HTML; charset=utf-8"; None when empty."""
    return (content_type or "").split(";")[0].strip().lower() or None


def magic_type(data: bytes) -> str | None:
    """The media type of a known non-extractable format recognised by its first bytes."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((name for magic, name in BINARY_MAGIC if data.startswith(magic)), None)


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None  # a damaged archive: let the content type or URL decide
    return "docx" if "word/document.xml" in names else "unknown"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            return False
    return True


def sniff(data: bytes, content_type: str | None, url: str | None) -> str:
    """Return "pdf", "html", "docx", "text" or "unknown" for a document's bytes."""
    if data.find(PDF_MAGIC, 0, 1024 + len(PDF_MAGIC)) >= 0:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind:
            return kind
    elif magic_type(data):
        return "unknown"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_STARTS) or (head.startswith((b"<?xml", b"<!--")) and b"<html" in head):
        return "html"
    by_type = MEDIA_TYPES.get(media_type(content_type) or "")
    if by_type:
        return by_type
    path = urlsplit(url or "").path.lower()
    suffix = path[path.rfind("."):] if "." in path.rsplit("/", 1)[-1] else ""
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if content_type is None and data and _looks_like_text(data[:4096]):
        return "html" if head.startswith(b"<") and b"<p" in data[:65536].lower() else "text"
    return "unknown"
