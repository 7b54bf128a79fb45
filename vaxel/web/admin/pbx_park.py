"""The tenant's call park (issue 14, OP3): which short numbers are park orbits (written
into the numbering plan, which refuses a clash with a person's or group's number), how
long a parked call waits before it rings back, and whom it rings (whoever parked it —
the operator when nobody answers — or the operator from the start). Also how long a
blind transfer rings unanswered before it comes back to whoever transferred it (issue 14
§6; the tenant's ``pbx-transfer`` settings, read by telephony at each transfer), and what
a caller who reached an absent person may press (issue 14 §4: 0 for the operator, 1 for
voicemail; ``pbx-presence``), camp-on's wait and queue (``pbx-camp-on``) and how many may
talk in the console's conference (``pbx-console-conference``, issue 16). Those go through
:class:`~vaxel.runtime.pbx_call_settings.PbxCallSettings`, as the REST API's do.

Every change goes through :class:`~vaxel.runtime.pbx_numbering.PbxNumberingService`
(checked by the pure core, audited, told to running telephony: the next call parked
uses it); a refusal comes back on the page worded by its code.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from vaxel.core.errors import ConfigError
from vaxel.pbx.camp_on import MAX_PER_EXTENSION_LIMIT, MAX_WAIT_S, MIN_WAIT_S
from vaxel.pbx.console_conference import MAX_PARTIES_LIMIT
from vaxel.pbx.park import MAX_ORBITS, MAX_RECALL_S, MIN_RECALL_S, RecallTo
from vaxel.pbx.reach import AbsentOffer
from vaxel.pbx.transfer_recall import MAX_RECALL_AFTER_S, MIN_RECALL_AFTER_S
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import N_
from vaxel.web.rendering import render

__all__ = ["RECALL_TO", "router"]

PATH = "/admin/pbx/park"
router = APIRouter(prefix=PATH, tags=["admin"], dependencies=[Depends(require_admin)])

RECALL_TO = {
    RecallTo.PARKER: N_("Den som parkerade, sedan växeln om ingen svarar"),
    RecallTo.OPERATOR: N_("Växeln direkt"),
}


def _text(form: CsrfForm, name: str, limit: int) -> str:
    return str(form.get(name, "")).strip()[:limit]


def _whole(form: CsrfForm, name: str, low: float, high: float) -> int:
    raw = _text(form, name, 6)
    if not raw.isdecimal():
        raise ConfigError(name, "whole-number-range", min=low, max=high, value=raw)
    return int(raw)


@router.get("")
def park_page(request: Request, session: SignedIn, ctx: Platform) -> Response:
    tenant_id = session.user.tenant_id
    settings = ctx.pbx_numbering.park(tenant_id)
    transfer = ctx.pbx_call_settings.transfer_recall(tenant_id)
    return render(
        request,
        "admin/pbx_park.html",
        session,
        settings=settings,
        recall_to=RECALL_TO,
        max_orbits=MAX_ORBITS,
        min_recall=int(MIN_RECALL_S),
        max_recall=int(MAX_RECALL_S),
        transfer=transfer,
        min_transfer=int(MIN_RECALL_AFTER_S),
        max_transfer=int(MAX_RECALL_AFTER_S),
        offer=ctx.pbx_call_settings.absent_offer(tenant_id),
        camp_on=ctx.pbx_call_settings.camp_on(tenant_id),
        conference=ctx.pbx_call_settings.console_conference(tenant_id),
        max_parties=MAX_PARTIES_LIMIT,
    )


@router.post("/orbits", dependencies=[returns_to(PATH)])
def save_orbits(form: CsrfForm, ctx: Platform, tenant_id: TenantId, session: SignedIn) -> Response:
    """``count`` orbits from the short number ``first``, in place of the plan's old ones."""
    count = _whole(form, "count", 1, MAX_ORBITS)
    first = _text(form, "first", 8)
    ctx.pbx_numbering.put_park_orbits(tenant_id, first, count, session.user.username)
    return RedirectResponse(PATH, status_code=303)


@router.post("/recall", dependencies=[returns_to(PATH)])
def save_recall(form: CsrfForm, ctx: Platform, tenant_id: TenantId, session: SignedIn) -> Response:
    """``recall_s`` seconds; ``recall_to`` (parker, operator); the ``operator`` extension."""
    recall_s = _whole(form, "recall_s", MIN_RECALL_S, MAX_RECALL_S)
    try:
        recall_to = RecallTo(_text(form, "recall_to", 16))
    except ValueError:
        allowed = ", ".join(r.value for r in RecallTo)
        raise ConfigError("recall_to", "choice", allowed=allowed) from None
    ctx.pbx_numbering.put_park_recall(
        tenant_id, float(recall_s), recall_to, _text(form, "operator", 8), session.user.username
    )
    return RedirectResponse(PATH, status_code=303)


@router.post("/transfer-recall", dependencies=[returns_to(PATH)])
def save_transfer_recall(
    form: CsrfForm, ctx: Platform, tenant_id: TenantId, session: SignedIn
) -> Response:
    """``recall_after_s``: seconds a blind transfer rings before it comes back (5–300)."""
    seconds = _whole(form, "recall_after_s", int(MIN_RECALL_AFTER_S), int(MAX_RECALL_AFTER_S))
    ctx.pbx_call_settings.put_transfer_recall(tenant_id, seconds, session.user.username)
    return RedirectResponse(PATH, status_code=303)


@router.post("/camp-on", dependencies=[returns_to(PATH)])
def save_camp_on(form: CsrfForm, ctx: Platform, tenant_id: TenantId, session: SignedIn) -> Response:
    """Camp-on (issue 16 §3, OP4): ``wait_s`` before a camped call comes back to the
    operator (10–1,800) and ``max_per_extension`` calls camped on one extension (1–20)."""
    wait_s = _whole(form, "wait_s", MIN_WAIT_S, MAX_WAIT_S)
    most = _whole(form, "max_per_extension", 1, MAX_PER_EXTENSION_LIMIT)
    ctx.pbx_call_settings.put_camp_on(tenant_id, wait_s, most, session.user.username)
    return RedirectResponse(PATH, status_code=303)


@router.post("/console-conference", dependencies=[returns_to(PATH)])
def save_console_conference(
    form: CsrfForm, ctx: Platform, tenant_id: TenantId, session: SignedIn
) -> Response:
    """The console conference (issue 16, OP3, spec §46): ``max_parties`` who may talk in
    one, the operator included (3–20)."""
    most = _whole(form, "max_parties", 3, MAX_PARTIES_LIMIT)
    ctx.pbx_call_settings.put_console_conference(tenant_id, most, session.user.username)
    return RedirectResponse(PATH, status_code=303)


@router.post("/absent-offer", dependencies=[returns_to(PATH)])
def save_absent_offer(
    form: CsrfForm, ctx: Platform, tenant_id: TenantId, session: SignedIn
) -> Response:
    """What an absent person's caller may press: ``operator`` (0, to ``operator_number``)
    and ``voicemail`` (1) checkboxes; neither: the caller hears the presence and the call
    ends as the person's own no-answer would."""
    offer = AbsentOffer(
        operator=form.get("operator") == "1",
        voicemail=form.get("voicemail") == "1",
        operator_number=_text(form, "operator_number", 9),
    )
    ctx.pbx_call_settings.put_absent_offer(tenant_id, offer, session.user.username)
    return RedirectResponse(PATH, status_code=303)
