"""Registrar bindings (RFC 3261 §10.3): expiry, several phones per extension, removal."""

from __future__ import annotations

import pytest

from vaxel.sip.errors import SipError
from vaxel.sip.message import Headers, Request
from vaxel.telephony.registrar import Registrar

AOR = "demo/1001"


def register(
    *contacts: str, expires: str | None = None, call_id: str = "c1", cseq: int = 1
) -> Request:
    headers = Headers(
        [
            ("Via", "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx"),
            ("From", "<sip:1001@127.0.0.1>;tag=a"),
            ("To", "<sip:1001@127.0.0.1>"),
            ("Call-ID", call_id),
            ("CSeq", f"{cseq} REGISTER"),
        ]
    )
    for contact in contacts:
        headers.add("Contact", contact)
    if expires is not None:
        headers.add("Expires", expires)
    return Request(headers=headers, method="REGISTER", uri="sip:127.0.0.1")


def test_desk_phone_and_softphone_are_both_reachable_until_they_expire() -> None:
    registrar = Registrar()
    registrar.update(
        AOR, register("<sip:1001@127.0.0.1:5070>;expires=120"), ("127.0.0.1", 5070), "udp", 0
    )
    registrar.update(
        AOR,
        register("<sip:1001@127.0.0.1:5080>", expires="600", call_id="c2"),
        ("127.0.0.1", 5080),
        "udp",
        10,
    )
    assert [b.source for b in registrar.lookup(AOR, 11)] == [
        ("127.0.0.1", 5080),
        ("127.0.0.1", 5070),
    ]
    assert registrar.next_deadline() == 120
    assert [b.contact for b in registrar.expire(121)] == ["sip:1001@127.0.0.1:5070"]
    assert [b.source for b in registrar.lookup(AOR, 121)] == [("127.0.0.1", 5080)]
    assert registrar.lookup(AOR, 611) == []


def test_refresh_keeps_one_binding_per_contact_and_zero_removes_it() -> None:
    registrar = Registrar()
    registrar.update(AOR, register("<sip:1001@h:5070>", expires="60"), ("h", 5070), "udp", 0)
    registrar.update(
        AOR, register("<sip:1001@h:5070>", expires="60", cseq=2), ("h", 5070), "udp", 50
    )
    assert len(registrar.lookup(AOR, 100)) == 1
    assert registrar.expire(100) == []  # the refreshed binding outlives the first expiry
    registrar.update(AOR, register("<sip:1001@h:5070>;expires=0", cseq=3), ("h", 5070), "udp", 101)
    assert registrar.lookup(AOR, 101) == []


def test_star_removes_all_and_needs_expires_zero() -> None:
    registrar = Registrar()
    registrar.update(AOR, register("<sip:1001@h:1>", "<sip:1001@h:2>"), ("h", 1), "udp", 0)
    with pytest.raises(SipError) as error:
        registrar.update(AOR, register("*", cseq=2), ("h", 1), "udp", 1)
    assert error.value.status == 400
    assert len(registrar.lookup(AOR, 1)) == 2  # nothing half-applied
    registrar.update(AOR, register("*", expires="0", cseq=3), ("h", 1), "udp", 2)
    assert registrar.lookup(AOR, 2) == []


@pytest.mark.parametrize(
    ("request_", "status"),
    [
        (register("<sip:1001@h>", expires="10"), 423),
        (register("<sip:1001@h>", expires="soon"), 400),
        (register("<tel:+46101234567>"), 400),
    ],
)
def test_bad_registrations_are_refused_with_a_reason(request_: Request, status: int) -> None:
    registrar = Registrar()
    with pytest.raises(SipError) as error:
        registrar.update(AOR, request_, ("h", 1), "udp", 0)
    assert error.value.status == status
    assert registrar.lookup(AOR, 0) == []


def test_stale_cseq_within_one_call_id_is_refused() -> None:
    registrar = Registrar()
    registrar.update(AOR, register("<sip:1001@h>", cseq=5), ("h", 1), "udp", 0)
    with pytest.raises(SipError) as error:
        registrar.update(AOR, register("<sip:1001@h>", expires="0", cseq=4), ("h", 1), "udp", 1)
    assert error.value.status == 500
    assert len(registrar.lookup(AOR, 1)) == 1
