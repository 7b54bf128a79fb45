"""The directory's periodic work: LDAP/AD syncs and calendar polls, as one scheduler machine.

Each tenant with LDAP settings is synced every ``interval_s`` (DIR5); each tenant with
calendars is polled every :data:`CALENDAR_POLL_S` so a meeting shows as presence within a
minute (spec §41). The work is blocking I/O (ldap3, HTTP), so :meth:`on_deadline` hands it to
one worker thread and the machine has no deadline until that thread is done; then it re-arms
itself. A source that fails is reported and retried at its next turn: the directory keeps
what it had, and no other tenant's work waits for it beyond that run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["CALENDAR_POLL_S", "DirectorySync", "DirectoryWork"]

log = logging.getLogger(__name__)

CALENDAR_POLL_S = 60.0
RETRY_AFTER_CRASH_S = 60.0


class DirectoryWork(Protocol):
    """The work itself, tenant by tenant (``vaxel.directory_sync.service``)."""

    def tenants(self) -> list[str]:
        """Tenants with LDAP settings or calendars."""
        ...

    def ldap_interval_s(self, tenant_id: str) -> float | None:
        """How often the tenant's LDAP sync runs; None: it has none, or it is off."""
        ...

    def has_calendars(self, tenant_id: str) -> bool: ...

    def sync_ldap(self, tenant_id: str, now: float) -> object: ...

    def poll_calendars(self, tenant_id: str, now: float) -> object: ...


@dataclass(slots=True)
class _Due:
    ldap: dict[str, float] = field(default_factory=dict)
    calendars: dict[str, float] = field(default_factory=dict)


class DirectorySync:
    """A :class:`~vaxel.runtime.scheduler.Machine` running the directory's periodic work."""

    name = "directory sync"

    def __init__(
        self,
        work: DirectoryWork,
        rearm: Callable[[], None] = lambda: None,
        after: Callable[[str], None] = lambda tenant_id: None,
    ) -> None:
        self._work = work
        self._rearm = rearm
        self._after = after
        """Told each tenant whose directory a run may have changed (the views reload it)."""
        self._due = _Due()
        self._busy = False
        self._known = False
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Settings changed (an admin saved them): reread which tenants have work."""
        with self._lock:
            self._known = False
        self._rearm()

    def _plan(self, now: float) -> None:
        due = _Due()
        for tenant_id in self._work.tenants():
            if self._work.ldap_interval_s(tenant_id) is not None:
                due.ldap[tenant_id] = self._due.ldap.get(tenant_id, now)
            if self._work.has_calendars(tenant_id):
                due.calendars[tenant_id] = self._due.calendars.get(tenant_id, now)
        self._due, self._known = due, True

    def next_deadline(self, now: float) -> float | None:
        with self._lock:
            if self._busy:
                return None
            if not self._known:
                self._plan(now)
            return min([*self._due.ldap.values(), *self._due.calendars.values()], default=None)

    def on_deadline(self, now: float) -> None:
        with self._lock:
            if self._busy:
                return
            ldap = [t for t, at in self._due.ldap.items() if at <= now]
            calendars = [t for t, at in self._due.calendars.items() if at <= now]
            if not ldap and not calendars:
                return
            self._busy = True
        worker = threading.Thread(
            target=self._run, args=(ldap, calendars, now), name="directory-sync", daemon=True
        )
        worker.start()

    def _run(self, ldap: list[str], calendars: list[str], now: float) -> None:
        try:
            for tenant_id in calendars:
                self._step(self._work.poll_calendars, tenant_id, now)
                self._due.calendars[tenant_id] = now + CALENDAR_POLL_S
                self._step(lambda t, _: self._after(t), tenant_id, now)
            for tenant_id in ldap:
                self._step(self._work.sync_ldap, tenant_id, now)
                self._step(lambda t, _: self._after(t), tenant_id, now)
                interval = self._work.ldap_interval_s(tenant_id) or RETRY_AFTER_CRASH_S
                self._due.ldap[tenant_id] = now + interval
        finally:
            with self._lock:
                self._busy = False
            self._rearm()

    @staticmethod
    def _step(action: Callable[[str, float], object], tenant_id: str, now: float) -> None:
        try:
            action(tenant_id, now)
        except Exception:  # one tenant's failure never stops another's (issue 9 §1)
            log.exception("directory sync of %s failed", tenant_id)
