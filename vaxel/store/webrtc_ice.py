"""Each tenant's ICE servers for the browser phone (issue 15 §3), beside ``tables.py`` on
the same metadata; migration ``0024_webrtc_ice_servers``. The rules are checked before a
write (``vaxel.runtime.ice_servers``); every change is written with its audit entry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    String,
    Table,
    Text,
    delete,
    false,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from vaxel.store.audit import record
from vaxel.store.tables import metadata

__all__ = [
    "MAX_CREDENTIAL",
    "MAX_USER",
    "TURN_CREDENTIAL_S",
    "IceServers",
    "IceServersStore",
    "ice_servers_table",
    "turn_credentials",
]

MAX_USER = 128
MAX_CREDENTIAL = 128
TURN_CREDENTIAL_S = 24 * 3600
"""How long a time-limited TURN credential holds. coturn checks it again when a relay is
refreshed, so it must outlast a working day's connection; the page asks for a fresh one at
every connect."""


def turn_credentials(secret: str, who: str, now: float) -> tuple[str, str]:
    """A time-limited TURN user name and password from coturn's shared secret
    (``use-auth-secret``, the "TURN REST API"): ``<expiry>:<who>`` and the base64 of its
    HMAC-SHA1 under the secret. The secret itself never leaves the server."""
    username = f"{int(now) + TURN_CREDENTIAL_S}:{who.replace(':', '_')}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


ice_servers_table = Table(
    "webrtc_ice_servers",
    metadata,
    Column(
        "tenant_id",
        String(64),
        ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("urls", Text, nullable=False),  # JSON list of the addresses
    Column("username", String(MAX_USER), nullable=False, server_default=""),
    Column("credential", String(MAX_CREDENTIAL), nullable=False, server_default=""),
    Column("changed_at", Float, nullable=False, server_default="0"),
    Column("shared_secret", Boolean, nullable=False, server_default=false()),
)
"""Migrations ``0024_webrtc_ice_servers``, ``0025_webrtc_turn_secret``."""


@dataclass(frozen=True, slots=True)
class IceServers:
    """A tenant's STUN/TURN addresses and the TURN user (empty: none); with
    ``shared_secret`` the credential is coturn's shared secret and there is no user."""

    urls: tuple[str, ...] = ()
    username: str = ""
    credential: str = ""
    shared_secret: bool = False

    @property
    def has_turn(self) -> bool:
        return any(url.startswith("turn") for url in self.urls)

    def for_peer(self, now: float, who: str) -> list[dict[str, Any]]:
        """As ``RTCPeerConnection`` takes them (``iceServers``) for ``who`` at ``now``: the
        STUN addresses in one entry, the TURN ones with the user in another (a
        time-limited one made from the shared secret, when that is how TURN is set)."""
        stun = [url for url in self.urls if url.startswith("stun:")]
        turn = [url for url in self.urls if url.startswith("turn")]
        servers: list[dict[str, Any]] = []
        if stun:
            servers.append({"urls": stun})
        username, credential = self.username, self.credential
        if self.shared_secret:
            username, credential = turn_credentials(self.credential, who, now)
        if turn:
            servers.append({"urls": turn, "username": username, "credential": credential})
        return servers


class IceServersStore:
    """Each tenant's ICE servers; every change with its audit entry."""

    def __init__(self, database: Engine) -> None:
        self._db = database

    def of(self, tenant_id: str) -> IceServers:
        """The tenant's servers (none when never set)."""
        c = ice_servers_table.c
        with self._db.connect() as connection:
            row = connection.execute(
                select(c.urls, c.username, c.credential, c.shared_secret).where(
                    c.tenant_id == tenant_id
                )
            ).first()
        if row is None:
            return IceServers()
        urls = tuple(json.loads(row.urls))
        return IceServers(urls, row.username, row.credential, bool(row.shared_secret))

    def put(self, tenant_id: str, servers: IceServers, actor: str, now: float) -> None:
        """Store ``servers`` (checked with :func:`validated`); no addresses removes them."""
        c = ice_servers_table.c
        with self._db.begin() as connection:
            connection.execute(delete(ice_servers_table).where(c.tenant_id == tenant_id))
            if servers.urls:
                connection.execute(
                    insert(ice_servers_table).values(
                        tenant_id=tenant_id,
                        urls=json.dumps(list(servers.urls)),
                        username=servers.username,
                        credential=servers.credential,
                        shared_secret=servers.shared_secret,
                        changed_at=now,
                    )
                )
            record(
                connection,
                tenant_id,
                actor,
                "ice_servers_changed",
                "webbtelefon",
                {"urls": ", ".join(servers.urls)[:500]},
            )
