"""Issue 15 "Bad input" (Q24): an agent whose only phone is a browser phone that cannot take
calls is paused with the reason, so the ACD offers them nothing; with a desk phone still
registered the calls go on to it; once the browser phone works again, the agent this rule
paused is ready again — one who paused themselves is left alone. A person who logs in or
goes ready with no phone at all that could ring is paused the same way."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_QUEUES, Running
from vaxel.acd.events import AgentLoggedIn, AgentPaused, AgentReady, ContactArrived
from vaxel.app.telephony import outside_lines_updater
from vaxel.core.dial_policy import DialPolicy
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.runtime.configuration import ConfigChange
from vaxel.runtime.pbx_trunks import KIND as TRUNK_KIND
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.pbx_trunks import TrunkStore
from vaxel.telephony.browser_readiness import (
    BARRED,
    NO_TRUNK,
    REASONS,
    Action,
    BrowserReadiness,
    when_able,
    when_unable,
)
from vaxel.webrtc.link import RegistrarLink


@pytest.mark.parametrize(
    ("state", "others", "action"),
    [
        ("ready", 0, Action.PAUSE),
        ("wrap_up", 0, Action.PAUSE),
        ("ready", 1, Action.NOTHING),  # the desk phone takes the calls
        ("paused", 0, Action.NOTHING),  # their own pause reason is kept
        ("busy", 0, Action.NOTHING),
        ("offered", 0, Action.NOTHING),
        ("logged_out", 0, Action.NOTHING),
    ],
)
def test_the_rule_when_the_browser_phone_cannot_take_calls(
    state: str, others: int, action: Action
) -> None:
    assert when_unable(state, others) is action


def test_the_rule_when_the_browser_phone_works_again() -> None:
    for reason in REASONS.values():
        assert when_able("paused", reason) is Action.READY
    assert when_able("paused", "Lunch") is Action.NOTHING
    assert when_able("paused", "unanswered_offers") is Action.NOTHING
    assert when_able("ready", "") is Action.NOTHING


def karin_ready(running: Running) -> BrowserReadiness:
    commands = running.service.switch.acd_commands
    commands.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES))
    assert karin(running) == ("ready", "")
    return BrowserReadiness(running.service.switch)


def karin(running: Running) -> tuple[str, str]:
    view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
    return view.state.value, view.pause_reason


async def test_an_agent_with_only_the_browser_phone_is_paused_and_ready_again(
    running: Running,
) -> None:
    readiness = karin_ready(running)
    extension = running.service.directory.extensions[AGENT_EXTENSION]
    readiness.cannot_take_calls(extension, "no-microphone")
    assert karin(running) == ("paused", "softphone_no_microphone")
    readiness.cannot_take_calls(extension, "closed")  # the first reason is kept
    assert karin(running) == ("paused", "softphone_no_microphone")
    readiness.can_take_calls(extension)
    assert karin(running) == ("ready", "")


async def test_an_unknown_reason_changes_nothing(running: Running) -> None:
    readiness = karin_ready(running)
    extension = running.service.directory.extensions[AGENT_EXTENSION]
    readiness.cannot_take_calls(extension, "whatever")
    assert karin(running) == ("ready", "")


async def test_a_registered_desk_phone_keeps_taking_the_calls(running: Running) -> None:
    readiness = karin_ready(running)
    extension = running.service.directory.extensions[AGENT_EXTENSION]
    link = RegistrarLink(running.service.switch.registration, "127.0.0.1", lambda t, u: None)
    link.bind(extension, "sip:1005@127.0.0.1:5251", ("127.0.0.1", 5251), 300)  # the desk phone
    readiness.cannot_take_calls(extension, "media-failed")
    assert karin(running) == ("ready", "")
    link.bind(extension, "sip:1005@127.0.0.1:5251", ("127.0.0.1", 5251), 0)  # unplugged too
    readiness.cannot_take_calls(extension, "media-failed")
    assert karin(running) == ("paused", "softphone_media_failed")


async def test_an_agent_who_paused_themselves_stays_paused(running: Running) -> None:
    readiness = karin_ready(running)
    extension = running.service.directory.extensions[AGENT_EXTENSION]
    running.service.switch.acd_commands.submit(AgentPaused(DEMO_TENANT, AGENT_ID, "Lunch"))
    readiness.cannot_take_calls(extension, "denied")
    readiness.can_take_calls(extension)
    assert karin(running) == ("paused", "Lunch")


async def test_an_extension_without_an_agent_is_left_alone(
    running: Running, tmp_path: Path
) -> None:
    readiness = karin_ready(running)
    customer = next(e for e in running.service.directory.extensions.values() if not e.agent_id)
    readiness.cannot_take_calls(customer, "closed")
    readiness.can_take_calls(customer)
    assert karin(running) == ("ready", "")


async def test_a_person_who_goes_ready_with_no_phone_at_all_is_paused(running: Running) -> None:
    """Issue 15: the browser phone chosen but its tab not open, no desk phone registered —
    the agent logging in or going ready is paused with the reason, not offered calls that
    ring nowhere; the browser phone connecting makes her ready again."""
    later: list[Callable[[], None]] = []
    readiness = BrowserReadiness(running.service.switch, later.append)
    running.center.listeners.append(readiness.committed)
    commands = running.service.switch.acd_commands
    commands.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES, actor="karin"))
    assert karin(running) == ("ready", "") and len(later) == 1  # checked after the step
    later.pop()()
    assert karin(running) == ("paused", "softphone_closed")
    commands.submit(AgentReady(DEMO_TENANT, AGENT_ID, actor="karin"))  # she tries again
    later.pop()()
    assert karin(running) == ("paused", "softphone_closed")
    readiness.can_take_calls(running.service.directory.extensions[AGENT_EXTENSION])
    assert karin(running) == ("ready", "") and later == []  # the rule's own ready: unchecked


async def test_going_ready_with_a_desk_phone_or_as_the_simulator_changes_nothing(
    running: Running,
) -> None:
    later: list[Callable[[], None]] = []
    readiness = BrowserReadiness(running.service.switch, later.append)
    running.center.listeners.append(readiness.committed)
    commands = running.service.switch.acd_commands
    commands.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES))  # actor "agent"
    assert later == []  # the simulator's agents (and a phone's auto-login) are not judged
    extension = running.service.directory.extensions[AGENT_EXTENSION]
    link = RegistrarLink(running.service.switch.registration, "127.0.0.1", lambda t, u: None)
    link.bind(extension, "sip:1005@127.0.0.1:5251", ("127.0.0.1", 5251), 300)  # the desk phone
    commands.submit(AgentPaused(DEMO_TENANT, AGENT_ID, "Lunch"))
    commands.submit(AgentReady(DEMO_TENANT, AGENT_ID, actor="karin"))
    later.pop()()
    assert karin(running) == ("ready", "")
    readiness.went_ready(DEMO_TENANT, "nobody-here")  # no extension here: not ours to judge


async def test_with_her_mobile_as_device_the_trunk_is_what_counts(running: Running) -> None:
    """PBX9: a mobile cannot register — with the tenant's trunk she is never paused for "no
    phone" (nor when a browser phone closes); without one she is paused saying so."""
    directory = running.service.directory
    directory.agent_mobiles[(DEMO_TENANT, AGENT_ID)] = "+46701112233"
    readiness = karin_ready(running)
    assert readiness.no_phone(DEMO_TENANT, AGENT_ID) == NO_TRUNK
    readiness.went_ready(DEMO_TENANT, AGENT_ID)
    assert karin(running) == ("paused", NO_TRUNK)
    directory.outside.trunks[DEMO_TENANT] = Trunk(DEMO_TENANT, "127.0.0.1", 5999, mode=TrunkMode.IP)
    assert readiness.no_phone(DEMO_TENANT, AGENT_ID) == ""
    readiness.can_take_calls(directory.extensions[AGENT_EXTENSION])
    assert karin(running) == ("ready", "")
    readiness.went_ready(DEMO_TENANT, AGENT_ID)
    readiness.cannot_take_calls(directory.extensions[AGENT_EXTENSION], "closed")
    assert karin(running) == ("ready", "")


