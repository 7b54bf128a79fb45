"""Attended transfer with real peers (issue 14 §6; RFC 3515, RFC 3891): Anna's baresip phone
calls Bertil; Bertil holds her (she hears music on hold), calls Cecilia's baresip phone,
and joins the two with a REFER carrying Replaces — on the held call's dialog, or on the
consultation's, as phones do both — or before Cecilia answers (semi-attended). Anna ends
up talking with Cecilia (each hears the other's tone) and Bertil's two legs are hung up.

The installed baresip (1.0) has no attended transfer, so Bertil's phone is a scripted
UDP SIP phone here (``Transferor``): every request it sends goes over the wire to the switch
like a desk phone's.
"""

from __future__ import annotations

import array
import asyncio
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_PASSWORD, Running
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_barring_paths import open_tenant
from tests.telephony.test_parallel_ring import BarePhone, answer_sdp
from tests.telephony.test_robot_phones import correlation, envelope, phone_robot, wait_for
from vaxel.media.g711 import ulaw_decode
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.prompts import PromptLibrary
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.sip.auth import authorization_for
from vaxel.sip.dialog import angle_uri, header_tag
from vaxel.sip.message import Request, Response, response_to
from vaxel.store import ReadModels
from vaxel.telephony.call import CallState
from vaxel.telephony.directory import Extension

pytestmark = pytest.mark.interop
PASSWORD = "robot-transfer-secret"
PEOPLE = {"anna": ("3001", "4500"), "bertil": ("3002", "4501"), "cecilia": ("3003", "4502")}
"""Person: (desk phone extension, short number); not the demo's numbers."""
ANNA_HZ, CECILIA_HZ = 700.0, 1700.0
_cseq = count(20)


def plan(running: Running) -> None:
    directory = running.service.directory
    for person, (extension, _short) in PEOPLE.items():
        directory.extensions[extension] = Extension(
            DEMO_TENANT, extension, PASSWORD, "", person.title()
        )
        directory.pbx.people[(DEMO_TENANT, person)] = PersonDevices(
            DEMO_TENANT, person, (Device(DeviceKind.SIP, extension),), ring_s=20.0
        )
    directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT,
        [(short, Target(TargetKind.PERSON, person)) for person, (_, short) in PEOPLE.items()],
    )


@dataclass
class PhoneDialog:
    """One dialog as the transferring phone sees it."""

    call_id: str
    local_tag: str
    remote_tag: str
    local_uri: str
    remote_uri: str
    target: str

    def replaces(self) -> str:
        """This dialog in a Refer-To's Replaces: the tags as the switch holds them."""
        value = f"{self.call_id};to-tag={self.remote_tag};from-tag={self.local_tag}"
        return quote(value, safe="")


class Refused(Exception):
    """The switch answered a call of the transferring phone with a final refusal."""

    def __init__(self, final: Response) -> None:
        super().__init__(f"{final.status} {final.reason}")
        self.final = final


