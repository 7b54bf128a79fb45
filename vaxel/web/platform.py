"""The hosting provider's page (ADM2 "platform admin"): organisations and their first admin.

A platform admin signs in to the provider's own organisation like anyone else; this page
is the only place that lists other organisations, and it shows no contact data of theirs —
only that they exist, how many users they have and whether they are set up.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.dial_policy import DialPolicy, DialRefusal, NumberRefused
from vaxel.store import MainNumberTaken, Tenant
from vaxel.web.admin.ids import USERNAME, suggested_id
from vaxel.web.deps import CsrfForm, Platform, SignedIn, require_role
from vaxel.web.dialing import REFUSALS
from vaxel.web.i18n import gettext
from vaxel.web.lengths import longer_than, too_long
from vaxel.web.rendering import back, render

__all__ = ["router", "suggested_tenant_id"]

TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def suggested_tenant_id(text: str) -> str:
    """``text`` made into a valid organisation id ("Växjö kommun" → "vaxjo-kommun"), or ""
    (issue 9 §13): the transliteration of ids, without the ``_`` an organisation id lacks."""
    dashed = re.sub(r"-{2,}", "-", suggested_id(text).replace("_", "-"))
    suggestion = dashed.strip("-")[:63].rstrip("-")
    return suggestion if TENANT_ID.match(suggestion) else ""


def require_platform_admin(session: SignedIn) -> None:
    """Only the provider's own administrators see other organisations (ADM2)."""
    message = gettext("Sidan är för plattformens administratörer")
    require_role(session, ("platform_admin",), message)


router = APIRouter(
    prefix="/platform", tags=["platform"], dependencies=[Depends(require_platform_admin)]
)


@router.get("")
def organisations(request: Request, session: SignedIn, ctx: Platform) -> Response:
    users = ctx.accounts.users_per_tenant()
    rows = [
        {
            "id": t.tenant_id,
            "name": t.name,
            "main_number": t.main_number,
            "users": users.get(t.tenant_id, 0),
        }
        for t in ctx.tenants.all()
    ]
    return render(request, "platform.html", session, tenants=rows)


@router.post("")
async def add_organisation(
    ctx: Platform,
    _: CsrfForm,
    tenant_id: Annotated[str, Form()],
    name: Annotated[str, Form()],
    main_number: Annotated[str, Form()],
    admin_username: Annotated[str, Form()],
    admin_password: Annotated[str, Form()],
) -> Response:
    """A new organisation with its first tenant admin, who sets up the rest (ADM1)."""
    tenant_id, name, username = tenant_id.strip(), name.strip(), admin_username.strip()
    typed = {
        "tenant_id": tenant_id[: limits.ID_LENGTH],
        "name": name[: limits.NAME_LENGTH],
        "main_number": main_number.strip()[: limits.PHONE_NUMBER_LENGTH],
        "admin_username": username[: limits.ID_LENGTH],
    }  # a refused form comes back as typed, never the password (issue 9 §4)
    if not TENANT_ID.match(tenant_id):
        message = gettext(
            "Organisationens id: 2–63 tecken, små bokstäver a–z, siffror och bindestreck"
        )
        if suggestion := suggested_tenant_id(tenant_id):  # "Växjö" → "vaxjo" (§13)
            message += " " + gettext("Förslag: {}").format(suggestion)
            typed["tenant_id"] = suggestion
        return back("/platform", message, typed)
    if not name or not username:
        return back(
            "/platform",
            gettext("Ange organisationens namn och administratörens användarnamn"),
            typed,
        )
    if longer_than(name, limits.NAME_LENGTH):
        return back("/platform", too_long(gettext("Namn"), limits.NAME_LENGTH), typed)
    if not USERNAME.match(username):
        message = gettext("Små bokstäver, siffror, . - och _ (högst 64 tecken)")
        message = f"{gettext('Administratörens användarnamn')}: {message}"
        if suggestion := suggested_id(username, dots=True):  # "åsa.öberg" → "asa.oberg"
            message += " " + gettext("Förslag: {}").format(suggestion)
            typed["admin_username"] = suggestion
        return back("/platform", message, typed)
    if any(t.tenant_id == tenant_id for t in ctx.tenants.all()):
        return back("/platform", gettext("Det finns redan en organisation med det id:t"), typed)
    try:
        number = DialPolicy().check(main_number) if main_number.strip() else ""
        hashed = ctx.passwords.hash(admin_password)
    except NumberRefused as refused:  # by code, never the policy's English SIP reason
        if refused.code is DialRefusal.INTERNATIONAL:
            message = gettext("Huvudnumret ska vara ett svenskt nummer")
        elif refused.code is DialRefusal.INVALID:
            message = gettext("Huvudnumret: ange ett riktigt nummer, t.ex. 08-123 450 00")
        else:
            message = f"{gettext('Huvudnumret')}: {gettext(REFUSALS[refused.code])}"
        return back("/platform", message, typed)
    except ValueError:
        return back("/platform", gettext("Lösenordet måste ha minst 8 tecken"), typed)
    try:
        ctx.tenants.add(Tenant(tenant_id, name, number))
    except MainNumberTaken as taken:
        message = gettext("Huvudnumret {number} används redan av organisationen {owner}")
        return back("/platform", message.format(number=taken.number, owner=taken.owner), typed)
    ctx.accounts.add_user(tenant_id, username, username, "tenant_admin", hashed)
    return back("/platform")
