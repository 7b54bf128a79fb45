"""``vaxel demo`` answers SIP: its printed extensions register and its main number answers."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from tests.telephony.conftest import keys, sipp
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
    for _ in range(100):
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
