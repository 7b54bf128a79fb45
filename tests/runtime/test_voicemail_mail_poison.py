"""One mail that cannot be sent costs that mail only (task R; PBX4 "SMTP down"): smtplib
raises more than OSError and SMTPException — a UnicodeEncodeError for a password with å
in it, a ValueError for a header — and such a failure escaped the mailer's round: the
mail was not marked failed, so it stayed due at once, the next round hit it first again
(a tight loop) and every mail behind it waited for ever. Now it is retried with backoff
like any other failure, and the others go out."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from tests.runtime.test_voicemail_service import _record
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.runtime.voicemail_mailer import VoicemailMailer
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.pbx_voicemail import VoicemailStore


def test_a_mail_smtplib_chokes_on_is_retried_later_and_the_others_go_out(
    tmp_path: Path,
) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'v.db'}")
    upgrade(engine)
    Tenants(engine).add(Tenant("t1", "T1"))
    store, files = VoicemailStore(engine), VoicemailFiles(tmp_path / "voicemail")
    service = VoicemailService(store, files, lambda: 1000.0)
    for person, number in (("karin", "2041"), ("olle", "2042")):
        service.ensure_mailbox("t1", person, number, f"{person}@example.se")
    _record(files, "m1", 2.0)  # karin's folder
    assert service.recorded("t1", "karin", "m1", "0701234567", 1000.0)
    olle_file = files.path(files.message_file("t1", "olle", "m2"))
    olle_file.parent.mkdir(parents=True, exist_ok=True)
    olle_file.write_bytes(files.path(files.message_file("t1", "karin", "m1")).read_bytes())
    assert service.recorded("t1", "olle", "m2", "0701234568", 1001.0)
    sent: list[str] = []

    def send(server: MailServer, mail: EmailMessage) -> None:
        if mail["To"] == "karin@example.se":
            "lösenord".encode("ascii")  # what smtplib's login does with such a password
        sent.append(str(mail["To"]))

    server = MailServer("127.0.0.1", 25, "vaxel@example.se", security=MailSecurity.NONE)
    mailer = VoicemailMailer(store, files, server, lambda: 2000.0, send=send)
    assert mailer.send_due(2000.0) == 1
    assert sent == ["olle@example.se"]
    (waiting,) = store.due(2000.0 + 3600.0)
    assert waiting.message_id == "m1" and waiting.attempts == 1
    assert "UnicodeEncodeError" in waiting.last_error
    assert store.due(2000.0) == [], "not due again at once: no tight loop"
