"""Start the Streamlit explorer on a data directory (localhost unless told otherwise)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from ingest.errors import StoreError

EXPLORER = Path(__file__).resolve().parent / "explorer.py"
STOP_TIMEOUT = 10  # seconds Streamlit gets to stop before it is killed


def explorer_command(data: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(EXPLORER),
            "--server.address", host, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal"]


def run_explorer(data: Path, port: int = 8501, host: str = "127.0.0.1") -> int:
    """Run the explorer in the foreground until interrupted; returns its exit code."""
    if not (Path(data) / "catalogue.sqlite").exists():
        raise StoreError(f"no catalogue in {data}: run `scr build` (or `scr demo`) first")
    env = dict(os.environ, SCR_DATA=str(Path(data).resolve()))
    print(f"SCR Atlas explorer: http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    proc = subprocess.Popen(explorer_command(data, port, host), env=env)

    def stop(signum: int, frame: object) -> None:  # pass a SIGTERM on to Streamlit
        proc.terminate()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
