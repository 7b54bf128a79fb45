"""The directory pages (issue 13 §6, DIR2–DIR6): search by any spelling without script, a
card with what the role may see, "Min hänvisning" set and cleared in one post each, an
operator setting anyone's presence and an agent refused, all checked below HTTP."""

from __future__ import annotations

import re

from tests.web.conftest import Web, sign_in
from vaxel.directory.model import FieldDef, Visibility
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.directory import DirectoryStore
from vaxel.web.passwords import PasswordHashing

PASSWORD = "hemligt-losenord"


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def test_search_by_spelling_and_open_the_card(web: Web) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    page = client.get("/katalog", params={"q": "maria johanson"})
    assert page.status_code == 200
    assert "Maria Johansson" in page.text and "/katalog/person/agent-maria" in page.text
    fragment = client.get("/katalog/sok", params={"q": "johanson"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "agent-maria" in fragment.text
    card = client.get("/katalog/person/agent-maria")
    assert card.status_code == 200 and "maria@exempelby.se" in card.text
    assert client.get("/katalog/person/finns-inte").status_code == 404


def test_min_hanvisning_set_and_cleared(web: Web) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    mine = client.get("/min-hanvisning")
    assert (
        mine.status_code == 200 and "Min hänvisning" in mine.text and "Maria Johansson" in mine.text
    )
    done = client.post(
        "/katalog/person/agent-maria/hanvisning",
        data={"csrf": _csrf(mine.text), "reason_id": "lunch", "until": "", "mine": "1"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/min-hanvisning"
    assert "Lunch tills vidare" in client.get("/min-hanvisning").text
    found = client.get("/katalog", params={"q": "maria johansson"}).text
    assert "Lunch tills vidare" in found and "Frånvarande" in found
    cleared = client.post(
        "/katalog/person/agent-maria/hanvisning",
        data={"csrf": _csrf(mine.text), "clear": "1", "mine": "1"},
    )
    assert cleared.status_code == 303
    assert "Lunch tills vidare" not in client.get("/min-hanvisning").text


def test_an_agent_may_not_set_anothers_presence_an_admin_may(web: Web) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    card = client.get("/katalog/person/agent-johan")
    assert "Sätt hänvisning" not in card.text
    refused = client.post(
        "/katalog/person/agent-johan/hanvisning",
        data={"csrf": _csrf(card.text), "reason_id": "mote", "until": "1h"},
    )
    assert refused.status_code in (303, 403)
    assert "Möte" not in client.get("/katalog/person/agent-johan").text
    admin = web.client()
    sign_in(admin, DEMO_TENANT, "admin")
    card = admin.get("/katalog/person/agent-johan")
    assert "Sätt hänvisning" in card.text
    admin.post(
        "/katalog/person/agent-johan/hanvisning",
        data={"csrf": _csrf(card.text), "reason_id": "mote", "until": "1h"},
    )
    assert "Möte till" in client.get("/katalog/person/agent-johan").text


def test_a_field_for_operators_never_reaches_an_agents_page(web: Web) -> None:
    database = web.app.state.context.database  # type: ignore[attr-defined]
    store = DirectoryStore(database)
    store.put_fields(DEMO_TENANT, [FieldDef("privat", "Privat", visibility=Visibility.OPERATORS)])
    maria = store.person(DEMO_TENANT, "agent-maria")
    store.put_person(
        DEMO_TENANT,
        maria.__class__(
            **{
                **{f: getattr(maria, f) for f in maria.__dataclass_fields__},
                "custom": {"privat": "08-555 12 34"},
            }
        ),
    )
    web.app.state.context.directory_views.changed(DEMO_TENANT)  # type: ignore[attr-defined]
    agent = web.client()
    sign_in(agent, DEMO_TENANT, "johan")
    assert "08-555 12 34" not in agent.get("/katalog/person/agent-maria").text
    assert "08-555 12 34" not in agent.get("/katalog/sok", params={"q": "maria"}).text
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(DEMO_TENANT, "vaxeln", "Växeln", "operator", hashed)
    operator = web.client()
    sign_in(operator, DEMO_TENANT, "vaxeln")
    assert "08-555 12 34" in operator.get("/katalog/person/agent-maria").text


def test_a_weekly_absence_is_added_and_removed_from_the_own_card(web: Web) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    mine = client.get("/min-hanvisning").text
    url = "/katalog/person/agent-maria/aterkommande"
    form = {"csrf": _csrf(mine), "mine": "1", "reason_id": "ledig", "start": "12:00"}
    bad = client.post(url, data={**form, "day_fri": "1", "end": "kvart över"})
    assert bad.status_code == 303  # refused: said on the page, nothing kept
    refused = client.get("/katalog/person/agent-maria").text
    assert 'class="error" role="alert"' in refused and "Ingen återkommande hänvisning." in refused
    added = client.post(url, data={**form, "day_fri": "1", "day_mon": "1", "end": "16:00"})
    assert added.status_code == 303
    page = client.get("/min-hanvisning").text
    assert "mån, fre 12:00-16:00: Ledig" in page
    client.post(url, data={"csrf": _csrf(mine), "mine": "1", "remove": "0"})
    assert "Ingen återkommande hänvisning." in client.get("/min-hanvisning").text
