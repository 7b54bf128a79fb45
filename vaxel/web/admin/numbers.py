"""The tenant's service numbers and the flow answering each (issue 12 §6, ADM1).

A saved assignment reaches running telephony at once: the next call to the number gets the
flow, a call in progress keeps its own (Q20). Refusals (a number taken by another
organisation, an extension, one that is no phone number) come back to this page in the
admin's language through the one exception handler (``vaxel.web.errors``).
"""

from __future__ import annotations

import phonenumbers
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.runtime.service_numbers import AnsweredNumber, NumberAssignments
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.rendering import back, render

__all__ = ["number_row", "router", "shown_number"]

router = APIRouter(
    prefix="/admin/numbers",
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to("/admin/numbers")],
)


def shown_number(number: str) -> str:
    """A Swedish number the way Swedes write it ("010-123 45 00"); others in E.164."""
    try:
        parsed = phonenumbers.parse(number, "SE")
    except phonenumbers.NumberParseException:
        return number
    if parsed.country_code != 46:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def number_row(answered: AnsweredNumber, names: dict[str, str]) -> dict[str, object]:
    return {
        "number": answered.number,
        "shown": shown_number(answered.number),
        "flow_id": answered.flow_id,
        "flow": names.get(answered.flow_id, answered.flow_id),
        "main": answered.main,
        "assigned": answered.assigned,
    }


@router.get("")
def numbers_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    configuration = platform.configuration
    names = configuration.flow_names(tenant_id)
    rows = [number_row(a, names) for a in NumberAssignments(configuration).answered(tenant_id)]
    flows = sorted(configuration.flows(tenant_id))
    return render(
        request,
        "admin/numbers.html",
        session,
        numbers=rows,
        flows=[{"id": f, "name": names.get(f, f)} for f in flows],
    )


@router.post("")
async def assign_number(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    """A new number, or another flow for one of the tenant's numbers."""
    NumberAssignments(platform.configuration).assign(
        tenant_id, str(form.get("number", "")), str(form.get("flow_id", "")).strip()
    )
    return back("/admin/numbers")


@router.post("/{number}/remove")
async def remove_number(
    form: CsrfForm, platform: Platform, tenant_id: TenantId, number: str
) -> Response:
    """Stop answering the number (the main number is kept: it gets another flow)."""
    NumberAssignments(platform.configuration).remove(tenant_id, number)
    return back("/admin/numbers")
