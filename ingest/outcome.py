"""The outcome of extracting one document: :class:`Extraction`, its statuses and reasons.

Shared by :mod:`ingest.extract` (dispatch and worker pool) and :mod:`ingest.pdfextract` (the
PDF engines and OCR); see :mod:`ingest.extract` for what each status means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pdfminer.psexceptions import PSEOF

from ingest.textclean import one_line

STATUSES = ("ok", "needs_ocr", "encrypted", "failed")
MIN_CHARS_PER_PAGE = 40
ENCRYPTED_REASON = "encrypted: password required"


@dataclass(frozen=True)
class Extraction:
    """The outcome of extracting one document (see the module docstring for ``status``).

    ``meta`` is what the document says about itself (JSON-serialisable); treat it as read-only.
    """

    status: str
    reason: str
    pages: tuple[str, ...]
    paged: bool
    meta: dict[str, Any]

    @property
    def text(self) -> str:
        """All pages, separated by blank lines."""
        return "\n\n".join(self.pages)


Extractor = Callable[[bytes, "str | None", "str | None"], Extraction]


def failed(reason: str, paged: bool = False, **meta: Any) -> Extraction:
    """A failed extraction with a one-line ``reason``."""
    return Extraction("failed", one_line(reason), (), paged, dict(meta))


def cause(exc: BaseException) -> str:
    """A one-line cause for a library exception raised by hostile input."""
    if isinstance(exc, PSEOF):
        return "unexpected end of file (truncated?)"
    message = one_line(str(exc), 200)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
