"""PDF extraction speed and quality per engine: pdfminer.six (the reference), PDFium, auto.

Two corpora: (a) every ``*.pdf`` of the generated sample web (``sampleweb.generate.ensure``,
full size: reports, annual reports, newsletters, minutes; some two-column pages, a few scanned,
encrypted and truncated files), and (b) a synthetic 300-page report made with fpdf2 (running
header and footer, three single-column pages to one two-column page, justified). Each engine
runs each corpus through the real :func:`ingest.extract.extract_many` with one worker and with
one per core, each run in a fresh process (so that ``ru_maxrss`` of its finished children is the
peak resident memory of that run's workers); OCR is off, so that every engine does the same work.

Figures printed: wall time, the workers' start-up (timed alone just before, spawn and imports),
pages per second with the start-up left out, the ratio to pdfminer measured in the same run,
the workers' peak RSS; then quality against the reference: for every
page both read as ``ok``, the cleaned text's tokens compared with pdfminer's (difflib ratio on
token lists, i.e. the same words in the same order, averaged over pages; pages identical; the
share of the reference's words found at all), and which pages ``auto`` sent to pdfminer and
why; then the projection for a 120,000-page corpus on this machine's cores against the goal of
15 minutes. The synthetic report is one document, so one worker reads it whatever the count.

    .venv/bin/python bench/extract.py            # both corpora, all three engines (~2 min)
    .venv/bin/python bench/extract.py --quick    # a quarter of the corpus, a 60-page report
    .venv/bin/python bench/extract.py --ocr      # also time Tesseract on the scanned PDFs
"""

from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ENGINES = ("pdfminer", "pdfium", "auto")
GOAL_PAGES = 120_000
GOAL_MINUTES = 15.0
_VOCABULARY = ("the child family mother father health visitor school police social worker "
               "nursery referral assessment concerns plan meeting professionals agencies "
               "information review practice learning home support risk neglect injury "
               "hospital record contact service safeguarding partnership decision strategy "
               "conference protection early help")
WORDS = _VOCABULARY.split()


