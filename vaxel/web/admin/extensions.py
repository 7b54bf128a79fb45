"""The tenant's phone extensions (PBX1, ADM1): number, name, SIP password, agent, queues.

A saved extension reaches the running telephony directory at once, so the phone can
register without a restart (Q20). The SIP password is never shown back: the form leaves it
empty, and an empty field on a change keeps the stored one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from vaxel.runtime.extensions import PhoneExtension, PhoneExtensions
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import gettext
from vaxel.web.rendering import back, render

__all__ = ["router"]

router = APIRouter(
    prefix="/admin/extensions", tags=["admin"], dependencies=[Depends(require_admin)]
)


def extensions_of(platform: Platform) -> PhoneExtensions:
    """The service that validates, stores and announces extensions (PBX1)."""
    return PhoneExtensions(platform.configuration)


Extensions = Annotated[PhoneExtensions, Depends(extensions_of)]


def existing(number: str, extensions: Extensions, tenant_id: TenantId) -> PhoneExtension:
    """The extension the path names, in the own tenant; 404 for any other."""
    found = extensions.get(tenant_id, number)
    if found is None:
        raise HTTPException(404, gettext("Det finns ingen sådan anknytning"))
    return found


Existing = Annotated[PhoneExtension, Depends(existing)]


def choices(platform: WebContext, tenant_id: str) -> dict[str, Any]:
    """The tenant's agents and queues for the form's pickers."""
    agents = [
        {"id": profile.agent_id, "name": profile.name or profile.agent_id}
        for profile in platform.center.running_agents(tenant_id).values()
    ]
    queues = [
        {"id": config.queue_id, "name": config.display_name}
        for config in platform.center.running_queues(tenant_id).values()
    ]
    return {"agents": sorted(agents, key=lambda a: a["name"]), "queues": queues}


def page(
    request: Request,
    session: SignedIn,
    platform: WebContext,
    extensions: PhoneExtensions,
    editing: PhoneExtension | None,
) -> Response:
    tenant_id = session.user.tenant_id
    return render(
        request,
        "admin/extensions.html",
        session,
        extensions=extensions.all(tenant_id),
        editing=editing,
        **choices(platform, tenant_id),
    )


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


@router.get("")
def extensions_page(
    request: Request, session: SignedIn, platform: Platform, extensions: Extensions
) -> Response:
    return page(request, session, platform, extensions, None)


@router.get("/{number}")
def extension_page(
    request: Request,
    session: SignedIn,
    platform: Platform,
    extensions: Extensions,
    editing: Existing,
) -> Response:
    return page(request, session, platform, extensions, editing)


@router.post("", dependencies=[returns_to("/admin/extensions")])
async def create_extension(form: CsrfForm, extensions: Extensions, tenant_id: TenantId) -> Response:
    """A refusal (the rule by its code) returns to the list through the one handler."""
    extensions.put(from_form(tenant_id, form))
    return back("/admin/extensions")


@router.post("/{number}", dependencies=[returns_to("/admin/extensions/{number}")])
async def change_extension(
    form: CsrfForm, extensions: Extensions, tenant_id: TenantId, editing: Existing
) -> Response:
    extensions.put(from_form(tenant_id, form), replacing=editing.number)
    return back("/admin/extensions")


@router.post("/{number}/remove")
async def remove_extension(
    form: CsrfForm, extensions: Extensions, tenant_id: TenantId, editing: Existing
) -> Response:
    extensions.remove(tenant_id, editing.number)
    return back("/admin/extensions")
