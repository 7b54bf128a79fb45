"""Refusing a call with words (issue 14, Bad input; PBX1): a caller who dials a number that
does not exist hears "Numret du har slagit finns inte." before the 404, never silence.

Rules kept here:
- The INVITE is answered 183 Session Progress with our SDP answer (RFC 3264) and the prompt
  plays as early media (RFC 3960's gateway model: the caller's phone plays what arrives on
  the early dialog); when it has played, the final response (404) ends the transaction.
  Nothing is ever answered 200, so nothing is billed and no dialog is confirmed.
- The prompt is in the tenant's language (``CallPrompts``); no tenant known (a carrier
  dialling a number of no tenant) is Swedish.
- Limits: at most :data:`MAX_PENDING` refusals play at once, at most
  :data:`MAX_PER_SOURCE` of them to one authenticated source address (so one scanner
  dialling number after number cannot take every slot and leave other callers the bare
  404), and each for at most :data:`MAX_PROMPT_S`; beyond that, or without a usable SDP
  offer or a free RTP port, the final response goes at once (the caller is never kept
  waiting on a refusal). The source is the address the INVITE came from: phones behind one
  NAT share it. A carrier's trunk or a node-wide trusted peer (an SBC) carries many
  callers from one address, so its INVITEs are not bounded per source.
- Reflection (attack A4): an INVITE trusted by its source address alone (a trunk, an SBC:
  no digest round trip) may be forged, its SDP naming a victim. Its prompt goes out only
  once the caller's own RTP has arrived at the port our 183 gave (``RemoteMedia.await_rtp``,
  symmetric RTP); a digest-authenticated INVITE proved its source and is told at once.
- A CANCEL while the prompt plays is answered 487 and the media freed; shutting down
  answers every refusal still playing at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from vaxel.media.backend import MediaBackend, MediaEvent, PlaybackFinished, PortsExhausted
from vaxel.media.player import Comfort
from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.message import Request
from vaxel.sip.sdp import answer_offer, parse_sdp, serialize_sdp
from vaxel.sip.transaction import CancelReceived, RequestReceived, ServerKey
from vaxel.sip.transport import TimerDriver
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.dialout import session_id
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.notices import CallPrompts, SystemPrompt, system_prompt

__all__ = ["MAX_PENDING", "MAX_PER_SOURCE", "MAX_PROMPT_S", "EarlyRefusals"]

log = logging.getLogger(__name__)

MAX_PENDING = 200
"""Refusals playing at once; more get the bare final response (RTP ports are for calls)."""
MAX_PER_SOURCE = 10
"""Refusals playing at once to one source address (one scanner cannot take them all)."""
MAX_PROMPT_S = 15.0
"""The longest a refusal's early media may last before its final response goes anyway."""


@dataclass(slots=True)
class _Refusal:
    server_key: ServerKey
    request: Request
    to_tag: str
    endpoint_id: str
    playback_id: str
    status: int
    reason: str
    deadline: float
    source: str


