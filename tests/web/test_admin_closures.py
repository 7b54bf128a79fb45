"""Closures prepared in advance (Q2, ADM3): an admin plans that several queues close for a
span of Stockholm time; the running schedule evaluation closes and reopens them."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from vaxel.core.clock import to_local
from vaxel.runtime.configuration import ConfigChange, Configuration
from vaxel.runtime.opening_hours import OpeningHours
from vaxel.schedule import Calendar, ScheduleState
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing


def _local(epoch: float) -> str:
    return to_local(epoch).strftime("%Y-%m-%dT%H:%M")


class _Closures:
    """The tenant's calendar as the platform's opening-hours machine holds it now."""

    def __init__(self, hours: OpeningHours) -> None:
        self.hours = hours

    def queue_state(self, queue_id: str, schedule_id: None, now: float) -> ScheduleState:
        return self.hours.calendar(DEMO_TENANT).queue_state(queue_id, schedule_id, now)


def _running(web: Web) -> tuple[Configuration, _Closures]:
    """The web app's Configuration with the opening-hours machine listening, as the
    composition root wires it (closures only: a calendar of closures)."""
    app: Any = web.app
    configuration: Configuration = app.state.context.configuration
    hours = OpeningHours(
        configuration.center, lambda tenant_id: Calendar(closures=configuration.closures(tenant_id))
    )

    def changed(change: ConfigChange) -> None:
        if change.kind == "closure":
            hours.changed(change.tenant_id)

    configuration.listeners.append(changed)
    return configuration, _Closures(hours)


def test_a_planned_closure_closes_the_queues_in_its_span_and_can_be_lifted(web: Web) -> None:
    configuration, calendar = _running(web)
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    now = time.time()
    start, end = now + 3600, now + 3 * 3600
    response = client.post(
        "/admin/closures/planned",
        data={
            "csrf": csrf,
            "queue": ["kundtjanst", "bygglov"],
            "start": _local(start),
            "end": _local(end),
            "message": "sv/stangt",
            "reason": "Personalmöte",
        },
    )
    assert response.status_code == 303 and "error" not in response.headers["location"]
    (closure,) = configuration.closures(DEMO_TENANT)
    assert closure.queue_ids == {"kundtjanst", "bygglov"} and closure.reason == "Personalmöte"
    middle = (start + end) / 2
    assert calendar.queue_state("kundtjanst", None, now).open  # not yet
    assert not calendar.queue_state("kundtjanst", None, middle).open
    assert not calendar.queue_state("bygglov", None, middle).open
    assert calendar.queue_state("vaxel", None, middle).open  # not chosen
    assert calendar.queue_state("kundtjanst", None, end + 120).open  # reopens by itself
    page = client.get("/admin/closures").text
    assert "Personalmöte" in page and "Bygglov, Kundtjänst" in page
    lift = re.search(r'action="(/admin/closures/[^/"]+/lift)"', page)
    assert lift is not None
    assert client.post(lift.group(1), data={"csrf": csrf}).status_code == 303
    assert configuration.closures(DEMO_TENANT) == []  # it had not begun: dropped
    assert calendar.queue_state("kundtjanst", None, middle).open


def test_a_running_closure_until_further_notice_ends_when_lifted(web: Web) -> None:
    configuration, calendar = _running(web)
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    now = time.time()
    client.post(
        "/admin/closures/planned",
        data={"csrf": csrf, "queue": "vaxel", "start": _local(now - 120)},
    )
    assert not calendar.queue_state("vaxel", None, time.time()).open
    assert "pågår" in client.get("/admin/closures").text
    (closure,) = configuration.closures(DEMO_TENANT)
    client.post(f"/admin/closures/{closure.closure_id}/lift", data={"csrf": csrf})
    assert calendar.queue_state("vaxel", None, time.time() + 1).open
    (kept,) = configuration.closures(DEMO_TENANT)  # kept with its real end, for the record
    assert kept.end is not None and kept.end <= time.time()
    assert "Inga planerade stängningar" in client.get("/admin/closures").text


def test_bad_plans_are_refused_with_the_reason_and_nothing_stored(web: Web) -> None:
    configuration, _ = _running(web)
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    now = time.time()
    later = datetime.fromisoformat(_local(now + 3600))
    for form, reason in (
        ({"start": _local(now + 3600), "end": _local(now + 60)}, "Sluttiden"),
        ({"start": "i morgon"}, "Ange tider"),
        ({"start": (later + timedelta(days=1)).isoformat(), "queue": "finns-inte"}, "finns-inte"),
        ({"start": _local(now), "message": "sv/finns-inte"}, "sv/finns-inte"),
        ({"start": _local(now), "queue": []}, "Välj minst en kö"),
    ):
        data = {"csrf": csrf, "queue": "kundtjanst"} | form
        response = client.post("/admin/closures/planned", data=data)
        assert response.status_code == 303
        assert reason in client.get(response.headers["location"]).text, reason
    assert configuration.closures(DEMO_TENANT) == []


def test_another_organisations_admin_cannot_lift_or_see_a_closure(web: Web) -> None:
    configuration, calendar = _running(web)
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    client.post(
        "/admin/closures/planned",
        data={"csrf": csrf, "queue": "vaxel", "start": _local(time.time() - 60)},
    )
    (closure,) = configuration.closures(DEMO_TENANT)
    web.accounts.add_user(OTHER, "bosse", "Bosse", "tenant_admin", PasswordHashing().hash(PASSWORD))
    other = web.client()
    other_csrf = sign_in(other, OTHER, "bosse")
    assert closure.closure_id not in other.get("/admin/closures").text
    other.post(f"/admin/closures/{closure.closure_id}/lift", data={"csrf": other_csrf})
    assert configuration.closures(DEMO_TENANT) == [closure]
    assert not calendar.queue_state("vaxel", None, time.time()).open
