"""Run the core benchmarks: ``python -m benchmarks [--quick] [--json]``.

Not tests: figures go into BENCHMARKS.md with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform

from benchmarks import day, routing


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="fewer contacts, for a smoke run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    contacts = 3000 if args.quick else 20000
    results: dict[str, object] = {
        "machine": {"cpu": _cpu(), "cores": os.cpu_count(), "python": platform.python_version()},
        "routing": [routing.measure(n, contacts=contacts) for n in (10, 100, 1000, 10000)],
    }
    if not args.quick:
        results["day"] = day.measure()
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    machine = results["machine"]
    print(f"Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}")  # type: ignore[index]
    print("\nRouting (100 queues, 20 skills, skills-based strategy)")
    print(f"{'agents':>8}{'routed/s':>12}{'mean µs':>10}{'p50 µs':>10}{'p99 µs':>10}")
    for row in results["routing"]:  # type: ignore[attr-defined]
        print(f"{row['agents']:>8}{row['routed_per_s']:>12.0f}{row['mean_us']:>10.1f}"
              f"{row['p50_us']:>10.1f}{row['p99_us']:>10.1f}")
    if "day" in results:
        d = results["day"]
        print(f"\nSimulated day, 200 agents: {d['contacts']} contacts, "  # type: ignore[index]
              f"{d['engine_steps']} engine steps in {d['wall_s']:.2f} s wall "  # type: ignore[index]
              f"({d['contacts_per_s']:.0f} contacts/s), peak RSS {d['peak_rss_mb']:.0f} MB")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
