"""The fixture journal that proves old entries still replay (issue 12 §5).

``python -m tests.store.journal_fixture`` ran once, with the code of the commit that added
it (journal entries before schema versions), and wrote ``fixtures/journal_v1.jsonl`` — the
journal's rows as stored — and ``fixtures/journal_v1_state.json`` — what the engine held
after them. Both are committed; test_journal_versions replays the rows with today's code
and compares. Do not regenerate them: a fixture written by new code proves nothing about
old journals.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vaxel.acd.engine import Engine as AcdEngine
from vaxel.acd.events import CallbackRequested
from vaxel.runtime import ContactCenter
from vaxel.sim.scenarios import kommun
from vaxel.sim.simulator import Simulator
from vaxel.store import open_database, upgrade
from vaxel.store.tables import journal

FIXTURES = Path(__file__).parent / "fixtures"
ROWS = FIXTURES / "journal_v1.jsonl"
STATE = FIXTURES / "journal_v1_state.json"
SEED = 11
MINUTES = 40


def state_digest(acd: AcdEngine) -> dict[str, Any]:
    """What a user sees of the engine, in stable plain data: every contact's state, queue,
    agent and classification, every agent's state and queues, the tenant's queue ids."""
    out: dict[str, Any] = {}
    for tenant_id in sorted(acd.tenants):
        tenant = acd.tenants[tenant_id]
        contacts = {}
        for contact_id in sorted(tenant.contacts):
            view = acd.contact_view(tenant_id, contact_id)
            contacts[contact_id] = [
                view.state.value,
                view.queue_id,
                view.agent_id,
                view.classification,
                view.caller_number,
            ]
        agents = {}
        for agent_id in sorted(tenant.agents):
            view = acd.agent_view(tenant_id, agent_id)
            agents[agent_id] = [view.state.value, list(view.queue_ids), view.contact_id]
        out[tenant_id] = {"contacts": contacts, "agents": agents, "queues": sorted(tenant.queues)}
    return out


def write(directory: Path) -> None:
    database = open_database(f"sqlite:///{directory / 'fixture.db'}")
    upgrade(database)
    center = ContactCenter(database, seed=SEED)
    scenario = kommun()
    simulator = Simulator(scenario, SEED, engine=center.acd, submit=center.submit)
    simulator.start()
    simulator.advance_to(scenario.start + MINUTES * 60)
    tenant = scenario.tenant_id
    queue_id = next(q.queue_id for q in scenario.queues if q.callback.enabled)
    for n in range(3):  # callbacks booked from outside, as the web and API do
        center.submit(
            CallbackRequested(tenant, queue_id, f"07012345{n:02d}", actor="api"),
            simulator.now,
        )
    with database.connect() as connection:
        rows = connection.execute(
            select(
                journal.c.seq,
                journal.c.tenant_id,
                journal.c.event_type,
                journal.c.payload,
                journal.c.applied_at,
            ).order_by(journal.c.seq)
        ).all()
    FIXTURES.mkdir(exist_ok=True)
    with ROWS.open("w", encoding="utf-8") as out:
        for seq, tenant_id, event_type, payload, applied_at in rows:
            record = {
                "seq": seq,
                "tenant_id": tenant_id,
                "event_type": event_type,
                "payload": payload,
                "applied_at": applied_at,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    STATE.write_text(
        json.dumps(state_digest(center.acd), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"{len(rows)} entries written to {ROWS}", file=sys.stderr)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp))
