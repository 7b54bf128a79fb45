"""Directory import of 100,000 people from CSV (issue 13 "Benchmarks": < 30 s).

A generated CSV in the documented format (``docs/directory.md``: names with Swedish
variants, an extension, a mobile as people type it, e-mail, a unit path of Exempelby's tree,
title, room, keywords) is imported into an empty tenant as ``vaxel directory import`` does
it — read, every number normalised with ``phonenumbers``, every person validated, then
written in one transaction — and timed whole. Then the same file again as an incremental
(upsert) import that changes every row in place, and an export back to CSV.

``python -m benchmarks.directory_import [--people N] [--database-url URL] [--json]``
(SQLite in a temporary folder by default; a PostgreSQL URL measures that instead).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from vaxel.directory_io import FileFormat, export_directory, import_directory
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore, ImportMode

__all__ = ["generate_csv", "measure"]

GIVEN = (
    "Karin",
    "Carin",
    "Kristina",
    "Christina",
    "Erik",
    "Eric",
    "Karl",
    "Carl",
    "Anna",
    "Mikael",
    "Michael",
    "Sofia",
    "Sophia",
    "Johan",
    "Lars",
    "Maria",
    "Oskar",
    "Oscar",
)
FAMILY = (
    "Carlsson",
    "Karlsson",
    "Lindqvist",
    "Lindquist",
    "Sjöberg",
    "Schöberg",
    "Zetterberg",
    "Setterberg",
    "Andersson",
    "Johansson",
    "Nilsson",
    "Eriksson",
    "Pettersson",
    "Petersson",
    "Kjellberg",
    "Tjellberg",
    "Öberg",
    "Åberg",
)
UNITS = (
    "Samhällsbyggnad/Bygglov",
    "Samhällsbyggnad/Miljö och hälsa",
    "Socialtjänst/Socialjour",
    "Socialtjänst/Äldreomsorg",
    "Barn och utbildning/Förskola",
    "Barn och utbildning/Grundskola",
    "Kommunledning/Ekonomi",
    "Kommunledning/HR",
    "Kultur och fritid/Bibliotek",
)
TITLES = ("Handläggare", "Socialsekreterare", "Lärare", "Ekonom", "Enhetschef")
HEADER = "external_id,given_name,family_name,extension,mobile,email,unit,title,room,keywords\n"


def generate_csv(people: int, seed: int = 1) -> bytes:
    """``people`` rows of the documented CSV, the same for the same seed."""
    rng = random.Random(seed)
    rows = [HEADER]
    for n in range(people):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        mobile = (
            f"07{rng.choice('0236')}-{rng.randrange(1000):03d} {rng.randrange(100):02d} "
            f"{rng.randrange(100):02d}"
        )
        rows.append(
            f"E{n:06d},{given},{family},{100000 + n},{mobile},"
            f"{given.lower()}.{n}@exempelby.se,{rng.choice(UNITS)},{rng.choice(TITLES)},"
            f"B{rng.randrange(1, 400)},bygglov;jour\n"
        )
    return "".join(rows).encode()


def measure(people: int, database_url: str | None = None) -> dict[str, Any]:
    """Seconds to import ``people`` into an empty tenant (wall clock, and the CPU time of
    this process: on a loaded machine the wall clock counts other processes' turns too), to
    re-import them as an upsert, and to export them, with the load average at start and end."""
    data = generate_csv(people)
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'directory.db'}"
        database = open_database(url)
        upgrade(database)
        tenant = f"bench-{int(time.time())}"
        Tenants(database).add(Tenant(tenant, "Benchmark"))
        store = DirectoryStore(database)
        load_before = os.getloadavg()
        started, cpu = time.perf_counter(), time.process_time()
        report = import_directory(store, tenant, data, FileFormat.CSV, ImportMode.REPLACE)
        imported, import_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert report.added == people, report
        started = time.perf_counter()
        report = import_directory(store, tenant, data, FileFormat.CSV, ImportMode.UPSERT)
        upserted = time.perf_counter() - started
        assert report.updated == people, report
        started = time.perf_counter()
        exported = sum(len(piece) for piece in export_directory(store, tenant, FileFormat.CSV))
        export_s = time.perf_counter() - started
        load_after = os.getloadavg()
        database.dispose()
    return {
        "people": people,
        "file_bytes": len(data),
        "database": url.split(":", 1)[0],
        "import_s": round(imported, 2),
        "import_cpu_s": round(import_cpu, 2),
        "upsert_s": round(upserted, 2),
        "export_s": round(export_s, 2),
        "export_chars": exported,
        "people_per_s": round(people / imported),
        "load_average": [round(x, 1) for x in (*load_before, *load_after)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.directory_import")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.people, args.database_url)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{result['people']:,} people ({result['file_bytes'] / 1e6:.1f} MB CSV) on "
        f"{result['database']}: import {result['import_s']} s "
        f"({result['people_per_s']:,}/s, {result['import_cpu_s']} s CPU), "
        f"upsert {result['upsert_s']} s, "
        f"export {result['export_s']} s; load average {result['load_average']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
