"""`scr trends`: theme prevalence by year, place, type, outcome and age; co-occurrence.

    scr trends --by year --theme domestic_abuse,parental_mental_health
    scr trends --pairs --outcome death --age-band "under 1" --years 2019..
    scr trends --by region --theme neglect --drill "North West"   # the cases and passages
    scr trends --json                                             # everything, with case ids
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from analysis.trends import AGE_BANDS, DIMENSIONS, TRIPLE
from ingest.errors import ConfigError


def parse_years(raw: str | None) -> tuple[int | None, int | None] | None:
    if not raw:
        return None
    lo, sep, hi = raw.partition("..")
    try:
        if not sep:
            return int(lo), int(lo)
        return (int(lo) if lo else None), (int(hi) if hi else None)
    except ValueError as exc:
        raise ConfigError(f"--years wants YEAR or FROM..TO (either end open), not {raw!r}") \
            from exc


def cmd_trends(args: argparse.Namespace) -> int:
    from analysis.queries import case_records
    from analysis.taxonomy import theme_labels
    from analysis.trends import cooccurrence, evidence, prevalence, select
    from app.pipeline import open_catalogue

    themes = [t.strip() for t in (args.theme or ",".join(TRIPLE)).split(",") if t.strip()]
    unknown = [t for t in themes if t not in theme_labels()]
    if not themes or unknown:
        raise ConfigError(f"unknown theme {', '.join(unknown) or '(none given)'}: see "
                          "`scr themes` for the theme ids")
    with open_catalogue(args.data) as cat:
        cases = select(case_records(cat), years=parse_years(args.years), nation=args.nation,
                       region=args.region, review_type=args.type, outcome=args.outcome,
                       age_band=args.age_band)
        table = prevalence(cases, args.by, themes)
        pairs = cooccurrence(cases)
        drilled: list[dict[str, Any]] = []
        if args.drill is not None:
            group = next((g for g in table["groups"] if str(g["value"]) == args.drill), None)
            if group is None:
                print(f"scr: no {args.by} {args.drill!r} among the selected cases",
                      file=sys.stderr)
                return 2
            by_id = {c["case"]: c for c in cases}
            for t in themes:
                for case_id in group["themes"][t]["case_ids"]:
                    drilled.append({"theme": t, "case": case_id,
                                    "board": by_id[case_id]["board"],
                                    "child": by_id[case_id]["child"],
                                    "evidence": evidence(cat, by_id[case_id], t, limit=3)})
    if args.json:
        json.dump({"cases": table["cases"], "untagged": table["untagged"],
                   "prevalence": table, "cooccurrence": pairs,
                   "drill": drilled}, sys.stdout, indent=1, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
        return 0
    if not cases:
        print("no cases match the selection", file=sys.stderr)
        return 0
    if drilled:
        for d in drilled:
            print(f"{d['theme']}  {d['case']}  ({d['board']}: {d['child'] or '?'})")
            for e in d["evidence"]:
                where = f"p. {e['page']}" if e["page"] else "web page"
                print(f"    {e['doc_type']}, {where}: {e['sentence']}")
        return 0
    if args.pairs:
        tri = pairs["triple"]
        unread = (f" ({pairs['untagged']} more could not be read by the theme tagger)"
                  if pairs["untagged"] else "")
        print(f"{pairs['cases']} cases{unread}. {' x '.join(tri['themes'])}: all three in "
              f"{tri['all']} "
              f"(lift {tri['lift']}), at least two in {tri['at_least_two']}, none in "
              f"{tri['none']}")
        print(f"{'both':>5} {'lift':>6}  pair")
        for p in pairs["pairs"][:args.top]:
            print(f"{p['both']:5} {p['lift'] if p['lift'] is not None else '-':>6}  "
                  f"{p['a']} + {p['b']} ({p['a_cases']}, {p['b_cases']})")
        return 0
    width = max(len(t) for t in themes)
    unread = (f" ({table['untagged']} more could not be read by the theme tagger and are left "
              "out)" if table["untagged"] else "")
    print(f"{table['cases']} cases by {args.by}{unread}; share of cases carrying each theme")
    print(f"{args.by:>14} {'cases':>5}  " + "  ".join(f"{t[:width]:>{width}}" for t in themes))
    for g in table["groups"]:
        shares = "  ".join(
            f"{g['themes'][t]['cases']:>{width - 7}} ({g['themes'][t]['share']:4.0%})"
            for t in themes)
        print(f"{str(g['value'])[:14]:>14} {g['cases']:5}  {shares}")
    return 0


def add_trends_parser(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("trends", cmd_trends, "theme prevalence over time and place; co-occurrence",
            json_flag=True)
    p.add_argument("--by", choices=DIMENSIONS, default="year", help="break down by (year)")
    p.add_argument("--theme", help="theme ids, comma-separated (default: domestic_abuse, "
                                   "parental_mental_health, parental_substance_misuse)")
    p.add_argument("--pairs", action="store_true", help="co-occurrence of every pair, and "
                                                        "the domestic abuse x mental health x "
                                                        "substance misuse triple")
    p.add_argument("--top", type=int, default=20, help="pairs shown (default 20)")
    p.add_argument("--drill", metavar="VALUE", help="the cases (and passages) behind one row")
    add_selection_args(p)


def add_selection_args(p: argparse.ArgumentParser) -> None:
    """The flags that narrow the reviews counted (shared with `scr brief`)."""
    p.add_argument("--years", help="YEAR or FROM..TO (either end open), e.g. 2019..")
    p.add_argument("--nation")
    p.add_argument("--region")
    p.add_argument("--type", help="review type: SCR, LCSPR, CPR, other")
    p.add_argument("--outcome", choices=["death", "serious_harm"])
    p.add_argument("--age-band", choices=[label for _, label in AGE_BANDS],
                   help="the child's age at the incident")
