"""Number presentation (nummerpresentation, PBX2): which number a called party sees.

Rules kept here:
- Each person's (or group's) outgoing calls present one of: their direct number, the
  organisation's main number, or nothing (withheld). A person's own setting wins over
  their group's; the default is the main number. ``DIRECT`` without a direct number falls
  back to the main number rather than presenting something nobody answers.
- The presented number is E.164 (``+46101234567``): that is the form carriers expect and
  a number the called party can dial back exactly as shown (PBX2).
- Withheld follows RFC 3323 and RFC 3325 as Swedish carriers expect: From is
  ``"Anonymous" <sip:anonymous@anonymous.invalid>``, the real number still goes to the
  carrier in P-Asserted-Identity (it needs it for emergency calls and billing), and
  ``Privacy: id`` tells it to strip that before the called party sees it.
- A call we pass on (a forward or transfer of an incoming call to an external number)
  keeps the original caller's id unchanged, as the caller sent it; P-Asserted-Identity
  then carries our own number, whose trunk answers for the call (PBX2: incoming caller id
  passed on unchanged through operator and groups). An anonymous caller stays anonymous.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from vaxel.sip.auth import quote

__all__ = [
    "ANONYMOUS_URI",
    "PresentationMode",
    "Presentations",
    "PresentedIdentity",
    "identity_headers",
    "passed_on",
]

ANONYMOUS_URI = "sip:anonymous@anonymous.invalid"
"""RFC 3323 §4.1.1.3: the From of a call whose caller withholds their identity."""


class PresentationMode(StrEnum):
    DIRECT = "direct"
    MAIN = "main"
    WITHHELD = "withheld"


@dataclass(frozen=True, slots=True)
class PresentedIdentity:
    """What goes out on a call: the From user and name, the asserted number (RFC 3325),
    and ``withheld`` for Privacy: id."""

    number: str
    """The From user: an E.164 number, or "anonymous"."""
    display_name: str
    asserted: str
    """P-Asserted-Identity's number: ours (the trunk answers for it); "" for none."""
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class Presentations:
    """A tenant's presentation settings; pure, rebuilt when an admin changes them."""

    main_number: str
    """The organisation's main number, E.164."""
    users: Mapping[str, PresentationMode] = field(default_factory=dict)
    groups: Mapping[str, PresentationMode] = field(default_factory=dict)
    direct_numbers: Mapping[str, str] = field(default_factory=dict)
    """Person (or group) → their direct number, E.164 (from the numbering plan's DIDs)."""

    def mode_for(self, user: str, groups: Iterable[str] = ()) -> PresentationMode:
        own = self.users.get(user)
        if own is not None:
            return own
        return next((self.groups[g] for g in groups if g in self.groups), PresentationMode.MAIN)

    def present(
        self, user: str, display_name: str = "", groups: Iterable[str] = ()
    ) -> PresentedIdentity:
        """The identity ``user``'s outgoing call presents (see the rules)."""
        groups = tuple(groups)
        mode = self.mode_for(user, groups)
        direct = self.direct_numbers.get(user) or next(
            (self.direct_numbers[g] for g in groups if g in self.direct_numbers), ""
        )
        own = direct or self.main_number
        if mode is PresentationMode.WITHHELD:
            return PresentedIdentity("anonymous", "Anonymous", own, withheld=True)
        if mode is PresentationMode.DIRECT and direct:
            return PresentedIdentity(direct, display_name, direct)
        return PresentedIdentity(self.main_number, display_name, self.main_number)


def passed_on(caller_number: str, caller_name: str, our_number: str) -> PresentedIdentity:
    """The identity of an incoming call we pass on to an external number: the caller's,
    unchanged; an anonymous caller stays withheld (see the rules)."""
    if not caller_number or caller_number.lower() == "anonymous":
        return PresentedIdentity("anonymous", "Anonymous", our_number, withheld=True)
    return PresentedIdentity(caller_number, caller_name, our_number)


def identity_headers(identity: PresentedIdentity, domain: str) -> tuple[str, list[tuple[str, str]]]:
    """The From value (without tag) and the extra headers (P-Asserted-Identity, Privacy)
    for ``identity`` on a trunk whose SIP domain is ``domain``."""
    shown = "".join(c for c in identity.display_name if c >= " ")  # no line breaks, NUL
    name = f"{quote(shown)} " if shown else ""
    if identity.withheld:
        from_value = f"{name}<{ANONYMOUS_URI}>"
    else:
        from_value = f"{name}<sip:{identity.number}@{domain}>"
    extra: list[tuple[str, str]] = []
    if identity.asserted:
        extra.append(("P-Asserted-Identity", f"<sip:{identity.asserted}@{domain}>"))
    if identity.withheld:
        extra.append(("Privacy", "id"))
    return from_value, extra
