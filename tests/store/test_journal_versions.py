"""The journal is versioned and traced (issue 12 §5): a journal written before versions
still replays to the same state, an entry of an unknown version is refused before anything
is replayed, and a callback's whole story reads back with who did what and what caused it."""

from __future__ import annotations

import itertools
import json

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from vaxel.acd.commands import NotifyCallbackCreated
from vaxel.acd.events import (
    AgentAnswered,
    AgentConfigured,
    AgentLoggedIn,
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequested,
    CallerDataEntered,
    ContactArrived,
    QueueConfigured,
)
from vaxel.acd.model import AgentProfile, CallbackSettings, QueueConfig
from vaxel.cli import main
from vaxel.runtime import ContactCenter
from vaxel.store import open_database, upgrade
from vaxel.store.upcast import JOURNAL_VERSION, JournalVersionError

from .journal_fixture import ROWS, SEED, STATE, state_digest

T = "kommun"
OLD_JOURNAL = sa.table(
    "journal",
    sa.column("seq"),
    sa.column("tenant_id"),
    sa.column("event_type"),
    sa.column("payload"),
    sa.column("applied_at"),
)
"""The journal's columns before versions (revision 0008)."""


def _fixture_database(url: str) -> tuple[Engine, int]:
    """A database at revision 0008 holding the fixture's rows as that code stored them,
    then upgraded as ``vaxel db upgrade`` would."""
    database = open_database(url)
    upgrade(database, "0008")
    rows = [json.loads(line) for line in ROWS.read_text(encoding="utf-8").splitlines()]
    with database.begin() as connection:
        connection.execute(sa.insert(OLD_JOURNAL), rows)
    upgrade(database)
    return database, len(rows)


def test_a_journal_written_before_versions_replays_to_the_same_state(database_url: str) -> None:
    database, count = _fixture_database(database_url)
    center = ContactCenter(database, seed=SEED)
    assert center.recover() == count
    expected = json.loads(STATE.read_text(encoding="utf-8"))
    assert state_digest(center.acd) == expected
    # old entries are upcast: their story and actor come from what they were about
    answered = [e for e in center.journal.replay() if isinstance(e.event, AgentAnswered)]
    assert answered
    for entry in answered:
        assert entry.context is not None
        assert entry.context.correlation_id == entry.event.contact_id
        assert entry.context.actor == "agent"


def test_an_entry_of_an_unknown_version_is_refused_before_anything_is_replayed(
    database_url: str,
) -> None:
    database, count = _fixture_database(database_url)
    newer = JOURNAL_VERSION + 1
    journal = sa.table("journal", sa.column("seq"), sa.column("schema_version"))
    with database.begin() as connection:
        connection.execute(
            sa.update(journal).where(journal.c.seq == count - 5).values(schema_version=newer)
        )
    center = ContactCenter(database, seed=SEED)
    with pytest.raises(JournalVersionError) as refused:
        center.recover()
    assert (refused.value.seq, refused.value.version) == (count - 5, newer)
    assert f"post {count - 5} har version {newer}" in str(refused.value)
    assert center.acd.tenants == {}  # nothing replayed half


def test_a_callback_booked_in_a_call_tells_its_whole_story(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(database_url)
    upgrade(database)
    center = ContactCenter(database, seed=1)
    queue = QueueConfig(T, "bygglov", "Bygglov", callback=CallbackSettings(enabled=True))
    center.submit(QueueConfigured(queue, actor="admin"), 0.0)
    karin = AgentProfile(T, "karin", "Karin Carlsson", permitted_queues=("bygglov",))
    center.submit(AgentConfigured(karin, actor="admin"), 0.0)
    center.submit(ContactArrived(T, "call-1", "bygglov", caller_number="0701112233"), 10.0)
    center.submit(CallerDataEntered(T, "call-1", {"ärende": "B-2026-17"}), 20.0)
    booked = center.submit(
        CallbackRequested(T, "bygglov", "0701112233", from_contact_id="call-1"), 30.0
    )
    [created] = [c for c in booked if isinstance(c, NotifyCallbackCreated)]
    callback = created.contact_id
    center.submit(AgentLoggedIn(T, "karin", ("bygglov",)), 40.0)
    again = ContactCenter(database, seed=1)  # a restart: the story continues from the journal
    again.recover()
    again.submit(AgentAnswered(T, "karin", callback), 50.0)
    again.submit(CallbackAttemptEnded(T, callback, "answered"), 80.0)
    again.submit(CallbackClosed(T, callback, "karin", "done", "Bygglovet förklarat"), 90.0)

    story = again.journal.story(T, callback)
    told = [(type(e.event).__name__, e.context.actor) for e in story if e.context]
    assert told == [
        ("ContactArrived", "system"),
        ("CallerDataEntered", "caller"),
        ("CallbackRequested", "caller"),
        ("AgentAnswered", "agent"),
        ("CallbackAttemptEnded", "telephony"),
        ("CallbackClosed", "agent"),
    ]
    # each entry names the one it follows from, across the restart and into the call
    for before, after in itertools.pairwise(story):
        assert after.context is not None
        assert after.context.causation_id == str(before.seq)
    assert story[-1].event.note == "Bygglovet förklarat"  # type: ignore[attr-defined]
    call = [type(e.event).__name__ for e in again.journal.story(T, "call-1")]
    assert call == ["ContactArrived", "CallerDataEntered"]  # the call's own story ends there

    # and an admin reads it with `vaxel journal story`
    assert main(["journal", "story", T, callback, "--database-url", database_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(story)
    assert "ContactArrived" in lines[0] and "start" in lines[0]
    assert f"efter #{story[-2].seq}" in lines[-1] and "note=Bygglovet förklarat" in lines[-1]
    assert main(["journal", "story", T, "finns-inte", "--database-url", database_url]) == 1
    assert "inga händelser för finns-inte" in capsys.readouterr().out
