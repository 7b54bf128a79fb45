"""A tenant's trunk against a carrier played by SIPp on 127.0.0.1 (issue 14 §2): the
registration with digest (and a carrier that refuses it, shown with its answer), and calls
out over the trunk with the INVITE's digest and the right presentation (PBX2), barred by
class of service (PBX8)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
    CUSTOMER_EXTENSION,
    CUSTOMER_PASSWORD,
    Running,
    directory,
    free_port,
    keys,
    register_phone,
    sipp,
)
from tests.telephony.test_media_admission import SDP
from vaxel.demo import DEMO_CARRIER_PASSWORD, seed_demo_tenant, seed_demo_trunk
from vaxel.pbx.class_of_service import ClassesOfService, ClassOfService, Reach
from vaxel.pbx.presentation import PresentationMode, Presentations
from vaxel.pbx.trunks import Trunk
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.sip.auth import authorization_for
from vaxel.sip.message import Request, Response, response_to
from vaxel.sip.parser import parse_message
from vaxel.store import open_database, upgrade
from vaxel.store.pbx_trunks import TrunkStore
from vaxel.telephony.service import TelephonyService
from vaxel.telephony.trunk_registrations import TrunkStatus

pytestmark = pytest.mark.interop

MAIN = "+46101234500"
CARRIER_USER, CARRIER_PASSWORD = "4610123450", "carrier-secret"


async def start_with_trunk(
    tmp_path: Path,
    carrier_port: int,
    password: str,
    *,
    trusted: bool = True,
    presentation: PresentationMode = PresentationMode.DIRECT,
    expires_s: int = 3600,
) -> Running:
    url = f"sqlite:///{tmp_path}/telephony.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    seed_demo_tenant(center, url, time.time())
    numbers = directory(trusted)
    numbers.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT,
        "127.0.0.1",
        carrier_port,
        username=CARRIER_USER,
        password=password,
        expires_s=expires_s,
    )
    numbers.outside.presentations[DEMO_TENANT] = Presentations(
        MAIN,
        users={AGENT_EXTENSION: PresentationMode.DIRECT, CUSTOMER_EXTENSION: presentation},
        direct_numbers={AGENT_EXTENSION: "+46101234512", CUSTOMER_EXTENSION: "+46101234513"},
    )
    world = ClassOfService("utland", "Utland", Reach.INTERNATIONAL)
    numbers.outside.service_classes[DEMO_TENANT] = ClassesOfService({"utland": world})
    service = TelephonyService(
        center,
        numbers,
        sip_port=0,
        rtp_ports=(32000, 32998),
        voicemail_dir=str(tmp_path / "vm"),
    )
    await service.start()
    return Running(service, center)


async def wait_for_state(running: Running, *states: str) -> TrunkStatus:
    for _ in range(200):
        status = running.service.trunks.status(DEMO_TENANT)
        if status is not None and status.state in states:
            return status
        await asyncio.sleep(0.1)
    raise AssertionError(f"the trunk never got to {states}: {status}")


@pytest.fixture
async def carrier_port() -> AsyncIterator[int]:
    yield free_port()


async def registrar(running: Running, port: int, tmp_path: Path) -> tuple[int, str]:
    return await sipp("carrier_registrar.xml", running.port, cwd=tmp_path, local_port=port)


async def test_the_trunk_registers_with_digest(tmp_path: Path, carrier_port: int) -> None:
    running = await start_with_trunk(tmp_path, carrier_port, CARRIER_PASSWORD)
    try:
        code, output = await registrar(running, carrier_port, tmp_path)
        assert code == 0, output
        status = await wait_for_state(running, "registered")
        assert status.last_answer is not None and status.last_answer.status == 200
        assert status.registered_until is not None
    finally:
        await running.service.close()


async def test_a_carrier_that_refuses_is_shown_with_its_answer(
    tmp_path: Path, carrier_port: int
) -> None:
    running = await start_with_trunk(tmp_path, carrier_port, "not-the-password")
    try:
        code, output = await registrar(running, carrier_port, tmp_path)
        assert code == 0, output
        status = await wait_for_state(running, "refused")
        assert status.last_answer is not None
        assert (status.last_answer.status, status.last_answer.reason) == (
            403,
            "Forbidden: wrong credentials for trunk",
        )
    finally:
        await running.service.close()


def received_invite(tmp_path: Path, scenario: str) -> str:
    """The last INVITE the carrier took, from SIPp's message trace."""
    [trace] = tmp_path.glob(f"{scenario}_*_messages.log")
    text = trace.read_text(encoding="utf-8", errors="replace")
    return text[text.rindex("INVITE sip:") :].split("\n\n", 1)[0]


