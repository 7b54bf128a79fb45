"""Call forwarding on "Min telefon" (issue 14 §4, PBX5): the signed-in person's own rules.

One form per condition (always, when no phone is registered, busy, no answer after N
seconds): a number to forward to, or "off". The rules are checked by
:class:`~vaxel.runtime.forwarding.ForwardingService` below HTTP — a barred number, a loop
or a bad ringing time comes back on the page with the form filled in again.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from vaxel.core import limits
from vaxel.core.errors import ConfigError
from vaxel.pbx.forwarding import (
    DEFAULT_NO_ANSWER_S,
    ForwardCondition,
    ForwardRule,
    parse_destination,
)
from vaxel.web.deps import CsrfForm, Me, Platform, SignedIn, returns_to
from vaxel.web.rendering import render

__all__ = ["PAGE", "router"]

router = APIRouter(tags=["phone"])
PAGE = "/min-telefon/vidarekoppling"


@router.get(PAGE)
def forwarding_page(request: Request, session: SignedIn, ctx: Platform, me: Me) -> Response:
    """The signed-in person's forwarding, one row per condition."""
    if me.person_id is None:
        return render(request, "person_missing.html", session)
    held = ctx.forwardings.forwarding(session.user.tenant_id, me.person_id)
    return render(
        request,
        "phone_forwarding.html",
        session,
        rules={rule.condition.value: rule for rule in held.rules},
        conditions=[c.value for c in ForwardCondition],
        default_after=DEFAULT_NO_ANSWER_S,
    )


@router.post(PAGE, dependencies=[returns_to(PAGE)])
def change_forwarding(session: SignedIn, ctx: Platform, me: Me, form: CsrfForm) -> Response:
    """Set one condition's rule (``condition``, ``destination``, ``after_s``), or turn it
    off (``off`` = the condition)."""
    if me.person_id is None:
        return RedirectResponse(PAGE, status_code=303)
    tenant = session.user.tenant_id
    service = ctx.forwardings
    off = str(form.get("off", ""))[:20]
    raw = off or str(form.get("condition", ""))[:20]
    try:
        condition = ForwardCondition(raw)
    except ValueError:
        raise ConfigError(
            "condition", "choice", allowed=", ".join(c.value for c in ForwardCondition)
        ) from None
    if off:
        service.clear(tenant, me, me.person_id, condition)
    else:
        after_text = str(form.get("after_s", "") or DEFAULT_NO_ANSWER_S)[:6]
        if not after_text.isdecimal():
            raise ConfigError("after_s", "whole-number", value=after_text)
        destination = str(form.get("destination", ""))[: limits.PHONE_NUMBER_LENGTH]
        rule = ForwardRule(condition, parse_destination(destination), int(after_text))
        service.set_rule(tenant, me, me.person_id, rule)
    return RedirectResponse(PAGE, status_code=303)
