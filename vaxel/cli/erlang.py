"""``vaxel erlang``: the staffing calculator (Erlang C, and Erlang A with --patience).

vaxel erlang --calls-per-hour 200 --aht 180 --target 20 (--agents 14 | --service-level 0.8)
             [--patience 300] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from vaxel.core.errors import ConfigError
from vaxel.stats.erlang import StaffingFigures, agents_needed, erlang_a, erlang_c

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--calls-per-hour", type=float, required=True, help="contacts offered per hour"
    )
    parser.add_argument("--aht", type=float, required=True, help="average handle time, seconds")
    parser.add_argument(
        "--target",
        type=float,
        default=20.0,
        help="answer-time target in seconds for the service level (default 20)",
    )
    parser.add_argument("--agents", type=int, help="agents on duty")
    parser.add_argument(
        "--service-level", type=float, help="service-level goal 0–1 for agents_needed (default 0.8)"
    )
    parser.add_argument(
        "--patience",
        type=float,
        help="mean caller patience in seconds: Erlang A instead of Erlang C",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def _figures(args: argparse.Namespace, agents: int) -> StaffingFigures:
    if args.patience is None:
        return erlang_c(args.calls_per_hour, args.aht, agents, args.target)
    return erlang_a(args.calls_per_hour, args.aht, agents, args.patience, args.target)


def run(args: argparse.Namespace) -> int:
    goal = 0.8 if args.service_level is None else args.service_level
    option = {
        "calls_per_hour": "--calls-per-hour",
        "aht_s": "--aht",
        "agents": "--agents",
        "target_s": "--target",
        "patience_s": "--patience",
        "service_level": "--service-level",
    }
    try:
        needed = agents_needed(args.calls_per_hour, args.aht, args.target, goal, args.patience)
        figures = _figures(args, args.agents if args.agents is not None else needed)
    except ConfigError as error:
        print(
            f"vaxel erlang: {option.get(error.field, error.field)}: {error.reason}", file=sys.stderr
        )
        return 2
    result: dict[str, object] = {
        "model": "erlang_a" if args.patience is not None else "erlang_c",
        "calls_per_hour": args.calls_per_hour,
        "aht_s": args.aht,
        "target_s": args.target,
        "agents": figures.agents,
        "probability_of_waiting": round(figures.probability_of_waiting, 6),
        "service_level": round(figures.service_level, 6),
        "asa_s": None if math.isinf(figures.asa_s) else round(figures.asa_s, 3),
        "occupancy": round(figures.occupancy, 6),
        "service_level_goal": goal,
        "agents_needed": needed,
    }
    if args.patience is not None:
        result["patience_s"] = args.patience
        result["probability_of_abandoning"] = round(figures.probability_of_abandoning or 0.0, 6)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    asa = "∞" if result["asa_s"] is None else f"{figures.asa_s:.1f} s"
    lines = [
        f"{'Erlang A' if args.patience is not None else 'Erlang C'}: "
        f"{args.calls_per_hour:g} samtal/timme, AHT {args.aht:g} s, {figures.agents} handläggare",
        f"  Sannolikhet att vänta / P(wait):     {figures.probability_of_waiting * 100:6.1f} %",
        f"  Servicenivå / service level ({args.target:g} s): {figures.service_level * 100:6.1f} %",
        f"  Medelsvarstid / ASA:                 {asa}",
        f"  Beläggning / occupancy:              {figures.occupancy * 100:6.1f} %",
    ]
    if args.patience is not None:
        lines.append(
            "  Andel som lägger på / abandoning:    "
            f"{(figures.probability_of_abandoning or 0.0) * 100:6.1f} %"
        )
    lines.append(f"  Behövs för {goal * 100:g} % servicenivå / agents needed: {needed}")
    print("\n".join(lines))
    return 0
