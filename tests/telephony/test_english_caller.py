"""A caller of an English flow hears Växel's own prompts in English (issue 11 §1).

The flow (language ``en``) sends the call to a number there is no route to, so telephony
itself speaks: the "no such number" notice, then it hangs up. SIPp places the call with its
SDP pointing at this test's UDP socket, so the test hears exactly what the caller hears and
compares it with the English and the Swedish recordings of that notice.
"""

from __future__ import annotations

import socket
import struct
import time
from pathlib import Path

import pytest

from tests.telephony.conftest import AlwaysOpen, free_port, keys, sipp
from vaxel.demo import seed_demo_tenant
from vaxel.flow import flow_from_dict
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade
from vaxel.telephony.directory import ServiceNumber, TelephonyDirectory
from vaxel.telephony.notices import SystemPrompt, system_prompt
from vaxel.telephony.service import TelephonyService

pytestmark = pytest.mark.interop

ENGLISH_NUMBER = "0812345099"
ENGLISH_FLOW = {
    "id": "english-line",
    "language": "en",
    "start": "elsewhere",
    "nodes": {"elsewhere": {"type": "transfer", "target": "0899999999"}},
}


def _heard(sock: socket.socket) -> bytes:
    """The PCMU audio that reached the caller's RTP port, in sequence order."""
    packets: dict[int, bytes] = {}
    while True:
        try:
            data = sock.recv(2048)
        except BlockingIOError:
            break
        first, second, sequence = struct.unpack_from("!BBH", data)
        if first == 0x80 and second & 0x7F == 0:  # plain RTP carrying PCMU
            packets[sequence] = data[12:]
    return b"".join(packets[sequence] for sequence in sorted(packets))


async def test_a_caller_of_an_english_flow_hears_the_notice_in_english(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/telephony.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    seed_demo_tenant(center, url, time.time())
    line = ServiceNumber(ENGLISH_NUMBER, DEMO_TENANT, flow_from_dict(ENGLISH_FLOW), AlwaysOpen())
    service = TelephonyService(
        center,
        TelephonyDirectory(
            numbers={ENGLISH_NUMBER: line},
            extensions={},
            trusted_sources=frozenset({"127.0.0.1"}),
        ),
        sip_port=0,
        rtp_ports=(32000, 32998),
        voicemail_dir=str(tmp_path / "vm"),
    )
    await service.start()
    ear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        ear.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        ear.bind(("127.0.0.1", free_port()))
        ear.setblocking(False)
        rtp_port = ear.getsockname()[1]
        code, output = await sipp(
            "caller_listens.xml",
            service.address[1],
            *keys(rtp_port=str(rtp_port)),
            service=ENGLISH_NUMBER,
            cwd=tmp_path,  # SIPp's message trace goes there, not into the tree
        )
        assert code == 0, output  # answered, then hung up by Växel after the notice
        heard = _heard(ear)
    finally:
        ear.close()
        await service.close()
    english = service.prompts.load(system_prompt(SystemPrompt.NO_SUCH_NUMBER, "en"))
    swedish = service.prompts.load(system_prompt(SystemPrompt.NO_SUCH_NUMBER, "sv"))
    assert english != swedish
    middle = slice(len(english) // 4, len(english) // 4 + 8000)  # one second, off the edges
    assert english[middle] in heard, "the caller did not hear the English notice"
    assert swedish[len(swedish) // 4 : len(swedish) // 4 + 8000] not in heard
