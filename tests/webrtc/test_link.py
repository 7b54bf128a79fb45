"""A browser phone becomes a device of its person through the switch's own registrar
(issue 15 §1): the binding rings the line's address, is removed when the phone closes,
never binds another tenant's extension, and an account with no extension is told so."""

from __future__ import annotations

from typing import Any

import pytest

from tests.webrtc.test_browser_phones import offer
from vaxel.telephony.directory import Extension, TelephonyDirectory
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.registration import Registration
from vaxel.webrtc.link import RegistrarLink
from vaxel.webrtc.phones import NO_EXTENSION, TRUSTED_HOST, BrowserPhones

pytestmark = pytest.mark.timeout(60)
NUMBERS = {("gavle", "maria"): "1003", ("gavle", "olle"): "2001"}


def registrar_link() -> RegistrarLink:
    directory = TelephonyDirectory(
        numbers={},
        extensions={
            "1003": Extension("gavle", "1003", "secret-1003", "maria"),
            "2001": Extension("annanstad", "2001", "secret-2001", "olle"),
        },
    )
    registration = Registration(SipEndpoint(lambda event: None), directory, b"k" * 32, lambda: 0.0)
    return RegistrarLink(registration, "0.0.0.0", lambda t, u: NUMBERS.get((t, u)))


def test_a_switch_that_trusts_its_own_host_is_not_dialled_through() -> None:
    """A dialled call must be challenged to be the extension's (issue 15 §2, PBX8): with
    the switch's host node-wide trusted it would be taken as a carrier's."""
    link = registrar_link()
    assert link.dials_as_phone and link.switch_address[0] == "127.0.0.1"
    link.registration.directory.trusted_sources = frozenset({"127.0.0.1"})
    assert not link.dials_as_phone


def test_the_binding_rings_the_lines_address_and_goes_when_the_phone_closes() -> None:
    link = registrar_link()
    assert link.host == "127.0.0.1"  # a wildcard host is no address to bind a line on
    maria = link.line("gavle", "maria")
    assert maria is not None and maria.extension == "1003"
    link.bind(maria, "sip:webbtelefon-1@127.0.0.1:40001", ("127.0.0.1", 40001), 3600)
    [binding] = link.registration.bindings(maria)
    assert binding.source == ("127.0.0.1", 40001) and binding.transport == "udp"
    link.bind(maria, "sip:webbtelefon-1@127.0.0.1:40001", ("127.0.0.1", 40001), 0)
    assert link.registration.bindings(maria) == []


def test_another_tenants_extension_is_never_an_accounts_line() -> None:
    link = registrar_link()
    assert link.line("gavle", "olle") is None  # 2001 is annanstad's
    assert link.line("gavle", "nobody") is None


async def test_an_account_without_an_extension_is_told_no_call_can_reach_it() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    phone = BrowserPhones(link=registrar_link()).open("gavle", "nobody", send)
    browser, sdp = await offer(("audio/pcmu",))
    try:
        await phone.handle({"type": "offer", "sdp": sdp})
        assert sent[-1] == {"type": "error", "code": "no-extension", "message": NO_EXTENSION}
        assert phone.line is None
    finally:
        await browser.close()
        await phone.close()


async def test_dialling_is_refused_in_swedish_while_the_switchs_own_host_is_trusted() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    link = registrar_link()
    link.registration.directory.trusted_sources = frozenset({"127.0.0.1"})
    phone = BrowserPhones(link=link).open("gavle", "maria", send)
    browser, sdp = await offer(("audio/pcmu",))
    try:
        await phone.handle({"type": "offer", "sdp": sdp})
        assert phone.line is not None  # calls still ring it
        await phone.handle({"type": "dial", "number": "4501"})
        assert sent[-1] == {"type": "error", "message": TRUSTED_HOST}
        assert phone.line.call is None  # nothing was sent to the switch
    finally:
        await browser.close()
        await phone.close()
