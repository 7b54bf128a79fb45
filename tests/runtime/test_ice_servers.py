"""The browser phone's ICE server rules (issue 15 §3): stun:/turn:/turns: with a host only,
bounded, never this machine as a literal, TURN with a user, the password write-only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import socket

import pytest

from vaxel.runtime.ice_servers import (
    MAX_URL,
    MAX_URLS,
    MIN_SECRET,
    IceServerError,
    outside_only,
    validated,
)
from vaxel.store.webrtc_ice import TURN_CREDENTIAL_S, IceServers


def test_addresses_one_a_line_or_comma_separated_become_the_peers_ice_servers() -> None:
    servers = validated(
        "stun:stun.kommun.se\n turn:turn.kommun.se:3478?transport=udp ,"
        "turns:turn.kommun.se:5349?transport=tcp\nturn:[2001:db8::1]:3478\n\n",
        " vaxel ",
        "hemligt",
        None,
    )
    assert servers.urls == (
        "stun:stun.kommun.se",
        "turn:turn.kommun.se:3478?transport=udp",
        "turns:turn.kommun.se:5349?transport=tcp",
        "turn:[2001:db8::1]:3478",
    )
    assert servers.for_peer(0, "demo.maria") == [
        {"urls": ["stun:stun.kommun.se"]},
        {
            "urls": list(servers.urls[1:]),
            "username": "vaxel",
            "credential": "hemligt",
        },
    ]
    assert validated("", "", "", None) == IceServers()  # none: host candidates only
    assert IceServers().for_peer(0, "demo.maria") == []


@pytest.mark.parametrize(
    ("urls", "rule"),
    [
        ("http://turn.kommun.se", "ice-url"),
        ("stun:", "ice-url"),
        ("turn:turn.kommun.se/path", "ice-url"),
        ("turn:turn kommun.se", "ice-url"),
        ("stun:stun.kommun.se?transport=udp", "ice-url"),
        ("turn:turn.kommun.se?transport=sctp", "ice-url"),
        ("turn:turn.kommun.se:99999", "ice-url"),
        ("turn:user@turn.kommun.se", "ice-url"),
        ("stun:localhost", "ice-host-internal"),
        ("stun:127.0.0.1:3478", "ice-host-internal"),
        ("turn:169.254.169.254", "ice-host-internal"),
        ("turn:[::1]:3478", "ice-host-internal"),
        ("stun:" + "a" * MAX_URL, "too-long"),
        ("\n".join(f"stun:s{n}.kommun.se" for n in range(MAX_URLS + 1)), "ice-too-many"),
    ],
)
def test_anything_but_a_stun_or_turn_address_is_refused(urls: str, rule: str) -> None:
    with pytest.raises(IceServerError) as refused:
        validated(urls, "vaxel", "hemligt", None)
    assert refused.value.code == rule and refused.value.field == "ice.urls"


def test_turn_needs_a_user_and_a_password_an_empty_one_keeps_the_stored() -> None:
    turn = "turn:turn.kommun.se"
    with pytest.raises(IceServerError) as refused:
        validated(turn, "", "hemligt", None)
    assert refused.value.code == "ice-turn-user"
    with pytest.raises(IceServerError):
        validated(turn, "vaxel", "", None)
    stored = IceServers((turn,), "vaxel", "hemligt")
    assert validated(turn, "vaxel", "", stored).credential == "hemligt"
    assert validated(turn, "vaxel", "nytt", stored).credential == "nytt"
    # STUN alone logs in to nothing: no password is kept
    assert validated("stun:stun.kommun.se", "vaxel", "", stored) == IceServers(
        ("stun:stun.kommun.se",)
    )
    for field, user, password in (
        ("username", "a\nb", "x"),
        ("password", "u", "a\r\nb"),
        ("username", "u" * 129, "x"),
        ("password", "u", "p" * 129),
    ):
        with pytest.raises(IceServerError) as refused:
            validated(turn, user, password, None)
        assert refused.value.field == f"ice.{field}"


def test_a_shared_secret_gives_each_page_a_credential_for_a_day_not_the_secret() -> None:
    """coturn's ``use-auth-secret``: user ``<expiry>:<who>``, password the base64 of its
    HMAC-SHA1 under the secret; the secret itself is in no page."""
    secret = "s3cret-for-coturn-only"
    turn = "turn:turn.kommun.se"
    servers = validated(turn, "ignored", secret, None, shared_secret=True)
    assert servers == IceServers((turn,), "", secret, shared_secret=True)
    [entry] = servers.for_peer(1_000_000.0, "demo:x.maria")
    expiry = 1_000_000 + TURN_CREDENTIAL_S
    assert entry["username"] == f"{expiry}:demo_x.maria"  # the separator is coturn's
    mac = hmac.new(secret.encode(), entry["username"].encode(), hashlib.sha1).digest()
    assert entry["credential"] == base64.b64encode(mac).decode()
    assert secret not in str(entry)
    assert TURN_CREDENTIAL_S >= 12 * 3600  # outlasts a working day's connection
    with pytest.raises(IceServerError) as refused:
        validated(turn, "", "x" * (MIN_SECRET - 1), None, shared_secret=True)
    assert (refused.value.field, refused.value.code) == ("ice.password", "ice-turn-secret")
    # an empty field keeps the secret, but a fixed password is not taken for one
    assert validated(turn, "", "", servers, shared_secret=True) == servers
    with pytest.raises(IceServerError):
        validated(turn, "", "", IceServers((turn,), "u", "p"), shared_secret=True)


def test_the_servers_own_peer_drops_a_name_that_resolves_to_this_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The form refuses literals of this machine but cannot resolve names; the server's
    peer resolves them itself, so a name that resolves to this node (its own name in
    /etc/hosts, here played by the resolver), or localhost, must not reach it (attack note
    A3): those addresses go, the others stay with their login."""
    real = socket.getaddrinfo

    def resolver(host: str, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
        if host == "turn.intern.example" and not kwargs.get("flags"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.1.1", 0))]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    servers = [
        {"urls": ["stun:turn.intern.example:3478", "stun:192.0.2.10"]},
        {"urls": ["turn:localhost:3478"], "username": "u", "credential": "c"},
        {"urls": ["turn:[2001:db8::1]:3478"], "username": "u", "credential": "c"},
    ]
    assert outside_only(servers) == [
        {"urls": ["stun:192.0.2.10"]},
        {"urls": ["turn:[2001:db8::1]:3478"], "username": "u", "credential": "c"},
    ]
