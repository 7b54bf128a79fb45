"""scripts/system-packages.sh waits for another apt instead of failing at once (issue 9 §11).

The script's wait function runs against a lock held by the test, standing in for
/var/lib/dpkg/lock-frontend: once the way apt and dpkg lock (fcntl) and once with flock(1).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import threading
import time
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "system-packages.sh"


def wait_for_locks(lock: Path, limit_s: int) -> tuple[subprocess.CompletedProcess[str], float]:
    """Source the script and run its wait function against ``lock``; returns the result and
    how long it took."""
    environment = os.environ | {"VAXEL_APT_LOCKS": str(lock), "VAXEL_APT_LOCK_WAIT_S": str(limit_s)}
    started = time.monotonic()
    result = subprocess.run(
        ["bash", "-c", f'source "{SCRIPT}" && wait_for_apt_locks'],
        env=environment,
        capture_output=True,
        text=True,
        timeout=limit_s + 10,
    )
    return result, time.monotonic() - started


def test_it_waits_while_apt_holds_the_lock_and_goes_on_when_it_is_released(tmp_path: Path) -> None:
    lock = tmp_path / "lock-frontend"
    with lock.open("w") as held:
        fcntl.lockf(held, fcntl.LOCK_EX)  # as apt and dpkg take it
        release = threading.Timer(1.5, fcntl.lockf, (held, fcntl.LOCK_UN))
        release.start()
        result, took = wait_for_locks(lock, limit_s=20)
        release.cancel()
    assert result.returncode == 0, result.stderr
    assert took >= 1.4
    assert "Waiting for another apt or dpkg" in result.stderr


def test_it_gives_up_after_the_bound_and_names_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "lock-frontend"
    lock.touch()
    holder = subprocess.Popen(["flock", str(lock), "sleep", "30"])
    try:
        while not subprocess.run(["flock", "-n", str(lock), "true"]).returncode:
            time.sleep(0.02)  # until flock(1) holds it
        result, took = wait_for_locks(lock, limit_s=1)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert took < 5
    assert f"{lock} is still held" in result.stderr


def test_a_free_lock_costs_no_wait(tmp_path: Path) -> None:
    lock = tmp_path / "lock-frontend"
    lock.touch()
    result, took = wait_for_locks(lock, limit_s=20)
    assert (result.returncode, result.stderr) == (0, "")
    assert took < 1
