"""Message templates and the messages left for a person (OP7, issue 16 §4); migration
``0026_person_messages``, ``0027_person_message_mail``.

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
    Integer,
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
    "OutgoingMail",
    "PersonMessage",
    "PersonMessageStore",
    "message_templates",
    "person_message_mail",
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


person_message_mail = Table(
    "person_message_mail",
    metadata,
    tenant_fk(),
    Column("mail_id", String(64), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", Text, nullable=False, server_default=""),
    PrimaryKeyConstraint("tenant_id", "mail_id"),
    Index("ix_person_message_mail_due", "next_attempt_at"),
)
"""Messages still to e-mail: a row lives until the mail server took it (never lost)."""


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    tenant_id: str
    mail_id: str
    recipient: str
    subject: str
    body: str
    attempts: int = 0
    next_attempt_at: float = 0.0
    last_error: str = ""


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

    # -- the e-mail outbox
    def queue_mail(self, mail: OutgoingMail) -> None:
        with self._db.begin() as connection:
            connection.execute(
                insert(person_message_mail).values(
                    tenant_id=mail.tenant_id,
                    mail_id=mail.mail_id,
                    recipient=mail.recipient,
                    subject=mail.subject[:200],
                    body=mail.body,
                    next_attempt_at=mail.next_attempt_at,
                )
            )

    def due_mail(self, now: float, limit: int = 20) -> list[OutgoingMail]:
        o = person_message_mail.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(
                    o.tenant_id,
                    o.mail_id,
                    o.recipient,
                    o.subject,
                    o.body,
                    o.attempts,
                    o.next_attempt_at,
                    o.last_error,
                )
                .where(o.next_attempt_at <= now)
                .order_by(o.next_attempt_at)
                .limit(limit)
            ).all()
        return [OutgoingMail(*row) for row in rows]

    def queued_mail(self, tenant_id: str) -> int:
        """The tenant's mails waiting in the outbox (sent or failing)."""
        o = person_message_mail.c
        with self._db.connect() as connection:
            query = select(func.count()).where(o.tenant_id == tenant_id)
            return int(connection.execute(query).scalar() or 0)

    def next_mail_due(self) -> float | None:
        o = person_message_mail.c
        with self._db.connect() as connection:
            value = connection.execute(select(func.min(o.next_attempt_at))).scalar()
        return None if value is None else float(value)

    def mail_sent(self, tenant_id: str, mail_id: str) -> None:
        o = person_message_mail.c
        with self._db.begin() as connection:
            connection.execute(
                delete(person_message_mail).where(o.tenant_id == tenant_id, o.mail_id == mail_id)
            )

    def mail_failed(self, mail: OutgoingMail, error: str, next_attempt_at: float) -> None:
        o = person_message_mail.c
        with self._db.begin() as connection:
            connection.execute(
                update(person_message_mail)
                .where(o.tenant_id == mail.tenant_id, o.mail_id == mail.mail_id)
                .values(
                    attempts=mail.attempts + 1,
                    next_attempt_at=next_attempt_at,
                    last_error=error[:2000],
                )
            )
