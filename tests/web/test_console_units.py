"""Department-limited operator consoles over HTTP (OP9, issue 16): an admin limits an
operator's console to units of the directory on ``/admin/telefonister``; her search and the
names her card looks up then show only the people of those units and the units beneath
them, and a typed number is still hers to transfer. Refusals in Swedish; another
organisation's admin reaches nothing of hers."""

from __future__ import annotations

import html
import re
import time

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from vaxel.acd.events import AgentLoggedIn, AgentPaused, ContactArrived
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.console_units import ConsoleUnits
from vaxel.web.passwords import PasswordHashing

PAGE = "/admin/telefonister"


def _kristina(web: Web) -> tuple[TestClient, int, str]:
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(
        DEMO_TENANT, "kristina", "Kristina Olsson", "operator", hashed, "kristina"
    )
    user = web.accounts.find(DEMO_TENANT, "kristina")
    assert user is not None
    client = web.client()
    return client, user.user_id, sign_in(client, DEMO_TENANT, "kristina")


def _admin(web: Web, tenant: str = DEMO_TENANT, username: str = "admin") -> tuple[TestClient, str]:
    client = web.client()
    return client, sign_in(client, tenant, username)


def _found(client: TestClient, q: str) -> list[str]:
    return re.findall(r'data-name="([^"]+)"', client.get("/telefonist/sok", params={"q": q}).text)


def _units(web: Web, user_id: int) -> tuple[str, ...]:
    return ConsoleUnits(web.center.database).of_user(DEMO_TENANT, user_id)


def test_a_console_limited_to_a_department_finds_only_its_people(web: Web) -> None:
    operator, kristina, _csrf = _kristina(web)
    everyone = _found(operator, "karlson")
    assert {"Karin Carlsson", "Elin Carlsson"} <= set(everyone)

    admin, csrf = _admin(web)
    page = admin.get(PAGE).text
    assert "Kristina Olsson" in page and "Samhällsbyggnad › Bygglov" in page
    saved = admin.post(f"{PAGE}/{kristina}", data={"csrf": csrf, "unit": ["samhallsbyggnad"]})
    assert saved.status_code == 303
    assert _units(web, kristina) == ("samhallsbyggnad",)
    assert "Sparat" in admin.get(PAGE).text

    limited = _found(operator, "karlson")  # Samhällsbyggnad and the units beneath it
    assert set(limited) == {"Ida Karlsson", "Per Karlsson", "Annika Karlsson"}, limited
    assert _found(operator, "Elin Carlsson") == []  # förskola: not hers
    audit = html.unescape(admin.get("/admin/audit").text)
    assert "Telefonistens avdelningar ändrade" in audit and "kristina" in audit

    admin.post(f"{PAGE}/{kristina}", data={"csrf": csrf})  # none ticked: the whole directory
    assert _units(web, kristina) == ()
    assert set(_found(operator, "karlson")) == set(everyone)


def test_the_card_names_only_callers_of_her_departments(web: Web) -> None:
    operator, kristina, csrf = _kristina(web)
    ConsoleUnits(web.center.database).set(DEMO_TENANT, kristina, "kristina", ["bygglov"], "t")
    now = time.time()
    for event in (
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
        ContactArrived(DEMO_TENANT, "c-elin", "vaxel", caller_number="0709220690"),
    ):
        web.center.submit(event, now)
    taken = operator.post(
        "/telefonist/ta", data={"csrf": csrf}, headers={"Accept": "application/json"}
    )
    assert taken.json() == {"error": ""}
    card = operator.get("/telefonist/lage").text
    assert "0709220690" in card and "Elin Carlsson" not in card  # förskola: not looked up

    ConsoleUnits(web.center.database).set(DEMO_TENANT, kristina, "kristina", ["forskola"], "t")
    assert "Elin Carlsson" in operator.get("/telefonist/lage").text


def test_refusals_in_swedish_and_nothing_changed(web: Web) -> None:
    _operator, kristina, _csrf = _kristina(web)
    admin, csrf = _admin(web)
    unknown = admin.post(f"{PAGE}/{kristina}", data={"csrf": csrf, "unit": ["finns-inte"]})
    assert unknown.status_code == 303
    assert "Avdelningen finns-inte finns inte i katalogen" in admin.get(PAGE).text
    many = [f"u{i}" for i in range(21)]
    admin.post(f"{PAGE}/{kristina}", data={"csrf": csrf, "unit": many})
    assert "högst 20 avdelningar" in admin.get(PAGE).text
    maria = web.accounts.find(DEMO_TENANT, "maria")
    assert maria is not None
    admin.post(f"{PAGE}/{maria.user_id}", data={"csrf": csrf, "unit": ["bygglov"]})
    assert "Ingen telefonist med det id:t" in admin.get(PAGE).text  # an agent, no console
    assert admin.post(f"{PAGE}/{kristina}", data={"unit": ["bygglov"]}).status_code == 403
    assert _units(web, kristina) == ()
    operator = web.client()
    sign_in(operator, DEMO_TENANT, "kristina")
    assert operator.get(PAGE).status_code == 403  # the admin's page only


