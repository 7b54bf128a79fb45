"""``vaxel user add <tenant> <username> --role …``: a web account (e.g. the first admin).

The password comes from ``VAXEL_PASSWORD`` (for scripts) or is asked for twice; it is
stored as an argon2id hash only.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from vaxel.cli.bootstrap import add_database_options, database_of

__all__ = ["add_arguments", "run"]

ROLES = ("agent", "operator", "supervisor", "tenant_admin", "platform_admin")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add"])
    parser.add_argument("tenant_id")
    parser.add_argument("username")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--name", default="", help="display name (default: the username)")
    parser.add_argument("--agent", default="", help="the agent id this account works as")
    add_database_options(parser)


def _password() -> str | None:
    from_env = os.environ.get("VAXEL_PASSWORD")
    if from_env is not None:
        return from_env
    first = getpass.getpass("Lösenord / password: ")
    if getpass.getpass("Igen / again: ") != first:
        print("vaxel user: the passwords differ", file=sys.stderr)
        return None
    return first


def run(args: argparse.Namespace) -> int:
    from vaxel.core.errors import VaxelError
    from vaxel.store import Tenants
    from vaxel.store.accounts import Accounts
    from vaxel.web.passwords import PasswordHashing

    username = args.username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        print("vaxel user: the username must be 1–64 characters without spaces", file=sys.stderr)
        return 2
    password = _password()
    if password is None:
        return 2
    try:
        hashed = PasswordHashing().hash(password)
    except ValueError:
        print("vaxel user: the password needs at least 8 characters", file=sys.stderr)
        return 2
    database = database_of(args, "user")
    if database is None:
        return 2
    try:
        Tenants(database).get(args.tenant_id)
    except VaxelError:
        print(
            f"vaxel user: no organisation {args.tenant_id!r}; create it with 'vaxel tenant add'",
            file=sys.stderr,
        )
        return 1
    accounts = Accounts(database)
    if accounts.find(args.tenant_id, username) is not None:
        print(f"vaxel user: {username!r} exists already in {args.tenant_id}", file=sys.stderr)
        return 1
    accounts.add_user(
        args.tenant_id,
        username,
        args.name.strip() or username,
        args.role,
        hashed,
        args.agent or None,
        actor="cli",
    )
    print(f"Användaren {username} ({args.role}) är skapad i {args.tenant_id}.")
    return 0
