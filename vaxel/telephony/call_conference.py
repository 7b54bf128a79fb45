"""The call machine's steps of a console conference larger than three (issue 16, spec §46
"Koppla upp konferenssamtal"), kept beside ``call_announce.py``.

A conference of three is the caller, her (the operator) and the person she asked
(``call_announce.py``). She may ask one more from it (``ConsultStarted`` in CONFERENCE):
the person she asked last stays in the mix as a *guest* (``CallMachine.guests`` counts
them; the switch holds their legs), her leg steps out and hears ringback, then the new
person; the caller and the guests keep talking. Alt+K adds the new person (CONFERENCE
again); going back (F4, busy, no answer, the person hanging up) puts her back in the mix
and the guest who joined last is the conference's person again. How many may take part
is the console's to refuse (a tenant's limit), not the machine's.

With guests (rules kept here):
- A guest hanging up (``GuestLeft``): the others talk on. Asking someone while the last
  guest leaves, the caller is alone in the mix and hears music again.
- The caller hanging up: the first guest takes the caller's seat; the others talk on.
- She leaves (Alt+L, Enter while she talks with the new person, her phone hanging up):
  her contact ends, the person she asked joins the mix as a guest, the caller and the
  guests talk on without her (TRANSFERRED). Then anyone hanging up leaves the rest
  talking; the last one left alone is hung up.
Pure: time is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.telephony.call_events import (
    CallAction,
    CallEvent,
    HangUpParty,
    Hear,
    Party,
    PartyLeft,
    ReportContactEnded,
    Sound,
)
from vaxel.telephony.call_states import CallState
from vaxel.telephony.consult_events import (
    CONSULT,
    ConsultFromConference,
    ConsultOver,
    ConsultStarted,
    DropConsulted,
    GuestLeft,
    GuestTakesSeat,
    GuestToConsulted,
    JoinConference,
    LeaveRoom,
)

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = [
    "ASKING",
    "WITH_GUESTS",
    "asked_from",
    "back",
    "guest_left",
    "left",
    "left_by_her",
    "person_left",
]

_C = CallState
ASKING = frozenset({_C.CONSULTING, _C.CONSULTED})
"""She asks one more person; the caller and the guests talk in the mix meanwhile."""
WITH_GUESTS = frozenset({_C.CONFERENCE, _C.TRANSFERRED}) | ASKING
"""Where a guest may hang up."""


def asked_from(call: CallMachine, event: ConsultStarted, now: float) -> list[CallAction]:
    """She asks one more person from the conference: its person becomes a guest."""
    call.guests += 1
    call.state, call.park_deadline = _C.CONSULTING, now + event.ring_s
    return [ConsultFromConference(), Hear(Party.AGENT, Sound.RINGBACK)]


def back(call: CallMachine, over: ConsultOver) -> list[CallAction]:
    """Asking from the conference is over (F4, busy, no answer, the person hung up): she
    is back in the mix, the last guest its person again."""
    call.guests -= 1
    call.state, call.park_deadline = _C.CONFERENCE, None
    return [*call.withdraw(CONSULT), DropConsulted(), over, GuestToConsulted(), JoinConference()]


def person_left(call: CallMachine, over: ConsultOver) -> list[CallAction]:
    """The conference's person hung up (or F4 let them go): the last guest is its person."""
    if call.state is not _C.CONFERENCE:
        return back(call, over)
    call.guests -= 1
    return [DropConsulted(), over, GuestToConsulted()]


def left_by_her(call: CallMachine, now: float) -> list[CallAction]:
    """She leaves: the person she asked (if answered) joins the mix as a guest."""
    actions = [*call.withdraw(CONSULT), ReportContactEnded()]
    if call.state is _C.CONSULTING:  # nobody answered yet: the ringing stops
        actions.append(DropConsulted())
    else:
        call.guests += 1
    call.state, call.park_deadline = _C.TRANSFERRED, None
    return [*actions, LeaveRoom(), ConsultOver("joined")]


def left(call: CallMachine, event: PartyLeft, now: float) -> list[CallAction]:
    """The caller or her phone hung up while the conference has guests."""
    if event.party is Party.AGENT:
        return left_by_her(call, now)
    call.guests -= 1
    if call.state is _C.TRANSFERRED and not call.guests:  # the last one left alone
        call.state = _C.ENDED
        return [GuestTakesSeat(), HangUpParty(Party.CALLER)]
    alone = call.state in ASKING and not call.guests
    return [GuestTakesSeat(alone=alone), *([Hear(Party.CALLER, Sound.MUSIC)] if alone else [])]


def guest_left(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """A guest hung up: the others talk on; the one left alone is hung up or, while she
    asks someone, hears music."""
    assert isinstance(event, GuestLeft)
    if not call.guests:
        return []
    call.guests -= 1
    if call.guests:
        return []
    if call.state is _C.TRANSFERRED:
        call.state = _C.ENDED
        return [HangUpParty(Party.CALLER)]
    if call.state in ASKING:
        return [Hear(Party.CALLER, Sound.MUSIC)]  # the switch took the caller out of the mix
    return []
