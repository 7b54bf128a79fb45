"""The composition root gives telephony the demo's stored PBX (issue 14 §9, PBX1) and swaps
in every change at once: a new short number routes the next call (Q20)."""

from __future__ import annotations

import time
from pathlib import Path

from tests.web.test_serve import free_port
from vaxel.app import build_platform
from vaxel.demo import seed_demo_tenant
from vaxel.pbx.feature_codes import parse
from vaxel.pbx.numbering import MAILBOX_MENU, Target, TargetKind
from vaxel.settings import ServeSettings
from vaxel.sim.demo_tenant import DEMO_TENANT


def test_the_demo_s_plan_reaches_telephony_and_changes_apply_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    settings = ServeSettings(database_url=url, http_port=None, sip_port=free_port())
    platform = build_platform(
        settings, seed=lambda p: seed_demo_tenant(p.center, url, time.time()), always_open=True
    )
    assert platform.directory is not None and platform.numbering is not None
    pbx = platform.directory.pbx
    assert pbx.resolve(DEMO_TENANT, "+46812342005") == Target(TargetKind.PERSON, "demo-0006")
    assert pbx.direct_in("0812342005") == (DEMO_TENANT, Target(TargetKind.PERSON, "demo-0006"))
    assert pbx.resolve(DEMO_TENANT, "1900") == Target(TargetKind.GROUP, "vaxeln")
    assert pbx.groups[(DEMO_TENANT, "vaxeln")].logged_in()
    assert pbx.resolve(DEMO_TENANT, "1980") == Target(TargetKind.VOICEMAIL, MAILBOX_MENU)
    devices = pbx.devices(DEMO_TENANT, "demo-0006")
    assert devices is not None and devices.extensions() == ["2005"]
    assert "2005" in platform.directory.extensions, "the first staff have SIP accounts"
    platform.numbering.put_number(DEMO_TENANT, "1950", Target(TargetKind.GROUP, "it-support"))
    assert platform.directory.pbx.resolve(DEMO_TENANT, "1950") == Target(
        TargetKind.GROUP, "it-support"
    )
    # the root gives forwarding the plan: one's own direct number, however written, is one's
    # own number by phone too (issue 14 §4, PBX5; before, '*21*<own DID>#' was kept)
    assert platform.pbx is not None
    for code in ("*21*0812342005#", "*67*+46812342005#"):
        said = platform.pbx.carry_out(DEMO_TENANT, "demo-0006", parse(code))
        assert said == "sv/pbx/forwarding-self", code
