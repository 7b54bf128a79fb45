"""The tenant's call park (issue 14, OP3): which short numbers are park orbits (written
into the numbering plan, which refuses a clash with a person's or group's number), how
long a parked call waits before it rings back, and whom it rings (whoever parked it —
the operator when nobody answers — or the operator from the start). Also how long a
blind transfer rings unanswered before it comes back to whoever transferred it (issue 14
§6; the tenant's ``pbx-transfer`` settings, read by telephony at each transfer).

Every change goes through :class:`~vaxel.runtime.pbx_numbering.PbxNumberingService`
(checked by the pure core, audited, told to running telephony: the next call parked
uses it); a refusal comes back on the page worded by its code.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from vaxel.core.errors import ConfigError
from vaxel.pbx.park import MAX_ORBITS, MAX_RECALL_S, MIN_RECALL_S, RecallTo
from vaxel.pbx.transfer_recall import MAX_RECALL_AFTER_S, MIN_RECALL_AFTER_S, RecallSettings
from vaxel.runtime.pbx_reach import TRANSFER_SETTINGS
from vaxel.store.audit import record
from vaxel.store.directory_sources import DirectorySources
from vaxel.web.context import render
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import N_

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
    if not raw.isdigit():
        raise ConfigError(name, "whole-number-range", min=low, max=high, value=raw)
    return int(raw)


@router.get("")
def park_page(request: Request, session: SignedIn, ctx: Platform) -> Response:
    tenant_id = session.user.tenant_id
    settings = ctx.pbx_numbering.park(tenant_id)
    transfer = RecallSettings.of(
        DirectorySources(ctx.database).settings(tenant_id, TRANSFER_SETTINGS)
    )
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
    checked = RecallSettings(float(seconds))  # TransferRecallError names the range
    DirectorySources(ctx.database).put_settings(
        tenant_id, TRANSFER_SETTINGS, {"recall_after_s": checked.recall_after_s}, ctx.clock()
    )
    with ctx.database.begin() as connection:
        record(
            connection,
            tenant_id,
            session.user.username,
            "park_changed",
            "transfer-recall",
            {"recall_after_s": str(seconds)},
        )
    return RedirectResponse(PATH, status_code=303)
