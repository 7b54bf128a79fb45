"""Mailboxes, messages and the e-mail outbox in the database (PBX4).

Every read and write names its tenant and, for a person's messages, the person: a message id
from another tenant or another person's mailbox is simply not found (tenant isolation). A
new message and its e-mail are written in one transaction, so a notification is never lost
nor sent for a message that was not kept; the mailbox's limit is checked in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.engine import Row

from vaxel.pbx.voicemail import (
    GreetingKind,
    Mailbox,
    Message,
    VoicemailLimits,
    check_room,
)
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer, OutboxItem
from vaxel.store.audit import record
from vaxel.store.repositories import upsert
from vaxel.store.tables_voicemail import (
    tenant_smtp,
    voicemail_boxes,
    voicemail_messages,
    voicemail_outbox,
)

__all__ = ["StoredMessage", "VoicemailStore"]


@dataclass(frozen=True, slots=True)
class StoredMessage:
    message: Message
    file: str
    """The WAV's path relative to the voicemail folder."""


def _mailbox(row: Row[tuple[str, str, str, str, str, str]]) -> Mailbox:
    kinds = frozenset(GreetingKind(k) for k in row.greetings.split(",") if k)
    return Mailbox(row.tenant_id, row.person_id, row.number, row.pin_hash, row.email, kinds)


def _message(row: Row[tuple[str, ...]]) -> StoredMessage:
    message = Message(
        row.message_id,
        row.tenant_id,
        row.person_id,
        row.caller,
        float(row.received_at),
        float(row.duration_s),
        bool(row.heard),
    )
    return StoredMessage(message, row.file)


