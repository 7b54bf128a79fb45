"""A tenant's call handling over the REST API (issue 14 §4 §6): what a caller who reached
an absent person may press (0 for the operator, 1 for voicemail, both or neither) and after
how long an unanswered blind transfer comes back. Keys with ``read`` see them; ``config``
changes them through the admin page's own service
(:class:`~vaxel.runtime.pbx_call_settings.PbxCallSettings`: checked, stored, audited). A
refusal is RFC 9457 problem details with the rule's code (``absent-offer-unknown`` naming
the number, ``transfer-recall-range`` …).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.pbx.reach import MAX_OPERATOR_NUMBER, AbsentOffer
from vaxel.pbx.transfer_recall import MAX_RECALL_AFTER_S, MIN_RECALL_AFTER_S, RecallSettings
from vaxel.web.api import key_with_scope
from vaxel.web.deps import Platform

__all__ = ["AbsentOfferBody", "TransferRecallBody", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("read"))]
ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
ACTOR = "api-key"
"""Who the audit log names for a change over the API."""

router = APIRouter(prefix="/api/v1/pbx", tags=["pbx"])


class AbsentOfferBody(BaseModel):
    operator: bool = Field(description="the caller may press 0 for the operator")
    voicemail: bool = Field(description="the caller may press 1 to leave a message")
    operator_number: str = Field(
        "",
        max_length=MAX_OPERATOR_NUMBER,
        pattern=r"^[0-9]*$",
        description="the plan's short number 0 leads to; empty: the operator is not offered",
    )


class TransferRecallBody(BaseModel):
    recall_after_s: float = Field(
        ge=MIN_RECALL_AFTER_S,
        le=MAX_RECALL_AFTER_S,
        description="seconds an unanswered blind transfer rings before it comes back",
    )


def _offer_out(offer: AbsentOffer) -> AbsentOfferBody:
    return AbsentOfferBody(
        operator=offer.operator, voicemail=offer.voicemail, operator_number=offer.operator_number
    )


def _recall_out(settings: RecallSettings) -> TransferRecallBody:
    return TransferRecallBody(recall_after_s=settings.recall_after_s)


@router.get("/absent-offer")
async def get_absent_offer(tenant: ReadTenant, ctx: Platform) -> AbsentOfferBody:
    """What a caller who reached an absent person may press."""
    return _offer_out(await run_in_threadpool(ctx.pbx_call_settings.absent_offer, tenant))


@router.put("/absent-offer")
async def put_absent_offer(
    tenant: ConfigTenant, ctx: Platform, body: AbsentOfferBody
) -> AbsentOfferBody:
    """Change the offer; the operator's number must be in the plan. The next call uses it."""
    offer = AbsentOffer(body.operator, body.voicemail, body.operator_number)
    done = await run_in_threadpool(ctx.pbx_call_settings.put_absent_offer, tenant, offer, ACTOR)
    return _offer_out(done)


@router.get("/transfer-recall")
async def get_transfer_recall(tenant: ReadTenant, ctx: Platform) -> TransferRecallBody:
    """After how long an unanswered blind transfer comes back."""
    return _recall_out(await run_in_threadpool(ctx.pbx_call_settings.transfer_recall, tenant))


@router.put("/transfer-recall")
async def put_transfer_recall(
    tenant: ConfigTenant, ctx: Platform, body: TransferRecallBody
) -> TransferRecallBody:
    """Change the recall time (5–300 s); the next transfer uses it."""
    done = await run_in_threadpool(
        ctx.pbx_call_settings.put_transfer_recall, tenant, body.recall_after_s, ACTOR
    )
    return _recall_out(done)
