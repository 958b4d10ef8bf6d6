"""Shared fixtures: the generated sample web, served on loopback and built once per session."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import pipeline
from app.evaluate import record_sample_web
from ingest.settings import Settings
from sampleweb.generate import ensure
from sampleweb.loopback import LoopbackOnlyTransport
from sampleweb.serve import SampleWeb

ROOT = Path(__file__).resolve().parents[1]
PDF_SAMPLES = ROOT.parent / "shared" / "pdf-samples"


@dataclass
class Build:
    data: Path
    sample: Path
    manifest: dict
    first: dict[str, Counter[str]]
    second: dict[str, Counter[str]]
    requests_second: int


def build_sample(tmp: Path, small: bool) -> Build:
    sample = tmp / "sample-web"
    manifest = ensure(sample, small=small)
    data = tmp / "data"
    with SampleWeb(sample) as web:
        sources = tmp / "sources.toml"
        web.write_sources(sources)
        record_sample_web(data, sample, web.base_urls)
        settings = Settings(data=data, delay=0.0, extract_timeout=60)
        first = pipeline.build(data, sources, settings, transport=LoopbackOnlyTransport())
        served_before = len(web.request_log)
        second = pipeline.build(data, sources, settings, transport=LoopbackOnlyTransport())
        requests_second = len(web.request_log) - served_before
    return Build(data, sample, manifest, first, second, requests_second)


@pytest.fixture(scope="session")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The whole sample web, crawled and built twice (about half a minute)."""
    return build_sample(tmp_path_factory.mktemp("full"), small=False)


def copy_build(build: Build, where: Path) -> Path:
    """A writable copy of a build's data directory, as ``where/data``."""
    data = where / "data"
    shutil.copytree(build.data, data)
    return data


@pytest.fixture()
def data_env(full_build: Build, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SCR_DATA", str(full_build.data))
    yield full_build.data
