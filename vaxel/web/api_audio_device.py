"""An agent's audio device over the REST API (issue 16, PBX9): ``GET`` (scope ``read``)
and ``PUT`` (scope ``config``) ``/api/v1/agents/{agent_id}/audio-device`` — the browser,
her desk phone or her mobile over the trunk, by the pages' own path
(:func:`~vaxel.web.audio_device.choose`): the mobile normalised with phonenumbers and
refused when it is no phone number (``pbx-did-invalid``), barred for her
(``device-mobile-barred``) or when the tenant has no trunk (``audio-no-trunk``). Audited
as ``api``. An agent id with no account of the key's tenant is a 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core import limits
from vaxel.runtime.directory_views import Actor
from vaxel.store.accounts import User
from vaxel.store.audio_devices import AudioDevice, AudioDevices
from vaxel.web.api import key_with_scope
from vaxel.web.audio_device import MAX_MOBILE, choose
from vaxel.web.context import WebContext
from vaxel.web.deps import Platform
from vaxel.web.i18n import gettext

__all__ = ["AudioDeviceIn", "AudioDeviceOut", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("read"))]
ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
AgentId = Annotated[str, Path(min_length=1, max_length=limits.ID_LENGTH)]

router = APIRouter(prefix="/api/v1/agents/{agent_id}/audio-device", tags=["agents"])


class AudioDeviceIn(BaseModel):
    device: AudioDevice = Field(description="browser, desk (her extension's phones) or mobile")
    mobile: str = Field(
        "",
        max_length=MAX_MOBILE,
        description="her mobile, any spelling; needed for mobile, kept for later otherwise",
        examples=["070-123 45 67"],
    )


class AudioDeviceOut(BaseModel):
    device: AudioDevice
    mobile: str = Field(description="E.164; empty: none")


def _account(ctx: WebContext, tenant_id: str, agent_id: str) -> User:
    for user in ctx.accounts.users(tenant_id):
        if user.agent_id == agent_id:
            return user
    raise HTTPException(404, gettext("Ingen handläggare med det id:t"))


@router.get("", response_model=AudioDeviceOut)
async def get_audio_device(tenant: ReadTenant, agent_id: AgentId, ctx: Platform) -> AudioDeviceOut:
    """Where the agent's offers ring."""

    def read() -> AudioDeviceOut:
        user = _account(ctx, tenant, agent_id)
        choice = AudioDevices(ctx.database).of_user(tenant, user.user_id)
        return AudioDeviceOut(device=choice.device, mobile=choice.mobile)

    return await run_in_threadpool(read)


@router.put("", response_model=AudioDeviceOut)
async def put_audio_device(
    tenant: ConfigTenant, agent_id: AgentId, body: AudioDeviceIn, ctx: Platform
) -> AudioDeviceOut:
    """Choose where the agent's offers ring: a refusal (422, by code) changes nothing."""

    def change() -> AudioDeviceOut:
        user = _account(ctx, tenant, agent_id)
        person = ctx.directory_views.person_of_account(tenant, user.username)
        me = Actor(user.role, person, user.display_name)
        choice = choose(ctx, user, me, body.device.value, body.mobile, actor="api")
        return AudioDeviceOut(device=choice.device, mobile=choice.mobile)

    return await run_in_threadpool(change)
