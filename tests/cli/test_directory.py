"""``vaxel directory import|export`` (issue 13 §7, DIR5): a file in, the same people out;
a wrong line refused in Swedish with nothing imported."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vaxel.cli import main
from vaxel.directory import Presence
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore

CSV = (
    "external_id,given_name,family_name,extension,mobile,unit,title\n"
    "1001,Karin,Carlsson,2041,070-123 45 67,Samhällsbyggnad/Bygglov,Bygglovshandläggare\n"
    "1002,Erik,Lindqvist,2042,,Kommunledning,Kommundirektör\n"
)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sys, "argv", ["vaxel"])
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    database = open_database(url)
    upgrade(database)
    Tenants(database).add(Tenant("exempelby", "Exempelby kommun"))
    Tenants(database).add(Tenant("grannby", "Grannby kommun"))
    return url


def test_import_then_export_as_xml_and_back(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "personal.csv"
    source.write_text(CSV, encoding="utf-8")
    db = ["--database-url", url]
    assert main(["directory", "import", str(source), "--tenant", "exempelby", *db]) == 0
    assert "2 nya" in capsys.readouterr().out

    exported = tmp_path / "katalog.xml"
    export = ["directory", "export", "--tenant", "exempelby", "--format", "xml"]
    assert main([*export, "--output", str(exported), *db]) == 0
    text = exported.read_text(encoding="utf-8")
    assert "<unit>Samhällsbyggnad/Bygglov</unit>" in text and "+46701234567" in text

    assert main(["directory", "import", str(exported), "--tenant", "grannby", *db]) == 0
    capsys.readouterr()
    assert main(["directory", "export", "--tenant", "grannby", *db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("external_id,given_name,family_name,extension")
    assert lines[1].startswith("1001,Karin,Carlsson,2041,,+46701234567,")
    assert len(lines) == 3


def test_a_bad_line_is_named_in_swedish_and_nothing_is_imported(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "personal.csv"
    source.write_text(CSV + "1003,Sara,Sjöberg,2101,070 12,,\n", encoding="utf-8")
    code = main(
        ["directory", "import", str(source), "--tenant", "exempelby", "--database-url", url]
    )
    assert code == 1
    error = capsys.readouterr().err
    assert "rad 4, mobile: ska vara ett telefonnummer" in error
    assert "Inget av filen importerades" in error
    assert DirectoryStore(open_database(url)).people("exempelby") == []


def test_an_unknown_tenant_or_file_is_refused(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "personal.csv"
    source.write_text(CSV, encoding="utf-8")
    db = ["--database-url", url]
    assert main(["directory", "import", str(source), "--tenant", "ingen", *db]) == 2
    assert "organisationen 'ingen' finns inte" in capsys.readouterr().err
    missing = str(tmp_path / "saknas.csv")
    assert main(["directory", "import", missing, "--tenant", "exempelby", *db]) == 2


def test_search_finds_a_spelling_variant_with_units_and_presence_as_json(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "personal.csv"
    source.write_text(CSV, encoding="utf-8")
    db = ["--database-url", url]
    assert main(["directory", "import", str(source), "--tenant", "exempelby", *db]) == 0
    store = DirectoryStore(open_database(url))
    karin = store.by_external_id("exempelby", "1001")
    assert karin is not None
    now = datetime.now(UTC)
    back = now + timedelta(hours=2)
    store.set_presences("exempelby", {karin.person_id: Presence("lunch", now, back, "Åter")})
    capsys.readouterr()

    search = ["directory", "search", "Karlson bygglov", "--tenant", "exempelby", *db]
    assert main([*search, "--json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)["results"]
    assert (found["external_id"], found["given_name"], found["family_name"]) == (
        "1001",
        "Karin",
        "Carlsson",
    )
    assert (found["extension"], found["mobile"]) == ("2041", "+46701234567")
    assert found["units"] == ["Samhällsbyggnad/Bygglov"]
    assert found["presence"]["reason"] == "Lunch"
    assert found["presence"]["until"] == back.isoformat()

    assert main(search) == 0
    line = capsys.readouterr().out
    assert line.startswith("Karin Carlsson  2041  +46701234567  Samhällsbyggnad/Bygglov")
    assert "Lunch åter" in line
    assert main(["directory", "search", "zz", "--tenant", "grannby", *db]) == 0
    assert "Ingen träff" in capsys.readouterr().out
    assert main([*search, "--limit", "0"]) == 2
    assert "--limit" in capsys.readouterr().err
