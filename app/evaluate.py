"""`scr eval`: score a build of the sample web against the generator's manifest.

Figures: discovery recall and precision of case-review documents; fetches of URLs that the
host's robots.txt disallows; extraction status agreement; metadata accuracy per field; theme
precision, recall and F1 (micro, core themes); known-item search (a distinctive phrase of each
document, searched as a phrase, must bring that document first, at the right page).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from analysis.queries import report_records
from analysis.taxonomy import CORE_THEMES
from analysis.topic_quality import theme_alignment
from app import eval_facts
from app.eval_held_out import BOOTSTRAP_ROUNDS, HeldOutDoc, score
from app.pipeline import open_catalogue
from ingest.errors import AtlasError

SAMPLE_RECORD = "sample-web.json"  # written into DATA by `scr demo` and the tests
FIELDS = ("board", "year", "doc_type", "review_type", "child")


def record_sample_web(data: Path, root: Path, base_urls: dict[str, str]) -> None:
    """Remember which generated sample web (and on which ports) a data directory was built from."""
    Path(data).mkdir(parents=True, exist_ok=True)
    (Path(data) / SAMPLE_RECORD).write_text(
        json.dumps({"root": str(Path(root).resolve()), "base_urls": base_urls}, indent=1))


def _load(data: Path, manifest_dir: Path | None) -> tuple[dict, dict[str, str]]:
    rec_path = Path(data) / SAMPLE_RECORD
    if not rec_path.exists():
        raise AtlasError(f"{data} was not built from the sample web (no {SAMPLE_RECORD}); "
                         "build it with `scr demo`")
    rec = json.loads(rec_path.read_text())
    root = Path(manifest_dir or rec["root"])
    manifest_path = root / "manifest.json"
    if not manifest_path.exists():
        raise AtlasError(f"no sample-web manifest at {manifest_path}")
    return json.loads(manifest_path.read_text()), rec["base_urls"]


def _keyer(base_urls: dict[str, str]) -> Any:
    by_netloc = {urlsplit(u).netloc: key for key, u in base_urls.items()}

    def key(url: str) -> tuple[str, str] | None:
        parts = urlsplit(url)
        host = by_netloc.get(parts.netloc)
        return (host, parts.path) if host else None

    return key


def _norm_child(name: str | None) -> str:
    return re.sub(r"\s+", " ", (name or "").strip().lower())


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _robots_violations(cat: Any, manifest_root: Path, key: Any) -> int:
    from protego import Protego

    from ingest.settings import Settings

    agent = Settings().user_agent
    rules: dict[str, Any] = {}
    bad = 0
    for row in cat.fetch_log():
        k = key(row["url"])
        if not k or k[1] == "/robots.txt":
            continue
        host = k[0]
        if host not in rules:
            robots = manifest_root / "hosts" / host / "robots.txt"
            rules[host] = Protego.parse(robots.read_text()) if robots.exists() else None
        if rules[host] is not None and not rules[host].can_fetch(row["url"], agent):
            bad += 1
    return bad


def _status_agrees(cat: Any, record: dict, expected: str) -> bool:
    """The status the manifest expects; a scanned PDF read by OCR counts as needs_ocr met."""
    if record["status"] == expected:
        return True
    if expected == "needs_ocr" and record["status"] == "ok":
        ex = cat.extraction(record["id"])
        return bool(ex and ex["meta"].get("ocr"))
    return False


def _offsite_page_fetches(cat: Any) -> int:
    """HTML pages fetched outside every source's site (seed hosts and allow lists)."""
    from ingest.urls import host_of, in_prefixes

    sites: list[str] = []
    for src in cat.sources():
        sites += [host_of(u) for u in src["config"].get("urls", [src["url"]])]
        sites += src["config"].get("allow", [])
    rows = cat.db.execute("SELECT url, final_url FROM urls WHERE kind = 'page'").fetchall()
    return sum(1 for url, final in rows if not in_prefixes(final or url, sites))