async def test_a_saved_trunk_lifts_the_no_trunk_pause_but_not_her_own(running: Running) -> None:
    """PBX9: paused because her mobile had no trunk, she is ready by herself — and offered
    the waiting caller on her mobile — once an admin saves the tenant's trunk, as a phone
    registering lifts the "no phone" pause; a pause of her own is left alone."""
    directory, commands = running.service.directory, running.service.switch.acd_commands
    directory.agent_mobiles[(DEMO_TENANT, AGENT_ID)] = "+46701112233"
    readiness = karin_ready(running)
    platform: Any = SimpleNamespace(database=running.center.database, on_loop=lambda f: f())
    saved = outside_lines_updater(platform, running.service, directory)
    commands.submit(AgentPaused(DEMO_TENANT, AGENT_ID, "Lunch"))  # her own pause
    trunk = Trunk(DEMO_TENANT, "127.0.0.1", 5999, mode=TrunkMode.IP)
    TrunkStore(running.center.database).put_trunk(trunk, "+46101234500")
    saved(ConfigChange(DEMO_TENANT, TRUNK_KIND, DEMO_TENANT))
    assert karin(running) == ("paused", "Lunch") and directory.has_trunk(DEMO_TENANT)
    directory.outside.trunks.clear()  # the switch without it again (as before the save)
    commands.submit(AgentReady(DEMO_TENANT, AGENT_ID))
    readiness.went_ready(DEMO_TENANT, AGENT_ID)
    assert karin(running) == ("paused", NO_TRUNK)
    running.center.submit(ContactArrived(DEMO_TENANT, "c-trunk", AGENT_QUEUES[0]), time.time())
    saved(ConfigChange(DEMO_TENANT, TRUNK_KIND, DEMO_TENANT))
    view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
    assert (view.state.value, view.contact_id) == ("offered", "c-trunk")  # her mobile rings
    assert running.service.switch.calls["c-trunk"].attempts[AGENT_ID].confirm  # waits for 1


async def test_a_mobile_barred_for_her_pauses_her_saying_so(running: Running) -> None:
    """PBX8, PBX9: her class of service no longer reaches her mobile as telephony dials it
    (abroad, the organisation allowing it, her default class not): going ready pauses her
    with the reason instead of offers ringing nowhere; a saved trunk does not lift it."""
    directory = running.service.directory
    directory.dial_policies[DEMO_TENANT] = DialPolicy(international_allowed=True)
    directory.outside.trunks[DEMO_TENANT] = Trunk(DEMO_TENANT, "127.0.0.1", 5999, mode=TrunkMode.IP)
    directory.agent_mobiles[(DEMO_TENANT, AGENT_ID)] = "+447911123456"
    readiness = karin_ready(running)
    assert readiness.no_phone(DEMO_TENANT, AGENT_ID) == BARRED
    readiness.went_ready(DEMO_TENANT, AGENT_ID)
    assert karin(running) == ("paused", BARRED)
    readiness.trunks_saved()
    assert karin(running) == ("paused", BARRED)
    directory.agent_mobiles[(DEMO_TENANT, AGENT_ID)] = "+46701112233"  # in Sweden: rings
    assert readiness.no_phone(DEMO_TENANT, AGENT_ID) == ""
