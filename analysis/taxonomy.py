"""The theme taxonomy (data/taxonomy.toml): labels, definitions, groups and signal patterns."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis.signals import Signals
from ingest.errors import ConfigError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TAXONOMY_PATH = DATA_DIR / "taxonomy.toml"
LEXICON_DIR = DATA_DIR / "lexicon"  # more signal patterns a theme: [theme_id] strong/weak
CORE_THEMES = (
    "neglect", "physical_abuse", "sexual_abuse", "exploitation", "sudi_unsafe_sleep",
    "suicide_self_harm", "domestic_abuse", "parental_mental_health", "parental_substance_misuse",
    "unseen_men", "housing_poverty", "culture_faith_language", "child_disability",
    "education_attendance", "information_sharing", "disguised_compliance", "voice_of_child",
    "professional_curiosity",
)


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    group: str
    definition: str
    strong: Signals
    weak: Signals
    carer: bool = False


def _compile(theme_id: str, patterns: list[str]) -> Signals:
    """The theme's patterns, each checked alone first so that a bad one is named."""
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ConfigError(f"taxonomy: theme {theme_id}: bad pattern {p!r}: {exc}") from exc
    # A leading word boundary: 'rent' must not match "different", nor 'crib' "described";
    # no trailing one, so stems such as 'psychiatri' still match "psychiatrist".
    return Signals(patterns)


def _lexicon(folder: Path) -> dict[str, dict[str, list[str]]]:
    """theme id -> {"strong": [...], "weak": [...]} joined over the folder's *.toml files."""
    out: dict[str, dict[str, list[str]]] = {}
    for file in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read lexicon {file}: {exc}") from exc
        for theme_id, spec in data.items():
            if isinstance(spec, dict):
                for key in ("strong", "weak"):
                    out.setdefault(theme_id, {}).setdefault(key, []).extend(
                        str(p) for p in spec.get(key, []))
    return out


@lru_cache(maxsize=4)
def load_taxonomy(path: Path = TAXONOMY_PATH) -> tuple[Theme, ...]:
    """All themes, core ones first; raises ConfigError when the file is unusable."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read taxonomy {path}: {exc}") from exc
    extra = _lexicon(Path(path).parent / LEXICON_DIR.name)
    themes = []
    for theme_id, spec in data.get("theme", {}).items():
        more = extra.get(theme_id, {})
        themes.append(Theme(
            id=theme_id, label=spec["label"], group=spec["group"],
            definition=spec["definition"],
            strong=_compile(theme_id, spec.get("strong", []) + more.get("strong", [])),
            weak=_compile(theme_id, spec.get("weak", []) + more.get("weak", [])),
            carer=bool(spec.get("carer", False)),
        ))
    _require_core(path, [t.id for t in themes])
    themes.sort(key=lambda t: _order(t.id))
    return tuple(themes)


def _require_core(path: Path, ids: list[str]) -> None:
    missing = set(CORE_THEMES) - set(ids)
    if missing:
        raise ConfigError(f"taxonomy {path} lacks core themes: {', '.join(sorted(missing))}")


def _order(theme_id: str) -> tuple[bool, int, str]:
    """Core themes first, in design order; then the others by id."""
    core = theme_id in CORE_THEMES
    return (not core, CORE_THEMES.index(theme_id) if core else 0, theme_id)


@dataclass(frozen=True)
class ThemeInfo:
    """A theme's words without its patterns: what readers of tags need."""

    id: str
    label: str
    group: str
    definition: str


@lru_cache(maxsize=4)
def theme_infos(path: Path = TAXONOMY_PATH) -> tuple[ThemeInfo, ...]:
    """Every theme's id, label, group and definition, in ``load_taxonomy``'s order; quick, as
    it compiles none of the patterns (the explorer and the read-side queries need no more)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read taxonomy {path}: {exc}") from exc
    themes = data.get("theme", {})
    _require_core(path, list(themes))
    ids = sorted(themes, key=_order)
    return tuple(ThemeInfo(t, themes[t]["label"], themes[t]["group"], themes[t]["definition"])
                 for t in ids)


def theme_labels(path: Path = TAXONOMY_PATH) -> dict[str, str]:
    """Theme id -> label, core themes first."""
    return {t.id: t.label for t in theme_infos(Path(path))}