def evaluate(data: Path, manifest_dir: Path | None = None) -> dict[str, Any]:
    """All figures as a dict (see the module docstring)."""
    from index.search import search

    manifest, base_urls = _load(data, manifest_dir)
    root = Path(manifest_dir or json.loads((Path(data) / SAMPLE_RECORD).read_text())["root"])
    key = _keyer(base_urls)
    truth = {(d["host"], d["path"]): d for d in manifest["documents"]}
    expected = {k for k, d in truth.items() if d["is_review"] and d.get("discoverable", True)}
    with open_catalogue(data) as cat:
        records = report_records(cat)
        found: dict[tuple[str, str], dict] = {}
        for r in records:
            for url in r["urls"]:
                k = key(url)
                if k:
                    found.setdefault(k, r)
        found_docs = {r["id"] for r in found.values()}
        unmatched = [r for r in records if r["id"] not in found_docs]
        true_pos = {k for k in found if k in truth and truth[k]["is_review"]}
        # a near-duplicate copy is folded into its original's record: score the original once
        originals = {k for k in true_pos if not truth[k].get("duplicate_of")}
        false_pos = [k for k in found if k not in truth or not truth[k]["is_review"]]
        scores: dict[str, Any] = {
            "review_documents_expected": len(expected),
            "copies_expected": sum(1 for k in expected if truth[k].get("duplicate_of")),
            "review_documents_listed": len(records),
            "discovery_recall": _ratio(len(expected & set(found)), len(expected)),
            "discovery_precision": _ratio(len(true_pos), len(true_pos) + len(false_pos)
                                          + len(unmatched)),
            "robots_violations": _robots_violations(cat, root, key),
            "offsite_page_fetches": _offsite_page_fetches(cat),
            "missed": sorted(f"{h}{p}" for h, p in expected - set(found)),
            "false_positives": sorted(f"{h}{p}" for h, p in false_pos),
        }
        status_ok = sum(1 for k in originals
                        if _status_agrees(cat, found[k], truth[k].get("expected_status", "ok")))
        scores["extraction_status_agreement"] = _ratio(status_ok, len(originals))
        field_hits: Counter[str] = Counter()
        field_total: Counter[str] = Counter()
        for k in true_pos:
            t, r = truth[k], found[k]
            for f in FIELDS:
                if t.get(f) is None:
                    continue
                field_total[f] += 1
                same = (_norm_child(r[f]) == _norm_child(t[f])) if f == "child" else r[f] == t[f]
                field_hits[f] += int(same)
        scores["metadata_accuracy"] = {f: _ratio(field_hits[f], field_total[f]) for f in FIELDS}
        pairs = [(truth[k], found[k]) for k in sorted(true_pos)]
        by_id = {truth[k]["id"]: found[k] for k in true_pos}
        scores["child_facts"] = eval_facts.child_facts(pairs)
        scores["cases"] = eval_facts.cases(pairs)
        scores["duplicates"] = eval_facts.duplicates(pairs, by_id)
        if any("recommendations" in t for t, _ in pairs):
            recs = {r["id"]: cat.recommendations(r["id"]) for _, r in pairs}
            scores["recommendations"] = eval_facts.recommendations(pairs, recs)
        # documents with a text layer: OCR (when installed) must not move the theme figures
        scored = [(truth[k], found[k]) for k in originals
                  if found[k]["status"] == "ok" and truth[k].get("expected_status", "ok") == "ok"]
        scores["themes"] = theme_scores(scored)
        held = [(t, r) for t, r in scored if t.get("held_out")]
        if held:  # documents composed only of passages the tagger never trained on
            scores["themes_held_out"] = theme_scores(held, rounds=BOOTSTRAP_ROUNDS)
            if all("planted_themes" in t for t, _ in held):  # beside: the written-for themes
                scores["themes_held_out_planted"] = theme_scores(held, "planted_themes")
        planted = {found[k]["id"]: truth[k].get("themes", []) for k in originals}
        scores["topics"] = _topic_figures(cat.get_json("topics") or {}, planted)
        first = right_page = asked = 0
        for k in sorted(true_pos):
            item = truth[k].get("known_item")
            if not item or found[k]["status"] != "ok":
                continue
            asked += 1
            hits, _ = search(cat, data, f'"{item["phrase"]}"', limit=5)
            if hits and hits[0]["id"] == found[k]["id"]:
                first += 1
                right_page += int(hits[0]["page"] == item.get("page"))
        scores["known_item"] = {"queries": asked, "top1": _ratio(first, asked),
                                "right_page": _ratio(right_page, asked)}
    return scores


def theme_scores(pairs: list[tuple[dict, dict]], truth_key: str = "themes",
                 rounds: int = 0) -> dict[str, Any]:
    """Micro precision, recall and F1, per-theme F1 and the denied-themes-tagged rate, computed
    by :func:`app.eval_held_out.score` (one implementation for both evaluations); with
    ``rounds``, also the micro-F1's 95% interval (``f1_interval``) from the two-way bootstrap
    of cases and passages (the manifest's ``case`` and ``theme_passages``).

    ``truth_key``: the manifest's "themes" (every theme the document's passages show) or
    "planted_themes" (only the themes its present passages were written for)."""
    core = set(CORE_THEMES)
    docs, predicted = [], []
    for i, (truth, found) in enumerate(pairs):
        gold = set(truth.get(truth_key, [])) & core
        # a theme the document mentions only to deny it ("no evidence of domestic abuse")
        denied = (set(truth.get("negated_themes", [])) & core) - gold
        passages = {t: set(ids) for t, ids in (truth.get("theme_passages") or {}).items()
                    if t in core}
        docs.append(HeldOutDoc(truth.get("case") or f"doc-{i}", truth.get("doc_type", ""), [],
                               gold, gold, denied, passages))
        predicted.append(set(found["themes"]) & core)
    got = score(docs, predicted, rounds=rounds)
    return {
        "documents": got["documents"], "precision": got["precision"], "recall": got["recall"],
        "f1": got["f1"], "per_theme_f1": {t: row["f1"] for t, row in got["per_theme"].items()},
        "negated": got["denied"], "negated_tagged_rate": got["denied_tagged_rate"],
        **({"f1_interval": got["f1_interval"], "cases": got["cases"]} if rounds else {}),
    }