class Transferor(BarePhone):
    """Bertil's phone: answers, holds with a re-INVITE, calls out with digest, REFERs."""

    async def expect(self, wanted, seconds: float = 15.0) -> Request | Response:  # type: ignore[no-untyped-def]
        """The next message ``wanted`` says is it; BYEs and NOTIFYs meanwhile get 200."""
        end = time.monotonic() + seconds
        while True:
            message = await self.next(max(0.01, end - time.monotonic()))
            if isinstance(message, Request) and message.method in ("BYE", "NOTIFY"):
                self.send(response_to(message, 200, "OK"))
            if wanted(message):
                return message

    def ack_failure(self, final: Response) -> None:
        """ACK a non-2xx final response to our INVITE, in its transaction (§17.1.1.3)."""
        self.send(
            (
                f"ACK {final.headers.get('To', '').split('<')[1].split('>')[0]} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch={self.branch};rport\r\n"
                f"From: {final.headers.get('From')}\r\nTo: {final.headers.get('To')}\r\n"
                f"Call-ID: {final.call_id}\r\nCSeq: {final.cseq[0]} ACK\r\n"
                "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            ).encode()
        )

    def request(
        self, dialog: PhoneDialog, method: str, body: bytes = b"", extra: str = "", n: int = 0
    ) -> int:
        """Send ``method`` in ``dialog`` (``n``: an ACK's CSeq, its INVITE's)."""
        n = n or next(_cseq)
        text = (
            f"{method} {dialog.target} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{method.lower()}{n};rport\r\n"
            f"From: {dialog.local_uri};tag={dialog.local_tag}\r\n"
            f"To: {dialog.remote_uri};tag={dialog.remote_tag}\r\n"
            f"Call-ID: {dialog.call_id}\r\nCSeq: {n} {method}\r\nMax-Forwards: 70\r\n"
            f"Contact: <sip:{self.extension}@127.0.0.1:{self.port}>\r\n{extra}"
        )
        if body:
            text += "Content-Type: application/sdp\r\n"
        self.send(f"{text}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        return n

    async def answer_call(self) -> PhoneDialog:
        invite = await self.rung()
        self.answer(invite)
        await self.expect(lambda m: isinstance(m, Request) and m.method == "ACK")
        sender = invite.headers.get("From") or ""
        return PhoneDialog(
            invite.call_id,
            self.tag,
            header_tag(sender),
            invite.headers.get("To") or "",
            sender.split(";tag=")[0],
            angle_uri(invite.headers.get("Contact") or ""),
        )

    async def hold(self, dialog: PhoneDialog) -> None:
        """A re-INVITE with a=sendonly (RFC 3264 §8.4), answered and ACKed."""
        sdp = answer_sdp(self.rtp_port).replace(b"a=sendrecv", b"a=sendonly")
        n = self.request(dialog, "INVITE", sdp)
        ok = await self.expect(lambda m: isinstance(m, Response) and m.status == 200)
        assert b"a=recvonly" in ok.body  # the switch mirrors the hold
        self.request(dialog, "ACK", n=n)  # an ACK's CSeq is its INVITE's (§13.2.2.4)

    async def call(self, server: int, number: str, *, early: bool = False) -> PhoneDialog:
        """Dial ``number`` (digest on the 407), wait for the 200 and ACK it — or, ``early``,
        the early dialog of the 183 with SDP (the callee still rings)."""
        n = next(_cseq)  # each call its own Call-ID and From tag
        call_id, tag = f"consult-{self.port}-{n}", f"{self.tag}c{n}"
        uri = f"sip:{number}@127.0.0.1:{server}"
        local = f"<sip:{self.extension}@127.0.0.1>"
        authorization = ""
        for attempt in range(2):
            n = next(_cseq)
            branch = f"z9hG4bKconsult{n}"
            head = (
                f"INVITE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch}"
                f";rport\r\nFrom: {local};tag={tag}\r\nTo: <{uri}>\r\nCall-ID: {call_id}\r\n"
                f"CSeq: {n} INVITE\r\nMax-Forwards: 70\r\n"
                f"Contact: <sip:{self.extension}@127.0.0.1:{self.port}>\r\n{authorization}"
                "Content-Type: application/sdp\r\n"
            )
            body = answer_sdp(self.rtp_port)
            self.send(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            floor = 183 if early and attempt else 200
            final = await self.expect(
                lambda m, floor=floor: isinstance(m, Response) and m.status >= floor
            )
            assert isinstance(final, Response)
            if early and final.status == 183:
                self.branch = branch  # its ACK to the final response to come
                return PhoneDialog(
                    call_id,
                    tag,
                    header_tag(final.headers.get("To") or ""),
                    local,
                    f"<{uri}>",
                    angle_uri(final.headers.get("Contact") or ""),
                )
            if final.status == 200:
                dialog = PhoneDialog(
                    call_id,
                    tag,
                    header_tag(final.headers.get("To") or ""),
                    local,
                    f"<{uri}>",
                    angle_uri(final.headers.get("Contact") or ""),
                )
                ack = dialog.target, n
                self.send(
                    (
                        f"ACK {ack[0]} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{self.port};"
                        f"branch=z9hG4bKack{n};rport\r\nFrom: {local};tag={tag}\r\n"
                        f"To: {final.headers.get('To')}\r\nCall-ID: {call_id}\r\n"
                        f"CSeq: {n} ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
                    ).encode()
                )
                return dialog
            if final.status != 407 or attempt:
                self.branch = branch
                self.ack_failure(final)
                raise Refused(final)
            self.send(
                (
                    f"ACK {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch}"
                    f";rport\r\nFrom: {local};tag={tag}\r\nTo: {final.headers.get('To')}\r\n"
                    f"Call-ID: {call_id}\r\nCSeq: {n} ACK\r\nMax-Forwards: 70\r\n"
                    "Content-Length: 0\r\n\r\n"
                ).encode()
            )
            value = authorization_for(
                final.headers.get("Proxy-Authenticate") or "",
                username=self.extension,
                password=self.password,
                method="INVITE",
                uri=uri,
                cnonce=tag,
            )
            authorization = f"Proxy-Authorization: {value}\r\n"
        raise AssertionError("not answered")


def music_heard(heard: list[int], rate: int, seconds: float = 2.0) -> float:
    """The best match anywhere in ``heard`` of the first ``seconds`` of music on hold's
    loudness shape (the held party hears it from its start)."""
    music = PromptLibrary().load("music_on_hold")[: int(8000 * seconds)]
    shape = envelope(list(ulaw_samples(music)), 8000)
    got = envelope(heard, rate)
    return max(
        correlation(got[shift : shift + len(shape)], shape)
        for shift in range(max(1, len(got) - len(shape)))
    )


def ulaw_samples(audio: bytes) -> list[int]:
    return list(array.array("h", ulaw_decode(audio)))


async def registered(running: Running, bertil: Transferor) -> None:
    """Bertil registers, and the switch has Anna's (3001) and Cecilia's (3003) robots."""
    await bertil.register()
    services = running.service
    await wait_for(
        lambda: all(
            services.registration.bindings(services.directory.extensions[ext])
            for ext in ("3001", "3003")
        ),
        20,
    )


@pytest.mark.parametrize("refer_on", ["held call", "consultation"])
async def test_bertil_holds_anna_consults_cecilia_and_joins_them(
    untrusted: Running, tmp_path: Path, refer_on: str
) -> None:
    running = untrusted
    plan(running)
    port, switch = running.port, running.service.switch
    anna = await phone_robot(tmp_path, "anna", port, PEOPLE["anna"][0], PASSWORD, ANNA_HZ)
    cecilia = await phone_robot(
        tmp_path, "cecilia", port, PEOPLE["cecilia"][0], PASSWORD, CECILIA_HZ
    )
    bertil = Transferor(port, PEOPLE["bertil"][0], PASSWORD)
    logs: dict[str, str] = {}
    try:
        await registered(running, bertil)
        await anna.command("dial", f"sip:4501@127.0.0.1:{port}")
        held = await bertil.answer_call()
        await asyncio.sleep(1.0)  # Anna and Bertil talk
        await bertil.hold(held)
        await wait_for(lambda: any(c.state is CallState.ON_HOLD for c in switch.calls.values()))
        await asyncio.sleep(3.0)  # Anna hears music on hold
        consultation = await bertil.call(port, "4502")
        await wait_for(lambda: sum(c.bridged for c in switch.calls.values()) == 2, 15)
        await asyncio.sleep(1.0)  # Bertil and Cecilia talk
        if refer_on == "held call":
            on, named, number = held, consultation, "4502"
        else:
            on, named, number = consultation, held, "4500"
        bertil.request(
            on,
            "REFER",
            extra=(
                f"Refer-To: <sip:{number}@127.0.0.1:{port}?Replaces={named.replaces()}>\r\n"
                f"Referred-By: <sip:{bertil.extension}@127.0.0.1>\r\n"
            ),
        )
        accepted = await bertil.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
        assert isinstance(accepted, Response) and accepted.status == 202
        notify = await bertil.expect(lambda m: isinstance(m, Request) and m.method == "NOTIFY")
        assert notify.body.startswith(b"SIP/2.0 200")  # the sipfrag: the transfer is done
        for _ in range(2):  # both of Bertil's legs are hung up
            await bertil.expect(lambda m: isinstance(m, Request) and m.method == "BYE")
        await wait_for(lambda: len(switch.calls) == 1)
        [call] = switch.calls.values()
        assert call.state is CallState.TRANSFERRED
        await asyncio.sleep(3.0)  # Anna and Cecilia talk
        await anna.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        logs["anna"] = await anna.stop()
        logs["cecilia"] = await cecilia.stop()
        bertil.close()
    heard, rate = read_wav(anna.heard)
    assert music_heard(heard, rate) > 0.8, "Anna heard no music on hold"
    assert tone_share(heard, CECILIA_HZ, rate) > 0.5, logs["anna"][-2000:]
    heard, rate = read_wav(cecilia.heard)
    assert tone_share(heard, ANNA_HZ, rate) > 0.5, logs["cecilia"][-2000:]


async def test_bertil_transfers_anna_while_cecilia_s_phone_still_rings(
    untrusted: Running, tmp_path: Path
) -> None:
    """Semi-attended: Bertil's consultation is in early media while Cecilia's phone rings
    (183 with SDP: he hears our ringback, nothing is answered), so his phone may transfer
    before Cecilia answers. Anna then waits in his seat hearing ringback, and talks with
    Cecilia once she answers — as Anna (3001), not as Bertil. Bertil's consultation INVITE
    ends 487 (never answered) and his held call with a BYE."""
    running = untrusted
    plan(running)
    port, switch = running.port, running.service.switch
    anna = await phone_robot(tmp_path, "anna", port, PEOPLE["anna"][0], PASSWORD, ANNA_HZ)
    account = (
        f"<sip:{PEOPLE['cecilia'][0]}@127.0.0.1:{port}>;auth_pass={PASSWORD};"
        "answermode=manual;regint=300"
    )
    cecilia = await Robot.start(tmp_path, "cecilia", account, CECILIA_HZ)
    bertil = Transferor(port, PEOPLE["bertil"][0], PASSWORD)
    logs: dict[str, str] = {}
    try:
        await registered(running, bertil)
        await anna.command("dial", f"sip:4501@127.0.0.1:{port}")
        held = await bertil.answer_call()
        await bertil.hold(held)
        consultation = await bertil.call(port, "4502", early=True)  # Cecilia's phone rings
        await wait_for(lambda: CallState.CONNECTING in [c.state for c in switch.calls.values()])
        bertil.request(
            held,
            "REFER",
            extra=f"Refer-To: <sip:4502@127.0.0.1:{port}?Replaces={consultation.replaces()}>\r\n",
        )
        accepted = await bertil.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
        assert isinstance(accepted, Response) and accepted.status == 202
        ended = await bertil.expect(
            lambda m: isinstance(m, Response) and m.cseq[1] == "INVITE" and m.status >= 300
        )
        assert isinstance(ended, Response) and ended.status == 487  # the early dialog's end
        bertil.ack_failure(ended)
        if not bertil.got("BYE"):  # the held call's leg
            await bertil.expect(lambda m: isinstance(m, Request) and m.method == "BYE")
        assert len(bertil.got("BYE")) == 1
        await wait_for(lambda: len(switch.calls) == 1)
        [call] = switch.calls.values()
        assert call.state is CallState.CONNECTING  # Anna hears ringback in Bertil's seat
        assert call.internal is not None and call.internal.caller.extension == "3001"
        await asyncio.sleep(1.0)
        await cecilia.command("accept")
        await wait_for(lambda: call.state is CallState.TRANSFERRED, 10)
        await asyncio.sleep(3.0)  # Anna and Cecilia talk
        await cecilia.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        logs["anna"] = await anna.stop()
        logs["cecilia"] = await cecilia.stop()
        bertil.close()
    heard, rate = read_wav(anna.heard)
    assert tone_share(heard, CECILIA_HZ, rate) > 0.5, logs["anna"][-2000:]
    heard, rate = read_wav(cecilia.heard)
    assert tone_share(heard, ANNA_HZ, rate) > 0.5, logs["cecilia"][-2000:]


async def test_an_agent_joins_a_customer_to_a_colleague_and_the_contact_ends(
    running: Running, tmp_path: Path
) -> None:
    """An agent (Karin's desk phone 1005, scripted) holds the customer of a queue (who hears
    music on hold), asks Cecilia, and joins them: the customer talks with Cecilia, the
    contact ends for the agent at once (wrap-up), as after a blind transfer."""
    plan(running)
    port, switch = running.port, running.service.switch
    agent = Transferor(port, AGENT_EXTENSION, AGENT_PASSWORD)
    cecilia = await phone_robot(
        tmp_path, "cecilia", port, PEOPLE["cecilia"][0], PASSWORD, CECILIA_HZ
    )
    customer = await Robot.start(tmp_path, "customer", "<sip:0701234567@127.0.0.1>;regint=0", 700.0)
    logs: dict[str, str] = {}
    acd = running.center.acd
    try:
        await agent.register()
        await wait_for(lambda: acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready")
        await customer.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await customer.keys("2")  # bygglov: Karin's queue
        held = await agent.answer_call()
        await wait_for(lambda: any(c.state is CallState.BRIDGED for c in switch.calls.values()), 15)
        await agent.hold(held)
        await wait_for(lambda: any(c.state is CallState.HELD for c in switch.calls.values()))
        await asyncio.sleep(3.0)  # the customer hears music on hold (Q10)
        # the customer came over the trunk; the agent's own call authenticates as 1005
        switch.directory.trusted_sources = frozenset()
        consultation = await agent.call(port, "4502")
        await wait_for(lambda: sum(c.bridged for c in switch.calls.values()) == 2, 15)
        agent.request(
            held,
            "REFER",
            extra=f"Refer-To: <sip:4502@127.0.0.1:{port}?Replaces={consultation.replaces()}>\r\n",
        )
        accepted = await agent.expect(lambda m: isinstance(m, Response) and m.cseq[1] == "REFER")
        assert isinstance(accepted, Response) and accepted.status == 202
        await wait_for(lambda: len(switch.calls) == 1)
        assert acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "wrap_up"
        await asyncio.sleep(3.0)  # the customer and Cecilia talk
        await customer.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        logs["customer"] = await customer.stop()
        logs["cecilia"] = await cecilia.stop()
        agent.close()
    heard, rate = read_wav(customer.heard)
    assert music_heard(heard, rate) > 0.8, "the customer heard no music on hold"
    assert tone_share(heard, CECILIA_HZ, rate) > 0.5, logs["customer"][-2000:]
    heard, rate = read_wav(cecilia.heard)
    assert tone_share(heard, 700.0, rate) > 0.5, logs["cecilia"][-2000:]
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.agent_id == AGENT_ID and record.ended_at is not None


@pytest.mark.parametrize("barred", [True, False])
async def test_a_consultation_to_a_number_bertil_s_class_bars_is_refused_and_anna_stays_held(
    untrusted: Running, barred: bool
) -> None:
    """Bertil holds Anna and dials abroad to consult: his class of service (Sweden only)
    bars it — 403 naming the rule — whatever call he already has (issue 14 "Bad input",
    PBX8); Anna's call stays held, and nothing else was started. Not barred, only the
    missing trunk stops the same number (404), so the 403 is the class's."""
    running = untrusted
    plan(running)
    open_tenant(running.service.directory, users={"bertil": "sverige"} if barred else {})
    port, switch = running.port, running.service.switch
    anna = Transferor(port, PEOPLE["anna"][0], PASSWORD)
    bertil = Transferor(port, PEOPLE["bertil"][0], PASSWORD)
    try:
        await asyncio.gather(anna.register(), bertil.register())
        dialled, _ = await asyncio.gather(bertil.call(port, PEOPLE["anna"][1]), anna.answer_call())
        await bertil.hold(dialled)
        await wait_for(lambda: any(c.state is CallState.ON_HOLD for c in switch.calls.values()))
        with pytest.raises(Refused) as refused:
            await bertil.call(port, "+442071234567")
        final = refused.value.final
        if barred:
            assert final.status == 403 and "International" in final.reason, final.reason
        else:
            assert final.status == 404, final.reason
        [call] = switch.calls.values()  # Anna's, still held; no leg towards the number
        assert call.state is CallState.ON_HOLD
    finally:
        anna.close()
        bertil.close()
