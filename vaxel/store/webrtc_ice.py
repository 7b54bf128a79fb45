"""Each tenant's ICE servers for the browser phone (issue 15 §3), beside ``tables.py`` on
the same metadata; migration ``0024_webrtc_ice_servers``. The rules are checked before a
write (``vaxel.runtime.ice_servers``); every change is written with its audit entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Float, ForeignKey, String, Table, Text, delete, insert, select
from sqlalchemy.engine import Engine

from vaxel.store.audit import record
from vaxel.store.tables import metadata

__all__ = ["MAX_CREDENTIAL", "MAX_USER", "IceServers", "IceServersStore", "ice_servers_table"]

MAX_USER = 128
MAX_CREDENTIAL = 128

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
)
"""Migration ``0024_webrtc_ice_servers``."""


@dataclass(frozen=True, slots=True)
class IceServers:
    """A tenant's STUN/TURN addresses and the TURN user (empty: none)."""

    urls: tuple[str, ...] = ()
    username: str = ""
    credential: str = ""

    @property
    def has_turn(self) -> bool:
        return any(url.startswith("turn") for url in self.urls)

    def for_peer(self) -> list[dict[str, Any]]:
        """As ``RTCPeerConnection`` takes them (``iceServers``): the STUN addresses in
        one entry, the TURN ones with the user in another."""
        stun = [url for url in self.urls if url.startswith("stun:")]
        turn = [url for url in self.urls if url.startswith("turn")]
        servers: list[dict[str, Any]] = []
        if stun:
            servers.append({"urls": stun})
        if turn:
            servers.append({"urls": turn, "username": self.username, "credential": self.credential})
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
                select(c.urls, c.username, c.credential).where(c.tenant_id == tenant_id)
            ).first()
        if row is None:
            return IceServers()
        return IceServers(tuple(json.loads(row.urls)), row.username, row.credential)

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
