"""A tenant's configuration as the admin pages edit it, applied while running (ADM1, Q20).

Every change is validated whole before anything is stored, then stored, then applied: queue
and agent changes become journaled engine events (contacts already waiting stay where they
are); other kinds (schedules, flows, extensions, lists, prompts) are announced to
``listeners`` so the composition root can swap them into the running adapters — a call in
progress keeps the flow it started with, the next call gets the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, select

from vaxel.acd.events import AgentConfigured, AgentRemoved, QueueConfigured, QueueRemoved
from vaxel.acd.model import AgentProfile, OverflowAction, QueueConfig
from vaxel.acd.ports import ContactCenterPort
from vaxel.core.errors import ConfigError, VaxelError
from vaxel.flow import Flow, flow_from_dict
from vaxel.flow.model import QueueNode, ScheduleBranch
from vaxel.prompts import PromptLibrary
from vaxel.runtime.service_numbers import keep_main_number, numbers_answered_by
from vaxel.schedule import Schedule, schedule_from_dict
from vaxel.schedule.calendar import TemporaryClosure, closure_from_dict
from vaxel.store import tables
from vaxel.store.codec import acd_codec
from vaxel.store.repositories import Documents

__all__ = ["DEFAULT_LISTS", "ConfigChange", "Configuration"]

DEFAULT_LISTS: Mapping[str, tuple[str, ...]] = {
    "pause_reasons": ("Lunch", "Möte", "Utbildning", "Administration", "Övrigt"),
    "classifications": (
        "Fråga besvarad",
        "Ärende registrerat",
        "Hänvisad vidare",
        "Felkopplat",
        "Övrigt",
    ),
}
"""A new tenant's pause reasons (Q22) and classification codes (Q26) until an admin edits
them."""

CLOSURES = "closures"
"""The tenant_lists row that keeps the tenant's temporary closures."""

LIST_NAMES: Mapping[str, str] = {
    "pause_reasons": "Pausorsaker",
    "classifications": "Klassificeringskoder",
}


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """``kind`` is one of queue, agent, schedule, flow, extension, list, prompt."""

    tenant_id: str
    kind: str
    object_id: str


