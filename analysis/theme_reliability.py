"""How far to trust each core theme's tags: the tagger's measured precision and recall.

A prevalence figure is only as good as the tagger behind it: a theme tagged with recall 0.5 is
missing from about half the reviews that show it, so its share is an undercount. The figures
come from ``scr eval-themes --cases 300 --write-reliability`` (held-out reviews composed by the
sample generator from passages the classifier never trained on, see :mod:`app.eval_held_out`)
and are kept in ``data/theme_reliability.json`` with a key of the tagger's inputs (passages,
lexicon, taxonomy, the tagger's code) and of the code that measures it (the composer of the
held-out reviews and the scoring). When either changes the stored figures no longer describe
the tagger: they are then not shown (a warning is logged) until they are measured again. A
theme shown in fewer than :data:`MIN_DOCUMENTS` test reviews gets no figures.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from datetime import date
from pathlib import Path
from typing import Any

from analysis.taxonomy import CORE_THEMES

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parents[1]
RELIABILITY_PATH = _ROOT / "data" / "theme_reliability.json"
# below these a theme's figures carry a caution: recall under 0.75 misses one review in four
LOW_RECALL = 0.75
LOW_PRECISION = 0.85
MIN_DOCUMENTS = 30  # test reviews showing a theme, for its figures to be shown
MIN_CASES = 300  # for the figures users are shown (the default file)
# besides the model's inputs: the code that turns its probabilities into tags, and the code
# that composes and scores the test reviews
KEYED_CODE = ("analysis/themes.py", "app/eval_held_out.py", "sampleweb/compose.py",
              "sampleweb/passages.py")


def tagger_key() -> str:
    """The digest of the tagger's inputs (without the scikit-learn version: a newer release
    retrains the model but should not hide its measured figures) and of :data:`KEYED_CODE`."""
    from analysis.theme_model import _inputs_digest

    digest = hashlib.sha256(_inputs_digest(library=False).encode())
    for name in KEYED_CODE:
        try:
            code = (_ROOT / name).read_bytes()
        except OSError:  # not shipped: the figures cannot be tied to this tagger
            code = b"\x00missing"
        digest.update(name.encode() + b"\x00" + code)
    return digest.hexdigest()[:16]


def reliability_record(result: dict[str, Any], cases: int, seed: int) -> dict[str, Any]:
    """The stored form of an ``evaluate_held_out`` result (its "shown" figures)."""
    shown = result["shown"]
    return {
        "tagger": tagger_key(), "measured": date.today().isoformat(),
        "command": f"scr eval-themes --cases {cases} --seed {seed} --write-reliability",
        "documents": shown["documents"], "cases": shown["cases"],
        "micro": {k: shown[k] for k in ("precision", "recall", "f1", "f1_interval")},
        "denied_tagged_rate": shown["denied_tagged_rate"],
        "themes": {t: {k: row[k] for k in ("precision", "recall", "f1", "interval",
                                           "documents")}
                   for t, row in shown["per_theme"].items()},
    }


def write_reliability(record: dict[str, Any], path: Path = RELIABILITY_PATH) -> Path:
    """Write the record (JSON, stable key order); returns the path."""
    text = json.dumps(record, indent=1, sort_keys=True, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def load_reliability(path: Path = RELIABILITY_PATH) -> dict[str, Any] | None:
    """The stored record when it describes the current tagger, else None (logged)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("theme reliability: cannot read %s: %s", path, exc)
        return None
    if not isinstance(record, dict) or not isinstance(record.get("themes"), dict):
        log.warning("theme reliability: %s is not a reliability record", path)
        return None
    if record.get("tagger") != tagger_key():
        log.warning("theme reliability: %s was measured on another version of the tagger; "
                    "run scr eval-themes --cases 300 --write-reliability", path)
        return None
    return record


def theme_reliability(theme: str, record: dict[str, Any] | None) -> dict[str, Any] | None:
    """One theme's measured figures, or None (not a core theme, nothing measured, too few test
    reviews showing it, or a damaged row)."""
    if record is None or theme not in CORE_THEMES:
        return None
    row = record["themes"].get(theme)
    if not isinstance(row, dict) or not all(_fraction(row.get(k)) for k in ("precision",
                                                                           "recall")):
        return None
    if not isinstance(row.get("documents"), int) or row["documents"] < MIN_DOCUMENTS:
        return None
    return {**row, "documents_measured": record.get("documents"),
            "measured": record.get("measured")}


def _fraction(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value) and 0.0 <= value <= 1.0)


def caution(row: dict[str, Any] | None) -> str:
    """A plain sentence on how to read the theme's figures ("" when nothing was measured)."""
    if not row:
        return ""
    found, right = row["recall"], row["precision"]
    tested = row.get("documents_measured")
    text = (f"The theme tagger, tested on {tested or 'synthetic'}{' synthetic' if tested else ''} "
            f"reviews it never trained on, found this theme in {found:.0%} of the reviews that "
            f"show it, and {right:.0%} of its tags were right")
    notes = []
    if found < LOW_RECALL:
        notes.append("the figures here are likely to undercount it")
    if right < LOW_PRECISION:
        notes.append("some tagged reviews may not show it: read the quoted evidence")
    return "; ".join([text, *notes]) + "."
