"""The WebRTC adapter answers PCMU only, and refuses an offer it cannot take with a Swedish
message to the page (issue 15 §1, Bad input). The offers come from a real aiortc peer."""

from __future__ import annotations

from typing import Any

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender

from vaxel.webrtc.phones import NO_SWITCH, BrowserPhones

pytestmark = pytest.mark.timeout(60)


async def offer(mime_types: tuple[str, ...]) -> tuple[RTCPeerConnection, str]:
    """A browser-like offer of audio in ``mime_types`` from a real peer."""
    peer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    codecs = [
        c for c in RTCRtpSender.getCapabilities("audio").codecs if c.mimeType.lower() in mime_types
    ]
    peer.addTransceiver("audio", direction="sendrecv").setCodecPreferences(codecs)
    await peer.setLocalDescription(await peer.createOffer())
    return peer, peer.localDescription.sdp


async def test_an_offer_of_opus_and_pcmu_is_answered_with_pcmu_alone() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    phones = BrowserPhones()
    phone = phones.open("t", "maria", send)
    browser, sdp = await offer(("audio/opus", "audio/pcmu"))
    try:
        await phone.handle({"type": "offer", "sdp": sdp})
        [answer] = [message for message in sent if message["type"] == "answer"]
        rtpmaps = [line for line in answer["sdp"].splitlines() if line.startswith("a=rtpmap:")]
        assert rtpmaps == ["a=rtpmap:0 PCMU/8000"] and phone.codec == "PCMU/8000"
        # a server without telephony says calls cannot reach the page (no line is bound)
        assert sent[-1]["message"] == NO_SWITCH and phone.line is None
    finally:
        await browser.close()
        await phone.close()
    assert phones.open_phones == {}


@pytest.mark.parametrize("kind", ["opus only", "not SDP"])
async def test_an_offer_without_pcmu_or_not_sdp_is_refused_in_swedish(kind: str) -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    phone = BrowserPhones().open("t", "maria", send)
    browser, sdp = await offer(("audio/opus",))
    try:
        await phone.handle({"type": "offer", "sdp": sdp if kind == "opus only" else "v=0\r\nx"})
    finally:
        await browser.close()
        await phone.close()
    # the code lets the web word it in the page's language (tests/web/test_softphone_socket)
    assert sent == [
        {"type": "error", "code": "no-pcmu", "message": "Webbläsaren erbjöd inget ljud i PCMU"}
    ]
