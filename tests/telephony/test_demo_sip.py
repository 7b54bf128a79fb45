"""``vaxel demo`` answers SIP: its printed extensions register and its main number answers."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from pathlib import Path

import pytest

from tests.telephony.conftest import keys, sipp
from tests.web.test_serve import free_port
from vaxel.demo import DemoSettings, run_demo

pytestmark = pytest.mark.interop


async def test_the_demo_prints_working_extensions_and_answers_its_main_number(
    tmp_path: Path,
) -> None:
    lines: list[str] = []
    settings = DemoSettings(
        database_url=f"sqlite:///{tmp_path}/demo.db",
        duration_s=12.0,
        summary_every_s=5.0,
        sip_port=0,
        http_port=0,
    )
    demo = asyncio.create_task(run_demo(settings, echo=lines.append))
    for _ in range(600):  # SIP opens last, once the web app and the traffic run
        if any(line.startswith("SIP: ") for line in lines):
            break
        await asyncio.sleep(0.05)
    port = int(
        re.search(r"127\.0\.0\.1:(\d+)", next(ln for ln in lines if ln.startswith("SIP: "))).group(
            1
        )
    )
    extension, password = re.search(
        r"^\s+(\d+) / (\S+)", next(ln for ln in lines if re.match(r"^\s+1005 / ", ln))
    ).groups()
    code, output = await sipp(
        "register.xml", port, *keys(ext=extension), "-au", extension, "-ap", password, cwd=tmp_path
    )
    assert code == 0, output
    numbers = next(ln for ln in lines if ln.startswith("Växelns nummer: "))
    assert "1900" in numbers and "1960" in numbers and "1980" in numbers  # issue 14 §9
    staff, staff_password = re.search(  # type: ignore[union-attr]
        r"^\s+(2\d{3}) / (\S+)", next(ln for ln in lines if re.match(r"^\s+2\d{3} / ", ln))
    ).groups()
    code, output = await sipp(
        "register.xml", port, *keys(ext=staff), "-au", staff, "-ap", staff_password, cwd=tmp_path
    )
    assert code == 0, output  # a staff member's printed phone registers
    code, output = await sipp("ivr_menu.xml", port, service="0812345000", cwd=tmp_path)
    assert code == 0, output
    web = next(ln for ln in lines if ln.startswith("Webb: "))
    web_port = int(re.search(r"127\.0\.0\.1:(\d+)/", web).group(1))  # type: ignore[union-attr]
    reader, writer = await asyncio.open_connection("127.0.0.1", web_port)
    writer.write(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    page = (await reader.read()).decode()
    writer.close()
    assert " 200 " in page.splitlines()[0] and "Logga in i Växel" in page
    await demo


def _options(sip_port: int, local_port: int, n: int) -> bytes:
    return (
        f"OPTIONS sip:127.0.0.1:{sip_port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch=z9hG4bKready{n};rport\r\n"
        f"From: <sip:probe@127.0.0.1>;tag=ready{n}\r\nTo: <sip:127.0.0.1>\r\n"
        f"Call-ID: ready-{n}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    ).encode()


async def test_the_demo_answers_sip_only_once_it_is_ready(tmp_path: Path) -> None:
    """A phone that asks while the demo still starts gets no answer until the platform is
    ready (its web app answers) instead of an answer that waits in the socket behind
    start-up work until the phone retransmits. The probe sends OPTIONS every few
    milliseconds from the start and, at the first answer, connects to the web port at
    once, without yielding to the loop the demo runs on."""
    sip_port, http_port = free_port(), free_port()
    lines: list[str] = []
    settings = DemoSettings(
        database_url=f"sqlite:///{tmp_path}/demo.db",
        duration_s=1.0,
        sip_port=sip_port,
        http_port=http_port,
    )
    demo = asyncio.create_task(run_demo(settings, echo=lines.append))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as phone:
        phone.bind(("127.0.0.1", 0))
        phone.setblocking(False)
        local = phone.getsockname()[1]
        answered = b""
        for n in range(6000):  # 30 s at most (building the demo hashes its passwords)
            phone.sendto(_options(sip_port, local, n), ("127.0.0.1", sip_port))
            await asyncio.sleep(0.005)
            with contextlib.suppress(BlockingIOError):
                answered = phone.recv(4096)
            if answered or demo.done():
                break
        assert answered.startswith(b"SIP/2.0 200"), (answered[:80], lines)
        with socket.create_connection(("127.0.0.1", http_port), timeout=1):
            pass  # the web app was up before SIP answered
    assert any(line.startswith("Köer: ") for line in lines)
    await demo
    assert any(line.startswith(f"SIP: 127.0.0.1:{sip_port} ") for line in lines), lines