# -- the synthetic report --------------------------------------------------------------------
def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def synthetic_report(pages: int, seed: int = 7) -> bytes:
    """A report of ``pages`` A4 pages: every fourth page in two columns, the rest in one."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    rng = random.Random(seed)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title("Local Child Safeguarding Practice Review: Child S")
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("helvetica", size=8)
        pdf.set_xy(20, 10)
        pdf.cell(0, 5, "Local Child Safeguarding Practice Review: Child S - OFFICIAL")
        pdf.set_xy(95, 284)
        pdf.cell(0, 5, f"Page {number} of {pages}")
        pdf.set_font("helvetica", "B", size=12)
        pdf.set_xy(20, 22)
        pdf.cell(0, 6, f"{number}. Analysis of agency involvement")
        pdf.set_font("helvetica", size=10)
        if number % 4 == 0:
            for x in (20, 108):  # 82 mm columns, 6 mm gutter
                pdf.set_xy(x, 34)
                for _ in range(4):
                    pdf.multi_cell(82, 4.6, _paragraph(rng, 4), align="J",
                                   new_x=XPos.LEFT, new_y=YPos.NEXT)
                    pdf.set_xy(x, pdf.get_y() + 2)
        else:
            pdf.set_xy(20, 34)
            for _ in range(5):
                pdf.multi_cell(170, 5, _paragraph(rng, 5), align="J",
                               new_x=XPos.LEFT, new_y=YPos.NEXT)
                pdf.set_xy(20, pdf.get_y() + 3)
    return bytes(pdf.output())


# -- one timed run, in a fresh process -------------------------------------------------------
def run_once(paths: list[str], engine: str, workers: int) -> dict[str, Any]:
    """Extract ``paths`` with ``engine`` through extract_many; time, pages, RSS, the pages."""
    import logging

    from ingest.extract import PdfOptions, extract_many

    logging.basicConfig(level=logging.ERROR)
    jobs = [(p, Path(p), "application/pdf", None) for p in paths]
    options = PdfOptions(engine=engine, ocr="off")
    with tempfile.TemporaryDirectory() as tmp:  # the cost of starting the workers alone
        tiny = Path(tmp) / "tiny.txt"
        tiny.write_text("start-up\n", encoding="utf-8")
        started = time.perf_counter()
        list(extract_many([(f"w{i}", tiny, "text/plain", None) for i in range(workers)],
                          workers=workers, options=options))
        startup = time.perf_counter() - started
    started = time.perf_counter()
    results = dict(extract_many(jobs, workers=workers, timeout_s=600, memory_mb=4096,
                                options=options))
    wall = time.perf_counter() - started
    rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = {"wall": wall, "startup": startup, "rss_mib": rss_kib / 1024, "docs": {}}
    for key, r in results.items():
        out["docs"][key] = {"status": r.status, "pages": list(r.pages),
                            "engines": r.meta.get("engines", {}),
                            "fallback": r.meta.get("fallback_pages", [])}
    out["pages"] = sum(len(d["pages"]) for d in out["docs"].values())
    return out


def run_fresh(paths: list[str], engine: str, workers: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(run_once, paths, engine, workers).result()


def time_ocr(paths: list[str]) -> tuple[int, float, str]:
    """Pages OCRed and seconds taken for the scanned PDFs among ``paths`` (in-process)."""
    from ingest.extract import PdfOptions, extract_bytes

    pages, spent, engine = 0, 0.0, ""
    for path in paths:
        data = Path(path).read_bytes()
        if extract_bytes(data, options=PdfOptions(ocr="off")).status != "needs_ocr":
            continue
        started = time.perf_counter()
        result = extract_bytes(data, options=PdfOptions(time_limit_s=600))
        spent += time.perf_counter() - started
        if "ocr" in result.meta:
            pages += result.meta["ocr"]["pages"]
            engine = result.meta["ocr"]["engine"]
    return pages, spent, engine


# -- quality -----------------------------------------------------------------------------------
def agreement(reference: list[str], other: list[str]) -> tuple[float, float]:
    """(same words in the same order: difflib ratio, share of reference words found)."""
    if not reference and not other:
        return 1.0, 1.0
    ratio = difflib.SequenceMatcher(None, reference, other, autojunk=False).ratio()
    found = sum((Counter(reference) & Counter(other)).values()) / max(len(reference), 1)
    return ratio, found


def quality(runs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    reference = runs["pdfminer"]["docs"]
    out: dict[str, dict[str, Any]] = {}
    for engine in ("pdfium", "auto"):
        ratios, founds, identical = [], [], 0
        for key, ref in reference.items():
            doc = runs[engine]["docs"].get(key)
            if ref["status"] != "ok" or doc is None or doc["status"] != "ok":
                continue
            for a, b in zip(ref["pages"], doc["pages"], strict=False):
                ratio, found = agreement(a.split(), b.split())
                ratios.append(ratio)
                founds.append(found)
                identical += a.split() == b.split()
        reasons: Counter[str] = Counter()
        sent = 0
        for doc in runs[engine]["docs"].values():
            sent += doc["engines"].get("pdfminer", 0)
            reasons.update(f["reason"].split(":")[0] for f in doc["fallback"])
        out[engine] = {"pages": len(ratios), "ordered": statistics.fmean(ratios or [1.0]),
                       "found": statistics.fmean(founds or [1.0]), "identical": identical,
                       "to_pdfminer": sent, "reasons": dict(reasons)}
    return out


# -- output ------------------------------------------------------------------------------------
def rate(run: dict[str, Any]) -> float:
    """Pages per second, the workers' start-up (measured alone, in the same process) aside."""
    return run["pages"] / max(run["wall"] - run["startup"], 1e-3)


