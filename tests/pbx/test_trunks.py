"""Trunks and the registration client (issue 14 §2): a carrier played by a pure digest
server over a fake wire, time stepped by hand."""

from __future__ import annotations

import itertools

import pytest

from vaxel.pbx.trunks import (
    RegistrationClient,
    RegistrationState,
    SendRegister,
    Trunk,
    TrunkError,
    TrunkMode,
)
from vaxel.sip.auth import DigestAuthenticator

TRUNK = Trunk("demo", "127.0.0.1", 5080, username="4610123450", password="carrier-secret")


class Carrier:
    """A registrar that challenges, then checks the answer with the server-side digest."""

    def __init__(self, password: str = "carrier-secret", granted_s: int = 600) -> None:
        self.auth = DigestAuthenticator("carrier", b"k" * 32, algorithms=("MD5",))
        self.password = password
        self.granted_s = granted_s
        self.seen: list[SendRegister] = []

    def answer(
        self, client: RegistrationClient, sent: list[SendRegister], now: float
    ) -> list[SendRegister]:
        [register] = sent
        self.seen.append(register)
        if register.credentials is None:
            [challenge] = self.auth.challenges(now)
            return client.received(401, "Unauthorized", now, challenge=challenge)
        verdict = self.auth.verify(
            register.credentials[1],
            method="REGISTER",
            now=now,
            lookup=lambda user: self.password if user == "4610123450" else None,
        )
        if verdict.ok:
            return client.received(200, "OK", now, granted_s=self.granted_s)
        [challenge] = self.auth.challenges(now, stale=verdict.stale)
        return client.received(401, "Unauthorized", now, challenge=challenge)


def client(**kwargs: float) -> RegistrationClient:
    counter = itertools.count()
    return RegistrationClient(TRUNK, lambda: f"cn{next(counter)}", **kwargs)


def run(
    carrier: Carrier, machine: RegistrationClient, sent: list[SendRegister], now: float
) -> None:
    while sent:
        sent = carrier.answer(machine, sent, now)


def test_registers_with_digest_and_refreshes_before_expiry() -> None:
    carrier, machine = Carrier(), client()
    run(carrier, machine, machine.start(0.0), 0.0)
    assert machine.state is RegistrationState.REGISTERED
    assert [r.cseq for r in carrier.seen] == [1, 2]  # one Call-ID, CSeq rising (§10.2.4)
    assert carrier.seen[1].credentials is not None
    assert carrier.seen[1].credentials[0] == "Authorization"
    assert machine.registered_until == 600.0
    deadline = machine.next_deadline()
    assert deadline == pytest.approx(480.0)  # 80 % of the granted 600 s
    assert machine.on_timer(deadline - 1) == []
    refresh = machine.on_timer(deadline)
    assert refresh[0].credentials is not None  # the last nonce, nc=2: no extra round trip
    assert "nc=00000002" in refresh[0].credentials[1]
    run(carrier, machine, refresh, deadline)
    assert machine.state is RegistrationState.REGISTERED
    assert machine.registered_until == deadline + 600


def test_a_carrier_that_refuses_our_credentials_is_shown_with_its_answer() -> None:
    carrier, machine = Carrier(password="something-else"), client(base_backoff_s=10)
    run(carrier, machine, machine.start(0.0), 0.0)
    assert machine.state is RegistrationState.REFUSED
    assert machine.last_answer is not None
    assert (machine.last_answer.status, machine.last_answer.reason) == (401, "Unauthorized")
    assert len(carrier.seen) == 2  # one answer per nonce, then it gives up
    # backoff doubles: 10 s, then 20 s
    assert machine.next_deadline() == 10.0
    run(carrier, machine, machine.on_timer(10.0), 10.0)
    assert machine.state is RegistrationState.REFUSED and machine.next_deadline() == 30.0
    carrier.password = "carrier-secret"  # the admin fixed it at the carrier's side
    run(carrier, machine, machine.on_timer(30.0), 30.0)
    assert machine.state is RegistrationState.REGISTERED and machine.failures == 0


def test_a_forbidden_answer_is_kept_verbatim() -> None:
    machine = client()
    machine.start(0.0)
    machine.received(403, "Forbidden: account suspended", 1.0)
    assert machine.state is RegistrationState.REFUSED
    assert machine.last_answer is not None and machine.last_answer.reason == (
        "Forbidden: account suspended"
    )