def header(message: str, name: str) -> str:
    for line in message.splitlines():
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return ""


async def transfer(
    running: Running, tmp_path: Path, target: str, agent_scenario: str
) -> tuple[int, str]:
    agent_port = await register_phone(running.port, AGENT_EXTENSION, AGENT_PASSWORD, tmp_path)
    agent = asyncio.create_task(
        sipp(
            agent_scenario,
            running.port,
            *keys(target=target),
            cwd=tmp_path,
            local_port=agent_port,
        )
    )
    await asyncio.sleep(0.5)
    caller = await sipp("caller_waits.xml", running.port, cwd=tmp_path)
    code, output = await agent
    assert code == 0, output
    return caller


async def test_a_transfer_out_goes_over_the_trunk_with_the_callers_id_unchanged(
    tmp_path: Path, carrier_port: int
) -> None:
    """The carrier challenges the INVITE (401) and takes it with the trunk's credentials;
    the caller's number is passed on unchanged, our main number asserted (PBX2)."""
    running = await start_with_trunk(tmp_path, carrier_port, CARRIER_PASSWORD)
    try:
        code, output = await registrar(running, carrier_port, tmp_path)
        assert code == 0, output
        await wait_for_state(running, "registered")
        carrier = asyncio.create_task(
            sipp("carrier_answers.xml", running.port, cwd=tmp_path, local_port=carrier_port)
        )
        code, output = await transfer(running, tmp_path, "0812345678", "agent_transfers.xml")
        assert code == 0, output  # the carrier hung up and Växel said BYE to the caller
        code, output = await carrier
        assert code == 0, output
        invite = received_invite(tmp_path, "carrier_answers")
        assert invite.startswith(f"INVITE sip:+46812345678@127.0.0.1:{carrier_port} SIP/2.0")
        assert header(invite, "Authorization").startswith('Digest username="4610123450"')
        assert header(invite, "From").startswith("<sip:0701234567@127.0.0.1>;tag=")
        assert header(invite, "P-Asserted-Identity") == f"<sip:{MAIN}@127.0.0.1>"
        assert header(invite, "Privacy") == ""
        assert running.service.switch.calls == {}
    finally:
        await running.service.close()


@pytest.mark.parametrize("target", ["+442071234567", "0900123456"])
async def test_a_transfer_to_a_barred_number_is_refused_403(
    tmp_path: Path, carrier_port: int, target: str
) -> None:
    """The agent's extension has the default class: abroad and premium rate barred."""
    running = await start_with_trunk(tmp_path, carrier_port, CARRIER_PASSWORD)
    try:
        code, output = await transfer(running, tmp_path, target, "agent_transfer_barred.xml")
        assert code == 0, output
        assert running.service.switch.calls == {}
    finally:
        await running.service.close()