class EarlyRefusals:
    """INVITEs being refused after a prompt; the switch hands on media events and CANCELs."""

    def __init__(
        self,
        sip: SipEndpoint,
        media: MediaBackend,
        bridging: Bridging,
        prompts: CallPrompts,
        language: Callable[[str], str],
    ) -> None:
        self.sip = sip
        self.media = media
        self.bridging = bridging
        self.prompts = prompts
        self.language = language
        self.limit = MAX_PENDING
        self.per_source = MAX_PER_SOURCE
        self._per_source: dict[str, int] = {}
        """Refusals playing now per source address (none: no key)."""
        self._by_endpoint: dict[str, _Refusal] = {}
        self._by_invite: dict[ServerKey, _Refusal] = {}
        self.timer = TimerDriver(self, self._due)

    def refuse(
        self,
        event: RequestReceived,
        tenant_id: str,
        prompt: SystemPrompt,
        status: int = 404,
        reason: str = "Not Found: no such number",
        *,
        proven: bool = False,
    ) -> None:
        """Tell the caller of ``event`` (an INVITE) ``prompt`` as early media, then answer
        ``status``; at once when it cannot be played (see the module's rules). ``proven``:
        the INVITE was digest-authenticated (else trusted by its source address alone)."""
        request = event.request
        prompt_id = system_prompt(prompt, self.language(tenant_id) if tenant_id else "sv")
        try:
            offer = parse_sdp(request.body)
        except ParseError:
            offer = None
        source = event.source[0] if proven else ""  # "": not bounded per source
        if (
            offer is None
            or len(self._by_endpoint) >= self.limit
            or (source and self._per_source.get(source, 0) >= self.per_source)
            or not self.prompts.known(prompt_id)
        ):
            raise SipError(reason, status)
        try:
            endpoint = self.media.allocate(f"refusal-{self.sip.token(12)}")
        except PortsExhausted:
            raise SipError(reason, status) from None
        try:
            answer, negotiated = answer_offer(
                offer, endpoint.address, endpoint.port, session_id=session_id(), version=1
            )
        except SipError:
            self.media.release(endpoint.endpoint_id)
            raise SipError(reason, status) from None
        self.bridging.set_remote(endpoint, negotiated, event.source[0], await_rtp=not proven)
        self.media.set_comfort(endpoint.endpoint_id, Comfort.SILENCE)
        to_tag = self.sip.token()
        self.sip.respond(
            event.server_key,
            request,
            183,
            "Session Progress",
            to_tag=to_tag,
            body=serialize_sdp(answer),
        )
        playback_id = self.media.play(endpoint.endpoint_id, [prompt_id])
        refusal = _Refusal(
            event.server_key,
            request,
            to_tag,
            endpoint.endpoint_id,
            playback_id,
            status,
            reason,
            self.sip.now + MAX_PROMPT_S,
            source,
        )
        if source:
            self._per_source[source] = self._per_source.get(source, 0) + 1
        self._by_endpoint[endpoint.endpoint_id] = refusal
        self._by_invite[event.server_key] = refusal
        self.timer.rearm()
        log.info("%s refused %d after %s", request.call_id, status, prompt_id)

    def playing_from(self, source: str) -> int:
        """How many refusals play now to callers at ``source`` (an address)."""
        return self._per_source.get(source, 0)

    def on_media(self, event: MediaEvent) -> bool:
        """True when ``event`` was a refusal's: its prompt is over, the final answer goes."""
        refusal = self._by_endpoint.get(event.endpoint_id)
        if refusal is None:
            return False
        if isinstance(event, PlaybackFinished) and event.playback_id == refusal.playback_id:
            self._end(refusal, refusal.status, refusal.reason)
        return True

    def cancelled(self, event: CancelReceived) -> bool:
        """True when the CANCEL was for a refusal: 487, and its media freed."""
        refusal = self._by_invite.get(event.invite_key) if event.invite_key else None
        if refusal is None:
            return False
        self._end(refusal, 487, "Request Terminated")
        return True

    def close(self) -> None:
        """Shutting down: every refusal still playing gets its final response now (the
        caller is not left to time out) and its media freed."""
        for refusal in list(self._by_endpoint.values()):
            self._end(refusal, refusal.status, refusal.reason)
        self.timer.cancel()

    def next_deadline(self) -> float | None:
        return min((r.deadline for r in self._by_endpoint.values()), default=None)

    def _due(self, now: float) -> None:
        for refusal in [r for r in self._by_endpoint.values() if r.deadline <= now]:
            self._end(refusal, refusal.status, refusal.reason)

    def _end(self, refusal: _Refusal, status: int, reason: str) -> None:
        del self._by_endpoint[refusal.endpoint_id]
        del self._by_invite[refusal.server_key]
        if refusal.source:
            left = self._per_source.pop(refusal.source) - 1
            if left:
                self._per_source[refusal.source] = left
        self.media.release(refusal.endpoint_id)
        self.sip.respond(refusal.server_key, refusal.request, status, reason, to_tag=refusal.to_tag)
        self.timer.rearm()
