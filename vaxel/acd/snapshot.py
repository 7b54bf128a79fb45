"""The engine's whole state as bytes and back, so start-up replays only the journal's tail
(issue 10 §13).

Rules:
- Pure and versioned: ``encode_state`` writes format ``STATE_VERSION`` (compressed JSON);
  ``decode_state`` reads only that format. Any other version, or a payload that does not
  decode into a consistent engine, raises :class:`SnapshotError` — the caller then replays
  the whole journal, which stays the only source of truth. No pickle: a snapshot is data,
  never code, and a changed class cannot silently misread an old one.
- Explicit field mapping: every field of the engine's records is named here, so adding a
  field to :mod:`vaxel.acd.state` without mapping it fails a test instead of losing state.
- Exact: a decoded engine is indistinguishable from the one encoded — the same dict orders,
  heaps (stale entries included), timer and contact counters, id counters, random generator
  state and estimator history — so the same events give the same commands and ids after a
  restart from a snapshot as after a full replay (the engine's determinism rule).
- Config objects (:mod:`vaxel.acd.model`) are rebuilt through their constructors, so a
  snapshot cannot smuggle in a config the engine would have refused.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, Protocol, TypeVar

from vaxel.acd import model
from vaxel.acd.engine import Engine
from vaxel.acd.estimation import WaitEstimator
from vaxel.acd.model import (
    AgentProfile,
    AgentState,
    CallbackStatus,
    Channel,
    ContactState,
    QueueConfig,
)
from vaxel.acd.state import AgentRec, ContactRec, QueueRec, TenantRec
from vaxel.core.errors import ConfigError
from vaxel.core.ids import SequentialIds

__all__ = [
    "AGENT_FIELDS",
    "CONTACT_FIELDS",
    "QUEUE_FIELDS",
    "STATE_VERSION",
    "TENANT_FIELDS",
    "RestorableEstimator",
    "RestorableRandom",
    "SnapshotError",
    "capture_state",
    "decode_state",
    "encode_state",
    "serialize_state",
]

STATE_VERSION = "acd-state/1"
"""The format ``encode_state`` writes: UTF-8 JSON, zlib-compressed at level 1 (a busy
200-agent center's 3.7 MB of state becomes 0.4 MB in 15 ms, so the store writes a tenth).
Change it whenever the encoding or the meaning of a field changes: older snapshots are then
ignored (a full replay), never misread."""


class SnapshotError(ValueError):
    """A snapshot of an unknown format, a corrupt one, or an engine that cannot be encoded."""


class RestorableRandom(Protocol):
    """The part of ``random.Random`` a snapshot needs besides ``random()``."""

    def random(self) -> float: ...

    def getstate(self) -> Any: ...

    def setstate(self, state: Any, /) -> None: ...


class RestorableEstimator(WaitEstimator, Protocol):
    """A wait estimator whose learned history can be exported as JSON data and restored."""

    def export_state(self) -> dict[str, Any]: ...

    def import_state(self, state: Mapping[str, Any]) -> None: ...


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


def _entries(value: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [list(entry) for entry in value]


def _tuples(value: list[list[Any]]) -> list[tuple[Any, ...]]:
    return [tuple(entry) for entry in value]


def _heap_or_none_out(value: list[tuple[Any, ...]] | None) -> list[list[Any]] | None:
    return None if value is None else _entries(value)


def _heap_or_none_in(value: list[list[Any]] | None) -> list[tuple[Any, ...]] | None:
    return None if value is None else _tuples(value)


def _skill_heaps_out(value: dict[str, dict[int, list[tuple[Any, ...]]]]) -> list[Any]:
    # Levels are int keys, which a JSON object would turn into text: pairs keep them.
    return [
        [skill, [[level, _entries(heap)] for level, heap in levels.items()]]
        for skill, levels in value.items()
    ]


def _skill_heaps_in(value: list[Any]) -> dict[str, dict[int, list[tuple[Any, ...]]]]:
    return {
        str(skill): {int(level): _tuples(heap) for level, heap in levels} for skill, levels in value
    }


def _ready_by_skill_out(value: dict[str, dict[str, None]]) -> dict[str, list[str]]:
    return {skill: list(having) for skill, having in value.items()}


def _ready_by_skill_in(value: dict[str, list[str]]) -> dict[str, dict[str, None]]:
    return {skill: dict.fromkeys(having) for skill, having in value.items()}


def _buckets_out(value: dict[Any, list[tuple[Any, ...]]]) -> list[Any]:
    # A requirement (skills with levels, language, target agent) is a tuple key.
    return [
        [[[list(pair) for pair in skills], language, target], _entries(bucket)]
        for (skills, language, target), bucket in value.items()
    ]


def _buckets_in(value: list[Any]) -> dict[Any, list[tuple[Any, ...]]]:
    return {
        (tuple((str(s), int(level)) for s, level in skills), str(language), str(target)): _tuples(
            bucket
        )
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
"""Every field of :class:`TenantRec`; mapped by ``_tenant_out``/``_tenant_in``."""


def _record_out(record: object, fields: tuple[Field, ...]) -> dict[str, Any]:
    return {name: out(getattr(record, name)) for name, out, _ in fields}


def _record_in(data: Mapping[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
    return {name: back(data[name]) for name, _, back in fields}


def _tenant_out(tenant: TenantRec) -> dict[str, Any]:
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


def _tenant_in(data: Mapping[str, Any]) -> TenantRec:
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


# -- the engine ------------------------------------------------------------------------------


def _json_tuples(value: Any) -> Any:
    """``random.Random.getstate()`` nests tuples; JSON has lists."""
    if isinstance(value, tuple | list):
        return [_json_tuples(item) for item in value]
    return value


def _back_to_tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_back_to_tuples(item) for item in value)
    return value


def capture_state(engine: Engine) -> dict[str, Any]:
    """The whole state of ``engine`` as plain JSON data that shares nothing mutable with it.

    The cheap half of :func:`encode_state` (about 40 % of it): the runtime captures under
    its lock, then serialises off the lock while the engine moves on. Raises
    :class:`SnapshotError` when a part cannot be encoded: ids that are not
    :class:`SequentialIds`, a random source without ``getstate``, an estimator without
    ``export_state``."""
    ids = engine.ids
    if not isinstance(ids, SequentialIds):
        raise SnapshotError(f"ids of type {type(ids).__name__} cannot be snapshotted")
    getstate = getattr(engine.rng, "getstate", None)
    if getstate is None:
        raise SnapshotError(f"a {type(engine.rng).__name__} cannot be snapshotted")
    estimator = engine.estimator
    estimator_data: dict[str, Any] | None = None
    if estimator is not None:
        export = getattr(estimator, "export_state", None)
        if export is None:
            raise SnapshotError(f"a {type(estimator).__name__} cannot be snapshotted")
        estimator_data = {"kind": type(estimator).__name__, "state": export()}
    deadlines, timer_seq = engine.timer_state()
    return {
        "version": STATE_VERSION,
        "contact_seq": engine.contact_seq,
        "timer_seq": timer_seq,
        "deadlines": _entries(deadlines),
        "ids": {"namespace": ids.namespace, "counters": ids.counters},
        "rng": _json_tuples(getstate()),
        "estimator": estimator_data,
        "tenants": [_tenant_out(tenant) for tenant in engine.tenants.values()],
    }


def serialize_state(data: dict[str, Any]) -> bytes:
    """What :func:`capture_state` gave, as the bytes of format :data:`STATE_VERSION`."""
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return zlib.compress(text.encode(), 1)
    except (TypeError, ValueError) as error:
        raise SnapshotError(f"the engine state is not JSON data: {error}") from None


def encode_state(engine: Engine) -> bytes:
    """The whole state of ``engine`` in format :data:`STATE_VERSION` (see
    :func:`capture_state` for what cannot be encoded)."""
    return serialize_state(capture_state(engine))


def decode_state(
    version: str,
    payload: bytes,
    *,
    rng: RestorableRandom,
    estimator: WaitEstimator | None,
) -> Engine:
    """A new engine in the state ``payload`` holds; ``rng`` and ``estimator`` are fresh
    ones of the kinds the runtime uses, brought to the snapshot's state.

    Raises :class:`SnapshotError` for another ``version``, a corrupt payload, or an
    estimator of another kind than the one snapshotted."""
    if version != STATE_VERSION:
        raise SnapshotError(
            f"unknown engine state format {version!r}; this Växel reads {STATE_VERSION!r}"
        )
    try:
        data = json.loads(zlib.decompress(payload))
        if data["version"] != STATE_VERSION:
            raise SnapshotError(f"the payload says format {data['version']!r}")
        _restore_estimator(estimator, data["estimator"])
        rng.setstate(_back_to_tuples(data["rng"]))
        engine = Engine(
            ids=SequentialIds(str(data["ids"]["namespace"]), dict(data["ids"]["counters"])),
            rng=rng,
            estimator=estimator,
        )
        for item in data["tenants"]:
            tenant = _tenant_in(item)
            engine.tenants[tenant.tenant_id] = tenant
        engine.contact_seq = int(data["contact_seq"])
        engine.restore_timers(_tuples(data["deadlines"]), int(data["timer_seq"]))
        return engine
    except SnapshotError:
        raise
    except (zlib.error, ValueError, TypeError, KeyError, AttributeError, ConfigError) as error:
        raise SnapshotError(f"corrupt engine snapshot ({type(error).__name__}: {error})") from None


def _restore_estimator(estimator: WaitEstimator | None, data: Any) -> None:
    kind = None if data is None else data["kind"]
    expected = None if estimator is None else type(estimator).__name__
    if kind != expected:
        raise SnapshotError(f"the snapshot's estimator is {kind}, the runtime's {expected}")
    if estimator is not None:
        restore = getattr(estimator, "import_state", None)
        if restore is None:
            raise SnapshotError(f"a {expected} cannot be restored")
        restore(data["state"])
