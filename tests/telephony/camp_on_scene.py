"""Karin Carlsson as a person on her desk phone 1005 for the camp-on tests (issue 16 §3,
OP4): a short number that reaches her as a person (so her line state is kept, DIR4), the
runtime's side in memory, and the caller over the tenant's trunk."""

from __future__ import annotations

from tests.telephony.conftest import AGENT_EXTENSION, Running
from tests.telephony.test_pbx_forwarding import Reach
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.person_reach import ReachingPeople

__all__ = ["KARIN", "KARIN_SHORT", "MARIA_HZ", "KarinsReach", "karin_as_a_person"]

MARIA_HZ = 2100.0
UNUSED_CARRIER_PORT = 5209
"""Nothing is sent to the carrier in these tests (a port of hE's own range)."""
KARIN = "agent-karin"
"""Karin Carlsson's person id in the demo directory (the console's search shows her)."""
KARIN_SHORT = "4600"
"""Karin's short number: a call to it reaches her as a person, so her line state is kept."""


class KarinsReach(Reach):
    """The runtime's people in memory: Karin Carlsson is the person on extension 1005."""

    def person_on(self, tenant_id: str, extension: str) -> str | None:
        return KARIN if extension == AGENT_EXTENSION else None

    def extension(self, tenant_id: str, person_id: str) -> str | None:
        return AGENT_EXTENSION if person_id == KARIN else None

    def forwarded_to(self, tenant_id: str, person_id: str) -> str | None:
        return None  # the directory's status asks it too (nobody forwards here)


def karin_as_a_person(running: Running) -> KarinsReach:
    directory = running.service.directory
    # the caller comes over the tenant's trunk (its numbers trusted); Maria's phone at the
    # same address signs in with digest, so her call to Karin is an internal one
    directory.trusted_sources = frozenset()
    directory.outside.trunks[DEMO_TENANT] = Trunk(
        DEMO_TENANT, "127.0.0.1", UNUSED_CARRIER_PORT, mode=TrunkMode.IP
    )
    directory.pbx.people[(DEMO_TENANT, KARIN)] = PersonDevices(
        DEMO_TENANT, KARIN, (Device(DeviceKind.SIP, AGENT_EXTENSION),), ring_s=20.0
    )
    plan = [(KARIN_SHORT, Target(TargetKind.PERSON, KARIN))]
    directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(DEMO_TENANT, plan, [])
    reach = KarinsReach()
    ReachingPeople.installed_on(running.service.switch, reach, reach)
    return reach
