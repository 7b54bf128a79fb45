"""Switching a lavinbesked and recording a prompt from a phone, with real peers (IVR4, IVR5,
issue 14 §7): a robot phone (baresip) of the demo's admin dials ``*96*1#`` and keys the PIN
by DTMF; the switch is on and the next caller to the main number hears the announcement.
The admin dials ``*95*1#``, records a tone after the prompt and the beep, hears it back
and saves it with 1: the tenant's prompt is that tone, the old recording kept for undo.
Night service (OP6, spec §71), switched as the console does: a caller to the main number
hears the night message and is let go; switched off, the next caller hears the day's menu.
The automatic attendant (spec §70), switched the same way: a caller keying 0 for the
switchboard hears its menu first and reaches bygglov's queue with 2."""

from __future__ import annotations

import array
import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.telephony.conftest import free_port
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import correlation, envelope, find_prompt, wait_for
from vaxel.app import Platform, build_platform
from vaxel.demo import seed_demo_tenant
from vaxel.media.g711 import ulaw_decode
from vaxel.prompts import PromptLibrary
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.settings import ServeSettings
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database
from vaxel.store.accounts import Accounts
from vaxel.store.audit import AuditLog
from vaxel.store.directory import DirectoryStore
from vaxel.store.flow_switches import FlowSwitchStore
from vaxel.store.prompts import PromptUploads, upload_id
from vaxel.web.passwords import PasswordHashing

pytestmark = pytest.mark.interop

ADMIN_EXT, ADMIN_PERSON, PIN = "2005", "demo-0006", "4711"
ADMIN_HZ = 1500.0
PROMPT = upload_id(DEMO_TENANT, "halsning")
OLD_AUDIO = b"\xff" * 8000  # a second of µ-law silence: the recording before


@pytest.fixture
async def platform(tmp_path: Path) -> AsyncIterator[Platform]:
    """The demo over SIP, its person on 2005 an admin with voicemail PIN 4711 and one
    uploaded prompt (number 1 on the prompt page)."""
    url = f"sqlite:///{tmp_path}/admin.db"

    def seed(platform: Platform) -> None:
        seed_demo_tenant(platform.center, url, time.time())
        database = open_database(url)
        email = DirectoryStore(database).person(DEMO_TENANT, ADMIN_PERSON).email
        hashed = PasswordHashing().hash("ett-losenord-for-admin")
        Accounts(database).add_user(DEMO_TENANT, email, "Admin", "tenant_admin", hashed)
        PromptUploads(database).put(DEMO_TENANT, PROMPT, "Hälsning", OLD_AUDIO, time.time())

    settings = ServeSettings(
        database_url=url,
        http_port=None,
        sip_port=free_port(),
        rtp_port_low=26000,
        rtp_port_high=26998,
        voicemail_dir=str(tmp_path / "vm"),
    )
    running = build_platform(settings, seed=seed, always_open=True)
    assert running.voicemail is not None
    mailbox = running.voicemail.open_mailbox(DEMO_TENANT, ADMIN_PERSON)
    assert mailbox is not None and mailbox.number == ADMIN_EXT
    running.voicemail.set_pin(mailbox, PIN)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def _admin_robot(platform: Platform, tmp_path: Path, name: str) -> Robot:
    assert platform.directory is not None and platform.telephony is not None
    password = platform.directory.extensions[ADMIN_EXT].password
    port = platform.telephony.address[1]
    account = f"<sip:{ADMIN_EXT}@127.0.0.1:{port}>;auth_pass={password};regint=0"
    return await Robot.start(tmp_path, name, account, ADMIN_HZ)


def _admin_session(platform: Platform):  # type: ignore[no-untyped-def]
    assert platform.telephony is not None
    for call in platform.telephony.switch.calls.values():
        if call.voicemail is not None and call.voicemail.admin is not None:
            return call.voicemail.admin
    return None