class VoicemailStore:
    def __init__(self, database: Engine) -> None:
        self._db = database

    # -- mailboxes
    def mailbox(self, tenant_id: str, person_id: str) -> Mailbox | None:
        b = voicemail_boxes.c
        with self._db.connect() as connection:
            row = connection.execute(
                select(voicemail_boxes).where(b.tenant_id == tenant_id, b.person_id == person_id)
            ).first()
        return None if row is None else _mailbox(row)

    def mailbox_by_number(self, tenant_id: str, number: str) -> Mailbox | None:
        b = voicemail_boxes.c
        with self._db.connect() as connection:
            row = connection.execute(
                select(voicemail_boxes).where(b.tenant_id == tenant_id, b.number == number)
            ).first()
        return None if row is None else _mailbox(row)

    def mailboxes(self) -> list[Mailbox]:
        """Every tenant's mailboxes (what telephony routes to)."""
        with self._db.connect() as connection:
            rows = connection.execute(select(voicemail_boxes)).all()
        return [_mailbox(row) for row in rows]

    def put_mailbox(self, mailbox: Mailbox) -> None:
        """Create or change a mailbox (number, PIN hash, e-mail, greetings)."""
        values = {
            "number": mailbox.number,
            "pin_hash": mailbox.pin_hash,
            "email": mailbox.email,
            "greetings": ",".join(sorted(mailbox.greetings)),
        }
        keys = {"tenant_id": mailbox.tenant_id, "person_id": mailbox.person_id}
        with self._db.begin() as connection:
            upsert(connection, voicemail_boxes, keys, values)

    # -- messages
    def messages(self, tenant_id: str, person_id: str) -> list[StoredMessage]:
        """The person's messages, newest first."""
        m = voicemail_messages.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(voicemail_messages)
                .where(m.tenant_id == tenant_id, m.person_id == person_id)
                .order_by(m.received_at.desc())
            ).all()
        return [_message(row) for row in rows]

    def message(self, tenant_id: str, person_id: str, message_id: str) -> StoredMessage | None:
        m = voicemail_messages.c
        with self._db.connect() as connection:
            row = connection.execute(
                select(voicemail_messages).where(
                    m.tenant_id == tenant_id, m.person_id == person_id, m.message_id == message_id
                )
            ).first()
        return None if row is None else _message(row)

    def message_for_mail(self, tenant_id: str, message_id: str) -> StoredMessage | None:
        """The message an outbox row is about (the mailer's read, within the tenant)."""
        m = voicemail_messages.c
        with self._db.connect() as connection:
            row = connection.execute(
                select(voicemail_messages).where(
                    m.tenant_id == tenant_id, m.message_id == message_id
                )
            ).first()
        return None if row is None else _message(row)

    def add_message(
        self,
        mailbox: Mailbox,
        message: Message,
        file: str,
        limits: VoicemailLimits,
        *,
        notify_at: float | None,
    ) -> None:
        """Keep ``message`` and, when ``notify_at`` is given and the mailbox has an e-mail
        address, its notification in the outbox. Raises MailboxFull at the limit."""
        m = voicemail_messages.c
        with self._db.begin() as connection:
            count = connection.execute(
                select(func.count())
                .select_from(voicemail_messages)
                .where(m.tenant_id == mailbox.tenant_id, m.person_id == mailbox.person_id)
            ).scalar_one()
            check_room(int(count), mailbox, limits)
            connection.execute(
                voicemail_messages.insert().values(
                    tenant_id=message.tenant_id,
                    message_id=message.message_id,
                    person_id=message.person_id,
                    caller=message.caller,
                    received_at=message.received_at,
                    duration_s=message.duration_s,
                    heard=message.heard,
                    file=file,
                )
            )
            if notify_at is not None and mailbox.email:
                connection.execute(
                    voicemail_outbox.insert().values(
                        tenant_id=message.tenant_id,
                        message_id=message.message_id,
                        recipient=mailbox.email,
                        next_attempt_at=notify_at,
                    )
                )

    def mark_heard(self, tenant_id: str, person_id: str, message_id: str, heard: bool) -> bool:
        m = voicemail_messages.c
        with self._db.begin() as connection:
            changed = connection.execute(
                update(voicemail_messages)
                .where(
                    m.tenant_id == tenant_id, m.person_id == person_id, m.message_id == message_id
                )
                .values(heard=heard)
            ).rowcount
        return bool(changed)

    def delete_message(self, tenant_id: str, person_id: str, message_id: str) -> str | None:
        """Forget the message; its file (to remove) or None when it was not there."""
        m = voicemail_messages.c
        with self._db.begin() as connection:
            file = connection.execute(
                select(m.file).where(
                    m.tenant_id == tenant_id, m.person_id == person_id, m.message_id == message_id
                )
            ).scalar()
            if file is None:
                return None
            connection.execute(
                delete(voicemail_messages).where(
                    m.tenant_id == tenant_id, m.message_id == message_id
                )
            )
        return str(file)

    # -- the e-mail outbox
    def due(self, now: float, limit: int = 20) -> list[OutboxItem]:
        o = voicemail_outbox.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(voicemail_outbox)
                .where(o.next_attempt_at <= now)
                .order_by(o.next_attempt_at)
                .limit(limit)
            ).all()
        return [
            OutboxItem(
                r.tenant_id,
                r.message_id,
                r.recipient,
                int(r.attempts),
                float(r.next_attempt_at),
                r.last_error,
            )
            for r in rows
        ]

    def next_due(self) -> float | None:
        o = voicemail_outbox.c
        with self._db.connect() as connection:
            found = connection.execute(select(func.min(o.next_attempt_at))).scalar()
        return None if found is None else float(found)

    def sent(self, tenant_id: str, message_id: str) -> None:
        o = voicemail_outbox.c
        with self._db.begin() as connection:
            connection.execute(
                delete(voicemail_outbox).where(o.tenant_id == tenant_id, o.message_id == message_id)
            )

    def failed(self, item: OutboxItem, error: str, next_attempt_at: float) -> None:
        o = voicemail_outbox.c
        with self._db.begin() as connection:
            connection.execute(
                update(voicemail_outbox)
                .where(o.tenant_id == item.tenant_id, o.message_id == item.message_id)
                .values(
                    attempts=item.attempts + 1,
                    next_attempt_at=next_attempt_at,
                    last_error=error[:2000],
                )
            )

    # -- a tenant's own mail server
    def mail_server(self, tenant_id: str) -> MailServer | None:
        s = tenant_smtp.c
        with self._db.connect() as connection:
            row = connection.execute(select(tenant_smtp).where(s.tenant_id == tenant_id)).first()
        if row is None:
            return None
        return MailServer(
            row.host,
            int(row.port),
            row.sender,
            row.username,
            row.password,
            MailSecurity(row.security),
        )

    def put_mail_server(
        self, tenant_id: str, server: MailServer | None, *, actor: str = ""
    ) -> None:
        """Save (None: remove) the tenant's server; with ``actor`` the change goes into the
        audit log in the same transaction (the password never does)."""
        s = tenant_smtp.c
        with self._db.begin() as connection:
            connection.execute(delete(tenant_smtp).where(s.tenant_id == tenant_id))
            if actor:
                action = "mail_server_changed" if server is not None else "mail_server_removed"
                detail = {"host": f"{server.host}:{server.port}"} if server is not None else {}
                record(connection, tenant_id, actor, action, "mail-server", detail)
            if server is not None:
                connection.execute(
                    tenant_smtp.insert().values(
                        tenant_id=tenant_id,
                        host=server.host,
                        port=server.port,
                        sender=server.sender,
                        username=server.username,
                        password=server.password,
                        security=server.security.value,
                    )
                )

    def mail_tested(
        self, tenant_id: str, actor: str, recipient: str, server: str, error: str
    ) -> None:
        """Log a test mail sent by ``actor`` (``error`` empty: the server took it)."""
        detail = {"to": recipient, "server": server, "error": error[:300]}
        with self._db.begin() as connection:
            record(connection, tenant_id, actor, "test_mail_sent", "mail-server", detail)
