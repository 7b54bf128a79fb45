"""One call leg (one SIP dialog as the B2BUA holds it) as a sans-I/O state machine.

Rules kept here (RFC 3261 §13, §15, §9; the transaction layer below handles §17):
- A leg is inbound (the caller: we are the UAS) or outbound (an agent's phone, a customer, a
  transfer target: we are the UAC). Inbound legs start OFFERED, outbound legs CALLING.
- Inbound: a caller rung onward (an internal call, PBX1) is first sent 183 Session Progress
  with our SDP (EARLY_MEDIA: ringback and prompts as early media, RFC 3960, RFC 3261
  §13.3.1.1) and answered 2xx only when someone answers or Växel must talk with the caller.
  A CANCEL there is 487 (§9.2), a BYE in the early dialog 200 and 487 to the INVITE (§15),
  our hang-up the final error it carries (480, 486, 404); an early dialog still unanswered
  after :data:`MAX_EARLY_S` gets 480 (the 3-minute bound of a proxy's timer C, §16.6).
- Inbound: our 2xx is retransmitted from T1, doubling up to T2, until the ACK comes; with no
  ACK within 64·T1 the phone is gone — the leg sends BYE and ends (§13.3.1.4). A re-INVITE
  answered with 2xx re-enters ANSWERED for the same reason. CANCEL after our 2xx changes
  nothing (§9.2: a CANCEL of an answered INVITE has no effect; the caller will send BYE).
- Outbound: CANCEL only after a provisional (§9.1), so a cancel wanted in CALLING waits in
  CANCEL_WAITING for the 1xx. A 2xx that comes after we cancelled (CANCEL racing 200, or the
  losing phone of a parallel ring answering late) is ACKed and at once BYEd (§15: a UAC that
  does not want the session ends it with BYE) — never left half-open. The 2xx that made our
  dialog, resent because our ACK was lost, is ACKed again and nothing else (§13.2.2.4); a
  2xx making another dialog (a forking proxy's second answer) is ACKed and BYEd.
- BYE from the peer is answered 200 and ends the leg; an in-dialog request that times out
  (408) or a silent media stream (``media_timeout_s``) ends it with a BYE from us.
- Every step not in the table raises IllegalTransition; ENDED absorbs late BYEs (answered
  481 by the caller) and late 2xx (ACK + BYE), which a network may always deliver.
Time is given (``now``); ``next_deadline()`` says when ``on_timer`` must run.

Planned, not built (the PBX and console issues): hold and resume as a sub-state of
CONFIRMED (``held_by_peer``/``held_by_us``), refer (transfer) and replaces (pickup, park).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from vaxel.core.errors import IllegalTransition
from vaxel.telephony.leg_events import (
    AckReceived,
    Answer,
    ByeReceived,
    Cancel,
    CancelReceived,
    EarlyMediaSent,
    EndCause,
    FinalReceived,
    HangUp,
    LegAction,
    LegConfirmed,
    LegEnded,
    LegInput,
    MediaSilent,
    ProvisionalReceived,
    Refuse,
    ReinviteAnswered,
    Reply,
    RequestTimedOut,
    Resend2xx,
    SendAck,
    SendBye,
    SendCancel,
    SendFinal,
)

__all__ = ["MAX_EARLY_S", "T1", "T2", "Leg", "LegState"]

T1 = 0.5
T2 = 4.0
MAX_EARLY_S = 180.0
"""The longest a caller is kept in early media before the INVITE gets 480 (§16.6 timer C)."""


class LegState(Enum):
    OFFERED = "offered"
    """Inbound: the INVITE arrived, no final response sent yet."""
    EARLY_MEDIA = "early-media"
    """Inbound: 183 with our SDP sent, the caller hears early media; not answered yet."""
    CALLING = "calling"
    """Outbound: our INVITE is out, nothing came back."""
    EARLY = "early"
    """Outbound: a provisional came; a CANCEL may now be sent (§9.1)."""
    CANCEL_WAITING = "cancel-waiting"
    """Outbound: we want it gone but may not CANCEL before a provisional."""
    CANCELLING = "cancelling"
    """Outbound: CANCEL sent; a 487 (or a late 2xx, ACKed and BYEd) ends it."""
    ANSWERED = "answered"
    """Inbound: our 2xx sent, ACK outstanding (retransmitting, §13.3.1.4)."""
    REANSWERED = "reanswered"
    """Our 2xx to a re-INVITE sent, ACK outstanding (retransmitting as in ANSWERED)."""
    CONFIRMED = "confirmed"
    ENDED = "ended"


class Leg:
    """The life of one dialog; the switch carries out the actions it returns."""

    __slots__ = (
        "_early_until",
        "_give_up_at",
        "_interval",
        "_retransmit_at",
        "dialog_tag",
        "inbound",
        "leg_id",
        "state",
    )

    def __init__(self, leg_id: str, *, inbound: bool) -> None:
        self.leg_id = leg_id
        self.inbound = inbound
        self.state = LegState.OFFERED if inbound else LegState.CALLING
        self._retransmit_at: float | None = None
        self._interval = T1
        self._give_up_at = 0.0
        self._early_until: float | None = None
        self.dialog_tag = ""
        """Outbound: the To tag of the 2xx that confirmed the leg."""

    @property
    def ended(self) -> bool:
        return self.state is LegState.ENDED

    def next_deadline(self) -> float | None:
        """When the next 2xx retransmission (or the give-up) is due, or when an early
        dialog has lasted long enough; None when nothing is."""
        if self.state is LegState.EARLY_MEDIA:
            return self._early_until
        waiting = self.state in (LegState.ANSWERED, LegState.REANSWERED)
        return self._retransmit_at if waiting else None

    def on_timer(self, now: float) -> list[LegAction]:
        due = self.next_deadline()
        if due is None or now < due:
            return []
        if self.state is LegState.EARLY_MEDIA:  # nobody answered in time (§16.6)
            return self._unanswered(HangUp(), now)
        if now >= self._give_up_at:  # no ACK within 64·T1: the phone is gone (§13.3.1.4)
            return self._end(EndCause.NO_ACK, SendBye())
        self._interval = min(2 * self._interval, T2)
        self._retransmit_at = min(now + self._interval, self._give_up_at)
        return [Resend2xx()]

    def handle(self, event: LegInput, now: float) -> list[LegAction]:
        step = _TABLE.get((self.state, type(event)))
        if step is None:
            direction = "inbound leg" if self.inbound else "outbound leg"
            raise IllegalTransition(direction, self.state.value, type(event).__name__)
        return step(self, event, now)

    # -- steps ------------------------------------------------------------------------------

    def _early(self, event: LegInput, now: float) -> list[LegAction]:
        if self.state is LegState.OFFERED:
            self.state = LegState.EARLY_MEDIA
            self._early_until = now + MAX_EARLY_S
        return []

    def _unanswered(self, event: LegInput, now: float) -> list[LegAction]:
        """Our hang-up of a caller never answered: the INVITE's final error (no BYE)."""
        assert isinstance(event, HangUp)
        final = SendFinal(event.status, event.reason)
        return self._end(EndCause.UNANSWERED, final, status=event.status)

    def _bye_early(self, event: LegInput, now: float) -> list[LegAction]:
        """BYE in the early dialog (§15): 200 to it, 487 to the INVITE."""
        final = SendFinal(487, "Request Terminated")
        return self._end(EndCause.REMOTE_BYE, Reply(200, "OK"), final)

    def _answered(self, event: LegInput, now: float) -> list[LegAction]:
        initial = self.state in (LegState.OFFERED, LegState.EARLY_MEDIA)
        self.state = LegState.ANSWERED if initial else LegState.REANSWERED
        self._interval = T1
        self._retransmit_at = now + T1
        self._give_up_at = now + 64 * T1
        return []

    def _acked(self, event: LegInput, now: float) -> list[LegAction]:
        first = self.state is LegState.ANSWERED
        self.state = LegState.CONFIRMED
        self._retransmit_at = None
        return [LegConfirmed()] if first else []

    def _ack_again(self, event: LegInput, now: float) -> list[LegAction]:
        return []  # a retransmitted ACK, or one for a 2xx we already stopped sending

    def _refused(self, event: LegInput, now: float) -> list[LegAction]:
        assert isinstance(event, Refuse)
        return self._end(EndCause.REFUSED, status=event.status)

    def _cancelled_by_peer(self, event: LegInput, now: float) -> list[LegAction]:
        return self._end(EndCause.CANCELLED_BY_PEER, Reply(487, "Request Terminated"))

    def _cancel_too_late(self, event: LegInput, now: float) -> list[LegAction]:
        return []  # §9.2: the INVITE has its final response; CANCEL has no effect

    def _bye_received(self, event: LegInput, now: float) -> list[LegAction]:
        return self._end(EndCause.REMOTE_BYE, Reply(200, "OK"))

    def _bye_after_end(self, event: LegInput, now: float) -> list[LegAction]:
        return [Reply(481, "Call/Transaction Does Not Exist")]

    def _hang_up(self, event: LegInput, now: float) -> list[LegAction]:
        return self._end(EndCause.LOCAL_BYE, SendBye())

    def _vanished(self, event: LegInput, now: float) -> list[LegAction]:
        cause = (
            EndCause.MEDIA_TIMEOUT if isinstance(event, MediaSilent) else EndCause.REQUEST_TIMEOUT
        )
        return self._end(cause, SendBye())

    def _nothing(self, event: LegInput, now: float) -> list[LegAction]:
        return []

    def _provisional(self, event: LegInput, now: float) -> list[LegAction]:
        if self.state is LegState.CALLING:
            self.state = LegState.EARLY
            return []
        if self.state is LegState.CANCEL_WAITING:  # now the CANCEL may go (§9.1)
            self.state = LegState.CANCELLING
            return [SendCancel()]
        return []

    def _final(self, event: LegInput, now: float) -> list[LegAction]:
        assert isinstance(event, FinalReceived)
        if event.status < 300:
            if self.state in (LegState.CALLING, LegState.EARLY):
                self.state = LegState.CONFIRMED
                self.dialog_tag = event.to_tag
                return [SendAck(), LegConfirmed()]
            # we no longer want it: ACK, then BYE (§15); never left half-open
            return self._end(EndCause.LATE_ANSWER, SendAck(), SendBye())
        if self.state in (LegState.CANCEL_WAITING, LegState.CANCELLING):
            return self._end(EndCause.CANCELLED_BY_US, status=event.status)
        return self._end(EndCause.DECLINED, status=event.status)

    def _late_final(self, event: LegInput, now: float) -> list[LegAction]:
        assert isinstance(event, FinalReceived)
        if event.status >= 300:
            return []
        if self.state is not LegState.ENDED and event.to_tag == self.dialog_tag:
            return [SendAck()]  # our dialog's 2xx again: our ACK was lost (§13.2.2.4)
        return [SendAck(), SendBye()]  # a 2xx after the end, or another dialog's

    def _timed_out_ringing(self, event: LegInput, now: float) -> list[LegAction]:
        return self._end(EndCause.DECLINED, status=408)

    def _cancel(self, event: LegInput, now: float) -> list[LegAction]:
        if self.state is LegState.CALLING:
            self.state = LegState.CANCEL_WAITING
            return []
        self.state = LegState.CANCELLING
        return [SendCancel()]

    def _end(self, cause: EndCause, *before: LegAction, status: int = 0) -> list[LegAction]:
        self.state = LegState.ENDED
        self._retransmit_at = self._early_until = None
        return [*before, LegEnded(cause, status)]