def show_speed(name: str, table: dict[tuple[str, int], dict[str, Any]]) -> None:
    print(f"\n{name}")
    print(f"  {'engine':<9} {'workers':>7} {'wall s':>7} {'start-up':>8} {'pages':>6} "
          f"{'pages/s':>8} {'x pdfminer':>10} {'worker RSS':>11}")
    for (engine, workers), run in table.items():
        ratio = rate(run) / rate(table[("pdfminer", workers)])
        print(f"  {engine:<9} {workers:>7} {run['wall']:>7.1f} {run['startup']:>8.1f} "
              f"{run['pages']:>6} {rate(run):>8.1f} {ratio:>9.1f}x {run['rss_mib']:>7.0f} MiB")


def show_quality(name: str, q: dict[str, dict[str, Any]]) -> None:
    print(f"\n{name}: agreement with the pdfminer reference (pages both read as ok)")
    for engine, f in q.items():
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(f["reasons"].items())) or "none"
        print(f"  {engine:<7} {f['pages']} pages: same words in the same order "
              f"{f['ordered']:.3f}, identical pages {f['identical']} "
              f"({f['identical'] / max(f['pages'], 1):.0%}), reference words found "
              f"{f['found']:.3f}; pages read by pdfminer {f['to_pdfminer']} (why, for the "
              f"first ten of each document: {reasons})")


def show_projection(table: dict[tuple[str, int], dict[str, Any]], cores: int) -> None:
    print(f"\nprojection: {GOAL_PAGES:,} pages on {cores} cores (sample-web rate), "
          f"goal {GOAL_MINUTES:g} minutes")
    for engine in ENGINES:
        minutes = GOAL_PAGES / rate(table[(engine, cores)]) / 60
        verdict = "meets" if minutes <= GOAL_MINUTES else "misses"
        print(f"  {engine:<9} {minutes:6.1f} min  ({minutes / GOAL_MINUTES:.2f}x the goal: "
              f"{verdict} it)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python bench/extract.py",
                                description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="a quarter of the sample-web PDFs and a 60-page report")
    p.add_argument("--pages", type=int, help="pages of the synthetic report (default 300)")
    p.add_argument("--ocr", action="store_true",
                   help="also time Tesseract OCR of the scanned sample-web PDFs")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args(argv)
    from ingest.pdfium import pdfium_version
    from sampleweb.generate import ensure

    cores = os.cpu_count() or 1
    report_pages = args.pages or (60 if args.quick else 300)
    figures: dict[str, Any] = {"cores": cores}
    with tempfile.TemporaryDirectory(prefix="scr-bench-extract-") as tmp:
        web = Path(tmp) / "web"
        ensure(web, small=False)
        corpus = sorted(str(p) for p in (web / "hosts").rglob("*.pdf"))
        if args.quick:
            corpus = corpus[::4]
        report = Path(tmp) / "report.pdf"
        report.write_bytes(synthetic_report(report_pages))
        print(f"{pdfium_version()}; {cores} cores; sample web: {len(corpus)} PDFs; "
              f"synthetic report: {report_pages} pages ({report.stat().st_size // 1024} KiB)")
        for name, paths, counts in (("sample web", corpus, sorted({1, cores})),
                                    ("synthetic report", [str(report)], [1])):
            table: dict[tuple[str, int], dict[str, Any]] = {}
            for workers in counts:
                for engine in ENGINES:
                    table[(engine, workers)] = run_fresh(paths, engine, workers)
            show_speed(name, table)
            q = quality({e: table[(e, counts[0])] for e in ENGINES})
            show_quality(name, q)
            if name == "sample web":
                show_projection(table, cores)
            figures[name] = {"speed": {f"{e}/{w}": {k: v for k, v in r.items() if k != "docs"}
                                       for (e, w), r in table.items()}, "quality": q}
        if args.ocr and shutil.which("tesseract"):
            pages, spent, engine = time_ocr(corpus)
            print(f"\nOCR ({engine}, one core): {pages} pages in {spent:.1f} s "
                  f"({spent / max(pages, 1):.2f} s a page)")
            figures["ocr"] = {"pages": pages, "seconds": spent, "engine": engine}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
