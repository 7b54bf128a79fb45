"""Users and their web sessions (ADM2), tenant-scoped like everything else.

A session is found by the SHA-256 of its cookie token, so a leaked database does not hand
out live sessions. Passwords arrive here already hashed (argon2, ``vaxel.web.passwords``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, insert, select

from vaxel.store import tables
from vaxel.store.api_keys import SCOPES, ApiKey, ApiKeys
from vaxel.store.audit import record

__all__ = ["ROLES", "Accounts", "Session", "User"]

ROLES = ("agent", "operator", "supervisor", "tenant_admin", "platform_admin")
_IN_BATCH = 500
"""Tokens per ``IN (…)`` list: well under every database's limit on bound parameters."""


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    tenant_id: str
    username: str
    display_name: str
    role: str
    agent_id: str | None
    password_hash: str | None

    @property
    def active(self) -> bool:
        """A deactivated account keeps its row (and history) but has no password."""
        return bool(self.password_hash)


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str
    expires_at: float


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row: object) -> User:
    m = row._mapping  # type: ignore[attr-defined]
    return User(
        m["id"],
        m["tenant_id"],
        m["username"],
        m["display_name"],
        m["role"],
        m["agent_id"],
        m["password_hash"],
    )


class Accounts:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def add_user(
        self,
        tenant_id: str,
        username: str,
        display_name: str,
        role: str,
        password_hash: str,
        agent_id: str | None = None,
        *,
        actor: str = "system",
    ) -> User:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        with self._db.begin() as connection:
            result = connection.execute(
                insert(tables.users).values(
                    tenant_id=tenant_id,
                    username=username,
                    display_name=display_name,
                    role=role,
                    agent_id=agent_id,
                    password_hash=password_hash,
                )
            )
            user_id = result.inserted_primary_key[0]  # type: ignore[index]
            record(connection, tenant_id, actor, "user_added", username, {"role": role})
        return User(int(user_id), tenant_id, username, display_name, role, agent_id, password_hash)

    def users_per_tenant(self) -> dict[str, int]:
        """How many users each tenant has (the platform page's list)."""
        with self._db.connect() as connection:
            rows = connection.execute(
                select(tables.users.c.tenant_id, func.count()).group_by(tables.users.c.tenant_id)
            ).all()
        return {str(tenant_id): int(count) for tenant_id, count in rows}

    def find(self, tenant_id: str, username: str) -> User | None:
        with self._db.connect() as connection:
            row = connection.execute(
                select(tables.users).where(
                    tables.users.c.tenant_id == tenant_id, tables.users.c.username == username
                )
            ).first()
        return _user(row) if row is not None else None

    def users(self, tenant_id: str) -> list[User]:
        """Every user of ``tenant_id``, by username."""
        with self._db.connect() as connection:
            rows = connection.execute(
                select(tables.users)
                .where(tables.users.c.tenant_id == tenant_id)
                .order_by(tables.users.c.username)
            ).all()
        return [_user(row) for row in rows]

    def user(self, tenant_id: str, user_id: int) -> User | None:
        """The user with this id in ``tenant_id``; None also for another tenant's user."""
        with self._db.connect() as connection:
            row = connection.execute(
                select(tables.users).where(
                    tables.users.c.tenant_id == tenant_id, tables.users.c.id == user_id
                )
            ).first()
        return _user(row) if row is not None else None

    def update_user(
        self,
        user: User,
        display_name: str,
        role: str,
        agent_id: str | None,
        *,
        actor: str = "system",
    ) -> User:
        """Change name, role and agent link; the username stays (it is how people sign in)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        with self._db.begin() as connection:
            connection.execute(
                tables.users.update()
                .where(
                    tables.users.c.id == user.user_id,
                    tables.users.c.tenant_id == user.tenant_id,
                )
                .values(display_name=display_name, role=role, agent_id=agent_id)
            )
            if role != user.role:
                detail = {"from": user.role, "to": role}
                record(connection, user.tenant_id, actor, "role_changed", user.username, detail)
            if (display_name, agent_id) != (user.display_name, user.agent_id):
                detail = {"agent_id": agent_id or ""}
                record(connection, user.tenant_id, actor, "user_changed", user.username, detail)
        return User(
            user.user_id,
            user.tenant_id,
            user.username,
            display_name,
            role,
            agent_id,
            user.password_hash,
        )

    def remove_user(self, user: User, *, actor: str = "system") -> None:
        """Delete the account; its sessions go with it."""
        with self._db.begin() as connection:
            record(connection, user.tenant_id, actor, "user_removed", user.username)
            connection.execute(
                delete(tables.web_sessions).where(tables.web_sessions.c.user_id == user.user_id)
            )
            connection.execute(
                delete(tables.users).where(
                    tables.users.c.id == user.user_id,
                    tables.users.c.tenant_id == user.tenant_id,
                )
            )

    def set_password_hash(
        self, user: User, password_hash: str | None, *, actor: str = "system"
    ) -> None:
        """A new password; None deactivates the account (no password verifies)."""
        action = "password_set" if password_hash is not None else "account_deactivated"
        with self._db.begin() as connection:
            record(connection, user.tenant_id, actor, action, user.username)
            connection.execute(
                tables.users.update()
                .where(tables.users.c.id == user.user_id)
                .values(password_hash=password_hash)
            )

    def open_session(
        self, user: User, token: str, csrf_token: str, now: float, lifetime_s: float
    ) -> None:
        with self._db.begin() as connection:
            connection.execute(
                insert(tables.web_sessions).values(
                    token_hash=_token_hash(token),
                    tenant_id=user.tenant_id,
                    user_id=user.user_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=now + lifetime_s,
                )
            )

    def session(self, token: str, now: float) -> Session | None:
        """The live session of ``token`` (None when unknown or expired)."""
        s, u = tables.web_sessions, tables.users
        with self._db.connect() as connection:
            row = connection.execute(
                select(u, s.c.csrf_token, s.c.expires_at)
                .join(s, s.c.user_id == u.c.id)
                .where(s.c.token_hash == _token_hash(token), s.c.tenant_id == u.c.tenant_id)
            ).first()
        if row is None or row._mapping["expires_at"] <= now:
            return None
        return Session(_user(row), row._mapping["csrf_token"], row._mapping["expires_at"])

    def live_sessions(self, tokens: Collection[str], now: float) -> set[str]:
        """Those of ``tokens`` whose session is still live: not signed out, not expired,
        its user not deactivated. One query for the sessions of every open live stream
        (``vaxel.web.session_watch``), where one lookup per stream queued 200 of them."""
        by_hash = {_token_hash(token): token for token in tokens}
        hashes = list(by_hash)
        s, u = tables.web_sessions, tables.users
        live: set[str] = set()
        with self._db.connect() as connection:
            for start in range(0, len(hashes), _IN_BATCH):
                found = connection.execute(
                    select(s.c.token_hash)
                    .join(u, s.c.user_id == u.c.id)
                    .where(
                        s.c.token_hash.in_(hashes[start : start + _IN_BATCH]),
                        s.c.tenant_id == u.c.tenant_id,
                        s.c.expires_at > now,
                        u.c.password_hash.is_not(None),
                        u.c.password_hash != "",
                    )
                ).scalars()
                live.update(by_hash[token_hash] for token_hash in found)
        return live

    def close_session(self, token: str) -> None:
        with self._db.begin() as connection:
            connection.execute(
                delete(tables.web_sessions).where(
                    tables.web_sessions.c.token_hash == _token_hash(token)
                )
            )

    def close_all_sessions(self, user: User) -> None:
        """Sign a user out everywhere (after a password change)."""
        with self._db.begin() as connection:
            connection.execute(
                delete(tables.web_sessions).where(tables.web_sessions.c.user_id == user.user_id)
            )

    def add_api_key(
        self,
        tenant_id: str,
        name: str,
        key: str,
        now: float,
        scopes: Collection[str] = SCOPES,
        expires_at: float | None = None,
    ) -> ApiKey:
        """Store a new key (see :class:`vaxel.store.api_keys.ApiKeys`); without ``scopes`` it
        may do everything, as the demo's key and the tests' keys do."""
        return ApiKeys(self._db).add(tenant_id, name, key, now, scopes, expires_at)

    def tenant_of_key(self, key: str) -> str | None:
        """The tenant a stored API key belongs to (usable or not), or None for an unknown key."""
        found = ApiKeys(self._db).find(key)
        return found.tenant_id if found is not None else None
