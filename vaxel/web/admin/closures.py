"""Temporary closure of many queues at once, with a closing message (Q2): now, or prepared
in advance for a time span (ADM3), which the running schedule evaluation applies."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from vaxel.acd.events import QueueClosed, QueueOpened
from vaxel.core.clock import from_local
from vaxel.core.errors import ConfigError
from vaxel.schedule.calendar import TemporaryClosure
from vaxel.web.admin.prompt_choices import prompt_choices
from vaxel.web.context import WebContext, back, local_time, render
from vaxel.web.deps import SignedIn
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import N_, gettext
from vaxel.web.security import check_csrf

__all__ = ["closures_router"]


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


def closures_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()

    @router.get("/admin/closures")
    def closures_page(request: Request, session: SignedIn) -> Response:
        now = ctx.clock()
        tenant_id = session.user.tenant_id
        snapshot = ctx.snapshot_of(tenant_id, now)
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
            for c in ctx.configuration.closures(tenant_id)
            if c.end is None or c.end > now
        ]
        return render(
            request,
            "closures.html",
            session,
            snapshot=snapshot,
            planned=planned,
            prompts=prompt_choices(ctx.configuration, tenant_id),
        )

    @router.post("/admin/closures/planned")
    async def plan_closure(
        request: Request,
        session: SignedIn,
        start: Annotated[str, Form()],
        end: Annotated[str, Form()] = "",
        message: Annotated[str, Form()] = "",
        reason: Annotated[str, Form()] = "",
    ) -> Response:
        """ADM3: a closure prepared in advance, from ``start`` to ``end`` (Stockholm time)."""
        await check_csrf(request, session)
        form = await request.form()
        queue_ids = frozenset(str(q) for q in form.getlist("queue"))
        if not queue_ids:
            return back("/admin/closures", gettext("Välj minst en kö"))
        try:
            begins = from_local(datetime.fromisoformat(start))
            ends = from_local(datetime.fromisoformat(end)) if end.strip() else None
        except ValueError:
            return back("/admin/closures", gettext("Ange tider som 2026-12-24 12:00"))
        if ends is not None and ends <= max(begins, ctx.clock()):
            return back("/admin/closures", gettext("Sluttiden måste vara efter starttiden och nu"))
        closure_id = f"stangning-{secrets.token_hex(4)}"
        try:
            closure = TemporaryClosure(
                closure_id, queue_ids, begins, ends, message.strip() or None, reason.strip()
            )
            ctx.configuration.put_closure(session.user.tenant_id, closure)
        except ConfigError as error:
            return back("/admin/closures", refusal(gettext("Stängningen sparades inte"), error))
        return back("/admin/closures")

    @router.post("/admin/closures/{closure_id}/lift")
    async def lift_closure(request: Request, session: SignedIn, closure_id: str) -> Response:
        """End a planned or running closure now; the queues follow their hours again."""
        await check_csrf(request, session)
        try:
            ctx.configuration.lift_closure(session.user.tenant_id, closure_id, ctx.clock())
        except ConfigError:
            return back("/admin/closures", gettext("Det finns ingen sådan stängning"))
        return back("/admin/closures")

    @router.post("/admin/closures")
    async def closures(request: Request, session: SignedIn) -> Response:
        """Q2: close (or reopen) many queues at once with a closing message."""
        await check_csrf(request, session)
        user = session.user
        form = await request.form()
        queue_ids = [str(q) for q in form.getlist("queue")]
        action, message = str(form.get("action", "")), str(form.get("message", "")).strip()
        if not queue_ids:
            return back("/admin/closures", gettext("Välj minst en kö"))
        if (
            action == "close"
            and message
            and not ctx.configuration.prompt_exists(user.tenant_id, message)
        ):  # issue 9 §6: callers would hear silence
            missing = ConfigError("message", "unknown-prompt-ref", value=message)
            refused = refusal(gettext("Köerna stängdes inte"), missing)
            return back("/admin/closures", refused)
        if action not in ("close", "open"):
            raise HTTPException(400, gettext("Välj Stäng eller Öppna"))
        known = set(ctx.center.running_queues(user.tenant_id))
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
            error = ctx.submit(event)
            if error:
                errors.append(error)
        return back("/admin/closures", "; ".join(errors))

    return router
