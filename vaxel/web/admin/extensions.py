"""The tenant's phone extensions (PBX1, ADM1): number, name, SIP password, agent, queues.

A saved extension reaches the running telephony directory at once, so the phone can
register without a restart (Q20). The SIP password is never shown back: the form leaves it
empty, and an empty field on a change keeps the stored one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from vaxel.runtime.extensions import (
    ExtensionError,
    ExtensionProblem,
    PhoneExtension,
    PhoneExtensions,
)
from vaxel.web.context import WebContext, back, render
from vaxel.web.deps import SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.security import check_csrf

__all__ = ["extensions_router"]


def _message(error: ExtensionError) -> str:
    """The refusal in the admin's language."""
    messages = {
        ExtensionProblem.BAD_NUMBER: gettext("Anknytningen ska vara 2–10 siffror"),
        ExtensionProblem.NUMBER_TAKEN: gettext("Numret används redan av en annan anknytning"),
        ExtensionProblem.SERVICE_NUMBER: gettext("Numret är ett tjänstenummer (huvudnummer)"),
        ExtensionProblem.BAD_PASSWORD: gettext("SIP-lösenordet ska vara 8–64 tecken"),
        ExtensionProblem.NAME_TOO_LONG: gettext("Namnet får vara högst 64 tecken"),
        ExtensionProblem.UNKNOWN_AGENT: gettext("Det finns ingen sådan handläggare"),
        ExtensionProblem.AGENT_HAS_EXTENSION: gettext("Handläggaren har redan en anknytning"),
        ExtensionProblem.QUEUES_WITHOUT_AGENT: gettext(
            "Bara en handläggares anknytning kan logga in i köer"
        ),
        ExtensionProblem.QUEUE_NOT_PERMITTED: gettext(
            "Handläggaren får inte logga in i alla valda köer"
        ),
        ExtensionProblem.UNKNOWN_EXTENSION: gettext("Det finns ingen sådan anknytning"),
    }
    return messages[error.problem]


def extensions_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()
    extensions = PhoneExtensions(ctx.configuration)

    def choices(tenant_id: str) -> dict[str, Any]:
        """The tenant's agents and queues for the form's pickers."""
        agents = [
            {"id": profile.agent_id, "name": profile.name or profile.agent_id}
            for profile in ctx.center.running_agents(tenant_id).values()
        ]
        queues = [
            {"id": config.queue_id, "name": config.display_name}
            for config in ctx.center.running_queues(tenant_id).values()
        ]
        return {"agents": sorted(agents, key=lambda a: a["name"]), "queues": queues}

    def page(request: Request, session: SignedIn, editing: PhoneExtension | None) -> Response:
        tenant_id = session.user.tenant_id
        return render(
            request,
            "admin/extensions.html",
            session,
            extensions=extensions.all(tenant_id),
            editing=editing,
            **choices(tenant_id),
        )

    @router.get("/admin/extensions")
    def extensions_page(request: Request, session: SignedIn) -> Response:
        return page(request, session, None)

    @router.get("/admin/extensions/{number}")
    def extension_page(request: Request, session: SignedIn, number: str) -> Response:
        editing = extensions.get(session.user.tenant_id, number)
        if editing is None:
            raise HTTPException(404, gettext("Det finns ingen sådan anknytning"))
        return page(request, session, editing)

    def from_form(tenant_id: str, form: FormData) -> PhoneExtension:
        agent_id = str(form.get("agent_id", "")).strip()
        return PhoneExtension(
            tenant_id,
            str(form.get("number", "")).strip(),
            str(form.get("display_name", "")).strip(),
            str(form.get("password", "")),
            agent_id,
            tuple(str(q) for q in form.getlist("queue")),
        )

    @router.post("/admin/extensions")
    async def create_extension(request: Request, session: SignedIn) -> Response:
        await check_csrf(request, session)
        extension = from_form(session.user.tenant_id, await request.form())
        try:
            extensions.put(extension)
        except ExtensionError as error:
            return back("/admin/extensions", _message(error))
        return back("/admin/extensions")

    @router.post("/admin/extensions/{number}")
    async def change_extension(request: Request, session: SignedIn, number: str) -> Response:
        await check_csrf(request, session)
        extension = from_form(session.user.tenant_id, await request.form())
        try:
            extensions.put(extension, replacing=number)
        except ExtensionError as error:
            if error.problem is ExtensionProblem.UNKNOWN_EXTENSION:
                raise HTTPException(404, _message(error)) from None
            return back(f"/admin/extensions/{number}", _message(error))
        return back("/admin/extensions")

    @router.post("/admin/extensions/{number}/remove")
    async def remove_extension(request: Request, session: SignedIn, number: str) -> Response:
        await check_csrf(request, session)
        try:
            extensions.remove(session.user.tenant_id, number)
        except ExtensionError as error:
            raise HTTPException(404, _message(error)) from None
        return back("/admin/extensions")

    return router
