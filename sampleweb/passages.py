"""Load the passage bank (data/sample/passages/*.toml) that the sample web composes from.

Theme tables (with ``present``/``negated``/``confusers`` lists) become :class:`ThemePassages`;
top-level lists are structure parts (``findings``, ``glossary`` ...) or distractor parts
(``annual_report``, ``minutes`` ...). The last ``HELD_OUT`` present passages of every theme
are kept aside and are never used by the generator: they are a held-out set for evaluating
the theme tagger.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

HELD_OUT = 3
DISTRACTOR_KINDS = ("annual_report", "minutes", "leaflet", "newsletter", "training_flyer")
DEFAULT_DIR = Path(__file__).resolve().parents[1] / "data" / "sample" / "passages"


@dataclass(frozen=True)
class ThemePassages:
    """Usable passages of one theme (held-out ones removed) plus the held-out ones."""

    present: tuple[str, ...]
    negated: tuple[str, ...]
    confusers: tuple[str, ...]
    held_out: tuple[str, ...]


@dataclass
class PassageBank:
    """All passages, keyed by theme id, structure part or distractor kind."""

    themes: dict[str, ThemePassages] = field(default_factory=dict)
    structure: dict[str, tuple[str, ...]] = field(default_factory=dict)
    distractors: dict[str, tuple[str, ...]] = field(default_factory=dict)

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
    if not files:
        logger.warning("no passage files found in %s", folder)
    for path in files:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for key, value in data.items():
            if isinstance(value, dict) and "present" in value:
                present = _strings(value.get("present"))
                cut = max(0, len(present) - HELD_OUT)
                bank.themes[key] = ThemePassages(
                    present=present[:cut],
                    negated=_strings(value.get("negated")),
                    confusers=_strings(value.get("confusers")),
                    held_out=present[cut:],
                )
            elif isinstance(value, list):
                target = bank.distractors if key in DISTRACTOR_KINDS else bank.structure
                target[key] = _strings(value)
            else:
                logger.debug("ignoring %s in %s", key, path.name)
    logger.info(
        "loaded %d themes, %d structure parts, %d distractor kinds from %s",
        len(bank.themes), len(bank.structure), len(bank.distractors), folder,
    )
    return bank
