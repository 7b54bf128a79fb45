"""A tenant's mail server is never this machine or its link (task R2, PBX4): the address
check the admin page, REST and the mailer share — every literal form the resolver reads,
and a name that resolves here (DNS answered by a stand-in, the network is not asked)."""

from __future__ import annotations

import socket
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.runtime.test_voicemail_service import _free_port, _Inbox, _record
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.mail_hosts import InternalHost, internal_address, pinned_address
from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.runtime.voicemail_mailer import VoicemailMailer, send_mail
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.pbx_voicemail import VoicemailStore


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.1", "0x7f.0.0.1", "2130706433", "[::1]", "::ffff:127.0.0.1",
     "169.254.169.254", "0.0.0.0", "0.1.2.3", "224.0.0.1", "fe80::1", "LOCALHOST."],
)  # fmt: skip
def test_this_machine_and_its_link_in_any_spelling(host: str) -> None:
    assert internal_address(host, resolve=False) is not None


@pytest.mark.parametrize("host", ["10.0.0.5", "192.168.1.10", "193.10.5.1", "2001:db8::25"])
def test_other_addresses_pass(host: str) -> None:
    assert internal_address(host, resolve=True) is None


def test_a_name_is_resolved_before_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def dns(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "smtp.rebind.example":
            if kwargs.get("flags", 0) & socket.AI_NUMERICHOST:
                raise socket.gaierror(socket.EAI_NONAME, "not a literal")
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    assert internal_address("smtp.rebind.example", resolve=False) is None, "no DNS on save"
    assert internal_address("smtp.rebind.example", resolve=True) == "127.0.0.1"


def test_the_mailer_never_connects_to_a_tenant_server_here(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'v.db'}")
    upgrade(engine)
    Tenants(engine).add(Tenant("t1", "T1"))
    store, files = VoicemailStore(engine), VoicemailFiles(tmp_path / "voicemail")
    service = VoicemailService(store, files, lambda: 1000.0)
    service.ensure_mailbox("t1", "karin", "2041", "karin@example.se")
    _record(files, "m1", 2.0)
    assert service.recorded("t1", "karin", "m1", "0701234567", 1000.0)
    store.put_mail_server(
        "t1", MailServer("127.0.0.1", 5432, "v@example.se", security=MailSecurity.NONE)
    )
    sent: list[str] = []

    def send(server: MailServer, mail: EmailMessage) -> None:
        sent.append(f"{server.host}:{server.port}")

    mailer = VoicemailMailer(store, files, None, lambda: 2000.0, send=send)
    assert mailer.send_due(2000.0) == 0
    assert sent == [], "nothing connected to the node's own port"
    (waiting,) = store.due(2000.0 + 3600.0)
    assert "this machine or its link" in waiting.last_error
    mailer.internal_hosts = True  # the operator's smtp_tenant_internal_hosts
    assert mailer.send_due(2000.0 + 3600.0) == 1 and sent == ["127.0.0.1:5432"]


def test_a_rebinding_name_is_resolved_once_and_never_connected_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name answers an outside address to the check and 127.0.0.1 to any later lookup
    (a zero-TTL rebinding); the node's own SMTP port (aiosmtpd here) must get nothing: the
    mailer resolves once and connects to the address it checked."""
    engine = open_database(f"sqlite:///{tmp_path / 'v.db'}")
    upgrade(engine)
    Tenants(engine).add(Tenant("t1", "T1"))
    store, files = VoicemailStore(engine), VoicemailFiles(tmp_path / "voicemail")
    service = VoicemailService(store, files, lambda: 1000.0)
    service.ensure_mailbox("t1", "karin", "2041", "karin@example.se")
    _record(files, "m1", 2.0)
    assert service.recorded("t1", "karin", "m1", "0701234567", 1000.0)
    port = _free_port()
    store.put_mail_server(
        "t1", MailServer("smtp.rebind.example", port, "v@example.se", security=MailSecurity.NONE)
    )
    real_dns, real_connect = socket.getaddrinfo, socket.create_connection
    lookups: list[str] = []
    connected: list[tuple[str, int]] = []

    def dns(host: str, *args: Any, **kwargs: Any) -> Any:
        if host != "smtp.rebind.example":
            return real_dns(host, *args, **kwargs)
        if kwargs.get("flags", 0) & socket.AI_NUMERICHOST:
            raise socket.gaierror(socket.EAI_NONAME, "not a literal")
        lookups.append(host)
        return real_dns("192.0.2.25" if len(lookups) == 1 else "127.0.0.1", *args, **kwargs)

    def connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        connected.append(address)
        if address[0] != "127.0.0.1":  # the outside host: not reachable from a test
            raise ConnectionRefusedError(111, "Connection refused")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    monkeypatch.setattr(socket, "create_connection", connect)
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mailer = VoicemailMailer(store, files, None, lambda: 2000.0)
        assert mailer.send_due(2000.0) == 0
    finally:
        controller.stop()
    assert inbox.mails == [], "nothing reached the node's own port"
    assert lookups == ["smtp.rebind.example"], "resolved once"
    assert connected == [("192.0.2.25", port)], "connected to the address checked"
    (waiting,) = store.due(2000.0 + 3600.0)
    assert "ConnectionRefusedError" in waiting.last_error  # tried again later, resolved anew


def test_the_mail_goes_to_the_address_resolved_with_the_name_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``connect_to`` is where the connection goes — no lookup of the name at all (it
    would fail here) — while the SMTP dialogue keeps the name (TLS verifies against it)."""
    real_dns = socket.getaddrinfo

    def dns(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "mail.example":
            raise socket.gaierror(socket.EAI_NONAME, "looked up again")
        return real_dns(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    port = _free_port()
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        server = MailServer(
            "mail.example", port, "v@example.se", security=MailSecurity.NONE, connect_to="127.0.0.1"
        )
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "v@example.se", "k@example.se", "Röstbrevlåda"
        mail.set_content("ett meddelande")
        send_mail(server, mail)
    finally:
        controller.stop()
    (received,) = inbox.mails
    assert "ett meddelande" in received.get_payload()


def test_pinned_address_refuses_any_internal_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    real_dns = socket.getaddrinfo

    def dns(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "mixed.example":  # one outside address and one of the node's
            return real_dns("192.0.2.25", port, *args, **kwargs) + real_dns(
                "127.0.0.1", port, *args, **kwargs
            )
        return real_dns(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    with pytest.raises(InternalHost):
        pinned_address("mixed.example", 25)
    with pytest.raises(InternalHost):
        pinned_address("LocalHost.", 25)
    assert pinned_address("192.0.2.25", 25) == "192.0.2.25"
    assert pinned_address("mixed.example", 25, internal_allowed=True) == "192.0.2.25"
