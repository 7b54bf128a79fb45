"""``vaxel directory sync-ldap --tenant T [--dry-run] [--settings FILE]``: one LDAP/AD sync
now, as the periodic one does it (DIR5). ``--settings`` first stores the tenant's LDAP
settings from a JSON file (documented in ``docs/directory.md``), checked field by field;
``--dry-run`` prints what would change and changes nothing. Exit 0 when the run went
through, 1 when the server could not be read or the settings are wrong, 2 for a wrong call.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from vaxel.cli.bootstrap import add_database_options, database_of

__all__ = ["add_sync_arguments", "sync_ldap"]

COUNT_WORDS = {
    "added": "nya",
    "updated": "ändrade",
    "renamed": "bytt namn",
    "moved": "flyttade",
    "deactivated": "avaktiverade",
    "reactivated": "återaktiverade",
    "units_added": "nya enheter",
    "skipped": "hoppade över",
    "unchanged": "oförändrade",
}
MAX_SETTINGS_BYTES = 64 * 1024


def add_sync_arguments(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sync = actions.add_parser("sync-ldap", help="sync the directory from LDAP/Active Directory")
    sync.add_argument("--tenant", required=True, help="the organisation's id")
    sync.add_argument(
        "--dry-run", action="store_true", help="print what would change; change nothing"
    )
    sync.add_argument(
        "--settings", type=Path, help="store these LDAP settings (JSON) before the run"
    )
    add_database_options(sync)


def _say(text: str) -> None:
    print(f"vaxel directory sync-ldap: {text}", file=sys.stderr)


def sync_ldap(args: argparse.Namespace) -> int:
    from vaxel.core.errors import ConfigError, UnknownTenant
    from vaxel.directory_sync.ldap_sync import LdapSettings
    from vaxel.directory_sync.service import LDAP, DirectoryService
    from vaxel.store import Tenants
    from vaxel.store.directory import DirectoryStore
    from vaxel.store.directory_sources import DirectorySources
    from vaxel.web.error_text import rule_text

    database = database_of(args, "directory")
    if database is None:
        return 2
    try:
        Tenants(database).get(args.tenant)
    except UnknownTenant:
        _say(f"organisationen {args.tenant!r} finns inte")
        return 2
    service = DirectoryService(DirectoryStore(database), DirectorySources(database))
    if args.settings is not None:
        try:
            text = args.settings.read_bytes()[: MAX_SETTINGS_BYTES + 1]
            if len(text) > MAX_SETTINGS_BYTES:
                _say(f"{args.settings}: filen är större än {MAX_SETTINGS_BYTES} byte")
                return 1
            settings = LdapSettings.from_document(json.loads(text))
        except OSError as error:
            _say(f"{args.settings}: {error.strerror}")
            return 1
        except ValueError as error:
            _say(f"{args.settings}: inte JSON ({error})")
            return 1
        except ConfigError as error:
            _say(f"{args.settings}: {error.field}: {rule_text(error)}")
            return 1
        service.sources.put_settings(args.tenant, LDAP, settings.to_document(), time.time())
    try:
        if service.ldap_settings(args.tenant) is None:
            _say(f"{args.tenant} har ingen LDAP-koppling; ange den med --settings FIL")
            return 1
    except ConfigError as error:
        _say(f"de sparade inställningarna: {error.field}: {rule_text(error)}")
        return 1
    report = service.sync_ldap(args.tenant, dry_run=args.dry_run)
    if not report.ok:
        _say(f"katalogen kunde inte läsas: {report.error}. Ingenting ändrades.")
        return 1
    for line in report.changes:
        print(line)
    for skipped in report.skipped:
        print(f"hoppade över {skipped['where']}: {skipped['field']} ({skipped['code']})")
    counts = ", ".join(f"{report.counts.get(key, 0)} {word}" for key, word in COUNT_WORDS.items())
    took = report.finished_at - report.started_at
    verb = "Provkörning (inget ändrat)" if report.dry_run else "Synkroniserat"
    print(f"{verb} {args.tenant} på {took:.1f} s: {counts}.")
    return 0
