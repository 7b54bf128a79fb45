"""The engine's records as JSON data and back, field by field, for :mod:`vaxel.acd.snapshot`
(issue 10 §13).

Every field of :mod:`vaxel.acd.state`'s records is named here with its way to JSON and
back, so a field added there without a mapping fails a test instead of losing state. Config
objects (:mod:`vaxel.acd.model`) are rebuilt through their constructors, so a snapshot
cannot smuggle in a config the engine would have refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

from vaxel.acd import model
from vaxel.acd.model import (
    AgentProfile,
    AgentState,
    CallbackStatus,
    Channel,
    ContactState,
    QueueConfig,
)
from vaxel.acd.state import AgentRec, ContactRec, QueueRec, TenantRec

__all__ = [
    "AGENT_FIELDS",
    "CONTACT_FIELDS",
    "QUEUE_FIELDS",
    "TENANT_FIELDS",
    "Field",
    "SnapshotError",
    "tenant_in",
    "tenant_out",
]


class SnapshotError(ValueError):
    """A snapshot of an unknown format, a corrupt one, or an engine that cannot be encoded."""


# -- explicit field maps: (name, to JSON, from JSON) per record field ------------------------

Field = tuple[str, Callable[[Any], Any], Callable[[Any], Any]]
E = TypeVar("E", bound=Enum)


def _same(value: Any) -> Any:
    return value


def _copy_list(value: Any) -> Any:
    return list(value)


def _copy_dict(value: Any) -> Any:
    return dict(value)


def _enum(cls: type[E]) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    return (lambda value: value.value), cls


def _keys(value: Mapping[str, None]) -> list[str]:
    return list(value)


def _key_set(value: list[str]) -> dict[str, None]:
    return dict.fromkeys(value)


def entries_out(value: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [list(entry) for entry in value]


def entries_in(value: list[list[Any]]) -> list[tuple[Any, ...]]:
    return [tuple(entry) for entry in value]


def _heap_or_none_out(value: list[tuple[Any, ...]] | None) -> list[list[Any]] | None:
    return None if value is None else entries_out(value)


def _heap_or_none_in(value: list[list[Any]] | None) -> list[tuple[Any, ...]] | None:
    return None if value is None else entries_in(value)


def _skill_heaps_out(value: dict[str, dict[int, list[tuple[Any, ...]]]]) -> list[Any]:
    # Levels are int keys, which a JSON object would turn into text: pairs keep them.
    return [
        [skill, [[level, entries_out(heap)] for level, heap in levels.items()]]
        for skill, levels in value.items()
    ]


def _skill_heaps_in(value: list[Any]) -> dict[str, dict[int, list[tuple[Any, ...]]]]:
    return {
        str(skill): {int(level): entries_in(heap) for level, heap in levels}
        for skill, levels in value
    }


def _ready_by_skill_out(value: dict[str, dict[str, None]]) -> dict[str, list[str]]:
    return {skill: list(having) for skill, having in value.items()}


def _ready_by_skill_in(value: dict[str, list[str]]) -> dict[str, dict[str, None]]:
    return {skill: dict.fromkeys(having) for skill, having in value.items()}


def _buckets_out(value: dict[Any, list[tuple[Any, ...]]]) -> list[Any]:
    # A requirement (skills with levels, language, target agent) is a tuple key.
    return [
        [[[list(pair) for pair in skills], language, target], entries_out(bucket)]
        for (skills, language, target), bucket in value.items()
    ]


def _buckets_in(value: list[Any]) -> dict[Any, list[tuple[Any, ...]]]:
    return {
        (
            tuple((str(s), int(level)) for s, level in skills),
            str(language),
            str(target),
        ): entries_in(bucket)
        for (skills, language, target), bucket in value
    }


CONTACT_FIELDS: tuple[Field, ...] = (
    ("contact_id", _same, _same),
    ("tenant_id", _same, _same),
    ("queue_id", _same, _same),
    ("channel", *_enum(Channel)),
    ("priority", _same, _same),
    ("skills", _copy_dict, _copy_dict),
    ("language", _same, _same),
    ("caller_number", _same, _same),
    ("caller_data", _copy_dict, _copy_dict),
    ("target_agent_id", _same, _same),
    ("arrived_at", _same, _same),
    ("order_at", _same, _same),
    ("seq", _same, _same),
    ("state", *_enum(ContactState)),
    ("entered_at", _same, _same),
    ("entry_seq", _same, _same),
    ("offer_seq", _same, _same),
    ("offered_to", _copy_list, _copy_list),
    ("agent_id", _same, _same),
    ("answered_at", _same, _same),
    ("classification", _same, _same),
    ("note", _same, _same),
    ("hops", _same, _same),
    ("history", _copy_list, _copy_list),
    ("interval_id", _same, _same),
    ("eligible_at", _same, _same),
    ("attempts", _same, _same),
    ("attempts_before_round", _same, _same),
    ("agents_tried", _copy_list, _copy_list),
    ("callback_status", *_enum(CallbackStatus)),
    ("last_note", _same, _same),
    ("dialled_number", _same, _same),
    ("handled_s", _same, _same),
)

AGENT_FIELDS: tuple[Field, ...] = (
    ("profile", lambda p: _config_out(p), lambda d: _config_in(d, AgentProfile)),
    ("state", *_enum(AgentState)),
    ("queue_ids", _copy_list, _copy_list),
    ("standby", _same, _same),
    ("pause_reason", _same, _same),
    ("contact_id", _same, _same),
    ("idle_since", _same, _same),
    ("busy_since", _same, _same),
    ("offered_since", _same, _same),
    ("unanswered", _same, _same),
    ("answered_today", _same, _same),
    ("answered_day", _same, _same),
    ("state_seq", _same, _same),
)

QUEUE_FIELDS: tuple[Field, ...] = (
    ("config", lambda c: _config_out(c), lambda d: _config_in(d, QueueConfig)),
    ("members", _keys, _key_set),
    ("ready", _keys, _key_set),
    ("idle_heap", _heap_or_none_out, _heap_or_none_in),
    ("skill_heaps", _skill_heaps_out, _skill_heaps_in),
    ("ready_by_skill", _ready_by_skill_out, _ready_by_skill_in),
    ("buckets", _buckets_out, _buckets_in),
    ("entries", _copy_dict, _copy_dict),
    ("schedule_open", _same, _same),
    ("closed_reason", _same, _same),
    ("message_prompt", _same, _same),
    ("auto_closed", _same, _same),
    ("standby_active", _same, _same),
    ("rr_last", _same, _same),
    ("answered_wait_sum", _same, _same),
    ("answered_count", _same, _same),
    ("threshold_timer_at", _same, _same),
)

TENANT_FIELDS = (
    "tenant_id",
    "queues",
    "agents",
    "contacts",
    "callbacks",
    "last_handler",
    "finished",
)
"""Every field of :class:`TenantRec`; mapped by ``tenant_out``/``tenant_in``."""


def _record_out(record: object, fields: tuple[Field, ...]) -> dict[str, Any]:
    return {name: out(getattr(record, name)) for name, out, _ in fields}


_ADDED_LATER: dict[str, Any] = {"dialled_number": "", "handled_s": None}
"""Fields added after snapshots of this format were written, with the value an older
snapshot's record had (issue 16, OP2; Q8); any other missing field is a corrupt snapshot."""


