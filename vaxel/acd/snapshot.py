"""The engine's whole state as bytes and back, so start-up replays only the journal's tail
(issue 10 §13).

Rules:
- Pure and versioned: ``encode_state`` writes format ``STATE_VERSION`` (compressed JSON);
  ``decode_state`` reads only that format. Any other version, or a payload that does not
  decode into a consistent engine, raises :class:`SnapshotError` — the caller then replays
  the whole journal, which stays the only source of truth. No pickle: a snapshot is data,
  never code, and a changed class cannot silently misread an old one.
- Explicit field mapping: every field of the engine's records is named in
  :mod:`vaxel.acd.snapshot_records`, so adding a field to :mod:`vaxel.acd.state` without
  mapping it fails a test instead of losing state.
- Exact: a decoded engine is indistinguishable from the one encoded — the same dict orders,
  heaps (stale entries included), timer and contact counters, id counters, random generator
  state and estimator history — so the same events give the same commands and ids after a
  restart from a snapshot as after a full replay (the engine's determinism rule).
- Config objects (:mod:`vaxel.acd.model`) are rebuilt through their constructors (also in
  ``snapshot_records``), so a snapshot cannot smuggle in a config the engine would have
  refused.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any, Protocol

from vaxel.acd.engine import Engine
from vaxel.acd.estimation import WaitEstimator
from vaxel.acd.snapshot_records import (
    AGENT_FIELDS,
    CONTACT_FIELDS,
    QUEUE_FIELDS,
    TENANT_FIELDS,
    SnapshotError,
    entries_in,
    entries_out,
    tenant_in,
    tenant_out,
)
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


class RestorableRandom(Protocol):
    """The part of ``random.Random`` a snapshot needs besides ``random()``."""

    def random(self) -> float: ...

    def getstate(self) -> Any: ...

    def setstate(self, state: Any, /) -> None: ...


class RestorableEstimator(WaitEstimator, Protocol):
    """A wait estimator whose learned history can be exported as JSON data and restored."""

    def export_state(self) -> dict[str, Any]: ...

    def import_state(self, state: Mapping[str, Any]) -> None: ...


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
        "deadlines": entries_out(deadlines),
        "ids": {"namespace": ids.namespace, "counters": ids.counters},
        "rng": _json_tuples(getstate()),
        "estimator": estimator_data,
        "tenants": [tenant_out(tenant) for tenant in engine.tenants.values()],
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
            tenant = tenant_in(item)
            engine.tenants[tenant.tenant_id] = tenant
        engine.contact_seq = int(data["contact_seq"])
        engine.restore_timers(entries_in(data["deadlines"]), int(data["timer_seq"]))
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
