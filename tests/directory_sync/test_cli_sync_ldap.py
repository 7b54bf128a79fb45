"""``vaxel directory sync-ldap`` as scripts and operators run it (issue 13 §7): settings
from a file checked by field, a dry run that prints what would change and changes nothing,
then the run itself; a wrong setting or a dead server says so in Swedish and exits 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.directory_sync.slapd import ROOT_DN, ROOT_PASSWORD, SUFFIX, Slapd, people
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore


def _vaxel(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaxel", "directory", "sync-ldap", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'vaxel.db'}"
    engine = open_database(url)
    upgrade(engine)
    Tenants(engine).add(Tenant("exempelby", "Exempelby kommun"))
    engine.dispose()
    return url


def test_dry_run_then_sync_from_the_command_line(database: str, tmp_path: Path) -> None:
    slapd = Slapd(people(40))
    try:
        settings = tmp_path / "ldap.json"
        settings.write_text(
            json.dumps(
                {
                    "url": slapd.url,
                    "base_dn": SUFFIX,
                    "bind_dn": ROOT_DN,
                    "password": ROOT_PASSWORD,
                    "mapping": {"unit": "ou"},
                }
            )
        )
        common = ("--tenant", "exempelby", "--database-url", database)
        dry = _vaxel(*common, "--settings", str(settings), "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "Provkörning (inget ändrat)" in dry.stdout and "40 nya" in dry.stdout
        assert dry.stdout.count("\n+ ") >= 40
        store = DirectoryStore(open_database(database))
        assert store.people("exempelby") == []

        done = _vaxel(*common)
        assert done.returncode == 0, done.stderr
        assert "Synkroniserat exempelby" in done.stdout and "40 nya" in done.stdout
        assert len(store.people("exempelby")) == 40
    finally:
        slapd.stop()
    gone = _vaxel(*common)
    assert gone.returncode == 1 and "katalogen kunde inte läsas" in gone.stderr
    assert len(store.people("exempelby")) == 40


def test_wrong_settings_are_named(database: str, tmp_path: Path) -> None:
    settings = tmp_path / "ldap.json"
    settings.write_text(json.dumps({"url": "http://ad", "base_dn": SUFFIX}))
    wrong = _vaxel("--tenant", "exempelby", "--database-url", database, "--settings", str(settings))
    assert wrong.returncode == 1 and "url: ska vara ldap://" in wrong.stderr
    none = _vaxel("--tenant", "exempelby", "--database-url", database)
    assert none.returncode == 1 and "ingen LDAP-koppling" in none.stderr
    unknown = _vaxel("--tenant", "okänd", "--database-url", database)
    assert unknown.returncode == 2 and "finns inte" in unknown.stderr
