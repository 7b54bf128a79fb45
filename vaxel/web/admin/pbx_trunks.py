"""The tenant's outside lines (issue 14 §2, PBX2, PBX8): the trunk to its carrier with its
state as running telephony sees it (registered, refused with the carrier's answer,
unreachable), classes of service and who has which, and number presentation.

The trunk password is write-only: the form never shows it, and an empty field on a change
keeps the stored one (``vaxel.store.pbx_trunks`` says how it is protected).
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from vaxel.pbx.class_of_service import ClassOfService, Reach, ServiceClassError
from vaxel.pbx.presentation import PresentationMode
from vaxel.pbx.trunks import TrunkError, TrunkMode, TrunkStatus
from vaxel.runtime.pbx_trunks import GROUP, USER, OutsideLineSettings
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import N_, gettext
from vaxel.web.rendering import back, local_time, render

__all__ = ["STATES", "router", "state_text"]

PATH = "/admin/pbx/trunk"
router = APIRouter(prefix=PATH, tags=["admin"], dependencies=[Depends(require_admin)])

STATES = {
    "registered": N_("Registrerad hos operatören"),
    "registering": N_("Registrerar …"),
    "refused": N_("Nekad av operatören"),
    "unreachable": N_("Operatören svarar inte"),
    "unregistered": N_("Inte registrerad"),
    "ip": N_("IP-betrodd (registreras inte)"),
}
REACHES = {
    Reach.INTERNAL: N_("Bara interna nummer (och 112, 114 14)"),
    Reach.NATIONAL: N_("Sverige"),
    Reach.INTERNATIONAL: N_("Sverige och utlandet"),
}
MODES = {
    PresentationMode.DIRECT: N_("Direktnumret"),
    PresentationMode.MAIN: N_("Huvudnumret"),
    PresentationMode.WITHHELD: N_("Dolt nummer"),
}


def settings_of(platform: Platform) -> OutsideLineSettings:
    return OutsideLineSettings(platform.configuration, frozenset(platform.settings.sip_hosts))


Settings = Annotated[OutsideLineSettings, Depends(settings_of)]


def state_text(status: TrunkStatus | None) -> str:
    """The trunk's state in the reader's language, with the carrier's last answer."""
    if status is None:
        return gettext("Telefonin är inte igång på den här servern")
    text = gettext(STATES.get(status.state, status.state))
    answer = status.last_answer
    if answer is not None and status.state in ("refused", "unreachable"):
        said = f"{answer.status} {answer.reason}".strip() if answer.reason else ""
        text += f": {said}" if said else ""
    return text


@router.get("")
def trunk_page(
    request: Request, session: SignedIn, platform: Platform, settings: Settings
) -> Response:
    tenant_id = session.user.tenant_id
    stored = settings.trunk(tenant_id)
    status = platform.trunk_status(tenant_id)
    checked = local_time(status.last_answer.at) if status and status.last_answer else ""
    classes = settings.classes(tenant_id)
    presentations = settings.presentations(tenant_id)
    values: dict[str, Any] = {
        "stored": stored,
        "status": status,
        "state": state_text(status) if stored is not None else "",
        "checked": checked,
        "classes": list(classes.classes.values()),
        "assignments": [(USER, o, c) for o, c in sorted(classes.users.items())]
        + [(GROUP, o, c) for o, c in sorted(classes.groups.items())],
        "presentations": [
            (USER, o, m, presentations.direct_numbers.get(o, ""))
            for o, m in sorted(presentations.users.items())
        ]
        + [
            (GROUP, o, m, presentations.direct_numbers.get(o, ""))
            for o, m in sorted(presentations.groups.items())
        ],
        "main_number": presentations.main_number,
        "reaches": REACHES,
        "modes": MODES,
        "now": time.time(),
    }
    return render(request, "admin/pbx_trunk.html", session, **values)


def _int(form: FormData, name: str, default: int) -> int:
    raw = str(form.get(name, "")).strip()
    if not raw:
        return default
    if not raw.isdecimal() or len(raw) > 6:
        raise TrunkError(name, "whole-number", value=raw[:20])
    return int(raw)


@router.post("", dependencies=[returns_to(PATH)])
async def save_trunk(form: CsrfForm, settings: Settings, tenant_id: TenantId) -> Response:
    mode = str(form.get("mode", "register"))
    if mode not in (m.value for m in TrunkMode):
        raise TrunkError("mode", "choice", allowed="register, ip")
    settings.put_trunk(
        tenant_id,
        str(form.get("main_number", "")).strip()[:40],
        str(form.get("password", ""))[:200],
        mode=TrunkMode(mode),
        host=str(form.get("host", "")).strip()[:260],
        port=_int(form, "port", 5060),
        username=str(form.get("username", "")).strip()[:80],
        auth_username=str(form.get("auth_username", "")).strip()[:80],
        domain=str(form.get("domain", "")).strip()[:260],
        expires_s=_int(form, "expires_s", 3600),
        transport=str(form.get("transport", "udp"))[:8],
    )
    return back(PATH, saved=True)


@router.post("/remove")
async def remove_trunk(form: CsrfForm, settings: Settings, tenant_id: TenantId) -> Response:
    settings.remove_trunk(tenant_id)
    return back(PATH)


@router.post("/classes", dependencies=[returns_to(PATH)])
async def save_class(form: CsrfForm, settings: Settings, tenant_id: TenantId) -> Response:
    raw_reach = str(form.get("reach", "1"))
    if raw_reach not in ("0", "1", "2"):
        raise ServiceClassError("reach", "choice", allowed="0, 1, 2")
    service_class = ClassOfService(
        str(form.get("class_id", "")).strip()[:60],
        str(form.get("name", "")).strip()[:100],
        Reach(int(raw_reach)),
        form.get("premium_allowed") == "on",
    )
    settings.put_class(tenant_id, service_class)
    return back(PATH, saved=True)


@router.post("/classes/{class_id}/remove")
async def remove_class(
    class_id: str, form: CsrfForm, settings: Settings, tenant_id: TenantId
) -> Response:
    settings.remove_class(tenant_id, class_id[:60])
    return back(PATH)


@router.post("/assignments", dependencies=[returns_to(PATH)])
async def assign_class(form: CsrfForm, settings: Settings, tenant_id: TenantId) -> Response:
    settings.assign_class(
        tenant_id,
        str(form.get("owner_kind", USER))[:8],
        str(form.get("owner", "")).strip()[:80],
        str(form.get("class_id", "")).strip()[:60],
    )
    return back(PATH, saved=True)


@router.post("/presentations", dependencies=[returns_to(PATH)])
async def set_presentation(form: CsrfForm, settings: Settings, tenant_id: TenantId) -> Response:
    settings.put_presentation(
        tenant_id,
        str(form.get("owner_kind", USER))[:8],
        str(form.get("owner", "")).strip()[:80],
        str(form.get("presentation", "main"))[:16],
        str(form.get("direct_number", "")).strip()[:40],
    )
    return back(PATH, saved=True)
