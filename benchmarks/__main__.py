"""Run the core benchmarks: ``python -m benchmarks [--quick] [--json] [--pbx]``.

``--pbx`` adds the PBX's two over SIP (issue 14; SIPp and ``vaxel serve`` on 127.0.0.1,
a few minutes): internal call set-up at 50 calls/s (``pbx_call_setup``) and 10,000
registered devices refreshing (``pbx_registrations``; fewer with ``--quick``).
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
    parser.add_argument("--pbx", action="store_true", help="the PBX benchmarks over SIP too")
    args = parser.parse_args()
    machine = {"cpu": _cpu(), "cores": os.cpu_count(), "python": platform.python_version()}
    rows = [
        routing.measure(n, contacts=3000 if args.quick else 20000) for n in (10, 100, 1000, 10000)
    ]
    whole_day = None if args.quick else day.measure()
    pbx = None
    if args.pbx:
        from benchmarks import pbx_call_setup, pbx_registrations

        pbx = {
            "call_setup": pbx_call_setup.measure(50, seconds=10 if args.quick else 30),
            "registrations": pbx_registrations.measure(
                1000 if args.quick else 10_000, seconds=30 if args.quick else 120
            ),
        }
    if args.json:
        report = {"machine": machine, "routing": rows, "day": whole_day, "pbx": pbx}
        print(json.dumps(report, indent=2))
        return 0
    print(f"Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}")
    print("\nRouting (100 queues, 20 skills, skills-based strategy)")
    print(f"{'agents':>8}{'routed/s':>12}{'mean µs':>10}{'p50 µs':>10}{'p99 µs':>10}")
    for row in rows:
        print(
            f"{row['agents']:>8.0f}{row['routed_per_s']:>12.0f}{row['mean_us']:>10.1f}"
            f"{row['p50_us']:>10.1f}{row['p99_us']:>10.1f}"
        )
    if whole_day is not None:
        print(
            f"\nSimulated day, 200 agents: {whole_day['contacts']:.0f} contacts, "
            f"{whole_day['engine_steps']:.0f} engine steps in {whole_day['wall_s']:.2f} s wall "
            f"({whole_day['contacts_per_s']:.0f} contacts/s), "
            f"peak RSS {whole_day['peak_rss_mb']:.0f} MB"
        )
    if pbx is not None:
        _print_pbx(pbx)
    return 0


def _print_pbx(pbx: dict[str, dict[str, object]]) -> None:
    setup, held = pbx["call_setup"], pbx["registrations"]
    times = setup["invite_to_200"]
    assert isinstance(times, dict)
    print(
        f"\nInternal call set-up, {setup['rate']} calls/s: INVITE→200 p50 "
        f"{times.get('p50_ms')} ms, p99 {times.get('p99_ms')} ms; failed "
        f"{setup['failed_at_a']:.0f} at A, {setup['failed_at_b']:.0f} at B"
    )
    refresh = held["refresh"]
    assert isinstance(refresh, dict)
    print(
        f"Registered devices: {held['devices']} refreshing at {refresh['rate_per_s']}/s: "
        f"server CPU {refresh['cpu_share_of_one_core']:.0%} of a core, RSS "
        f"{held['rss_after_refresh_mb']} MB, failed {refresh['failed']:.0f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