async def test_a_switch_turned_on_from_a_phone_is_heard_by_the_next_caller(
    platform: Platform, tmp_path: Path
) -> None:
    assert platform.telephony is not None
    port, switch = platform.telephony.address[1], platform.telephony.switch
    switches = FlowSwitchStore(platform.database)
    admin = await _admin_robot(platform, tmp_path, "admin")
    try:
        await admin.command("dial", f"sip:*96*1%23@127.0.0.1:{port}")
        await wait_for(lambda: _admin_session(platform) is not None, 30)
        await asyncio.sleep(4.0)  # "Slå din PIN-kod …" heard to its end
        await admin.keys(f"{PIN}#")
        await wait_for(lambda: switches.on(DEMO_TENANT) == frozenset({"driftstorning"}), 30)
        await wait_for(lambda: not switch.calls, 30)  # confirmed, goodbye, our BYE
    finally:
        admin_log = await admin.stop()
    heard, rate = read_wav(admin.heard)
    for prompt in ("sv/pbx/enter-pin", "sv/pbx/switch-on"):
        assert find_prompt(heard, rate, prompt)[0] > 0.9, (prompt, admin_log[-2000:])
    audit = AuditLog(platform.database).entries(DEMO_TENANT)[0]
    assert (audit.action, audit.subject, audit.actor) == (
        "switch_changed",
        "driftstorning",
        f"telefon:{ADMIN_PERSON}",
    )

    caller = await _admin_robot(platform, tmp_path, "caller")  # the next caller
    try:
        await caller.command("dial", f"sip:0812345000@127.0.0.1:{port}")
        await wait_for(lambda: bool(switch.calls), 30)
        await asyncio.sleep(14.0)  # the welcome, then the lavinbesked
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 15)
    finally:
        caller_log = await caller.stop()
    heard, rate = read_wav(caller.heard)
    score = find_prompt(heard, rate, "sv/exempelby/driftstorning")[0]
    assert score > 0.9, caller_log[-2000:]


async def test_a_prompt_recorded_by_phone_replaces_the_old_one_kept_for_undo(
    platform: Platform, tmp_path: Path
) -> None:
    assert platform.telephony is not None
    port, switch = platform.telephony.address[1], platform.telephony.switch
    uploads = PromptUploads(platform.database)
    admin = await _admin_robot(platform, tmp_path, "admin")
    try:
        await admin.command("dial", f"sip:*95*1%23@127.0.0.1:{port}")
        await wait_for(lambda: _admin_session(platform) is not None, 30)
        await asyncio.sleep(4.0)
        await admin.keys(f"{PIN}#")
        await wait_for(lambda: getattr(_admin_session(platform), "record_deadline", None), 30)
        await asyncio.sleep(2.5)  # the robot's microphone: its tone
        await admin.keys("#")
        await asyncio.sleep(11.0)  # the take played back, then the choices
        await admin.keys("1")
        await wait_for(lambda: uploads.audio(DEMO_TENANT, PROMPT) != OLD_AUDIO, 30)
        await wait_for(lambda: not switch.calls, 30)
    finally:
        admin_log = await admin.stop()
    heard, rate = read_wav(admin.heard)
    for prompt in ("sv/pbx/record-prompt", "sv/voicemail/ton", "sv/pbx/prompt-saved"):
        assert find_prompt(heard, rate, prompt)[0] > 0.9, (prompt, admin_log[-2000:])
    saved = uploads.audio(DEMO_TENANT, PROMPT)
    samples = list(array.array("h", ulaw_decode(saved)))
    assert 1.5 * 8000 < len(saved) < 4.5 * 8000, len(saved)
    assert tone_share(samples, ADMIN_HZ, 8000) > 0.5, "the admin's tone is the prompt"
    assert uploads.undoable(DEMO_TENANT) == {PROMPT}
    assert uploads.undo(DEMO_TENANT, PROMPT, time.time())
    assert uploads.audio(DEMO_TENANT, PROMPT) == OLD_AUDIO, "undo brings the old one back"
    audit = AuditLog(platform.database).entries(DEMO_TENANT)[0]
    assert (audit.action, audit.subject) == ("prompt_recorded", PROMPT)
    assert not list((tmp_path / "vm" / "takes").glob("*")), "the take's file is gone"