def test_no_answer_makes_the_trunk_unreachable_and_it_tries_again() -> None:
    machine = client(base_backoff_s=5, max_backoff_s=15)
    machine.start(0.0)
    machine.timed_out(32.0)
    assert machine.state is RegistrationState.UNREACHABLE
    deadlines = []
    for _ in range(4):
        now = machine.next_deadline()
        assert now is not None
        [again] = machine.on_timer(now)
        assert again.credentials is None
        machine.timed_out(now + 32)
        deadlines.append(machine.next_deadline() - (now + 32))  # type: ignore[operator]
    assert deadlines == [10, 15, 15, 15]  # doubling, capped


def test_interval_too_brief_is_retried_with_the_carriers_minimum() -> None:
    machine = client()
    machine.start(0.0)
    [again] = machine.received(423, "Interval Too Brief", 0.1, min_expires=7200)
    assert again.expires_s == 7200 and again.cseq == 2


def test_a_proxy_challenge_is_answered_in_proxy_authorization() -> None:
    machine = client()
    machine.start(0.0)
    challenge = 'Digest realm="c", nonce="n1", algorithm=MD5'
    [again] = machine.received(407, "Proxy Authentication Required", 0.1, challenge=challenge)
    assert again.credentials is not None and again.credentials[0] == "Proxy-Authorization"


def test_stop_removes_the_binding() -> None:
    carrier, machine = Carrier(), client()
    run(carrier, machine, machine.start(0.0), 0.0)
    [unregister] = machine.stop(5.0)
    assert unregister.expires_s == 0 and unregister.credentials is not None
    assert machine.state is RegistrationState.UNREGISTERED and machine.next_deadline() is None


def test_an_ip_trusted_trunk_has_no_registration_client() -> None:
    trunk = Trunk("demo", "192.0.2.10", mode=TrunkMode.IP)
    with pytest.raises(TrunkError):
        RegistrationClient(trunk, lambda: "x")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"host": ""}, "trunk.host", "invalid"),
        ({"host": "evil\r\nVia: x"}, "trunk.host", "invalid"),
        ({"port": 70000}, "trunk.port", "whole-number-range"),
        ({"username": ""}, "trunk.username", "required-text"),
        ({"username": "a b"}, "trunk.username", "invalid"),
        ({"password": "short"}, "trunk.password", "range"),
        ({"expires_s": 10}, "trunk.expires_s", "whole-number-range"),
        ({"transport": "sctp"}, "trunk.transport", "choice"),
    ],
)
def test_bad_trunks_are_refused_naming_the_field(
    changes: dict[str, object], field: str, code: str
) -> None:
    values: dict[str, object] = {
        "tenant_id": "demo",
        "host": "127.0.0.1",
        "username": "u",
        "password": "carrier-secret",
        **changes,
    }
    with pytest.raises(TrunkError) as error:
        Trunk(**values)  # type: ignore[arg-type]
    assert (error.value.field, error.value.code) == (field, code)


def test_a_carrier_that_keeps_saying_stale_cannot_keep_us_looping() -> None:
    machine = client()
    sent = machine.start(0.0)
    rounds = 0
    while sent and rounds < 20:
        rounds += 1
        challenge = f'Digest realm="c", nonce="n{rounds}", algorithm=MD5, stale=true'
        sent = machine.received(401, "Unauthorized", 0.1, challenge=challenge)
    assert rounds == 4 and machine.state is RegistrationState.REFUSED


def test_a_carrier_calling_our_contact_dials_the_did_in_to() -> None:
    """RFC 3261 §10.2.1: the carrier may send a DID's call to the Contact we registered."""
    from vaxel.pbx.outside_lines import OutsideLines

    lines = OutsideLines(trunks={"demo": TRUNK})
    assert lines.dialled("4610123450", "+46101234512", "127.0.0.1") == "+46101234512"
    assert lines.dialled("4610123450", "+46101234512", "192.0.2.9") == "4610123450"
    assert lines.dialled("+46101234599", "+46101234512", "127.0.0.1") == "+46101234599"
    assert OutsideLines().dialled("2001", "2002", "127.0.0.1") == "2001"
