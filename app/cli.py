"""The `scr` command line. Start-up imports nothing heavy: each command imports what it needs.

Errors the user can act on (bad sources file, missing data directory, malformed query) are
printed as one line, ``scr: ...``, with exit code 2; an interrupted run says how to resume.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from app.facts_cmd import add_facts_parsers
from app.search_cmd import add_search_parser
from app.sources_cmd import add_sources_parser
from app.trends_cmd import add_selection_args, add_trends_parser

DEFAULT_DATA = "scr-data"
log = logging.getLogger("scr")


def _data_default() -> Path:
    return Path(os.environ.get("SCR_DATA", DEFAULT_DATA))


def _settings(args: argparse.Namespace) -> Any:
    from ingest.settings import Settings

    return Settings.from_env().with_overrides(
        data=args.data, delay=getattr(args, "delay", None),
        max_depth=getattr(args, "max_depth", None),
        extract_workers=getattr(args, "workers", None),
    )


def _progress(stage: str, message: str) -> None:
    print(f"[{stage}] {message}", file=sys.stderr, flush=True)


def _emit(obj: Any) -> None:
    json.dump(obj, sys.stdout, indent=1, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def _show(args: argparse.Namespace, obj: Any, table: Any) -> None:
    """JSON with --json, else the plain table ``table(obj)``."""
    if args.json:
        _emit(obj)
    else:
        print(table(obj))


def _summary(counts: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to do"


# -- commands ------------------------------------------------------------------------------
def cmd_build(args: argparse.Namespace) -> int:
    from app import pipeline

    result = pipeline.build(args.data, args.sources, _settings(args), _progress)
    for stage, counts in result.items():
        print(f"{stage}: {_summary(counts)}")
    return 0


def cmd_crawl(args: argparse.Namespace) -> int:
    from app import pipeline

    print("crawl:", _summary(pipeline.crawl(args.data, args.sources, _settings(args), _progress)))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from app import pipeline

    print("extract:", _summary(pipeline.extract(args.data, _settings(args), _progress)))
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    from app import pipeline

    print("analyse:", _summary(pipeline.analyse(args.data, _progress)))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    from app import pipeline

    print("index:", _summary(pipeline.index(args.data, _progress, rebuild=args.rebuild)))
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    from analysis.queries import report_records
    from app.pipeline import open_catalogue

    with open_catalogue(args.data) as cat:
        records = report_records(cat, include_all=args.all)
    if args.json:
        _emit(records)
        return 0
    for r in records:
        pages = f"{r['pages']}p" if r["pages"] else "html"
        gone = f"  withdrawn {r['withdrawn'][:10]}" if r["withdrawn"] else ""
        print(f"{r['id']}  {r['year'] or '----'}  {r['review_type'] or '-':5} "
              f"{r['doc_type']:22} {pages:>5}  {r['board']}: {r['child'] or '?'}  "
              f"{r['status']}{gone}")
    print(f"{len(records)} documents", file=sys.stderr)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from datetime import date

    from analysis.queries import new_since
    from app.pipeline import open_catalogue

    try:
        since = date.fromisoformat(args.since).isoformat()
    except ValueError:
        print(f"scr: --since wants a date such as 2026-01-31, not {args.since!r}", file=sys.stderr)
        return 2
    with open_catalogue(args.data) as cat:
        records = new_since(cat, since, include_all=args.all)
    if args.json:
        _emit(records)
        return 0
    for r in records:
        print(f"{r['first_seen'][:10]}  {r['board']}: {r['child'] or '?'} "
              f"({r['year'] or 'n.d.'}) {r['doc_type']}  {r['url']}")
    print(f"{len(records)} documents first seen since {since}", file=sys.stderr)
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    from analysis.queries import theme_summary
    from app.pipeline import open_catalogue

    with open_catalogue(args.data) as cat:
        summary = theme_summary(cat)
    if args.json:
        _emit(summary)
        return 0
    print(f"{summary['documents_tagged']} reviews tagged")
    if summary["reliability_measured"]:
        print("prec., recall: the tagger's, measured on synthetic test reviews it never trained "
              "on (scr eval-themes); -: tagged by rules alone, not measured")
    else:
        print("prec., recall: not available (data/theme_reliability.json is missing or was "
              "measured on another version of the tagger)")
    print(f"{'docs':>5}  {'share':>6}  {'prec.':>5}  {'recall':>6}  theme")
    for t in summary["themes"]:
        rel = t["reliability"]
        measured = (f"{rel['precision']:5.2f}  {rel['recall']:6.2f}" if rel
                    else f"{'-':>5}  {'-':>6}")
        print(f"{t['documents']:5}  {t['share']:6.1%}  {measured}  {t['label']}")
    return 0


def cmd_topics(args: argparse.Namespace) -> int:
    from analysis.queries import topic_model
    from app.pipeline import open_catalogue

    with open_catalogue(args.data) as cat:
        model = topic_model(cat)
    if args.json:
        _emit(model)
        return 0
    for t in model["topics"]:
        print(f"{t['id']:2}. {', '.join(x['term'] for x in t['terms'])}")
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    from analysis.briefing import write_briefing
    from app.pipeline import open_catalogue
    from app.trends_cmd import parse_years

    if bool(args.theme) == bool(args.review):
        print("scr: brief wants a THEME (e.g. domestic_abuse) or --review DOC_ID",
              file=sys.stderr)
        return 2
    selection = {"nation": args.nation, "region": args.region, "review_type": args.type,
                 "outcome": args.outcome, "age_band": args.age_band}
    with open_catalogue(args.data) as cat:
        if args.review:
            from analysis.render import write
            from analysis.review_brief import compose_review_brief

            path = write(compose_review_brief(cat, args.review), args.format, args.output)
        else:
            path = write_briefing(cat, args.theme, args.format, args.output,
                                  years=parse_years(args.years), **selection)
    print(f"wrote {path}")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from app.launch import run_explorer

    return run_explorer(args.data, port=args.port, host=args.host)


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import run_demo

    return run_demo(args.data, port=args.port, open_app=not args.no_app, small=args.small)


def cmd_eval(args: argparse.Namespace) -> int:
    from app.evaluate import evaluate, format_table, write_baseline

    if args.write_baseline:
        baseline = write_baseline(args.data, args.write_baseline, manifest_dir=args.sample)
        print(f"wrote {len(baseline['floors'])} floors to {args.write_baseline}")
        return 0
    _show(args, evaluate(args.data, manifest_dir=args.sample), format_table)
    return 0


def cmd_eval_themes(args: argparse.Namespace) -> int:
    from app.eval_held_out import evaluate_held_out, format_held_out
    from ingest.errors import AtlasError

    if args.cases < 1:
        raise AtlasError("--cases must be at least 1")
    if args.answers and not args.blind:
        raise AtlasError("--answers needs --blind DIR (the kit the answers are for)")
    if args.write_reliability and args.blind:
        raise AtlasError("--write-reliability keeps the tagger's figures; it does not go with "
                         "--blind")
    from analysis.theme_reliability import MIN_CASES

    if args.write_reliability is True and args.cases < MIN_CASES:
        raise AtlasError(f"the figures users are shown need --cases {MIN_CASES} or more (give "
                         "--write-reliability FILE to keep a smaller measure elsewhere)")
    if args.blind:
        from app.blind_reading import score_answers, write_kit

        if args.answers:
            _show(args, score_answers(args.blind, args.answers), format_held_out)
            return 0
        kit = {"documents": write_kit(args.blind, args.cases, seed=args.seed),
               "folder": str(args.blind / "documents"), "truth": str(args.blind / "truth.json")}
        _show(args, kit, lambda k: f"wrote {k['documents']} documents to {k['folder']} (give "
                                   f"readers that folder only; the truth is in {k['truth']})")
        return 0
    result = evaluate_held_out(args.cases, seed=args.seed)
    _show(args, result, format_held_out)
    if args.write_reliability:
        from analysis.theme_reliability import (
            RELIABILITY_PATH,
            reliability_record,
            write_reliability,
        )

        target = RELIABILITY_PATH if args.write_reliability is True else args.write_reliability
        try:
            path = write_reliability(reliability_record(result, args.cases, args.seed), target)
        except OSError as exc:
            raise AtlasError(f"cannot write {target}: {exc.strerror or exc}") from exc
        if not args.json:
            print(f"wrote the per-theme figures to {path}")
    return 0


# -- parser --------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scr", description="SCR Atlas: find, read and analyse published case reviews.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Any, help_text: str, *, sources: bool = False,
            crawl_opts: bool = False, json_flag: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--data", type=Path, default=_data_default(),
                       help=f"data directory (default: $SCR_DATA or ./{DEFAULT_DATA})")
        if sources:
            p.add_argument("--sources", type=Path, required=True, help="sources TOML file")
        if crawl_opts:
            p.add_argument("--delay", type=float, help="seconds between requests to one host")
            p.add_argument("--max-depth", type=int, help="link hops from a seed page")
            p.add_argument("--workers", type=int, help="extraction processes (default: cores)")
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=func)
        return p

    add("build", cmd_build, "crawl, extract, analyse and index (incremental)", sources=True,
        crawl_opts=True)
    add("crawl", cmd_crawl, "fetch the sources' pages and documents", sources=True,
        crawl_opts=True)
    add("extract", cmd_extract, "extract text and metadata of new documents", crawl_opts=True)
    add("analyse", cmd_analyse, "tag themes and fit the topic model")
    p = add("index", cmd_index, "update the search index")
    p.add_argument("--rebuild", action="store_true", help="rebuild from the catalogue")
    p = add("reports", cmd_reports, "list case-review documents", json_flag=True)
    p.add_argument("--all", action="store_true", help="also list documents that are not reviews")
    p = add("new", cmd_new, "case-review documents first seen since a date", json_flag=True)
    p.add_argument("--since", required=True, help="a date, e.g. 2026-01-31")
    p.add_argument("--all", action="store_true", help="also documents that are not reviews")
    add_search_parser(add)
    add("themes", cmd_themes, "theme prevalence and per-document tags", json_flag=True)
    add("topics", cmd_topics, "the topic model: topics, terms, documents", json_flag=True)
    p = add("brief", cmd_brief, "write a thematic briefing")
    p.add_argument("theme", nargs="?", help="theme id, e.g. domestic_abuse; a+b: reviews with "
                                            "both")
    p.add_argument("--review", metavar="DOC_ID",
                   help="instead of a theme: the 7-minute briefing of one review document")
    p.add_argument("--format", choices=["md", "html", "docx", "pdf"], default="md")
    p.add_argument("--output", type=Path, required=True)
    add_selection_args(p)
    p = add("app", cmd_app, "run the Streamlit explorer on localhost")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: localhost)")
    p = add("demo", cmd_demo, "serve the sample web on loopback, build it, open the explorer")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--no-app", action="store_true", help="build only; do not start the explorer")
    p.add_argument("--small", action="store_true", help="a small sample web (faster)")
    p.set_defaults(data=Path(os.environ.get("SCR_DEMO_DATA", "scr-demo")))
    p = add("eval", cmd_eval, "score a build of the sample web against its manifest",
            json_flag=True)
    p.add_argument("--sample", type=Path, help="the generated sample web (default: recorded "
                                                "in DATA by `scr demo`)")
    p.add_argument("--write-baseline", type=Path, metavar="FILE",
                   help="record this build's figures as the quality gate's floors")
    p = add("eval-themes", cmd_eval_themes, "score the theme tagger on many held-out reviews "
            "composed by the sample generator, with intervals", json_flag=True)
    p.add_argument("--cases", type=int, default=150, help="cases to compose (default: 150)")
    p.add_argument("--seed", type=int, default=0, help="which cases (default: 0)")
    p.add_argument("--blind", type=Path, metavar="DIR",
                   help="write the same documents as a blind-reading kit for people to tag "
                        "(DIR/documents, truth apart in DIR/truth.json)")
    p.add_argument("--answers", type=Path, metavar="FILE",
                   help="with --blind DIR: score a reader's answers (JSON: file -> theme ids)")
    p.add_argument("--write-reliability", nargs="?", type=Path, metavar="FILE",
                   const=True,
                   help="also keep the per-theme figures that the explorer, scr themes and "
                        "the briefings show (default: data/theme_reliability.json)")
    add_facts_parsers(add)
    add_trends_parser(add)
    add_sources_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    from ingest.errors import AtlasError

    try:
        return args.func(args)
    except AtlasError as exc:
        print(f"scr: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("scr: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
