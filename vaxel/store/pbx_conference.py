"""Conference rooms in the database (PBX6); migration ``0017_pbx_conference``.

Every read and write names its tenant: a room id of another tenant is simply not found
(tenant isolation). A room's number is unique on the node (phones and callers share one SIP
domain), so the table keys it on its own; the store answers :class:`RoomNumberTaken`
without saying whose it is.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Integer,
    String,
    Table,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError

from vaxel.pbx.conference import ConferenceRoom
from vaxel.store.repositories import upsert
from vaxel.store.tables import metadata, tenant_fk

__all__ = ["ConferenceStore", "RoomNumberTaken", "conference_rooms"]

conference_rooms = Table(
    "conference_rooms",
    metadata,
    tenant_fk(),
    Column("room_id", String(64), nullable=False),
    Column("number", String(16), nullable=False, unique=True),
    Column("name", String(80), nullable=False),
    Column("pin", String(12), nullable=False, server_default=""),
    Column("host_person_id", String(64), nullable=False, server_default=""),
    Column("max_participants", Integer, nullable=False),
    UniqueConstraint("tenant_id", "room_id"),
)
"""A room: its number, name, PIN (readable: the host hands it out), host and limit."""


class RoomNumberTaken(Exception):
    """Another room on the node has the number."""


def _room(row: Row[tuple[str, str, str, str, str, str, int]]) -> ConferenceRoom:
    return ConferenceRoom(
        row.room_id,
        row.tenant_id,
        row.number,
        row.name,
        row.pin,
        row.host_person_id,
        int(row.max_participants),
    )


class ConferenceStore:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def rooms(self, tenant_id: str) -> list[ConferenceRoom]:
        c = conference_rooms.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(conference_rooms).where(c.tenant_id == tenant_id).order_by(c.number)
            ).all()
        return [_room(row) for row in rows]

    def all_rooms(self) -> list[ConferenceRoom]:
        """Every tenant's rooms: what telephony answers."""
        with self._db.connect() as connection:
            rows = connection.execute(select(conference_rooms)).all()
        return [_room(row) for row in rows]

    def room(self, tenant_id: str, room_id: str) -> ConferenceRoom | None:
        c = conference_rooms.c
        with self._db.connect() as connection:
            row = connection.execute(
                select(conference_rooms).where(c.tenant_id == tenant_id, c.room_id == room_id)
            ).first()
        return None if row is None else _room(row)

    def save(self, room: ConferenceRoom) -> None:
        """Add the room or replace the tenant's room of that id."""
        values = {
            "number": room.number,
            "name": room.name,
            "pin": room.pin,
            "host_person_id": room.host_person_id,
            "max_participants": room.max_participants,
        }
        keys = {"tenant_id": room.tenant_id, "room_id": room.room_id}
        try:
            with self._db.begin() as connection:
                upsert(connection, conference_rooms, keys, values)
        except IntegrityError:
            raise RoomNumberTaken(room.number) from None

    def delete(self, tenant_id: str, room_id: str) -> bool:
        c = conference_rooms.c
        with self._db.begin() as connection:
            removed = connection.execute(
                delete(conference_rooms).where(c.tenant_id == tenant_id, c.room_id == room_id)
            ).rowcount
        return bool(removed)
