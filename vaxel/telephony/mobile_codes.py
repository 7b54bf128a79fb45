"""Feature codes from a mobile over the trunk (PBX1 "mobile extension", PBX9 crisis
operation): ``TargetKind.FEATURE_CODES``, the tenant's number for them.

Rules kept here:
- The caller's number (as the carrier presents it) must be the number of a MOBILE device
  of exactly one person of the tenant; else they hear "Numret du ringer från är inte
  registrerat som mobil …" and the call ends. Caller id can be spoofed, so the number
  only says whose PIN to ask: the dialogue (``phone_admin.py``, the same as recording by
  phone) asks that person's voicemail PIN (three wrong end the call, ten an hour lock the
  mailbox), then "Slå koden …", and carries the code out as them — forwarding, presence,
  group log-in, as from their desk phone, with their rights and barring; recording and
  switching lavinbesked are refused here.
- An extension calling the number is its own phone's person (the PIN is still asked).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from vaxel.core.dial_policy import NumberRefused, normalise
from vaxel.media.player import Comfort
from vaxel.pbx.devices import DeviceKind
from vaxel.pbx.feature_codes import MobileCodes
from vaxel.pbx.phone_admin import GOODBYE, NOT_A_MOBILE

if TYPE_CHECKING:
    from vaxel.pbx.numbering import Target
    from vaxel.telephony.calls import Call
    from vaxel.telephony.internal import Caller
    from vaxel.telephony.person_reach import ReachingPeople
    from vaxel.telephony.switch import Switch

__all__ = ["MobileCodeAccess"]

log = logging.getLogger(__name__)


def _e164(number: str) -> str:
    try:
        return normalise(number)
    except NumberRefused:
        return ""


class MobileCodeAccess:
    """The FEATURE_CODES handler (``internal.py``'s handlers)."""

    def __init__(self, switch: Switch, people: ReachingPeople) -> None:
        self.switch = switch
        self.people = people

    def start(self, call: Call, target: Target, caller: Caller) -> None:
        if caller.extension:
            person = self.people.person_of_phone(call.tenant_id, caller.extension)
        else:
            person = self.mobile_owner(call.tenant_id, caller.number)
        admin = self.switch.voicemail_calls.admin
        if person and admin.start(call, person, MobileCodes()):
            log.info("%s: feature codes from the mobile of %s", call.call_id, person)
            return
        log.info(
            "%s: feature-code number from %r: no mobile of anyone", call.call_id, caller.number
        )
        if call.caller is not None:
            self.switch.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        self.switch.bridging.caller_hears(call, [NOT_A_MOBILE, GOODBYE], then_hangup=True)

    def mobile_owner(self, tenant_id: str, number: str) -> str | None:
        """The one person of ``tenant_id`` with a mobile device at ``number``; None for
        nobody or several (the PIN of whom to ask would be a guess)."""
        wanted = _e164(number)
        if not wanted:
            return None
        owners = {
            person_id
            for (tenant, person_id), held in self.switch.directory.pbx.people.items()
            if tenant == tenant_id
            and any(
                d.kind is DeviceKind.MOBILE and _e164(d.address) == wanted for d in held.devices
            )
        }
        return owners.pop() if len(owners) == 1 else None
