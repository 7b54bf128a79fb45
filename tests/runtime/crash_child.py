"""A Växel process under load, to be killed: run by test_crash_recovery.

It configures a tenant once, then accepts callback requests and agent log-ins/outs as fast
as it can, printing ``accepted <kind> <id>`` only after ContactCenter.submit returned, i.e.
after the journal commit. Usage: python -m tests.runtime.crash_child DATABASE_URL
"""

from __future__ import annotations

import sys
import time

from vaxel.acd.commands import NotifyCallbackCreated
from vaxel.acd.events import (
    AgentConfigured,
    AgentLoggedIn,
    AgentLoggedOut,
    CallbackRequested,
    QueueConfigured,
)
from vaxel.acd.model import AgentProfile, CallbackSettings, QueueConfig
from vaxel.runtime import ContactCenter
from vaxel.store import open_database, upgrade

TENANT = "kommun"


def main(url: str) -> int:
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database, seed=7)
    replayed = center.recover()
    now = time.time()
    if replayed == 0:
        queue = QueueConfig(
            TENANT, "kundtjanst", "Kundtjänst", callback=CallbackSettings(enabled=True)
        )
        center.submit(QueueConfigured(queue), now)
        for n in range(4):
            center.submit(
                AgentConfigured(
                    AgentProfile(
                        TENANT, f"agent-{n}", f"Handläggare {n}", permitted_queues=("kundtjanst",)
                    )
                ),
                now,
            )
    print("ready", flush=True)
    for i in range(100_000):
        now = time.time()
        agent = f"agent-{i % 4}"
        if i % 7 == 3:
            view = center.acd.agent_view(TENANT, agent)
            if view.queue_ids:
                center.submit(AgentLoggedOut(TENANT, agent), now)
                print(f"accepted logout {agent}", flush=True)
            else:
                center.submit(AgentLoggedIn(TENANT, agent, ("kundtjanst",)), now)
                print(f"accepted login {agent}", flush=True)
            continue
        commands = center.submit(
            CallbackRequested(
                TENANT, "kundtjanst", f"070{i:07d}", caller_data={"kundnummer": str(i)}
            ),
            now,
        )
        created = [c for c in commands if isinstance(c, NotifyCallbackCreated)]
        print(f"accepted callback {created[0].contact_id} 070{i:07d}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
