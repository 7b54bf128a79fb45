"""``vaxel directory import|export|search``: the directory from scripts and a terminal
(issue 13 §7, DIR5). Formats in ``docs/directory.md``.

- ``import FILE --tenant T [--format csv|xml] [--mode upsert|replace]``: the whole file or,
  when a line is wrong, nothing of it — the line and the column are named, in Swedish.
- ``export --tenant T [--format csv|xml] [--output FILE]``: the tenant's active people, as
  a file that ``import`` reads back.
- ``search QUERY --tenant T [--limit N] [--json]``: the best matches first.
- ``sync-ldap --tenant T [--dry-run] [--settings FILE]``: one LDAP/AD sync now
  (:mod:`vaxel.cli.directory_ldap`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from vaxel.cli.bootstrap import add_database_options, database_of
from vaxel.cli.directory_ldap import add_sync_arguments, sync_ldap

if TYPE_CHECKING:
    from vaxel.store.directory import DirectoryStore

__all__ = ["ACTIONS", "add_arguments", "run", "search_results"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("import", help="import people from a CSV or XML file")
    add.add_argument("file", type=Path, help="the file (.csv or .xml)")
    _tenant_and_format(add, "the file's ending (.xml: xml, otherwise csv)")
    add.add_argument(
        "--mode",
        choices=["upsert", "replace"],
        default="upsert",
        help="upsert (default): add and change people by external_id; replace: the file is "
        "the whole directory, people not in it are deactivated",
    )

    out = actions.add_parser("export", help="print the directory as CSV or XML")
    _tenant_and_format(out, "csv")
    out.add_argument("--output", type=Path, help="write to this file instead of stdout")

    find = actions.add_parser("search", help="find people by any field and spelling")
    find.add_argument("query", help='e.g. "karin bygglov", "2041", "socialjour"')
    find.add_argument("--tenant", required=True, help="the organisation's id")
    find.add_argument("--limit", type=int, default=10, help="at most this many (default 10)")
    find.add_argument("--json", action="store_true", help='print {"results": [...]} as JSON')
    add_database_options(find)

    add_sync_arguments(actions)


def _tenant_and_format(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--tenant", required=True, help="the organisation's id")
    parser.add_argument("--format", choices=["csv", "xml"], help=f"default: {default}")
    add_database_options(parser)


def run(args: argparse.Namespace) -> int:
    return ACTIONS[args.action](args)


def _store(args: argparse.Namespace) -> DirectoryStore | None:
    from vaxel.core.errors import UnknownTenant
    from vaxel.store import Tenants
    from vaxel.store.directory import DirectoryStore

    database = database_of(args, "directory")
    if database is None:
        return None
    try:
        Tenants(database).get(args.tenant)
    except UnknownTenant:
        print(f"vaxel directory: organisationen {args.tenant!r} finns inte", file=sys.stderr)
        return None
    return DirectoryStore(database)


def _import(args: argparse.Namespace) -> int:
    from vaxel.directory_io import FileFormat, ImportRefused, import_directory
    from vaxel.directory_io.columns import MAX_FILE_BYTES
    from vaxel.store.directory import ImportMode
    from vaxel.web.error_text import rule_text

    path: Path = args.file
    try:
        size = path.stat().st_size
    except OSError as error:
        print(f"vaxel directory: {path}: {error.strerror}", file=sys.stderr)
        return 2
    if size > MAX_FILE_BYTES:
        print(
            f"vaxel directory: {path}: filen är större än {MAX_FILE_BYTES} byte; "
            "inget importerades",
            file=sys.stderr,
        )
        return 1
    file_format = FileFormat(args.format or ("xml" if path.suffix.lower() == ".xml" else "csv"))
    store = _store(args)
    if store is None:
        return 2
    try:
        report = import_directory(
            store, args.tenant, path.read_bytes(), file_format, ImportMode(args.mode)
        )
    except ImportRefused as refused:
        where = f"rad {refused.line}" if refused.line else "filen"
        column = f", {refused.column}" if refused.column else ""
        print(
            f"vaxel directory: {path}: {where}{column}: {rule_text(refused)}. "
            "Inget av filen importerades.",
            file=sys.stderr,
        )
        return 1
    print(
        f"Importerade {path.name} till {args.tenant}: {report.added} nya, "
        f"{report.updated} uppdaterade, {report.deactivated} avaktiverade, "
        f"{report.units_added} nya enheter."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from vaxel.directory_io import FileFormat, export_directory

    store = _store(args)
    if store is None:
        return 2
    pieces = export_directory(store, args.tenant, FileFormat(args.format or "csv"))
    if args.output is None:
        _write(sys.stdout, pieces)
    else:
        with args.output.open("w", encoding="utf-8", newline="") as file:
            _write(file, pieces)
    return 0


def _write(file: TextIO, pieces: Iterable[str]) -> None:
    for piece in pieces:
        file.write(piece)


def _search(args: argparse.Namespace) -> int:
    from vaxel.core.errors import ConfigError
    from vaxel.web.error_text import rule_text

    store = _store(args)
    if store is None:
        return 2
    try:
        results = search_results(store, args.tenant, args.query, args.limit, datetime.now(UTC))
    except ConfigError as error:
        print(f"vaxel directory: --{error.field}: {rule_text(error)}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"results": results}, ensure_ascii=False, indent=2))
        return 0
    if not results:
        print(f"Ingen träff på {args.query!r}.")
    for result in results:
        print(_line(result))
    return 0


def search_results(
    store: DirectoryStore, tenant_id: str, query: str, limit: int, now: datetime
) -> list[dict[str, Any]]:
    """The best ``limit`` people for ``query`` as JSON-ready dicts, best first, each with
    the presence that shows at ``now`` (None when the person is in)."""
    from vaxel.directory import (
        DirectoryIndex,
        NumberKind,
        Visibility,
        current_presence,
        reason_catalogue,
    )
    from vaxel.directory_io.units import UnitPaths

    units = store.units(tenant_id)
    everyone = [f.name for f in store.fields(tenant_id) if f.visibility is Visibility.EVERYONE]
    index = DirectoryIndex(store.people(tenant_id), units=units, searchable_custom=everyone)
    hits = index.search(query, limit)
    presences = store.presences(tenant_id, [hit.person.person_id for hit in hits])
    reasons = reason_catalogue(store.reasons(tenant_id))
    paths = UnitPaths(units)
    results = []
    for hit in hits:
        person = hit.person
        shown = current_presence(presences.get(person.person_id, ()), now)
        presence = None
        if shown is not None:
            reason = reasons.get(shown.reason_id)
            presence = {
                "reason_id": shown.reason_id,
                "reason": reason.label_sv if reason else shown.reason_id,
                "text": shown.text,
                "until": None if shown.until is None else shown.until.isoformat(),
                "source": shown.source.value,
            }
        results.append(
            {
                "person_id": person.person_id,
                "external_id": person.external_id,
                "given_name": person.given_name,
                "family_name": person.family_name,
                "extension": person.extension,
                "mobile": person.mobile,
                "direct": next(iter(person.numbers_of(NumberKind.DIRECT)), None),
                "email": person.email,
                "units": [paths.path(unit_id) for unit_id in person.unit_ids],
                "titles": list(person.titles),
                "room": person.room,
                "presence": presence,
                "match": hit.tier.name.lower(),
            }
        )
    return results


def _line(result: dict[str, Any]) -> str:
    """One person on one line: name, extension, mobile, units, titles, presence."""
    parts = [
        f"{result['given_name']} {result['family_name']}".strip(),
        result["extension"] or "-",
        result["mobile"] or "-",
        ", ".join(result["units"]) or "-",
        ", ".join(result["titles"]) or "-",
    ]
    presence = result["presence"]
    if presence is None:
        parts.append("inne")
    else:
        until = presence["until"]
        back = (
            "tills vidare"
            if until is None
            else "åter "
            + datetime.fromisoformat(until).astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
        )
        parts.append(f"{presence['reason']} {back}")
    return "  ".join(parts)


ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": _import,
    "export": _export,
    "search": _search,
    "sync-ldap": sync_ldap,
}
"""Each action's function."""
