"""``vaxel serve`` opens its SIP listener last (issue 11, issue 12 §1): a phone that asks while
the server still starts gets no answer until the web app is up, rather than an answer that
waits in the socket behind start-up work until the phone retransmits. The demo's side is
``tests/telephony/test_demo_sip.py``; this is the production path, :func:`vaxel.app.serve`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path

from tests.web.test_serve import free_port
from vaxel.app import serve
from vaxel.settings import ServeSettings


def _options(sip_port: int, local_port: int, n: int) -> bytes:
    return (
        f"OPTIONS sip:127.0.0.1:{sip_port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch=z9hG4bKserve{n};rport\r\n"
        f"From: <sip:probe@127.0.0.1>;tag=serve{n}\r\nTo: <sip:127.0.0.1>\r\n"
        f"Call-ID: serve-{n}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    ).encode()


async def test_serve_answers_sip_only_once_the_web_app_is_up(tmp_path: Path) -> None:
    """The probe sends OPTIONS every few milliseconds from the moment ``serve`` is started
    and, at the first answer, connects to the web port at once without yielding to the
    loop the server runs on: the web app must already be listening."""
    sip_port, http_port = free_port(), free_port()
    settings = ServeSettings(
        database_url=f"sqlite:///{tmp_path}/vaxel.db",
        http_host="127.0.0.1",
        http_port=http_port,
        sip_host="127.0.0.1",
        sip_port=sip_port,
        rtp_port_low=25000,
        rtp_port_high=25998,
        secure_cookies=False,  # plain http on 127.0.0.1
    )
    lines: list[str] = []
    server = asyncio.create_task(serve(settings, echo=lines.append))
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as phone:
            phone.bind(("127.0.0.1", 0))
            phone.setblocking(False)
            local = phone.getsockname()[1]
            answered = b""
            for n in range(6000):  # 30 s at most (migrating a fresh database takes a while)
                phone.sendto(_options(sip_port, local, n), ("127.0.0.1", sip_port))
                await asyncio.sleep(0.005)
                with contextlib.suppress(BlockingIOError, ConnectionRefusedError):
                    answered = phone.recv(4096)
                if answered or server.done():
                    break
            assert answered.startswith(b"SIP/2.0 200"), (answered[:80], lines)
            with socket.create_connection(("127.0.0.1", http_port), timeout=1):
                pass  # the web app was up before SIP answered
        for _ in range(200):  # the "ready" line follows the listeners' start
            if any(line.endswith("Redo.") for line in lines):
                break
            await asyncio.sleep(0.05)
        assert any(line.startswith(f"SIP: 127.0.0.1:{sip_port} ") for line in lines), lines
    finally:
        server.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await server
