"""The queue editor (ADM1, Q14–Q20, Q25, CB*): create, change while running, refuse clearly."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, Web, flashed, sign_in
from vaxel.acd.events import ContactArrived
from vaxel.acd.model import QueueConfig
from vaxel.sim.demo_tenant import DEMO_TENANT, demo_queues
from vaxel.store.repositories import Documents
from vaxel.web.admin.queue_form import QueueForm
from vaxel.web.passwords import PasswordHashing


def admin(web: Web) -> tuple[TestClient, str]:
    client = web.client()
    return client, sign_in(client, DEMO_TENANT, "admin")


def running(web: Web, queue_id: str, tenant: str = DEMO_TENANT) -> QueueConfig:
    return web.center.acd.tenant(tenant).queues[queue_id].config


def form_of(config: QueueConfig, csrf: str, **changes: str) -> dict[str, str]:
    """What the edit page posts for ``config``, with some inputs changed."""
    return {**QueueForm.from_config(config).values, "csrf": csrf, **changes}


def test_the_form_describes_every_setting_of_a_queue_both_ways() -> None:
    for config in demo_queues():
        form = QueueForm.from_config(config)
        assert form.config(config.tenant_id, config.queue_id) == config


def test_an_admin_lists_and_creates_a_queue_that_applies_at_once(web: Web) -> None:
    client, csrf = admin(web)
    listing = client.get("/admin/queues")
    assert listing.status_code == 200 and "Kundtjänst" in listing.text
    assert "Längst ledig" in listing.text  # the strategy, in Swedish
    assert client.get("/admin/queues/new").status_code == 200
    created = client.post(
        "/admin/queues",
        data={
            "csrf": csrf,
            "queue_id": "skatt",
            "name": "Skatter",
            "strategy": "skills",
            "offer_timeout_s": "25",
            "wrap_up_s": "45",
            "service_level_s": "30",
            "service_level_goal": "90",
            "short_abandon_s": "8",
            "opening_schedule_id": "kontorstid",
            "overflow[0].trigger": "max_wait",
            "overflow[0].max_wait_s": "600",
            "overflow[0].target.action": "queue",
            "overflow[0].target.queue_id": "vaxel",
            "overflow[0].channels.call": "on",
            "standby.enabled": "on",
            "standby.activate_waiting": "5",
            "standby.release_waiting": "2",
            "callback.enabled": "on",
            "callback.offer_rules.more_waiting_than": "3",
            "callback.intervals[0].interval_id": "fm",
            "callback.intervals[0].start": "08:00",
            "callback.intervals[0].end": "12:00",
        },
    )
    assert created.status_code == 303, created.text
    config = running(web, "skatt")
    assert config.strategy.value == "skills" and config.wrap_up_s == 45
    assert config.service_level_goal == 0.9 and config.overflow[0].target.queue_id == "vaxel"
    assert config.short_abandon_s == 8  # issue 9 §2: the queue's own short-abandon threshold
    assert config.schedule_id == "kontorstid"  # its hours open and close it (issue 12 §1)
    assert config.standby is not None and config.standby.activate_waiting == 5
    assert config.callback.intervals[0].interval_id == "fm"
    assert "Skatter" in client.get("/admin/queues").text
    assert "skatt" in Documents(web.center.database, "queue").all(DEMO_TENANT)  # survives restart


def test_editing_a_queue_keeps_the_waiting_contact_in_it(web: Web) -> None:
    """Q20: a change applies while running; the caller waiting keeps the place in the queue."""
    client, csrf = admin(web)
    web.center.submit(ContactArrived(DEMO_TENANT, "c-vantar", "bygglov"), time.time())
    page = client.get("/admin/queues/bygglov")
    assert page.status_code == 200 and 'name="wrap_up_s"' in page.text
    saved = client.post(
        "/admin/queues/bygglov",
        data=form_of(running(web, "bygglov"), csrf, wrap_up_s="90", strategy="round_robin"),
    )
    assert saved.status_code == 303, saved.text
    assert running(web, "bygglov").wrap_up_s == 90
    assert running(web, "bygglov").strategy.value == "round_robin"
    assert web.center.acd.contact_view(DEMO_TENANT, "c-vantar").state.value == "waiting"
    assert web.center.acd.queue_status(DEMO_TENANT, "bygglov", time.time()).waiting == 1


def test_a_negative_wrap_up_is_refused_next_to_the_input_and_nothing_is_lost(web: Web) -> None:
    client, csrf = admin(web)
    before = running(web, "bygglov")
    refused = client.post(
        "/admin/queues/bygglov",
        data=form_of(before, csrf, wrap_up_s="-5", name="Bygglov ny"),
    )
    assert refused.status_code == 400
    assert "får inte vara negativt" in refused.text
    assert 'id="wrap_up_s-error"' in refused.text and 'aria-invalid="true"' in refused.text
    assert 'value="-5"' in refused.text and 'value="Bygglov ny"' in refused.text
    assert running(web, "bygglov") == before


def test_overflow_to_an_unknown_queue_names_the_rule_and_changes_nothing(web: Web) -> None:
    client, csrf = admin(web)
    before = running(web, "kundtjanst")
    refused = client.post(
        "/admin/queues/kundtjanst",
        data=form_of(
            before,
            csrf,
            **{
                "overflow[1].trigger": "max_length",
                "overflow[1].max_length": "10",
                "overflow[1].target.action": "queue",
                "overflow[1].target.queue_id": "finnsinte",
            },
        ),
    )
    assert refused.status_code == 400
    assert "kön &#39;finnsinte&#39; finns inte" in refused.text
    assert "Överflöde, regel 2" in refused.text  # the form's row, in the admin's words
    assert 'id="overflow[1].target.queue_id-error"' in refused.text
    assert running(web, "kundtjanst") == before
    stored = Documents(web.center.database, "queue").get(DEMO_TENANT, "kundtjanst")
    assert len(stored["overflow"]) == 1


def test_a_rule_left_blank_between_two_is_skipped_and_errors_keep_the_form_row(web: Web) -> None:
    client, csrf = admin(web)
    refused = client.post(
        "/admin/queues/vaxel",
        data=form_of(
            running(web, "vaxel"),
            csrf,
            **{
                "overflow[0].trigger": "",
                "overflow[2].trigger": "max_wait",
                "overflow[2].max_wait_s": "0",
                "overflow[2].target.action": "busy",
            },
        ),
    )
    assert refused.status_code == 400
    assert 'id="overflow[2].max_wait_s-error"' in refused.text


def test_a_linear_order_names_only_the_tenants_agents(web: Web) -> None:
    client, csrf = admin(web)
    before = running(web, "vaxel")
    data = form_of(before, csrf, strategy="linear", linear_order="anna, olle")
    refused = client.post("/admin/queues/vaxel", data=data)
    assert refused.status_code == 400 and "okända handläggare: olle" in refused.text
    assert running(web, "vaxel") == before  # olle is annanstad's agent
    accepted = client.post("/admin/queues/vaxel", data={**data, "linear_order": "anna, erik"})
    assert accepted.status_code == 303
    assert running(web, "vaxel").linear_order == ("anna", "erik")


def test_a_queue_in_use_is_not_removed_and_an_empty_one_is(web: Web) -> None:
    client, csrf = admin(web)
    web.center.submit(ContactArrived(DEMO_TENANT, "c-kvar", "barnomsorg"), time.time())
    refused = client.post("/admin/queues/barnomsorg/remove", data={"csrf": csrf})
    assert refused.status_code == 303
    assert "kan inte tas bort" in flashed(client, refused)
    assert "barnomsorg" in web.center.acd.tenant(DEMO_TENANT).queues
    overflowed_to = client.post("/admin/queues/vaxel/remove", data={"csrf": csrf})
    assert "vaxel" in web.center.acd.tenant(DEMO_TENANT).queues  # kundtjänst overflows there
    assert flashed(client, overflowed_to)
    client.post(
        "/admin/queues", data={"csrf": csrf, "queue_id": "tillfallig", "strategy": "random"}
    )
    assert "tillfallig" in web.center.acd.tenant(DEMO_TENANT).queues
    removed = client.post("/admin/queues/tillfallig/remove", data={"csrf": csrf})
    assert removed.status_code == 303 and "error" not in removed.headers["location"]
    assert "tillfallig" not in web.center.acd.tenant(DEMO_TENANT).queues
    assert "tillfallig" not in Documents(web.center.database, "queue").all(DEMO_TENANT)


def test_agents_and_supervisors_get_403_on_the_queue_pages(web: Web) -> None:
    for username in ("maria", "chef"):
        client = web.client()
        csrf = sign_in(client, DEMO_TENANT, username)
        for path in ("/admin/queues", "/admin/queues/new", "/admin/queues/bygglov"):
            assert client.get(path).status_code == 403, (username, path)
        before = running(web, "bygglov")
        data = form_of(before, csrf, wrap_up_s="99")
        assert client.post("/admin/queues/bygglov", data=data).status_code == 403
        assert client.post("/admin/queues", data={**data, "queue_id": "ny"}).status_code == 403
        assert client.post("/admin/queues/bygglov/remove", data=data).status_code == 403
        assert running(web, "bygglov") == before


def test_another_tenants_admin_cannot_see_or_edit_the_demo_queues(web: Web) -> None:
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(OTHER, "bosse", "Bosse Admin", "tenant_admin", hashed)
    client = web.client()
    csrf = sign_in(client, OTHER, "bosse")
    listing = client.get("/admin/queues")
    assert "Reception" in listing.text and "Kundtjänst" not in listing.text
    assert client.get("/admin/queues/kundtjanst").status_code == 404
    before = running(web, "kundtjanst")
    data = form_of(before, csrf, wrap_up_s="1")
    assert client.post("/admin/queues/kundtjanst", data=data).status_code == 404
    assert client.post("/admin/queues/kundtjanst/remove", data=data).status_code == 404
    assert running(web, "kundtjanst") == before
    # the own queue: a new queue overflowing to it is accepted, one to the demo's is not
    own = client.post(
        "/admin/queues",
        data={
            "csrf": csrf,
            "queue_id": "kvall",
            "strategy": "longest_idle",
            "overflow[0].trigger": "no_agents",
            "overflow[0].target.action": "queue",
            "overflow[0].target.queue_id": "kundtjanst",
        },
    )
    assert own.status_code == 400 and "kön &#39;kundtjanst&#39; finns inte" in own.text
    assert "kvall" not in web.center.acd.tenant(OTHER).queues


def test_a_post_without_the_csrf_token_is_refused(web: Web) -> None:
    client, _ = admin(web)
    before = running(web, "bygglov")
    data = form_of(before, "", wrap_up_s="99")
    data.pop("csrf")
    assert client.post("/admin/queues/bygglov", data=data).status_code == 403
    assert client.post("/admin/queues", data={**data, "queue_id": "ny"}).status_code == 403
    assert client.post("/admin/queues/bygglov/remove", data={}).status_code == 403
    assert running(web, "bygglov") == before
    assert "ny" not in web.center.acd.tenant(DEMO_TENANT).queues


def test_a_5000_character_name_is_refused_next_to_the_input(web: Web) -> None:
    """Issue 9 §3: a huge name pushed every table off-screen; now it is refused, field marked."""
    client, csrf = admin(web)
    long_name = "Å" * 5000
    refused = client.post(
        "/admin/queues",
        data={"csrf": csrf, "queue_id": "lang", "name": long_name, "strategy": "ring_all"},
    )
    assert refused.status_code == 400
    assert 'id="name-error"' in refused.text and "högst 100 tecken" in refused.text
    assert 'aria-describedby="name-error"' in refused.text
    assert "lang" not in web.center.acd.tenant(DEMO_TENANT).queues
    before = running(web, "bygglov")
    edited = client.post("/admin/queues/bygglov", data=form_of(before, csrf, name=long_name))
    assert edited.status_code == 400 and running(web, "bygglov") == before


def test_a_queue_naming_a_schedule_that_does_not_exist_is_refused_on_its_field(web: Web) -> None:
    """Issue 12 §1: the queue's opening hours must be a schedule of the tenant; the refusal
    names the field in Swedish."""
    client, csrf = admin(web)
    config = running(web, "bygglov")
    refused = client.post(
        "/admin/queues/bygglov", data=form_of(config, csrf, opening_schedule_id="finns-inte")
    )
    assert refused.status_code in (200, 400, 422), refused.status_code
    assert "Öppettider (schema-id)" in refused.text
    assert running(web, "bygglov").schedule_id == "kontorstid"
