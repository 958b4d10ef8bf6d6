"""The topic model on a synthetic corpus with planted themes: fit time, coherence, stability.

A deterministic synthetic corpus (default 2,000 reports x 6 pages x 3 paragraphs of 60 words)
is drawn with a seeded numpy RNG: each report gets 1-3 of 18 planted themes; each paragraph
mixes background words (a Zipf-distributed vocabulary of 3,000 made-up words) with words of one
of its report's themes (40 words per theme, Zipf within the theme) at ``--signal`` (0.4).
It prints:

* the fit of the product's model (``analysis.topics.fit_topic_model``, k chosen among
  ``--ks``) on the whole corpus: seconds, chosen k, mean NPMI, stability, alignment (how many
  planted themes have a topic correlating >= 0.3 with them, distinct topics, NMI);
* for every k in ``--ks``: mean NPMI of the full fit and 5-seed stability (subsample runs);
* NMF against LDA on a subsample of ``--sub`` reports: fit seconds (and the ratio), mean NPMI
  and 5-seed stability (matched top-10 Jaccard over seeds, full subsample, random inits);
* with ``--catalogue PATH``: the same product fit on a real catalogue (read only).

    .venv/bin/python -m bench.topics --quick        # 300 reports, LDA on 100 (~1 min)
    .venv/bin/python -m bench.topics                # 2,000 reports, LDA on 300
    .venv/bin/python -m bench.topics --catalogue scr-demo/catalogue.sqlite
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from analysis.topic_quality import npmi_coherence, topic_stability
from analysis.topics import Unit, _top, _vectorise, fit_topic_model, stability_runs

N_THEMES = 18
THEME_WORDS = 40
BACKGROUND = 3000


def _word(prefix: str, i: int) -> str:
    """A made-up, letters-only word: ``prefix`` then ``i`` spelt in base 16 with consonants."""
    letters = "bcdfghklmnprstvz"
    out = ""
    while True:
        out = letters[i % 16] + out
        i //= 16
        if not i:
            return prefix + "o" + out


def synthetic_corpus(reports: int, pages: int = 6, paras: int = 3, words: int = 60,
                     signal: float = 0.4, seed: int = 0) -> tuple[list[Unit], dict]:
    """Units and doc -> planted theme ids of a deterministic synthetic corpus."""
    rng = np.random.default_rng(seed)
    background = [_word("qa", i) for i in range(BACKGROUND)]
    themes = {f"theme{t:02d}": [_word("t" + chr(97 + t), i) for i in range(THEME_WORDS)]
              for t in range(N_THEMES)}
    names = list(themes)

    def zipf(n: int) -> np.ndarray:
        p = 1.0 / np.arange(1, n + 1)
        return p / p.sum()

    p_bg, p_th = zipf(BACKGROUND), zipf(THEME_WORDS)
    units, theme_map = [], {}
    for r in range(reports):
        doc = f"r{r:05d}"
        mine = list(rng.choice(names, rng.integers(1, 4), replace=False))
        theme_map[doc] = mine
        for page in range(1, pages + 1):
            for _ in range(paras):
                theme = themes[mine[rng.integers(len(mine))]]
                n_sig = rng.binomial(words, signal)
                text = " ".join(list(rng.choice(background, words - n_sig, p=p_bg))
                                + list(rng.choice(theme, n_sig, p=p_th)))
                units.append(Unit(doc, page, text))
    return units, theme_map


def report_model(name: str, model: dict, seconds: float) -> None:
    a = model["alignment"]
    topics = {v["topic"] for v in a["core_themes"].values()}
    print(f"{name}: {model['n_units']} units, vocabulary {model['vocabulary']}, "
          f"fit {seconds:.1f} s; k={model['k']}, mean NPMI {model['npmi']:.3f}, "
          f"{model['runs']}-run stability {model['stability']:.3f}")
    print("  candidates: " + ", ".join(
        f"k={c['k']} NPMI {c['npmi']:.3f} stab "
        + ("-" if c["stability"] is None else f"{c['stability']:.3f}")
        for c in model["selection"]["candidates"]))
    print(f"  alignment: {a['matched']}/{len(a['core_themes'])} themes matched (r >= "
          f"{a['min_r']}), {len(topics)} distinct best topics, NMI {a['nmi']:.3f}")


def nmf_vs_lda(units: list[Unit], k: int, seeds: int) -> None:
    from sklearn.decomposition import NMF, LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    texts = [u.text for u in units]
    tfidf, vocab = _vectorise(texts, (), 3)
    counts = CountVectorizer(vocabulary=vocab, token_pattern=r"(?u)\b[a-z][a-z]{2,}\b")
    counts = counts.fit_transform(texts)
    out = {}
    for name in ("nmf", "lda"):
        runs, secs = [], []
        for s in range(seeds):
            t = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if name == "nmf":
                    comp = NMF(k, init="nndsvdar", random_state=s, max_iter=300).fit(tfidf)
                else:
                    comp = LatentDirichletAllocation(k, random_state=s, learning_method="batch",
                                                     max_iter=20).fit(counts)
            secs.append(time.perf_counter() - t)
            runs.append(_top(comp.components_, 10))
        npmi = float(np.mean(npmi_coherence(runs[0], tfidf)))
        stab = topic_stability([[[vocab[i] for i in t] for t in r] for r in runs])
        out[name] = (float(np.mean(secs)), npmi, stab)
        print(f"  {name.upper()}: {out[name][0]:.2f} s a fit, NPMI {npmi:.3f}, "
              f"{seeds}-seed stability {stab:.3f}")
    print(f"  LDA/NMF fit time {out['lda'][0] / out['nmf'][0]:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--sub", type=int, default=300, help="reports for NMF vs LDA")
    parser.add_argument("--ks", default="12,18,24")
    parser.add_argument("--signal", type=float, default=0.4)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--catalogue", help="also fit a real catalogue (read only)")
    args = parser.parse_args()
    if args.quick:
        args.reports, args.sub = 300, 100
    ks = tuple(int(k) for k in args.ks.split(","))

    t = time.perf_counter()
    units, theme_map = synthetic_corpus(args.reports, signal=args.signal)
    print(f"synthetic corpus: {args.reports} reports, {len(units)} paragraphs, "
          f"{N_THEMES} planted themes, generated in {time.perf_counter() - t:.1f} s")
    labels = {t: t for t in sorted({t for v in theme_map.values() for t in v})}
    t = time.perf_counter()
    model = fit_topic_model(units, theme_map, labels, ks=ks, core_themes=list(labels))
    report_model("product model (whole corpus)", model, time.perf_counter() - t)

    print("every candidate k (whole corpus):")
    texts = [u.text for u in units]
    matrix, vocab = _vectorise(texts, (), 3)
    for k in ks:
        t = time.perf_counter()
        from analysis.topics import _nmf
        _, comp = _nmf(matrix, k, 0, "nndsvda")
        fit = time.perf_counter() - t
        npmi = float(np.mean(npmi_coherence(_top(comp, 10), matrix)))
        stab = topic_stability(stability_runs(matrix, k))
        print(f"  k={k}: fit {fit:.1f} s, mean NPMI {npmi:.3f}, 5-seed stability {stab:.3f}")

    sub = [u for u in units if int(u.doc_id[1:]) < args.sub]
    print(f"NMF vs LDA on {args.sub} reports ({len(sub)} paragraphs), k={N_THEMES}:")
    nmf_vs_lda(sub, N_THEMES, 5 if not args.quick else 3)

    if args.catalogue:
        from analysis.taxonomy import theme_labels
        from analysis.topics import paragraph_units
        from ingest.catalogue import Catalogue

        with Catalogue(args.catalogue) as cat:
            reviews = [r for r in cat.reports() if r["status"] == "ok"]
            pages = [(r["id"], cat.page_texts(r["id"])) for r in reviews]
            tmap = cat.theme_map()
        t = time.perf_counter()
        real = fit_topic_model(paragraph_units(pages), tmap, theme_labels(), ks=(10, 20))
        report_model(f"catalogue {args.catalogue}", real, time.perf_counter() - t)
        for theme, a in real["alignment"]["core_themes"].items():
            print(f"    {theme}: topic {a['topic']} r={a['r']:.2f} "
                  f"({real['topics'][a['topic']]['label']})")


if __name__ == "__main__":
    main()
