"""The sources file: which boards to crawl and where their reviews are listed (TOML).

A sources file is a list of ``[[source]]`` tables::

    [[source]]
    name = "Testshire Safeguarding Children Partnership"
    nation = "England"
    region = "South East"
    local_authorities = ["Testshire"]
    url = "https://testshirescp.example/reviews"     # the seed page
    urls = ["https://old-lscb.example/"]              # more seeds (optional)
    allow = ["docs.testshire.example"]                # other hosts to follow (optional)
    delay = 2.0                                        # seconds between requests (optional)
    verified = false                                   # has a person checked the seeds?
    note = "..."                                       # optional
    predecessor = "Testshire LSCB"                     # optional

Two readers share one parser:

- :func:`load_sources` is what the crawler uses. It raises :class:`ConfigError` (one line)
  for a file that cannot be used: missing, not TOML, no entries, an entry without a name or
  seed, a seed that is not an http(s) URL, a name used twice.
- :func:`validate_sources` checks a file that can be read and returns every problem it finds
  as a one-line string (duplicate names and seeds, missing or unknown nation, missing region,
  an English region that is not one of the nine, malformed URLs and keys), without raising for
  them.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError
from ingest.urls import normalise_url

log = logging.getLogger(__name__)

NATIONS: tuple[str, ...] = ("England", "Wales", "Scotland", "Northern Ireland", "UK")
ENGLISH_REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)


@dataclass(frozen=True)
class Source:
    """One board or partnership: its seed page(s) and the hosts its documents may live on."""

    name: str
    urls: tuple[str, ...]
    nation: str | None = None
    region: str | None = None
    allow: tuple[str, ...] = field(default_factory=tuple)
    delay: float | None = None
    local_authorities: tuple[str, ...] = field(default_factory=tuple)
    verified: bool = False
    note: str | None = None
    predecessor: str | None = None

    @property
    def url(self) -> str:
        return self.urls[0]


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def read_entries(path: Path) -> list[Any]:
    """The raw ``[[source]]`` entries of a sources file.

    Raises ConfigError (one line) when the file cannot be used at all: it is missing or
    unreadable, is not TOML, or has no ``[[source]]`` entries. Entries are returned as they
    are, which may include values of the wrong type: callers check them.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"sources file {path} is not valid TOML: not UTF-8 text") from exc
    except OSError as exc:
        raise ConfigError(f"sources file {path} cannot be read: {_one_line(exc)}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"sources file {path} is not valid TOML: {_one_line(exc)}") from exc
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"sources file {path} has no [[source]] entries")
    return entries


def _seeds(entry: dict[str, Any]) -> list[Any]:
    """The seed URLs as written: ``url`` first, then ``urls`` (values of any type)."""
    seeds: list[Any] = []
    if "url" in entry:
        seeds.append(entry["url"])
    more = entry.get("urls", [])
    seeds.extend(more if isinstance(more, list) else [more])
    return seeds


def _strings(value: Any) -> tuple[str, ...]:
    """The string items of a list (anything else is ignored here and reported by validation)."""
    if not isinstance(value, list):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())


def _optional_text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def load_sources(path: Path) -> list[Source]:
    """Read and check a sources file; a malformed one raises ConfigError with the reason."""
    path = Path(path)
    entries = read_entries(path)
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: source #{i} is not a table")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{path}: source #{i} has no name")
        name = name.strip()
        if name in seen:
            raise ConfigError(f"{path}: source {name!r} appears twice")
        seen.add(name)
        urls = [u for u in _seeds(entry) if isinstance(u, str)]
        if not urls:
            raise ConfigError(f"{path}: source {name!r} has no url")
        normalised = []
        for u in urls:
            n = normalise_url(u)
            if n is None:
                raise ConfigError(f"{path}: source {name!r} has an unusable url {u!r}")
            normalised.append(n)
        delay = entry.get("delay")
        if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float)):
            raise ConfigError(f"{path}: source {name!r} has a delay that is not a number")
        verified = entry.get("verified", False)
        sources.append(
            Source(
                name=name,
                urls=tuple(dict.fromkeys(normalised)),
                nation=_optional_text(entry.get("nation")),
                region=_optional_text(entry.get("region")),
                allow=_strings(entry.get("allow", [])),
                delay=float(delay) if delay is not None else None,
                local_authorities=_strings(entry.get("local_authorities", [])),
                verified=verified if isinstance(verified, bool) else False,
                note=_optional_text(entry.get("note")),
                predecessor=_optional_text(entry.get("predecessor")),
            )
        )
    log.info("loaded %d sources from %s", len(sources), path)
    return sources


