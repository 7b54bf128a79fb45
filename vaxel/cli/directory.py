"""``vaxel directory import|export|search``: the directory from scripts and a terminal
(issue 13 §7, DIR5). Formats in ``docs/directory.md``.

- ``import FILE --tenant T [--format csv|xml] [--mode upsert|replace]``: the whole file or,
  when a line is wrong, nothing of it — the line and the column are named, in Swedish.
- ``export --tenant T [--format csv|xml] [--output FILE]``: the tenant's active people, as
  a file that ``import`` reads back.
- ``search QUERY --tenant T [--limit N] [--json]``: the best matches first.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from vaxel.cli.bootstrap import add_database_options, database_of

if TYPE_CHECKING:
    from vaxel.store.directory import DirectoryStore

__all__ = ["ACTIONS", "add_arguments", "run"]


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


ACTIONS: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": _import,
    "export": _export,
}
"""Each action's function; ``search`` and ``sync-ldap`` add theirs."""
