"""SIP over TCP and TLS against a running Växel, on uvloop as in production (issue 10 §5,
§6).

SIPp's ``-t t1`` keeps one TCP connection for the scenario: the REGISTER's challenge and
200, and a call's whole dialog, travel over it.
"""

from __future__ import annotations

import asyncio
import ssl
import subprocess
from pathlib import Path

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running, keys, sipp, start
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.auth import authorization_for
from vaxel.sip.message import Response
from vaxel.sip.parser import parse_message
from vaxel.sip.transport import tls_server_context
from vaxel.store import ReadModels

pytestmark = pytest.mark.interop


async def test_a_phone_registers_over_tcp(running: Running, tmp_path: Path) -> None:
    code, output = await sipp(
        "register.xml",
        running.port,
        "-t",
        "t1",
        *keys(ext=AGENT_EXTENSION),
        "-au",
        AGENT_EXTENSION,
        "-ap",
        AGENT_PASSWORD,
        cwd=tmp_path,
        timeout_s=8,
    )
    assert code == 0, output
    [binding] = running.service.registration.registrar.lookup(f"{DEMO_TENANT}/{AGENT_EXTENSION}", 0)
    assert binding.transport == "tcp"


async def test_a_call_over_tcp_reaches_the_queue(running: Running, tmp_path: Path) -> None:
    code, output = await sipp("ivr_menu.xml", running.port, "-t", "t1", cwd=tmp_path, timeout_s=8)
    assert code == 0, output
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.queue_id == "bygglov" and record.status == "abandoned"
    assert running.service.switch.calls == {}


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (openssl; the cryptography package is not a
    dependency)."""
    cert, key = directory / "sip.crt", directory / "sip.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=20,
    )
    return cert, key


async def test_a_phone_registers_over_tls(tmp_path: Path) -> None:
    """Issue 10 §5: phones outside the office need not send credentials in the clear."""
    cert, key = self_signed(tmp_path)
    server = await start(tmp_path, tls=tls_server_context(str(cert), str(key)))
    try:
        client = ssl.create_default_context(cafile=str(cert))  # verifies the certificate
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", server.service.sip.tls_port, ssl=client, server_hostname="127.0.0.1"
        )
        local = writer.get_extra_info("sockname")[1]

        async def register(cseq: int, authorization: str = "") -> Response:
            writer.write(
                (
                    "REGISTER sips:127.0.0.1 SIP/2.0\r\n"
                    f"Via: SIP/2.0/TLS 127.0.0.1:{local};branch=z9hG4bKtls{cseq};rport\r\n"
                    f"From: <sips:{AGENT_EXTENSION}@127.0.0.1>;tag=tls{cseq}\r\n"
                    f"To: <sips:{AGENT_EXTENSION}@127.0.0.1>\r\nCall-ID: tls-register\r\n"
                    f"CSeq: {cseq} REGISTER\r\nMax-Forwards: 70\r\n"
                    f"Contact: <sips:{AGENT_EXTENSION}@127.0.0.1:{local}>\r\nExpires: 300\r\n"
                    f"{authorization}Content-Length: 0\r\n\r\n"
                ).encode()
            )
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 3)
            reply = parse_message(head)
            assert isinstance(reply, Response)
            return reply

        challenge = await register(1)
        assert challenge.status == 401
        answer = authorization_for(
            challenge.headers.get("WWW-Authenticate") or "",
            username=AGENT_EXTENSION,
            password=AGENT_PASSWORD,
            method="REGISTER",
            uri="sips:127.0.0.1",
            cnonce="tls",
        )
        assert (await register(2, f"Authorization: {answer}\r\n")).status == 200
        [binding] = server.service.registration.registrar.lookup(
            f"{DEMO_TENANT}/{AGENT_EXTENSION}", 0
        )
        assert binding.transport == "tls"
        writer.close()
    finally:
        await server.service.close()
