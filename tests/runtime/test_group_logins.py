"""Logging in to an answer group answered through an ACD queue (PBX3): the member's agent
is logged in to and out of the group's queue in the one engine, on the real store and
engine, by the web's way and by the phone codes; a member who is no agent, or whose profile
does not permit the queue, is refused and nothing is stored."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.runtime.test_directory_views import views  # noqa: F401 (fixture)
from tests.runtime.test_pbx_reach import reach  # noqa: F401 (fixture)
from vaxel.acd.events import (
    AgentConfigured,
    AgentDeclined,
    AgentLoggedIn,
    ContactArrived,
    QueueOpened,
)
from vaxel.acd.model import AgentState, UnansweredAction
from vaxel.core.errors import DomainError
from vaxel.demo import seed_demo_tenant
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.feature_codes import parse
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.runtime import ContactCenter
from vaxel.runtime.group_logins import QueueGroupLogins
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.pbx_reach import PbxReach
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade
from vaxel.store.pbx_numbering import PbxNumbering

T = DEMO_TENANT


@pytest.fixture
def engine(tmp_path: Path) -> tuple[ContactCenter, PbxNumberingService]:
    url = f"sqlite:///{tmp_path}/groups.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    seed_demo_tenant(center, url, time.time())
    numbering = PbxNumberingService(
        PbxNumbering(database), queue_logins=QueueGroupLogins(center, time.time)
    )
    members = (GroupMember("karin", False), GroupMember("agent-lars", False), GroupMember("olle"))
    numbering.put_group(
        AnswerGroup(T, "bygg", "Bygglov", GroupStrategy.QUEUE, members, queue_id="bygglov")
    )
    numbering.put_group(
        AnswerGroup(T, "barn", "Barnomsorg", GroupStrategy.QUEUE, members, queue_id="barnomsorg")
    )
    # lars is a directory person "agent-lars" on the agent's phone 1006
    numbering.put_devices(PersonDevices(T, "agent-lars", (Device(DeviceKind.SIP, "1006"),)))
    return center, numbering


def _member(numbering: PbxNumberingService, group_id: str, person_id: str) -> bool:
    group = numbering.group(T, group_id)
    assert group is not None
    return next(m.logged_in for m in group.members if m.person_id == person_id)


def test_a_member_s_login_is_their_agent_s_login_to_the_group_s_queue(
    engine: tuple[ContactCenter, PbxNumberingService],
) -> None:
    center, numbering = engine
    numbering.set_login(T, "bygg", "karin", True)
    view = center.agent_view(T, "karin", time.time())
    assert view.state is not AgentState.LOGGED_OUT and "bygglov" in view.queue_ids
    assert _member(numbering, "bygg", "karin")
    numbering.set_login(T, "bygg", "karin", False)
    assert center.agent_view(T, "karin", time.time()).state is AgentState.LOGGED_OUT
    assert not _member(numbering, "bygg", "karin")
    numbering.set_login(T, "bygg", "karin", False)  # already out: no error
    numbering.set_login(T, "bygg", "agent-lars", True)  # found by the agent's phone
    assert "bygglov" in center.agent_view(T, "lars", time.time()).queue_ids


def test_a_member_with_no_phone_that_could_ring_is_logged_in_paused(
    engine: tuple[ContactCenter, PbxNumberingService],
) -> None:
    """Issue 15: logged in to the group's queue paused with the reason, so a caller waiting
    there is not offered to a phone that does not exist; logged in already, kept as is."""
    center, numbering = engine
    assert numbering.queue_logins is not None
    numbering.queue_logins.no_phone = lambda tenant, agent: "softphone_closed"
    center.submit(ContactArrived(T, "c-vantar", "bygglov"), time.time())
    numbering.set_login(T, "bygg", "karin", True)
    view = center.agent_view(T, "karin", time.time())
    assert (view.state, view.pause_reason, view.contact_id) == (
        AgentState.PAUSED,
        "softphone_closed",
        "",
    )
    assert "bygglov" in view.queue_ids and _member(numbering, "bygg", "karin")


def test_a_member_who_cannot_answer_the_queue_is_refused_and_nothing_stored(
    engine: tuple[ContactCenter, PbxNumberingService],
) -> None:
    center, numbering = engine
    with pytest.raises(DomainError) as refused:
        numbering.set_login(T, "bygg", "olle", False)  # a member, but no agent
    assert refused.value.code == "pbx-not-an-agent"
    stored = numbering.store.group(T, "bygg")
    assert stored is not None and "olle" in stored.logged_in()  # nothing stored
    assert not _member(numbering, "bygg", "olle")  # and shown out: no agent, never offered
    with pytest.raises(DomainError) as refused:
        numbering.set_login(T, "barn", "karin", True)  # karin may answer bygglov only (Q21)
    assert refused.value.code == "queue-not-permitted-login"
    assert not _member(numbering, "barn", "karin")
    assert center.agent_view(T, "karin", time.time()).state is AgentState.LOGGED_OUT
    with pytest.raises(DomainError):
        numbering.set_login(T, "bygg", "nobody", True)  # not a member: before the engine


def test_the_phone_codes_log_in_to_and_out_of_a_queue_group(
    reach: PbxReach,  # noqa: F811
    engine: tuple[ContactCenter, PbxNumberingService],
) -> None:
    """``*28*<grupp>#`` and ``#28#`` from a phone (PbxReach) take the same way: karin (an
    agent of bygglov) is logged in to the queue; olle, no agent, hears that it failed."""
    center, _ = engine
    numbering = PbxNumberingService(
        PbxNumbering(reach.views.store._db), queue_logins=QueueGroupLogins(center, time.time)
    )
    members = (GroupMember("karin", False), GroupMember("olle", False))
    numbering.put_group(
        AnswerGroup(T, "bygg", "Bygglov", GroupStrategy.QUEUE, members, queue_id="bygglov")
    )
    numbering.put_number(T, "5000", Target(TargetKind.GROUP, "bygg"))
    reach.numbering = numbering
    assert reach.carry_out(T, "karin", parse("*28*5000#")) == "sv/pbx/group-joined"
    assert "bygglov" in center.agent_view(T, "karin", time.time()).queue_ids
    assert reach.carry_out(T, "olle", parse("*28*5000#")) == "sv/pbx/failed"
    assert not _member(numbering, "bygg", "olle")
    assert reach.carry_out(T, "karin", parse("#28#")) == "sv/pbx/group-left"
    assert center.agent_view(T, "karin", time.time()).state is AgentState.LOGGED_OUT


def test_who_is_logged_in_to_a_queue_group_follows_the_engine(
    engine: tuple[ContactCenter, PbxNumberingService],
) -> None:
    """Issue 14 §3: karin logs in to bygglov herself (the workspace's event, not the group's)
    and the group shows her in; the engine then logs her out by itself after an unanswered
    offer (Q23) and the group shows her out — the stored flag never decides."""
    center, numbering = engine
    now = time.time()
    profile = center.running_agents(T)["karin"]
    center.submit(
        AgentConfigured(
            replace(profile, max_unanswered=1, unanswered_action=UnansweredAction.LOGOUT)
        ),
        now,
    )
    center.submit(AgentLoggedIn(T, "karin", ("bygglov",), actor="karin"), now)
    assert _member(numbering, "bygg", "karin")
    assert "karin" in next(g for g in numbering.groups(T) if g.group_id == "bygg").logged_in()
    assert not _member(numbering, "barn", "karin")  # her agent is not in barnomsorg's queue
    assert not _member(numbering, "bygg", "olle")  # stored in, but no agent: never offered

    center.submit(QueueOpened(T, "bygglov"), now)
    center.submit(ContactArrived(T, "c-karin", "bygglov", target_agent_id="karin"), now)
    assert center.agent_view(T, "karin", now).contact_id == "c-karin"
    center.submit(AgentDeclined(T, "karin", "c-karin"), now + 1)
    assert center.agent_view(T, "karin", now + 1).state is AgentState.LOGGED_OUT
    assert not _member(numbering, "bygg", "karin")
