"""The full-text search index at national scale, against an SQLite FTS5 baseline.

A synthetic corpus (default 2,000 reports x 50 pages x ~400 words, about 40 million words;
``--scale 10`` for ten times the reports) is generated deterministically: a seeded numpy RNG
draws words from a Zipf-distributed vocabulary (function words, then safeguarding words, then a
long tail of made-up words) and plants fixed phrases ("domestic abuse", "professional
curiosity", "disguised compliance", "voice of the child") and rare terms at controlled rates.
Each report gets a board (of 150, each in one of 12 regions), a year 2010-2025, a review and
document type and 1-5 of the 18 core themes. The corpus goes into a real catalogue
(``DATA/catalogue.sqlite``) through the catalogue's own methods, so the measured path is the
product's: ``index.search.build_index`` and ``index.search.search``.

For each backend in ``--backends`` (``whoosh``, ``tantivy``; a backend the product does not
support yet is reported as skipped) and for the FTS5 baseline (``porter unicode61``, built over
the same pages in the same run) it prints: build time, index size on disk, the time to bring
the index up to date after one report changed (and when nothing changed), and p50/p95 latency
of a fixed query mix (common term, rare term, phrase, boolean, filtered, faceted), each with
its ratio to FTS5. Then the process's peak RSS.

    .venv/bin/python bench/search.py --quick          # 200 reports x 50 pages (~1-2 min)
    .venv/bin/python bench/search.py                  # 2,000 x 50, national scale (~15 min)
    .venv/bin/python bench/search.py --scale 10       # 20,000 x 50
    .venv/bin/python bench/search.py --backends whoosh,tantivy --reps 30 --keep DIR
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.taxonomy import CORE_THEMES  # noqa: E402
from ingest.catalogue import Catalogue  # noqa: E402

WORDS_PER_PAGE = 400
_FUNCTION_WORDS = ("the of and to a in was that her he she his it with for on had by as at not "
                   "be this from were which they is an have been their or are there would when "
                   "who also but him after about all what did one could this more")
_SAFEGUARDING = ("child children family mother father baby parents parent health visitor school "
                 "police social worker care services agency agencies professionals practitioners "
                 "referral assessment concerns plan meeting information review practice learning "
                 "home support risk neglect injury injuries hospital record records contact "
                 "service safeguarding partnership decision strategy conference protection early "
                 "help GP midwife nursery housing education attendance domestic abuse violence "
                 "mental substance alcohol drugs partner boyfriend grandmother siblings sibling "
                 "bruising fracture section threshold multi-agency supervision escalation "
                 "hospital A&E paediatrician consultant CAMHS probation missing exploitation "
                 "voice disability poverty overcrowding engagement appointments cancelled "
                 "recommendation recommendations findings analysis chronology compliance "
                 "curiosity disguised unsafe sleep co-sleeping suicide self-harm faith culture "
                 "language interpreter")
#: phrase -> expected occurrences per page (Poisson)
PHRASES = {"domestic abuse": 0.30, "professional curiosity": 0.08,
           "disguised compliance": 0.04, "voice of the child": 0.10}
#: rare term -> expected occurrences per page
RARE = {"zopiclone": 0.0005, "trampoline": 0.001, "quetiapine": 0.0003}
REGIONS = {  # region -> nation
    "North East": "England", "North West": "England", "Yorkshire and the Humber": "England",
    "East Midlands": "England", "West Midlands": "England", "East of England": "England",
    "London": "England", "South East": "England", "South West": "England",
    "Wales": "Wales", "Scotland": "Scotland", "Northern Ireland": "Northern Ireland",
}
REVIEW_TYPES = ("SCR", "LCSPR", "CPR", "other")
DOC_TYPES = ("report", "summary", "briefing")
FACETS = ("year", "board", "region", "review_type", "doc_type", "themes")


# -- the synthetic corpus -------------------------------------------------------------------
def _made_up_words(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct pronounceable words (the long tail), deterministic from ``rng``."""
    onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v",
              "w", "br", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oa", "ou"]
    codas = ["", "n", "r", "s", "t", "l", "nd", "st", "ng", "ck"]
    seen: dict[str, None] = {}
    while len(seen) < n:
        k = rng.integers(2, 4)
        word = "".join(onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))]
                       for _ in range(k)) + codas[rng.integers(len(codas))]
        seen.setdefault(word)
    return list(seen)


