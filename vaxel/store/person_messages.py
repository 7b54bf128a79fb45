"""Message templates and the messages left for a person (OP7, issue 16 §4); migration
``0026_person_messages``.

A template belongs to its tenant; a message is registered in the person's presence view
(shown on their "Min hänvisning" page) with who left it and when, unread until they mark
it read. Every read and write names its tenant; a template change is written with its
audit entry in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Float,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

from vaxel.store.audit import record
from vaxel.store.tables import metadata, tenant_fk

__all__ = [
    "MessageTemplate",
    "PersonMessage",
    "PersonMessageStore",
    "message_templates",
    "person_messages",
]

message_templates = Table(
    "message_templates",
    metadata,
    tenant_fk(),
    Column("template_id", String(64), nullable=False),
    Column("name", String(80), nullable=False),
    Column("body", Text, nullable=False),
    PrimaryKeyConstraint("tenant_id", "template_id"),
)

person_messages = Table(
    "person_messages",
    metadata,
    tenant_fk(),
    Column("message_id", String(64), nullable=False),
    Column("person_id", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("sender", String(128), nullable=False, server_default=""),
    Column("created_at", Float, nullable=False),
    Column("read_at", Float, nullable=False, server_default="0"),
    PrimaryKeyConstraint("tenant_id", "message_id"),
    Index("ix_person_messages_person", "tenant_id", "person_id", "created_at"),
)


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    template_id: str
    name: str
    body: str


@dataclass(frozen=True, slots=True)
class PersonMessage:
    message_id: str
    person_id: str
    text: str
    sender: str
    created_at: float
    read_at: float = 0.0

    @property
    def unread(self) -> bool:
        return not self.read_at


class PersonMessageStore:
    def __init__(self, database: Engine) -> None:
        self._db = database

    # -- templates
    def templates(self, tenant_id: str) -> list[MessageTemplate]:
        t = message_templates.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(t.template_id, t.name, t.body)
                .where(t.tenant_id == tenant_id)
                .order_by(t.name)
            ).all()
        return [MessageTemplate(*row) for row in rows]

    def template(self, tenant_id: str, template_id: str) -> MessageTemplate | None:
        return next((t for t in self.templates(tenant_id) if t.template_id == template_id), None)

    def count_templates(self, tenant_id: str) -> int:
        t = message_templates.c
        with self._db.connect() as connection:
            query = select(func.count()).where(t.tenant_id == tenant_id)
            return int(connection.execute(query).scalar_one())

    def put_template(self, tenant_id: str, template: MessageTemplate, actor: str) -> None:
        """Add or replace (audited ``message_template_saved``)."""
        t = message_templates.c
        with self._db.begin() as connection:
            connection.execute(
                delete(message_templates).where(
                    t.tenant_id == tenant_id, t.template_id == template.template_id
                )
            )
            connection.execute(
                insert(message_templates).values(
                    tenant_id=tenant_id,
                    template_id=template.template_id,
                    name=template.name,
                    body=template.body,
                )
            )
            record(connection, tenant_id, actor, "message_template_saved", template.template_id,
                   {"name": template.name})  # fmt: skip

    def delete_template(self, tenant_id: str, template_id: str, actor: str) -> bool:
        t = message_templates.c
        with self._db.begin() as connection:
            gone = connection.execute(
                delete(message_templates).where(
                    t.tenant_id == tenant_id, t.template_id == template_id
                )
            ).rowcount
            if gone:
                record(connection, tenant_id, actor, "message_template_deleted", template_id)
        return bool(gone)

    # -- messages left for a person
    def add_message(self, tenant_id: str, message: PersonMessage) -> None:
        with self._db.begin() as connection:
            connection.execute(
                insert(person_messages).values(
                    tenant_id=tenant_id,
                    message_id=message.message_id,
                    person_id=message.person_id,
                    text=message.text,
                    sender=message.sender[:128],
                    created_at=message.created_at,
                )
            )

    def messages(self, tenant_id: str, person_id: str, limit: int = 50) -> list[PersonMessage]:
        """The person's newest messages first."""
        m = person_messages.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(m.message_id, m.person_id, m.text, m.sender, m.created_at, m.read_at)
                .where(m.tenant_id == tenant_id, m.person_id == person_id)
                .order_by(m.created_at.desc())
                .limit(limit)
            ).all()
        return [PersonMessage(*row) for row in rows]

    def mark_read(self, tenant_id: str, person_id: str, message_id: str, now: float) -> bool:
        """Mark one of the person's own messages read; False when it is not theirs."""
        m = person_messages.c
        with self._db.begin() as connection:
            changed = connection.execute(
                update(person_messages)
                .where(
                    m.tenant_id == tenant_id,
                    m.person_id == person_id,
                    m.message_id == message_id,
                    m.read_at == 0,
                )
                .values(read_at=now)
            ).rowcount
        return bool(changed)