class Configuration:
    def __init__(self, database: Engine, center: ContactCenterPort) -> None:
        self.database = database
        self.center = center
        self.listeners: list[Callable[[ConfigChange], None]] = []
        self._codec = acd_codec()
        self.prompt_library = PromptLibrary()
        """The built-in prompts; a tenant's uploads are looked up in the store."""

    def documents(self, kind: str) -> Documents:
        return Documents(self.database, kind)

    def changed(self, tenant_id: str, kind: str, object_id: str) -> None:
        """Tell the running adapters; one failing listener must not hide the change from
        the others, so each is called and the first error re-raised after all ran."""
        change = ConfigChange(tenant_id, kind, object_id)
        failure: Exception | None = None
        for listener in list(self.listeners):
            try:
                listener(change)
            except Exception as error:  # reported after the others ran
                failure = failure or error
        if failure is not None:
            raise failure

    # Queues and agents: stored as documents and journaled as engine events.

    def queues(self, tenant_id: str) -> dict[str, QueueConfig]:
        documents = self.documents("queue").all(tenant_id)
        return {k: self._codec.decode(v) for k, v in documents.items()}

    def put_queue(self, config: QueueConfig, now: float, actor: str) -> None:
        """Create or change a queue (Q20): waiting contacts and agents stay put."""
        known = self.queue_ids(config.tenant_id) | {config.queue_id}
        rules = [r.target for r in config.overflow]
        if config.auto_close is not None:
            rules.append(config.auto_close.target)
        for i, target in enumerate(rules):
            if target.action is OverflowAction.QUEUE and target.queue_id not in known:
                raise ConfigError(
                    f"queue.overflow[{i}].target.queue_id",
                    "unknown-queue-ref",
                    value=target.queue_id,
                )
        for i, interval in enumerate(config.callback.intervals):  # issue 9 §6: no silence
            if interval.prompt_id and not self.prompt_exists(config.tenant_id, interval.prompt_id):
                raise ConfigError(
                    f"queue.callback.intervals[{i}].prompt_id",
                    "unknown-prompt-ref",
                    value=interval.prompt_id,
                )
        for field_name, hours in (
            ("queue.schedule_id", config.schedule_id),  # opens and closes it (issue 12 §1)
            ("queue.callback.schedule_id", config.callback.schedule_id),
        ):
            if hours and hours not in self.schedules(config.tenant_id):
                raise ConfigError(field_name, "unknown-schedule-ref", value=hours)
        self.center.submit(QueueConfigured(config, actor=actor), now)
        self.documents("queue").put(
            config.tenant_id, config.queue_id, config.display_name, self._codec.encode(config)
        )
        self.changed(config.tenant_id, "queue", config.queue_id)

    def agents(self, tenant_id: str) -> dict[str, AgentProfile]:
        documents = self.documents("agent").all(tenant_id)
        return {k: self._codec.decode(v) for k, v in documents.items()}

    def put_agent(self, profile: AgentProfile, now: float, actor: str) -> None:
        """Create or change an agent profile (skills, permitted queues, phone)."""
        known = self.queue_ids(profile.tenant_id)
        unknown = sorted(set(profile.permitted_queues) - known)
        if unknown:
            raise ConfigError(
                "agent.permitted_queues", "unknown-queues-ref", values=", ".join(unknown)
            )
        self.center.submit(AgentConfigured(profile, actor=actor), now)
        self.documents("agent").put(
            profile.tenant_id,
            profile.agent_id,
            profile.name or profile.agent_id,
            self._codec.encode(profile),
        )
        self.changed(profile.tenant_id, "agent", profile.agent_id)

    def queue_ids(self, tenant_id: str) -> set[str]:
        """The tenant's queues, stored or running (a queue configured straight into the
        engine counts too)."""
        running = self.center.running_queues(tenant_id)
        return set(self.queues(tenant_id)) | set(running)

    def remove_queue(self, tenant_id: str, queue_id: str, now: float, actor: str) -> None:
        """Remove a queue. Refused while another queue overflows to it; the engine refuses
        while contacts or callbacks wait or agents are logged in. Agents permitted to it
        lose the permission (nothing left pointing at a queue that is gone)."""
        configs = dict(self.queues(tenant_id)) | self.center.running_queues(tenant_id)
        for other in configs.values():
            rules = [r.target for r in other.overflow]
            if other.auto_close is not None:
                rules.append(other.auto_close.target)
            if other.queue_id != queue_id and any(t.queue_id == queue_id for t in rules):
                raise ConfigError(
                    "queue.queue_id",
                    "queue-overflows-here",
                    other=other.queue_id,
                    value=queue_id,
                )
        for flow_id, document in self.documents("flow").all(tenant_id).items():
            if _names_queue(document, queue_id):
                raise ConfigError(
                    "queue.queue_id", "flow-sends-here", other=flow_id, value=queue_id
                )
        self.center.submit(QueueRemoved(tenant_id, queue_id, actor=actor), now)
        self.documents("queue").remove(tenant_id, queue_id)
        profiles = dict(self.agents(tenant_id)) | self.center.running_agents(tenant_id)
        for profile in profiles.values():
            if queue_id in profile.permitted_queues:
                kept = tuple(q for q in profile.permitted_queues if q != queue_id)
                self.put_agent(replace(profile, permitted_queues=kept), now, actor)
        self.changed(tenant_id, "queue", queue_id)

    def remove_agent(self, tenant_id: str, agent_id: str, now: float, actor: str) -> None:
        """Remove an agent profile; the engine refuses unless the agent is logged out."""
        if agent_id in self.center.running_agents(tenant_id):
            self.center.submit(AgentRemoved(tenant_id, agent_id, actor=actor), now)
        self.documents("agent").remove(tenant_id, agent_id)
        self.changed(tenant_id, "agent", agent_id)

    # Short lists the agents pick from.

    def list_items(self, tenant_id: str, list_id: str) -> tuple[str, ...]:
        """The tenant's pause reasons or classification codes (defaults until edited)."""
        if list_id not in DEFAULT_LISTS:
            raise ConfigError(
                "list", "unknown-list", value=list_id, allowed=", ".join(DEFAULT_LISTS)
            )
        try:
            document: dict[str, Any] = self.documents("list").get(tenant_id, list_id)
        except VaxelError:
            return DEFAULT_LISTS[list_id]
        return tuple(str(item) for item in document.get("items", ()))

    def put_list(self, tenant_id: str, list_id: str, items: list[str]) -> None:
        if list_id not in DEFAULT_LISTS:
            raise ConfigError(
                "list", "unknown-list", value=list_id, allowed=", ".join(DEFAULT_LISTS)
            )
        cleaned = [item.strip() for item in items if item.strip()]
        if not cleaned:
            raise ConfigError(list_id, "list-empty")
        if len(set(cleaned)) != len(cleaned):
            raise ConfigError(list_id, "list-duplicate")
        if any(len(item) > 64 for item in cleaned):
            raise ConfigError(list_id, "list-entry-length", max=64)
        self.documents("list").put(tenant_id, list_id, LIST_NAMES[list_id], {"items": cleaned})
        self.changed(tenant_id, "list", list_id)

    # Schedules (Q1–Q3) and IVR flows (IVR1–IVR7): validated whole, stored, announced.

    def schedules(self, tenant_id: str) -> dict[str, dict[str, Any]]:
        return self.documents("schedule").all(tenant_id)

    def put_schedule(self, tenant_id: str, document: Mapping[str, Any]) -> Schedule:
        """Create or change opening hours; the calendar in use switches at once (Q20)."""
        schedule = schedule_from_dict(document)
        messages = [("closed_message", schedule.closed_message)]
        messages.append(("holidays.message", schedule.holidays.message))
        for index, item in enumerate(document.get("exceptions", ())):
            messages.append((f"exceptions[{index}].message", item.get("message")))
        for field_name, prompt_id in messages:
            if prompt_id and not self.prompt_exists(tenant_id, prompt_id):
                raise ConfigError(field_name, "unknown-prompt-ref", value=prompt_id)
        self.documents("schedule").put(tenant_id, schedule.schedule_id, schedule.name, document)
        self.changed(tenant_id, "schedule", schedule.schedule_id)
        return schedule

    # Temporary closures prepared in advance (Q2, ADM3): kept as one document per tenant.

    def closures(self, tenant_id: str) -> list[TemporaryClosure]:
        """Every stored closure of the tenant, past ones included, soonest start first."""
        try:
            document = self.documents("list").get(tenant_id, CLOSURES)
        except VaxelError:
            return []
        found = [closure_from_dict(item) for item in document.get("closures", ())]
        return sorted(found, key=lambda c: (c.start, c.closure_id))

    def put_closure(self, tenant_id: str, closure: TemporaryClosure) -> None:
        """Close ``closure.queue_ids`` from its start to its end with its message (Q2);
        the running schedule evaluation applies it when the time comes."""
        unknown = sorted(closure.queue_ids - self.queue_ids(tenant_id))
        if unknown:
            raise ConfigError("queues", "unknown-queues-ref", values=", ".join(unknown))
        if closure.message and not self.prompt_exists(tenant_id, closure.message):
            raise ConfigError("message", "unknown-prompt-ref", value=closure.message)
        kept = [c for c in self.closures(tenant_id) if c.closure_id != closure.closure_id]
        self._store_closures(tenant_id, [*kept, closure])
        self.changed(tenant_id, "closure", closure.closure_id)

    def lift_closure(self, tenant_id: str, closure_id: str, now: float) -> None:
        """End a closure now (or drop it if it has not begun); it stays in the history."""
        closures = self.closures(tenant_id)
        if not any(c.closure_id == closure_id for c in closures):
            raise ConfigError("closure", "unknown-closure", value=closure_id)
        kept = []
        for closure in closures:
            if closure.closure_id != closure_id:
                kept.append(closure)
            elif closure.start < now:
                kept.append(
                    replace(closure, end=now if closure.end is None else min(closure.end, now))
                )
        self._store_closures(tenant_id, kept)
        self.changed(tenant_id, "closure", closure_id)

    def _store_closures(self, tenant_id: str, closures: list[TemporaryClosure]) -> None:
        items = [
            {
                "id": c.closure_id,
                "queues": sorted(c.queue_ids),
                "start": c.start,
                "end": c.end,
                "message": c.message,
                "reason": c.reason,
            }
            for c in closures
        ]
        self.documents("list").put(
            tenant_id, CLOSURES, "Tillfälliga stängningar", {"closures": items}
        )

    def flows(self, tenant_id: str) -> dict[str, dict[str, Any]]:
        return self.documents("flow").all(tenant_id)

    def put_flow(self, tenant_id: str, document: Mapping[str, Any], name: str = "") -> Flow:
        """Create or change an IVR flow: calls in progress keep the flow they started with,
        the next call gets this one (Q20)."""
        flow = flow_from_dict(document)
        queues = self.queue_ids(tenant_id)
        schedules = set(self.schedules(tenant_id))
        for node_name, node in flow.nodes.items():
            where = f"nodes.{node_name}"
            if isinstance(node, QueueNode) and node.queue not in queues:
                raise ConfigError(f"{where}.queue", "unknown-queue-ref", value=node.queue)
            if isinstance(node, ScheduleBranch) and node.schedule not in schedules:
                raise ConfigError(f"{where}.schedule", "unknown-schedule-ref", value=node.schedule)
            for field_name, prompt_id in _node_prompts(node):
                if not self.prompt_exists(tenant_id, prompt_id):
                    raise ConfigError(
                        f"{where}.{field_name}", "unknown-prompt-ref", value=prompt_id
                    )
        name = name or self.flow_names(tenant_id).get(flow.flow_id, flow.flow_id)
        if flow.flow_id not in self.flows(tenant_id):
            keep_main_number(self.database, tenant_id)  # a new flow may come first by id
        self.documents("flow").put(tenant_id, flow.flow_id, name, dict(document))
        self.changed(tenant_id, "flow", flow.flow_id)
        return flow

    def remove_flow(self, tenant_id: str, flow_id: str) -> None:
        """Remove a flow; refused, naming them, while it answers any of the tenant's
        numbers (issue 12 §6): a number must never ring into nothing."""
        self.documents("flow").get(tenant_id, flow_id)  # NotFound for an unknown flow
        answering = numbers_answered_by(self.database, tenant_id, flow_id)
        if answering:
            raise ConfigError(
                "flow.id", "flow-answers-numbers", value=flow_id, values=", ".join(answering)
            )
        self.documents("flow").remove(tenant_id, flow_id)
        self.changed(tenant_id, "flow", flow_id)

    def flow_names(self, tenant_id: str) -> dict[str, str]:
        """Flow id → the name shown in lists ("Huvudflöde")."""
        with self.database.connect() as connection:
            rows = connection.execute(
                select(tables.flows.c.flow_id, tables.flows.c.name).where(
                    tables.flows.c.tenant_id == tenant_id
                )
            ).all()
        return {row[0]: row[1] for row in rows}

    def prompt_exists(self, tenant_id: str, prompt_id: str) -> bool:
        """A built-in prompt, or one the tenant uploaded (IVR5)."""
        if self.prompt_library.exists(prompt_id):
            return True
        with self.database.connect() as connection:
            row = connection.execute(
                select(tables.prompts.c.prompt_id).where(
                    tables.prompts.c.tenant_id == tenant_id,
                    tables.prompts.c.prompt_id == prompt_id,
                )
            ).first()
        return row is not None


def _node_prompts(node: Any) -> list[tuple[str, str]]:
    """(field, prompt id) for every prompt a flow node plays, music included."""
    found: list[tuple[str, str]] = []
    for field_name in ("prompts", "invalid", "welcome", "first_message", "whisper"):
        for index, prompt in enumerate(getattr(node, field_name, ()) or ()):
            found.append((f"{field_name}[{index}]", prompt.prompt_id))
    if isinstance(node, QueueNode):
        for index, message in enumerate(node.repeated_messages):
            found += [(f"repeated_messages[{index}]", p.prompt_id) for p in message]
        if node.music:
            found.append(("music", node.music))
        if node.data_entry is not None:
            found += [("data_entry.prompts", p.prompt_id) for p in node.data_entry.prompts]
            found += [("data_entry.thanks", p.prompt_id) for p in node.data_entry.thanks]
    return found


def _names_queue(document: Any, queue_id: str) -> bool:
    """True when a stored flow document has a node sending callers to ``queue_id``."""
    if isinstance(document, Mapping):
        if document.get("queue") == queue_id:
            return True
        return any(_names_queue(value, queue_id) for value in document.values())
    if isinstance(document, list):
        return any(_names_queue(item, queue_id) for item in document)
    return False
