"""Message-waiting over SIP (PBX4, RFC 3842): a phone played by SIPp subscribes to its
mailbox with digest auth, gets the summary at once, then "yes 1/0" when a message arrives,
and the end when it unsubscribes; another mailbox and another event package are refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
    DEMO_TENANT,
    Running,
    keys,
    sipp,
)


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
