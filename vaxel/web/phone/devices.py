""" "Min telefon" (issue 14 §9, PBX1, PBX9): the signed-in person's own numbers and devices,
and links to the forwarding and voicemail sections (``forwarding.py``, ``voicemail.py``).

The desk phones (SIP extensions) are the admin's to give; the person sets how their
devices ring (all at once or one after another) and a mobile number reached over the
trunk, so calls reach them away from the office too (PBX9). Checked below HTTP by the
pure core (``vaxel.pbx.devices``): a bad number or ring time comes back on the page, as
does a mobile the switch would never dial (barred for the person, or a direct number of its
own).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from vaxel.core.errors import ConfigError, DomainError
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices, RingStrategy
from vaxel.pbx.numbering import Target, TargetKind, normalise_did
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Me, Platform, SignedIn, returns_to
from vaxel.web.rendering import render

__all__ = ["PAGE", "change_ring", "router"]

router = APIRouter(tags=["phone"])
PAGE = "/min-telefon"


@router.get(PAGE)
def phone_page(request: Request, session: SignedIn, ctx: Platform, me: Me) -> Response:
    """The person's short and direct numbers and devices."""
    if me.person_id is None:
        return render(request, "person_missing.html", session)
    tenant_id = session.user.tenant_id
    service = ctx.pbx_numbering
    plan = service.plan(tenant_id)
    shorts = plan.numbers_of(Target(TargetKind.PERSON, me.person_id))
    devices = service.devices(tenant_id, me.person_id)
    return render(
        request,
        "phone/devices.html",
        session,
        numbers=[(n, plan.direct_number(n) or "") for n in shorts],
        devices=devices.devices if devices else (),
        strategy=devices.strategy.value if devices else RingStrategy.PARALLEL.value,
        ring_s=int(devices.ring_s) if devices else 30,
        mobile=next(
            (
                d.address
                for d in (devices.devices if devices else ())
                if d.kind is DeviceKind.MOBILE
            ),
            "",
        ),
    )


@router.post(PAGE, dependencies=[returns_to(PAGE)])
def change_devices(session: SignedIn, ctx: Platform, me: Me, form: CsrfForm) -> Response:
    """How the devices ring (``strategy``, ``ring_s``) and the mobile number (``mobile``,
    empty for none); the desk phones stay as the admin gave them."""
    if me.person_id is None:
        return RedirectResponse(PAGE, status_code=303)
    tenant_id = session.user.tenant_id
    try:
        strategy = RingStrategy(str(form.get("strategy", ""))[:20])
    except ValueError:
        raise ConfigError("strategy", "choice", allowed="parallel, sequence") from None
    ring_text = str(form.get("ring_s", "30"))[:4]
    if not ring_text.isdecimal():
        raise ConfigError("ring_s", "whole-number", value=ring_text)
    mobile_text = str(form.get("mobile", "")).strip()[:32]
    change_ring(ctx, tenant_id, me.person_id, strategy, float(ring_text), mobile_text)
    return RedirectResponse(PAGE, status_code=303)


def change_ring(
    ctx: WebContext,
    tenant_id: str,
    person_id: str,
    strategy: RingStrategy,
    ring_s: float,
    mobile_text: str,
) -> PersonDevices:
    """How a person's devices ring and their mobile (empty: none) — "Min telefon"'s and
    the REST API's one path: the mobile normalised with phonenumbers (an emergency or short
    number is no phone number: ``pbx-did-invalid``) and refused when the switch would never
    dial it; the desk phones stay as the admin gave them; the pure core checks the rest."""
    service = ctx.pbx_numbering
    held = service.devices(tenant_id, person_id)
    kept = [d for d in (held.devices if held else ()) if d.kind is not DeviceKind.MOBILE]
    if mobile_text:
        mobile = normalise_did(mobile_text)
        _check_mobile(ctx, tenant_id, person_id, mobile)
        kept.append(Device(DeviceKind.MOBILE, mobile, label="Mobil"))
    name = held.display_name if held else ""
    person = PersonDevices(tenant_id, person_id, tuple(kept), strategy, ring_s, name)
    service.put_devices(person)
    return person


def _check_mobile(ctx: WebContext, tenant_id: str, person_id: str, mobile: str) -> None:
    """Refuse a mobile the switch would never dial (task R): one the person's class of
    service bars (abroad, premium), or a direct number of the switch's own — it would come
    back from the carrier as a call to that number."""
    if ctx.pbx_numbering.plan(tenant_id).resolve(mobile) is not None:
        raise DomainError(
            "a direct number of the switch", code="device-mobile-direct", number=mobile
        )
    decision = ctx.forwardings.policy_of(tenant_id, person_id).decide(mobile)
    if decision.refusal is not None:
        raise DomainError("barred for the person", code="device-mobile-barred", number=mobile)
