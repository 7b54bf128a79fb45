"""Whose phone an extension is, at 10,000 people (DIR4, OP4): the line feed asks it at each
step of a call whose sides changed. ``python -m benchmarks.line_lookup [--people N]``.

Measures, in-process and single-threaded, the scan of every person's devices the switch
did before (kept here as the reference) against the snapshot's index
(:meth:`~vaxel.telephony.pbx_directory.PbxDirectory.person_of_phone`: its first lookup
after a change builds it), and the agent → extension lookup (still a scan). Not a test:
figures go into BENCHMARKS.md with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.telephony.directory import Extension, TelephonyDirectory
from vaxel.telephony.pbx_directory import PbxDirectory

TENANT = "exempelby"


def _scan(pbx: PbxDirectory, tenant: str, extension: str) -> str | None:
    """The lookup as it was: every person's devices, in order."""
    for (owner, person), devices in pbx.people.items():
        stand_in = person.startswith("extension:")
        if owner == tenant and not stand_in and extension in devices.extensions():
            return person
    return None


def _ms(lookup: Callable[[], object], rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        lookup()
    return (time.perf_counter() - started) / rounds * 1000


def measure(people: int = 10_000, rounds: int = 300) -> dict[str, float]:
    """Milliseconds per lookup of the last person's phone (the scan's worst case)."""
    phones = [str(20_000 + i) for i in range(people)]
    pbx = PbxDirectory(
        {},
        {
            (TENANT, f"p{i}"): PersonDevices(TENANT, f"p{i}", (Device(DeviceKind.SIP, n),))
            for i, n in enumerate(phones)
        },
    )
    directory = TelephonyDirectory(pbx=pbx)
    for i, number in enumerate(phones):
        directory.extensions[number] = Extension(TENANT, number, "x", agent_id=f"a{i}")
    last = phones[-1]
    started = time.perf_counter()
    assert pbx.person_of_phone(TENANT, last) == f"p{people - 1}"  # builds the index
    build_ms = (time.perf_counter() - started) * 1000
    return {
        "people": people,
        "scan_ms": _ms(lambda: _scan(pbx, TENANT, last), rounds),
        "index_build_ms": build_ms,
        "index_ms": _ms(lambda: pbx.person_of_phone(TENANT, last), rounds),
        "extension_of_agent_ms": _ms(
            lambda: directory.extension_of_agent(TENANT, f"a{people - 1}"), rounds
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.line_lookup")
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    print(json.dumps(measure(args.people), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
