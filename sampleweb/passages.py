"""Load the passage bank (data/sample/passages/*.toml) that the sample web composes from.

Theme tables (with ``present``/``negated``/``confusers`` lists) become :class:`ThemePassages`;
a theme may be spread over several files (its lists are joined in file-name order). Top-level
lists are structure parts (``findings``, ``glossary`` ...) or distractor parts
(``annual_report``, ``minutes`` ...), also joined across files in file-name order.

The passages of ``held_out*.toml`` are held out: the generator uses them only in the documents
of held-out cases (:func:`held_out_case`), the theme tagger's classifier never trains on them,
and the tagger's rules were written without reading them, so the tagger's figures on held-out
documents measure text it was not tuned on.

A passage is written for one theme, but many also show others (a substance-misuse passage in
which the father's explanation "was accepted without further question" shows professional
curiosity too). ``extra_themes*.toml`` holds those other themes, keyed by :func:`passage_id`
(an annotator's judgement; see data/sample/PASSAGES.md): the generator counts them among a
document's themes and the classifier learns them as present.
"""

from __future__ import annotations

import hashlib
import logging
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

HELD_OUT_FILES = "held_out*.toml"
EXTRA_TABLE = "extra_themes"
DISTRACTOR_KINDS = ("annual_report", "minutes", "leaflet", "newsletter", "training_flyer")
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "data" / "sample" / "passages"


KINDS = ("present", "negated", "confusers")


@dataclass(frozen=True)
class ThemePassages:
    """The tuning passages of one theme, and the held-out ones of each kind."""

    present: tuple[str, ...]
    negated: tuple[str, ...]
    confusers: tuple[str, ...]
    held_out: tuple[str, ...] = ()
    held_out_negated: tuple[str, ...] = ()
    held_out_confusers: tuple[str, ...] = ()

    def pool(self, kind: str, held_out: bool = False) -> tuple[str, ...]:
        """The passages of one kind ("present", "negated", "confusers") on one side."""
        if kind not in KINDS:
            raise ValueError(f"unknown passage kind {kind!r}")
        if not held_out:
            return getattr(self, kind)
        return self.held_out if kind == "present" else getattr(self, f"held_out_{kind}")


def passage_id(text: str) -> str:
    """A passage's stable id: the first 12 hex digits of the sha1 of its (unfilled) text."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:12]


def held_out_case(key: str) -> bool:
    """Whether a sample case is held out (a stable third of cases, by a hash of its key)."""
    return zlib.crc32(key.encode("utf-8")) % 3 == 1


@dataclass
class PassageBank:
    """All passages, keyed by theme id, structure part or distractor kind."""

    themes: dict[str, ThemePassages] = field(default_factory=dict)
    structure: dict[str, tuple[str, ...]] = field(default_factory=dict)
    distractors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)  # passage id -> themes

    def extra_themes(self, text: str) -> tuple[str, ...]:
        """The themes a passage shows besides the one it was written for."""
        return self.extra.get(passage_id(text), ()) if self.extra else ()

    def part(self, name: str) -> tuple[str, ...]:
        """A structure or distractor list; a missing one yields a harmless placeholder."""
        found = self.structure.get(name) or self.distractors.get(name)
        if not found:
            logger.warning("passage bank has no %r list; using a stand-in sentence", name)
            return (f"This section ({name.replace('_', ' ')}) is intentionally brief.",)
        return found


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v).strip() for v in value if isinstance(v, str) and v.strip())


def load_passages(directory: Path | None = None) -> PassageBank:
    """Read every ``*.toml`` in directory (default: the repository's passage folder)."""
    folder = directory or DEFAULT_DIR
    bank = PassageBank()
    files = sorted(folder.glob("*.toml"))
    lists: dict[tuple[str, bool], dict[str, tuple[str, ...]]] = {}
    if not files:
        logger.warning("no passage files found in %s", folder)
    for path in files:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        held_out = path.match(HELD_OUT_FILES)
        for key, value in data.items():
            if key == EXTRA_TABLE and isinstance(value, dict):
                bank.extra.update({k: _strings(v) for k, v in value.items()})
            elif isinstance(value, dict) and any(kind in value for kind in KINDS):
                joined = lists.setdefault((key, held_out), {kind: () for kind in KINDS})
                for kind in KINDS:
                    joined[kind] += _strings(value.get(kind))
            elif isinstance(value, list):
                target = bank.distractors if key in DISTRACTOR_KINDS else bank.structure
                target[key] = target.get(key, ()) + _strings(value)  # joined across files
            else:
                logger.debug("ignoring %s in %s", key, path.name)
    empty = {kind: () for kind in KINDS}
    for key in sorted({key for key, _ in lists}):
        tuning, held = lists.get((key, False), empty), lists.get((key, True), empty)
        bank.themes[key] = ThemePassages(
            tuning["present"], tuning["negated"], tuning["confusers"],
            held["present"], held["negated"], held["confusers"])
    logger.info(
        "loaded %d themes, %d structure parts, %d distractor kinds from %s",
        len(bank.themes), len(bank.structure), len(bank.distractors), folder,
    )
    return bank
