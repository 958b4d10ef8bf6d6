"""The explorer's reads of the catalogue, cached per data directory (``st.cache_data``).

Every view reads through these (and through the same functions as the CLI), so a page that
shows a table of a thousand reviews does not reopen the catalogue on every click. Entries
expire after a minute, so a build running beside the explorer shows up without a restart.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from analysis.queries import (
    case_records,
    problem_records,
    recommendation_records,
    report_records,
    theme_summary,
    topic_model,
)
from app.pipeline import open_catalogue

TTL = 60
T = TypeVar("T")


def data_dir() -> Path:
    """The data directory the explorer serves (``SCR_DATA``, set by ``scr app --data``)."""
    return Path(os.environ.get("SCR_DATA", "scr-data"))


def _read(data: str, reader: Callable[[Any], T]) -> T:
    """``reader(catalogue)`` on the catalogue of ``data``, opened for this read only."""
    with open_catalogue(Path(data)) as cat:
        return reader(cat)


@st.cache_data(ttl=TTL, show_spinner=False)
def reports(data: str) -> list[dict[str, Any]]:
    return _read(data, report_records)


@st.cache_data(ttl=TTL, show_spinner=False)
def themes(data: str) -> dict[str, Any]:
    return _read(data, theme_summary)


@st.cache_data(ttl=TTL, show_spinner=False)
def cases(data: str) -> list[dict[str, Any]]:
    return _read(data, case_records)


@st.cache_data(ttl=TTL, show_spinner=False)
def recommendations(data: str) -> list[dict[str, Any]]:
    """Every listed report's numbered recommendations."""
    return _read(data, recommendation_records)


@st.cache_data(ttl=TTL, show_spinner=False)
def topics(data: str) -> dict[str, Any]:
    return _read(data, topic_model)


@st.cache_data(ttl=TTL, show_spinner=False)
def sources(data: str) -> list[dict[str, Any]]:
    """The sources crawled, with their last crawl time."""
    return _read(data, lambda cat: cat.sources())


@st.cache_data(ttl=TTL, show_spinner=False)
def problems(data: str) -> list[dict[str, Any]]:
    """Failed fetches and documents not extracted, each with its reason."""
    return _read(data, problem_records)
