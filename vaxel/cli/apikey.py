"""``vaxel apikey add|list|revoke``: REST API keys (issue 4 §6, issue 10 §12).

``add <tenant> --name … --scope …`` prints a new key once: only its SHA-256 is stored, the
key itself goes to standard output (alone, for scripts) and cannot be shown again. Every
key names its scopes — the website's form needs only ``callbacks:create`` — and may
expire (``--expires``, the last day it works). ``list <tenant>`` shows each key's id,
scopes, expiry and last use; ``revoke <tenant> <key id>`` stops a key at once.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from datetime import date

from vaxel.cli.bootstrap import add_database_options, database_of
from vaxel.core.clock import to_local

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add", "list", "revoke"])
    parser.add_argument("tenant_id")
    parser.add_argument("key_id", nargs="?", default="", help="revoke: the key's id (see list)")
    parser.add_argument("--name", default="", help="add: what the key is for, e.g. 'webbplatsen'")
    parser.add_argument(
        "--scope",
        action="append",
        default=[],
        help="add (repeat for more): callbacks:create (the website form), read, events, config",
    )
    parser.add_argument(
        "--expires", default="", help="add: the last day the key works, YYYY-MM-DD (Stockholm)"
    )
    add_database_options(parser)


def _when(epoch: float | None) -> str:
    """Stockholm time, as the pages show it."""
    return f"{to_local(epoch):%Y-%m-%d %H:%M}" if epoch else "-"


def _last_day(expires_at: float | None) -> str:
    """The last day a key works (it stops at the following midnight)."""
    return f"{to_local(expires_at - 1):%Y-%m-%d}" if expires_at else "-"


def run(args: argparse.Namespace) -> int:
    from vaxel.core.errors import VaxelError
    from vaxel.store import Tenants
    from vaxel.store.api_keys import SCOPES, ApiKeys, expiry_after

    if args.action == "add":
        name = args.name.strip()
        if not name or len(name) > 200:
            print("vaxel apikey: --name must be 1–200 characters", file=sys.stderr)
            return 2
        if not args.scope or not set(args.scope) <= set(SCOPES):
            print(
                f"vaxel apikey: --scope must be one or more of {', '.join(SCOPES)}", file=sys.stderr
            )
            return 2
        expires_at = None
        if args.expires:
            try:
                expires_at = expiry_after(date.fromisoformat(args.expires))
            except (ValueError, OverflowError):
                print(
                    f"vaxel apikey: --expires must be YYYY-MM-DD, not {args.expires!r}",
                    file=sys.stderr,
                )
                return 2
            if expires_at <= time.time():
                print(f"vaxel apikey: --expires {args.expires} has passed", file=sys.stderr)
                return 2
    if args.action == "revoke" and not args.key_id:
        print("vaxel apikey: revoke needs the key's id (see 'vaxel apikey list')", file=sys.stderr)
        return 2
    database = database_of(args, "apikey")
    if database is None:
        return 2
    try:
        Tenants(database).get(args.tenant_id)
    except VaxelError:
        print(f"vaxel apikey: no organisation {args.tenant_id!r}", file=sys.stderr)
        return 1
    keys = ApiKeys(database)
    if args.action == "list":
        print("id\tscopes\tcreated\tlast day\trevoked\tlast used\tname")
        for k in keys.all(args.tenant_id):
            print(
                f"{k.key_id}\t{','.join(k.scopes)}\t{_when(k.created_at)}\t{_last_day(k.expires_at)}"
                f"\t{_when(k.revoked_at)}\t{_when(k.last_used_at)}\t{k.name}"
            )
        return 0
    if args.action == "revoke":
        if not keys.revoke(args.tenant_id, args.key_id, time.time(), actor="cli"):
            print(
                f"vaxel apikey: {args.tenant_id} has no usable key {args.key_id!r}", file=sys.stderr
            )
            return 1
        print(f"API-nyckeln {args.key_id} är återkallad.")
        return 0
    key = secrets.token_urlsafe(32)
    made = keys.add(args.tenant_id, name, key, time.time(), args.scope, expires_at, actor="cli")
    print(
        f"API-nyckel {made.key_id} för {args.tenant_id} ({name}, {' '.join(made.scopes)})"
        " — visas bara nu:",
        file=sys.stderr,
    )
    print(key)
    return 0
