"""``vaxel tenant add <id> --name … --main-number …``: a new organisation."""

from __future__ import annotations

import argparse
import re
import sys

from vaxel.cli.bootstrap import add_database_options, database_of

__all__ = ["TENANT_ID", "add_arguments", "run"]

TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
"""Lower-case letters, digits and hyphens: the id appears in URLs, logs and SIP config."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add"])
    parser.add_argument("tenant_id", help="short id, e.g. exempelby (a–z, 0–9, -)")
    parser.add_argument("--name", required=True, help="the organisation's name")
    parser.add_argument(
        "--main-number", default="", help="the number callers dial, e.g. 010-123 45 00"
    )
    parser.add_argument(
        "--international-calls",
        action="store_true",
        help="allow calls and callbacks abroad (premium-rate and satellite numbers stay barred)",
    )
    add_database_options(parser)


def run(args: argparse.Namespace) -> int:
    from vaxel.core.errors import VaxelError
    from vaxel.store import MainNumberTaken, Tenant, Tenants
    from vaxel.telephony.numbers import normalise

    if not TENANT_ID.match(args.tenant_id):
        print(
            f"vaxel tenant: the id must be 2–63 lower-case letters, digits or hyphens, "
            f"got {args.tenant_id!r}",
            file=sys.stderr,
        )
        return 2
    name = args.name.strip()
    if not name or len(name) > 200:
        print("vaxel tenant: --name must be 1–200 characters", file=sys.stderr)
        return 2
    number = ""
    if args.main_number.strip():
        try:
            number = normalise(args.main_number)
        except VaxelError as error:
            print(f"vaxel tenant: --main-number: {error}", file=sys.stderr)
            return 2
    database = database_of(args, "tenant")
    if database is None:
        return 2
    tenants = Tenants(database)
    if any(t.tenant_id == args.tenant_id for t in tenants.all()):
        print(f"vaxel tenant: {args.tenant_id!r} exists already", file=sys.stderr)
        return 1
    try:
        tenants.add(Tenant(args.tenant_id, name, number, args.international_calls))
    except MainNumberTaken as taken:
        print(f"vaxel tenant: --main-number: {taken.reason}", file=sys.stderr)
        return 1
    print(f"Organisationen {args.tenant_id} ({name}) är skapad.")
    return 0
