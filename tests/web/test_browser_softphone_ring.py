"""The browser phone rings, and shows a desktop notification once allowed (issue 15 §2).

Debian's Chromium is Maria's phone; a baresip robot (Karin, 3001) calls her short number
through Växel's switch. What the page's ring tone sends to the speakers is tapped with a
Web Audio AnalyserNode (a hook on ``AudioNode.connect`` to the destination, added before
the page loads), and ``Notification`` is a recorder, so the test sees what the person would
hear and see:

- loading the page asks for no permission; **Visa skrivbordsaviseringar** asks once and
  the page says they are on;
- an offered call rings (650/800 Hz reach the speakers, ``data-softphone-sound=ring``) and
  shows "Inkommande samtal" with the caller's number; answering stops the ring and closes
  the notification;
- a second call rings and stops when the caller gives up (CANCEL); a third stops when
  Maria declines it;
- a call Maria dials that rings with a bare 180 (a stand-in switch: Växel's own sends its
  ringback as early media) plays the page's 425 Hz ringback until the answer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import CALLBACK_EXTENSION, Running
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web import test_browser_softphone_calls as calls
from tests.web.browsing import signed_in
from tests.web.conftest import Web
from tests.web.test_browser_softphone_calls import (
    CALLER_EXT,
    MARIA_SHORT,
    PASSWORD,
    ROBOT_HZ,
    WAIT_MS,
    link_maria,
)
from tests.webrtc.test_outgoing import PASSWORD as PASSWORD_1003
from tests.webrtc.test_outgoing import Switch
from vaxel.telephony.directory import Extension
from vaxel.webrtc.phones import BrowserPhones

pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]
switch = calls.switch  # the fixtures: Växel's switch with Maria, Debian's Chromium
chromium = calls.chromium
RING_HZ = (650.0, 800.0)
RINGBACK_HZ = 425.0

HOOKS = """(() => {
  const notices = { asked: 0, shown: [], closed: 0 };
  window.__notices = notices;
  class RecordedNotification {
    constructor(title, options) {
      notices.shown.push({ title: title, body: (options && options.body) || "" });
    }
    addEventListener() {}
    close() { notices.closed += 1; }
  }
  RecordedNotification.permission = "default";
  RecordedNotification.requestPermission = async () => {
    notices.asked += 1;
    RecordedNotification.permission = "granted";
    return "granted";
  };
  window.Notification = RecordedNotification;
  const connect = AudioNode.prototype.connect;
  AudioNode.prototype.connect = function (target, ...rest) {
    if (target instanceof AudioDestinationNode) {
      const tap = this.context.createAnalyser();
      tap.fftSize = 2048;
      tap.smoothingTimeConstant = 0; // each read is what plays now
      connect.call(this, tap);
      window.__speaker = tap;
    }
    return connect.call(this, target, ...rest);
  };
})();"""

SPEAKER_PEAK = """() => {
  const tap = window.__speaker;
  if (!tap) return { hz: 0, db: -200 };
  const data = new Float32Array(tap.frequencyBinCount);
  tap.getFloatFrequencyData(data);
  let peak = 1;
  for (let i = 1; i < data.length; i++) if (data[i] > data[peak]) peak = i;
  return { hz: (peak * tap.context.sampleRate) / tap.fftSize, db: data[peak] };
}"""


async def loudest(page: Any, seconds: float) -> list[dict[str, float]]:
    """What reached the speakers, read every 100 ms for ``seconds``."""
    heard = []
    for _ in range(int(seconds * 10)):
        heard.append(await page.evaluate(SPEAKER_PEAK))
        await asyncio.sleep(0.1)
    return heard


def rang(heard: list[dict[str, float]]) -> bool:
    return any(min(abs(h["hz"] - hz) for hz in RING_HZ) < 30 and h["db"] > -50 for h in heard)


async def sound(page: Any) -> str:
    return str(await page.evaluate("document.documentElement.dataset.softphoneSound"))


async def offered(page: Any, robot: Any, port: int) -> None:
    await robot.command("dial", f"sip:{MARIA_SHORT}@127.0.0.1:{port}")
    await page.wait_for_selector("#softphone-call:not([hidden])", timeout=WAIT_MS)
    assert await page.is_visible("#softphone-accept")


async def quiet(page: Any) -> None:
    """The ring stopped: nothing of it reaches the speakers for a whole cycle (3 s), from
    0.2 s on (the tap's 2048-sample window and the audio thread's render lag)."""
    assert await sound(page) == ""
    await asyncio.sleep(0.2)
    assert not rang(await loudest(page, 3.2))


async def test_an_offered_call_rings_notifies_and_stops_on_answer_cancel_and_decline(
    web: Web, site: str, switch: Running, chromium: Any, tmp_path: Path
) -> None:
    link_maria(web, switch)
    page: Any = await signed_in(chromium, site, "maria")
    await page.add_init_script(HOOKS)
    await page.goto(f"{site}/min-telefon/webbtelefon")
    assert await page.evaluate("window.__notices.asked") == 0  # never on page load
    await page.click("#softphone-notify")
    await page.wait_for_selector("#softphone-notify", state="hidden", timeout=WAIT_MS)
    assert await page.evaluate("window.__notices.asked") == 1
    assert "påslagna" in await page.inner_text("#softphone-notify-state")
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-number:enabled", timeout=WAIT_MS)
    registration = switch.service.switch.registration
    maria = switch.service.directory.extensions[CALLBACK_EXTENSION]
    await wait_for(lambda: bool(registration.bindings(maria)), 15)
    robot = await phone_robot(tmp_path, "karin", switch.port, CALLER_EXT, PASSWORD, ROBOT_HZ)
    karin = switch.service.directory.extensions[CALLER_EXT]
    calls_now = switch.service.switch.calls
    try:
        await wait_for(lambda: bool(registration.bindings(karin)), 15)

        await offered(page, robot, switch.port)  # 1: rings, notifies, answered
        assert await sound(page) == "ring"
        assert rang(await loudest(page, 3.2)), "the ring never reached the speakers"
        [notice] = await page.evaluate("window.__notices.shown")
        assert notice["title"] == "Inkommande samtal" and CALLER_EXT in notice["body"]
        await page.click("#softphone-accept")
        await page.wait_for_selector("#softphone-talk:not([hidden])", timeout=WAIT_MS)
        await quiet(page)
        assert await page.evaluate("window.__notices.closed") >= 1
        await robot.command("hangup")
        await page.wait_for_selector("#softphone-call", state="hidden", timeout=WAIT_MS)
        await wait_for(lambda: not calls_now, 10)

        await offered(page, robot, switch.port)  # 2: the caller gives up
        assert await sound(page) == "ring"
        await robot.command("hangup")
        await page.wait_for_selector("#softphone-call", state="hidden", timeout=WAIT_MS)
        await quiet(page)
        await wait_for(lambda: not calls_now, 10)

        await offered(page, robot, switch.port)  # 3: Maria declines
        assert await sound(page) == "ring"
        await page.click("#softphone-decline")
        await page.wait_for_selector("#softphone-call", state="hidden", timeout=WAIT_MS)
        await quiet(page)
        assert len(await page.evaluate("window.__notices.shown")) == 3
        assert await page.evaluate("window.__notices.closed") == 3  # each with its ring
    finally:
        await robot.stop()


@dataclass
class SwitchOnly:
    """A :class:`SwitchLink` to a stand-in switch that rings with a bare 180 (no early
    media), so the page must play its own ringback."""

    switch: Switch
    host: str = "127.0.0.1"

    @property
    def switch_address(self) -> tuple[str, int]:
        return self.switch.address

    dials_as_phone = True

    def line(self, tenant_id: str, username: str) -> Extension | None:
        return Extension(tenant_id, "1003", PASSWORD_1003, display_name="Maria")

    def bind(self, extension: Extension, contact: str, source: Any, expires: int) -> None:
        return None


async def test_a_dialled_call_ringing_without_early_media_plays_the_pages_ringback(
    web: Web, site: str, chromium: Any
) -> None:
    stand_in = Switch(password=PASSWORD_1003, early=False)
    await stand_in.endpoint.start()
    web.app.state.softphone = BrowserPhones(link=SwitchOnly(stand_in))  # type: ignore[attr-defined]
    try:
        page: Any = await signed_in(chromium, site, "maria")
        await page.add_init_script(HOOKS)
        await page.goto(f"{site}/min-telefon/webbtelefon")
        await page.click("#softphone-start")
        await page.wait_for_selector("#softphone-number:enabled", timeout=WAIT_MS)
        await page.fill("#softphone-number", "4501")
        await page.press("#softphone-number", "Enter")
        await page.wait_for_selector("#softphone-talk:not([hidden])", timeout=WAIT_MS)
        for _ in range(WAIT_MS // 100):
            if await sound(page) == "ringback":
                break
            await asyncio.sleep(0.1)
        assert await sound(page) == "ringback"
        assert "Det ringer hos 4501" in await page.inner_text("#softphone-call-text")
        heard = await loudest(page, 6.2)  # one whole cadence: 1 s of 425 Hz in every 6 s
        assert any(abs(h["hz"] - RINGBACK_HZ) < 30 and h["db"] > -50 for h in heard), heard
        assert stand_in.users == ["1003"]

        stand_in.reply(200, "OK", sdp=True)
        await page.wait_for_selector("#softphone-hold:visible", timeout=WAIT_MS)
        for _ in range(WAIT_MS // 100):
            if "Samtal med 4501" in await page.inner_text("#softphone-call-text"):
                break
            await asyncio.sleep(0.1)
        assert await sound(page) == ""
        await asyncio.sleep(0.2)
        heard = await loudest(page, 6.2)
        assert not any(abs(h["hz"] - RINGBACK_HZ) < 30 and h["db"] > -50 for h in heard)
        await page.click("#softphone-end")
        await stand_in.request("BYE")
    finally:
        await stand_in.endpoint.close()
