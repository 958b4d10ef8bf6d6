"""Run a function over many tasks in worker processes that can be killed one by one.

:func:`run_isolated` is what extraction uses to survive hostile documents: each worker is a
``spawn``-ed process with an address-space limit (``RLIMIT_AS``) that runs one task at a time,
so a task that hangs is killed at its deadline (and its worker replaced), a task that exhausts
memory gets ``MemoryError`` inside the worker, and a worker that segfaults or is killed costs
only the task it was running. Every task yields exactly one outcome: the function's result, or
a :class:`Failure` with a one-line reason. Closing the generator, or an exception in the parent
(KeyboardInterrupt included), kills all workers; workers ignore SIGINT so that Ctrl-C reaches
only the parent; on Linux the kernel kills them when the thread that started them dies
(elsewhere an idle worker exits when its pipe closes). Log records of the workers are forwarded
to the parent's loggers, prefixed with the task's key.

The function and the task arguments must be picklable (a module-level function). Workers are
spawned, so they import the parent's ``__main__`` module: a script that calls this must keep its
work under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, TypeVar

from ingest.workerproc import serve

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
STARTUP_TIMEOUT_S = 120.0  # a worker that is not ready by then is killed
MAX_STARTUP_FAILURES = 3  # consecutive workers dying before they are ready: give up
MAX_MESSAGES_PER_WAKE = 200  # so that a worker flooding the log cannot starve the deadlines
HINT = "a script that starts workers needs an `if __name__ == '__main__':` guard"


@dataclass(frozen=True)
class Failure:
    """A task that produced no result, and why (one line)."""

    reason: str


def default_workers() -> int:
    """The CPUs this process may run on (its affinity where known), at least one."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def describe_exit(exitcode: int | None) -> str:
    """"killed by signal SIGSEGV" or "exit code 3"."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class _Worker:
    def __init__(self, ctx: Any, func: Callable[[Any], Any], memory_mb: int | None) -> None:
        self.conn, child = ctx.Pipe()
        level = logging.getLogger().getEffectiveLevel()
        self.process = ctx.Process(target=serve, args=(child, func, memory_mb, level, os.getpid()),
                                   name="scr-worker", daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.key: str | None = None
        self.deadline = time.monotonic() + STARTUP_TIMEOUT_S

    def assign(self, key: str, arg: Any, timeout_s: float) -> bool:
        try:
            self.conn.send(arg)
        except (OSError, ValueError):
            return False
        self.key, self.deadline = key, time.monotonic() + timeout_s
        return True

    def finish(self) -> str:
        """The key of the task just ended; the worker is idle again."""
        key, self.key, self.deadline = self.key, None, math.inf
        return key or ""

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(1)
        self.kill()


class _Pool:
    """The worker processes of one run, and what happens to each."""

    def __init__(self, func: Callable[[Any], Any], size: int, timeout_s: float,
                 memory_mb: int | None) -> None:
        self.func, self.size, self.timeout_s, self.memory_mb = func, size, timeout_s, memory_mb
        self.ctx = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []
        self.startup_failures = 0

    def dispatch(self, queue: deque[tuple[str, Any]]) -> None:
        """Give queued tasks to idle workers; start workers for the rest, up to the size."""
        for worker in self.workers:
            if worker.ready and worker.key is None and queue:
                key, arg = queue.popleft()
                if not worker.assign(key, arg, self.timeout_s):
                    queue.appendleft((key, arg))
        idle = sum(1 for w in self.workers if w.key is None)
        while len(self.workers) < self.size and len(queue) > idle:
            self.workers.append(_Worker(self.ctx, self.func, self.memory_mb))
            idle += 1

    def busy(self) -> bool:
        return any(w.key is not None for w in self.workers)

    def wait(self) -> list[_Worker]:
        """Workers with messages or that died, waiting no later than the nearest deadline."""
        if not self.workers:
            return []
        deadline = min((w.deadline for w in self.workers), default=math.inf)
        timeout = None if deadline == math.inf else max(0.0, deadline - time.monotonic())
        handles: dict[Any, _Worker] = {w.conn: w for w in self.workers}
        handles.update({w.process.sentinel: w for w in self.workers})
        woken = {id(handles[h]) for h in wait(list(handles), timeout)}
        return [w for w in self.workers if id(w) in woken]

    def _retire(self, worker: _Worker, why: str) -> None:
        worker.kill()
        self.workers.remove(worker)
        if worker.ready:
            return
        self.startup_failures += 1
        if self.startup_failures >= MAX_STARTUP_FAILURES:
            raise RuntimeError(f"worker processes fail to start ({why}); {HINT}")

    def read(self, worker: _Worker) -> Iterator[tuple[str, Any]]:
        """Outcomes a worker has sent; a worker that died costs its task."""
        dead, budget = False, MAX_MESSAGES_PER_WAKE
        while not dead and budget and worker.conn.poll():
            budget -= 1
            try:
                kind, value = worker.conn.recv()
            except (EOFError, OSError):
                break
            if kind == "log":
                name, level, message = value
                logging.getLogger(name).log(level, "[%s] %s", worker.key, message)
            elif kind == "ready":
                worker.ready, worker.deadline, self.startup_failures = True, math.inf, 0
            elif kind == "done":
                yield worker.finish(), value
            else:
                dead = kind == "retired"  # it exits by itself: give it no more tasks
                yield worker.finish(), Failure(str(value))
        if dead or not worker.process.is_alive():
            key = worker.key
            self._retire(worker, describe_exit(worker.process.exitcode))
            if key is not None:
                cause = describe_exit(worker.process.exitcode)
                logger.warning("worker died on %s: %s", key, cause)
                yield worker.finish(), Failure(f"worker died: {cause}")

    def expire(self) -> Iterator[tuple[str, Failure]]:
        """Kill workers past their deadline; their tasks time out."""
        now = time.monotonic()
        for worker in [w for w in self.workers if w.deadline <= now]:
            key = worker.key
            self._retire(worker, f"not ready after {STARTUP_TIMEOUT_S:g} s")
            if key is not None:
                logger.warning("timeout after %g s on %s; worker killed", self.timeout_s, key)
                yield worker.finish(), Failure(f"timeout after {self.timeout_s:g} s")

    def close(self, graceful: bool) -> None:
        for worker in self.workers:
            worker.stop() if graceful else worker.kill()
        self.workers.clear()


def run_isolated(func: Callable[[T], R], tasks: Iterable[tuple[str, T]], *,
                 workers: int | None = None, timeout_s: float = 60.0,
                 memory_mb: int | None = 2048) -> Iterator[tuple[str, R | Failure]]:
    """Yield ``(key, func(arg) or Failure)`` for every ``(key, arg)`` task, as they complete.

    ``workers`` (None or 0) defaults to :func:`default_workers`; ``timeout_s`` is the wall-clock
    limit of one task and ``memory_mb`` each worker's address-space limit (None: unlimited).
    Tasks are read from ``tasks`` lazily. Raises RuntimeError if workers cannot start at all.
    """
    size = workers if workers and workers > 0 else default_workers()
    pool = _Pool(func, size, timeout_s, memory_mb)
    source = iter(tasks)
    queue: deque[tuple[str, T]] = deque()
    exhausted = finished = False
    try:
        while True:
            while not exhausted and len(queue) < size:
                try:
                    queue.append(next(source))
                except StopIteration:
                    exhausted = True
            pool.dispatch(queue)
            if exhausted and not queue and not pool.busy():
                break
            for worker in pool.wait():
                yield from pool.read(worker)
            yield from pool.expire()
        finished = True
    finally:
        pool.close(graceful=finished)
