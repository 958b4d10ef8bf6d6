"""The explorer's Collection view (being built)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st


def collection_view(data: Path, reports: list[dict]) -> None:
    st.header("Collection")
