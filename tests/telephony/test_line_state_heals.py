"""A person's line is never left "Upptagen" or "Ringer" by a call the switch dropped (issue
16, DIR4, OP2, OP4: every fault degrades only what depends on it and heals by itself).

Karin's desk phone calls Olle's (short number 4601) through a real switch on 127.0.0.1,
scripted UDP phones on both sides; the call ends each way a call can end without a
goodbye — Olle's phone vanishes mid-call (its media timeout hangs it up), Karin's CANCEL
while his phone rings, his phone never answering our INVITE (its transaction times out),
and a fault in one part of the switch as the call steps or ends — and both lines are free
again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from itertools import count

import pytest

from tests.telephony.conftest import Running
from tests.telephony.test_attended_refusals import talking
from tests.telephony.test_attended_transfer_robots import Transferor
from tests.telephony.test_parallel_ring import answer_sdp
from tests.telephony.test_pbx_forwarding import PASSWORD, PEOPLE, Reach, plan
from tests.telephony.test_robot_phones import wait_for
from vaxel.directory.presence import LineState
from vaxel.media.backend import MediaTimeout
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.auth import authorization_for
from vaxel.sip.message import Request, Response
from vaxel.sip.transaction import TransactionTimeout

pytestmark = pytest.mark.interop

_n = count(900)


class Caller(Transferor):
    """Karin's phone: dials and, while the callee rings, CANCELs (RFC 3261 §9.1)."""

    async def ring(self, server: int, number: str) -> tuple[str, str, str, int]:
        """INVITE ``number`` (digest on the 407) until the switch says it rings."""
        n = next(_n)
        call_id, tag, uri = (
            f"heal-{self.port}-{n}",
            f"{self.tag}h{n}",
            f"sip:{number}@127.0.0.1:{server}",
        )
        authorization = ""
        for _ in range(2):
            n = next(_n)
            branch = f"z9hG4bKheal{n}"
            head = (
                f"INVITE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch}"
                f";rport\r\nFrom: <sip:{self.extension}@127.0.0.1>;tag={tag}\r\nTo: <{uri}>\r\n"
                f"Call-ID: {call_id}\r\nCSeq: {n} INVITE\r\nMax-Forwards: 70\r\n"
                f"Contact: <sip:{self.extension}@127.0.0.1:{self.port}>\r\n{authorization}"
                "Content-Type: application/sdp\r\n"
            )
            body = answer_sdp(self.rtp_port)
            self.send(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            reply = await self.expect(
                lambda m: isinstance(m, Response) and m.cseq[1] == "INVITE" and m.status > 100
            )
            assert isinstance(reply, Response)
            if reply.status != 407:
                return call_id, tag, branch, n
            self.branch = branch
            self.ack_failure(reply)
            value = authorization_for(
                reply.headers.get("Proxy-Authenticate") or "",
                username=self.extension,
                password=self.password,
                method="INVITE",
                uri=uri,
                cnonce=tag,
            )
            authorization = f"Proxy-Authorization: {value}\r\n"
        raise AssertionError("no provisional answer")

    def cancel(self, server: int, number: str, call_id: str, tag: str, branch: str, n: int) -> None:
        uri = f"sip:{number}@127.0.0.1:{server}"
        self.send(
            (
                f"CANCEL {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch}"
                f";rport\r\nFrom: <sip:{self.extension}@127.0.0.1>;tag={tag}\r\nTo: <{uri}>\r\n"
                f"Call-ID: {call_id}\r\nCSeq: {n} CANCEL\r\nMax-Forwards: 70\r\n"
                "Content-Length: 0\r\n\r\n"
            ).encode()
        )


def lines(reach: Reach) -> tuple[LineState, LineState]:
    return reach.line(DEMO_TENANT, "karin"), reach.line(DEMO_TENANT, "olle")


async def phones(running: Running) -> tuple[Reach, Caller, Transferor]:
    reach = plan(running)
    karin = Caller(running.port, PEOPLE["karin"][0], PASSWORD)
    olle = Transferor(running.port, PEOPLE["olle"][0], PASSWORD)
    for phone in (karin, olle):
        await phone.register()
    return reach, karin, olle


async def healed(running: Running, reach: Reach) -> None:
    """The switch holds no call and both lines are free, within 5 s."""
    await wait_for(lambda: not running.service.switch.calls, 5)
    await wait_for(lambda: lines(reach) == (LineState.IDLE, LineState.IDLE), 5)


async def test_a_phone_that_vanishes_mid_call_frees_both_lines(untrusted: Running) -> None:
    running = untrusted
    reach, karin, olle = await phones(running)
    try:
        await asyncio.wait_for(talking(karin, olle, running.port, "4601"), 10)
        assert lines(reach) == (LineState.BUSY, LineState.BUSY)
        [call] = running.service.switch.calls.values()
        gone = call.agent  # his phone's leg, the one the switch rang
        assert gone is not None and gone is not call.caller
        olle.close()  # his phone is gone: no BYE, no RTP, nothing answers
        running.service.switch.on_media(MediaTimeout(gone.endpoint.endpoint_id, 30.0))
        await healed(running, reach)
    finally:
        karin.close()


async def test_her_cancel_while_his_phone_rings_frees_both_lines(untrusted: Running) -> None:
    running, port = untrusted, untrusted.port
    reach, karin, olle = await phones(running)
    try:
        rung = asyncio.create_task(olle.rung())
        ids = await karin.ring(port, "4601")
        await asyncio.wait_for(rung, 10)
        await wait_for(lambda: lines(reach) == (LineState.BUSY, LineState.RINGING), 5)
        karin.cancel(port, "4601", *ids)
        await healed(running, reach)
    finally:
        karin.close()
        olle.close()


async def test_an_invite_nobody_answers_times_out_and_frees_both_lines(untrusted: Running) -> None:
    """Olle's phone takes the INVITE and says nothing more; the transaction layer's timer B
    (64·T1, 32 s) is told to the switch as the event it delivers."""
    running, port = untrusted, untrusted.port
    reach, karin, olle = await phones(running)
    switch = running.service.switch
    try:
        invited = asyncio.create_task(olle.expect(lambda m: isinstance(m, Request)))
        ids = await karin.ring(port, "4601")
        await asyncio.wait_for(invited, 10)
        await wait_for(lambda: lines(reach) == (LineState.BUSY, LineState.RINGING), 5)
        [call] = switch.calls.values()
        forks = [fork for attempt in call.attempts.values() for fork in attempt.forks.values()]
        for fork in forks:
            switch.on_sip(TransactionTimeout(fork.client_key, fork.invite))
        await wait_for(lambda: reach.line(DEMO_TENANT, "olle") is LineState.IDLE, 5)
        if switch.calls:  # what the plan does next (a notice, voicemail…): she gives up
            karin.cancel(port, "4601", *ids)
        await healed(running, reach)
    finally:
        karin.close()
        olle.close()


@pytest.mark.parametrize("part", ["forget_hooks", "followers"])
async def test_a_fault_in_one_part_of_the_switch_does_not_keep_the_lines_busy(
    untrusted: Running, part: str
) -> None:
    """One part of the switch failing as a call steps or ends (a hook told the call is gone,
    a follower told each step, ahead of the line feed) must not leave the call held, nor the
    lines of the people in it busy: that part alone is degraded."""
    running = untrusted
    reach, karin, olle = await phones(running)
    hooks: list[Callable[[object], None]] = getattr(running.service.switch.actions, part)
    faults: list[object] = []

    def broken(subject: object) -> None:
        faults.append(subject)
        raise RuntimeError("a fault in another part of the switch")

    hooks.insert(0, broken)
    try:
        dialled, _ = await asyncio.wait_for(talking(karin, olle, running.port, "4601"), 10)
        assert lines(reach) == (LineState.BUSY, LineState.BUSY)
        karin.request(dialled, "BYE")
        await healed(running, reach)
        assert faults  # the broken part was reached, and failed
    finally:
        hooks.remove(broken)
        karin.close()
        olle.close()


async def test_a_call_dropped_unannounced_frees_the_lines_at_the_next_sweep(
    untrusted: Running,
) -> None:
    """A path that lets go of a call without the switch's goodbye (its end hooks never
    run) cannot keep anyone busy: the housekeeping sweep (every 15 s) reconciles the line
    feed with the calls the switch holds — its own keys (Karin's placed call) and the
    plan's (Olle reached by his number)."""
    running = untrusted
    reach, karin, olle = await phones(running)
    switch = running.service.switch
    try:
        await asyncio.wait_for(talking(karin, olle, running.port, "4601"), 10)
        assert lines(reach) == (LineState.BUSY, LineState.BUSY)
        switch.calls.clear()  # dropped, nobody told
        assert lines(reach) == (LineState.BUSY, LineState.BUSY)
        assert switch.actions.sweeps
        for sweep in switch.actions.sweeps:
            sweep()
        assert lines(reach) == (LineState.IDLE, LineState.IDLE)  # the feed's and the plan's
    finally:
        karin.close()
        olle.close()


async def test_a_fault_inside_a_step_still_frees_the_lines_at_the_call_s_end(
    untrusted: Running,
) -> None:
    """The bridge failing as Olle answers (an error inside the call's step, logged by the
    SIP endpoint): the call is broken, but its end still frees both lines."""
    running = untrusted
    reach, karin, olle = await phones(running)
    bridging = running.service.switch.actions.bridging
    faults: list[object] = []

    def broken(call: object) -> None:
        faults.append(call)
        raise RuntimeError("the media side failed")

    bridging.bridge = broken  # type: ignore[method-assign]
    try:
        dialled, _ = await asyncio.wait_for(talking(karin, olle, running.port, "4601"), 10)
        assert faults
        karin.request(dialled, "BYE")
        await healed(running, reach)
    finally:
        del bridging.bridge
        karin.close()
        olle.close()
