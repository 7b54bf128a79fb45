"""Temporary closure of many queues at once, with a closing message (Q2): now, or prepared
in advance for a time span (ADM3), which the running schedule evaluation applies."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from vaxel.acd.events import QueueClosed, QueueOpened
from vaxel.core.clock import from_local
from vaxel.core.errors import ConfigError
from vaxel.schedule.calendar import TemporaryClosure
from vaxel.web.admin.prompt_choices import prompt_choices
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import N_, gettext
from vaxel.web.rendering import back, local_time, render

__all__ = ["router"]


FIELDS = {
    "message": N_("Meddelande (prompt-id)"),
    "reason": N_("Anledning (syns för kollegor)"),
    "queues": N_("Köer"),
    "queue_ids": N_("Köer"),
    "end": N_("Till (tomt: tills vidare)"),
}


def refusal(what: str, error: ConfigError) -> str:
    """Why a closure was refused, e.g. "Stängningen sparades inte. Meddelande (prompt-id):
    meddelandet 'x' finns inte …": the field named as the page labels it, the reason in the
    admin's language (not the core's English)."""
    field_label = gettext(FIELDS[error.field]) if error.field in FIELDS else error.field
    return f"{what}. {field_label}: {rule_text(error)}"


router = APIRouter(
    prefix="/admin/closures",
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to("/admin/closures")],
)


@router.get("")
def closures_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    now = platform.clock()
    snapshot = platform.snapshot_of(tenant_id, now)
    names = {q["id"]: q["name"] for q in snapshot["queues"]}
    planned = [
        {
            "id": c.closure_id,
            "queues": ", ".join(sorted(names.get(q, q) for q in c.queue_ids)),
            "start": local_time(c.start),
            "end": local_time(c.end) if c.end is not None else "",
            "active": c.active(now),
            "message": c.message or "",
            "reason": c.reason,
        }
        for c in platform.configuration.closures(tenant_id)
        if c.end is None or c.end > now
    ]
    return render(
        request,
        "closures.html",
        session,
        snapshot=snapshot,
        planned=planned,
        prompts=prompt_choices(platform.configuration, tenant_id),
    )


@router.post("/planned")
async def plan_closure(
    form: CsrfForm,
    platform: Platform,
    tenant_id: TenantId,
    start: Annotated[str, Form()],
    end: Annotated[str, Form()] = "",
    message: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """ADM3: a closure prepared in advance, from ``start`` to ``end`` (Stockholm time)."""
    queue_ids = frozenset(str(q) for q in form.getlist("queue"))
    if not queue_ids:
        return back("/admin/closures", gettext("Välj minst en kö"))
    try:
        begins = from_local(datetime.fromisoformat(start))
        ends = from_local(datetime.fromisoformat(end)) if end.strip() else None
    except ValueError:
        return back("/admin/closures", gettext("Ange tider som 2026-12-24 12:00"))
    if ends is not None and ends <= max(begins, platform.clock()):
        return back("/admin/closures", gettext("Sluttiden måste vara efter starttiden och nu"))
    closure_id = f"stangning-{secrets.token_hex(4)}"
    try:
        closure = TemporaryClosure(
            closure_id, queue_ids, begins, ends, message.strip() or None, reason.strip()
        )
        platform.configuration.put_closure(tenant_id, closure)
    except ConfigError as error:  # the page's own label for the field, after what failed
        return back("/admin/closures", refusal(gettext("Stängningen sparades inte"), error))
    return back("/admin/closures")


@router.post("/{closure_id}/lift")
async def lift_closure(
    form: CsrfForm, platform: Platform, tenant_id: TenantId, closure_id: str
) -> Response:
    """End a planned or running closure now; the queues follow their hours again. An
    unknown closure (``unknown-closure``) returns to the page through the one handler."""
    platform.configuration.lift_closure(tenant_id, closure_id, platform.clock())
    return back("/admin/closures")


@router.post("")
async def close_or_open(form: CsrfForm, session: SignedIn, platform: Platform) -> Response:
    """Q2: close (or reopen) many queues at once with a closing message."""
    user = session.user
    queue_ids = [str(q) for q in form.getlist("queue")]
    action, message = str(form.get("action", "")), str(form.get("message", "")).strip()
    if not queue_ids:
        return back("/admin/closures", gettext("Välj minst en kö"))
    if (
        action == "close"
        and message
        and not platform.configuration.prompt_exists(user.tenant_id, message)
    ):  # issue 9 §6: callers would hear silence
        missing = ConfigError("message", "unknown-prompt-ref", value=message)
        return back("/admin/closures", refusal(gettext("Köerna stängdes inte"), missing))
    if action not in ("close", "open"):
        raise HTTPException(400, gettext("Välj Stäng eller Öppna"))
    known = set(platform.center.running_queues(user.tenant_id))
    unknown = [q for q in queue_ids if q not in known]
    if unknown:
        raise HTTPException(400, gettext("Okända köer: {}").format(", ".join(unknown)))
    errors = []
    for queue_id in queue_ids:
        event: Any = (
            QueueClosed(user.tenant_id, queue_id, "temporary", message, actor=user.username)
            if action == "close"
            else QueueOpened(user.tenant_id, queue_id, actor=user.username)
        )
        error = platform.submit(event)
        if error:
            errors.append(error)
    return back("/admin/closures", "; ".join(errors))
