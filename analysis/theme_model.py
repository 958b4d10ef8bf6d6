"""A learned classifier for the core themes: TF-IDF n-grams and one logistic regression a theme.

Trained at first use (about 3 minutes on 2 cores, then cached) on the tuning part of the labelled
passage bank (data/sample/passages, the same ORIGINAL fictional passages the sample web is composed
from; held-out passages are never seen, see :mod:`sampleweb.passages`):

- the theme models (one a theme) learn what a passage is about: a theme's ``present``,
  ``negated`` ("no evidence of domestic abuse") and ``confusers`` (an agency name, a training
  priority, another person's problem) passages are positives for it (:data:`TOPICAL`), the other
  themes' passages and the report structure and distractor parts (terms of reference, glossary,
  minutes ...) negatives;
- the assertion model (one for all themes) learns whether a passage asserts what it is about
  for this case: present passages against negated and confuser ones;
- the present models (one a theme) learn the whole question at once: a theme's present
  passages (and the passages of other themes that show it too, ``extra_themes.toml``) against
  everything else, its own denied and confuser passages included. A window's
  probability is the mean of the two views, P(about) x P(asserted) and P(present): on
  pseudo-documents the mean scored micro-F1 0.785 against 0.762 for the first view and 0.771 for
  the second (the same pseudo-documents, :mod:`analysis.theme_calibration`);
- every theme passage is also given once more beside a sentence of report structure, as the
  model's windows of three sentences see a passage's edges (:data:`AUGMENT`).

Negation is made visible to the bag of words in the classic way (Das and Chen 2001; Pang et al.
2002): every word after a denial cue up to the next punctuation is written with a ``neg_``
prefix, so "no evidence of domestic abuse" does not share features with "domestic abuse".
Beside the words, each theme gets two features from the rules (:mod:`analysis.theme_rules`):
how many sentences carry a strong and a weak match that counts as evidence (negation, agency
names, boilerplate and the carer test applied), so the lexicon's knowledge reaches wordings
the passages never used. The model scores windows of three consecutive sentences, the unit a
passage is written in; its decision threshold is chosen by cross-validation on
pseudo-documents (:mod:`analysis.theme_calibration`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from analysis.taxonomy import CORE_THEMES, Theme, load_taxonomy
from analysis.theme_rules import about_a_carer, sentence_hits, sentences

logger = logging.getLogger(__name__)

PASSAGE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample" / "passages"
# placeholder values for training text: plain words, no names to learn from
PLACEHOLDER_VALUES = {
    "child": "the child", "mother": "the mother", "father": "the father",
    "partner": "the partner", "sibling": "the sibling", "he": "he", "him": "him", "his": "his",
    "He": "He", "His": "His", "age": "two years old", "area": "the town",
    "board": "the partnership", "year": "2019",
}
_NEG_CUE = re.compile(
    r"\b(no|not|never|nor|neither|without|none|nothing|denied|denies|deny|absence|"
    r"ruled|unfounded|unsubstantiated|excluded|discounted|cannot|can't|didn't|wasn't|"
    r"weren't|isn't|doesn't|n't)\b", re.I)
_CLAUSE_END = re.compile(r"[.,;:!?()]|\b(but|however|although|though|whereas)\b", re.I)
_WORD = re.compile(r"[a-z][a-z'-]+")


_STEMS: dict[str, str] = {}


def _stems(words: list[str]) -> list[str]:
    """Snowball (Porter 2) English stems, cached by word."""
    missing = [w for w in set(words) if w not in _STEMS]
    if missing:
        import snowballstemmer

        _STEMS.update(zip(missing, snowballstemmer.stemmer("english").stemWords(missing),
                          strict=True))
    return [_STEMS[w] for w in words]


def negation_marked(text: str) -> str:
    """Lower-cased word stems, each one after a denial cue (to the clause's end) prefixed
    ``neg_``."""
    out: list[str] = []
    for clause in _CLAUSE_END.split(text.lower()):
        if not clause:
            continue
        negated = False
        words = _WORD.findall(clause)
        for word, stem in zip(words, _stems(words), strict=True):
            out.append("neg_" + stem if negated else stem)
            if _NEG_CUE.fullmatch(word):
                negated = True
    return " ".join(out)


RULE_CAP, RULE_SCALE = 3, 0.5
TOPICAL = True
AUGMENT = True  # chosen on pseudo-documents: micro-F1 0.832 against 0.819 without
C = 16.0  # inverse regularisation, chosen on pseudo-documents (4, 16 and 64 compared)
WINDOW = 1  # sentences either side of the centre one


def rule_features(hits: Sequence[dict[str, tuple[int, str]]]) -> np.ndarray:
    """Two columns a core theme (strong, weak) from the rule hits of a text's sentences."""
    row = np.zeros(2 * len(CORE_THEMES))
    for sentence_hits_ in hits:
        for theme_id, (weight, _) in sentence_hits_.items():
            if theme_id in CORE_THEMES:
                row[2 * CORE_THEMES.index(theme_id) + (weight == 1)] += 1
    return np.minimum(row, RULE_CAP) * RULE_SCALE


def text_hits(text: str, themes: Sequence[Theme]) -> list[dict[str, tuple[int, str]]]:
    """The rule hits of each sentence of a passage (every sentence: a training passage has no
    headings, and the sentence-level boilerplate test is left to the document tagger)."""
    out, prior = [], ""
    for sentence, _ in sentences(text):
        out.append(sentence_hits(sentence, prior, themes))
        prior = sentence
    return out


@dataclass
class ThemeModel:
    """Probabilities that a text shows each core theme, and the threshold for "present"."""

    themes: tuple[str, ...]
    vectorizer: object
    models: list
    fingerprint: str
    threshold: float = 0.5  # on a document's best window (see analysis.theme_calibration)
    assertion_vectorizer: object = None
    assertion: object = None  # P(a passage asserts what it is about, for this case)
    present_models: list = field(default_factory=list)  # P(present), one a theme

    def features(self, texts: Sequence[str], rules: np.ndarray) -> object:
        from scipy import sparse

        words = self.vectorizer.transform([negation_marked(t) for t in texts])
        return sparse.hstack([words, sparse.csr_matrix(rules)]).tocsr()

    def predict(self, texts: Sequence[str], rules: np.ndarray) -> np.ndarray:
        """An array (len(texts), len(themes)) of probabilities, the mean of
        P(about) x P(asserted) and P(present); ``rules``: rule_features rows."""
        about, asserted, present = self.predict_parts(texts, rules)
        return (about * asserted[:, None] + present) / 2

    def predict_parts(self, texts: Sequence[str], rules: np.ndarray,
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(P(about each theme), P(asserted), P(present each theme)) of each text."""
        if not texts:
            empty = np.zeros((0, len(self.themes)))
            return empty, np.zeros(0), empty
        x = self.features(texts, rules)
        about = np.column_stack([m.predict_proba(x)[:, 1] for m in self.models])
        present = np.column_stack([m.predict_proba(x)[:, 1] for m in self.present_models])
        if self.assertion is None:
            return about, np.ones(len(texts)), present
        vectors = self.assertion_vectorizer.transform(texts)
        return about, self.assertion.predict_proba(vectors)[:, 1], present


def window_probabilities(model: ThemeModel, texts: Sequence[str],
                         hits: Sequence[dict[str, tuple[int, str]]],
                         themes: Sequence[Theme] | None = None,
                         ) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Probabilities (sentences x themes) of the window of ``WINDOW`` sentences either side of
    each sentence, and each window's (start, end); a carer theme scores 0 in a window that
    names no parent or carer or makes the problem the child's own.

    (Letting a strong rule match in an asserted window decide on its own was tried and lowered
    the pseudo-document F1 from 0.82 to 0.79-0.80: confusers name themes too.)
    """
    n = len(texts)
    spans = [(max(0, i - WINDOW), min(n, i + WINDOW + 1)) for i in range(n)]
    if not n:
        return np.zeros((0, len(model.themes))), spans
    windows = [" ".join(texts[a:b]) for a, b in spans]
    rules = np.array([rule_features(hits[a:b]) for a, b in spans]).reshape(n, -1)
    probs = model.predict(windows, rules)
    carer = np.array([about_a_carer(w) for w in windows], dtype=bool)
    for theme in themes or load_taxonomy():
        if theme.carer and theme.id in model.themes:
            probs[~carer, model.themes.index(theme.id)] = 0.0
    return probs, spans


def training_set(directory: Path = PASSAGE_DIR) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(texts, theme labels, kinds) from the bank's tuning part (see labelled_examples)."""
    from sampleweb.passages import load_passages

    return labelled_examples(load_passages(directory))


_RULE_CACHE: dict[str, np.ndarray] = {}


def labelled_examples(bank: object, fold: tuple[int, int] | None = None, keep: bool = False,
                      ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(texts, theme labels, kinds) of a loaded passage bank: a theme's present, denied and
    confuser passages are labelled 1 for the theme (kinds 1, 0, 0), and 2 for each other theme
    the passage shows (:meth:`sampleweb.passages.PassageBank.extra_themes`); structure carries
    no label (kind -1). With ``fold`` (k, folds) and ``keep`` False all but fold k, with
    ``keep`` True fold k alone."""
    from sampleweb.wording import fill

    def chosen(items: Sequence[str]) -> list[str]:
        if fold is None:
            return list(items)
        k, folds = fold
        return [p for i, p in enumerate(items) if (i % folds == k) == keep]

    texts: list[str] = []
    rows: list[list[int]] = []
    kinds: list[int] = []  # 1 present, 0 denied or beside the point, -1 theme-free structure
    for theme_id, passages in sorted(bank.themes.items()):
        if theme_id not in CORE_THEMES:
            continue
        for kind, items in ((1, chosen(passages.present)),
                            (0, chosen(passages.negated) + chosen(passages.confusers))):
            for passage in items:
                extra = set(bank.extra_themes(passage))
                texts.append(fill(passage, PLACEHOLDER_VALUES))
                rows.append([1 if t == theme_id else 2 if t in extra else 0
                             for t in CORE_THEMES])
                kinds.append(kind)
    structure: list[str] = []
    for parts in (bank.structure, bank.distractors):
        for _, items in sorted(parts.items()):
            for passage in chosen(items):
                structure.append(fill(passage, PLACEHOLDER_VALUES))
                texts.append(structure[-1])
                rows.append([0] * len(CORE_THEMES))
                kinds.append(-1)
    if AUGMENT and structure:
        # as windows see them: each theme passage again, beside a sentence of report structure
        rng = random.Random(f"augment-{fold}")
        for i in [i for i, kind in enumerate(kinds) if kind >= 0]:
            other = rng.choice(sentences(rng.choice(structure)))[0]
            pair = (texts[i], other) if rng.random() < 0.5 else (other, texts[i])
            texts.append(" ".join(pair))
            rows.append(rows[i])
            kinds.append(kinds[i])
    return (texts, np.array(rows, dtype=int).reshape(len(texts), len(CORE_THEMES)),
            np.array(kinds, dtype=int))


def fit_examples(texts: Sequence[str], labels: np.ndarray, kinds: np.ndarray,
                 threshold: float = 0.5) -> ThemeModel:
    """Fit on examples, computing their rule features (cached by text)."""
    themes = load_taxonomy()
    for t in texts:
        if t not in _RULE_CACHE:
            _RULE_CACHE[t] = rule_features(text_hits(t, themes))
    rules = np.array([_RULE_CACHE[t] for t in texts])
    return fit(texts, labels, kinds, rules, threshold=threshold)


def fit(texts: Sequence[str], labels: np.ndarray, kinds: np.ndarray, rules: np.ndarray,
        c: float = C, threshold: float = 0.5, topical: bool = TOPICAL) -> ThemeModel:
    """Fit the theme models (one balanced logistic regression a theme over word n-grams and
    rule counts), the assertion model (present against denied or beside the point) and the
    present models (a theme's present passages, and every passage showing the theme besides
    its own, against everything else).

    ``topical``: whether a theme's denied and confuser passages count as positives of the
    theme model (which then learns what a passage is about, leaving denial to the assertion
    model) or as negatives.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                 token_pattern=r"\S+", lowercase=False)
    vectorizer.fit([negation_marked(t) for t in texts])
    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:12]
    model = ThemeModel(CORE_THEMES, vectorizer, [], digest, threshold)
    x = model.features(texts, rules)
    # 1: the theme a passage was written for; 2: another theme it shows (present whatever
    # the passage's kind)
    targets = (labels > 0).astype(int)
    if not topical:
        targets[(kinds == 0)[:, None] & (labels == 1)] = 0
    present = (((labels == 1) & (kinds == 1)[:, None]) | (labels == 2)).astype(int)
    for j in range(targets.shape[1]):
        model.models.append(
            LogisticRegression(C=c, class_weight="balanced", solver="liblinear")
            .fit(x, targets[:, j]))
        model.present_models.append(
            LogisticRegression(C=c, class_weight="balanced", solver="liblinear")
            .fit(x, present[:, j]))
    about = kinds >= 0
    model.assertion_vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
                                                 min_df=2)
    assertion_x = model.assertion_vectorizer.fit_transform(
        [t for t, keep in zip(texts, about, strict=True) if keep])
    model.assertion = LogisticRegression(C=c, class_weight="balanced", solver="liblinear").fit(
        assertion_x, kinds[about])
    return model


