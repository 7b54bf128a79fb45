"""Suggested ids for refused ones (issue 9 §13)."""

from __future__ import annotations

import pytest

from tests.web.conftest import Web, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.admin.ids import OBJECT_ID, USERNAME, suggested_id


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("växel", "vaxel"),
        ("Kundtjänst", "kundtjanst"),
        ("Öppen förskola 2", "oppen-forskola-2"),
        ("  _Ålder & hälsa!  ", "alder-halsa"),
        ("Café Ægir", "cafe-aegir"),
        ("???", ""),
        ("å" * 100, "a" * 64),
    ],
)
def test_a_refused_id_gets_a_valid_suggestion(typed: str, suggested: str) -> None:
    assert suggested_id(typed) == suggested
    assert suggested == "" or OBJECT_ID.match(suggested)


def test_user_names_keep_their_dots() -> None:
    assert suggested_id("Åsa.Öberg", dots=True) == "asa.oberg"
    assert USERNAME.match("asa.oberg") and not OBJECT_ID.match("asa.oberg")


def test_the_queue_form_offers_and_fills_in_the_transliterated_id(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    refused = client.post(
        "/admin/queues",
        data={"csrf": csrf, "queue_id": "Öppen förskola", "name": "Öppen förskola"},
    )
    assert refused.status_code == 400
    assert "förslag: oppen-forskola" in refused.text
    assert 'name="queue_id" value="oppen-forskola"' in refused.text


@pytest.mark.parametrize("page", ["skills", "schedules", "flows"])
def test_the_creation_forms_offer_and_fill_in_the_transliterated_id(web: Web, page: str) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    field = "skill_id" if page == "skills" else "id"
    refused = client.post(f"/admin/{page}", data={"csrf": csrf, field: "Teckenspråk"})
    location = refused.headers["location"]
    assert location == f"/admin/{page}"  # the refusal and the suggestion ride in the flash
    form = client.get(location).text
    assert "Förslag: teckensprak" in form
    assert f'name="{field}" maxlength="64"' in form or f'name="{field}" required' in form
    assert 'value="teckensprak"' in form and 'value="Teckenspråk"' in form
    again = client.get(location).text  # shown once
    assert "Förslag" not in again and 'value="teckensprak"' not in again


@pytest.mark.parametrize("page", ["skills", "schedules", "flows"])
def test_a_link_cannot_fill_in_a_creation_form(web: Web, page: str) -> None:
    """Only the server's own state fills a form in (issue 9 §4): a link someone sends an
    admin shows none of its words."""
    client = web.client()
    sign_in(client, DEMO_TENANT, "admin")
    page_text = client.get(f"/admin/{page}?id=lank-id&name=Lanknamn").text
    assert "lank-id" not in page_text and "Lanknamn" not in page_text


def test_the_user_form_offers_and_fills_in_the_transliterated_user_name(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    refused = client.post(
        "/admin/users",
        data={
            "csrf": csrf,
            "username": "åsa.öberg",
            "display_name": "Åsa Öberg",
            "role": "agent",
            "password": "ett-langt-losenord",
        },
    )
    assert refused.status_code == 400 and "Förslag: asa.oberg" in refused.text
    assert 'name="username" value="asa.oberg"' in refused.text
