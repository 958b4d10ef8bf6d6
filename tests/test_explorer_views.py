"""The explorer's views through Streamlit's AppTest, on the built sample web."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import Build

EXPLORER = str(Path(__file__).resolve().parents[1] / "app" / "explorer.py")


def app(data: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("SCR_DATA", str(data))
    at = AppTest.from_file(EXPLORER, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_missing_catalogue_is_a_clear_error(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(tmp_path, monkeypatch)
    assert not at.exception
    assert "No catalogue" in at.error[0].value


def test_search_shows_pages_and_highlights(full_build: Build,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(full_build.data, monkeypatch)
    at.text_input(key="q").input('"safe sleep" OR neglect').run()
    assert not at.exception
    text = markdown(at)
    assert "documents match" in text and "<mark>" in text
    captions = " ".join(c.value for c in at.caption)
    assert "p. " in captions and "Cite:" in captions


def test_malformed_query_warns_without_an_exception(full_build: Build,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(full_build.data, monkeypatch)
    at.text_input(key="q").input('"domestic abuse').run()
    assert not at.exception
    assert any("unbalanced quote" in w.value for w in at.warning)


def test_report_and_themes_views(full_build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(full_build.data, monkeypatch)
    at.sidebar.radio(key="view").set_value("Report").run()
    assert not at.exception and "Report" in at.header[0].value
    at.sidebar.radio(key="view").set_value("Themes").run()
    assert not at.exception
    assert at.dataframe and "documents carry this theme" in markdown(at)


def test_report_text_is_escaped(full_build: Build, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(full_build.data, data)
    db = sqlite3.connect(data / "catalogue.sqlite")
    doc_id = db.execute("SELECT doc_id FROM metadata m JOIN extractions e USING (doc_id) "
                        "WHERE m.is_review = 1 AND e.status = 'ok' AND e.paged = 1").fetchone()[0]
    db.execute("UPDATE pages SET text = ? WHERE doc_id = ? AND page = 1",
               ("Before <script>alert(1)</script> after", doc_id))
    db.commit()
    db.close()
    at = app(data, monkeypatch, view="Report", doc=doc_id, page="1")
    assert not at.exception
    shown = markdown(at) + "".join(getattr(h, "value", "") for h in at.get("html"))
    assert "&lt;script&gt;" in shown and "<script>" not in shown
