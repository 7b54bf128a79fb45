"""A tenant's uploaded prompts (IVR5, ADM1): 8 kHz µ-law audio by prompt id.

An upload's prompt id carries its tenant (``tenant/<tenant_id>/<name>``, see
:func:`upload_id`), so the telephony side, which plays prompts by id alone, finds the right
tenant's recording, and a flow can only name its own tenant's uploads (flows are checked
against this table for their own tenant).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select, update

from vaxel.prompts.library import UPLOAD_PREFIX
from vaxel.store import tables
from vaxel.store.repositories import UnknownDocument, upsert

__all__ = ["UPLOAD_PREFIX", "PromptUploads", "UploadedPrompt", "upload_id", "upload_tenant"]


def upload_id(tenant_id: str, name: str) -> str:
    """The prompt id of a tenant's upload, as flows and schedules name it."""
    return f"{UPLOAD_PREFIX}{tenant_id}/{name}"


def upload_tenant(prompt_id: str) -> str:
    """The tenant an upload's prompt id belongs to; "" for a built-in prompt id."""
    if not prompt_id.startswith(UPLOAD_PREFIX):
        return ""
    tenant, _, name = prompt_id.removeprefix(UPLOAD_PREFIX).partition("/")
    return tenant if name else ""


@dataclass(frozen=True, slots=True)
class UploadedPrompt:
    prompt_id: str
    name: str
    size: int
    """Bytes of µ-law audio: 8000 a second."""
    uploaded_at: float
    number: int = 0
    """What staff key on a phone to record it (``*95*<nr>#``): given once, the lowest free
    number, so a later upload never moves it."""

    @property
    def seconds(self) -> float:
        return self.size / 8000


class PromptUploads:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def put(self, tenant_id: str, prompt_id: str, name: str, audio: bytes, now: float) -> None:
        """Store (or replace) an upload; ``prompt_id`` must be one of this tenant's ids. A
        new upload is the admin's choice: nothing older is kept for undo."""
        if upload_tenant(prompt_id) != tenant_id:
            raise ValueError(f"{prompt_id!r} is not an upload id of tenant {tenant_id!r}")
        table = tables.prompts
        values: dict[str, object] = {
            "name": name,
            "audio": audio,
            "uploaded_at": now,
            "previous_audio": None,
        }
        with self._engine.begin() as connection:
            known = connection.execute(
                select(table.c.number).where(
                    table.c.tenant_id == tenant_id, table.c.prompt_id == prompt_id
                )
            ).first()
            if known is None or known.number is None:
                taken = set(
                    connection.execute(
                        select(table.c.number).where(
                            table.c.tenant_id == tenant_id, table.c.number.is_not(None)
                        )
                    ).scalars()
                )
                values["number"] = min(set(range(1, len(taken) + 2)) - taken)
            upsert(connection, table, {"tenant_id": tenant_id, "prompt_id": prompt_id}, values)

    def replace_keeping(self, tenant_id: str, prompt_id: str, audio: bytes, now: float) -> bool:
        """Replace an upload's audio, the old kept for :meth:`undo` (a recording by phone);
        False when the tenant has no such upload."""
        table = tables.prompts
        where = (table.c.tenant_id == tenant_id, table.c.prompt_id == prompt_id)
        with self._engine.begin() as connection:
            row = connection.execute(select(table.c.audio).where(*where)).first()
            if row is None:
                return False
            connection.execute(
                update(table)
                .where(*where)
                .values(audio=audio, previous_audio=row.audio, uploaded_at=now)
            )
        return True

    def undoable(self, tenant_id: str) -> set[str]:
        """The ids of the tenant's uploads that have a replaced recording to go back to."""
        table = tables.prompts
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(table.c.prompt_id).where(
                    table.c.tenant_id == tenant_id, table.c.previous_audio.is_not(None)
                )
            ).all()
        return {row.prompt_id for row in rows}

    def undo(self, tenant_id: str, prompt_id: str, now: float) -> bool:
        """Back to the replaced recording (the newer one is dropped); False without one."""
        table = tables.prompts
        where = (table.c.tenant_id == tenant_id, table.c.prompt_id == prompt_id)
        with self._engine.begin() as connection:
            row = connection.execute(select(table.c.previous_audio).where(*where)).first()
            if row is None or row.previous_audio is None:
                return False
            connection.execute(
                update(table)
                .where(*where)
                .values(audio=row.previous_audio, previous_audio=None, uploaded_at=now)
            )
        return True

    def all(self, tenant_id: str) -> list[UploadedPrompt]:
        table = tables.prompts
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(
                    table.c.prompt_id,
                    table.c.name,
                    func.length(table.c.audio),
                    table.c.uploaded_at,
                    table.c.number,
                )
                .where(table.c.tenant_id == tenant_id)
                .order_by(table.c.name, table.c.prompt_id)
            ).all()
        return [UploadedPrompt(r[0], r[1], int(r[2]), float(r[3]), int(r[4] or 0)) for r in rows]

    def numbered(self, tenant_id: str, number: int) -> UploadedPrompt | None:
        """The tenant's upload that staff reach as ``number`` on a phone; None if none."""
        return next((p for p in self.all(tenant_id) if p.number == number), None)

    def audio(self, tenant_id: str, prompt_id: str) -> bytes:
        """The upload's µ-law bytes; ``UnknownDocument`` if this tenant has no such upload."""
        table = tables.prompts
        with self._engine.connect() as connection:
            row = connection.execute(
                select(table.c.audio).where(
                    table.c.tenant_id == tenant_id, table.c.prompt_id == prompt_id
                )
            ).first()
        if row is None:
            raise UnknownDocument("prompt", prompt_id, tenant_id)
        return bytes(row.audio)

    def lookup(self, prompt_id: str) -> bytes | None:
        """For the prompt library: the audio of an upload id, None if there is none."""
        tenant_id = upload_tenant(prompt_id)
        if not tenant_id:
            return None
        try:
            return self.audio(tenant_id, prompt_id)
        except UnknownDocument:
            return None

    def remove(self, tenant_id: str, prompt_id: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                delete(tables.prompts).where(
                    tables.prompts.c.tenant_id == tenant_id,
                    tables.prompts.c.prompt_id == prompt_id,
                )
            )
