"""Command line: ``python -m sampleweb generate OUT [--seed N] [--small]`` writes the sample
web; ``python -m sampleweb serve OUT [--sources FILE]`` serves it until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path

from sampleweb.generate import ensure, generate
from sampleweb.serve import SampleWeb

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sampleweb",
                                     description="Generate or serve the fictional sample web.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write the sample web to OUT")
    gen.add_argument("out", type=Path)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--small", action="store_true", help="3 boards, about 20 reviews")
    srv = sub.add_parser("serve", help="serve OUT on loopback until Ctrl-C")
    srv.add_argument("out", type=Path)
    srv.add_argument("--sources", type=Path, help="also write a TOML sources file here")
    srv.add_argument("--small", action="store_true",
                     help="generate the small web first if OUT holds nothing yet")
    return parser


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "generate":
        started = time.perf_counter()
        manifest = generate(args.out, seed=args.seed, small=args.small)
        reviews = sum(1 for d in manifest["documents"] if d["is_review"])
        print(f"wrote {len(manifest['documents'])} documents ({reviews} reviews) "
              f"to {args.out} in {time.perf_counter() - started:.1f}s")
        return 0
    if not (args.out / "manifest.json").exists():
        ensure(args.out, small=args.small)
    signal.signal(signal.SIGTERM, _interrupt)
    with SampleWeb(args.out) as web:
        for key, url in sorted(web.base_urls.items()):
            print(f"{key:14} {url}")
        if args.sources:
            web.write_sources(args.sources)
            print(f"sources written to {args.sources}")
        print("serving; press Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopping")
    return 0


if __name__ == "__main__":
    sys.exit(main())
