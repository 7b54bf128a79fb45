"""The RFC 4475 torture tests and RFC 5118 IPv6 cases (tests/sip/corpus/torture, written for
Växel from the RFCs' descriptions) against the parser and a running telephony service over
UDP on 127.0.0.1: valid messages are processed, invalid ones refused with their status and a
reason naming what is wrong, nothing crashes, and the next plain request is still served
(issue 11 §4)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
import yaml

from tests.telephony.conftest import start
from vaxel.sip.errors import ParseError
from vaxel.sip.extensions import unsupported_body, unsupported_requirements
from vaxel.sip.message import Request, Response
from vaxel.sip.parser import BadRequest, parse_message
from vaxel.telephony.refusals import MAX_PROMPT_S

TORTURE = Path(__file__).parent / "corpus" / "torture"
CASES = yaml.safe_load((TORTURE / "index.yaml").read_text(encoding="utf-8"))


def test_every_message_has_an_expected_outcome_and_both_rfcs_are_covered() -> None:
    assert set(CASES) == {path.stem for path in TORTURE.glob("*.sip")}
    sources = [case["rfc"] for case in CASES.values()]
    assert (
        sum("RFC 4475" in s for s in sources) >= 45 and sum("RFC 5118" in s for s in sources) >= 9
    )
    assert {True, False} == {case["valid"] for case in CASES.values()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_parser_reads_each_message_as_the_rfc_says(name: str) -> None:
    case = CASES[name]
    data = (TORTURE / f"{name}.sip").read_bytes()
    if case["valid"] or case["status"] in (415, 420):  # 415/420: refused by the UA core
        message = parse_message(data)
        again = parse_message(message.to_bytes())  # what we read, we can write and reread
        assert type(again) is type(message) and again.call_id == message.call_id
        if isinstance(message, Request):
            assert bool(unsupported_requirements(message)) == (case["status"] == 420)
            assert unsupported_body(message) == (case["status"] == 415)
        return
    with pytest.raises(ParseError) as caught:
        parse_message(data)
    error = caught.value
    if case["status"] in (400, 416, 505):  # refused by the parser, with a reply addressed
        assert isinstance(error, BadRequest) and error.status == case["status"]
        assert case["reason"] in error.reason
    elif case["status"] is None:
        assert not isinstance(error, BadRequest)


def test_the_double_request_datagram_yields_only_its_first_request() -> None:
    message = parse_message((TORTURE / "dblreq.sip").read_bytes())
    assert isinstance(message, Request) and message.method == "REGISTER" and message.body == b""


def udp_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    return sock


async def final_answer(sock: socket.socket, wait: float) -> Response | None:
    """The first final response reaching ``sock``, or None when none comes in ``wait`` s."""
    loop = asyncio.get_running_loop()
    end = loop.time() + wait
    while (left := end - loop.time()) > 0:
        try:
            data = await asyncio.wait_for(loop.sock_recv(sock, 65535), left)
        except TimeoutError:
            return None
        status = int(data.split(b" ", 2)[1])  # read the status line only: a 400 copies
        if status >= 200:  # the request's headers, which may be the malformed part
            reply = Response(
                status=status, reason=data.split(b"\r\n", 1)[0].split(b" ", 2)[2].decode()
            )
            return reply
    return None


OPTIONS = (
    "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKnext{n};rport\r\n"
    "From: <sip:probe@127.0.0.1>;tag=p{n}\r\nTo: <sip:127.0.0.1>\r\nCall-ID: next-{n}\r\n"
    "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
)


async def test_the_running_server_answers_each_message_as_the_rfc_says(tmp_path: Path) -> None:
    server = await start(tmp_path)
    probe = udp_socket()
    got: dict[str, tuple[int | None, str]] = {}
    try:
        for n, name in enumerate(sorted(CASES)):
            sock = udp_socket()
            sock.sendto((TORTURE / f"{name}.sip").read_bytes(), ("127.0.0.1", server.port))
            expected = CASES[name]["status"]
            # an INVITE to a number that does not exist hears "numret finns inte" as early
            # media before its 404 (refusals.py): wait as long as that prompt may last
            reply = await final_answer(sock, MAX_PROMPT_S + 2.0 if expected is not None else 0.3)
            got[name] = (reply.status, reply.reason) if reply else (None, "")
            sock.close()
            probe.sendto(OPTIONS.format(n=n).encode(), ("127.0.0.1", server.port))
            after = await final_answer(probe, 2.0)
            assert after is not None and after.status == 200, f"not served after {name}"
        assert {name: status for name, (status, _) in got.items()} == {
            name: case["status"] for name, case in CASES.items()
        }
        for name, case in CASES.items():
            status, reason = got[name]
            if case["valid"]:
                assert status not in (400, 416, 505), name  # processed, not refused
            elif status is not None:
                assert case["reason"] in reason, (name, reason)
        assert server.service.switch.calls == {}  # nothing half-open left behind
    finally:
        probe.close()
        await server.service.close()
