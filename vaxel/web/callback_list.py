"""What the callback list shows (CB8–CB11): one page of rows, each with its attempts.

The rows are paged in SQL (the list may hold tens of thousands); the engine adds what only
it knows — queue and agent names, attempt limits, who works which item — as one view
(``callback_context``, read under its lock, issue 10 §10). The page and its live-refreshed
rows (``/callbacks/rows``) render the same values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vaxel.store.accounts import User
from vaxel.store.callback_history import AttemptRecord
from vaxel.store.repositories import CallbackRecord
from vaxel.web.context import WebContext
from vaxel.web.dialing import refusal_text
from vaxel.web.i18n import N_
from vaxel.web.rendering import SUPERVISORS, local_time

__all__ = ["CALLBACK_COLUMNS", "CALLBACK_STATUS", "PAGE_SIZE", "list_values"]

PAGE_SIZE = 100
"""Callback list rows per page: the list may hold tens of thousands (issue 4 performance)."""
CALLBACK_COLUMNS = (
    ("number", N_("Nummer")),
    ("queue", N_("Kö")),
    ("requested", N_("Begärd")),
    ("eligible", N_("Ring från")),
    ("attempts", N_("Försök")),
    ("agents", N_("Handläggare")),
    ("note", N_("Senaste anteckning")),
    ("status", N_("Status")),
)
"""Sort key and Swedish title of each column; the template translates the titles."""
CALLBACK_STATUS = {
    "unhandled": N_("Ny"),
    "requeued": N_("Åter i kö"),
    "in_progress": N_("Pågår"),
    "done": N_("Klar"),
    "failed": N_("Misslyckad"),
}
"""The CB8 status column (``CallbackStatus``) in Swedish; translated where shown."""
CALL_RESULTS = {"answered": N_("kunden svarade"), "no_answer": N_("kunden svarade inte")}
OUTCOMES = {"done": N_("Klar"), "unanswered": N_("Inget svar")}


def list_values(ctx: WebContext, user: User, queue: str, sort: str, page: int) -> dict[str, Any]:
    """What the list and its live-refreshed rows show: one page of ``user``'s tenant's
    callbacks (of ``queue``, or all), sorted by ``sort``, with their attempts."""
    rows, total = ctx.read_models.callback_page(
        user.tenant_id,
        queue_id=queue,
        sort=sort,
        offset=(max(1, page) - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    running = ctx.center.callback_context(user.tenant_id)
    queues, max_attempts = dict(running.queue_names), running.max_attempts
    names, in_progress = dict(running.agent_names), running.in_progress
    attempts = ctx.callback_history.attempts(user.tenant_id, [r.contact_id for r in rows])
    now = ctx.clock()
    policy = ctx.dial_policy(user.tenant_id)
    return {
        "queue": queue,
        "sort": sort,
        "page": page,
        "pages": pages,
        "total": total,
        "queues": queues,
        "status_names": CALLBACK_STATUS,
        "columns": CALLBACK_COLUMNS,
        "can_requeue": user.role in SUPERVISORS,
        "version": ctx.callback_changes.versions[user.tenant_id],
        "rows": [
            _row(
                r,
                attempts.get(r.contact_id, []),
                names,
                worker=in_progress.get(r.contact_id, ""),
                me=user.agent_id or "",
                max_attempts=max_attempts.get(r.queue_id, 0),
                on_phone=ctx.on_phone(r.contact_id),
                now=now,
            )
            | {"barred": refusal_text(policy, r.number)}
            for r in rows
        ],
    }


def _row(
    r: CallbackRecord,
    attempts: Iterable[AttemptRecord],
    names: dict[str, str],
    *,
    worker: str,
    me: str,
    max_attempts: int,
    on_phone: bool,
    now: float,
) -> dict[str, Any]:
    history = [
        {
            "attempt": a.attempt,
            "when": local_time(a.started_at),
            "agent": names.get(a.agent_id, a.agent_id),
            "call_result": CALL_RESULTS.get(a.call_result, ""),
            "outcome": OUTCOMES.get(a.outcome, ""),
            "note": a.note,
            "next": local_time(a.next_at) if a.next_at else "",
            "requeued_by": a.requeued_by,
            "requeued_at": local_time(a.requeued_at) if a.requeued_at else "",
        }
        for a in attempts
    ]
    last = history[-1] if history else None
    return {
        "contact_id": r.contact_id,
        "number": r.number,
        "queue_id": r.queue_id,
        "caller_data": dict(r.caller_data),
        "requested": local_time(r.requested_at),
        "eligible": local_time(r.eligible_at),
        "later": r.eligible_at > now and r.status in ("unhandled", "requeued"),
        "attempts": r.attempts,
        "max_attempts": max_attempts,
        "agents_tried": [names.get(a, a) for a in r.agents_tried],
        "last_note": r.last_note,
        "status": r.status,
        "worker": names.get(worker, worker) if worker else "",
        "mine": bool(worker) and worker == me,
        "on_phone": on_phone,
        "call_result": last["call_result"] if last and not last["outcome"] else "",
        "history": history,
    }