def test_another_organisations_admin_cannot_limit_her(web: Web) -> None:
    _operator, kristina, _csrf = _kristina(web)
    web.accounts.add_user(OTHER, "bosse", "Bosse", "tenant_admin", PasswordHashing().hash(PASSWORD))
    other, csrf = _admin(web, OTHER, "bosse")
    assert "Kristina Olsson" not in other.get(PAGE).text
    other.post(f"{PAGE}/{kristina}", data={"csrf": csrf, "unit": ["bygglov"]})
    assert "Ingen telefonist med det id:t" in other.get(PAGE).text
    assert _units(web, kristina) == ()


def _log_in_to(operator: TestClient, csrf: str, *queues: str) -> None:
    """Her own check boxes on the console (Q21): logged in to ``queues``, out of the rest."""
    answer = operator.post(
        "/telefonist/koer",
        data={"csrf": csrf, "queue": list(queues)},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200, answer.text


def test_logged_in_to_a_departments_queue_her_search_shows_only_its_people(web: Web) -> None:
    operator, kristina, op_csrf = _kristina(web)
    everyone = set(_found(operator, "karlson"))
    admin, csrf = _admin(web)
    assert "Kön Växel" in admin.get(PAGE).text
    saved = admin.post(f"{PAGE}/ko/vaxel", data={"csrf": csrf, "unit": ["samhallsbyggnad"]})
    assert saved.status_code == 303
    assert ConsoleUnits(web.center.database).of_queues(DEMO_TENANT) == {
        "vaxel": ("samhallsbyggnad",)
    }
    assert set(_found(operator, "karlson")) == everyone  # not logged in to it: all
    _log_in_to(operator, op_csrf, "vaxel")
    limited = set(_found(operator, "karlson"))
    assert limited == {"Ida Karlsson", "Per Karlsson", "Annika Karlsson"}, limited
    # her account's own limit narrows it further: Bygglov within Samhällsbyggnad
    ConsoleUnits(web.center.database).set(DEMO_TENANT, kristina, "kristina", ["bygglov"], "t")
    narrowed = set(_found(operator, "karlson"))
    assert narrowed and narrowed < limited, narrowed
    _log_in_to(operator, op_csrf)  # logged out of it: her account's limit only
    ConsoleUnits(web.center.database).set(DEMO_TENANT, kristina, "kristina", [], "t")
    assert set(_found(operator, "karlson")) == everyone
    audit = html.unescape(admin.get("/admin/audit").text)
    assert "Telefonistköns avdelningar ändrade</td><td>vaxel" in audit


def test_a_queues_departments_are_refused_in_swedish_and_kept_per_tenant(web: Web) -> None:
    admin, csrf = _admin(web)
    admin.post(f"{PAGE}/ko/vaxel", data={"csrf": csrf, "unit": ["finns-inte"]})
    assert "Avdelningen finns-inte finns inte i katalogen" in admin.get(PAGE).text
    admin.post(f"{PAGE}/ko/vaxel", data={"csrf": csrf, "unit": [f"u{i}" for i in range(21)]})
    assert "högst 20 avdelningar" in admin.get(PAGE).text
    admin.post(f"{PAGE}/ko/finns-inte", data={"csrf": csrf, "unit": ["bygglov"]})
    assert "Ingen kö med det id:t" in admin.get(PAGE).text
    assert admin.post(f"{PAGE}/ko/vaxel", data={"unit": ["bygglov"]}).status_code == 403
    web.accounts.add_user(OTHER, "bosse", "Bosse", "tenant_admin", PasswordHashing().hash(PASSWORD))
    other, other_csrf = _admin(web, OTHER, "bosse")
    other.post(f"{PAGE}/ko/vaxel", data={"csrf": other_csrf, "unit": ["bygglov"]})
    assert ConsoleUnits(web.center.database).of_queues(DEMO_TENANT) == {}


def test_a_queues_departments_over_the_rest_api(web: Web) -> None:
    now = time.time()
    key = "en-nyckel-for-koernas-avdelningar"
    web.accounts.add_api_key(DEMO_TENANT, "intranät", key, now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", key + "-r", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", key + "-o", now, ["read", "config"])
    config, reader, other = ({"X-API-Key": k} for k in (key, key + "-r", key + "-o"))
    client = web.client()
    url = "/api/v1/queues/vaxel/console-units"
    assert client.get(url, headers=reader).json() == {"units": []}
    body = {"units": ["bygglov", "miljo"]}
    assert client.put(url, json=body, headers=reader).status_code == 403
    saved = client.put(url, json=body, headers=config)
    assert saved.status_code == 200 and saved.json() == body
    assert client.get(url, headers=reader).json() == body
    unknown = client.put(url, json={"units": ["finns-inte"]}, headers=config)
    assert unknown.status_code == 422 and "finns inte i katalogen" in unknown.text
    many = client.put(url, json={"units": [f"u{i}" for i in range(21)]}, headers=config)
    assert many.status_code == 422
    assert client.get("/api/v1/queues/finns-inte/console-units", headers=reader).status_code == 404
    assert client.put(url, json=body, headers=other).status_code == 404  # not its queue
    assert ConsoleUnits(web.center.database).of_queues(DEMO_TENANT) == {
        "vaxel": ("bygglov", "miljo")
    }