def _topic_figures(model: dict[str, Any],
                   planted: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """What the stored topic model says of itself (k, coherence, stability, alignment with the
    tagged themes) and, given ``planted`` (doc id -> the generator's themes), how its document
    weights line up with the themes the generator planted."""
    alignment = model.get("alignment") or {}
    core = alignment.get("core_themes") or {}
    out = {"k": model.get("k"), "npmi": model.get("npmi"), "stability": model.get("stability"),
           "nmi": alignment.get("nmi"), "core_matched": alignment.get("matched"),
           "core_themes": len(core), "fit_seconds": model.get("fit_seconds")}
    planted = planted or {}
    documents = {d: w for d, w in (model.get("documents") or {}).items() if d in planted}
    if documents and model.get("k"):
        doc_ids = sorted(documents)
        weights = np.array([[documents[d].get(str(t), 0.0) for t in range(model["k"])]
                            for d in doc_ids])
        got = theme_alignment(doc_ids, weights, planted, list(CORE_THEMES))
        min_r = alignment.get("min_r", 0.3)
        out["planted"] = {"nmi": got["nmi"], "themes": len(got["themes"]),
                          "matched": sum(1 for a in got["themes"].values() if a["r"] >= min_r),
                          "r": {t: a["r"] for t, a in got["themes"].items()}}
    return out


def gate_figures(scores: dict[str, Any]) -> dict[str, float]:
    """The figures the quality gate holds floors for, flattened to name -> value."""
    figures = {
        "discovery_recall": scores["discovery_recall"],
        "discovery_precision": scores["discovery_precision"],
        "extraction_status_agreement": scores["extraction_status_agreement"],
        "themes_precision": scores["themes"]["precision"],
        "themes_recall": scores["themes"]["recall"],
        "themes_f1": scores["themes"]["f1"],
        # a ceiling expressed as a floor: the share of denied themes not tagged
        "themes_negated_clean": round(1 - scores["themes"].get("negated_tagged_rate", 0.0), 4),
        **_held_out_figures(scores.get("themes_held_out")),
        "known_item_top1": scores["known_item"]["top1"],
        "known_item_right_page": scores["known_item"]["right_page"],
        # a ceiling expressed as a floor: 1.0 means no robots-disallowed URL was fetched
        "robots_clean": 1.0 if scores["robots_violations"] == 0 else 0.0,
        "offsite_clean": 1.0 if scores.get("offsite_page_fetches", 0) == 0 else 0.0,
    }
    figures.update({f"metadata_{k}": v for k, v in scores["metadata_accuracy"].items()})
    figures.update({f"metadata_{k}": v["accuracy"] for k, v in scores["child_facts"].items()})
    figures["cases_f1"] = scores["cases"]["f1"]
    if scores["duplicates"]["copies"]:
        figures["duplicates_folded"] = scores["duplicates"]["folded"]
    topics = scores.get("topics") or {}
    for name in ("npmi", "stability", "nmi"):
        if topics.get(name) is not None:
            figures[f"topics_{name}"] = topics[name]
    if "recommendations" in scores:
        figures["recommendations_recall"] = scores["recommendations"]["recall"]
        figures["recommendations_precision"] = scores["recommendations"]["precision"]
    return figures


def _held_out_figures(held: dict[str, Any] | None) -> dict[str, float]:
    if not held:
        return {}
    return {"themes_held_out_f1": held["f1"],
            "themes_held_out_min_core_f1": min(held["per_theme_f1"].values()),
            "themes_held_out_negated_clean": round(1 - held.get("negated_tagged_rate", 0.0), 4)}


def gate_failures(scores: dict[str, Any], floors: dict[str, float]) -> list[str]:
    """Every figure below its floor (or missing), as readable lines; empty when the gate holds."""
    figures = gate_figures(scores)
    failures = []
    for name, floor in sorted(floors.items()):
        value = figures.get(name)
        if value is None:
            failures.append(f"{name}: missing from the evaluation")
        elif value < floor:
            failures.append(f"{name}: {value:.4f} is below its floor {floor:.4f}")
    return failures


def write_baseline(data: Path, path: Path, manifest_dir: Path | None = None) -> dict[str, Any]:
    """Record this build's figures as the gate's floors, with the sample web's manifest hash.

    Deliberate: run it only when a change improved the figures (or the sample web changed on
    purpose), and commit the file with the change that justifies it.
    """
    import hashlib

    scores = evaluate(data, manifest_dir)
    rec = json.loads((Path(data) / SAMPLE_RECORD).read_text())
    manifest = Path(manifest_dir or rec["root"]) / "manifest.json"
    baseline = {
        "corpus_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest(),
        "floors": {k: round(v, 4) for k, v in sorted(gate_figures(scores).items())},
    }
    Path(path).write_text(json.dumps(baseline, indent=1) + "\n")
    return baseline


def format_table(scores: dict[str, Any]) -> str:
    """The figures as an aligned text table."""
    rows = [
        ("review documents expected (copies among them) / listed",
         f"{scores['review_documents_expected']} ({scores.get('copies_expected', 0)}) / "
         f"{scores['review_documents_listed']}"),
        ("discovery recall", f"{scores['discovery_recall']:.3f}"),
        ("discovery precision", f"{scores['discovery_precision']:.3f}"),
        ("fetches of robots-disallowed URLs", str(scores["robots_violations"])),
        ("HTML pages fetched outside the sources' sites", str(scores["offsite_page_fetches"])),
        ("extraction status agreement", f"{scores['extraction_status_agreement']:.3f}"),
    ]
    rows += [(f"metadata accuracy: {f}", f"{v:.3f}")
             for f, v in scores["metadata_accuracy"].items()]
    rows += [(f"{f.replace('_months', '')} where stated: accuracy / answered ({v['documents']})",
              f"{v['accuracy']:.3f} / {v['answered']:.3f}")
             for f, v in scores["child_facts"].items()]
    ca, du = scores["cases"], scores["duplicates"]
    rows += [(f"cases pairwise P / R / F1 ({ca['true_pairs']} true pairs)",
              f"{ca['precision']:.3f} / {ca['recall']:.3f} / {ca['f1']:.3f}"),
             (f"near-duplicate copies folded ({du['copies']}), wrong merges",
              f"{du['folded']:.3f}, {du['wrong_merges']}")]
    if "recommendations" in scores:
        rc = scores["recommendations"]
        rows += [(f"recommendations P / R / right page ({rc['expected']} expected)",
                  f"{rc['precision']:.3f} / {rc['recall']:.3f} / {rc['right_page']:.3f}")]
    for key, label in (("themes", "themes"), ("themes_held_out", "themes, held-out documents"),
                       ("themes_held_out_planted", "themes, held-out, written-for themes only")):
        th = scores.get(key)
        if not th:
            continue
        ci = th.get("f1_interval")
        rows += [(f"{label} P / R / F1{' [95% interval]' if ci else ''} "
                  f"({th.get('documents', '?')} documents)",
                  f"{th['precision']:.3f} / {th['recall']:.3f} / {th['f1']:.3f}"
                  + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""))]
        if key == "themes_held_out_planted":
            continue
        if th.get("per_theme_f1"):
            worst = sorted(th["per_theme_f1"].items(), key=lambda kv: kv[1])[:3]
            rows += [(f"{label}: lowest per-theme F1",
                      ", ".join(f"{t} {v:.2f}" for t, v in worst))]
        if th.get("negated"):
            rows += [(f"{label}: denied mentions tagged ({th['negated']})",
                      f"{th['negated_tagged_rate']:.3f}")]
    tp = scores.get("topics") or {}
    if tp.get("k"):
        rows += [("topics: k / mean NPMI / 5-run stability",
                  f"{tp['k']} / {tp['npmi'] or 0:.3f} / {tp['stability'] or 0:.3f}"),
                 (f"topics: tagged core themes matched (of {tp['core_themes']}) / NMI",
                  f"{tp['core_matched']} / {tp['nmi'] or 0:.3f}")]
        if tp.get("planted"):
            pl = tp["planted"]
            rows += [(f"topics: planted core themes matched (of {pl['themes']}) / NMI",
                      f"{pl['matched']} / {pl['nmi']:.3f}")]
    ki = scores["known_item"]
    rows += [(f"known-item search top-1 ({ki['queries']} queries)", f"{ki['top1']:.3f}"),
             ("known-item search right page", f"{ki['right_page']:.3f}")]
    width = max(len(r[0]) for r in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    if scores["missed"]:
        lines.append(f"missed: {', '.join(scores['missed'][:10])}")
    if scores["false_positives"]:
        lines.append(f"false positives: {', '.join(scores['false_positives'][:10])}")
    return "\n".join(lines)
