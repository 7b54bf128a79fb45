"""REST API keys (issue 4 §6, issue 10 §12): scoped, expiring, revocable, with their last use.

A key is found by its SHA-256, so a leaked database hands out no working keys; the key
itself is shown once, when it is made. Each key carries scopes — the website's callback
form needs only ``callbacks:create`` and must not read every contact — and may expire; a
revoked key keeps its row so the admin page still shows what it was and when it was used.

The last use is written at most once a minute per key (:data:`LAST_USE_RESOLUTION_S`):
the API's hot path reads the key on every request but writes only when the stored time is
older than that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from vaxel.core.clock import from_local
from vaxel.store import tables
from vaxel.store.audit import record

__all__ = [
    "LAST_USE_RESOLUTION_S",
    "SCOPES",
    "ApiKey",
    "ApiKeys",
    "expiry_after",
    "key_hash",
    "key_id_of",
]

SCOPES = (
    "callbacks:create",
    "read",
    "events",
    "directory:read",
    "directory:write",
    "config",
    "phone:read",
    "phone:write",
    "messages:send",
)
"""What a key may do: create callbacks (POST /api/v1/callbacks, the website form), read
(every GET but the event stream and the directory: callbacks, contacts, queues, agents,
numbers, status), events (the server-sent event stream), read or write the directory, and
config (change which flow answers a number, PUT and DELETE /api/v1/numbers/…), and read or
change people's phones (voicemail, PBX4), and send people messages (OP7)."""

LAST_USE_RESOLUTION_S = 60.0


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_of(key: str) -> str:
    """The public name of a key: the start of its hash, safe to show and to put in URLs."""
    return key_hash(key)[:16]


def expiry_after(last_day: date) -> float:
    """The moment a key whose last valid day is ``last_day`` stops working: the following
    Stockholm midnight."""
    return from_local(datetime.combine(last_day + timedelta(days=1), datetime.min.time()))


@dataclass(frozen=True, slots=True)
class ApiKey:
    key_id: str
    tenant_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: float
    expires_at: float | None = None
    revoked_at: float | None = None
    last_used_at: float | None = None

    def usable(self, now: float) -> bool:
        """Neither revoked nor expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def _key(row: object) -> ApiKey:
    m = row._mapping  # type: ignore[attr-defined]
    return ApiKey(
        m["key_id"],
        m["tenant_id"],
        m["name"],
        tuple(s for s in SCOPES if s in m["scopes"].split()),
        m["created_at"],
        m["expires_at"],
        m["revoked_at"],
        m["last_used_at"],
    )


class ApiKeys:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def add(
        self,
        tenant_id: str,
        name: str,
        key: str,
        now: float,
        scopes: Collection[str],
        expires_at: float | None = None,
        *,
        actor: str = "system",
    ) -> ApiKey:
        """Store a new key for ``tenant_id`` (the caller made ``key`` and shows it once)."""
        unknown = sorted(set(scopes) - set(SCOPES))
        if unknown or not scopes:
            raise ValueError(f"scopes must be some of {', '.join(SCOPES)}, not {unknown or '[]'}")
        ordered = tuple(s for s in SCOPES if s in scopes)
        with self._db.begin() as connection:
            connection.execute(
                insert(tables.api_keys).values(
                    key_hash=key_hash(key),
                    key_id=key_id_of(key),
                    tenant_id=tenant_id,
                    name=name,
                    created_at=now,
                    scopes=" ".join(ordered),
                    expires_at=expires_at,
                )
            )
            detail = {"scopes": " ".join(ordered), "key_id": key_id_of(key)}
            record(connection, tenant_id, actor, "api_key_added", name, detail)
        return ApiKey(key_id_of(key), tenant_id, name, ordered, now, expires_at)

    def all(self, tenant_id: str) -> list[ApiKey]:
        """Every key of ``tenant_id``, revoked ones too, newest first."""
        k = tables.api_keys.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(tables.api_keys)
                .where(k.tenant_id == tenant_id)
                .order_by(k.created_at.desc(), k.key_id)
            ).all()
        return [_key(row) for row in rows]

    def find(self, key: str) -> ApiKey | None:
        """The key as stored, usable or not (None for an unknown key)."""
        with self._db.connect() as connection:
            row = connection.execute(
                select(tables.api_keys).where(tables.api_keys.c.key_hash == key_hash(key))
            ).first()
        return _key(row) if row is not None else None

    def authenticate(self, key: str, now: float) -> ApiKey | None:
        """The key if it is usable at ``now`` (None when unknown, revoked or expired),
        noting its use when the stored last use is a minute old or more."""
        found = self.find(key)
        if found is None or not found.usable(now):
            return None
        last = found.last_used_at
        if last is None or now - last >= LAST_USE_RESOLUTION_S:
            k = tables.api_keys.c
            with self._db.begin() as connection:
                connection.execute(
                    update(tables.api_keys)
                    .where(k.key_hash == key_hash(key))
                    .values(last_used_at=now)
                )
        return found

    def revoke(self, tenant_id: str, key_id: str, now: float, *, actor: str = "system") -> bool:
        """Revoke the key ``key_id`` of ``tenant_id`` from ``now`` on; False when the tenant
        has no such usable key (another tenant's id included, told apart from nothing)."""
        k = tables.api_keys.c
        with self._db.begin() as connection:
            result = connection.execute(
                update(tables.api_keys)
                .where(k.tenant_id == tenant_id, k.key_id == key_id, k.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            if result.rowcount:
                record(connection, tenant_id, actor, "api_key_revoked", key_id, {"key_id": key_id})
        return bool(result.rowcount)