_S = LegState
_Step = Callable[[Leg, LegInput, float], list[LegAction]]
_TABLE: dict[tuple[LegState, type], _Step] = {
    # inbound
    (_S.OFFERED, Answer): Leg._answered,
    (_S.OFFERED, Refuse): Leg._refused,
    (_S.OFFERED, CancelReceived): Leg._cancelled_by_peer,
    (_S.OFFERED, EarlyMediaSent): Leg._early,
    (_S.EARLY_MEDIA, EarlyMediaSent): Leg._nothing,
    (_S.EARLY_MEDIA, Answer): Leg._answered,
    (_S.EARLY_MEDIA, Refuse): Leg._refused,
    (_S.EARLY_MEDIA, CancelReceived): Leg._cancelled_by_peer,
    (_S.EARLY_MEDIA, ByeReceived): Leg._bye_early,
    (_S.EARLY_MEDIA, HangUp): Leg._unanswered,
    (_S.EARLY_MEDIA, AckReceived): Leg._ack_again,
    (_S.EARLY_MEDIA, MediaSilent): Leg._nothing,  # phones often send no early RTP
    (_S.EARLY_MEDIA, RequestTimedOut): Leg._nothing,
    (_S.ANSWERED, AckReceived): Leg._acked,
    (_S.ANSWERED, CancelReceived): Leg._cancel_too_late,
    (_S.ANSWERED, ByeReceived): Leg._bye_received,
    (_S.ANSWERED, HangUp): Leg._hang_up,
    (_S.ANSWERED, MediaSilent): Leg._vanished,
    (_S.ANSWERED, RequestTimedOut): Leg._vanished,
    (_S.REANSWERED, AckReceived): Leg._acked,
    (_S.REANSWERED, CancelReceived): Leg._cancel_too_late,
    (_S.REANSWERED, ByeReceived): Leg._bye_received,
    (_S.REANSWERED, HangUp): Leg._hang_up,
    (_S.REANSWERED, MediaSilent): Leg._vanished,
    (_S.REANSWERED, RequestTimedOut): Leg._vanished,
    (_S.REANSWERED, FinalReceived): Leg._late_final,
    (_S.CONFIRMED, AckReceived): Leg._ack_again,
    (_S.CONFIRMED, CancelReceived): Leg._cancel_too_late,
    (_S.CONFIRMED, ReinviteAnswered): Leg._answered,
    # outbound
    (_S.CALLING, ProvisionalReceived): Leg._provisional,
    (_S.CALLING, FinalReceived): Leg._final,
    (_S.CALLING, Cancel): Leg._cancel,
    (_S.CALLING, HangUp): Leg._cancel,
    (_S.CALLING, RequestTimedOut): Leg._timed_out_ringing,
    (_S.EARLY, ProvisionalReceived): Leg._provisional,
    (_S.EARLY, FinalReceived): Leg._final,
    (_S.EARLY, Cancel): Leg._cancel,
    (_S.EARLY, HangUp): Leg._cancel,
    (_S.EARLY, RequestTimedOut): Leg._timed_out_ringing,
    (_S.CANCEL_WAITING, ProvisionalReceived): Leg._provisional,
    (_S.CANCEL_WAITING, FinalReceived): Leg._final,
    (_S.CANCEL_WAITING, Cancel): Leg._nothing,
    (_S.CANCEL_WAITING, HangUp): Leg._nothing,
    (_S.CANCEL_WAITING, RequestTimedOut): Leg._timed_out_ringing,
    (_S.CANCELLING, ProvisionalReceived): Leg._nothing,
    (_S.CANCELLING, FinalReceived): Leg._final,
    (_S.CANCELLING, Cancel): Leg._nothing,
    (_S.CANCELLING, HangUp): Leg._nothing,
    (_S.CANCELLING, RequestTimedOut): Leg._timed_out_ringing,
    # both, once the dialog is up
    (_S.CONFIRMED, FinalReceived): Leg._late_final,
    (_S.CONFIRMED, ByeReceived): Leg._bye_received,
    (_S.CONFIRMED, HangUp): Leg._hang_up,
    (_S.CONFIRMED, MediaSilent): Leg._vanished,
    (_S.CONFIRMED, RequestTimedOut): Leg._vanished,
    # ended: what the network may still deliver
    (_S.ENDED, FinalReceived): Leg._late_final,
    (_S.ENDED, ProvisionalReceived): Leg._nothing,
    (_S.ENDED, AckReceived): Leg._ack_again,
    (_S.ENDED, ByeReceived): Leg._bye_after_end,
    (_S.ENDED, CancelReceived): Leg._cancel_too_late,
    (_S.ENDED, HangUp): Leg._nothing,
    (_S.ENDED, Cancel): Leg._nothing,
    (_S.ENDED, MediaSilent): Leg._nothing,
    (_S.ENDED, RequestTimedOut): Leg._nothing,
}
