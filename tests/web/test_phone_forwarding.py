"""Call forwarding on "Min telefon" and over the REST API (issue 14 §4, PBX5): set and
turned off in one post each, a barred number refused with its reason whatever the way in,
a loop refused, and the directory showing the person as forwarded."""

from __future__ import annotations

import re
import time

import pytest

from tests.web.conftest import OTHER, Web, flashed, sign_in
from vaxel.pbx.numbering import TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT

PAGE = "/min-telefon/vidarekoppling"


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def test_set_and_turn_off_from_min_telefon(web: Web) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    page = client.get(PAGE)
    assert page.status_code == 200 and "Vid ej svar" in page.text
    csrf = _csrf(page.text)
    done = client.post(
        PAGE,
        data={"csrf": csrf, "condition": "no-answer", "destination": "070-123 45 67",
              "after_s": "15"},
    )  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == PAGE
    shown = client.get(PAGE).text
    assert "Vidarekopplas till +46701234567" in shown and "efter 15 sekunder" in shown
    client.post(PAGE, data={"csrf": csrf, "condition": "always", "destination": "2003"})
    found = client.get("/katalog", params={"q": "maria johansson"}).text
    assert 'class="state dir-forwarded"' in found
    off = client.post(PAGE, data={"csrf": csrf, "off": "always"})
    assert off.status_code == 303
    after = client.get("/katalog", params={"q": "maria johansson"}).text
    assert 'class="state dir-forwarded"' not in after
    assert "+46701234567" in client.get(PAGE).text  # the other rule stays


@pytest.mark.parametrize(
    ("destination", "after", "refusal"),
    [
        ("0900-123456", "20", "spärrat"),
        ("+49 151 12345678", "20", "spärrat"),
        ("abc", "20", "telefonnummer"),
        ("112", "20", "nödnummer"),
        ("+46 114 14", "20", "nödnummer"),
        ("2003", "2", "5–120"),
    ],
)
def test_bad_forwarding_is_refused_on_the_page(
    web: Web, destination: str, after: str, refusal: str
) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    csrf = _csrf(client.get(PAGE).text)
    refused = client.post(
        PAGE,
        data={"csrf": csrf, "condition": "no-answer", "destination": destination,
              "after_s": after},
    )  # fmt: skip
    assert refusal in flashed(client, refused)
    assert "Vidarekopplas till" not in client.get(PAGE).text


@pytest.fixture
def keys(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "intranät", "lasnyckel", now, ["directory:read"])
    web.accounts.add_api_key(DEMO_TENANT, "hr", "skriv", now, ["directory:write", "directory:read"])
    web.accounts.add_api_key(OTHER, "annan", "annan", now, ["directory:read", "directory:write"])


def test_rest_sets_reads_refuses_and_clears(web: Web, keys: None) -> None:
    client = web.client()
    url = "/api/v1/directory/people/agent-maria/forwarding"
    write, read = {"X-API-Key": "skriv"}, {"X-API-Key": "lasnyckel"}
    assert client.get(url, headers=read).json() == {"rules": []}
    busy = client.put(f"{url}/busy", headers=write, json={"destination": "2003"})
    assert busy.status_code == 200, busy.text
    assert busy.json()["rules"] == [{"condition": "busy", "destination": "2003", "after_s": 20}]
    barred = client.put(f"{url}/always", headers=write, json={"destination": "0900123456"})
    assert barred.status_code == 409
    assert barred.json()["code"] == "forwarding-barred"
    assert barred.json()["params"]["refusal"] == "premium-rate"
    emergency = client.put(f"{url}/no-answer", headers=write, json={"destination": "112"})
    assert emergency.status_code == 409 and emergency.json()["code"] == "forwarding-emergency"
    assert "nödnummer" in emergency.text  # the Swedish refusal, as on the page
    assert client.put(f"{url}/busy", headers=read, json={"destination": "2003"}).status_code == 403
    assert client.get(url, headers={"X-API-Key": "annan"}).status_code == 404
    assert client.get(url.replace("agent-maria", "nobody"), headers=read).status_code == 404
    assert (
        client.put(f"{url}/sometimes", headers=write, json={"destination": "1"}).status_code == 422
    )
    cleared = client.delete(f"{url}/busy", headers=write)
    assert cleared.status_code == 200 and cleared.json() == {"rules": []}
    client.put(f"{url}/always", headers=write, json={"destination": "2003"})
    assert client.delete(url, headers=write).status_code == 204
    assert client.get(url, headers=read).json() == {"rules": []}


