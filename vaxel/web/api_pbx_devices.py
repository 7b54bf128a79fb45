"""A person's devices over the REST API (issue 14 §1 §9; PBX1, PBX9): how they ring (all
at once or one after another, and for how long) and the mobile reached over the trunk.

Keys with ``read`` see anyone's devices; ``config`` changes how they ring and the mobile
through "Min telefon"'s own path (:func:`~vaxel.web.phone.devices.change_ring`): the
mobile normalised with phonenumbers, an emergency or short number refused
(``pbx-did-invalid``), as is a mobile the person's class of service bars
(``device-mobile-barred``) or a direct number of the switch's own
(``device-mobile-direct``). The desk phones are the admin's (``/admin/extensions``) and
stay as they are. Someone the tenant's directory does not know is a 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core import limits
from vaxel.pbx.devices import DeviceKind, PersonDevices, RingStrategy
from vaxel.runtime.directory_views import Actor
from vaxel.web.api import key_with_scope
from vaxel.web.deps import Platform
from vaxel.web.phone.devices import change_ring

__all__ = ["DeviceOut", "DevicesIn", "DevicesOut", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("read"))]
ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
PersonId = Annotated[str, Path(min_length=1, max_length=limits.ID_LENGTH)]
READER = Actor("agent", None, "API")

router = APIRouter(prefix="/api/v1/pbx/people/{person_id}/devices", tags=["pbx"])


class DevicesIn(BaseModel):
    strategy: RingStrategy = Field(description="parallel (all at once) or sequence")
    ring_s: float = Field(30.0, description="seconds they ring at once (5–180)")
    mobile: str = Field(
        "",
        max_length=limits.PHONE_NUMBER_LENGTH,
        description="the mobile reached over the trunk, any spelling; empty: none",
        examples=["070-123 45 67"],
    )


class DeviceOut(BaseModel):
    kind: DeviceKind
    address: str = Field(description="the extension (sip) or E.164 number (mobile)")
    label: str


class DevicesOut(BaseModel):
    strategy: RingStrategy
    ring_s: float
    mobile: str = Field(description="E.164; empty: none")
    devices: list[DeviceOut] = Field(description="what rings, in ring order")


def _out(held: PersonDevices | None) -> DevicesOut:
    if held is None:
        return DevicesOut(strategy=RingStrategy.PARALLEL, ring_s=30.0, mobile="", devices=[])
    mobile = next((d.address for d in held.devices if d.kind is DeviceKind.MOBILE), "")
    return DevicesOut(
        strategy=held.strategy,
        ring_s=held.ring_s,
        mobile=mobile,
        devices=[DeviceOut(kind=d.kind, address=d.address, label=d.label) for d in held.devices],
    )


@router.get("")
async def get_devices(tenant: ReadTenant, ctx: Platform, person_id: PersonId) -> DevicesOut:
    """What rings when someone calls the person, and how."""

    def read() -> PersonDevices | None:
        ctx.directory_views.person(tenant, person_id, READER)  # 404 for someone unknown
        return ctx.pbx_numbering.devices(tenant, person_id)

    return _out(await run_in_threadpool(read))


@router.put("")
async def put_devices(
    tenant: ConfigTenant, ctx: Platform, person_id: PersonId, body: DevicesIn
) -> DevicesOut:
    """How the person's devices ring and their mobile; the next call uses it."""

    def write() -> PersonDevices:
        ctx.directory_views.person(tenant, person_id, READER)
        mobile = body.mobile.strip()
        return change_ring(ctx, tenant, person_id, body.strategy, body.ring_s, mobile)

    return _out(await run_in_threadpool(write))
