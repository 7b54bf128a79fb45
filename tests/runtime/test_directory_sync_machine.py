"""The directory's periodic work as one scheduler machine: LDAP by each tenant's interval,
calendars every minute, the blocking work off the loop, one tenant's failure never another's."""

from __future__ import annotations

import threading

from vaxel.runtime.directory_sync import CALENDAR_POLL_S, DirectorySync


class _Work:
    def __init__(self) -> None:
        self.done: list[tuple[str, str, float]] = []
        self.finished = threading.Event()
        self.gate = threading.Event()
        self.gate.set()
        self.tried: list[tuple[str, float]] = []

    def tenants(self) -> list[str]:
        return ["exempelby", "trasig", "utan"]

    def ldap_interval_s(self, tenant_id: str) -> float | None:
        return {"exempelby": 900.0, "trasig": 600.0}.get(tenant_id)

    def has_calendars(self, tenant_id: str) -> bool:
        return tenant_id == "exempelby"

    def sync_ldap(self, tenant_id: str, now: float) -> None:
        self.gate.wait(5)
        self.tried.append((tenant_id, now))
        if tenant_id == "trasig":
            raise OSError("the server went away")
        self.done.append(("ldap", tenant_id, now))

    def poll_calendars(self, tenant_id: str, now: float) -> None:
        self.done.append(("calendar", tenant_id, now))


def _run(machine: DirectorySync, work: _Work, now: float) -> None:
    rearmed = threading.Event()
    machine._rearm = rearmed.set  # the scheduler's re-arm, seen by the test
    machine.on_deadline(now)
    assert rearmed.wait(5)


def test_work_is_due_at_once_then_by_interval_and_a_failure_stays_with_its_tenant() -> None:
    work = _Work()
    machine = DirectorySync(work)
    assert machine.next_deadline(1000.0) == 1000.0
    _run(machine, work, 1000.0)
    assert work.done == [("calendar", "exempelby", 1000.0), ("ldap", "exempelby", 1000.0)]
    assert machine.next_deadline(1000.5) == 1000.0 + CALENDAR_POLL_S
    _run(machine, work, 1060.0)
    assert work.done[-1] == ("calendar", "exempelby", 1060.0)  # LDAP not due yet
    assert machine.next_deadline(1061.0) == 1060.0 + CALENDAR_POLL_S
    _run(machine, work, 1600.0)  # the failed tenant's next turn, by its own interval
    assert work.tried == [("exempelby", 1000.0), ("trasig", 1000.0), ("trasig", 1600.0)]


def test_no_deadline_while_the_worker_runs() -> None:
    work = _Work()
    work.gate.clear()
    machine = DirectorySync(work)
    rearmed = threading.Event()
    machine._rearm = rearmed.set
    machine.on_deadline(machine.next_deadline(0.0) or 0.0)
    assert machine.next_deadline(1.0) is None
    work.gate.set()
    assert rearmed.wait(5)
    assert machine.next_deadline(1.0) == CALENDAR_POLL_S


def test_refresh_picks_up_new_settings() -> None:
    work = _Work()
    machine = DirectorySync(work)
    assert machine.next_deadline(0.0) == 0.0
    work.tenants = lambda: []  # type: ignore[method-assign]
    assert machine.next_deadline(0.0) == 0.0  # still the old plan
    machine.refresh()
    assert machine.next_deadline(0.0) is None
