"""``vaxel serve`` with a benchmark tenant of N SIP accounts, for the PBX benchmarks (issue
14): the accounts are written straight into a fresh SQLite database through the store (one
transaction, no web), the server runs pinned to one core like ``sip_rate.py`` (SIPp on the
other), trusts no source (every phone signs in with digest), and its RSS and CPU time are
read from ``/proc``. Not a test."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert

from benchmarks.sip_rate import LOAD_CORE, SERVER_CORE, _pinned
from vaxel.runtime.extensions import PhoneExtension
from vaxel.store import Tenant, Tenants, open_database, tables, upgrade

__all__ = ["FIRST", "LOAD_CORE", "TENANT", "Server", "password", "seed", "start"]

TENANT = "bench"
FIRST = 50000
"""The first extension: 50000, 50001, … (five digits, no demo number)."""


def password(number: int) -> str:
    return f"bench-{number}-secret"


def seed(url: str, count: int) -> None:
    """A fresh database with the benchmark tenant and ``count`` SIP accounts."""
    database = open_database(url)
    upgrade(database)
    Tenants(database).add(Tenant(TENANT, "Benchmark"))
    rows = []
    for number in range(FIRST, FIRST + count):
        phone = PhoneExtension(TENANT, str(number), f"Telefon {number}", password(number))
        rows.append(
            {
                "tenant_id": TENANT,
                "extension_id": phone.number,
                "name": phone.display_name,
                "document": phone.document(),
            }
        )
    with database.begin() as connection:
        connection.execute(insert(tables.extensions), rows)
    database.dispose()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    log: Path

    def cpu_s(self) -> float:
        """User + system CPU seconds the server has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def start(workdir: Path, url: str, sip_port: int, http_port: int) -> Server:
    """``vaxel serve`` on 127.0.0.1 (its web app too: the real start-up), waiting for its
    last start-up line. Output goes to a file, never a pipe nobody reads (sip_rate.py)."""
    vaxel = Path(sys.executable).parent / "vaxel"
    environ = {
        **os.environ,
        "VAXEL_DATABASE_URL": url,
        "VAXEL_SIP_PORT": str(sip_port),
        "VAXEL_HTTP_PORT": str(http_port),
        "VAXEL_SECURE_COOKIES": "false",
        "VAXEL_SIP_INVITE_RATE": "10000",  # SIPp is one source: capacity, not flood limit
    }
    log = workdir / "vaxel.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _pinned([str(vaxel), "serve"], SERVER_CORE),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environ,
        )
    deadline = time.time() + 120
    while time.time() < deadline:
        if "Redo." in log.read_text(errors="replace"):
            time.sleep(1.0)  # the collector's settling after start-up
            return Server(process, log)
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"vaxel serve did not finish its start-up:\n{tail}")
