"""`scr sources`: list the source registry, check it, and count its sources by nation.

    scr sources [--sources FILE] [--json] [--nation N]

Text output: one line per source on stdout (nation, region, verified, name, seed URL), then
the validation problems (one line each) and a summary by nation on stderr. ``--json`` prints
one object ``{"sources": [...], "problems": [...], "summary": {...}}`` on stdout. ``--nation``
narrows the listing and the summary; problems are always those of the whole file.

Exit code: 0 when the file is valid, 1 when it has problems, 2 when it cannot be read at all.

Wired into the CLI by ``add_sources_parser(sub)`` in ``app/cli.py``. This module imports
nothing heavy at start-up (the registry code is imported when the command runs).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

DEFAULT_SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources.toml"


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _rows(entries: list[Any]) -> list[dict[str, Any]]:
    """One record per table entry, read leniently so that a file with problems still lists."""
    rows = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            continue
        seeds: list[Any] = [entry.get("url")] + list(
            entry.get("urls") if isinstance(entry.get("urls"), list) else [])
        urls = [u for u in seeds if isinstance(u, str) and u.strip()]
        las = entry.get("local_authorities")
        rows.append({
            "name": _text(entry.get("name")) or f"(source #{i} without a name)",
            "nation": _text(entry.get("nation")),
            "region": _text(entry.get("region")),
            "url": urls[0] if urls else None,
            "urls": urls,
            "local_authorities": [x for x in las if isinstance(x, str)]
            if isinstance(las, list) else [],
            "verified": entry.get("verified") is True,
            "predecessor": _text(entry.get("predecessor")),
            "note": _text(entry.get("note")),
        })
    return rows


def _summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = Counter(r["nation"] or "(no nation)" for r in rows)
    return dict(sorted(counts.items()))


def cmd_sources(args: argparse.Namespace) -> int:
    """List, check and count the sources of a registry file; see the module docstring."""
    from ingest.errors import ConfigError
    from ingest.sources import read_entries, validate_sources

    path = Path(getattr(args, "sources", None) or DEFAULT_SOURCES)
    try:
        entries = read_entries(path)
        problems = validate_sources(path)
    except ConfigError as exc:
        _err(f"scr: {exc}")
        return 2
    rows = _rows(entries)
    nation = getattr(args, "nation", None)
    if nation:
        rows = [r for r in rows if (r["nation"] or "").casefold() == nation.strip().casefold()]
    summary = _summary(rows)

    if getattr(args, "json", False):
        json.dump({"file": str(path), "sources": rows, "problems": problems,
                   "summary": summary}, sys.stdout, indent=1, ensure_ascii=False)
        _out()
        return 1 if problems else 0

    for r in rows:
        checked = "verified" if r["verified"] else "unverified"
        _out(f"{r['nation'] or '-':16} {r['region'] or '-':26} {checked:10}  {r['name']}  "
             f"{r['url'] or '-'}")
    for p in problems:
        _err(f"problem: {p}")
    by_nation = ", ".join(f"{k} {v}" for k, v in summary.items()) or "none"
    verdict = f"{len(problems)} problems" if problems else "no problems"
    _err(f"{len(rows)} sources ({by_nation}); {verdict} in {path}")
    return 1 if problems else 0


def add_sources_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``sources`` command to the CLI's subparsers (``build_parser``'s ``sub``)."""
    help_text = "list and check the source registry (boards, seeds, regions)"
    p = sub.add_parser("sources", help=help_text, description=help_text)
    p.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                   help="sources TOML file (default: the registry shipped in data/)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--nation", help="only this nation: England, Wales, Scotland, "
                                    "Northern Ireland or UK")
    p.set_defaults(func=cmd_sources)
    return p
