"""The `scr` command line: fast help, every contract command present, one-line errors."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import build_parser, main

CONTRACT = ["build", "crawl", "extract", "index", "analyse", "reports", "search", "themes",
            "topics", "brief", "app", "demo", "eval"]


def test_every_contract_command_exists() -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(CONTRACT) <= set(sub.choices)


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys, app.cli as c\n"
            "try:\n    c.main(['search', '--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('whoosh', 'sklearn', 'streamlit', 'pdfminer', 'httpx', 'bs4')"
            " if m in sys.modules]\nprint('HEAVY', heavy)")
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("argv", [["reports", "--json"], ["search", "neglect"], ["themes"]])
def test_missing_data_dir_is_one_line(argv: list[str], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*argv, "--data", str(tmp_path / "nothing")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("scr: ") and err.count("\n") == 1 and "Traceback" not in err


def test_bad_sources_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "sources.toml"
    bad.write_text("[[source]]\nname = 'x'\nurl = [broken\n")
    code = main(["crawl", "--sources", str(bad), "--data", str(tmp_path / "d")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("scr: sources file") and err.count("\n") == 1


def test_the_explorer_binds_to_localhost_unless_told() -> None:
    from app.launch import explorer_command

    args = build_parser().parse_args(["app"])
    assert args.host == "127.0.0.1"
    cmd = explorer_command(Path("d"), 8600, args.host)
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--server.port") + 1] == "8600"
    told = explorer_command(Path("d"), 8600, "0.0.0.0")
    assert told[told.index("--server.address") + 1] == "0.0.0.0"
