"""Voicemail with real peers (PBX4, issue 14 §5): a robot caller (baresip) leaves a message
after the greeting and the tone and ends it with # (DTMF); the owner's phone, subscribed by
SIPp, is told "Messages-Waiting: yes" (RFC 3842); the e-mail with the WAV reaches a real
SMTP server (aiosmtpd); the owner dials the voicemail number from their own extension and
hears the count, the message (its caller's tone) and the menu after it (the prompt sequence
matched against the received audio), and deletes it by DTMF."""

from __future__ import annotations

import array
import asyncio
import email
import time
from email.message import Message as MailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.telephony.conftest import Running, free_port, keys, sipp
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import find_prompt, wait_for
from vaxel.media.g711 import ulaw_decode
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.runtime.voicemail_mailer import VoicemailMailer
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database
from vaxel.store.pbx_voicemail import VoicemailStore
from vaxel.telephony.directory import Extension
from vaxel.telephony.voicemail import ACCESS

pytestmark = pytest.mark.interop
KARIN_EXT, OLLE_EXT = "3001", "3002"
PASSWORD = "robot-vm-secret"
OLLE_HZ, KARIN_HZ = 1500.0, 700.0


class _Inbox:
    def __init__(self) -> None:
        self.mails: list[MailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.mails.append(email.message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


def _voicemail(running: Running, tmp_path: Path) -> VoicemailService:
    """The runtime's voicemail over the test's database, wired as ``vaxel.app`` wires it."""
    database = open_database(f"sqlite:///{tmp_path}/telephony.db")
    service = VoicemailService(VoicemailStore(database), VoicemailFiles(tmp_path / "vm"), time.time)
    switch = running.service.switch
    switch.voicemail_calls.port = service
    switch.voicemail_calls.forget_prompt = running.service.prompts.forget
    switch.mwi.summary = service.summary
    running.service.prompts.uploads = service.phone_prompt
    loop = asyncio.get_running_loop()
    service.listeners.append(lambda *told: loop.call_soon_threadsafe(switch.mwi.changed, *told))
    directory = running.service.directory
    for extension, name in ((KARIN_EXT, "Karin Carlsson"), (OLLE_EXT, "Olle Ek")):
        directory.extensions[extension] = Extension(DEMO_TENANT, extension, PASSWORD, "", name)
    directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT,
        [
            ("4500", Target(TargetKind.PERSON, "karin")),
            ("4590", Target(TargetKind.VOICEMAIL, "karin")),  # straight to Karin's mailbox
            ("4599", Target(TargetKind.VOICEMAIL, ACCESS)),  # the voicemail number
        ],
        [],
    )
    directory.pbx.people[(DEMO_TENANT, "karin")] = PersonDevices(
        DEMO_TENANT, "karin", (Device(DeviceKind.SIP, KARIN_EXT),), ring_s=20.0
    )
    service.ensure_mailbox(DEMO_TENANT, "karin", KARIN_EXT, "karin@exempelby.se")
    return service


def _account(extension: str, port: int) -> str:
    """A phone that places calls with its digest credentials (not registered)."""
    return f"<sip:{extension}@127.0.0.1:{port}>;auth_pass={PASSWORD};regint=0"


async def _in_call(running: Running, condition, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    calls = running.service.switch.calls
    await wait_for(
        lambda: any(c.voicemail is not None and condition(c.voicemail) for c in calls.values()),
        seconds,
    )


async def test_leave_a_message_mwi_email_and_listen_by_phone(
    untrusted: Running, tmp_path: Path
) -> None:
    running = untrusted
    service = _voicemail(running, tmp_path)
    port, switch = running.port, running.service.switch
    subscriber = asyncio.ensure_future(
        sipp(
            "mwi_subscriber.xml",
            port,
            *keys(ext=KARIN_EXT),
            "-au",
            KARIN_EXT,
            "-ap",
            PASSWORD,
            cwd=tmp_path,
            timeout_s=90,
        )
    )
    olle = await Robot.start(
        tmp_path,
        "olle",
        f"<sip:{OLLE_EXT}@127.0.0.1:{port}>;auth_pass={PASSWORD};regint=0",
        OLLE_HZ,
    )
    try:  # Olle leaves a message: greeting, tone, his voice (a tone), then #
        await wait_for(lambda: bool(switch.mwi.table.by_key) or subscriber.done(), 20)
        await olle.command("dial", f"sip:4590@127.0.0.1:{port}")
        await _in_call(running, lambda session: bool(session.recording))
        await asyncio.sleep(2.5)
        await olle.keys("#")
        await wait_for(lambda: bool(service.messages(DEMO_TENANT, "karin")), 30)
        await wait_for(lambda: not switch.calls, 20)  # thanked, then our BYE
    finally:
        olle_log = await olle.stop()
    code, output = await subscriber
    assert code == 0, output  # told "yes 1/0" when the message came (RFC 3842)
    heard, rate = read_wav(olle.heard)
    assert find_prompt(heard, rate, "sv/voicemail/standard-halsning")[0] > 0.9, olle_log[-2000:]
    assert tone_share(heard, 1000.0, rate) > 0.5, "the tone before recording"
    (message,) = service.messages(DEMO_TENANT, "karin")
    assert message.caller == OLLE_EXT and 1.5 < message.duration_s < 20, message
    recorded, rate = read_wav(tmp_path / "vm" / DEMO_TENANT / "karin" / f"{message.message_id}.wav")
    assert tone_share(recorded, OLLE_HZ, rate) > 0.5, "Olle's voice is in the message"

    inbox, smtp_port = _Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        server = MailServer(
            "127.0.0.1", smtp_port, "vaxel@exempelby.se", security=MailSecurity.NONE
        )
        mailer = VoicemailMailer(service.store, service.files, server, time.time)
        sent = await asyncio.get_running_loop().run_in_executor(None, mailer.send_due, time.time())
    finally:
        controller.stop()
    assert sent == 1
    (mail,) = inbox.mails
    (wav,) = [p for p in mail.walk() if p.get_filename() == "meddelande.wav"]
    assert mail["To"] == "karin@exempelby.se" and wav.get_payload(decode=True).startswith(b"RIFF")

    karin = await Robot.start(
        tmp_path,
        "karin",
        f"<sip:{KARIN_EXT}@127.0.0.1:{port}>;auth_pass={PASSWORD};regint=0",
        KARIN_HZ,
    )
    try:  # Karin listens from her own phone: count, menu, 1 plays it, 7 deletes it
        await karin.command("dial", f"sip:{ACCESS_NUMBER}@127.0.0.1:{port}")
        await _in_call(running, lambda session: session.menu is not None and session.mailbox)
        await asyncio.sleep(4.0)
        await karin.keys("1")
        await asyncio.sleep(9.0)  # "Meddelande från 3 0 0 2", the message, the menu after it
        await karin.keys("7")
        await wait_for(lambda: not service.messages(DEMO_TENANT, "karin"), 15)
        await asyncio.sleep(2.0)
        await karin.command("hangup")
        await wait_for(lambda: not switch.calls, 15)
    finally:
        karin_log = await karin.stop()
    heard, rate = read_wav(karin.heard)
    for prompt in ("sv/voicemail/du-har", "sv/voicemail/meddelande-fran", "sv/voicemail/raderat"):
        assert find_prompt(heard, rate, prompt)[0] > 0.9, (prompt, karin_log[-2000:])
    assert tone_share(heard, OLLE_HZ, rate) > 0.5, "the message played to Karin"
    assert not (tmp_path / "vm" / DEMO_TENANT / "karin" / f"{message.message_id}.wav").exists()


ACCESS_NUMBER = "4599"


async def test_from_another_phone_with_pin_and_a_greeting_recorded_by_phone(
    untrusted: Running, tmp_path: Path
) -> None:
    """Olle's phone opens Karin's mailbox with her number and PIN, records her personal
    greeting after the tone, hears it back and saves it with 1."""
    running = untrusted
    service = _voicemail(running, tmp_path)
    mailbox = service.mailbox(DEMO_TENANT, "karin")
    assert mailbox is not None
    service.set_pin(mailbox, "4711")
    port, switch = running.port, running.service.switch
    olle = await Robot.start(tmp_path, "olle", _account(OLLE_EXT, port), OLLE_HZ)
    try:
        await olle.command("dial", f"sip:{ACCESS_NUMBER}@127.0.0.1:{port}")
        await _in_call(running, lambda session: session.menu is not None)
        await asyncio.sleep(5.0)  # each prompt heard to its end before the keys
        await olle.keys(f"{KARIN_EXT}#")
        await asyncio.sleep(4.0)
        await olle.keys("4711#")
        await _in_call(running, lambda session: session.mailbox is not None)
        await asyncio.sleep(2.0)
        await olle.keys("2")  # record the personal greeting
        await _in_call(running, lambda session: bool(session.recording))
        await asyncio.sleep(2.5)
        await olle.keys("#")
        await asyncio.sleep(4.0)  # the draft played back, then the choices
        await olle.keys("1")
        await wait_for(lambda: bool(service.mailbox(DEMO_TENANT, "karin").greetings), 15)  # type: ignore[union-attr]
        await olle.command("hangup")
        await wait_for(lambda: not switch.calls, 15)
    finally:
        olle_log = await olle.stop()
    heard, rate = read_wav(olle.heard)
    for prompt in ("sv/voicemail/ange-brevlada", "sv/voicemail/ange-kod", "sv/voicemail/ton"):
        assert find_prompt(heard, rate, prompt)[0] > 0.9, (prompt, olle_log[-2000:])
    greeting = tmp_path / "vm" / DEMO_TENANT / "karin" / "greeting-personal.ulaw"
    samples = list(array.array("h", ulaw_decode(greeting.read_bytes())))
    assert tone_share(samples, OLLE_HZ, 8000) > 0.5, "Olle's tone is the greeting"
