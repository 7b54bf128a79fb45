"""Her audio device for calls (issue 16, PBX9, spec §37 §46): "Webbläsaren", "Bordstelefon"
or "Mobil" with a number — chosen on the operator console and the agent workspace, and over
the REST API (``GET``/``PUT /api/v1/me/audio-device``, ``api_audio_device.py``).

With "Webbläsaren" or "Bordstelefon" the queues' offers ring only that kind of her
extension's phones (a call to her extension rings them all). With "Mobil" the queues'
offers ring her mobile over the tenant's trunk, so she can run the
console in any browser anywhere (``vaxel.telephony.mobile_answer``: she presses 1 to take
a call). The number is normalised with phonenumbers and checked here, before it is stored,
by the one dial policy every number Växel dials is under (the tenant's, narrowed by her
class of service, PBX8: her person's and her extensions', ``mobile_users``, as the switch
dials it), and refused when the tenant has no trunk to dial it by. Each
account sets its own only (the session's account: there is no user id in the request);
every change is audited (``audio_device_changed``) and reaches telephony at once.
"""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vaxel.core.dial_policy import DialPolicy
from vaxel.core.errors import DomainError, VaxelError
from vaxel.pbx.class_of_service import mobile_users
from vaxel.pbx.numbering import normalise_did
from vaxel.runtime.directory_views import Actor
from vaxel.runtime.extensions import PhoneExtensions
from vaxel.runtime.pbx_trunks import policy_of_person
from vaxel.runtime.service_numbers import answered_numbers
from vaxel.store.accounts import User
from vaxel.store.audio_devices import AudioDevice, AudioDevices, Choice
from vaxel.store.pbx_trunks import TrunkStore
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Me, Platform, SignedIn
from vaxel.web.rendering import back

__all__ = ["MAX_MOBILE", "PATH", "choose", "device_view", "router"]

router = APIRouter(tags=["phone"])
PATH = "/min-telefon/ljudenhet"
MAX_MOBILE = 32
"""Characters of a typed mobile number ("+46 70-123 45 67" has 16); more is refused."""
PAGES = {"telefonist": "/telefonist", "agent": "/"}
"""Where the form goes back to (``till``), by name: never a URL from the request."""


def device_view(ctx: WebContext, user: User, me: Actor | None) -> dict[str, object]:
    """The form's values: her choice, the mobile (prefilled from her directory entry when
    she has none stored) and whether the tenant has a trunk to ring a mobile by."""
    choice = AudioDevices(ctx.database).of_user(user.tenant_id, user.user_id)
    mobile = choice.mobile
    if not mobile and me is not None and me.person_id:
        with contextlib.suppress(VaxelError):
            person = ctx.directory_views.person(user.tenant_id, me.person_id, me).person
            mobile = person.mobile or ""
    trunk = TrunkStore(ctx.database).trunk(user.tenant_id) is not None
    return {"device": choice.device.value, "mobile": mobile, "trunk": trunk, "path": PATH}


def choose(
    ctx: WebContext, user: User, me: Actor, device_text: str, mobile_text: str, actor: str = ""
) -> Choice:
    """Store ``user``'s choice, or raise the refusal (nothing stored): an unknown device, a
    mobile that is missing, too long, no phone number, barred for her, or no trunk. The
    pages' and the API's one path; audited as ``actor`` (her own username by default)."""
    try:
        device = AudioDevice(device_text[:16])
    except ValueError:
        raise DomainError("no such device", code="audio-device-choice") from None
    if not user.agent_id:
        raise DomainError("not an agent", code="audio-device-agent")
    store = AudioDevices(ctx.database)
    mobile = mobile_text.strip()
    if len(mobile) > MAX_MOBILE:
        raise DomainError("too long", code="audio-mobile-long", max=MAX_MOBILE)
    if device is AudioDevice.MOBILE:
        if not mobile:
            raise DomainError("no number", code="audio-mobile-missing")
        mobile = normalise_did(mobile)  # pbx-did-invalid: "… är inget giltigt telefonnummer"
        if _policy(ctx, user, me).decide(mobile).refusal is not None:
            raise DomainError("barred", code="device-mobile-barred", number=mobile)
        if _answered_here(ctx, user.tenant_id, mobile):
            raise DomainError("a number of the switch", code="audio-mobile-own", number=mobile)
        if TrunkStore(ctx.database).trunk(user.tenant_id) is None:
            raise DomainError("no trunk", code="audio-no-trunk")
    else:  # the number is kept for next time (prefilled), when it is one
        kept = store.of_user(user.tenant_id, user.user_id).mobile
        try:
            mobile = normalise_did(mobile) if mobile else kept
        except VaxelError:
            mobile = kept
    choice = Choice(device, mobile)
    store.set(user.tenant_id, user.user_id, user.username, choice, actor or user.username)
    ctx.audio_devices_changed()
    return choice


def _policy(ctx: WebContext, user: User, me: Actor) -> DialPolicy:
    """The policy her mobile is dialled under: the switch's users (``mobile_users``: her
    person and her extensions, the most restrictive class), so the two cannot disagree."""
    tenant_id = user.tenant_id
    extensions = PhoneExtensions(ctx.configuration).all(tenant_id)
    own = ((e.number, e.agent_id) for e in extensions if e.password)  # as the switch has them
    users = mobile_users(user.agent_id or "", me.person_id, own)
    return policy_of_person(ctx.database, ctx.dial_policy(tenant_id), tenant_id, users)


def _answered_here(ctx: WebContext, tenant_id: str, mobile: str) -> bool:
    """Whether ``mobile`` is a number this switch answers — any organisation's service
    number, or a direct number of her own plan: each offer would go out over the trunk and
    come back in as a new call, queued or ringing again, a loop paid for per call."""
    if any(found.number == mobile for found in answered_numbers(ctx.database)):
        return True
    return ctx.pbx_numbering.plan(tenant_id).resolve(mobile) is not None


@router.post(PATH)
def save_device(
    request: Request, session: SignedIn, ctx: Platform, me: Me, form: CsrfForm, till: str = ""
) -> Response:
    """The console's or the workspace's device form: back to that page, with the refusal
    in the flash when there is one."""
    page = PAGES.get(till[:20], "/")
    request.state.back_to = page
    choose(ctx, session.user, me, str(form.get("device", "")), str(form.get("mobile", "")))
    return back(page, saved=True)
