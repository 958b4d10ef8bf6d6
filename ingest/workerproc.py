"""The worker-process side of :mod:`ingest.workerpool`.

A worker ignores SIGINT (Ctrl-C is the parent's to handle), asks the kernel to kill it when its
parent dies, caps its own address space, forwards its log records to the parent, then runs tasks
from its pipe one at a time. Messages to the parent are ``(kind, value)`` pairs: ``ready``,
``log``, ``done`` (the result), ``failed`` (a one-line reason) and ``retired`` (a failure after
which the worker exits: memory exhaustion).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

MEMORY_REASON = "memory limit exceeded"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def limit_memory(memory_mb: int | None) -> None:
    """Cap this process's address space at ``memory_mb`` MiB (no-op where unsupported)."""
    if not memory_mb or resource is None:
        return
    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError) as exc:
        logger.debug("cannot limit memory to %s MiB: %s", memory_mb, exc)


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux; elsewhere a no-op).

    Without it, a worker busy on a hung document would outlive a killed run.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError) as exc:
        logger.debug("cannot tie worker to its parent: %s", exc)
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _send(conn: Connection, message: tuple[str, Any]) -> None:
    try:
        conn.send(message)
    except Exception as exc:  # the parent is gone, or the result cannot be pickled
        logger.debug("worker cannot send %s: %s", message[0], exc)


class _PipeHandler(logging.Handler):
    """Worker side of log forwarding: records go to the parent, which logs them."""

    def __init__(self, conn: Connection) -> None:
        super().__init__()
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(("log", (record.name, record.levelno, record.getMessage()[:2000])))


def serve(conn: Connection, func: Callable[[Any], Any], memory_mb: int | None,
          log_level: int, parent_pid: int) -> None:
    """Worker process: run tasks from ``conn`` one at a time until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent_pid)
    root = logging.getLogger()
    root.handlers[:] = [_PipeHandler(conn)]
    root.setLevel(log_level)
    limit_memory(memory_mb)
    _send(conn, ("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        except Exception as exc:  # a task that cannot be unpickled here (import error)
            _send(conn, ("failed", f"unexpected error: task unreadable: {exc}"[:300]))
            continue
        if task is None:
            return
        try:
            conn.send(("done", func(task)))
        except MemoryError:
            _send(conn, ("retired", MEMORY_REASON))
            return  # a fresh worker rather than a fragmented heap
        except Exception as exc:
            _send(conn, ("failed", f"unexpected error: {type(exc).__name__}: {exc}"[:300]))