class Corpus:
    """Deterministic reports and pages; ``pages(i)`` regenerates report i's text on demand."""

    def __init__(self, docs: int, pages: int, seed: int = 2024, tail: int = 40_000) -> None:
        rng = np.random.default_rng(seed)
        self.docs, self.n_pages, self.seed = docs, pages, seed
        head = list(dict.fromkeys(_FUNCTION_WORDS.split() + _SAFEGUARDING.split()))
        vocab = head + [w for w in _made_up_words(rng, tail) if w not in head]
        self.vocab = np.array(vocab, dtype=object)
        ranks = np.arange(1, len(vocab) + 1, dtype=np.float64)
        weights = 1.0 / (ranks + 2.7) ** 1.0  # Zipf-Mandelbrot
        self.cdf = np.cumsum(weights / weights.sum())
        self.phrases = [(np.array(p.split(), dtype=object), rate) for p, rate in PHRASES.items()]
        self.rare = [(np.array([w], dtype=object), rate) for w, rate in RARE.items()]
        places = [w.capitalize() for w in _made_up_words(np.random.default_rng(seed + 1), 150)]
        regions = list(REGIONS)
        self.boards = [f"{p} Safeguarding Children Partnership" for p in places]
        self.board_region = {b: regions[i % len(regions)] for i, b in enumerate(self.boards)}
        meta_rng = np.random.default_rng(seed + 2)
        self.meta: list[dict[str, Any]] = []
        for i in range(docs):
            board = self.boards[int(meta_rng.integers(len(self.boards)))]
            region = self.board_region[board]
            review_type = REVIEW_TYPES[int(meta_rng.choice(4, p=[0.45, 0.35, 0.1, 0.1]))]
            themes = sorted(meta_rng.choice(len(CORE_THEMES), int(meta_rng.integers(1, 6)),
                                            replace=False).tolist())
            self.meta.append({
                "is_review": True, "title": f"{review_type}: Child {self._name(i)}",
                "board": board, "nation": REGIONS[region], "region": region,
                "year": int(meta_rng.integers(2010, 2026)), "month": int(meta_rng.integers(1, 13)),
                "doc_type": DOC_TYPES[int(meta_rng.choice(3, p=[0.7, 0.2, 0.1]))],
                "review_type": review_type, "child": f"Child {self._name(i)}",
                "themes": [CORE_THEMES[t] for t in themes],
            })

    @staticmethod
    def _name(i: int) -> str:
        return chr(65 + i % 26) + (str(i // 26) if i >= 26 else "")

    def pages(self, i: int, variant: int = 0) -> list[str]:
        """The text of report ``i``'s pages (``variant`` > 0: a revised version)."""
        rng = np.random.default_rng([self.seed, i, variant])
        idx = np.searchsorted(self.cdf, rng.random((self.n_pages, WORDS_PER_PAGE)))
        words = self.vocab[np.minimum(idx, len(self.vocab) - 1)]
        for phrase, rate in self.phrases + self.rare:
            counts = rng.poisson(rate, self.n_pages)
            for page in np.nonzero(counts)[0]:
                for _ in range(counts[page]):
                    at = int(rng.integers(0, WORDS_PER_PAGE - len(phrase)))
                    words[page, at:at + len(phrase)] = phrase
        return [" ".join(row) for row in words.tolist()]


def fill_catalogue(cat: Catalogue, corpus: Corpus, batch: int = 50) -> None:
    """Documents, extractions (pages), metadata and themes through the catalogue's methods."""
    for start in range(0, corpus.docs, batch):
        with cat.transaction():
            for i in range(start, min(start + batch, corpus.docs)):
                _save_report(cat, corpus, i, corpus.pages(i), corpus.meta[i])


def _save_report(cat: Catalogue, corpus: Corpus, i: int, pages: list[str],
                 meta: dict[str, Any]) -> str:
    sha = hashlib.sha256(f"report-{corpus.seed}-{i}".encode()).hexdigest()
    url = f"https://board{i % 150}.example.org/reviews/{i}.pdf"
    doc_id = cat.add_document(sha, url, meta["board"], "application/pdf",
                              sum(map(len, pages)))
    cat.save_extraction(doc_id, "ok", "", pages, True, {"engine": "synthetic"})
    fields = {k: v for k, v in meta.items() if k != "themes"}
    cat.save_metadata(doc_id, 1, fields, {k: "synthetic" for k in fields})
    cat.save_themes(doc_id, 1, [{"theme": t, "score": 0.9, "present": True, "evidence": []}
                                for t in meta["themes"]])
    return doc_id


# -- the query mix --------------------------------------------------------------------------
def query_mix(corpus: Corpus) -> dict[str, list[dict[str, Any]]]:
    """Query class -> variants, each with the product query, the FTS5 query and filters."""
    b = corpus.boards
    return {
        "common term": [{"q": w, "fts": w} for w in ("child", "family", "school")],
        "rare term": [{"q": w, "fts": w} for w in RARE],
        "phrase": [{"q": f'"{p}"', "fts": f'"{p}"'} for p in list(PHRASES)[1:]],
        "boolean": [{"q": f"{a} AND {c} NOT {d}", "fts": f"{a} AND {c} NOT {d}"}
                    for a, c, d in (("neglect", "housing", "police"),
                                    ("mother", "hospital", "school"),
                                    ("referral", "strategy", "nursery"))],
        "filtered": [{"q": w, "fts": w, "filters": {"board": b[k], "year": (2015, 2019)}}
                     for w, k in (("neglect", 3), ("hospital", 40), ("supervision", 77))],
        "faceted": [{"q": q, "fts": q, "facets": True}
                    for q in ('"domestic abuse"', "neglect", "exploitation")],
    }


# -- the FTS5 baseline ----------------------------------------------------------------------
class Fts5:
    """Pages in an FTS5 table (porter unicode61), report fields in a plain table."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.docs: dict[int, dict[str, Any]] = {}

    def build(self, cat: Catalogue) -> None:
        self.db.executescript(
            "DROP TABLE IF EXISTS pages_fts; DROP TABLE IF EXISTS docs;"
            "CREATE VIRTUAL TABLE pages_fts USING fts5(content, title, "
            "tokenize='porter unicode61');"
            "CREATE TABLE docs (n INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, board TEXT, "
            "nation TEXT, region TEXT, year INTEGER, review_type TEXT, doc_type TEXT, "
            "themes TEXT);")
        theme_map = cat.theme_map()
        self.db.execute("BEGIN")
        for n, r in enumerate((r for r in cat.reports() if r["status"] == "ok"), 1):
            self._add(n, r, theme_map.get(r["id"], []), cat.page_texts(r["id"]))
        self.db.execute("COMMIT")

    def _add(self, n: int, r: dict[str, Any], themes: list[str], pages: list[str]) -> None:
        row = {"n": n, "doc_id": r["id"], "board": r["board"], "nation": r["nation"],
               "region": r["region"], "year": r["year"], "review_type": r["review_type"],
               "doc_type": r["doc_type"], "themes": ",".join(themes)}
        self.db.execute("INSERT OR REPLACE INTO docs VALUES (:n, :doc_id, :board, :nation, "
                        ":region, :year, :review_type, :doc_type, :themes)", row)
        self.docs[n] = row
        self.db.executemany("INSERT INTO pages_fts(rowid, content, title) VALUES (?,?,?)",
                            [(n * 100_000 + p, text, r["title"] or "")
                             for p, text in enumerate(pages, 1)])

    def update(self, cat: Catalogue, doc_id: str) -> None:
        """Re-index one report: delete its pages by rowid range, insert the new ones."""
        n = self.db.execute("SELECT n FROM docs WHERE doc_id=?", (doc_id,)).fetchone()[0]
        r = cat.report(doc_id)
        assert r is not None
        themes = [t["theme"] for t in cat.themes_of(doc_id)]
        self.db.execute("BEGIN")
        self.db.execute("DELETE FROM pages_fts WHERE rowid BETWEEN ? AND ?",
                        (n * 100_000, n * 100_000 + 99_999))
        self._add(n, r, themes, cat.page_texts(doc_id))
        self.db.execute("COMMIT")

    def sizes(self) -> tuple[int, int]:
        """(bytes of the inverted index alone, bytes of the database file with its text copy)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        index = self.db.execute("SELECT sum(length(block)) FROM pages_fts_data").fetchone()[0]
        index += self.db.execute("SELECT count(*) * 24 FROM pages_fts_idx").fetchone()[0]
        return int(index or 0), self.path.stat().st_size

    def search(self, query: str, limit: int = 10, filters: dict[str, Any] | None = None,
               facets: bool = False) -> tuple[list[dict[str, Any]], dict[str, Counter[str]]]:
        """Top ``limit`` reports (best page + snippet each), like the product; facet counts
        over every matching report when ``facets``."""
        where, args = "pages_fts MATCH ?", [query]
        if filters:
            if "board" in filters:
                where += " AND d.board = ?"
                args.append(filters["board"])
            if "year" in filters:
                where += " AND d.year BETWEEN ? AND ?"
                args += list(filters["year"])
        rows = self.db.execute(
            f"SELECT f.rowid FROM pages_fts f JOIN docs d ON d.n = f.rowid / 100000 "
            f"WHERE {where} ORDER BY bm25(pages_fts, 1.0, 2.0) LIMIT ?",
            (*args, max(limit * 20, 200))).fetchall()
        hits: dict[int, dict[str, Any]] = {}
        for (rowid,) in rows:
            n, page = divmod(rowid, 100_000)
            if n in hits:
                hits[n]["pages"].append(page)
            elif len(hits) < limit:
                hits[n] = {"id": self.docs[n]["doc_id"], "page": page, "pages": [page]}
        for n, hit in hits.items():
            hit["snippet"] = self.db.execute(
                "SELECT snippet(pages_fts, 0, '<mark>', '</mark>', '...', 24) FROM pages_fts "
                "WHERE pages_fts MATCH ? AND rowid = ?",
                (query, n * 100_000 + hit["page"])).fetchone()[0]
        counts: dict[str, Counter[str]] = {}
        if facets:
            matched = {r[0] // 100_000 for r in self.db.execute(
                f"SELECT f.rowid FROM pages_fts f JOIN docs d ON d.n = f.rowid / 100000 "
                f"WHERE {where}", args)}
            counts = {f: Counter() for f in FACETS}
            for n in matched:
                d = self.docs[n]
                for f in FACETS[:-1]:
                    counts[f][str(d[f])] += 1
                counts["themes"].update(t for t in d["themes"].split(",") if t)
        return list(hits.values()), counts


# -- the product, per backend ---------------------------------------------------------------
class Unavailable(Exception):
    """The product does not offer this backend yet."""


def _call(fn: Callable[..., Any], backend: str, *args: Any, **kwargs: Any) -> Any:
    """``fn(..., backend=backend)``; whoosh (the default) without the keyword if unknown."""
    accepts = "backend" in inspect.signature(fn).parameters
    if not accepts:
        if backend == "whoosh":
            return fn(*args, **kwargs)
        raise Unavailable(f"{fn.__name__}() has no backend= keyword yet")
    try:
        return fn(*args, backend=backend, **kwargs)
    except (TypeError, ValueError, ImportError) as exc:
        raise Unavailable(f"{type(exc).__name__}: {exc}") from exc


def du(path: Path) -> int:
    """Bytes on disk under ``path`` (file sizes, like ``du -b``)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _index_path(data: Path, backend: str) -> Path:
    """Where the product's index of ``backend`` lives under DATA."""
    from index.backend import index_dir

    return index_dir(data, backend)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def percentiles(samples: list[float]) -> tuple[float, float]:
    arr = np.array(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


def run_queries(fn: Callable[[dict[str, Any]], Any], mix: dict[str, list[dict[str, Any]]],
                reps: int, every: list[float] | None = None
                ) -> Iterator[tuple[str, float, float, int]]:
    """Per class: (class, p50 ms, p95 ms, hits of the first variant); one warm-up each.

    Every timed sample (seconds) is also appended to ``every``: the whole mix's percentiles.
    """
    for name, variants in mix.items():
        for v in variants:
            fn(v)
        samples, hits = [], 0
        for k in range(reps):
            v = variants[k % len(variants)]
            t, out = timed(lambda v=v: fn(v))
            samples.append(t)
            if k == 0:
                hits = len(out[0])
        p50, p95 = percentiles(samples)
        if every is not None:
            every.extend(samples)
        yield name, p50, p95, hits


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python bench/search.py", description=__doc__.split("\n")[0])
    p.add_argument("--docs", type=int, default=2000, help="reports (default 2000)")
    p.add_argument("--pages", type=int, default=50, help="pages per report (default 50)")
    p.add_argument("--scale", type=int, default=1, help="multiply --docs (e.g. 10)")
    p.add_argument("--quick", action="store_true", help="200 reports x 50 pages")
    p.add_argument("--backends", default="tantivy,whoosh", help="comma-separated")
    p.add_argument("--reps", type=int, default=21, help="timed runs per query class")
    p.add_argument("--keep", type=Path, help="work in this DATA dir and keep it")
    args = p.parse_args(argv)
    docs = (200 if args.quick else args.docs) * args.scale
    from index import search as product

    data = args.keep or Path(tempfile.mkdtemp(prefix="bench-search-"))
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    t_start = time.perf_counter()
    try:
        print(f"corpus: {docs:,} reports x {args.pages} pages x ~{WORDS_PER_PAGE} words "
              f"= ~{docs * args.pages * WORDS_PER_PAGE / 1e6:,.1f} M words; DATA={data}")
        corpus = Corpus(docs, args.pages)
        t_gen, _ = timed(lambda: [corpus.pages(i) for i in range(min(docs, 20))])
        print(f"  generation: {t_gen / min(docs, 20) * 1000:.1f} ms per report")
        cat = Catalogue(data / "catalogue.sqlite")
        t_fill, _ = timed(lambda: fill_catalogue(cat, corpus))
        print(f"  catalogue filled (generation included) in {t_fill:.1f} s, "
              f"{_mib(du(data / 'catalogue.sqlite'))}; peak RSS {rss_mib():,.0f} MiB")
        mix = query_mix(corpus)
        changed = {"n": 0}

        def revise() -> str:
            """Change one report's pages and title in the catalogue; returns its id."""
            changed["n"] += 1
            i = 7
            meta = dict(corpus.meta[i], title=f"{corpus.meta[i]['title']} (rev {changed['n']})")
            with cat.transaction():
                return _save_report(cat, corpus, i, corpus.pages(i, changed["n"]), meta)

        rows: dict[str, dict[str, Any]] = {}
        fts = Fts5(data / "fts5.sqlite")
        t_build, _ = timed(lambda: fts.build(cat))
        index_bytes, file_bytes = fts.sizes()
        doc_id = revise()
        t_upd, _ = timed(lambda: fts.update(cat, doc_id))
        every: list[float] = []
        rows["fts5"] = {"build": t_build, "size": index_bytes, "size_note": _mib(file_bytes),
                        "update": t_upd, "noop": None,
                        "queries": {n: (a, b, h) for n, a, b, h in run_queries(
                            lambda v: fts.search(v["fts"], 10, v.get("filters"), True),
                            mix, args.reps, every)}}
        rows["fts5"]["mix"] = percentiles(every)
        print(f"  fts5: build {t_build:.1f} s, index {_mib(index_bytes)} "
              f"({_mib(file_bytes)} with its copy of the text); peak RSS {rss_mib():,.0f} MiB")

        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            try:
                t_build, counts = timed(lambda b=backend: _call(
                    product.build_index, b, cat, data, rebuild=True))
            except Unavailable as exc:
                print(f"  {backend}: skipped: not available ({exc})")
                rows[backend] = {"skipped": str(exc)}
                continue
            size = du(_index_path(data, backend))
            doc_id = revise()
            t_upd, _ = timed(lambda b=backend: _call(product.build_index, b, cat, data))
            t_noop, _ = timed(lambda b=backend: _call(product.build_index, b, cat, data))
            def ask(v: dict[str, Any], b: str = backend) -> Any:
                """The explorer's call: the top 10 with snippets, the total and every facet."""
                out = _call(product.find, b, cat, data, v["q"], limit=10,
                            filters=v.get("filters"), facets=True)
                return out.hits, out.facets

            every = []
            queries = {n: (a, b, h) for n, a, b, h in run_queries(ask, mix, args.reps, every)}
            rows[backend] = {"build": t_build, "size": size, "update": t_upd, "noop": t_noop,
                             "queries": queries, "counts": dict(counts),
                             "mix": percentiles(every)}
            print(f"  {backend}: build {t_build:.1f} s ({dict(counts)}), index {_mib(size)}; "
                  f"peak RSS {rss_mib():,.0f} MiB")
        report(rows, docs, args.pages, args.reps)
        print(f"\npeak RSS (whole run): {rss_mib():,.0f} MiB; wall "
              f"{time.perf_counter() - t_start:,.0f} s")
        cat.close()
        fts.db.close()
    finally:
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    return 0


def report(rows: dict[str, dict[str, Any]], docs: int, pages: int, reps: int) -> None:
    """The table: one column per engine, ratios to FTS5 in brackets."""
    base = rows["fts5"]
    engines = [e for e in rows if "skipped" not in rows[e]]

    def cell(e: str, value: float | None, base_value: float | None, fmt: str) -> str:
        if value is None:
            return "-"
        text = fmt.format(value)
        if e != "fts5" and base_value:
            text += f" ({value / base_value:.1f}x)"
        return text

    print(f"\n{docs:,} reports x {pages} pages = {docs * pages:,} pages; "
          f"latency over {reps} runs per class (after one warm-up per query); "
          "ratio to FTS5 in brackets")
    print("| figure | " + " | ".join(engines) + " |")
    print("| --- |" + " --- |" * len(engines))
    lines = [("build", "build s", "{:.1f} s"), ("update", "update one report", "{:.2f} s"),
             ("noop", "update, nothing changed", "{:.2f} s")]
    for key, label, fmt in lines:
        print(f"| {label} | " + " | ".join(cell(e, rows[e][key], base[key], fmt)
                                           for e in engines) + " |")
    print("| index size | " + " | ".join(
        cell(e, rows[e]["size"] / 2**20, base["size"] / 2**20, "{:,.0f} MiB") for e in engines)
        + " |")
    for name, (b50, b95, _) in base["queries"].items():
        for label, k, bval in (("p50", 0, b50), ("p95", 1, b95)):
            cells = []
            for e in engines:
                q = rows[e]["queries"][name]
                if e != "fts5" and len(q) > 3 and label == "p50":
                    cells.append(f"{q[3]}; top 10 {q[0]:.0f} ms ({q[0] / b50:.1f}x)")
                    continue
                cells.append(cell(e, q[k], bval, "{:.1f} ms"))
            print(f"| {name} {label} | " + " | ".join(cells) + " |")
    for label, k in (("whole mix p50", 0), ("whole mix p95", 1)):
        print(f"| {label} | " + " | ".join(
            cell(e, rows[e]["mix"][k], base["mix"][k], "{:.1f} ms") for e in engines) + " |")
    print("| hits (reports, first query of each class) | " + " | ".join(
        ", ".join(f"{n} {q[2]}" for n, q in rows[e]["queries"].items()) for e in engines) + " |")
    print(f"\nFTS5 index size is the inverted index alone; its database file also keeps a copy of "
          f"the text ({base['size_note']}).")
    for e, row in rows.items():
        if "skipped" in row:
            print(f"{e}: skipped: not available ({row['skipped']})")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
