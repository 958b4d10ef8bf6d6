"""Documented defaults, and the override order: defaults < environment < CLI flags.

Every tunable of a run lives in :class:`Settings`. ``Settings.from_env()`` applies ``SCR_*``
environment variables over the defaults; the CLI then replaces fields with any flags given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

CONTACT_URL = "https://github.com/scr-atlas/scr-atlas"
USER_AGENT = f"SCR-Atlas/0.1 (+{CONTACT_URL}; case-review research crawler)"


@dataclass(frozen=True)
class Settings:
    """Run settings. Environment variable names are ``SCR_`` + the upper-cased field name."""

    data: Path = Path("scr-data")  # the data directory (SCR_DATA)
    user_agent: str = USER_AGENT
    delay: float = 1.0  # seconds between requests to one host (a larger Crawl-delay wins)
    timeout: float = 30.0  # seconds for connect/read of one request
    retries: int = 3  # extra attempts on 429, 5xx and connection errors
    backoff: float = 1.0  # first back-off in seconds, doubled each retry, with jitter
    max_retry_after: float = 120.0  # longest Retry-After we will wait; longer gives up for the run
    max_bytes: int = 80 * 1024 * 1024  # download size cap
    max_redirects: int = 5
    max_depth: int = 4  # link hops from a seed, for HTML pages
    max_pages_per_source: int = 2000  # HTML pages fetched per source in one run
    host_workers: int = 32  # hosts crawled in parallel (bench/crawl.py: 32 reach the bound at 1 s)
    revisit_hours: float = 24.0  # HTML pages fetched more recently than this are not refetched
    revisit_document_days: float = 30.0  # stored documents are re-checked (conditionally) after
    extract_workers: int = 0  # 0: one per core
    extract_timeout: float = 120.0  # seconds per document
    extract_memory_mb: int = 2048
    # PDF text: "auto" (PDFium, and pdfminer.six for the pages PDFium cannot read well: several
    # columns, unmapped glyphs), "pdfminer" (the reference, every page) or "pdfium" (every page)
    pdf_engine: str = "auto"
    ocr: str = "auto"  # image-only PDFs: "auto" (OCR when tesseract is installed) or "off"
    ocr_max_pages: int = 200  # pages OCRed per document at most
    ocr_dpi: int = 200  # resolution pages are rendered at for OCR
    ocr_lang: str = "eng"  # tesseract's language(s), e.g. "eng+cym"
    search_backend: str = "tantivy"  # "tantivy" (DATA/index-tantivy/) or "whoosh" (DATA/index/)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Defaults overridden by ``SCR_*`` environment variables."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get("SCR_" + f.name.upper())
            if raw is None:
                continue
            default = getattr(cls, f.name)
            values[f.name] = type(default)(raw) if not isinstance(default, Path) else Path(raw)
        return replace(cls(), **values)

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with the given fields replaced; ``None`` values are ignored (flag not given)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given)
