"""The ``vaxel`` command. Each subcommand lives in its own module under ``vaxel.cli`` and
exposes ``add_arguments(parser)`` and ``run(args) -> int``; modules load only when used."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["main"]

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("vaxel.cli.demo", "seed the Swedish demo tenant and run it with simulated traffic"),
    "simulate": ("vaxel.cli.simulate", "simulate a day of traffic in virtual time, print KPIs"),
    "erlang": ("vaxel.cli.erlang", "staffing calculator (Erlang C, and Erlang A with patience)"),
    "bench": ("vaxel.cli.bench", "benchmarks, e.g. 'vaxel bench ewt'"),
    "db": ("vaxel.cli.db", "database: upgrade (Alembic migrations)"),
    "journal": ("vaxel.cli.journal", "the journal: story (one contact's entries, who and why)"),
    "serve": ("vaxel.cli.serve", "run Växel in production (settings: file and VAXEL_*)"),
    "tenant": ("vaxel.cli.tenant", "organisations: add"),
    "user": ("vaxel.cli.user", "web accounts: add (e.g. the first tenant_admin)"),
    "apikey": ("vaxel.cli.apikey", "REST API keys: add (printed once), list, revoke"),
    "directory": ("vaxel.cli.directory", "the directory: import, export (CSV or XML), search"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vaxel", description="Växel contact center")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(_module=module_name)
        if name in _requested_commands():
            importlib.import_module(module_name).add_arguments(command)
    return parser


def _requested_commands() -> set[str]:
    # Only the chosen subcommand's module is imported, so `vaxel erlang` never loads SQLAlchemy.
    return {arg for arg in sys.argv[1:] if arg in SUBCOMMANDS}


def main(argv: Sequence[str] | None = None) -> int:
    if argv is not None:
        sys.argv = [sys.argv[0], *argv]
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:])
    module = importlib.import_module(args._module)
    result: int = module.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
