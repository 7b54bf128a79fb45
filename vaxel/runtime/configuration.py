"""A tenant's configuration as the admin pages edit it, applied while running (ADM1, Q20).

Every change is validated whole before anything is stored, then stored, then applied: queue
and agent changes become journaled engine events (contacts already waiting stay where they
are); other kinds (schedules, flows, extensions, lists, prompts) are announced to
``listeners`` so the composition root can swap them into the running adapters — a call in
progress keeps the flow it started with, the next call gets the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from vaxel.acd.events import AgentConfigured, QueueConfigured
from vaxel.acd.model import AgentProfile, OverflowAction, QueueConfig
from vaxel.core.errors import ConfigError, VaxelError
from vaxel.runtime.contact_center import ContactCenter
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
    def __init__(self, database: Engine, center: ContactCenter) -> None:
        self.database = database
        self.center = center
        self.listeners: list[Callable[[ConfigChange], None]] = []
        self._codec = acd_codec()

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
        known = set(self.queues(config.tenant_id)) | {config.queue_id}
        rules = [r.target for r in config.overflow]
        if config.auto_close is not None:
            rules.append(config.auto_close.target)
        for i, target in enumerate(rules):
            if target.action is OverflowAction.QUEUE and target.queue_id not in known:
                raise ConfigError(
                    f"queue.overflow[{i}].target.queue_id",
                    f"no queue {target.queue_id!r}: create it first or pick another",
                )
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
        known = set(self.queues(profile.tenant_id))
        unknown = sorted(set(profile.permitted_queues) - known)
        if unknown:
            raise ConfigError(
                "agent.permitted_queues", f"unknown queues {', '.join(unknown)}: create them first"
            )
        self.center.submit(AgentConfigured(profile, actor=actor), now)
        self.documents("agent").put(
            profile.tenant_id,
            profile.agent_id,
            profile.name or profile.agent_id,
            self._codec.encode(profile),
        )
        self.changed(profile.tenant_id, "agent", profile.agent_id)

    # Short lists the agents pick from.

    def list_items(self, tenant_id: str, list_id: str) -> tuple[str, ...]:
        """The tenant's pause reasons or classification codes (defaults until edited)."""
        if list_id not in DEFAULT_LISTS:
            raise ConfigError("list", f"unknown list {list_id!r}: use {', '.join(DEFAULT_LISTS)}")
        try:
            document: dict[str, Any] = self.documents("list").get(tenant_id, list_id)
        except VaxelError:
            return DEFAULT_LISTS[list_id]
        return tuple(str(item) for item in document.get("items", ()))

    def put_list(self, tenant_id: str, list_id: str, items: list[str]) -> None:
        if list_id not in DEFAULT_LISTS:
            raise ConfigError("list", f"unknown list {list_id!r}: use {', '.join(DEFAULT_LISTS)}")
        cleaned = [item.strip() for item in items if item.strip()]
        if not cleaned:
            raise ConfigError(list_id, "keep at least one entry")
        if len(set(cleaned)) != len(cleaned):
            raise ConfigError(list_id, "each entry may appear only once")
        if any(len(item) > 64 for item in cleaned):
            raise ConfigError(list_id, "entries are at most 64 characters")
        self.documents("list").put(tenant_id, list_id, LIST_NAMES[list_id], {"items": cleaned})
        self.changed(tenant_id, "list", list_id)
