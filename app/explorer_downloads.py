"""Briefing downloads: a thematic briefing or a review's 7-minute briefing, made on request.

The file is written to a temporary directory by the same code as ``scr brief`` and served from
memory; nothing outside the store and the catalogue is ever read for a download.
"""

from __future__ import annotations

import mimetypes
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import streamlit as st

from app.explorer_data import data_dir
from app.pipeline import blob_store, open_catalogue
from ingest.errors import AtlasError

MIME = {"pdf": "application/pdf", "html": "text/html", "md": "text/markdown",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "html": "HTML", "md": "Markdown"}


def briefing_bytes(kind: str, subject: str, fmt: str, region: str | None = None) -> bytes:
    """A thematic briefing (kind "theme"; of one region's reviews when ``region`` is given) or
    a review's 7-minute briefing ("review")."""
    from analysis.briefing import write_briefing
    from analysis.render import write
    from analysis.review_brief import compose_review_brief

    with tempfile.TemporaryDirectory() as tmp, open_catalogue(data_dir()) as cat:
        out = Path(tmp) / f"briefing.{fmt}"
        if kind == "theme":
            write_briefing(cat, subject, fmt, out, **({"region": region} if region else {}))
        else:
            write(compose_review_brief(cat, subject), fmt, out)
        return out.read_bytes()


def download(kind: str, subject: str, label: str, key: str, region: str | None = None) -> None:
    """Format choice, a button that prepares the file, and the download button."""
    fmt = st.selectbox("Format", list(MIME), key=f"{key}-format", format_func=FORMAT_NAMES.get)
    wanted = (subject, fmt, region)
    if st.button(f"Prepare the {label}", key=f"{key}-make"):
        try:
            with st.spinner(f"Writing the {label}\u2026"):
                st.session_state[key] = (*wanted, briefing_bytes(kind, subject, fmt, region))
        except AtlasError as exc:
            st.error(str(exc))
    made = st.session_state.get(key)
    if made and made[:3] == wanted:
        where = f"-{re.sub(r'[^a-z0-9]+', '-', region.lower()).strip('-')}" if region else ""
        st.download_button(f"Download the {label} ({FORMAT_NAMES[fmt]})", data=made[3],
                           file_name=f"{subject.replace('/', '-')}{where}-briefing.{fmt}",
                           mime=MIME[fmt], key=f"{key}-download")


@st.cache_data(max_entries=4, show_spinner=False)
def cached_archived_copy(data: str, sha256: str | None) -> bytes | None:
    """``archived_copy``, kept for the last few documents, so turning a page does not read
    the whole file again."""
    return archived_copy(Path(data), sha256)


def archived_copy(data: Path, sha256: str | None) -> bytes | None:
    """The stored bytes of a document, or None. Only a well-formed digest is looked up, so
    nothing outside the store can be served."""
    if not sha256 or not re.fullmatch(r"[0-9a-f]{64}", sha256):
        return None
    store = blob_store(data)
    return store.get(sha256) if store.has(sha256) else None


def archived_name(r: dict) -> str:
    """A file name for a document's archived copy: its URL's file name, else its id."""
    name = Path(unquote(urlparse(r.get("url") or "").path)).name
    name = re.sub(r"[^\w.-]+", "_", name).strip("._")
    if not name or "." not in name:
        ext = mimetypes.guess_extension((r.get("content_type") or "").split(";")[0]) or ""
        name = f"{name or r['id']}{ext}"
    return name
