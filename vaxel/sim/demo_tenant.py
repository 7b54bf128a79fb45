"""The Swedish demo tenant: Exempelby kommun with four queues and twelve agents.

Used by ``vaxel demo`` (seeded into the database), by the ``kommun`` simulation scenario and
by tests. Names, numbers and skills are made up but realistic.
"""

from __future__ import annotations

from dataclasses import replace

from vaxel.acd.model import (
    AgentProfile,
    CallbackInterval,
    CallbackOfferRules,
    CallbackSettings,
    OverflowAction,
    OverflowRule,
    OverflowTarget,
    OverflowTrigger,
    QueueConfig,
    Strategy,
)

__all__ = [
    "DEMO_SKILLS",
    "DEMO_TENANT",
    "MAIN_NUMBER",
    "TENANT_NAME",
    "demo_agents",
    "demo_queues",
    "demo_schedule",
]

DEMO_TENANT = "exempelby"
TENANT_NAME = "Exempelby kommun"
MAIN_NUMBER = "+46812345000"


def demo_queues() -> list[QueueConfig]:
    t = DEMO_TENANT
    queues = [
        QueueConfig(
            t, "vaxel", "Växel", strategy=Strategy.ROUND_ROBIN, wrap_up_s=5.0, offer_timeout_s=15.0
        ),
        QueueConfig(
            t,
            "kundtjanst",
            "Kundtjänst",
            strategy=Strategy.LONGEST_IDLE,
            wrap_up_s=30.0,
            sticky_window_s=3 * 24 * 3600,
            overflow=(
                OverflowRule(
                    OverflowTrigger.MAX_WAIT,
                    OverflowTarget(OverflowAction.QUEUE, queue_id="vaxel"),
                    max_wait_s=900.0,
                ),
            ),
            callback=CallbackSettings(
                enabled=True,
                create_on_abandon=True,
                offer_rules=CallbackOfferRules(
                    more_waiting_than=3, estimated_wait_over_s=180.0, between=("08:00", "16:00")
                ),
                intervals=(
                    CallbackInterval("fm", "08:00", "12:00", "sv/callback/fm"),
                    CallbackInterval("em", "13:00", "16:00", "sv/callback/em"),
                ),
                retry_delay_s=600.0,
                max_attempts=3,
                priority=1,
                schedule_id="kontorstid",  # callbacks booked in office hours only (CB2, Q1)
            ),
        ),
        QueueConfig(t, "bygglov", "Bygglov", strategy=Strategy.SKILLS, wrap_up_s=60.0),
        QueueConfig(t, "barnomsorg", "Barnomsorg", strategy=Strategy.FEWEST_CALLS, wrap_up_s=45.0),
    ]
    # Every queue keeps the office hours (issue 12 §1): the scheduler opens and closes them.
    return [replace(queue, schedule_id="kontorstid") for queue in queues]


_PEOPLE = [
    # agent id, name, skills, queues
    ("anna", "Anna Lindqvist", {"vaxel": 3}, ("vaxel", "kundtjanst")),
    ("erik", "Erik Karlsson", {"vaxel": 2}, ("vaxel", "kundtjanst")),
    ("maria", "Maria Johansson", {"kundtjanst": 3}, ("kundtjanst",)),
    ("johan", "Johan Nilsson", {"kundtjanst": 2}, ("kundtjanst", "barnomsorg")),
    ("karin", "Karin Carlsson", {"bygglov": 3}, ("bygglov",)),
    ("lars", "Lars Andersson", {"bygglov": 2}, ("bygglov", "kundtjanst")),
    ("sara", "Sara Persson", {"barnomsorg": 3}, ("barnomsorg",)),
    ("per", "Per Svensson", {"barnomsorg": 2}, ("barnomsorg", "kundtjanst")),
    ("emma", "Emma Gustafsson", {"kundtjanst": 2}, ("kundtjanst", "vaxel")),
    ("ali", "Ali Hassan", {"kundtjanst": 2, "bygglov": 1}, ("kundtjanst", "bygglov")),
    ("kristina", "Kristina Olsson", {"vaxel": 3}, ("vaxel",)),
    ("mikael", "Mikael Berg", {"barnomsorg": 1}, ("barnomsorg", "kundtjanst")),
]


DEMO_SKILLS = {
    "vaxel": "Växel",
    "kundtjanst": "Kundtjänst",
    "bygglov": "Bygglov",
    "barnomsorg": "Barnomsorg",
}
"""The skill catalogue: every skill the demo agents have, with the name people read (the
skills page and the user form list the catalogue, so it must hold what the agents have)."""


def demo_agents() -> list[tuple[AgentProfile, tuple[str, ...]]]:
    """Each agent's profile and the queues they log in to at the start of the day."""
    return [
        (
            AgentProfile(
                DEMO_TENANT,
                agent_id,
                name,
                skills=skills,
                languages=("sv", "en") if agent_id in ("ali", "emma") else ("sv",),
                permitted_queues=queues,
                phone=f"10{n + 1:02d}",
                max_unanswered=3,
            ),
            queues,
        )
        for n, (agent_id, name, skills, queues) in enumerate(_PEOPLE)
    ]


def demo_schedule() -> dict[str, object]:
    """Office hours for the municipality, with Swedish holidays and half days (Q1)."""
    return {
        "id": "kontorstid",
        "name": "Kontorstid",
        "weekly": {"mon-thu": ["08:00-16:30"], "fri": ["08:00-15:00"]},
        "holidays": {"closed_on_public": True, "eves": "closed", "half_days": True},
        "closed_message": "sv/stangt",
    }