class Phone:
    """An extension's phone on a bare UDP socket: INVITEs with digest (SIPp signs its remote
    address rather than the Request-URI, which Växel refuses: RFC 3261 §22.4)."""

    def __init__(self, server: int) -> None:
        self.server = server
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def close(self) -> None:
        self.sock.close()

    def _invite(self, number: str, cseq: int, credentials: str = "") -> None:
        body = SDP.format(ip="127.0.0.1", port=free_port())
        auth = f"Proxy-Authorization: {credentials}\r\n" if credentials else ""
        self.sock.sendto(
            (
                f"INVITE sip:{number}@127.0.0.1:{self.server} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bKout{number}{cseq};rport\r\n"
                f'From: "Karin" <sip:{CUSTOMER_EXTENSION}@127.0.0.1>;tag=out{cseq}x\r\n'
                f"To: <sip:{number}@127.0.0.1>\r\nCall-ID: out-{number}@127.0.0.1\r\n"
                f"CSeq: {cseq} INVITE\r\nMax-Forwards: 70\r\n{auth}"
                f"Contact: <sip:{CUSTOMER_EXTENSION}@127.0.0.1:{self.port}>\r\n"
                f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n{body}"
            ).encode(),
            ("127.0.0.1", self.server),
        )

    async def next(self, timeout_s: float = 10.0) -> Request | Response:
        loop = asyncio.get_running_loop()
        data = await asyncio.wait_for(loop.sock_recv(self.sock, 65535), timeout_s)
        return parse_message(data)

    async def final(self) -> Response:
        while True:
            message = await self.next()
            if isinstance(message, Response) and message.status >= 200:
                return message

    def ack(self, response: Response) -> None:
        """ACK a final response (a non-2xx's in its transaction, a 2xx's on its own)."""
        via = response.headers.get("Via") or ""
        if response.status < 300:
            via = via.replace(";branch=", ";branch=z9hG4bKack")
        self.sock.sendto(
            (
                f"ACK sip:{response.headers.get('To', '').split('<')[1].split('>')[0]} SIP/2.0\r\n"
                f"Via: {via}\r\nFrom: {response.headers.get('From')}\r\n"
                f"To: {response.headers.get('To')}\r\nCall-ID: {response.call_id}\r\n"
                f"CSeq: {response.cseq[0]} ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            ).encode(),
            ("127.0.0.1", self.server),
        )

    async def call(self, number: str) -> Response:
        """Dial ``number``, answer the proxy challenge; the final answer to that."""
        self._invite(number, 1)
        challenge = await self.final()
        assert challenge.status == 407, challenge.status
        self.ack(challenge)
        credentials = authorization_for(
            challenge.headers.get("Proxy-Authenticate") or "",
            username=CUSTOMER_EXTENSION,
            password=CUSTOMER_PASSWORD,
            method="INVITE",
            uri=f"sip:{number}@127.0.0.1:{self.server}",
            cnonce="c0ffee",
        )
        self._invite(number, 2, credentials)
        final = await self.final()
        self.ack(final)
        return final

    async def hung_up(self) -> None:
        """Wait for Växel's BYE and answer it."""
        while True:
            message = await self.next(20.0)
            if isinstance(message, Request) and message.method == "BYE":
                self.sock.sendto(
                    response_to(message, 200, "OK").to_bytes(), ("127.0.0.1", self.server)
                )
                return


async def registered_carrier(running: Running, port: int, tmp_path: Path) -> asyncio.Task[Any]:
    code, output = await registrar(running, port, tmp_path)
    assert code == 0, output
    await wait_for_state(running, "registered")
    return asyncio.create_task(
        sipp("carrier_answers.xml", running.port, cwd=tmp_path, local_port=port)
    )


@pytest.mark.parametrize(
    ("presentation", "shown", "asserted", "privacy"),
    [
        (PresentationMode.DIRECT, "<sip:+46101234513@127.0.0.1>", "+46101234513", ""),
        (PresentationMode.MAIN, "<sip:+46101234500@127.0.0.1>", MAIN, ""),
        (
            PresentationMode.WITHHELD,
            '"Anonymous" <sip:anonymous@anonymous.invalid>',
            "+46101234513",
            "id",
        ),
    ],
)
async def test_an_extension_calls_out_over_the_trunk_with_its_presentation(
    tmp_path: Path,
    carrier_port: int,
    presentation: PresentationMode,
    shown: str,
    asserted: str,
    privacy: str,
) -> None:
    """PBX2: the direct number, the main number, or withheld (Privacy: id, the real number
    still asserted to the carrier) — in From, P-Asserted-Identity and Privacy."""
    running = await start_with_trunk(
        tmp_path, carrier_port, CARRIER_PASSWORD, trusted=False, presentation=presentation
    )
    try:
        carrier = await registered_carrier(running, carrier_port, tmp_path)
        phone = Phone(running.port)
        try:
            assert (await phone.call("0812345678")).status == 200
            await phone.hung_up()  # the carrier hung up
        finally:
            phone.close()
        code, output = await carrier
        assert code == 0, output
        invite = received_invite(tmp_path, "carrier_answers")
        assert invite.startswith(f"INVITE sip:+46812345678@127.0.0.1:{carrier_port} SIP/2.0")
        assert header(invite, "From").startswith(shown + ";tag=")
        assert header(invite, "P-Asserted-Identity") == f"<sip:{asserted}@127.0.0.1>"
        assert header(invite, "Privacy") == privacy
        await wait_for_calls_to_end(running)
    finally:
        await running.service.close()


async def test_112_goes_out_whatever_the_class_and_abroad_is_barred_403(
    tmp_path: Path, carrier_port: int
) -> None:
    """PBX8: the extension has the default class (no international, no premium)."""
    running = await start_with_trunk(tmp_path, carrier_port, CARRIER_PASSWORD, trusted=False)
    try:
        carrier = await registered_carrier(running, carrier_port, tmp_path)
        phone = Phone(running.port)
        try:
            for barred in ("+442071234567", "0900123456"):
                refused = await phone.call(barred)
                assert (refused.status, refused.reason) == (
                    403,
                    "International calls are barred for this tenant"
                    if barred.startswith("+")
                    else "Premium-rate numbers are barred",
                )
            assert not running.service.switch.calls
            assert (await phone.call("112")).status == 200
            await phone.hung_up()
        finally:
            phone.close()
        code, output = await carrier
        assert code == 0, output
        invite = received_invite(tmp_path, "carrier_answers")
        assert invite.startswith(f"INVITE sip:112@127.0.0.1:{carrier_port} SIP/2.0")
        await wait_for_calls_to_end(running)
    finally:
        await running.service.close()


async def wait_for_calls_to_end(running: Running) -> None:
    for _ in range(100):
        if not running.service.switch.calls:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"calls left behind: {running.service.switch.calls}")


