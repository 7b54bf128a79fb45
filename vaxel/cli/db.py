"""``vaxel db upgrade``: bring the database schema to the newest migration."""

from __future__ import annotations

import argparse
import os

from vaxel.store import DEFAULT_URL, open_database, upgrade

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["upgrade"], help="upgrade: apply Alembic migrations")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("VAXEL_DATABASE_URL", DEFAULT_URL),
        help=f"SQLAlchemy URL (default: $VAXEL_DATABASE_URL or {DEFAULT_URL})",
    )


def run(args: argparse.Namespace) -> int:
    upgrade(open_database(args.database_url))
    print(f"Databasen är uppgraderad / database upgraded: {args.database_url}")
    return 0
