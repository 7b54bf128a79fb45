"""Divert a whole answer group from the console (spec §67, PBX3): on a group found by the
search, "Hänvisa" with a number (none: *växeln*, the tenant's operator number of PBX5), a note
("Lunch") and an optional end, a time ("13:00") today or on a date ("2027-01-07"), none
meaning until cleared; "Ta bort hänvisningen" lets the group's calls ring its members again.
Refused in Swedish: an unknown group, a number outside the plan or the group's own, a note
over 100 characters, an end not of the form TT:MM (a date without a time too), already
past or more than a year ahead. Stored and audited by :mod:`vaxel.runtime.group_diversions`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.pbx.group_diversion import GroupDiversionError
from vaxel.web.deps import CsrfForm, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, console_answer, require_operator
from vaxel.web.rendering import refusal_text

__all__ = ["router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])

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
    until_date: Annotated[str, Form(max_length=limits.SHORT_TEXT_LENGTH)] = "",
) -> Response:
    """Send every call to ``group`` to ``number`` (none: the operator's) until ``until``
    ("TT:MM") on ``until_date`` (ÅÅÅÅ-MM-DD; none: today), or with neither until cleared."""
    tenant_id = session.user.tenant_id
    found = ctx.pbx_numbering.group(tenant_id, group) if group else None
    if found is None:
        return console_answer(request, gettext("Välj en grupp i listan"), said="")
    try:
        by = session.user.username
        ends = f"{until_date.strip()} {until.strip()}".strip()
        diversion = ctx.group_diversions.divert(tenant_id, found.group_id, number, note, ends, by)
    except GroupDiversionError as error:
        return console_answer(request, refusal_text(error), said="")
    said = gettext("{name} hänvisas till {number}")
    said = said.format(name=found.name, number=diversion.number)
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
