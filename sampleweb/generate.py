"""Generate the sample web: a seeded, byte-for-byte reproducible mini national web of
fictional safeguarding boards, with a manifest that is the ground truth for ``scr eval``.

Layout written under ``out_dir``::

    hosts/<host_key>/...            the files of each host
    hosts/<host_key>/_routes.json   redirects, fail-once pages, Content-Type overrides
    manifest.json                   hosts, documents, pages and special behaviour

Each board's documents are planned, composed and rendered first; then a few of them are
republished as near-duplicate copies by neighbouring boards (:mod:`sampleweb.mirrors`); then
the sites are written.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from pathlib import Path

from sampleweb.boards import DOCSTORE_KEY, DOCSTORE_NAME, Board, select_boards
from sampleweb.cases import plan_cases
from sampleweb.compose import compose_review
from sampleweb.distract import compose_distractor
from sampleweb.docplan import assign_statuses, ensure_html, plan_case_docs, plan_distractors
from sampleweb.linkgraph import discover
from sampleweb.manifest import build_manifest, check_known_items
from sampleweb.mirrors import plan_mirrors
from sampleweb.model import Case, Doc
from sampleweb.passages import PassageBank, load_passages
from sampleweb.pdfwrite import choose_style, render_pdf
from sampleweb.phrases import PhraseMaker
from sampleweb.sites import SiteOut, build_board_site, build_docstore
from sampleweb.urls import assign_paths

logger = logging.getLogger(__name__)

GENERATOR_VERSION = 2  # 2: mirrors, stated age/sex/outcome, recommendations


def _make_docs(board: Board, bank: PassageBank, seed: int, small: bool,
               phrases: PhraseMaker) -> tuple[list[Case], list[Doc]]:
    rng = random.Random(f"{seed}-{board.key}")
    cases = plan_cases(board, rng, small)
    docs = [d for c in cases for d in plan_case_docs(board, c, rng)]
    docs += plan_distractors(board, rng, small)
    ensure_html(board, docs)
    assign_statuses(board, docs, rng)
    assign_paths(board, docs, rng)
    for doc in docs:
        drng = random.Random(f"{seed}-{doc.id}")
        if doc.is_review:
            known = phrases.sentence(doc.doc_type, drng) if doc.status == "ok" else None
            doc.content = compose_review(doc, board, bank, drng, known)
        else:
            doc.content = compose_distractor(doc, board, bank, drng, cases)
        if doc.format == "pdf":
            doc.style = choose_style(doc, board, drng)
            rendered = render_pdf(doc, board, doc.content, doc.style)
            doc.data, doc.pages = rendered.data, rendered.pages
            doc.known_page, doc.item_pages = rendered.known_page, rendered.item_pages
    return cases, docs


def _write_host(root: Path, site: SiteOut) -> None:
    base = root / "hosts" / site.host
    for rel, data in sorted(site.files.items()):
        target = base / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    routes = json.dumps(site.routes, sort_keys=True, indent=1) + "\n"
    (base / "_routes.json").write_text(routes, encoding="utf-8")


def generate(out_dir: Path, seed: int = 7, small: bool = False, *,
             passages_dir: Path | None = None) -> dict:
    """Write the sample web under out_dir and return its manifest."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    bank = load_passages(passages_dir)
    boards = select_boards(small)
    phrases = PhraseMaker(random.Random(f"{seed}-phrases"))
    sites: dict[str, SiteOut] = {}
    all_docs: list[Doc] = []
    made: list[tuple[Board, list[Case], list[Doc]]] = []
    for board in boards:
        cases, docs = _make_docs(board, bank, seed, small, phrases)
        made.append((board, cases, docs))
        all_docs += docs
    mirrors = plan_mirrors(boards, all_docs, seed)
    all_docs += mirrors
    for board, cases, docs in made:
        partners = [(b.name, b.key) for b in boards if b.key != board.key]
        site_rng = random.Random(f"{seed}-{board.key}-site")
        sites[board.key] = build_board_site(
            board, cases, docs, partners, site_rng,
            neighbours=[m for m in mirrors if m.lister == board.key],
            neighbours_rng=random.Random(f"{seed}-{board.key}-neighbours"))
    if any(d.host == DOCSTORE_KEY for d in all_docs):
        sites[DOCSTORE_KEY] = build_docstore(all_docs)
    notes = discover(sites, {b.key: b.seed_path for b in boards}, all_docs)
    by_id = {d.id: d for d in all_docs}
    for mirror in mirrors:
        if not (mirror.discoverable and by_id[mirror.duplicate_of or ""].discoverable):
            raise RuntimeError(f"near-duplicate {mirror.id} or its original is not discoverable")
    check_known_items(all_docs, sites)
    manifest = build_manifest(seed, small, boards, all_docs, sites, notes,
                              docstore_name=DOCSTORE_NAME, version=GENERATOR_VERSION)
    # drop the old manifest first, so an interrupted run never looks complete to ensure()
    (out_dir / "manifest.json").unlink(missing_ok=True)
    if (out_dir / "hosts").exists():
        shutil.rmtree(out_dir / "hosts")
    out_dir.mkdir(parents=True, exist_ok=True)
    for site in sites.values():
        _write_host(out_dir, site)
    tmp = out_dir / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out_dir / "manifest.json")
    logger.info("sample web (seed %d, small=%s): %d documents in %.1fs", seed, small,
                len(all_docs), time.perf_counter() - started)
    return manifest


def ensure(out_dir: Path, seed: int = 7, small: bool = False) -> dict:
    """Return the manifest in out_dir, regenerating the web only when it is stale."""
    path = Path(out_dir) / "manifest.json"
    if path.exists() and (Path(out_dir) / "hosts").is_dir():
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        if (manifest.get("generator_version") == GENERATOR_VERSION
                and manifest.get("seed") == seed and manifest.get("small") == small):
            return manifest
    return generate(Path(out_dir), seed=seed, small=small)