def _record_in(data: Mapping[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        name: back(data[name] if name in data or name not in _ADDED_LATER else _ADDED_LATER[name])
        for name, _, back in fields
    }


def tenant_out(tenant: TenantRec) -> dict[str, Any]:
    for contact_id, contact in tenant.callbacks.items():
        if tenant.contacts.get(contact_id) is not contact:
            raise SnapshotError(f"callback {contact_id} is not among the tenant's contacts")
    return {
        "tenant_id": tenant.tenant_id,
        "queues": [_record_out(q, QUEUE_FIELDS) for q in tenant.queues.values()],
        "agents": [_record_out(a, AGENT_FIELDS) for a in tenant.agents.values()],
        "contacts": [_record_out(c, CONTACT_FIELDS) for c in tenant.contacts.values()],
        "callbacks": list(tenant.callbacks),
        "last_handler": [[n, a, at] for n, (a, at) in tenant.last_handler.items()],
        "finished": dict(tenant.finished),
    }


def tenant_in(data: Mapping[str, Any]) -> TenantRec:
    tenant = TenantRec(str(data["tenant_id"]))
    for item in data["queues"]:
        queue = QueueRec(**_record_in(item, QUEUE_FIELDS))
        tenant.queues[queue.config.queue_id] = queue
    for item in data["agents"]:
        agent = AgentRec(**_record_in(item, AGENT_FIELDS))
        tenant.agents[agent.agent_id] = agent
    for item in data["contacts"]:
        contact = ContactRec(**_record_in(item, CONTACT_FIELDS))
        tenant.contacts[contact.contact_id] = contact
    # A callback is the same record in both maps (the engine relies on it).
    tenant.callbacks = {cid: tenant.contacts[cid] for cid in data["callbacks"]}
    tenant.last_handler = {str(n): (str(a), at) for n, a, at in data["last_handler"]}
    tenant.finished = dict(data["finished"])
    return tenant


# -- config objects: frozen dataclasses of vaxel.acd.model, rebuilt through __init__ ---------

_CONFIG_TYPES: dict[str, type] = {
    name: value
    for name in model.__all__
    if isinstance(value := getattr(model, name), type)
    and (dataclasses.is_dataclass(value) or issubclass(value, Enum))
}


def _config_out(value: Any) -> Any:
    if isinstance(value, Enum):
        return {"__enum__": type(value).__name__, "value": value.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if _CONFIG_TYPES.get(name) is not type(value):
            raise SnapshotError(f"{name} is not a config type of vaxel.acd.model")
        out: dict[str, Any] = {"__type__": name}
        for f in dataclasses.fields(value):
            out[f.name] = _config_out(getattr(value, f.name))
        return out
    if isinstance(value, tuple):
        return {"__tuple__": [_config_out(item) for item in value]}
    if isinstance(value, Mapping):
        return {str(key): _config_out(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise SnapshotError(f"cannot encode a {type(value).__name__} in a config")


def _config_value_in(data: Any) -> Any:
    if isinstance(data, list):
        raise SnapshotError("a config holds tuples, not lists")
    if not isinstance(data, dict):
        return data
    if "__type__" in data:
        cls = _config_type(data["__type__"])
        return cls(**{k: _config_value_in(v) for k, v in data.items() if k != "__type__"})
    if "__enum__" in data:
        return _config_type(data["__enum__"])(data["value"])
    if "__tuple__" in data:
        return tuple(_config_value_in(item) for item in data["__tuple__"])
    return {key: _config_value_in(value) for key, value in data.items()}


def _config_type(name: object) -> type:
    cls = _CONFIG_TYPES.get(str(name))
    if cls is None:
        raise SnapshotError(f"unknown config type {name!r}")
    return cls


def _config_in(data: Any, expected: type) -> Any:
    value = _config_value_in(data)
    if type(value) is not expected:
        raise SnapshotError(f"expected a {expected.__name__}, got {type(value).__name__}")
    return value
