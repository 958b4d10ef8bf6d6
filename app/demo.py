"""`scr demo`: the sample web on loopback -> build -> the explorer, in one command.

The sample web is generated (deterministically, once) into DATA/sample-web, served on
loopback ports for as long as the demo runs (so the explorer's source links work), crawled
politely but quickly (a short per-host delay), and built into DATA.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app import pipeline
from app.evaluate import record_sample_web
from ingest.settings import Settings

DEMO_DELAY = 0.02  # seconds between two requests to one loopback host
SAMPLE_BASE_PORT = 8710  # the sample web's hosts on 8710, 8711, ...: stable URLs across runs


def _progress(stage: str, message: str) -> None:
    print(f"[{stage}] {message}", file=sys.stderr, flush=True)


def run_demo(data: Path, port: int = 8501, open_app: bool = True, small: bool = False) -> int:
    from sampleweb.generate import ensure
    from sampleweb.loopback import LoopbackOnlyTransport
    from sampleweb.serve import SampleWeb

    data = Path(data)
    root = data / "sample-web"
    started = time.monotonic()
    _progress("demo", f"generating the sample web in {root} (once)")
    manifest = ensure(root, small=small)
    reviews = sum(1 for d in manifest["documents"] if d["is_review"])
    _progress("demo", f"{len(manifest['hosts'])} hosts, {len(manifest['documents'])} documents "
                      f"({reviews} case-review documents)")
    with SampleWeb(root, base_port=SAMPLE_BASE_PORT) as web:
        sources = data / "sample-sources.toml"
        web.write_sources(sources)
        record_sample_web(data, root, web.base_urls)
        settings = Settings.from_env().with_overrides(data=data, delay=DEMO_DELAY)
        result = pipeline.build(data, sources, settings, _progress,
                                transport=LoopbackOnlyTransport())
        for stage, counts in result.items():
            done = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            print(f"{stage}: {done or 'nothing new'}")
        print(f"built {data} in {time.monotonic() - started:.0f}s")
        if not open_app:
            return 0
        from app.launch import run_explorer

        return run_explorer(data, port=port)
