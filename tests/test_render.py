"""The four renderers on awkward content: ragged tables, newlines, pipes, empty sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.docmodel import Bullets, Chart, Doc, Paragraph, Quote, Section, Table
from analysis.render import FORMATS, render_markdown, write
from ingest.errors import AtlasError

DOC = Doc(title="Learning from case reviews: Ünïcode & <tags>", scope="A scope.", sections=[
    Section("Empty"),
    Section("Table", [Table(["a | b", "c", "d"], [["1", "2"], ["x\ny", "z", "w", "extra"]])]),
    Section("Mixed", [Paragraph("Plain."), Bullets(["one", "two"]),
                      Quote("A verbatim\nquotation.", "Board, Child, 2020, full report, p. 3",
                            url="https://example.org/r.pdf", doc_id="d", page=3),
                      Chart("Chart", ["2019", "2020"], [1, 2])]),
])


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_awkward_content(tmp_path: Path, fmt: str) -> None:
    out = write(DOC, fmt, tmp_path / f"doc.{fmt}")
    assert out.stat().st_size > 0


def test_markdown_tables_stay_tables() -> None:
    md = render_markdown(DOC)
    assert "| a \\| b | c | d |" in md
    assert "| 1 | 2 |  |" in md and "| x y | z | w |" in md  # padded, cut, one line
    assert "> A verbatim quotation." in md


def test_unknown_format_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(AtlasError, match="unknown format"):
        write(DOC, "rtf", tmp_path / "x.rtf")
