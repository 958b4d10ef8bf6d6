"""The sources file: which boards to crawl and where their reviews are listed (TOML)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ConfigError
from ingest.urls import normalise_url


@dataclass(frozen=True)
class Source:
    """One board or partnership: its seed page(s) and the hosts its documents may live on."""

    name: str
    urls: tuple[str, ...]
    nation: str | None = None
    region: str | None = None
    allow: tuple[str, ...] = field(default_factory=tuple)
    delay: float | None = None

    @property
    def url(self) -> str:
        return self.urls[0]


def load_sources(path: Path) -> list[Source]:
    """Read and check a sources file; a malformed one raises ConfigError with the reason."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"sources file {path} is not valid TOML: {exc}") from exc
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"sources file {path} has no [[source]] entries")
    sources: list[Source] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries, 1):
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{path}: source #{i} has no name")
        if name in seen:
            raise ConfigError(f"{path}: source {name!r} appears twice")
        seen.add(name)
        urls = [entry["url"]] if isinstance(entry.get("url"), str) else []
        urls += [u for u in entry.get("urls", []) if isinstance(u, str)]
        if not urls:
            raise ConfigError(f"{path}: source {name!r} has no url")
        normalised = []
        for u in urls:
            n = normalise_url(u)
            if n is None:
                raise ConfigError(f"{path}: source {name!r} has an unusable url {u!r}")
            normalised.append(n)
        delay = entry.get("delay")
        sources.append(
            Source(
                name=name.strip(),
                urls=tuple(dict.fromkeys(normalised)),
                nation=entry.get("nation"),
                region=entry.get("region"),
                allow=tuple(entry.get("allow", [])),
                delay=float(delay) if delay is not None else None,
            )
        )
    return sources
