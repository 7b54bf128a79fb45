"""LDAP/AD sync of 10,000 people from a real slapd (issue 13 Benchmarks: < 60 s).

A slapd on 127.0.0.1 is loaded with ``--people`` generated entries; the sync runs as
``vaxel serve`` runs it (:meth:`DirectoryService.sync_ldap`) into SQLite — and PostgreSQL
with ``--database-url`` — three times: the first run (everyone added), a run with nothing
changed, and a run after 10 % of the entries were renamed or moved.

``python -m benchmarks.directory_ldap [--people 10000] [--database-url URL] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import ldap3

from tests.directory_sync.slapd import PEOPLE, ROOT_DN, ROOT_PASSWORD, SUFFIX, Slapd, people
from vaxel.directory_sync.service import LDAP, DirectoryService
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources


def measure(count: int, database_url: str | None = None) -> dict[str, object]:
    persons = people(count)
    slapd = Slapd(persons)
    folder = tempfile.mkdtemp(prefix="vaxel-bench-")
    url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
    try:
        database = open_database(url)
        upgrade(database)
        tenant = f"bench{int(time.time())}"
        Tenants(database).add(Tenant(tenant, "Benchmark"))
        service = DirectoryService(DirectoryStore(database), DirectorySources(database))
        settings = {
            "url": slapd.url,
            "base_dn": SUFFIX,
            "bind_dn": ROOT_DN,
            "password": ROOT_PASSWORD,
            "mapping": {"unit": "ou", "extension_digits": 4},
        }
        service.sources.put_settings(tenant, LDAP, settings, 0.0)
        runs = {}
        for name in ("first", "unchanged"):
            started = time.perf_counter()
            report = service.sync_ldap(tenant)
            runs[name] = {"s": round(time.perf_counter() - started, 2), **report.counts}
        admin = ldap3.Connection(slapd.url, ROOT_DN, ROOT_PASSWORD, auto_bind=True)
        for i, person in enumerate(persons[: count // 10]):
            change = {"sn": [(ldap3.MODIFY_REPLACE, [person.family + "-Ny"])]}
            if i % 2:
                change = {"ou": [(ldap3.MODIFY_REPLACE, ["Kultur/Bibliotek"])]}
            admin.modify(f"uid={person.uid},{PEOPLE}", change)
        admin.unbind()
        started = time.perf_counter()
        report = service.sync_ldap(tenant)
        runs["ten_percent_changed"] = {
            "s": round(time.perf_counter() - started, 2),
            **report.counts,
        }
        return {"people": count, "database": url.split(":")[0], "runs": runs}
    finally:
        slapd.stop()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.directory_ldap")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.people, args.database_url)
    result["load_average"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    where, load = result["database"], result["load_average"]
    print(f"LDAP sync of {result['people']} people into {where} (load {load:.1f}):")
    for name, run in result["runs"].items():  # type: ignore[attr-defined]
        print(f"  {name:<20} {run['s']:>6.2f} s  {run}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