async def test_the_demo_carrier_takes_the_demo_trunk(tmp_path: Path, carrier_port: int) -> None:
    """``vaxel demo --carrier``: the trunk seeded for the demo registers with the carrier
    of scripts/sipp/demo_carrier.xml (the command the demo prints)."""
    running = await start_with_trunk(tmp_path, carrier_port, DEMO_CARRIER_PASSWORD, expires_s=600)
    try:
        url = f"sqlite:///{tmp_path}/telephony.db"  # the demo tenant is seeded there
        seed_demo_trunk(url, "127.0.0.1", carrier_port)
        stored = TrunkStore(open_database(url)).trunk(DEMO_TENANT)
        assert stored is not None  # what the demo's telephony registers with:
        assert running.service.directory.outside.trunks[DEMO_TENANT] == stored.trunk
        demo_carrier = Path(__file__).parents[2] / "scripts" / "sipp" / "demo_carrier.xml"
        code, output = await sipp(
            str(demo_carrier), running.port, cwd=tmp_path, local_port=carrier_port
        )
        assert code == 0, output
        await wait_for_state(running, "registered")
    finally:
        await running.service.close()


async def test_a_did_sent_to_our_registered_contact_is_read_from_to(
    tmp_path: Path, carrier_port: int
) -> None:
    """The carrier routes a DID's call to sip:4610123450@… (our Contact): the DID in To is
    what was dialled, here the main number, which the IVR answers."""
    running = await start_with_trunk(tmp_path, carrier_port, CARRIER_PASSWORD)
    try:
        code, output = await sipp(
            "carrier_calls_contact.xml",
            running.port,
            *keys(contact_user=CARRIER_USER),
            service=MAIN_NUMBER,
            cwd=tmp_path,
        )
        assert code == 0, output  # 200 from the IVR, not 404 for "4610123450"
        await wait_for_calls_to_end(running)
    finally:
        await running.service.close()