def _label(i: int, entry: Any) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    if isinstance(name, str) and name.strip():
        return f"source #{i} {name.strip()!r}"
    return f"source #{i}"


def _check_entry(i: int, entry: dict[str, Any]) -> list[str]:
    """Problems of one entry on its own (duplicates across entries are checked by the caller)."""
    label = _label(i, entry)
    problems: list[str] = []
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{label}: has no name")

    nation = entry.get("nation")
    english = isinstance(nation, str) and nation.strip() == "England"
    if nation is None or (isinstance(nation, str) and not nation.strip()):
        problems.append(f"{label}: has no nation")
    elif not isinstance(nation, str) or nation.strip() not in NATIONS:
        problems.append(f"{label}: unknown nation {nation!r} (one of {', '.join(NATIONS)})")

    region = entry.get("region")
    if region is None or (isinstance(region, str) and not region.strip()):
        problems.append(f"{label}: has no region")
    elif not isinstance(region, str):
        problems.append(f"{label}: region {region!r} is not text")
    elif english and region.strip() not in ENGLISH_REGIONS:
        problems.append(f"{label}: region {region!r} is not one of the nine English regions")

    if not _seeds(entry):
        problems.append(f"{label}: has no url")
    if "urls" in entry and not isinstance(entry["urls"], list):
        problems.append(f"{label}: urls is not a list")
    for u in _seeds(entry):
        if not isinstance(u, str) or normalise_url(u) is None:
            problems.append(f"{label}: url {u!r} is not an http(s) URL")

    allow = entry.get("allow", [])
    if not isinstance(allow, list):
        problems.append(f"{label}: allow is not a list")
    else:
        for a in allow:
            if not isinstance(a, str) or not a.strip() or any(c.isspace() for c in a.strip()):
                problems.append(f"{label}: allow entry {a!r} is not a host or URL prefix")
            elif "://" in a and normalise_url(a) is None:
                problems.append(f"{label}: allow entry {a!r} is not an http(s) URL prefix")

    las = entry.get("local_authorities", [])
    if not isinstance(las, list) or not all(isinstance(x, str) and x.strip() for x in las):
        problems.append(f"{label}: local_authorities is not a list of names")
    if "verified" in entry and not isinstance(entry["verified"], bool):
        problems.append(f"{label}: verified is not true or false")
    delay = entry.get("delay")
    if delay is not None and (
        isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0
    ):
        problems.append(f"{label}: delay {delay!r} is not a number of seconds")
    for key in ("note", "predecessor"):
        if key in entry and not isinstance(entry[key], str):
            problems.append(f"{label}: {key} is not text")
    return problems


def validate_sources(path: Path) -> list[str]:
    """Every problem in a sources file, one line each (an empty list: the file is valid).

    Raises ConfigError only when the file cannot be used at all (see :func:`read_entries`).
    """
    entries = read_entries(Path(path))
    problems: list[str] = []
    names: dict[str, int] = {}
    seeds: dict[str, int] = {}
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            problems.append(f"source #{i}: is not a table")
            continue
        problems.extend(_check_entry(i, entry))
        name = entry.get("name")
        if isinstance(name, str) and name.strip():
            key = name.strip().casefold()
            if key in names:
                problems.append(
                    f"{_label(i, entry)}: duplicate name (also source #{names[key]})")
            else:
                names[key] = i
        own: set[str] = set()
        for u in _seeds(entry):
            n = normalise_url(u) if isinstance(u, str) else None
            if n is None or n in own:
                continue
            own.add(n)
            if n in seeds:
                problems.append(
                    f"{_label(i, entry)}: seed {n} is also a seed of source #{seeds[n]}")
            else:
                seeds[n] = i
    return problems
