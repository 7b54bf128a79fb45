"""``vaxel demo``: the Swedish demo tenant with simulated traffic, until stopped."""

from __future__ import annotations

import argparse
import asyncio
import sys

from vaxel.demo import DEMO_DATABASE_URL, DemoSettings, run_demo

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per real second (default 1)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="stop this many real seconds after start-up (default: run until Ctrl-C)",
    )
    parser.add_argument(
        "--summary-every", type=float, default=5.0, help="seconds between summaries (default 5)"
    )
    parser.add_argument("--database-url", default=DEMO_DATABASE_URL)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the demo database from the last run instead of starting afresh",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--sip-port", type=int, default=5060, help="SIP port on 127.0.0.1 (default 5060)"
    )
    parser.add_argument(
        "--sip-invite-rate",
        type=float,
        default=20.0,
        help="new calls per second one source may start; more get 503 (default 20)",
    )
    parser.add_argument("--no-sip", action="store_true", help="run without telephony")
    parser.add_argument(
        "--carrier",
        default="",
        metavar="HOST:PORT",
        help="a trunk to this carrier, e.g. 127.0.0.1:5070 with scripts/sipp/demo_carrier.xml",
    )
    parser.add_argument("--http-port", type=int, default=8080, help="web app port (default 8080)")
    parser.add_argument("--no-web", action="store_true", help="run without the web app")
    parser.add_argument(
        "--no-traffic",
        action="store_true",
        help="no simulated callers or agents: only real phones",
    )


def run(args: argparse.Namespace) -> int:
    if args.speed <= 0:
        print("vaxel demo: --speed must be > 0", file=sys.stderr)
        return 2
    if args.sip_invite_rate <= 0:
        print("vaxel demo: --sip-invite-rate must be > 0", file=sys.stderr)
        return 2
    carrier = None
    if args.carrier:
        host, _, port = args.carrier.rpartition(":")
        if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
            print("vaxel demo: --carrier must be HOST:PORT, e.g. 127.0.0.1:5070", file=sys.stderr)
            return 2
        carrier = (host, int(port))
    settings = DemoSettings(
        database_url=args.database_url,
        fresh=not args.keep,
        speed=args.speed,
        duration_s=args.duration,
        summary_every_s=args.summary_every,
        seed=args.seed,
        sip_port=None if args.no_sip else args.sip_port,
        http_port=None if args.no_web else args.http_port,
        traffic=not args.no_traffic,
        sip_invite_rate=args.sip_invite_rate,
        carrier=carrier,
    )
    try:
        import uvloop  # the faster event loop when installed (DESIGN.md)
    except ImportError:
        runner = asyncio.run
    else:
        runner = uvloop.run
    try:
        runner(run_demo(settings))
    except KeyboardInterrupt:
        print("\nDemo stoppad.")
    return 0
