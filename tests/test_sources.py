"""The source registry (data/sources.toml), its loader and validator, and `scr sources`."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import pytest

from app.sources_cmd import DEFAULT_SOURCES, add_sources_parser, cmd_sources
from ingest.errors import ConfigError
from ingest.sources import (
    ENGLISH_REGIONS,
    NATIONS,
    Source,
    load_sources,
    read_entries,
    validate_sources,
)

REGISTRY = Path(__file__).resolve().parents[1] / "data" / "sources.toml"
WELSH_REGIONS = {"North Wales", "Mid and West Wales", "West Glamorgan", "Cwm Taf Morgannwg",
                 "Cardiff and Vale", "Gwent"}


def write(tmp_path: Path, body: str, name: str = "sources.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def entry(name: str = "Testshire SCP", nation: str | None = "England",
          region: str | None = "South East", url: str | None = "https://testshire.example/",
          extra: str = "") -> str:
    lines = ["[[source]]", f'name = "{name}"']
    if nation is not None:
        lines.append(f'nation = "{nation}"')
    if region is not None:
        lines.append(f'region = "{region}"')
    if url is not None:
        lines.append(f'url = "{url}"')
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n\n"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scr")
    sub = parser.add_subparsers(dest="command", required=True)
    add_sources_parser(sub)
    args = parser.parse_args(argv)
    return args.func(args)


# -- the shipped registry --------------------------------------------------------------------
@pytest.fixture(scope="module")
def registry() -> list[Source]:
    return load_sources(REGISTRY)


def test_default_path_is_the_shipped_registry() -> None:
    assert DEFAULT_SOURCES == REGISTRY and REGISTRY.is_file()


def test_registry_loads_with_enough_sources(registry: list[Source]) -> None:
    assert len(registry) >= 150
    assert all(s.urls and s.url.startswith(("http://", "https://")) for s in registry)


def test_registry_has_no_validation_problems() -> None:
    assert validate_sources(REGISTRY) == []


def test_registry_names_are_unique(registry: list[Source]) -> None:
    counts = Counter(s.name.casefold() for s in registry)
    assert [n for n, c in counts.items() if c > 1] == []


def test_every_nation_is_present(registry: list[Source]) -> None:
    nations = Counter(s.nation for s in registry)
    assert set(nations) == set(NATIONS)
    assert nations["England"] >= 130 and nations["Scotland"] >= 28


def test_every_entry_is_unverified(registry: list[Source]) -> None:
    assert not any(s.verified for s in registry)
    raw = read_entries(REGISTRY)
    assert all(e.get("verified") is False for e in raw), "every entry says verified = false"


def test_the_welsh_ni_and_national_kinds_are_present(registry: list[Source]) -> None:
    welsh = [s for s in registry if s.nation == "Wales"]
    assert {s.region for s in welsh} == WELSH_REGIONS
    assert any(s.name == "Safeguarding Board for Northern Ireland" for s in registry)
    panel = [s for s in registry if s.name == "Child Safeguarding Practice Review Panel"]
    assert panel and panel[0].nation == "UK" and "www.gov.uk" in panel[0].url
    assert sum("Child Protection Committee" in s.name for s in registry) >= 25


def test_english_sources_cover_each_council_once(registry: list[Source]) -> None:
    english = [s for s in registry if s.nation == "England"]
    assert {s.region for s in english} == set(ENGLISH_REGIONS)
    councils = Counter(la for s in english for la in s.local_authorities)
    assert all(s.local_authorities for s in english)
    assert [la for la, c in councils.items() if c > 1] == []
    assert len(councils) >= 150


def test_registry_carries_the_new_fields(registry: list[Source]) -> None:
    durham = next(s for s in registry if s.name == "Durham Safeguarding Children Partnership")
    assert durham.local_authorities == ("County Durham",)
    assert durham.predecessor and "Local Safeguarding Children Board" in durham.predecessor
    assert durham.note and len(durham.urls) == 2
    combined = [s for s in registry if len(s.local_authorities) > 1]
    assert len(combined) >= 10


# -- the loader ------------------------------------------------------------------------------
def test_source_defaults_keep_old_callers_working() -> None:
    s = Source("Board", ("http://board.test/reviews",))
    assert s.url == "http://board.test/reviews"
    assert (s.local_authorities, s.verified, s.note, s.predecessor) == ((), False, None, None)


def test_load_sources_reads_new_keys_and_old_files(tmp_path: Path) -> None:
    old = write(tmp_path, entry(extra='allow = ["docs.testshire.example"]\ndelay = 2'), "old.toml")
    (s,) = load_sources(old)
    assert (s.allow, s.delay, s.verified, s.local_authorities) == (
        ("docs.testshire.example",), 2.0, False, ())
    new = write(tmp_path, entry(extra='local_authorities = ["Testshire"]\nverified = true\n'
                                      'note = "a note"\npredecessor = "Testshire LSCB"\n'
                                      'urls = ["https://old.example/"]'), "new.toml")
    (s,) = load_sources(new)
    assert s.urls == ("https://testshire.example/", "https://old.example/")
    assert (s.local_authorities, s.verified, s.note, s.predecessor) == (
        ("Testshire",), True, "a note", "Testshire LSCB")


@pytest.mark.parametrize(("body", "expected"), [
    ("[[source]]\nname = 'x'\nurl = [broken\n", "is not valid TOML"),
    (entry(url=None), "has no url"),
    (entry(url="ftp://files.example/x"), "unusable url"),
    (entry() + entry(url="https://other.example/"), "appears twice"),
    ("title = 'no sources'\n", "no [[source]] entries"),
    (entry(extra='delay = "slow"'), "delay that is not a number"),
])
def test_load_sources_raises_one_line_config_errors(tmp_path: Path, body: str,
                                                    expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_sources(write(tmp_path, body))
    message = str(info.value)
    assert expected in message and "\n" not in message


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_sources(tmp_path / "nothing.toml")
    with pytest.raises(ConfigError, match="not found"):
        validate_sources(tmp_path / "nothing.toml")


# -- the validator ---------------------------------------------------------------------------
def test_a_valid_file_has_no_problems(tmp_path: Path) -> None:
    body = (entry() + entry("Glenshire CPC", "Scotland", "Anywhere we like",
                            "https://glenshire.example/")
            + entry("Panel", "UK", "National", "https://panel.example/"))
    assert validate_sources(write(tmp_path, body)) == []


@pytest.mark.parametrize(("body", "expected"), [
    (entry() + entry(url="https://other.example/"), "duplicate name"),
    (entry() + entry("testshire scp", url="https://other.example/"), "duplicate name"),
    (entry() + entry("Other SCP", url="https://TESTSHIRE.example/#top"), "is also a seed"),
    (entry() + entry("Other SCP", url="https://other.example/",
                     extra='urls = ["https://testshire.example/"]'), "is also a seed"),
    (entry(nation=None), "has no nation"),
    (entry(region=None), "has no region"),
    (entry(nation="Cornwall"), "unknown nation"),
    (entry(url="ftp://files.example/x"), "is not an http(s) URL"),
    (entry(url="not a url"), "is not an http(s) URL"),
    (entry(extra='urls = ["mailto:board@example.org"]'), "is not an http(s) URL"),
    (entry(url=None), "has no url"),
    (entry(region="Midlands"), "not one of the nine English regions"),
    (entry(extra="verified = 'no'"), "verified is not true or false"),
    (entry(extra="local_authorities = 'Testshire'"), "local_authorities is not a list"),
    (entry(extra='allow = ["two words"]'), "allow entry"),
    ("[[source]]\nnation = 'England'\nregion = 'London'\nurl = 'https://a.example/'\n",
     "has no name"),
])
def test_validate_sources_reports_each_problem(tmp_path: Path, body: str,
                                               expected: str) -> None:
    problems = validate_sources(write(tmp_path, body))
    assert any(expected in p for p in problems), problems
    assert all("\n" not in p for p in problems)


def test_validate_reports_every_problem_not_just_the_first(tmp_path: Path) -> None:
    body = entry(nation="Atlantis") + entry(region="Nowhere") + entry("B", url="gopher://x/")
    problems = validate_sources(write(tmp_path, body))
    assert len(problems) >= 4
    assert sum(p.startswith("source #2") for p in problems) >= 2


def test_validate_raises_only_for_an_unusable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        validate_sources(write(tmp_path, "[[source]\nname = 1\n"))


# -- scr sources -----------------------------------------------------------------------------
def test_cmd_sources_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sources"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) >= 150
    assert all("unverified" in line for line in lines)
    assert any("Safeguarding Board for Northern Ireland" in line for line in lines)
    assert "no problems" in err and "England" in err and "Scotland" in err
    assert "problem:" not in err


def test_cmd_sources_filters_by_nation(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sources", "--nation", "wales"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 6
    assert all(line.startswith("Wales") for line in out.splitlines())
    assert "6 sources (Wales 6)" in err


def test_cmd_sources_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sources", "--json", "--nation", "Northern Ireland"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["problems"] == [] and data["summary"] == {"Northern Ireland": 1}
    (ni,) = data["sources"]
    assert ni["verified"] is False and ni["url"].startswith("https://")
    assert set(ni) >= {"name", "nation", "region", "url", "verified", "local_authorities"}


def test_cmd_sources_reports_problems_with_exit_1(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    body = entry() + entry(nation="Mercia") + entry("Other", url="https://testshire.example/")
    path = write(tmp_path, body)
    assert run(["sources", "--sources", str(path)]) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3
    problem_lines = [line for line in err.splitlines() if line.startswith("problem: ")]
    assert len(problem_lines) == len(validate_sources(path)) >= 3
    assert f"{len(problem_lines)} problems" in err
    assert run(["sources", "--sources", str(path), "--json"]) == 1
    assert len(json.loads(capsys.readouterr().out)["problems"]) == len(problem_lines)


def test_cmd_sources_unreadable_file_is_one_line_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "[[source]]\nname = 'x'\nurl = [broken\n")
    assert cmd_sources(argparse.Namespace(sources=path, json=False, nation=None)) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("scr: sources file") and err.count("\n") == 1