def train(directory: Path = PASSAGE_DIR, calibrate: bool = True) -> ThemeModel:
    """Train on a passage bank's tuning part; with ``calibrate``, the document threshold is
    chosen on held-back pseudo-documents (:mod:`analysis.theme_calibration`)."""
    model = fit_examples(*training_set(directory))
    if calibrate:
        from analysis.theme_calibration import document_threshold

        model.threshold = document_threshold(directory)
    return model


def _inputs_digest(library: bool = True) -> str:
    """A digest of everything the trained model depends on: passages, taxonomy, lexicon, the
    code of the tagger and (with ``library``) the scikit-learn version (imported only then: a
    second of start-up for the callers that do not need it)."""
    from analysis.taxonomy import LEXICON_DIR, TAXONOMY_PATH

    here = Path(__file__).resolve().parent
    files = (sorted(PASSAGE_DIR.glob("*.toml")) + sorted(LEXICON_DIR.glob("*.toml"))
             + [TAXONOMY_PATH] + [here / f"{m}.py" for m in
                                  ("theme_model", "theme_calibration", "theme_rules")])
    if library:
        import sklearn

        digest = hashlib.sha256(sklearn.__version__.encode())
    else:
        digest = hashlib.sha256(b"")
    for file in files:
        digest.update(file.name.encode() + b"\x00" + file.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    """Where trained models are kept: $SCR_CACHE_DIR, else $XDG_CACHE_HOME/scr-atlas, else
    ~/.cache/scr-atlas."""
    explicit = os.environ.get("SCR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "scr-atlas"


@lru_cache(maxsize=1)
def load_model() -> ThemeModel:
    """The model trained on the repository's passage bank: read from the cache when its inputs
    are unchanged, else trained (two to three minutes) and cached."""
    path = cache_dir() / f"theme-model-{_inputs_digest()}.pkl"
    try:
        with path.open("rb") as handle:
            model = pickle.load(handle)  # our own file, named by the digest of its inputs
        if isinstance(model, ThemeModel):
            return model
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    logger.info("training the theme classifier (cached in %s)", path.parent)
    model = train()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            pickle.dump(model, handle)
        partial.replace(path)
    except OSError as exc:
        logger.warning("cannot cache the theme classifier in %s: %s", path.parent, exc)
    logger.info("theme classifier trained (%s)", model.fingerprint)
    return model
