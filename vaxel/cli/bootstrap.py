"""What the bootstrap commands share (``vaxel tenant``, ``vaxel user``, ``vaxel apikey``):
the database from the same settings as ``vaxel serve``, migrated before use, so a fresh
production database can be set up before the server first starts."""

from __future__ import annotations

import argparse

from sqlalchemy import Engine

from vaxel.cli.serve import add_settings_option, settings_of
from vaxel.store import open_database, upgrade

__all__ = ["add_database_options", "database_of"]


def add_database_options(parser: argparse.ArgumentParser) -> None:
    add_settings_option(parser)
    parser.add_argument("--database-url", help="overrides VAXEL_DATABASE_URL and the settings file")


def database_of(args: argparse.Namespace, command: str) -> Engine | None:
    """The migrated database, or None after printing why not (exit code 2)."""
    if args.database_url:
        url = args.database_url
    else:
        settings = settings_of(args, command)
        if settings is None:
            return None
        url = settings.database_url
    database = open_database(url)
    upgrade(database)
    return database
