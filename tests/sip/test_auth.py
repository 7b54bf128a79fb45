"""Digest authentication (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760) and failure throttling."""

from __future__ import annotations

import pytest

from vaxel.sip.auth import DigestAuthenticator, _response, authorization_for, ha1, parse_auth_params
from vaxel.sip.throttle import FailureThrottle


def test_rfc2617_md5_worked_example() -> None:
    h = ha1("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life")
    digest = _response(
        "MD5",
        h,
        "GET",
        "/dir/index.html",
        "dcd98b7102dd2f0e8b11d0f600bfb0c093",
        "auth",
        "00000001",
        "0a4f113b",
    )
    assert digest == "6629fae49393a05397450978507c4ef1"


def test_rfc7616_sha256_worked_example() -> None:
    h = ha1("SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life")
    digest = _response(
        "SHA-256",
        h,
        "GET",
        "/dir/index.html",
        "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        "auth",
        "00000001",
        "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )
    assert digest == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"


PASSWORDS = {"1001": "hemligt-1001"}


@pytest.mark.parametrize("which", [0, 1])  # SHA-256 first, then MD5 (RFC 8760)
def test_a_phone_that_answers_the_challenge_is_let_in(which: int) -> None:
    server = DigestAuthenticator("vaxel", b"secret")
    challenge = server.challenges(100.0)[which]
    assert parse_auth_params(challenge)[1]["algorithm"] == ("SHA-256", "MD5")[which]
    header = authorization_for(
        challenge,
        username="1001",
        password="hemligt-1001",
        method="REGISTER",
        uri="sip:127.0.0.1",
        cnonce="abc",
    )
    verdict = server.verify(header, method="REGISTER", now=101.0, lookup=PASSWORDS.get)
    assert verdict.ok and verdict.username == "1001"
    precomputed = {"1001": ha1(("SHA-256", "MD5")[which], "1001", "vaxel", "hemligt-1001")}
    again = authorization_for(  # the nonce again, with the next nonce count (RFC 7616 §3.4)
        challenge,
        username="1001",
        password="hemligt-1001",
        method="REGISTER",
        uri="sip:127.0.0.1",
        cnonce="abd",
        nc=2,
    )
    assert server.verify(
        again, method="REGISTER", now=101.0, lookup=precomputed.get, lookup_is_ha1=True
    ).ok


@pytest.mark.parametrize(
    ("username", "password", "now", "reason"),
    [
        ("1001", "fel", 101.0, "wrong password"),
        ("9999", "x", 101.0, "unknown user"),
        ("1001", "hemligt-1001", 1000.0, "stale nonce"),
    ],
)
def test_wrong_credentials_are_refused_with_a_reason(
    username: str, password: str, now: float, reason: str
) -> None:
    server = DigestAuthenticator("vaxel", b"secret")
    header = authorization_for(
        server.challenges(100.0)[0],
        username=username,
        password=password,
        method="INVITE",
        uri="sip:0101234@127.0.0.1",
        cnonce="c",
    )
    verdict = server.verify(header, method="INVITE", now=now, lookup=PASSWORDS.get)
    assert not verdict.ok and verdict.reason == reason
    assert verdict.stale == (reason == "stale nonce")


def test_forged_nonces_and_garbage_are_refused() -> None:
    server = DigestAuthenticator("vaxel", b"secret")
    other = DigestAuthenticator("vaxel", b"another secret")
    header = authorization_for(
        other.challenges(100.0)[0],
        username="1001",
        password="hemligt-1001",
        method="REGISTER",
        uri="sip:x",
        cnonce="c",
    )
    # the right password over a nonce that is not ours: retry with ours (RFC 2617 §3.2.1)
    assert server.verify(header, method="REGISTER", now=100.0, lookup=PASSWORDS.get).stale
    guess = header.replace('response="', 'response="0')
    verdict = server.verify(guess, method="REGISTER", now=100.0, lookup=PASSWORDS.get)
    assert verdict.reason == "bad nonce"
    for garbage in ("", "Basic abc", 'Digest username="1001"', "Digest ,,,=,"):
        assert not server.verify(garbage, method="REGISTER", now=1.0, lookup=PASSWORDS.get).ok


def test_throttle_blocks_a_guessing_source_for_a_while() -> None:
    throttle = FailureThrottle(max_failures=3, window_s=60, block_s=300)
    for t in (0.0, 10.0):
        throttle.record_failure("10.0.0.9", t)
    assert not throttle.is_blocked("10.0.0.9", 11.0)
    throttle.record_failure("10.0.0.9", 20.0)
    assert throttle.is_blocked("10.0.0.9", 21.0) and not throttle.is_blocked("10.0.0.8", 21.0)
    assert not throttle.is_blocked("10.0.0.9", 321.0)
    throttle.record_failure("10.0.0.7", 0.0)
    throttle.record_failure("10.0.0.7", 100.0)  # outside the window: the first one is forgotten
    throttle.record_failure("10.0.0.7", 101.0)
    assert not throttle.is_blocked("10.0.0.7", 102.0)


def test_throttle_memory_is_bounded() -> None:
    throttle = FailureThrottle(max_sources=100)
    for n in range(1000):
        throttle.record_failure(f"10.0.{n // 256}.{n % 256}", float(n))
    assert len(throttle._failures) == 100


def test_credentials_made_for_one_request_uri_cannot_be_replayed_to_another() -> None:
    server = DigestAuthenticator("vaxel", b"secret")
    header = authorization_for(
        server.challenges(100.0)[0],
        username="1001",
        password="hemligt-1001",
        method="INVITE",
        uri="sip:0812345000@127.0.0.1",
        cnonce="c",
    )
    ok = server.verify(
        header,
        method="INVITE",
        now=101.0,
        lookup=PASSWORDS.get,
        request_uri="sip:0812345000@127.0.0.1",
    )
    replayed = server.verify(
        header,
        method="INVITE",
        now=101.0,
        lookup=PASSWORDS.get,
        request_uri="sip:0046900123456@127.0.0.1",
    )
    assert ok.ok and not replayed.ok and replayed.reason == "credentials made for another URI"
