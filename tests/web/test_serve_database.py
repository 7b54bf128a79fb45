"""``vaxel serve`` on a database it cannot use says so in one sentence and exits 2 — not a
123-line traceback, and no empty database made in a mistyped folder (issue 10 §1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_serve import clean_env, free_port, vaxel
from vaxel.store import open_database, upgrade

pytestmark = pytest.mark.slow


def serve_on(url: str) -> tuple[int, str]:
    settings = clean_env(
        VAXEL_DATABASE_URL=url,
        VAXEL_HTTP_PORT=str(free_port()),
        VAXEL_SECURE_COOKIES="false",
    )
    done = vaxel("serve", env=settings)
    return done.returncode, done.stderr


def test_a_read_only_database_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "vaxel.db"
    assert (
        vaxel("db", "upgrade", env=clean_env(VAXEL_DATABASE_URL=f"sqlite:///{path}")).returncode
        == 0
    )
    path.chmod(0o444)
    # Read-only as SQLite sees it even when the test runs as root (whom chmod does not stop).
    code, said = serve_on(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert code == 2
    assert said.count("\n") == 1 and "Traceback" not in said, said
    assert said.startswith("vaxel serve: databasen ") and "readonly database" in said


def test_a_missing_folder_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "finns-inte" / "vaxel.db"
    code, said = serve_on(f"sqlite:///{missing}")
    assert code == 2
    assert said.count("\n") == 1 and "Traceback" not in said, said
    assert f"mappen {missing.parent} finns inte" in said
    assert not missing.parent.exists()  # no fresh, empty database where none was meant


def test_a_journal_written_by_a_newer_vaxel_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    """Issue 12 §5: an entry of an unknown version stops start-up before anything is
    replayed, and says which entry and which version."""
    url = f"sqlite:///{tmp_path / 'vaxel.db'}"
    database = open_database(url)
    upgrade(database)
    with database.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO journal (tenant_id, event_type, payload, applied_at, schema_version) "
            "VALUES ('kommun', 'TimerTick', '{\"__type__\": \"TimerTick\"}', 1.0, 99)"
        )
    database.dispose()
    code, said = serve_on(url)
    assert code == 2
    assert said.count("\n") == 1 and "Traceback" not in said, said
    assert "journalens post 1 har version 99" in said and "uppgradera Växel" in said
