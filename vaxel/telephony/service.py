"""Telephony as one service: SIP endpoint, registrar, media engine and switch, wired.

Built by the composition root (``vaxel.app``) from a :class:`TelephonyDirectory`. Keeps the
ACD's next deadline (offer timeouts, overflow, callbacks becoming due) among the calls' on
their one timer (``timers.py``) so contacts move even when no SIP message arrives.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import ssl
import time
from collections.abc import Callable

from vaxel.acd.ports import ContactCenterPort, EngineUnavailable
from vaxel.media.backend import MediaEvent
from vaxel.media.engine import BuiltinMediaBackend
from vaxel.prompts import PromptLibrary
from vaxel.runtime.supervise import start_supervised
from vaxel.sip.throttle import RateLimit
from vaxel.sip.transaction import Event as SipEvent
from vaxel.sip.transport import DEFAULT_UDP_BUFFER
from vaxel.telephony.calls import Call
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.elsewhere import PartiesElsewhere
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.registration import Registration
from vaxel.telephony.switch import Switch
from vaxel.telephony.timers import CallTimers
from vaxel.telephony.trunk_registrations import TrunkRegistrations

__all__ = ["TelephonyService"]

log = logging.getLogger(__name__)
_ACD = ("acd",)  # the ACD's deadline among the calls' (``timers.py``)


class TelephonyService:
    def __init__(
        self,
        center: ContactCenterPort,
        directory: TelephonyDirectory,
        *,
        host: str = "127.0.0.1",
        sip_port: int = 5060,
        rtp_ports: tuple[int, int] = (20000, 29998),
        media_timeout_s: float | None = 30.0,
        invites_per_second: float = 20.0,
        prompts: PromptLibrary | None = None,
        secret: bytes | None = None,
        clock: Callable[[], float] = time.time,
        voicemail_dir: str = "var/voicemail",
        drive_acd_timers: bool = True,
        elsewhere: PartiesElsewhere | None = None,
        tls: ssl.SSLContext | None = None,
        tls_port: int = 5061,
        sip_udp_buffer: int = DEFAULT_UDP_BUFFER,
    ) -> None:
        self.center = center
        self.directory = directory
        self.clock = clock
        self.prompts = prompts or PromptLibrary()
        self.sip = SipEndpoint(
            self._on_sip,
            host=host,
            port=sip_port,
            tls=tls,
            tls_port=tls_port,
            udp_buffer=sip_udp_buffer,
        )
        self.media = BuiltinMediaBackend(
            self.prompts.load,
            self._on_media,
            host=host,
            ports=rtp_ports,
            media_timeout_s=media_timeout_s,
        )
        self.registration = Registration(
            self.sip, directory, secret or secrets.token_bytes(32), clock, center
        )
        self.timers = CallTimers(clock, self._call_due)
        self.switch = Switch(
            self.sip,
            self.media,
            center,
            directory,
            self.registration,
            clock,
            self.timers,
            prompt_exists=self.prompts.exists,
            voicemail_dir=voicemail_dir,
            invite_limit=RateLimit(invites_per_second, max(1, round(2 * invites_per_second))),
            elsewhere=elsewhere,
        )
        self.trunks = TrunkRegistrations(self.sip)
        """The registering trunks' REGISTERs (issue 14 §2)."""
        self.drive_acd_timers = drive_acd_timers
        self._acd_armed_for: float | None = None
        self._housekeeping: asyncio.Task[None] | None = None

    @property
    def address(self) -> tuple[str, int]:
        return (self.sip.host, self.sip.port)

    async def start(self) -> None:
        await self.sip.start()
        self.trunks.apply(self.directory.outside.trunks)
        self._housekeeping = start_supervised("telephony: registrations", self._expire_forever)
        self._arm_acd()

    async def close(self) -> None:
        if self._housekeeping is not None:
            self._housekeeping.cancel()
        self.timers.close()
        self.switch.leg_timer.cancel()
        self.switch.refusals.close()  # prompts before a 404 still playing: the 404 now
        self.trunks.close()
        await self.media.close()
        await self.sip.close()

    def _on_sip(self, event: SipEvent) -> None:
        if self.trunks.on_sip(event):
            return  # a carrier's answer to one of our REGISTERs
        self.switch.on_sip(event)
        self._arm_acd()

    def _on_media(self, event: MediaEvent) -> None:
        self.switch.on_media(event)
        self._arm_acd()

    def _call_due(self, call: Call, deadline: float) -> None:
        self.switch.call_due(call, deadline)
        self._arm_acd()

    def after_external_submit(self) -> None:
        """Carry out ACD commands produced outside telephony (simulator, web)."""
        self.switch.drain()
        self._arm_acd()

    def _arm_acd(self) -> None:
        """The ACD's next deadline joins the calls' on their one timer (``timers.py``)."""
        if not self.drive_acd_timers:
            return
        deadline = self.center.next_deadline()
        if deadline is not None and deadline != self._acd_armed_for:
            self._acd_armed_for = deadline  # most SIP events do not move the ACD's deadline
            # a millisecond late: the center ticks on its own clock, which must have come
            self.timers.at(_ACD, deadline + 0.001, self._acd_due, None)
        elif deadline is None and self._acd_armed_for is not None:
            self._acd_armed_for = None
            self.timers.at(_ACD, None, self._acd_due, None)

    def _acd_due(self, _: None, now: float) -> None:
        self._acd_armed_for = None
        try:
            self.center.tick(self.clock())
            self.switch.drain()
        except EngineUnavailable as away:  # logged by the center; try again, not at once
            self._acd_armed_for = self.center.next_deadline()
            self.timers.at(_ACD, self.clock() + away.retry_after_s, self._acd_due, None)
            return
        except Exception:  # logged; the timer is armed again all the same (issue 9 §1)
            log.exception("ACD timer failed")
        self._arm_acd()

    async def _expire_forever(self) -> None:
        while True:
            await asyncio.sleep(15)
            self.registration.expire()
            for sweep in self.switch.actions.sweeps:  # line feed reconciled, readiness re-checked
                try:
                    sweep()
                except Exception:  # one part's fault must not stop the registrations' expiry
                    log.exception("a sweep failed")
            self.after_external_submit()  # an agent the re-check made ready is offered calls
