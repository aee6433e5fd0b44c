"""Worker processes that end with the run: on Ctrl-C, on SIGTERM to the main process, and
when the main process dies, even by kill -9. Every way out unwinds the Python stack, so an
atomic write in progress removes its temporary file (advisor/files.py), and no worker
prints a traceback."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

_PARENT: int | None = None
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def imap(func: Callable, items: list, processes: int, init: Callable, initargs: tuple) -> Iterator[Any]:
    """func over items in `processes` worker processes, results in input order.

    A run that gets every result closes the pool and waits for the workers to finish their
    queue; only a run cut short (Ctrl-C, --fail-fast, an error) terminates them. Terminating
    a pool whose workers are idle could leave one waiting forever on the lock of the task
    queue, which the pool takes over while it stops them, after every report was written."""
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    chunk = max(1, min(64, len(items) // (processes * 8)))
    pool = context.Pool(processes, initializer=_start, initargs=(os.getpid(), init, initargs))
    try:
        yield from pool.imap(_guarded(func), items, chunksize=chunk)
    except BaseException:  # also the generator closed early
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


@contextmanager
def interruptible() -> Iterator[None]:
    """In the main process: SIGTERM interrupts like Ctrl-C (KeyboardInterrupt), so the run
    unwinds, stops its workers and cleans up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _start(parent: int, init: Callable, initargs: tuple) -> None:
    """A worker: Ctrl-C is the main process's to handle; SIGTERM (from the pool, or from the
    kernel when the main process dies) exits cleanly."""
    global _PARENT
    _PARENT = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit)
    _die_with_parent()
    _check_parent()
    init(*initargs)


def _exit(signum, frame):
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """Linux: have the kernel send SIGTERM when the main process dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: _check_parent before each job does it
        pass


def _check_parent() -> None:
    if _PARENT is not None and os.getppid() != _PARENT:
        raise SystemExit(1)


class _guarded:
    """func, after checking that the main process still runs (picklable, for spawn)."""

    def __init__(self, func: Callable):
        self.func = func

    def __call__(self, item):
        _check_parent()
        return self.func(item)
