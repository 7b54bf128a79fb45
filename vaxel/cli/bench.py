"""``vaxel bench …``: built-in benchmarks. ``vaxel bench ewt [--json] [--seed N]`` scores the
wait estimators (Q8) on simulated traffic."""

from __future__ import annotations

import argparse
import json

from vaxel.sim.ewt_bench import run_bench

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    benches = parser.add_subparsers(dest="bench", metavar="BENCH", required=True)
    ewt = benches.add_parser("ewt", help="estimated-wait error (RMSE) of three estimators")
    ewt.add_argument("--json", action="store_true", help="print JSON")
    ewt.add_argument("--seed", type=int, default=1)
    ewt.add_argument(
        "--contacts",
        type=int,
        default=None,
        help="contacts per scenario (default: each scenario's own)",
    )


def run(args: argparse.Namespace) -> int:
    result = run_bench(seed=args.seed, contacts=args.contacts)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("Beräknad väntetid / estimated wait: RMSE in seconds over answered contacts")
    print(f"{'scenario':<15}{'asterisk':>10}{'queue_length':>14}{'vaxel':>10}{'vs best':>10}")
    for scenario in result["scenarios"]:
        rmse = scenario["rmse_s"]
        assert isinstance(rmse, dict)
        best = min(rmse["asterisk"], rmse["queue_length"])
        change = (rmse["vaxel"] - best) / best * 100 if best else 0.0
        print(
            f"{scenario['name']!s:<15}{rmse['asterisk']:>10.1f}{rmse['queue_length']:>14.1f}"
            f"{rmse['vaxel']:>10.1f}{change:>+9.1f}%"
        )
    return 0
