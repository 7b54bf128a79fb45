"""A tenant's mail server is never this machine or its link (task R2, PBX4): the address
check the admin page, REST and the mailer share — every literal form the resolver reads,
and a name that resolves here (DNS answered by a stand-in, the network is not asked)."""

from __future__ import annotations

import socket
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.runtime.test_voicemail_service import _record
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.mail_hosts import internal_address
from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.runtime.voicemail_mailer import VoicemailMailer
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
