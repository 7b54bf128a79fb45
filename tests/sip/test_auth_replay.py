"""Nonces bound to their source and counted (issue 10 §4, §5; RFC 7616 §3.3, §3.4).

A captured Authorization header must not serve from another address, nor twice; only a
failure that answers our own fresh nonce for that source may count as a guess.
"""

from __future__ import annotations

from vaxel.sip.auth import DigestAuthenticator, Verdict, authorization_for, parse_auth_params

PASSWORDS = {"1001": "hemligt-1001"}
PHONE, ATTACKER = "192.0.2.10", "198.51.100.7"


def answer(
    challenge: str, *, nc: int = 1, password: str = "hemligt-1001", cnonce: str = "c1"
) -> str:
    return authorization_for(
        challenge,
        username="1001",
        password=password,
        method="REGISTER",
        uri="sip:127.0.0.1",
        cnonce=cnonce,
        nc=nc,
    )


def check(server: DigestAuthenticator, header: str, source: str, now: float = 101.0) -> Verdict:
    return server.verify(header, method="REGISTER", now=now, lookup=PASSWORDS.get, source=source)


def test_credentials_captured_from_one_address_are_refused_from_another() -> None:
    server = DigestAuthenticator("vaxel", b"secret")
    header = answer(server.challenges(100.0, source=PHONE)[0])
    replayed = check(server, header, ATTACKER, now=120.0)
    # Refused, with a fresh nonce (stale: the digest itself was right), and not a guess.
    assert (replayed.ok, replayed.stale, replayed.counted) == (False, True, False)
    assert check(server, header, PHONE, now=120.0).ok  # the phone itself is still let in


def test_a_nonce_count_serves_once_and_must_rise() -> None:
    server = DigestAuthenticator("vaxel", b"secret")
    challenge = server.challenges(100.0, source=PHONE)[0]
    first = answer(challenge)
    assert check(server, first, PHONE).ok
    again = check(server, first, PHONE)
    assert (again.ok, again.reason, again.stale, again.counted) == (
        False,
        "replayed nonce count",
        True,
        False,
    )
    assert check(server, answer(challenge, nc=3, cnonce="c3"), PHONE).ok
    lower = check(server, answer(challenge, nc=2, cnonce="c2"), PHONE)
    assert (lower.ok, lower.reason) == (False, "replayed nonce count")
    assert check(server, answer(challenge, nc=4, cnonce="c4"), PHONE).ok


def test_a_nonce_answered_without_qop_serves_once() -> None:
    server = DigestAuthenticator("vaxel", b"secret")
    nonce = parse_auth_params(server.challenges(100.0, source=PHONE)[0])[1]["nonce"]
    header = answer(f'Digest realm="vaxel", nonce="{nonce}", algorithm=SHA-256')
    assert "qop" not in parse_auth_params(header)[1]
    assert check(server, header, PHONE).ok
    assert check(server, header, PHONE).reason == "replayed nonce count"


def test_two_challenges_in_one_second_to_one_address_get_different_nonces() -> None:
    server = DigestAuthenticator("vaxel", b"secret")
    first, second = (server.challenges(100.0, source=PHONE)[0] for _ in range(2))
    assert parse_auth_params(first)[1]["nonce"] != parse_auth_params(second)[1]["nonce"]
    assert check(server, answer(first), PHONE).ok and check(server, answer(second), PHONE).ok


def test_forgetting_a_nonce_early_never_lets_its_replay_in() -> None:
    server = DigestAuthenticator("vaxel", b"secret", max_tracked=2)
    headers = [answer(server.challenges(100.0 + n, source=PHONE)[0]) for n in range(3)]
    for header in headers:
        assert check(server, header, PHONE, now=110.0).ok
    assert len(server._used) == 2
    assert check(server, headers[0], PHONE, now=110.0).reason == "replayed nonce count"


def test_used_nonces_are_forgotten_once_stale() -> None:
    server = DigestAuthenticator("vaxel", b"secret", nonce_ttl_s=300.0)
    check(server, answer(server.challenges(100.0, source=PHONE)[0]), PHONE, now=101.0)
    check(server, answer(server.challenges(500.0, source=PHONE)[0]), PHONE, now=501.0)
    assert len(server._used) == 1


def test_only_a_wrong_answer_to_our_fresh_nonce_for_that_source_counts() -> None:
    server = DigestAuthenticator("vaxel", b"secret", nonce_ttl_s=300.0)
    challenge = server.challenges(100.0, source=PHONE)[0]
    guess = answer(challenge, password="gissning")
    assert check(server, guess, PHONE).counted  # a guess, made with our nonce
    assert not check(server, guess, ATTACKER).counted  # a forged source: not its nonce
    assert not check(server, guess, PHONE, now=500.0).counted  # the nonce had expired
    junk = 'Digest username="1001", realm="vaxel", nonce="1:1:00", uri="u", response="0"'
    assert not check(server, junk, PHONE).counted
    nobody = guess.replace('username="1001"', 'username="9999"')
    assert check(server, nobody, PHONE).counted  # guessing at names counts too
