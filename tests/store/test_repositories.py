"""Migrations, tenant-scoped repositories, and the journal's durability contract."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vaxel.acd.events import AgentReady, TimerTick
from vaxel.core.errors import NotFound, UnknownTenant
from vaxel.store import (
    Documents,
    Journal,
    MainNumberTaken,
    Tenant,
    Tenants,
    acd_codec,
    open_database,
    upgrade,
)


def test_migrations_create_the_schema_and_are_idempotent(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    upgrade(engine)  # a second run changes nothing
    names = set(sa.inspect(engine).get_table_names())
    assert {
        "tenants",
        "users",
        "queues",
        "agents",
        "schedules",
        "flows",
        "journal",
        "contacts",
        "callbacks",
    } <= names


def test_documents_never_cross_tenants(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    tenants = Tenants(engine)
    tenants.add(Tenant("kommun-a", "Kommun A"))
    tenants.add(Tenant("kommun-b", "Kommun B"))
    queues = Documents(engine, "queue")
    queues.put("kommun-a", "vaxel", "Växel", {"strategy": "longest_idle"})
    queues.put("kommun-b", "vaxel", "Växel B", {"strategy": "random"})
    assert queues.get("kommun-a", "vaxel") == {"strategy": "longest_idle"}
    assert queues.get("kommun-b", "vaxel") == {"strategy": "random"}
    queues.put("kommun-a", "bygglov", "Bygglov", {})
    with pytest.raises(NotFound, match="unknown queue 'bygglov' in tenant 'kommun-b'"):
        queues.get("kommun-b", "bygglov")
    assert set(queues.all("kommun-b")) == {"vaxel"}
    queues.remove("kommun-b", "vaxel")
    assert queues.get("kommun-a", "vaxel") == {"strategy": "longest_idle"}
    with pytest.raises(UnknownTenant):
        tenants.get("kommun-c")


def test_journal_replays_in_order_what_was_appended(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    journal = Journal(engine, acd_codec())
    appended = [(AgentReady("kommun-a", f"agent-{i}"), float(i)) for i in range(7)]
    seqs = [journal.append(event.tenant_id, event, now) for event, now in appended]
    journal.append("", TimerTick(), 99.0)
    assert seqs == sorted(seqs)
    replayed = list(journal.replay(batch=3))
    assert [(e.event, e.applied_at) for e in replayed[:7]] == appended
    assert replayed[-1].event == TimerTick()
    assert [e.seq for e in journal.replay(after=seqs[4])][:2] == seqs[5:7]


def test_a_failed_transaction_leaves_no_journal_row(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    journal = Journal(engine, acd_codec())

    def explode(_connection: sa.Connection, _seq: int) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        journal.append("kommun-a", AgentReady("kommun-a", "x"), 1.0, also=explode)
    assert list(journal.replay()) == []


def test_the_day_by_queue_counts_short_abandons_by_each_queues_threshold(
    database_url: str,
) -> None:
    """ST1, issue 9 §2: in-target answers by the queue's target, abandons before the
    queue's short-abandon threshold counted apart; yesterday and callbacks not at all."""
    from vaxel.stats import ServiceLevelCounts
    from vaxel.store import ReadModels, tables

    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("kommun-a", "Kommun A"))
    day = 1_000_000.0

    def row(
        contact: str,
        queue: str,
        arrived: float,
        answered: float | None = None,
        abandoned: float | None = None,
        channel: str = "call",
    ) -> dict[str, object]:
        return {
            "tenant_id": "kommun-a",
            "contact_id": contact,
            "queue_id": queue,
            "channel": channel,
            "caller_data": {},
            "arrived_at": day + arrived,
            "status": "abandoned" if abandoned is not None else "ended",
            "answered_at": None if answered is None else day + answered,
            "ended_at": None if abandoned is None else day + abandoned,
        }

    with engine.begin() as connection:
        connection.execute(
            sa.insert(tables.contacts),
            [
                row("in-time", "q", 0, answered=10),
                row("late", "q", 0, answered=30),
                row("short", "q", 0, abandoned=3),
                row("long", "q", 0, abandoned=9),
                row("strict-short", "r", 0, abandoned=1),
                row("strict-long", "r", 0, abandoned=3),
                row("yesterday", "q", -100, abandoned=-99),
                row("callback", "q", 5, abandoned=6, channel="callback"),
            ],
        )
    counts = ReadModels(engine).day_by_queue("kommun-a", day, 20.0, {"q": 20.0}, {"q": 5, "r": 2})
    assert counts == {
        "q": ServiceLevelCounts(answered=2, in_target=1, abandoned=2, short_abandoned=1),
        "r": ServiceLevelCounts(abandoned=2, short_abandoned=1),
    }


def test_two_tenants_cannot_share_a_main_number(database_url: str) -> None:
    """Issue 10 §13: a second tenant with a taken main number is refused by the store (the
    CLI and the platform page both go through it); renaming the owner keeps its number."""
    engine = open_database(database_url)
    upgrade(engine)
    tenants = Tenants(engine)
    tenants.add(Tenant("kommun-a", "Kommun A", "+46101234500"))
    with pytest.raises(MainNumberTaken) as refused:
        tenants.add(Tenant("kommun-b", "Kommun B", "+46101234500"))
    assert refused.value.field == "main_number" and refused.value.owner == "kommun-a"
    tenants.add(Tenant("kommun-a", "Kommun A (nytt namn)", "+46101234500"))
    tenants.add(Tenant("kommun-c", "Kommun C"))  # no main number: any number of those
    tenants.add(Tenant("kommun-d", "Kommun D"))
    assert [t.tenant_id for t in tenants.all()] == ["kommun-a", "kommun-c", "kommun-d"]
