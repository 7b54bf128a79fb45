"""``vaxel simulate SCENARIO``: a day of traffic in virtual time, then its KPIs."""

from __future__ import annotations

import argparse
import json
import sys

from vaxel.core.errors import ConfigError
from vaxel.sim.kpi import DayReport, QueueFigures
from vaxel.sim.scenarios import SCENARIOS, scenario
from vaxel.sim.simulator import Simulator

__all__ = ["add_arguments", "format_report", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="one of: " + ", ".join(sorted(SCENARIOS)))
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    try:
        chosen = scenario(args.scenario)
    except ConfigError as error:
        print(f"vaxel simulate: {error.reason}", file=sys.stderr)
        return 2
    report = Simulator(chosen, seed=args.seed).run()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report, chosen.description, chosen.service_target_s))
    return 0


def _row(name: str, f: QueueFigures) -> str:
    return (
        f"{name:<14}{f.offered:>8}{f.answered:>9}{f.abandoned:>9}{f.overflowed:>8}"
        f"{f.service_level * 100:>8.1f}%{f.asa_s:>8.1f}{f.abandon_rate * 100:>8.1f}%"
        f"{f.longest_wait_s:>9.0f}"
    )


def format_report(report: DayReport, description: str, target_s: float) -> str:
    lines = [
        f"Scenario {report.scenario}: {description}",
        f"{report.agents} agents, {report.simulated_s / 3600:.1f} h simulated, "
        f"occupancy {report.occupancy * 100:.1f} %, service level = answered within "
        f"{target_s:.0f} s / (answered + abandoned)",
        "",
        f"{'Kö/queue':<14}{'offered':>8}{'answered':>9}{'abandon':>9}{'overfl':>8}"
        f"{'SL':>9}{'ASA s':>8}{'aband.':>9}{'max s':>9}",
    ]
    lines += [_row(name, figures) for name, figures in sorted(report.queues.items())]
    lines.append(_row("Totalt/total", report.total))
    return "\n".join(lines)
