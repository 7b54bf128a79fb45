"""Whether a benchmark process got its core: the kernel's own count of time spent waiting.

``/proc/<pid>/task/<tid>/schedstat`` holds three numbers for a thread: nanoseconds run on a
CPU, nanoseconds spent runnable but waiting for one (run-queue delay), and time slices. A
process that waited for its core for more than ``MAX_WAIT_SHARE`` of a window was starved by
other work on the machine: its figures measure the machine, not the code (issue 11: the
media rows of 6–7 December were taken while eight sessions shared two cores). The benchmarks
print such a row as INVALID, with the reason, instead of a figure.
"""

from __future__ import annotations

import os
import threading

__all__ = ["MAX_WAIT_SHARE", "Schedstat", "main_thread_schedstat"]

MAX_WAIT_SHARE = 0.10
"""Waiting for the core longer than this share of the window makes a row invalid."""


class Schedstat:
    """Run and wait time of one thread between ``start()`` and ``stop()``, in seconds."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._start: tuple[int, int] | None = None
        self.ran_s = 0.0
        self.waited_s = 0.0

    def _read(self) -> tuple[int, int]:
        try:
            with open(self.path, encoding="ascii") as stat:
                ran, waited, _ = stat.read().split()
        except (OSError, ValueError):  # no schedstat (another OS, or a kernel without it)
            return 0, 0
        return int(ran), int(waited)

    def start(self) -> None:
        self._start = self._read()

    def stop(self) -> None:
        if self._start is None:
            return
        ran, waited = self._read()
        self.ran_s = (ran - self._start[0]) / 1e9
        self.waited_s = (waited - self._start[1]) / 1e9


def main_thread_schedstat() -> Schedstat:
    """The calling process's main thread (the event loop's), readable from any thread."""
    pid = os.getpid()
    tid = threading.main_thread().native_id or pid
    return Schedstat(f"/proc/{pid}/task/{tid}/schedstat")
