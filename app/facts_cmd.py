"""`scr cases`, `scr recommendations`, `scr failures`: cases, recommendations, problems.

    scr cases [--json]                         one line (or object) per case, newest first
    scr recommendations [--contains TEXT] [--json]
                                               numbered recommendations with their pages
    scr failures [--json]                      failed fetches and extractions, with reasons

Wired into the CLI by ``add_facts_parsers(add)`` in ``app/cli.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _age(months: int | None) -> str:
    if months is None:
        return "age ?"
    return f"{months} mo" if months < 24 else f"{months // 12} y"


def cmd_cases(args: argparse.Namespace) -> int:
    from analysis.queries import case_records
    from app.pipeline import open_catalogue

    with open_catalogue(args.data) as cat:
        cases = case_records(cat)
    if args.json:
        _out(json.dumps(cases, indent=1, ensure_ascii=False))
        return 0
    for c in cases:
        kinds = ", ".join(d["doc_type"].replace("_", " ") for d in c["documents"])
        _out(f"{c['year'] or '----'}  {c['review_type'] or '-':5} {c['board']}: "
             f"{c['child'] or '?'} ({_age(c['age_months'])}, {c['gender'] or '?'}, "
             f"{(c['outcome'] or '?').replace('_', ' ')})  [{kinds}]")
    n_docs = sum(len(c["documents"]) for c in cases)
    sys.stderr.write(f"{len(cases)} cases, {n_docs} documents\n")
    return 0


def cmd_recommendations(args: argparse.Namespace) -> int:
    from analysis.queries import recommendation_records
    from app.pipeline import open_catalogue

    with open_catalogue(args.data) as cat:
        recs = recommendation_records(cat, args.contains)
    if args.json:
        _out(json.dumps(recs, indent=1, ensure_ascii=False))
        return 0
    for r in recs:
        page = f"p.{r['page']}" if r["page"] else "html"
        _out(f"{r['board']}: {r['child'] or '?'} ({r['year'] or 'n.d.'}) {page} "
             f"[{r['number']}] {r['text']}")
    boards = Counter(r["board"] for r in recs)
    sys.stderr.write(f"{len(recs)} recommendations from {len({r['id'] for r in recs})} "
                     f"documents of {len(boards)} boards\n")
    return 0


def cmd_failures(args: argparse.Namespace) -> int:
    from analysis.queries import problem_records
    from app.pipeline import open_catalogue

    with open_catalogue(args.data) as cat:
        problems = problem_records(cat)
    if args.json:
        _out(json.dumps(problems, indent=1, ensure_ascii=False))
        return 0
    for p in problems:
        what = f" ({p['link_text']})" if p["link_text"] else ""
        _out(f"{p['stage']:7} {p['status']:9} {p['url']}{what}: {p['reason']}")
    counts = Counter(f"{p['stage']} {p['status']}" for p in problems)
    sys.stderr.write(f"{len(problems)} problems: "
                     + (", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "none")
                     + "\n")
    return 0


def add_facts_parsers(add: Callable[..., Any]) -> None:
    """Register the commands with the CLI's ``add(name, func, help, json_flag=...)``."""
    add("cases", cmd_cases, "reviews as cases: the documents of each review together",
        json_flag=True)
    p = add("recommendations", cmd_recommendations,
            "the numbered recommendations of every report, with pages", json_flag=True)
    p.add_argument("--contains", help="only recommendations with this phrase")
    add("failures", cmd_failures, "failed fetches and documents not extracted, with reasons",
        json_flag=True)
