"""The audit log: who changed whose account, role, password or API key, or the mail
server, and when (issue 12 §6, issue 14 §5). Each entry is written in the transaction of
the change it records, so the log and the accounts never disagree."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, insert, select

from vaxel.store import tables

__all__ = ["ACTIONS", "AuditEntry", "AuditLog", "record"]

ACTIONS = (
    "user_added",
    "user_changed",
    "role_changed",
    "password_set",
    "account_deactivated",
    "user_removed",
    "api_key_added",
    "api_key_revoked",
    "switch_changed",
    "message_template_saved",
    "message_template_deleted",
    "prompt_recorded",
    "mail_server_changed",
    "mail_server_removed",
    "test_mail_sent",
    "park_changed",
    "absent_offer_changed",
    "ice_servers_changed",
    "forwarding_removed",
    "group_diverted",
    "group_diversion_cleared",
    "console_units_changed",
    "queue_units_changed",
    "audio_device_changed",
    "auto_attendant_changed",
)
"""What the log records; the pages translate each by this code."""

PAGE = 200
"""Entries shown at once, newest first."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: float
    actor: str
    action: str
    subject: str
    detail: Mapping[str, str] = field(default_factory=dict)


def record(
    connection: Connection,
    tenant_id: str,
    actor: str,
    action: str,
    subject: str,
    detail: Mapping[str, str] | None = None,
) -> None:
    """Log ``action`` on ``subject`` by ``actor`` inside the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    connection.execute(
        insert(tables.audit_log).values(
            tenant_id=tenant_id,
            at=time.time(),
            actor=actor[:128] or "system",
            action=action,
            subject=subject[:128],
            detail=json.dumps(dict(detail or {}), ensure_ascii=False),
        )
    )


class AuditLog:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def entries(self, tenant_id: str, limit: int = PAGE, offset: int = 0) -> list[AuditEntry]:
        """The tenant's entries, newest first; never another tenant's."""
        a = tables.audit_log.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(a.at, a.actor, a.action, a.subject, a.detail)
                .where(a.tenant_id == tenant_id)
                .order_by(a.id.desc())
                .limit(max(1, min(limit, PAGE)))
                .offset(max(0, offset))
            ).all()
        return [
            AuditEntry(row.at, row.actor, row.action, row.subject, json.loads(row.detail))
            for row in rows
        ]
