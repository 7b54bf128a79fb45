"""Message-waiting over SIP (PBX4, RFC 3842): a phone played by SIPp subscribes to its
mailbox with digest auth, gets the summary at once, then "yes 1/0" when a message arrives,
and the end when it unsubscribes; another mailbox and another event package are refused."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
    DEMO_TENANT,
    Running,
    keys,
    sipp,
    with_digest,
)
from tests.telephony.test_parallel_ring import BarePhone
from vaxel.sip.message import Request, Response, response_to


async def test_a_phone_is_told_when_a_message_waits(running: Running, tmp_path: Path) -> None:
    mwi = running.service.switch.mwi
    asked: list[tuple[str, str]] = []

    def summary(tenant: str, number: str) -> tuple[int, int]:
        asked.append((tenant, number))
        return (0, 2)

    mwi.summary = summary
    phone = asyncio.ensure_future(
        sipp(
            "mwi_subscriber.xml",
            running.port,
            *keys(ext=AGENT_EXTENSION),
            "-au",
            AGENT_EXTENSION,
            "-ap",
            AGENT_PASSWORD,
            cwd=tmp_path,
            timeout_s=30,
        )
    )
    for _ in range(600):  # until the subscription is there and told once
        if any(s.sent is not None for s in mwi.table.by_key.values()) or phone.done():
            break
        await asyncio.sleep(0.05)
    if phone.done():
        code, output = phone.result()
        raise AssertionError(f"SIPp ended early ({code}):\n{output}")
    assert asked == [(DEMO_TENANT, AGENT_EXTENSION)]
    mwi.changed(DEMO_TENANT, AGENT_EXTENSION, 1, 0)
    mwi.changed(DEMO_TENANT, AGENT_EXTENSION, 1, 0)  # no change: no second NOTIFY
    code, output = await phone
    assert code == 0, output
    assert mwi.table.by_key == {}, "unsubscribed"


_branches = itertools.count(1)


async def _subscribe(
    phone: BarePhone, mailbox: str, *, event: str = "message-summary", expires: int = 600
) -> Response:
    """SUBSCRIBE as ``phone``'s extension (answering the digest challenge); the final answer."""

    def request(n: int, authorization: str) -> bytes:
        branch = f"z9hG4bKsub{next(_branches)}"  # each request its own transaction
        return (
            f"SUBSCRIBE sip:{mailbox}@127.0.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{phone.port};branch={branch}\r\n"
            f"From: <sip:{phone.extension}@127.0.0.1>;tag={phone.tag}\r\n"
            f"To: <sip:{mailbox}@127.0.0.1>\r\n"
            f"Call-ID: sub-{phone.port}-{mailbox}-{event}-{expires}\r\nCSeq: {n} SUBSCRIBE\r\n"
            f"Max-Forwards: 70\r\nContact: <sip:{phone.extension}@127.0.0.1:{phone.port}>\r\n"
            f"Event: {event}\r\nExpires: {expires}\r\n"
            f"{authorization}Content-Length: 0\r\n\r\n"
        ).encode()

    return await with_digest(phone, "SUBSCRIBE", f"sip:{mailbox}@127.0.0.1", request)


async def test_refusals_name_what_was_wrong(running: Running) -> None:
    """Another's mailbox 403, another event package 489, too short a subscription 423."""
    phone = BarePhone(running.port, AGENT_EXTENSION, AGENT_PASSWORD)
    try:
        assert (await _subscribe(phone, "2001")).status == 403
        assert (await _subscribe(phone, AGENT_EXTENSION, event="presence")).status == 489
        too_short = await _subscribe(phone, AGENT_EXTENSION, expires=5)
        assert too_short.status == 423 and too_short.headers.get("Min-Expires") == "60"
        fetched = await _subscribe(phone, AGENT_EXTENSION, expires=0)  # a one-off fetch
        assert fetched.status == 200
        notify = await phone.next()
        assert isinstance(notify, Request) and notify.method == "NOTIFY"
        assert "terminated" in (notify.headers.get("Subscription-State") or "")
        assert notify.body.startswith(b"Messages-Waiting: no")
        phone.send(response_to(notify, 200, "OK"))
    finally:
        phone.close()
    assert running.service.switch.mwi.table.by_key == {}
