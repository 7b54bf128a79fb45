"""The composition root wires camp-on (issue 16 §3, OP4): the console's camp-on reaches the
switch, reads the tenant's stored ``pbx-camp-on`` settings, and judges "busy" by the same
line states the console's search shows (DIR4)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.web.test_serve import free_port
from vaxel.app import build_platform
from vaxel.core.errors import DomainError
from vaxel.demo import seed_demo_tenant
from vaxel.pbx.camp_on import CampOnSettings
from vaxel.settings import ServeSettings
from vaxel.sim.demo_tenant import DEMO_TENANT


def test_the_console_s_camp_on_reaches_the_switch_with_the_tenant_s_settings(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    settings = ServeSettings(database_url=url, http_port=free_port(), sip_port=free_port())
    platform = build_platform(
        settings, seed=lambda p: seed_demo_tenant(p.center, url, time.time()), always_open=True
    )
    context = platform.web.state.context
    camp_ons = context.console_camp.__self__  # the switch's CampOns
    assert platform.telephony is not None and camp_ons.switch is platform.telephony.switch
    assert context.camp_take_back.__self__ is camp_ons
    assert context.camped_calls() == ()
    assert camp_ons.settings(DEMO_TENANT) == CampOnSettings(120.0, 3)  # the default
    context.pbx_call_settings.put_camp_on(DEMO_TENANT, 60, 2, "admin")
    assert camp_ons.settings(DEMO_TENANT) == CampOnSettings(60.0, 2)  # read at each camp-on
    # "busy" for camp-on is the line state the console's search shows
    assert camp_ons.people is not None and platform.directory_views is not None
    assert camp_ons.people.reach is platform.pbx is platform.directory_views.lines
    with pytest.raises(DomainError) as refused:  # no such call in her hand
        context.console_camp(DEMO_TENANT, "kristina", "no-such-call", "1005", "")
    assert refused.value.code == "console-no-call"
