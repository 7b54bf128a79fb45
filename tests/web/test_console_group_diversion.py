"""A whole answer group diverted from the operator console (issue 16, spec §67, PBX3):
set on a group found by the search, shown there, followed by telephony (its callable),
kept across a restart (a new service on the same database), cleared; Swedish refusals for
every input; another organisation's group is never touched."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, Web, flashed, sign_in
from vaxel.pbx.group_diversion import GroupDiversion
from vaxel.pbx.groups import AnswerGroup, GroupMember
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.pbx.reach import AbsentOffer
from vaxel.runtime.group_diversions import GroupDiversions
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing

JSON = {"Accept": "application/json"}
DIVERT, CLEAR = "/telefonist/grupp/hanvisa", "/telefonist/grupp/hanvisa/ta-bort"


def _operator(web: Web) -> tuple[TestClient, str]:
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(
        DEMO_TENANT, "kristina", "Kristina Olsson", "operator", hashed, "kristina"
    )
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "kristina")
    assert csrf
    return client, csrf


def test_an_operator_diverts_a_whole_group_and_clears_it(web: Web) -> None:
    client, csrf = _operator(web)
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    numbering = context.pbx_numbering
    numbering.put_group(
        AnswerGroup(DEMO_TENANT, "bygg", "Byggfrågor", members=(GroupMember("agent-maria"),))
    )
    numbering.put_number(DEMO_TENANT, "1950", Target(TargetKind.GROUP, "bygg"))
    numbering.put_group(AnswerGroup(OTHER, "bygg", "Byggfrågor"))

    def post(path: str, **data: str) -> dict[str, str]:
        answer = client.post(path, data={"csrf": csrf, "group": "bygg", **data}, headers=JSON)
        assert answer.status_code in (200, 409)
        return dict(answer.json())

    assert post(DIVERT, group="nej", number="1900")["error"] == "Välj en grupp i listan"
    assert post(DIVERT, number="7777")["error"] == "Numret finns inte i växelns nummerplan"
    assert post(DIVERT, number="1950")["error"] == "Gruppen kan inte hänvisas till sig själv"
    assert post(DIVERT, number="19x0")["error"] == "Skriv ett nummer med siffror, högst 40"
    refused = post(DIVERT, number="1900", note="x" * 101)["error"]
    assert refused == "Anteckningen får vara högst 100 tecken"
    assert post(DIVERT, number="1900", until="25:00")["error"] == "Skriv sluttiden som TT:MM"
    assert post(DIVERT, number="1900", until="00:00")["error"] == "Sluttiden har redan passerat"
    assert post(DIVERT)["error"] == "Inget växelnummer är inställt"  # none set yet
    diversions: GroupDiversions = context.group_diversions
    assert diversions.diverted_to(DEMO_TENANT, "bygg") == ""  # nothing refused was stored

    said = post(DIVERT, number="19 00", note="Lunch")
    assert said == {"error": "", "said": "Byggfrågor hänvisas till 1900"}
    assert diversions.diverted_to(DEMO_TENANT, "bygg") == "1900"
    assert diversions.diverted_to(OTHER, "bygg") == ""  # the other organisation's group
    found = client.get("/telefonist/sok", params={"q": "bygg"}).text
    row = re.search(r'<li data-group="bygg"[^>]*>(.*?)</li>', found, re.S)
    assert row is not None and "Hänvisad till 1900 — Lunch" in row.group(1)
    assert "Ta bort hänvisningen av Byggfrågor" in row.group(1)
    again = GroupDiversions(context.database, numbering, context.clock)  # after a restart
    assert again.diverted_to(DEMO_TENANT, "bygg") == "1900"

    assert post(CLEAR) == {"error": "", "said": "Hänvisningen av Byggfrågor är borttagen"}
    assert diversions.diverted_to(DEMO_TENANT, "bygg") == ""
    assert post(CLEAR)["error"] == "Byggfrågor är inte hänvisad"
    context.pbx_call_settings.put_absent_offer(
        DEMO_TENANT, AbsentOffer(operator_number="1900"), "admin"
    )
    assert post(DIVERT)["said"] == "Byggfrågor hänvisas till 1900"  # to the operator number


def test_an_admin_diverts_a_group_on_the_numbering_page(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = "/admin/pbx/numbers"
    assert "Hänvisa Växeln" in admin.get(page).text  # the demo's switchboard group
    refused = admin.post(f"{page}/groups/vaxeln/divert", data={"csrf": csrf, "number": "7777"})
    assert "Numret finns inte i växelns nummerplan" in flashed(admin, refused)
    done = admin.post(
        f"{page}/groups/vaxeln/divert", data={"csrf": csrf, "number": "1901", "note": "Möte"}
    )
    assert flashed(admin, done) == ""
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    assert context.group_diversions.diverted_to(DEMO_TENANT, "vaxeln") == "1901"
    assert "Hänvisad till 1901 — Möte" in admin.get(page).text
    admin.post(f"{page}/groups/vaxeln/undivert", data={"csrf": csrf})
    assert context.group_diversions.diverted_to(DEMO_TENANT, "vaxeln") == ""


def test_a_group_diversion_over_the_rest_api(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "växel", "konfig", now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läs", "las", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", "annan", now, ["read", "config"])
    client = web.client()
    config, read, other = ({"X-API-Key": k} for k in ("konfig", "las", "annan"))
    url = "/api/v1/pbx/groups/vaxeln/diversion"
    body = {"number": "1901", "note": "Möte"}
    assert client.put(url, json=body, headers=read).status_code == 403
    assert client.get(url, headers=read).status_code == 404  # not diverted
    refused = client.put(url, json={"number": "7777"}, headers=config)
    assert refused.status_code in (409, 422) and refused.json()["code"] == "group-diversion-unknown"
    assert client.put(url, json={"until": "kl 13"}, headers=config).status_code in (409, 422)
    assert client.put(url, json={"note": "x" * 101}, headers=config).status_code == 422
    assert client.put(url, json=body, headers=config).status_code == 204
    shown = client.get(url, headers=read).json()
    assert shown == {"number": "1901", "note": "Möte", "until": None}
    assert client.get(url, headers=other).status_code == 404  # another organisation
    assert client.delete(url, headers=other).status_code == 404
    assert client.delete(url, headers=config).status_code == 204
    assert client.delete(url, headers=config).status_code == 404


def test_a_diversion_ends_by_itself_at_its_time() -> None:
    lunch = GroupDiversion("bygg", "1900", "Lunch", until=1000.0)
    assert lunch.active(999.0) and not lunch.active(1000.0)
    assert GroupDiversion("bygg", "1900").active(1e12)  # no end: until cleared
    assert GroupDiversion.of("bygg", {"number": "19x0"}) is None  # a stored one now refused
