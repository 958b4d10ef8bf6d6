"""The explorer's Trends view (being built)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st


def trends_view(data: Path, reports: list[dict]) -> None:
    st.header("Trends")
