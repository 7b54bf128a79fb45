"""``vaxel apikey add <tenant> --name …``: a REST API key, printed once.

Only the key's SHA-256 is stored; the key itself goes to standard output (alone, for
scripts) and cannot be shown again.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time

from vaxel.cli.bootstrap import add_database_options, database_of

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add"])
    parser.add_argument("tenant_id")
    parser.add_argument("--name", required=True, help="what the key is for, e.g. 'webbplatsen'")
    add_database_options(parser)


def run(args: argparse.Namespace) -> int:
    from vaxel.core.errors import VaxelError
    from vaxel.store import Tenants
    from vaxel.store.accounts import Accounts

    name = args.name.strip()
    if not name or len(name) > 200:
        print("vaxel apikey: --name must be 1–200 characters", file=sys.stderr)
        return 2
    database = database_of(args, "apikey")
    if database is None:
        return 2
    try:
        Tenants(database).get(args.tenant_id)
    except VaxelError:
        print(f"vaxel apikey: no organisation {args.tenant_id!r}", file=sys.stderr)
        return 1
    key = secrets.token_urlsafe(32)
    Accounts(database).add_api_key(args.tenant_id, name, key, time.time())
    print(f"API-nyckel för {args.tenant_id} ({name}) — visas bara nu:", file=sys.stderr)
    print(key)
    return 0
