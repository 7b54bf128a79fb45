"""Queues (ADM1, Q14–Q20, Q25, CB*): the list, and one form to create or change a queue.

Saving goes through :meth:`Configuration.put_queue`: the change becomes a journaled engine
event, so it applies at once while contacts keep waiting where they are (Q20). A refused
form comes back with everything the admin typed and the error next to its input. Removing
a queue is refused while anyone waits in it or an agent is logged in to it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from vaxel.acd.model import QueueConfig
from vaxel.core.errors import ConfigError, VaxelError
from vaxel.web.admin.ids import OBJECT_ID, suggested_id
from vaxel.web.admin.prompt_choices import prompt_choices
from vaxel.web.admin.queue_form import (
    ACTIONS,
    CHANNELS,
    STRATEGIES,
    TRIGGERS,
    QueueForm,
    describe,
    label,
)
from vaxel.web.context import WebContext, back, render
from vaxel.web.deps import SignedIn
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import gettext
from vaxel.web.security import check_csrf

__all__ = ["queues_router"]


def queues_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()

    def configs(tenant_id: str) -> dict[str, QueueConfig]:
        """Stored queues, with the running engine's config where it has one (the truth)."""
        found = dict(ctx.configuration.queues(tenant_id))
        return found | ctx.center.running_queues(tenant_id)

    def existing(tenant_id: str, queue_id: str) -> QueueConfig:
        config = configs(tenant_id).get(queue_id)
        if config is None:
            raise HTTPException(404, gettext("Ingen kö med det id:t"))
        return config

    def form_page(
        request: Request,
        session: Any,
        form: QueueForm,
        *,
        queue_id: str = "",
        error: ConfigError | None = None,
        status: int = 200,
    ) -> Response:
        tenant_id = session.user.tenant_id
        others = {q: c.display_name for q, c in configs(tenant_id).items() if q != queue_id}
        error_field = form.form_field(error) if error is not None else ""
        response = render(
            request,
            "admin/queue_form.html",
            session,
            form=form,
            values=form.values,
            queue_id=queue_id,
            queues=others,
            strategies=STRATEGIES,
            triggers=TRIGGERS,
            actions=ACTIONS,
            channels=CHANNELS,
            label=label,
            error_field=error_field,
            error=rule_text(error) if error is not None else "",
            error_place=describe(error_field) if error is not None else "",
            prompts=prompt_choices(ctx.configuration, tenant_id),
        )
        response.status_code = status
        return response

    @router.get("/admin/queues")
    def queues_page(request: Request, session: SignedIn) -> Response:
        tenant_id = session.user.tenant_id
        snapshot = {q["id"]: q for q in ctx.snapshot_of(tenant_id, ctx.clock())["queues"]}
        rows = [
            {
                "id": queue_id,
                "name": config.display_name,
                "strategy": gettext(STRATEGIES[config.strategy.value]),
                "open": snapshot.get(queue_id, {}).get("open", True),
                "waiting": snapshot.get(queue_id, {}).get("waiting", 0),
                "logged_in": snapshot.get(queue_id, {}).get("logged_in", 0),
                "ready": snapshot.get(queue_id, {}).get("ready", 0),
            }
            for queue_id, config in sorted(configs(tenant_id).items())
        ]
        return render(request, "admin/queues.html", session, queues=rows)

    @router.get("/admin/queues/new")
    def new_queue_page(request: Request, session: SignedIn) -> Response:
        blank = QueueForm.from_config(QueueConfig(session.user.tenant_id, "ny"))
        blank.values.pop("queue_id")
        return form_page(request, session, blank)

    @router.post("/admin/queues")
    async def create_queue(request: Request, session: SignedIn) -> Response:
        await check_csrf(request, session)
        tenant_id = session.user.tenant_id
        form = QueueForm.from_form(await request.form())
        queue_id = form.values.get("queue_id", "")
        problem = None
        if not OBJECT_ID.match(queue_id) or queue_id == "new":
            suggestion = suggested_id(queue_id)
            problem = ConfigError("queue_id", "id-format")
            if suggestion and suggestion != "new":  # "växel" → "vaxel", filled in (§13)
                problem = ConfigError("queue_id", "id-format-suggestion", suggestion=suggestion)
                form.values["queue_id"] = suggestion
        elif queue_id in configs(tenant_id):
            problem = ConfigError("queue_id", "id-taken")
        if problem is not None:
            return form_page(request, session, form, error=problem, status=400)
        return save(request, session, form, queue_id)

    @router.get("/admin/queues/{queue_id}")
    def queue_page(request: Request, session: SignedIn, queue_id: str) -> Response:
        config = existing(session.user.tenant_id, queue_id)
        return form_page(request, session, QueueForm.from_config(config), queue_id=queue_id)

    @router.post("/admin/queues/{queue_id}")
    async def save_queue(request: Request, session: SignedIn, queue_id: str) -> Response:
        """Q20: the new settings apply at once; contacts already waiting stay in the queue."""
        await check_csrf(request, session)
        existing(session.user.tenant_id, queue_id)  # 404 for another tenant's queue
        form = QueueForm.from_form(await request.form())
        return save(request, session, form, queue_id, editing=True)

    def save(
        request: Request, session: Any, form: QueueForm, queue_id: str, editing: bool = False
    ) -> Response:
        user = session.user
        shown_id = queue_id if editing else ""
        try:
            config = form.config(user.tenant_id, queue_id)
            agents = set(ctx.configuration.agents(user.tenant_id))
            agents |= set(ctx.center.running_agents(user.tenant_id))
            unknown = [a for a in config.linear_order if a not in agents]
            if unknown:
                raise ConfigError("linear_order", "unknown-agents-ref", values=", ".join(unknown))
            ctx.configuration.put_queue(config, ctx.clock(), user.username)
        except ConfigError as error:
            return form_page(request, session, form, queue_id=shown_id, error=error, status=400)
        ctx.after_submit()
        return back("/admin/queues")

    @router.post("/admin/queues/{queue_id}/remove")
    async def remove_queue(request: Request, session: SignedIn, queue_id: str) -> Response:
        await check_csrf(request, session)
        tenant_id = session.user.tenant_id
        config = existing(tenant_id, queue_id)
        now = ctx.clock()
        if queue_id in ctx.center.running_queues(tenant_id):
            status = ctx.center.read(lambda acd: acd.queue_status(tenant_id, queue_id, now))
            busy = status.waiting + status.pending_callbacks
            if busy or status.agents_logged_in:
                message = gettext(
                    "{name} kan inte tas bort: {waiting} kontakter väntar och {agents} "
                    "handläggare är inloggade. Vänta tills kön är tom och logga ut "
                    "handläggarna först."
                ).format(name=config.display_name, waiting=busy, agents=status.agents_logged_in)
                return back("/admin/queues", message)
        try:
            ctx.configuration.remove_queue(tenant_id, queue_id, ctx.clock(), session.user.username)
        except ConfigError as error:
            message = gettext("{name} kan inte tas bort: {reason}").format(
                name=config.display_name, reason=rule_text(error)
            )
            return back("/admin/queues", message)
        except VaxelError:
            message = gettext(
                "{name} kan inte tas bort just nu: kontakter eller handläggare finns kvar i kön"
            ).format(name=config.display_name)
            return back("/admin/queues", message)
        ctx.after_submit()
        return back("/admin/queues")

    return router
