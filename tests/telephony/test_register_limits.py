"""One phone account cannot fill the registrar (task R, issue 14 attack review; issue 10).

A staff member's SIP password is enough to REGISTER; without a bound, one account could add
thousands of Contacts to its extension: the process's memory grows, and every call to that
extension becomes as many INVITE transactions (each resent for 32 s) — one call ties up the
switch for every tenant. An extension keeps at most ``MAX_BINDINGS`` phones (a new one
replaces the longest unrefreshed: a rebooted phone still registers), a REGISTER carrying
more Contacts than that is refused, and the expiry queue stays near the live bindings."""

from __future__ import annotations

import itertools

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running, with_digest
from tests.telephony.test_parallel_ring import BarePhone
from tests.telephony.test_registrar import AOR, register
from vaxel.sip.message import Response
from vaxel.telephony.registrar import MAX_BINDINGS, Registrar

_sequence = itertools.count(1)


async def _register(phone: BarePhone, contacts: list[str]) -> Response:
    """One REGISTER of ``contacts`` as the phone's extension, answering the challenge."""
    lines = "".join(f"Contact: <{c}>;expires=600\r\n" for c in contacts)

    def request(_attempt: int, authorization: str) -> bytes:
        n = next(_sequence)
        return (
            f"REGISTER sip:127.0.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{phone.port};branch=z9hG4bKflood{n}\r\n"
            f"From: <sip:{phone.extension}@127.0.0.1>;tag={phone.tag}\r\n"
            f"To: <sip:{phone.extension}@127.0.0.1>\r\n"
            f"Call-ID: flood-{phone.port}\r\nCSeq: {n} REGISTER\r\nMax-Forwards: 70\r\n"
            f"{lines}{authorization}Content-Length: 0\r\n\r\n"
        ).encode()

    return await with_digest(phone, "REGISTER", "sip:127.0.0.1", request)


async def test_one_account_registering_thousands_of_contacts_keeps_its_newest_few(
    running: Running,
) -> None:
    service = running.service
    extension = service.directory.extensions[AGENT_EXTENSION]
    phone = BarePhone(running.port, AGENT_EXTENSION, AGENT_PASSWORD)
    try:
        for batch in range(200):  # 200 REGISTERs of 5 new Contacts: 1,000 "phones"
            uris = [f"sip:{AGENT_EXTENSION}@127.0.0.1:{10000 + batch * 5 + n}" for n in range(5)]
            reply = await _register(phone, uris)
            assert reply.status == 200, reply.status
            assert len(reply.headers.values("Contact")) <= MAX_BINDINGS
        kept = {b.contact for b in service.registration.bindings(extension)}
        newest = {f"sip:{AGENT_EXTENSION}@127.0.0.1:{10000 + n}" for n in range(990, 1000)}
        assert len(kept) == MAX_BINDINGS == 10
        assert kept == newest, "the freshest registrations win (a rebooted phone registers)"
        many = [f"sip:{AGENT_EXTENSION}@127.0.0.1:{20000 + n}" for n in range(MAX_BINDINGS + 1)]
        refused = await _register(phone, many)
        assert refused.status == 403 and "contacts" in refused.reason.lower()
        assert {b.contact for b in service.registration.bindings(extension)} == newest
    finally:
        phone.close()


def test_the_expiry_queue_stays_near_the_live_bindings() -> None:
    """Refreshes and replaced phones leave stale entries in the expiry queue; it is
    compacted, so 20,000 REGISTERs of one account do not grow it with each."""
    registrar = Registrar()
    for n in range(20_000):
        contact = f"<sip:1001@127.0.0.1:{10000 + n % 50}>;expires=600"
        registrar.update(AOR, register(contact, call_id=f"c{n}"), ("127.0.0.1", 5070), "udp", n)
    assert len(registrar.lookup(AOR, 20_000.0)) == MAX_BINDINGS
    assert len(registrar._expiry) <= 5_000
