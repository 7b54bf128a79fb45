"""The automatic attendant at high load (issue 16, spec §70): each tenant's load rule
(:mod:`vaxel.pbx.auto_attendant`, pure) as stored, changed and carried out.

- :class:`LoadRules` reads and changes a tenant's rule — one path for the admin page and
  the REST API: checked (the marks' limits; the queue must be one of the tenant's), stored
  in the tenant's settings (``auto-attendant``), audited ``auto_attendant_changed``.
- :class:`AutoAttendant` is a machine of the platform's scheduler: while any tenant has
  a rule on, it looks at each such tenant's queue every :data:`CHECK_S` and switches the
  flow switch as the rule says — through :class:`~vaxel.runtime.flow_switches.FlowSwitches`
  as actor ``automatik`` (audited ``switch_changed`` like anyone's change; the next caller
  hears the menu). Its deadline is None while no rule is on; a saved rule re-arms it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Engine, select

from vaxel.acd.ports import ContactCenterPort
from vaxel.core.errors import VaxelError
from vaxel.pbx.auto_attendant import (
    AUTO_ACTOR,
    LOAD_RULE_SETTINGS,
    Load,
    LoadRule,
    LoadRuleError,
    Move,
    SwitchSeen,
    decide,
)
from vaxel.runtime.configuration import Configuration
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.store import tables
from vaxel.store.audit import record
from vaxel.store.directory_sources import DirectorySources

__all__ = ["CHECK_S", "AutoAttendant", "LoadRules"]

log = logging.getLogger(__name__)
CHECK_S = 5.0
"""How often a tenant's watched queue is looked at while its rule is on."""
RUSH_SETTINGS = "auto-attendant-rush"
"""The tenant's settings row keeping since when its watched queue has not been calm."""


class LoadRules:
    """A tenant's load rule, read and changed (the admin page's and the API's one path)."""

    def __init__(self, configuration: Configuration, clock: Callable[[], float]) -> None:
        self.configuration = configuration
        self.clock = clock

    def rule(self, tenant_id: str) -> LoadRule:
        sources = DirectorySources(self.configuration.database)
        return LoadRule.of(sources.settings(tenant_id, LOAD_RULE_SETTINGS))

    def put(self, tenant_id: str, rule: LoadRule, actor: str) -> LoadRule:
        """Store ``rule`` (checked when made; its queue must be the tenant's) and re-arm."""
        if rule.queue_id and rule.queue_id not in self.configuration.queues(tenant_id):
            raise LoadRuleError("unknown queue", code="auto-attendant-queue")
        stored = rule.stored()
        DirectorySources(self.configuration.database).put_settings(
            tenant_id, LOAD_RULE_SETTINGS, stored, self.clock()
        )
        with self.configuration.database.begin() as connection:
            detail = {k: str(v) for k, v in stored.items()}
            record(connection, tenant_id, actor, "auto_attendant_changed", rule.switch, detail)
        self.configuration.changed(tenant_id, LOAD_RULE_SETTINGS, rule.switch)
        return rule


def rules_on(database: Engine) -> dict[str, LoadRule]:
    """Every tenant's rule that is on."""
    s = tables.directory_sources.c
    query = select(s.tenant_id, s.settings).where(s.source == LOAD_RULE_SETTINGS)
    with database.connect() as connection:
        rows = connection.execute(query).all()
    rules = {str(r.tenant_id): LoadRule.of(r.settings) for r in rows}
    return {tenant: rule for tenant, rule in rules.items() if rule.enabled}


class AutoAttendant:
    """The load rules carried out, one scheduler machine for all tenants."""

    name = "automatic attendant"

    def __init__(self, center: ContactCenterPort, switches: FlowSwitches, database: Engine) -> None:
        self.center = center
        self.switches = switches
        self.database = database
        self._rush: dict[str, float | None] = {}
        """Per tenant: since when its queue's load has not been calm (None: calm); kept in
        the tenant's settings too (:data:`RUSH_SETTINGS`), read back after a restart."""

    def next_deadline(self, now: float) -> float | None:
        return now + CHECK_S if rules_on(self.database) else None

    def on_deadline(self, now: float) -> None:
        for tenant_id, rule in rules_on(self.database).items():
            try:
                self.check(tenant_id, rule, now)
            except VaxelError as error:  # the queue or switch gone meanwhile
                log.info("automatic attendant of %s: %s", tenant_id, error)

    def check(self, tenant_id: str, rule: LoadRule, now: float) -> Move | None:
        """Look at ``tenant_id``'s queue once and switch as ``rule`` says."""
        status = self.center.queue_status(tenant_id, rule.queue_id, now)
        load = Load(status.waiting, status.longest_wait_s)
        found = next(
            (s for s in self.switches.store.of_tenant(tenant_id) if s.name == rule.switch), None
        )
        if found is None:
            return None
        seen = SwitchSeen(found.on, found.changed_by, found.changed_at, found.off_at > now)
        before = self._rush[tenant_id] if tenant_id in self._rush else self._stored(tenant_id)
        move, rush = decide(rule, load, seen, before, now)
        self._rush[tenant_id] = rush
        if rush != before:  # a rush began or ended: rare, so stored each time
            sources = DirectorySources(self.database)
            sources.put_settings(tenant_id, RUSH_SETTINGS, {"since": rush}, now)
        if move is not None:
            log.info("automatic attendant of %s: %s (%s)", tenant_id, move.value, load)
            self.switches.set(tenant_id, rule.switch, move is Move.ON, AUTO_ACTOR)
        return move

    def _stored(self, tenant_id: str) -> float | None:
        """The rush start as last stored (a restart mid-rush keeps it, so an operator's
        switch by hand in that rush still wins, issue 16); None: calm, or never stored."""
        stored = DirectorySources(self.database).settings(tenant_id, RUSH_SETTINGS) or {}
        since = stored.get("since")
        return float(since) if isinstance(since, (int, float)) else None

    def changed(self, kind: str, rearm: Callable[[], None]) -> None:
        """A configuration change: a saved rule re-arms the machine."""
        if kind == LOAD_RULE_SETTINGS:
            rearm()
