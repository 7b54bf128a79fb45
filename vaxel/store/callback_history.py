"""The callback attempt history as stored (CB10, CB11): who tried when, how the dial-out
went, the outcome and the note — read per tenant, for the callback list and the API."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Engine, select

from vaxel.store import tables

__all__ = ["AttemptRecord", "CallbackHistory"]


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    contact_id: str
    attempt: int
    agent_id: str
    started_at: float
    call_result: str
    """``answered`` / ``no_answer`` when telephony dialled; empty for a call made by hand."""
    outcome: str
    """``done`` / ``unanswered`` once the agent closed it; empty while in progress."""
    note: str
    closed_at: float | None
    next_at: float | None
    """When the requeued callback may be tried again (CB11)."""
    requeued_by: str
    requeued_at: float | None


class CallbackHistory:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def attempts(
        self, tenant_id: str, contact_ids: Collection[str]
    ) -> dict[str, list[AttemptRecord]]:
        """The attempts of these callbacks of the tenant, oldest first (one query for a
        page of the list); another tenant's ids simply find nothing."""
        if not contact_ids:
            return {}
        a = tables.callback_attempts.c
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(tables.callback_attempts)
                .where(a.tenant_id == tenant_id, a.contact_id.in_(list(contact_ids)))
                .order_by(a.contact_id, a.attempt)
            ).all()
        found: dict[str, list[AttemptRecord]] = {}
        for r in rows:
            found.setdefault(r.contact_id, []).append(
                AttemptRecord(
                    r.contact_id,
                    r.attempt,
                    r.agent_id,
                    r.started_at,
                    r.call_result,
                    r.outcome,
                    r.note,
                    r.closed_at,
                    r.next_at,
                    r.requeued_by,
                    r.requeued_at,
                )
            )
        return found
