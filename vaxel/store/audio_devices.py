"""Each agent's audio device (issue 16, PBX9, spec §37 §46), migration ``0029_audio_devices``.

Where her offers ring: "browser" her browser phone only, "desk" her extension's desk
phones only (no row: every registered phone of her extension, as before any choice);
"mobile" rings the stored E.164 number over the tenant's trunk instead, so she can run the
console from anywhere. One row per account (the primary key), removed with the account; no
row is shown as "browser". A change is written with its audit entry
(``audio_device_changed``) in one transaction. The web checks the number (normalised, the
dial policy, a trunk) first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, String, Table, delete, insert, select
from sqlalchemy.engine import Engine

from vaxel.store.audit import record
from vaxel.store.tables import metadata, tenant_fk, users

__all__ = ["AudioDevice", "AudioDevices", "Choice", "audio_devices"]

MAX_NUMBER = 32
"""An E.164 number is at most 16 characters; the column leaves room, the web refuses more."""


class AudioDevice(StrEnum):
    BROWSER = "browser"
    DESK = "desk"
    MOBILE = "mobile"


audio_devices = Table(
    "audio_devices",
    metadata,
    tenant_fk(),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("device", String(16), nullable=False),
    Column("mobile", String(MAX_NUMBER), nullable=False, default=""),
)


@dataclass(frozen=True, slots=True)
class Choice:
    device: AudioDevice = AudioDevice.BROWSER
    mobile: str = ""
    """The E.164 number, kept when she goes back to another device (prefilled next time)."""


class AudioDevices:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def of_user(self, tenant_id: str, user_id: int) -> Choice:
        c = audio_devices.c
        query = select(c.device, c.mobile).where(c.tenant_id == tenant_id, c.user_id == user_id)
        with self._db.connect() as connection:
            row = connection.execute(query).first()
        return Choice(AudioDevice(row.device), row.mobile) if row is not None else Choice()

    def mobiles(self) -> dict[tuple[str, str], str]:
        """(tenant, agent id) → mobile, for every agent whose device is her mobile: what
        telephony rings (``TelephonyDirectory.agent_mobiles``)."""
        c, u = audio_devices.c, users.c
        query = (
            select(c.tenant_id, u.agent_id, c.mobile)
            .join(users, users.c.id == c.user_id)
            .where(c.device == AudioDevice.MOBILE.value, u.agent_id.is_not(None), c.mobile != "")
        )
        with self._db.connect() as connection:
            return {(t, a): m for t, a, m in connection.execute(query) if a}

    def mobile_accounts(self) -> dict[tuple[str, str], str]:
        """(tenant, agent id) → the account's username, for the same agents as
        :meth:`mobiles`: the root finds her directory person by it (her class of service)."""
        c, u = audio_devices.c, users.c
        query = (
            select(c.tenant_id, u.agent_id, u.username)
            .join(users, users.c.id == c.user_id)
            .where(c.device == AudioDevice.MOBILE.value, u.agent_id.is_not(None), c.mobile != "")
        )
        with self._db.connect() as connection:
            return {(t, a): name for t, a, name in connection.execute(query) if a}

    def phones(self) -> dict[tuple[str, str], str]:
        """(tenant, agent id) → "browser" or "desk", for every agent who chose one of her
        extension's phones: which kind telephony rings (``TelephonyDirectory.agent_phones``)."""
        c, u = audio_devices.c, users.c
        query = (
            select(c.tenant_id, u.agent_id, c.device)
            .join(users, users.c.id == c.user_id)
            .where(c.device != AudioDevice.MOBILE.value, u.agent_id.is_not(None))
        )
        with self._db.connect() as connection:
            return {(t, a): d for t, a, d in connection.execute(query) if a}

    def set(self, tenant_id: str, user_id: int, username: str, choice: Choice, actor: str) -> None:
        """Store the account's choice, audited as ``actor``; the caller checked the number."""
        c = audio_devices.c
        with self._db.begin() as connection:
            connection.execute(
                delete(audio_devices).where(c.tenant_id == tenant_id, c.user_id == user_id)
            )
            connection.execute(
                insert(audio_devices).values(
                    tenant_id=tenant_id,
                    user_id=user_id,
                    device=choice.device.value,
                    mobile=choice.mobile,
                )
            )
            detail = {"device": choice.device.value, "mobile": choice.mobile}
            record(connection, tenant_id, actor, "audio_device_changed", username, detail)
