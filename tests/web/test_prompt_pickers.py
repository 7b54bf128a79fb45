"""Prompts are picked from the prompt list, can be listened to, and unknown ids are refused
with the field named (issue 9 §6, IVR5, Q2)."""

from __future__ import annotations

import time

import pytest

from tests.web.conftest import Web, flashed, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.admin.queue_form import QueueForm


def admin(web: Web) -> tuple[object, str]:
    client = web.client()
    return client, sign_in(client, DEMO_TENANT, "admin")


@pytest.mark.parametrize(
    ("page", "field"),
    [
        ("/admin/queues/kundtjanst", "callback.intervals[0].prompt_id"),
        ("/admin/closures", "message"),
        ("/admin/closures", "planned-message"),
        ("/admin/schedules/kontorstid", "closed_message"),
        ("/admin/schedules/kontorstid", "holiday_message"),
        ("/admin/flows/huvudflode", "n0.prompts"),
    ],
)
def test_every_prompt_input_offers_the_prompt_list_and_a_play_button(
    web: Web, page: str, field: str
) -> None:
    client, _ = admin(web)
    html = client.get(page).text  # type: ignore[attr-defined]
    assert '<datalist id="prompt-ids">' in html and '<option value="sv/stangt">' in html
    assert f'data-play="{field}"' in html
    assert f'id="{field}"' in html
    assert 'list="prompt-ids"' in html and "/static/prompt-picker.js" in html


def test_the_picker_script_is_served(web: Web) -> None:
    script = web.client().get("/static/prompt-picker.js")
    assert script.status_code == 200 and "/admin/prompts/audio/" in script.text


def test_an_unknown_callback_interval_prompt_is_refused_next_to_its_input(web: Web) -> None:
    client, csrf = admin(web)
    config = web.center.acd.tenant(DEMO_TENANT).queues["kundtjanst"].config
    data = {
        **QueueForm.from_config(config).values,
        "csrf": csrf,
        "callback.intervals[0].prompt_id": "sv/callback/finns-inte",
    }
    refused = client.post("/admin/queues/kundtjanst", data=data)  # type: ignore[attr-defined]
    assert refused.status_code == 400
    assert 'id="callback.intervals[0].prompt_id-error"' in refused.text
    assert "sv/callback/finns-inte" in refused.text and "finns inte" in refused.text
    running = web.center.acd.tenant(DEMO_TENANT).queues["kundtjanst"].config
    assert running == config


def test_closing_queues_now_with_an_unknown_message_is_refused_naming_the_field(
    web: Web,
) -> None:
    client, csrf = admin(web)
    refused = client.post(  # type: ignore[attr-defined]
        "/admin/closures",
        data={"csrf": csrf, "queue": "kundtjanst", "action": "close", "message": "sv/stangd"},
    )
    message = flashed(client, refused)
    assert "Meddelande (prompt-id)" in message and "sv/stangd" in message
    assert web.center.acd.tenant(DEMO_TENANT).queues["kundtjanst"].schedule_open


def test_a_planned_closure_with_an_unknown_message_is_refused_in_swedish(web: Web) -> None:
    client, csrf = admin(web)
    start = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + 3600))
    refused = client.post(  # type: ignore[attr-defined]
        "/admin/closures/planned",
        data={"csrf": csrf, "queue": "kundtjanst", "start": start, "message": "sv/stangd"},
    )
    message = flashed(client, refused)
    assert "Meddelande (prompt-id): meddelandet 'sv/stangd' finns inte" in message
    assert "upload it first" not in message
