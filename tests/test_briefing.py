"""Thematic briefings on the sample web: verbatim quotations, honest counts, four formats."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from analysis.briefing import compose, shorten
from analysis.docmodel import Chart, Table
from analysis.queries import case_records
from app.cli import main
from app.pipeline import open_catalogue
from ingest.errors import AtlasError
from tests.conftest import Build

SECTIONS = ["About this briefing", "The reviews", "Over time",
            "Risk factors and issues alongside it", "What the reviews say",
            "Learning for practice", "Case reviews referenced"]


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_shorten_keeps_a_verbatim_prefix() -> None:
    text = "This first sentence is long enough to keep whole. " + "word " * 100
    assert shorten(text, 60) == "This first sentence is long enough to keep whole."
    assert shorten("Short. " + "word " * 100, 60).endswith("word \u2026")  # too short to end on
    long_one = "a" * 5 + " bb" * 200
    out = shorten(long_one, 50)
    assert out.endswith(" \u2026") and long_one.startswith(out.removesuffix(" \u2026"))
    assert len(out) <= 52


def test_every_quotation_is_verbatim_on_its_page(full_build: Build) -> None:
    with open_catalogue(full_build.data) as cat:
        doc = compose(cat, "domestic_abuse")
        assert [s.heading for s in doc.sections] == SECTIONS
        about = " ".join(b.text for b in doc.section("About this briefing").blocks)
        assert "never trained on, found this theme in" in about
        quotes = doc.quotes()
        assert len(quotes) >= 5
        for q in quotes:
            page_text = cat.page_text(q.doc_id, q.page or 1)
            shown = q.text.removesuffix(" \u2026")
            # the page's line breaks are layout: compare with whitespace collapsed
            assert _squash(shown) in _squash(page_text), (q.source, q.text)
            assert len(q.text) <= 302


def test_counts_agree_with_scr_themes_and_every_review_carries_the_theme(
        full_build: Build, capsys: pytest.CaptureFixture[str]) -> None:
    with open_catalogue(full_build.data) as cat:
        doc = compose(cat, "domestic_abuse")
        cases = [c for c in case_records(cat) if "domestic_abuse" in c["themes"]]
    listed = {d["id"] for c in case_records_all(full_build) for d in c["documents"]}
    assert main(["themes", "--json", "--data", str(full_build.data)]) == 0
    tags = json.loads(capsys.readouterr().out)["tags"]
    tagged = {d for d, ts in tags.items() if d in listed
              and any(t["theme"] == "domestic_abuse" for t in ts)}
    assert doc.scope.startswith(f"{len(cases)} of the ")
    assert f"; {len(tagged)} of their documents are tagged with it." in doc.scope
    # the sample's case whose only report is encrypted is left out of the denominator
    read = sum(1 for c in case_records_all(full_build) if c["tagged"])
    assert f" of the {read} case reviews" in doc.scope
    assert doc.scope.endswith("1 more case review could not be read by the theme tagger (no "
                              "text extracted, or in Welsh) and is left out.")
    table = next(b for b in doc.section("Case reviews referenced").blocks
                 if isinstance(b, Table))
    referenced = {row[5] for row in table.rows}
    assert referenced == {d["url"] for c in cases for d in c["documents"]}
    chart = next(b for b in doc.section("Over time").blocks if isinstance(b, Chart))
    assert sum(chart.values) == sum(1 for c in cases if c["year"])


def case_records_all(build: Build) -> list[dict]:
    with open_catalogue(build.data) as cat:
        return case_records(cat)


def test_combination_and_selection_narrow_the_reviews(full_build: Build) -> None:
    with open_catalogue(full_build.data) as cat:
        one = compose(cat, "domestic_abuse")
        both = compose(cat, ["domestic_abuse", "parental_mental_health"])
        recent = compose(cat, "domestic_abuse", years=(2020, None), outcome="death")
        with pytest.raises(AtlasError):
            compose(cat, "no_such_theme")
    count = lambda d: int(re.match(r"(\d+) of", d.scope)[1])  # noqa: E731
    assert count(both) <= count(one) and count(recent) <= count(one)
    assert "Parental mental ill health" in both.title
    assert "published from 2020" in recent.scope and "outcome death" in recent.scope


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_each_format_holds_the_same_sections(full_build: Build, tmp_path: Path,
                                             fmt: str) -> None:
    out = tmp_path / f"brief.{fmt}"
    started = time.monotonic()
    assert main(["brief", "domestic_abuse", "--format", fmt, "--output", str(out),
                 "--data", str(full_build.data)]) == 0
    assert time.monotonic() - started < 60  # the acceptance is 10 s; this only catches hangs
    if fmt == "md":
        text = out.read_text()
    elif fmt == "html":
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(out.read_text(), "lxml")
        assert soup.find("svg") is not None  # the charts are embedded
        text = soup.get_text(" ")
    elif fmt == "docx":
        import docx

        document = docx.Document(str(out))
        assert document.inline_shapes  # the charts are pictures
        text = "\n".join(p.text for p in document.paragraphs)
    else:
        from pdfminer.high_level import extract_text

        text = extract_text(str(out))
    for heading in SECTIONS:
        assert heading in text, heading
    assert "Learning from case reviews: Domestic abuse" in text


def test_scr_brief_review_writes_a_seven_minute_briefing(full_build: Build,
                                                         tmp_path: Path) -> None:
    with open_catalogue(full_build.data) as cat:
        doc_id = next(r["id"] for r in cat.reports() if r["doc_type"] == "full_report"
                      and r["status"] == "ok")
    out = tmp_path / "seven.md"
    assert main(["brief", "--review", doc_id, "--format", "md", "--output", str(out),
                 "--data", str(full_build.data)]) == 0
    text = out.read_text()
    for heading in ("Background", "What happened", "Key findings", "Recommendations",
                    "Questions for practice"):
        assert f"## {heading}" in text
    assert main(["brief", "--data", str(full_build.data), "--output", str(out)]) == 2


def test_learning_areas() -> None:
    from analysis.briefing import learning_area

    assert learning_area("Agencies should ensure the child is seen alone and their wishes "
                         "and feelings recorded.") == "Hearing the child"
    assert learning_area("Health visitors should routinely ask about fathers.") == \
        "Working with families"
    assert learning_area("Partner agencies should review caseloads and supervision.") == \
        "Workforce, supervision and organisational change"
    assert learning_area("The board should write a newsletter.") == "Other learning"