def _heard_to_the_hangup(heard: list[int], rate: int, prompt_id: str) -> float:
    """Like ``find_prompt``, but the prompt may be the last thing heard: Växel's BYE follows
    its last packet, so the caller's recording can miss the final 20–200 ms (its jitter
    buffer); an alignment covering 90 % of the prompt counts."""
    prompt = envelope(list(array.array("h", ulaw_decode(PromptLibrary().load(prompt_id)))), 8000)
    got = envelope(heard, rate)
    last = max(1, len(got) - int(0.9 * len(prompt)))
    return max(correlation(got[shift : shift + len(prompt)], prompt) for shift in range(last))


async def _call_main_number(platform: Platform, tmp_path: Path, name: str, hold_s: float):  # type: ignore[no-untyped-def]
    """A robot calls the main number and hangs up after ``hold_s`` unless Växel ends the call
    first; what it heard, and its log."""
    assert platform.telephony is not None
    port, switch = platform.telephony.address[1], platform.telephony.switch
    caller = await _admin_robot(platform, tmp_path, name)
    try:
        await caller.command("dial", f"sip:0812345000@127.0.0.1:{port}")
        await wait_for(lambda: bool(switch.calls), 30)
        deadline = time.monotonic() + hold_s
        while switch.calls and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        ended_by_vaxel = not switch.calls
        if not ended_by_vaxel:
            await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 15)
    finally:
        log = await caller.stop()
    heard, rate = read_wav(caller.heard)
    return heard, rate, ended_by_vaxel, log


async def test_night_service_and_the_automatic_attendant_as_the_console_switches_them(
    platform: Platform, tmp_path: Path
) -> None:
    switches = FlowSwitches(platform.configuration, time.time)
    switches.set(DEMO_TENANT, "nattservice", True, "vera")  # the console's one key
    heard, rate, ended, log = await _call_main_number(platform, tmp_path, "natt", 25.0)
    assert _heard_to_the_hangup(heard, rate, "sv/exempelby/stangt") > 0.9, log[-2000:]
    assert ended, "after the night message Växel ends the call"
    assert _heard_to_the_hangup(heard, rate, "sv/exempelby/huvudmeny") < 0.9

    switches.set(DEMO_TENANT, "nattservice", False, "vera")
    heard, rate, ended, log = await _call_main_number(platform, tmp_path, "dag", 15.0)
    assert find_prompt(heard, rate, "sv/exempelby/huvudmeny")[0] > 0.9, log[-2000:]
    assert _heard_to_the_hangup(heard, rate, "sv/exempelby/stangt") < 0.9

    switches.set(DEMO_TENANT, "telefonistmeny", True, "vera")  # Alt+T at high load (§70)
    assert platform.telephony is not None
    port, switch = platform.telephony.address[1], platform.telephony.switch
    caller = await _admin_robot(platform, tmp_path, "hog-belastning")
    try:
        await caller.command("dial", f"sip:0812345000@127.0.0.1:{port}")
        await wait_for(lambda: bool(switch.calls), 30)
        await asyncio.sleep(4.0)  # the welcome cannot be cut short (IVR2)
        await caller.keys("0")  # the switchboard: the attendant's menu first
        await asyncio.sleep(12.5)  # "Många ringer växeln just nu … noll." to its end
        await caller.keys("2")  # bygglov
        acd = platform.center.acd
        await wait_for(lambda: acd.queue_status(DEMO_TENANT, "bygglov", time.time()).waiting, 15)
        assert acd.queue_status(DEMO_TENANT, "vaxel", time.time()).waiting == 0
        await asyncio.sleep(3.0)  # "Du har kommit till bygglov."
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 15)
    finally:
        log = await caller.stop()
    heard, rate = read_wav(caller.heard)
    assert find_prompt(heard, rate, "sv/exempelby/telefonistmeny")[0] > 0.9, log[-2000:]
    assert find_prompt(heard, rate, "sv/exempelby/bygglov-valkommen")[0] > 0.9, log[-2000:]
