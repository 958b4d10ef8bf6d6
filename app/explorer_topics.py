"""The explorer's Topics view (being built)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st


def topics_view(data: Path, reports: list[dict]) -> None:
    st.header("Topics")
