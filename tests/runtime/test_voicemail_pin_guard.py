"""Voicemail PINs cannot be guessed by calling again and again (task R; PBX4): after ten
wrong PINs within an hour the mailbox opens by PIN for no one, right PIN or not, until the
oldest wrong one is an hour old; other mailboxes are not affected."""

from __future__ import annotations

from pathlib import Path

from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.pbx_voicemail import VoicemailStore


def test_guessing_a_pin_over_many_calls_locks_the_mailbox_for_a_while(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'v.db'}")
    upgrade(engine)
    Tenants(engine).add(Tenant("t1", "T1"))
    now = [1_800_000_000.0]
    service = VoicemailService(
        VoicemailStore(engine), VoicemailFiles(tmp_path / "vm"), lambda: now[0]
    )
    service.set_pin(service.ensure_mailbox("t1", "karin", "2041", ""), "4711")
    service.set_pin(service.ensure_mailbox("t1", "olle", "2042", ""), "4711")
    for guess in range(10):  # three calls of three tries and one more: a guesser's pace
        assert service.check_pin("t1", "2041", f"{1000 + guess}") is None
        now[0] += 5.0
    assert service.check_pin("t1", "2041", "4711") is None, "locked: the right PIN too"
    assert service.check_pin("t1", "2042", "4711") is not None, "another mailbox opens"
    now[0] += 3600.0
    assert service.check_pin("t1", "2041", "4711") is not None, "an hour later it opens"
