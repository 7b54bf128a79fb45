"""Digest checks and throttling of REGISTER against forged sources, distributed guessing and
replayed credentials (issue 10 §4, §5; RFC 7616 §3.3, §3.4).

The attacks of issue 10, replayed in process against :class:`Registration` with a fake SIP
endpoint: source addresses can be anything here, and time is stepped by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vaxel.sip.auth import authorization_for, parse_auth_params
from vaxel.sip.message import Request
from vaxel.sip.parser import parse_message
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.directory import Extension, TelephonyDirectory
from vaxel.telephony.registration import Registration

OFFICE = "192.0.2.10"  # an office NAT address: the real phones sit behind it
PASSWORDS = {"1001": "desk-1001-secret", "1002": "desk-1002-secret"}


@dataclass
class Answer:
    status: int
    reason: str
    headers: dict[str, str]


@dataclass
class FakeEndpoint:
    answers: list[Answer] = field(default_factory=list)

    def respond(
        self,
        server_key: tuple[str, str, str],
        request: Request,
        status: int,
        reason: str,
        *,
        to_tag: str | None = None,
        body: bytes = b"",
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.answers.append(Answer(status, reason, dict(extra)))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def registration() -> tuple[Registration, FakeEndpoint, Clock]:
    extensions = {n: Extension("t", n, password) for n, password in PASSWORDS.items()}
    endpoint, clock = FakeEndpoint(), Clock()
    directory = TelephonyDirectory(extensions=extensions)
    return Registration(endpoint, directory, b"server secret", clock), endpoint, clock  # type: ignore[arg-type]


class Phone:
    """A phone (or an attacker) at ``address``: sends REGISTERs, answers challenges."""

    serial = 0

    def __init__(self, server: Registration, address: str, extension: str) -> None:
        self.server, self.address, self.extension = server, address, extension
        self.endpoint: FakeEndpoint = server.sip  # type: ignore[assignment]
        Phone.serial += 1
        self.call_id = f"reg-{Phone.serial}@{address}"
        self.cseq = 0

    def send(self, authorization: str | None = None) -> Answer:
        self.cseq += 1
        auth = f"Authorization: {authorization}\r\n" if authorization else ""
        data = (
            "REGISTER sip:vaxel SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {self.address}:5060;branch=z9hG4bK{self.call_id}{self.cseq}\r\n"
            f"From: <sip:{self.extension}@vaxel>;tag=f{self.cseq}\r\n"
            f"To: <sip:{self.extension}@vaxel>\r\nCall-ID: {self.call_id}\r\n"
            f"CSeq: {self.cseq} REGISTER\r\nMax-Forwards: 70\r\n"
            f"Contact: <sip:{self.extension}@{self.address}:5060>\r\nExpires: 600\r\n{auth}"
            "Content-Length: 0\r\n\r\n"
        ).encode()
        request = parse_message(data)
        assert isinstance(request, Request)
        key = ("z9hG4bK", self.address, "REGISTER")
        self.server.handle(RequestReceived(request, key, (self.address, 5060), "udp"))
        return self.endpoint.answers[-1]

    def answer(self, challenge: Answer, password: str) -> str:
        return authorization_for(
            challenge.headers["WWW-Authenticate"],
            username=self.extension,
            password=password,
            method="REGISTER",
            uri="sip:vaxel",
            cnonce="c",
        )

    def register(self, password: str | None = None) -> Answer:
        challenge = self.send()
        assert challenge.status == 401
        return self.send(self.answer(challenge, password or PASSWORDS[self.extension]))


def bound(server: Registration, extension: str, clock: Clock) -> list[str]:
    return [b.contact for b in server.registrar.lookup(f"t/{extension}", clock.now)]


def test_spoofed_junk_credentials_do_not_lock_out_the_phones_at_that_address() -> None:
    server, _endpoint, clock = registration()
    spoofer = Phone(server, OFFICE, "1001")  # forged source: never sees a reply
    foreign = parse_auth_params(
        Phone(server, "203.0.113.5", "1001").send().headers["WWW-Authenticate"]
    )
    for n in range(20):
        junk = (
            f'Digest username="1001", realm="vaxel", nonce="{n}:{n}:00ff", uri="sip:vaxel", '
            f'response="{n:032x}", algorithm=MD5, qop=auth, nc=00000001, cnonce="x"'
        )
        assert spoofer.send(junk).status == 401
        # A real nonce, but issued to another address, counts no more than junk.
        borrowed = junk.replace(f"{n}:{n}:00ff", foreign[1]["nonce"])
        assert spoofer.send(borrowed).status == 401
        clock.now += 1
    assert Phone(server, OFFICE, "1001").register().status == 200
    assert Phone(server, OFFICE, "1002").register().status == 200


def test_guessing_one_extension_from_forty_addresses_is_throttled() -> None:
    server, _endpoint, clock = registration()
    assert Phone(server, OFFICE, "1001").register().status == 200
    statuses = []
    for n in range(40):
        guesser = Phone(server, f"198.51.100.{n + 1}", "1001")
        for attempt in range(4):
            challenge = guesser.send()
            if challenge.status != 401:
                statuses.append(challenge.status)
                continue
            statuses.append(guesser.send(guesser.answer(challenge, f"guess-{n}-{attempt}")).status)
            clock.now += 0.25
    assert statuses[:9] == [401] * 9 and statuses[9] == 403
    assert statuses.count(403) == 160 - 9  # every guess after the tenth: refused unchecked
    # The phone that registered before keeps registering, as does any other extension.
    assert Phone(server, OFFICE, "1001").register().status == 200
    assert Phone(server, "198.51.100.1", "1002").register().status == 200
    # The back-off is short: once it has passed, the extension can be tried again.
    clock.now += 61
    late = Phone(server, "203.0.113.9", "1001")
    assert late.send(late.answer(late.send(), "one more guess")).status == 401


def test_a_guesser_behind_the_office_address_does_not_lock_out_the_office_phones() -> None:
    server, _endpoint, clock = registration()
    assert Phone(server, OFFICE, "1002").register().status == 200
    guesser = Phone(server, OFFICE, "1001")
    statuses = [guesser.send(guesser.answer(guesser.send(), f"g{n}")).status for n in range(6)]
    assert statuses[:4] == [401] * 4 and statuses[4:] == [403, 403]
    clock.now += 600  # the phone re-registers later on, the block still in force
    assert Phone(server, OFFICE, "1002").register().status == 200


def test_a_captured_authorization_replayed_from_another_address_is_refused() -> None:
    server, _endpoint, clock = registration()
    phone = Phone(server, OFFICE, "1001")
    challenge = phone.send()
    captured = phone.answer(challenge, PASSWORDS["1001"])
    assert phone.send(captured).status == 200
    clock.now += 20
    attacker = Phone(server, "203.0.113.66", "1001")  # another address, Call-ID and Contact
    replayed = attacker.send(captured)
    assert replayed.status == 401
    fresh = parse_auth_params(replayed.headers["WWW-Authenticate"])[1]
    assert fresh["nonce"] != parse_auth_params(challenge.headers["WWW-Authenticate"])[1]["nonce"]
    assert fresh["stale"] == "true"
    assert bound(server, "1001", clock) == [f"sip:1001@{OFFICE}:5060"]


def test_a_captured_authorization_replayed_from_the_same_address_is_refused() -> None:
    server, _endpoint, clock = registration()
    phone = Phone(server, OFFICE, "1001")
    captured = phone.answer(phone.send(), PASSWORDS["1001"])
    assert phone.send(captured).status == 200
    clock.now += 20
    again = Phone(server, OFFICE, "1001")  # same address (an attacker behind the NAT)
    assert again.send(captured).status == 401  # the nonce count was used already


def test_an_extensions_first_binding_is_told_once_to_every_listener() -> None:
    """The demo's hand-over and the browser phone's readiness rule (an agent paused for
    having no phone is ready once her desk phone registers, issue 15) both hear of it."""
    server, _, clock = registration()
    demo: list[str] = []
    readiness: list[str] = []
    server.registered_listeners.append(lambda extension: demo.append(extension.extension))
    server.registered_listeners.append(lambda extension: readiness.append(extension.extension))
    phone = Phone(server, "192.0.2.10", "1001")
    assert phone.register().status == 200
    assert phone.register().status == 200  # a refresh: no new phone
    assert demo == readiness == ["1001"] and bound(server, "1001", clock)