def test_an_always_loop_is_refused(web: Web, keys: None) -> None:
    client = web.client()
    write = {"X-API-Key": "skriv"}
    people = client.get(
        "/api/v1/directory/search", params={"q": "kommunvägledare"}, headers=write
    ).json()["results"]
    first, second = people[0], people[1]
    ext = {p["person_id"]: p["numbers"][0]["number"] for p in (first, second)}
    base = "/api/v1/directory/people/{}/forwarding/always"
    ok = client.put(
        base.format(first["person_id"]),
        headers=write,
        json={"destination": ext[second["person_id"]]},
    )
    assert ok.status_code == 200, ok.text
    loop = client.put(
        base.format(second["person_id"]),
        headers=write,
        json={"destination": ext[first["person_id"]]},
    )
    assert loop.status_code == 409 and loop.json()["code"] == "forwarding-loop"


def test_ones_own_direct_number_is_ones_own_number(web: Web, keys: None) -> None:
    """A direct number reaches its person as surely as the extension does (issue 14 §4,
    PBX5): forwarding to one's own, however written, is refused as forwarding-self for
    every condition, and an 'every call' chain that comes back through a direct number is
    a loop — before, both were kept, since only extensions were compared."""
    client = web.client()
    plan = web.app.state.context.pbx_numbering.plan(DEMO_TENANT)  # type: ignore[attr-defined]
    first, second = [
        (target.ref, plan.direct_number(number))
        for number, target in sorted(plan.numbers.items())
        if target.kind is TargetKind.PERSON and plan.direct_number(number)
    ][:2]
    url = "/api/v1/directory/people/{}/forwarding/{}"
    write = {"X-API-Key": "skriv"}
    did = first[1] or ""
    for condition, destination in (
        ("always", did),
        ("busy", "0" + did.removeprefix("+46")),
        ("no-answer", f"+46 {did[3]}-{did[4:]}"),
    ):
        own = client.put(url.format(first[0], condition), headers=write,
                         json={"destination": destination})  # fmt: skip
        assert own.status_code == 409, (destination, own.text)
        assert own.json()["code"] == "forwarding-self"
    assert client.get(url.format(first[0], "")[:-1], headers=write).json() == {"rules": []}
    back = client.put(url.format(second[0], "always"), headers=write, json={"destination": did})
    assert back.status_code == 200, back.text
    loop = client.put(url.format(first[0], "busy"), headers=write,
                      json={"destination": second[1]})  # fmt: skip
    assert loop.status_code == 409 and loop.json()["code"] == "forwarding-loop"


def test_every_number_of_the_plan_that_reaches_one_is_ones_own(web: Web, keys: None) -> None:
    """A short number the plan gives a person besides their extension (issue 14 §1: a person
    may have several) is theirs too: forwarding to it is forwarding-self, and a chain back
    to it a loop; a group's number is an internal destination, not a barred one."""
    web.accounts.add_api_key(DEMO_TENANT, "växel", "konfig", time.time(), ["read", "config"])
    client = web.client()
    second = client.put("/api/v1/pbx/numbers/4500", headers={"X-API-Key": "konfig"},
                        json={"kind": "person", "ref": "demo-0001"})  # fmt: skip
    assert second.status_code == 204, second.text
    url = "/api/v1/directory/people/{}/forwarding/{}"
    write = {"X-API-Key": "skriv"}
    own = client.put(url.format("demo-0001", "always"), headers=write, json={"destination": "4500"})
    assert own.status_code == 409 and own.json()["code"] == "forwarding-self", own.text
    back = client.put(
        url.format("demo-0002", "always"), headers=write, json={"destination": "4500"}
    )
    assert back.status_code == 200, back.text
    loop = client.put(url.format("demo-0001", "no-answer"), headers=write,
                      json={"destination": "2001"})  # fmt: skip
    assert loop.status_code == 409 and loop.json()["code"] == "forwarding-loop", loop.text
    group = client.put(url.format("demo-0003", "busy"), headers=write, json={"destination": "1900"})
    assert group.status_code == 200, group.text
