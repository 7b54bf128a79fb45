"""The runtime's side of recording and switching by phone (IVR4, IVR5, issue 14 §7): only
an admin's PIN lets them in, numbers that are no switch or prompt are refused, wrong PINs
count against the mailbox across calls, and recordings at once are bounded."""

from __future__ import annotations

import time
from pathlib import Path

from vaxel.app import build_platform
from vaxel.demo import seed_demo_tenant
from vaxel.pbx.feature_codes import MobileCodes, RecordPrompt, SetSwitch
from vaxel.pbx.phone_admin import PhoneAdminLimits
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.runtime.phone_admin import PhoneAdmin
from vaxel.settings import ServeSettings
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.accounts import Accounts
from vaxel.store.directory import DirectoryStore
from vaxel.store.prompts import PromptUploads, upload_id

ADMIN, CLERK = "demo-0006", "demo-0007"


def _admin(tmp_path: Path) -> PhoneAdmin:
    url = f"sqlite:///{tmp_path}/admin.db"
    settings = ServeSettings(database_url=url, http_port=None, sip_port=None)
    platform = build_platform(
        settings, seed=lambda p: seed_demo_tenant(p.center, url, time.time()), always_open=True
    )
    database, voicemail, views = platform.database, platform.voicemail, platform.directory_views
    assert voicemail is not None and views is not None
    people = DirectoryStore(database)
    accounts = Accounts(database)
    for person, role in ((ADMIN, "tenant_admin"), (CLERK, "supervisor")):
        email = people.person(DEMO_TENANT, person).email
        accounts.add_user(DEMO_TENANT, email, person, role, "argon2-hash-stand-in")
        mailbox = voicemail.open_mailbox(DEMO_TENANT, person)
        assert mailbox is not None
        voicemail.set_pin(mailbox, "4711")
    PromptUploads(database).put(
        DEMO_TENANT, upload_id(DEMO_TENANT, "a"), "A", b"\xff" * 800, time.time()
    )
    switches = FlowSwitches(platform.configuration, time.time)
    admin = PhoneAdmin(
        voicemail,
        switches,
        views,
        tmp_path / "takes",
        time.time,
        PhoneAdminLimits(max_recordings=1),
    )
    assert platform.pbx is not None
    admin.carry_out_code = platform.pbx.carry_out  # as the root wires it
    return admin


def test_only_an_admins_pin_and_only_known_numbers(tmp_path: Path) -> None:
    admin = _admin(tmp_path)
    assert admin.check(DEMO_TENANT, ADMIN, "", "4711", SetSwitch(1, on=True)) == (ADMIN, "")
    assert admin.check(DEMO_TENANT, ADMIN, "", "0000", SetSwitch(1, on=True)) is None
    assert admin.check(DEMO_TENANT, "", "2005", "4711", RecordPrompt(1)) == (ADMIN, "")
    assert admin.check(DEMO_TENANT, ADMIN, "", "4711", SetSwitch(4, on=True)) == (
        ADMIN,
        "sv/pbx/slot-invalid",
    )
    assert admin.check(DEMO_TENANT, ADMIN, "", "4711", RecordPrompt(2))[1] == "sv/pbx/slot-invalid"  # type: ignore[index]
    assert admin.check(DEMO_TENANT, CLERK, "", "4711", SetSwitch(1, on=True)) == (
        CLERK,
        "sv/pbx/not-allowed",
    ), "a supervisor is no prompt admin"
    assert admin.switch(DEMO_TENANT, ADMIN, 1, True) == "sv/pbx/switch-on"
    assert admin.switches.store.on(DEMO_TENANT) == frozenset({"driftstorning"})
    assert admin.switch(DEMO_TENANT, ADMIN, 1, False) == "sv/pbx/switch-off"


def test_wrong_pins_lock_the_mailbox_across_calls(tmp_path: Path) -> None:
    admin = _admin(tmp_path)
    for _ in range(10):
        assert admin.check(DEMO_TENANT, ADMIN, "", "1234", SetSwitch(1, on=True)) is None
    assert admin.check(DEMO_TENANT, ADMIN, "", "4711", SetSwitch(1, on=True)) is None, (
        "the right PIN too, while the guard holds"
    )


def test_recordings_at_once_are_bounded(tmp_path: Path) -> None:
    admin = _admin(tmp_path)
    assert admin.begin("sip-1") and not admin.begin("sip-2")
    take = Path(admin.take_path(DEMO_TENANT, "sip-1"))
    take.write_bytes(b"RIFF")
    admin.end("sip-1", str(take))
    assert not take.exists() and admin.begin("sip-2")


def test_from_a_mobile_anyone_with_their_pin_keys_their_own_codes(tmp_path: Path) -> None:
    """The feature-code number from a mobile (PBX1, PBX9): no admin needed — the clerk's
    PIN proves the clerk, whose codes are carried out with the clerk's own rights; the
    PBX's refusals hold (112), recording and switching stay on the desk phone."""
    admin = _admin(tmp_path)
    assert admin.check(DEMO_TENANT, CLERK, "", "4711", MobileCodes()) == (CLERK, "")
    assert admin.check(DEMO_TENANT, CLERK, "", "0000", MobileCodes()) is None
    assert admin.carry_out(DEMO_TENANT, CLERK, "*21*0701234567#") == "sv/pbx/forwarding-set"
    assert admin.carry_out(DEMO_TENANT, CLERK, "#21#") == "sv/pbx/forwarding-cleared"
    assert admin.carry_out(DEMO_TENANT, CLERK, "*21*112#") == "sv/pbx/forwarding-emergency"
    assert admin.carry_out(DEMO_TENANT, ADMIN, "*96*1#") == "sv/pbx/not-allowed"
    assert admin.carry_out(DEMO_TENANT, CLERK, "*77#") == "sv/pbx/unknown-code"
