"""``vaxel apikey add|list|revoke`` (issue 10 §12): scopes and expiry on add, the list
shows each key's scopes and last use, revoke stops a key."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from vaxel.cli import main
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.api_keys import ApiKeys


def test_add_list_and_revoke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["vaxel"])
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = open_database(url)
    upgrade(database)
    Tenants(database).add(Tenant("exempelby", "Exempelby"))
    db = ["--database-url", url]

    assert main(["apikey", "add", "exempelby", "--name", "webbplatsen", *db]) == 2
    assert "--scope" in capsys.readouterr().err  # a key names what it may do
    assert main(["apikey", "add", "exempelby", "--name", "x", "--scope", "allt", *db]) == 2
    capsys.readouterr()
    add = ["apikey", "add", "exempelby", "--name", "webbplatsen", "--scope", "callbacks:create"]
    assert main([*add, "--expires", "2099-06-30", *db]) == 0
    key = capsys.readouterr().out.strip()
    found = ApiKeys(database).authenticate(key, time.time())
    assert found is not None and found.scopes == ("callbacks:create",)

    assert main(["apikey", "list", "exempelby", *db]) == 0
    listed = capsys.readouterr().out
    assert found.key_id in listed and "callbacks:create" in listed and "2099-06-30" in listed
    assert key not in listed

    assert main(["apikey", "revoke", "exempelby", found.key_id, *db]) == 0
    assert ApiKeys(database).authenticate(key, time.time()) is None
    assert main(["apikey", "revoke", "exempelby", found.key_id, *db]) == 1  # not usable now
    assert main(["apikey", "revoke", "annanstad", found.key_id, *db]) == 1
