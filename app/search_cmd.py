"""`scr search`: full-text search from the command line (the explorer calls the same `find`).

    scr search '"disguised compliance" AND neglect' --year 2015..2019 --region "North West"
    scr search neglect --type LCSPR --sort newest --page 2 --facets
    scr search --like DOC_ID                     # reports like this one
    scr search QUERY --json                      # the contract: a JSON array of hits
    scr search QUERY --json --facets             # an object: total, facets, suggestion, hits
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

FACET_LABELS = {"year": "year", "board": "board", "region": "region", "nation": "nation",
                "review_type": "review type", "doc_type": "document type", "themes": "theme"}


def _filters(args: argparse.Namespace) -> dict[str, object]:
    filters: dict[str, object] = {
        "board": args.board, "review_type": args.type, "doc_type": args.doc_type,
        "themes": args.theme, "region": args.region, "nation": args.nation, "case": args.case,
        "year": args.year}
    if args.withdrawn != "include":
        filters["withdrawn"] = args.withdrawn == "only"
    return filters


def _print_facets(facets: dict[str, list[dict[str, Any]]], top: int = 8) -> None:
    for name, values in facets.items():
        if not values:
            continue
        shown = ", ".join(f"{v['value']} {v['count']}" for v in values[:top])
        more = f", ... ({len(values) - top} more)" if len(values) > top else ""
        print(f"  {FACET_LABELS.get(name, name)}: {shown}{more}")


def cmd_search(args: argparse.Namespace) -> int:
    from app.pipeline import open_catalogue
    from index.search import find, more_like_this

    if not args.query and not args.like:
        print("scr: search wants a QUERY (or --like DOC_ID)", file=sys.stderr)
        return 2
    if args.page < 1 or args.limit < 1:
        print("scr: --page and --limit start at 1", file=sys.stderr)
        return 2
    with open_catalogue(args.data) as cat:
        if args.like:
            result = more_like_this(cat, args.data, args.like, limit=args.limit,
                                    filters=_filters(args), backend=args.backend)
        else:
            result = find(cat, args.data, args.query, filters=_filters(args), sort=args.sort,
                          offset=(args.page - 1) * args.limit, limit=args.limit,
                          facets=args.facets, synonyms=not args.exact, backend=args.backend)
    if result.warning:
        print(f"scr: query: {result.warning}", file=sys.stderr)
    if result.suggestion:
        print(f"scr: did you mean: {result.suggestion}", file=sys.stderr)
    if args.json:
        out = result.as_json()
        json.dump(out if args.facets else out["hits"], sys.stdout, indent=1, ensure_ascii=False,
                  default=str)
        sys.stdout.write("\n")
        return 0
    first = result.offset + 1
    if result.hits:
        print(f"{result.total} reports match ({result.matching_pages} pages); "
              f"{first}-{result.offset + len(result.hits)} by {result.sort}:")
    for i, h in enumerate(result.hits, first):
        where = f"p. {h['page']}" if h["page"] else "web page"
        gone = "  [withdrawn by its source; archived copy kept]" if h["withdrawn"] else ""
        print(f"{i:3}. {h['title']} ({h['board']}, {h['year'] or 'n.d.'}) {where}  "
              f"score {h['score']}{gone}")
        print(f"     {h['snippet']}")
        others = [p for p in h["pages"] if p != h["page"]]
        if others:
            print(f"     also pages {', '.join(map(str, sorted(others)[:15]))}")
        print(f"     {h['url']}  [{h['id']}]")
    if args.facets and result.facets:
        print("facets (reports):")
        _print_facets(result.facets)
    if not result.hits:
        print("no matches" if result.total == 0 else
              f"no hits on page {args.page} of {result.total} matching reports", file=sys.stderr)
    return 0


def add_search_parser(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("search", cmd_search, "full-text search, one hit per document", json_flag=True)
    p.add_argument("query", nargs="?", help='e.g. \'"disguised compliance" AND neglect\'')
    p.add_argument("--limit", type=int, default=20, help="hits per page (default 20)")
    p.add_argument("--page", type=int, default=1, help="which page of hits (default 1)")
    p.add_argument("--sort", choices=["relevance", "newest", "oldest"], default="relevance")
    p.add_argument("--facets", action="store_true",
                   help="count matching reports by year, board, region, type, theme (with "
                        "--json: print an object with total, facets, suggestion and hits)")
    p.add_argument("--board")
    p.add_argument("--year", help="YEAR or FROM..TO (either end may be left open)")
    p.add_argument("--type", help="review type: SCR, LCSPR, CPR, other")
    p.add_argument("--doc-type", help="full_report, executive_summary, briefing, ...")
    p.add_argument("--theme", help="a theme id, e.g. domestic_abuse")
    p.add_argument("--region")
    p.add_argument("--nation")
    p.add_argument("--case", help="a case id (see `scr cases`)")
    p.add_argument("--withdrawn", choices=["include", "exclude", "only"], default="include",
                   help="documents their source took down (archived copies; default include)")
    p.add_argument("--exact", action="store_true",
                   help="no synonyms, acronyms or spelling variants")
    p.add_argument("--like", metavar="DOC_ID", help="reports like this one (more like this)")
    p.add_argument("--backend", choices=["tantivy", "whoosh"],
                   help="search engine (default: the SCR_SEARCH_BACKEND setting, tantivy)")
