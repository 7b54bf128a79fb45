"""``/api/v1/pbx/trunk`` and ``/api/v1/pbx/classes-of-service`` (issue 14 §2, §9; PBX8):
the tenant's trunk, its state as running telephony sees it, and the classes of service.

Reading takes scope ``read``, changing ``config``. The trunk password is write-only: no
answer carries it, and a PUT without one keeps the stored password. A refusal is RFC 9457
problem details with the rule's code and the field it names (``trunk.port`` …). A change
reaches running telephony at once: the trunk registers again (Q20).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core import limits
from vaxel.pbx.class_of_service import MAX_CLASS_ID, MAX_CLASS_NAME, ClassOfService, Reach
from vaxel.pbx.trunks import MAX_HOST, MAX_PASSWORD, MAX_USER, TrunkMode
from vaxel.runtime.pbx_trunks import OutsideLineSettings
from vaxel.web.api import Tenant, key_with_scope
from vaxel.web.deps import Platform

__all__ = ["ClassIn", "ClassOut", "TrunkIn", "TrunkOut", "router"]

ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
ClassId = Annotated[str, Path(min_length=1, max_length=MAX_CLASS_ID)]
Owner = Annotated[str, Path(min_length=1, max_length=limits.ID_LENGTH)]
ReachName = Literal["internal", "national", "international"]
REACH = {
    "internal": Reach.INTERNAL,
    "national": Reach.NATIONAL,
    "international": Reach.INTERNATIONAL,
}

router = APIRouter(
    prefix="/api/v1/pbx",
    tags=["api"],
    responses={
        401: {"description": "No X-API-Key, or one unknown, revoked or expired"},
        403: {"description": "The key lacks this route's scope: read, or config to change"},
    },
)


class TrunkIn(BaseModel):
    mode: Literal["register", "ip"] = "register"
    host: str = Field(min_length=1, max_length=MAX_HOST, examples=["sip.carrier.example"])
    port: int = Field(5060, ge=1, le=65535)
    transport: Literal["udp", "tcp"] = "udp"
    username: str = Field("", max_length=MAX_USER)
    auth_username: str = Field("", max_length=MAX_USER)
    password: str = Field(
        "", max_length=MAX_PASSWORD, description="write-only; empty keeps the stored one"
    )
    domain: str = Field("", max_length=MAX_HOST)
    expires_s: int = Field(3600, ge=60, le=86_400)
    main_number: str = Field(
        "", max_length=limits.PHONE_NUMBER_LENGTH, description="presented as the main number"
    )


class LastAnswerOut(BaseModel):
    status: int = Field(description="the carrier's last final status (408: no answer)")
    reason: str
    at: float = Field(description="epoch seconds of the running telephony's clock")


class TrunkOut(BaseModel):
    mode: str
    host: str
    port: int
    transport: str
    username: str
    auth_username: str
    domain: str
    expires_s: int
    main_number: str
    state: str = Field(
        description="registered, registering, refused, unreachable, unregistered, ip; "
        "'' when telephony does not run here"
    )
    last_answer: LastAnswerOut | None = None


class ClassIn(BaseModel):
    name: str = Field("", max_length=MAX_CLASS_NAME)
    reach: ReachName = "national"
    premium_allowed: bool = False


class ClassOut(ClassIn):
    class_id: str


class AssignmentIn(BaseModel):
    class_id: str = Field("", max_length=MAX_CLASS_ID, description="'' for the default class")


def _trunk_out(ctx: Platform, tenant: str) -> TrunkOut | None:
    stored = OutsideLineSettings(ctx.configuration).trunk(tenant)
    if stored is None:
        return None
    trunk = stored.trunk
    status = ctx.trunk_status(tenant)
    answer = status.last_answer if status is not None else None
    return TrunkOut(
        mode=trunk.mode.value,
        host=trunk.host,
        port=trunk.port,
        transport=trunk.transport,
        username=trunk.username,
        auth_username=trunk.auth_username,
        domain=trunk.domain,
        expires_s=trunk.expires_s,
        main_number=stored.main_number,
        state=status.state if status is not None else "",
        last_answer=(
            LastAnswerOut(status=answer.status, reason=answer.reason, at=answer.at)
            if answer is not None
            else None
        ),
    )


@router.get("/trunk", responses={404: {"description": "The tenant has no trunk"}})
async def get_trunk(tenant: Tenant, ctx: Platform) -> TrunkOut:
    """The tenant's trunk and its state (never its password)."""
    found = await run_in_threadpool(_trunk_out, ctx, tenant)
    if found is None:
        raise HTTPException(404, "no trunk")
    return found


@router.put("/trunk")
async def put_trunk(tenant: ConfigTenant, ctx: Platform, body: TrunkIn) -> TrunkOut:
    """Save the tenant's trunk; it registers again at once."""

    def write() -> TrunkOut | None:
        OutsideLineSettings(ctx.configuration, frozenset(ctx.settings.sip_hosts)).put_trunk(
            tenant,
            body.main_number,
            body.password,
            mode=TrunkMode(body.mode),
            host=body.host,
            port=body.port,
            transport=body.transport,
            username=body.username,
            auth_username=body.auth_username,
            domain=body.domain,
            expires_s=body.expires_s,
        )
        return _trunk_out(ctx, tenant)

    saved = await run_in_threadpool(write)
    assert saved is not None
    return saved


@router.delete("/trunk", status_code=204)
async def delete_trunk(tenant: ConfigTenant, ctx: Platform) -> Response:
    """Remove the trunk: external calls have no route any more."""
    await run_in_threadpool(OutsideLineSettings(ctx.configuration).remove_trunk, tenant)
    return Response(status_code=204)


def _class_out(item: ClassOfService) -> ClassOut:
    reach = next(name for name, value in REACH.items() if value is item.reach)
    return ClassOut(
        class_id=item.class_id,
        name=item.name,
        reach=reach,  # type: ignore[arg-type]
        premium_allowed=item.premium_allowed,
    )


@router.get("/classes-of-service")
async def list_classes(tenant: Tenant, ctx: Platform) -> list[ClassOut]:
    """The tenant's classes of service (without one: Sweden, no premium rate)."""
    classes = await run_in_threadpool(OutsideLineSettings(ctx.configuration).classes, tenant)
    return [_class_out(item) for item in classes.classes.values()]


@router.put("/classes-of-service/{class_id}")
async def put_class(
    tenant: ConfigTenant, ctx: Platform, class_id: ClassId, body: ClassIn
) -> ClassOut:
    """Create or change a class of service."""
    item = ClassOfService(class_id, body.name, REACH[body.reach], body.premium_allowed)
    await run_in_threadpool(OutsideLineSettings(ctx.configuration).put_class, tenant, item)
    return _class_out(item)


@router.delete("/classes-of-service/{class_id}", status_code=204)
async def delete_class(tenant: ConfigTenant, ctx: Platform, class_id: ClassId) -> Response:
    """Remove a class; whoever had it gets the default class."""
    settings = OutsideLineSettings(ctx.configuration)
    await run_in_threadpool(settings.remove_class, tenant, class_id)
    return Response(status_code=204)


@router.put("/class-assignments/{owner_kind}/{owner}", status_code=204)
async def assign_class(
    tenant: ConfigTenant,
    ctx: Platform,
    owner_kind: Literal["user", "group"],
    owner: Owner,
    body: AssignmentIn,
) -> Response:
    """Give a user (extension or person) or a group a class ('' for the default)."""
    settings = OutsideLineSettings(ctx.configuration)
    await run_in_threadpool(settings.assign_class, tenant, owner_kind, owner, body.class_id)
    return Response(status_code=204)
