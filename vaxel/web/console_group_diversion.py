"""Divert a whole answer group from the console (spec §67, PBX3): on a group found by the
search, "Hänvisa" with a number (none: *växeln*, the tenant's operator number of PBX5), a note
("Lunch") and an optional end time today ("13:00"); "Ta bort hänvisningen" lets the group's
calls ring its members again. Refused in Swedish: an unknown group, a number outside the
plan or the group's own, a note over 100 characters, an end time not of the form TT:MM or
already past. Stored and audited by :mod:`vaxel.runtime.group_diversions`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.clock import STOCKHOLM
from vaxel.pbx.group_diversion import GroupDiversion, GroupDiversionError
from vaxel.web.deps import CsrfForm, Platform, SignedIn
from vaxel.web.i18n import N_, gettext
from vaxel.web.operator_console import HOME, console_answer, require_operator

__all__ = ["router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_REFUSALS = {
    "group-diversion-group": N_("Gruppen finns inte"),
    "group-diversion-number": N_("Skriv ett nummer med siffror, högst 40"),
    "group-diversion-note": N_("Anteckningen får vara högst 100 tecken"),
    "group-diversion-unknown": N_("Numret finns inte i växelns nummerplan"),
    "group-diversion-itself": N_("Gruppen kan inte hänvisas till sig själv"),
    "group-diversion-past": N_("Sluttiden har redan passerat"),
}

Id = Annotated[str, Form(max_length=limits.ID_LENGTH)]


@router.post(f"{HOME}/grupp/hanvisa")
def divert_group(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    _: CsrfForm,
    group: Id = "",
    number: Annotated[str, Form(max_length=limits.SHORT_TEXT_LENGTH)] = "",
    note: Annotated[str, Form(max_length=limits.FREE_TEXT_LENGTH)] = "",
    until: Annotated[str, Form(max_length=limits.SHORT_TEXT_LENGTH)] = "",
) -> Response:
    """Send every call to ``group`` to ``number`` (none: the operator's) until ``until``."""
    tenant_id = session.user.tenant_id
    found = ctx.pbx_numbering.group(tenant_id, group) if group else None
    if found is None:
        return console_answer(request, gettext("Välj en grupp i listan"), said="")
    if not number.strip():  # "till växeln"
        number = ctx.pbx_call_settings.absent_offer(tenant_id).operator_number
        if not number:
            return console_answer(request, gettext("Inget växelnummer är inställt"), said="")
    number = re.sub(r"[\s-]", "", number)
    ends: float | None = None
    if until.strip():
        matched = _CLOCK.fullmatch(until.strip())
        if matched is None:
            return console_answer(request, gettext("Skriv sluttiden som TT:MM"), said="")
        today = datetime.fromtimestamp(ctx.clock(), STOCKHOLM)
        hour, minute = int(matched.group(1)), int(matched.group(2))
        ends = today.replace(hour=hour, minute=minute, second=0, microsecond=0).timestamp()
    try:
        diversion = GroupDiversion(
            found.group_id, number, note.strip(), ends, session.user.username
        )
        ctx.group_diversions.put(tenant_id, diversion, session.user.username)
    except GroupDiversionError as error:
        return console_answer(
            request, gettext(_REFUSALS.get(error.code, _REFUSALS["group-diversion-group"])), said=""
        )
    said = gettext("{name} hänvisas till {number}").format(name=found.name, number=number)
    return console_answer(request, "", said=said)


@router.post(f"{HOME}/grupp/hanvisa/ta-bort")
def clear_group_diversion(
    request: Request, session: SignedIn, ctx: Platform, _: CsrfForm, group: Id = ""
) -> Response:
    """Let ``group``'s calls ring its members again."""
    tenant_id = session.user.tenant_id
    found = ctx.pbx_numbering.group(tenant_id, group) if group else None
    if found is None:
        return console_answer(request, gettext("Välj en grupp i listan"), said="")
    if not ctx.group_diversions.clear(tenant_id, found.group_id, session.user.username):
        return console_answer(
            request, gettext("{name} är inte hänvisad").format(name=found.name), said=""
        )
    said = gettext("Hänvisningen av {name} är borttagen").format(name=found.name)
    return console_answer(request, "", said=said)
