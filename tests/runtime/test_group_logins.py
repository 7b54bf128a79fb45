"""Logging in to an answer group answered through an ACD queue (PBX3): the member's agent
is logged in to and out of the group's queue in the one engine, on the real store and
engine; a member who is no agent, or whose profile does not permit the queue, is refused
and nothing is stored."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from vaxel.acd.model import AgentState
from vaxel.core.errors import DomainError
from vaxel.demo import seed_demo_tenant
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.runtime import ContactCenter
from vaxel.runtime.group_logins import QueueGroupLogins
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade
from vaxel.store.pbx_numbering import PbxNumbering

T = DEMO_TENANT


@pytest.fixture
def setup(tmp_path: Path) -> tuple[ContactCenter, PbxNumberingService]:
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
    setup: tuple[ContactCenter, PbxNumberingService],
) -> None:
    center, numbering = setup
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


def test_a_member_who_cannot_answer_the_queue_is_refused_and_nothing_stored(
    setup: tuple[ContactCenter, PbxNumberingService],
) -> None:
    center, numbering = setup
    with pytest.raises(DomainError) as refused:
        numbering.set_login(T, "bygg", "olle", False)  # a member, but no agent
    assert refused.value.code == "pbx-not-an-agent"
    assert _member(numbering, "bygg", "olle")
    with pytest.raises(DomainError) as refused:
        numbering.set_login(T, "barn", "karin", True)  # karin may answer bygglov only (Q21)
    assert refused.value.code == "queue-not-permitted-login"
    assert not _member(numbering, "barn", "karin")
    assert center.agent_view(T, "karin", time.time()).state is AgentState.LOGGED_OUT
    with pytest.raises(DomainError):
        numbering.set_login(T, "bygg", "nobody", True)  # not a member: before the engine
