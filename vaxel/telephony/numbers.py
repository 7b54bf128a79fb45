"""The dial policy at the SIP edge: a refused number becomes the SIP answer (PBX8).

Callbacks (CB9), overflow to a number (Q18) and transfers dial numbers that callers, agents
and admins typed. The rules live in one place, :mod:`vaxel.core.dial_policy`; here a
refusal is turned into the SipError the switch answers with (484 for garbage, 403 for a
barred number).
"""

from __future__ import annotations

from vaxel.core.dial_policy import DialPolicy, DialRefusal, NumberRefused, normalise
from vaxel.sip.errors import SipError

__all__ = ["DialPolicy", "DialRefusal", "NumberRefused", "dial_or_sip_error", "normalise"]


def dial_or_sip_error(policy: DialPolicy, number: str) -> str:
    """The number to dial under ``policy``; raises the SipError to answer otherwise."""
    try:
        return policy.check(number)
    except NumberRefused as refused:
        raise SipError(refused.reason, refused.status) from None
