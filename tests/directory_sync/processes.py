"""Starting and stopping the real servers the directory tests talk to (slapd, Radicale):
a free port on 127.0.0.1, waiting until it accepts, and stopping without leaving a process."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], limit_s: float, give_up: Callable[[], None]
) -> None:
    """Return once 127.0.0.1:``port`` accepts; ``give_up`` and raise if the process ended or
    ``limit_s`` passed first."""
    deadline = time.monotonic() + limit_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                give_up()
                raise RuntimeError(f"{process.args[0]} did not start") from None
            time.sleep(0.05)


def stop(process: subprocess.Popen[bytes], folder: Path) -> None:
    """End the process (terminate, then kill) and remove its folder."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    shutil.rmtree(folder, ignore_errors=True)
