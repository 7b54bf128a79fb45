"""Voicemail in the runtime (PBX4): a recorded message kept and told to MWI, a hang-up at
the tone dropped, PINs, the caller's channel for the phone, and the e-mail with its WAV
received by a real SMTP server (aiosmtpd on 127.0.0.1) after the server was first away."""

from __future__ import annotations

import array
import email
import io
import socket
import wave
from email.message import Message as MailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from vaxel.pbx.voicemail import GreetingKind, MessageNotFound, greeting_to_play, name_prompt
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.prompts.library import PromptLibrary
from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import VoicemailFiles, caller_channel_ulaw
from vaxel.runtime.voicemail_mailer import VoicemailMailer
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.pbx_voicemail import VoicemailStore


def _wav(seconds: float) -> bytes:
    frames = array.array("h", [1000, -1000] * int(8000 * seconds))  # left, right
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(frames.tobytes())
    return buffer.getvalue()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.mails: list[MailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.mails.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def parts(tmp_path: Path) -> tuple[VoicemailService, VoicemailStore, VoicemailFiles]:
    engine = open_database(f"sqlite:///{tmp_path / 'v.db'}")
    upgrade(engine)
    Tenants(engine).add(Tenant("t1", "T1"))
    store = VoicemailStore(engine)
    files = VoicemailFiles(tmp_path / "voicemail")
    now = [1_800_000_000.0]
    return VoicemailService(store, files, lambda: now[0]), store, files


def _record(files: VoicemailFiles, message_id: str, seconds: float) -> None:
    path = files.path(files.message_file("t1", "karin", message_id))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_wav(seconds))


def test_a_message_kept_told_and_mailed_after_the_server_came_back(
    parts: tuple[VoicemailService, VoicemailStore, VoicemailFiles],
) -> None:
    service, store, files = parts
    told: list[tuple[str, str, int, int]] = []
    service.listeners.append(lambda *args: told.append(args))
    mailbox = service.ensure_mailbox("t1", "karin", "2041", "karin@example.se")
    _record(files, "m1", 3.0)
    assert service.recorded("t1", "karin", "m1", "0701234567", 1000.0)
    assert told == [("t1", "2041", 1, 0)]
    _record(files, "m2", 0.3)  # hung up at the tone
    assert not service.recorded("t1", "karin", "m2", "", 1001.0)
    assert not files.path(files.message_file("t1", "karin", "m2")).exists()
    assert [m.message_id for m in service.messages("t1", "karin")] == ["m1"]
    assert service.summary("t1", "2041") == (1, 0)

    port = _free_port()
    server = MailServer("127.0.0.1", port, "vaxel@example.se", security=MailSecurity.NONE)
    clock = [2000.0]
    mailer = VoicemailMailer(store, files, server, lambda: clock[0])
    assert mailer.next_deadline(clock[0]) == 1000.0
    assert mailer.send_due(clock[0]) == 0, "nobody listens on the port yet"
    (waiting,) = store.due(clock[0] + 30.0)
    assert waiting.attempts == 1 and "Error" in waiting.last_error
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mailer.send_due(clock[0] + 30.0) == 1
    finally:
        controller.stop()
    assert store.due(10**10) == [], "sent mails leave the outbox"
    (mail,) = inbox.mails
    assert mail["To"] == "karin@example.se"
    assert "0701234567" in mail["Subject"]
    (attachment,) = [p for p in mail.walk() if p.get_filename() == "meddelande.wav"]
    assert attachment.get_content_type() == "audio/wav"
    assert attachment.get_payload(decode=True) == _wav(3.0)

    service.mark_heard("t1", "karin", "m1")
    assert told[-1] == ("t1", "2041", 0, 1)
    assert mailbox.person_id == "karin"


def test_pins_audio_and_isolation(
    parts: tuple[VoicemailService, VoicemailStore, VoicemailFiles],
) -> None:
    service, _, files = parts
    mailbox = service.ensure_mailbox("t1", "karin", "2041", "")
    assert service.check_pin("t1", "2041", "1234") is None, "no PIN: only the own extension"
    service.set_pin(mailbox, "4711")
    _record(files, "m1", 2.0)
    service.recorded("t1", "karin", "m1", "", 10.0)
    opened = service.check_pin("t1", "2041", "4711")
    assert opened is not None and [m.message_id for m in opened[1]] == ["m1"]
    assert opened[0].person_id == "karin"
    assert service.phone_prompt("tenant/t1/voicemail/karin/m1") == caller_channel_ulaw(_wav(2.0))
    assert service.phone_prompt("tenant/t1/voicemail/karin/greeting-personal") is None
    assert service.phone_prompt("tenant/t1/voicemail/../etc") is None
    assert service.check_pin("t1", "2041", "4712") is None
    assert service.check_pin("t1", "9999", "4711") is None
    ulaw = service.phone_audio("t1", "karin", "m1")
    assert ulaw == caller_channel_ulaw(_wav(2.0)) and len(ulaw) == 16000
    with pytest.raises(MessageNotFound):
        service.audio("t1", "pelle", "m1")
    with pytest.raises(MessageNotFound):
        service.delete("t2", "karin", "m1")
    service.delete("t1", "karin", "m1")
    assert service.messages("t1", "karin") == []
    with pytest.raises(ValueError):
        files.path("../../etc/passwd")


def test_a_name_recorded_by_phone_is_the_prompt_the_presence_announcement_plays(
    parts: tuple[VoicemailService, VoicemailStore, VoicemailFiles],
) -> None:
    """Karin records her name from the menu (4f): once saved it is what the prompt id
    ``tenant/t1/namn-karin`` plays (the id the presence announcement looks up); nobody
    else's, no other tenant's; removed, the id has no audio (the extension is said)."""
    service, _, _ = parts
    mailbox = service.ensure_mailbox("t1", "karin", "2041", "")
    library = PromptLibrary(uploads=service.phone_prompt)
    assert not library.exists(name_prompt("t1", "karin"))
    Path(service.greeting_draft_path(mailbox, GreetingKind.NAME)).write_bytes(_wav(1.0))
    mailbox = service.save_recorded_greeting(mailbox, GreetingKind.NAME)
    assert GreetingKind.NAME in mailbox.greetings
    assert library.load(name_prompt("t1", "karin")) == caller_channel_ulaw(_wav(1.0))
    assert greeting_to_play(mailbox, absent=True) is None  # a name is never a greeting
    assert service.phone_prompt(name_prompt("t2", "karin")) is None
    assert service.phone_prompt(name_prompt("t1", "pelle")) is None
    assert service.phone_prompt("tenant/t1/namn-") is None
    service.remove_greeting(mailbox, GreetingKind.NAME)
    library.forget(name_prompt("t1", "karin"))
    assert not library.exists(name_prompt("t1", "karin"))
