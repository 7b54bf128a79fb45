"""A running telephony service on 127.0.0.1 with the demo tenant, and real SIP peers."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
import yaml

from tests.conftest import seeded_sqlite
from vaxel.demo import seed_demo_tenant
from vaxel.flow import flow_from_dict
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER, demo_agents
from vaxel.sip.auth import authorization_for
from vaxel.sip.message import Request, Response
from vaxel.store import open_database
from vaxel.telephony.directory import Extension, ServiceNumber, TelephonyDirectory
from vaxel.telephony.service import TelephonyService

FLOW_FILE = Path(__file__).parents[2] / "vaxel" / "flow" / "demo_flow.yaml"
SIPP_DIR = Path(__file__).parent / "sipp"
AGENT_ID = "karin"  # bygglov: key 2 in the demo's main menu
AGENT_QUEUES = next(queues for profile, queues in demo_agents() if profile.agent_id == AGENT_ID)
AGENT_EXTENSION = "1005"
AGENT_PASSWORD = "robot-1005-secret"
CALLBACK_AGENT_ID, CALLBACK_EXTENSION, CALLBACK_PASSWORD = "maria", "1003", "robot-1003-secret"
CUSTOMER_EXTENSION = "2001"  # a plain phone, no agent: the customer of a callback
CUSTOMER_PASSWORD = "robot-2001-secret"


class AlwaysOpen:
    """Opening hours for tests that must not depend on the time of day they run at."""

    def is_open(self, schedule_id: str, now: float) -> bool:
        return True


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_media_ports() -> int:
    """An even port whose next three are free too: SIPp's ``-mp`` binds audio RTP and RTCP
    there and video two above (a taken one fails the run with errno 98)."""
    while True:
        base = free_port() & ~1
        socks = []
        try:
            for port in range(base, base + 4):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()


def free_sip_port() -> int:
    """A port free for UDP and for TCP at once: a SIP peer (baresip) listens on both, and
    a port free for one is often taken for the other by a TCP connection's local end."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


def directory(trusted: bool = True) -> TelephonyDirectory:
    flow = flow_from_dict(yaml.safe_load(FLOW_FILE.read_text(encoding="utf-8")))
    service = ServiceNumber(MAIN_NUMBER, DEMO_TENANT, flow, AlwaysOpen())
    return TelephonyDirectory(
        numbers={MAIN_NUMBER: service, "0812345000": service},
        extensions={
            CUSTOMER_EXTENSION: Extension(DEMO_TENANT, CUSTOMER_EXTENSION, CUSTOMER_PASSWORD),
            CALLBACK_EXTENSION: Extension(
                DEMO_TENANT,
                CALLBACK_EXTENSION,
                CALLBACK_PASSWORD,
                CALLBACK_AGENT_ID,
                auto_login_queues=("kundtjanst",),
            ),
            AGENT_EXTENSION: Extension(
                DEMO_TENANT,
                AGENT_EXTENSION,
                AGENT_PASSWORD,
                AGENT_ID,
                auto_login_queues=AGENT_QUEUES,
            ),
        },
        trusted_sources=frozenset({"127.0.0.1"}) if trusted else frozenset(),
    )


@dataclass
class Running:
    service: TelephonyService
    center: ContactCenter

    @property
    def port(self) -> int:
        return self.service.address[1]


def _seed(url: str) -> None:
    """The demo tenant, stored as ``vaxel demo`` stores it (copied per test)."""
    database = open_database(url)
    seed_demo_tenant(ContactCenter(database), url, time.time())
    database.dispose()


async def start(
    tmp_path: Path, *, trusted: bool = True, tls: ssl.SSLContext | None = None
) -> Running:
    url = seeded_sqlite(tmp_path / "telephony.db", "demo", _seed)
    database = open_database(url)
    center = ContactCenter(database)
    center.recover()  # the copied journal: the demo's queues and agents
    service = TelephonyService(
        center,
        directory(trusted),
        sip_port=0,
        rtp_ports=(32000, 32998),
        voicemail_dir=str(tmp_path / "vm"),
        tls=tls,
        tls_port=0,
    )
    await service.start()
    return Running(service, center)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    server = await start(tmp_path)
    yield server
    await server.service.close()


@pytest.fixture
async def untrusted(tmp_path: Path) -> AsyncIterator[Running]:
    server = await start(tmp_path, trusted=False)
    yield server
    await server.service.close()


def need(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.fail(f"{program} is not installed: run scripts/system-packages.sh")
    return path


def keys(**values: str) -> list[str]:
    """SIPp ``-key`` options for the scenarios' [$name] variables."""
    return [item for name, value in values.items() for item in ("-key", name, value)]


async def sipp(
    scenario: str,
    port: int,
    *extra: str,
    service: str = MAIN_NUMBER,
    calls: int = 1,
    timeout_s: float = 30.0,
    cwd: Path,
    local_port: int | None = None,
) -> tuple[int, str]:
    """Run a SIPp scenario from tests/telephony/sipp against 127.0.0.1:``port``.

    SIPp writes its traces (``-trace_msg``, ``-trace_err``) into its working folder, so
    ``cwd`` is required and should be the test's ``tmp_path``: a default in the tree once
    left ``caller_listens_*_messages.log`` files in the repository."""
    arguments = [
        need("sipp"),
        f"127.0.0.1:{port}",
        "-sf",
        str(SIPP_DIR / scenario),
        "-s",
        service,
        "-i",
        "127.0.0.1",
        "-p",
        str(local_port or free_port()),
        "-mi",
        "127.0.0.1",
        "-mp",
        str(free_media_ports()),
        "-m",
        str(calls),
        "-timeout",
        f"{int(timeout_s)}s",
        "-timeout_error",
        "-nostdin",
        "-trace_err",
        "-trace_msg",
        *extra,
    ]
    process = await asyncio.create_subprocess_exec(
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=str(cwd),
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout_s + 10)
    return process.returncode or 0, output.decode("utf-8", "replace")


async def register_phone(port: int, extension: str, password: str, workdir: Path) -> int:
    """Register ``extension`` with SIPp (digest auth); returns the phone's SIP port."""
    phone_port = free_port()
    code, output = await sipp(
        "register.xml",
        port,
        *keys(ext=extension),
        "-au",
        extension,
        "-ap",
        password,
        cwd=workdir,
        local_port=phone_port,
    )
    assert code == 0, output
    return phone_port


class DigestPhone(Protocol):
    """A phone on a bare socket (``BarePhone``): its account and one-message I/O."""

    extension: str
    password: str
    tag: str

    def send(self, message: bytes) -> None: ...

    async def next(self, seconds: float = 3.0) -> Request | Response: ...


async def with_digest(
    phone: DigestPhone, method: str, uri: str, request: Callable[[int, str], bytes]
) -> Response:
    """Send ``request(attempt, authorization)`` — ``authorization`` is empty, then the
    ``Authorization`` header line answering the 401's digest challenge — and return the
    final answer (REGISTER, SUBSCRIBE: whatever ``method`` the phone's account may send)."""
    authorization = ""
    for attempt in (1, 2):
        phone.send(request(attempt, authorization))
        reply = await phone.next()
        assert isinstance(reply, Response)
        if reply.status != 401:
            return reply
        value = authorization_for(
            reply.headers.get("WWW-Authenticate") or "",
            username=phone.extension,
            password=phone.password,
            method=method,
            uri=uri,
            cnonce=phone.tag,
        )
        authorization = f"Authorization: {value}\r\n"
    raise AssertionError(f"{method} still challenged")
