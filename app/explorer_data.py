"""The explorer's reads of the catalogue, cached per data directory (``st.cache_data``).

Every view reads through these (and through the same functions as the CLI), so a page that
shows a table of a thousand reviews does not reopen the catalogue on every click. Entries
expire after a minute, so a build running beside the explorer shows up without a restart.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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


def data_dir() -> Path:
    """The data directory the explorer serves (``SCR_DATA``, set by ``scr app --data``)."""
    return Path(os.environ.get("SCR_DATA", "scr-data"))


@st.cache_data(ttl=TTL, show_spinner=False)
def reports(data: str) -> list[dict[str, Any]]:
    with open_catalogue(Path(data)) as cat:
        return report_records(cat)


@st.cache_data(ttl=TTL, show_spinner=False)
def themes(data: str) -> dict[str, Any]:
    with open_catalogue(Path(data)) as cat:
        return theme_summary(cat)


@st.cache_data(ttl=TTL, show_spinner=False)
def cases(data: str) -> list[dict[str, Any]]:
    with open_catalogue(Path(data)) as cat:
        return case_records(cat)


@st.cache_data(ttl=TTL, show_spinner=False)
def recommendations(data: str) -> list[dict[str, Any]]:
    """Every listed report's numbered recommendations."""
    with open_catalogue(Path(data)) as cat:
        return recommendation_records(cat)


@st.cache_data(ttl=TTL, show_spinner=False)
def topics(data: str) -> dict[str, Any]:
    with open_catalogue(Path(data)) as cat:
        return topic_model(cat)


@st.cache_data(ttl=TTL, show_spinner=False)
def sources(data: str) -> list[dict[str, Any]]:
    """The sources crawled, with their last crawl time."""
    with open_catalogue(Path(data)) as cat:
        return cat.sources()


@st.cache_data(ttl=TTL, show_spinner=False)
def problems(data: str) -> list[dict[str, Any]]:
    """Failed fetches and documents not extracted, each with its reason."""
    with open_catalogue(Path(data)) as cat:
        return problem_records(cat)
