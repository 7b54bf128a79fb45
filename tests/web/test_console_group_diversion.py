"""A whole answer group diverted from the operator console (issue 16, spec §67, PBX3):
set on a group found by the search, shown there, followed by telephony (its callable),
kept across a restart (a new service on the same database), cleared; Swedish refusals for
every input; another organisation's group is never touched."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, Web, flashed, sign_in
from vaxel.core.clock import STOCKHOLM
from vaxel.pbx.group_diversion import GroupDiversion, GroupDiversionError
from vaxel.pbx.groups import AnswerGroup, GroupMember
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.pbx.reach import AbsentOffer
from vaxel.runtime.group_diversions import GroupDiversions, a_year_on, end_of
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
    refused = post(DIVERT, number="1900", until="25:00")["error"]
    assert refused == "Skriv sluttiden som TT:MM, eller ÅÅÅÅ-MM-DD TT:MM en annan dag"
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
    assert row is not None and "Hänvisad till 1900 tills vidare — Lunch" in row.group(1)
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
    assert "Hänvisad till 1901 tills vidare — Möte" in admin.get(page).text
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


NOW = datetime(2026, 12, 7, 10, 0, tzinfo=STOCKHOLM).timestamp()
"""A Monday morning in Stockholm, for the tests of an end on another day."""


def _at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM).timestamp()


def test_an_end_is_a_time_today_or_a_date_and_time() -> None:
    assert a_year_on(NOW) == _at("2027-12-07 10:00")
    assert a_year_on(_at("2028-02-29 12:00")) == _at("2029-02-28 12:00")
    assert end_of("", NOW) is None  # until cleared
    assert end_of("13:00", NOW) == _at("2026-12-07 13:00")  # today, as before
    assert end_of("2027-01-07 08:00", NOW) == _at("2027-01-07 08:00")
    assert end_of(" 2027-06-30T13:30 ", NOW) == _at("2027-06-30 13:30")  # datetime-local
    for wrong in ("2027-02-30 08:00", "2027-01-07", "7/1 08:00", "2027-01-07 24:00", "x" * 40):
        with pytest.raises(GroupDiversionError) as refused:
            end_of(wrong, NOW)
        assert refused.value.code == "group-diversion-time", wrong


def test_a_whole_group_is_diverted_to_a_later_day_not_the_past_nor_beyond_a_year(
    web: Web,
) -> None:
    """Spec §67 at the service, on an explicit clock: "Semester till 7 januari 08:00" ends
    then by itself, also across midnight; an end already past or more than a year ahead is
    refused and nothing is stored."""
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    clock = [NOW]
    service = GroupDiversions(context.database, context.pbx_numbering, lambda: clock[0])

    def refused(until: str) -> str:
        with pytest.raises(GroupDiversionError) as error:
            service.divert(DEMO_TENANT, "vaxeln", "1901", "Semester", until, "kristina")
        assert service.diverted_to(DEMO_TENANT, "vaxeln") == "", "nothing stored"
        return error.value.code

    assert refused("2026-12-07 09:59") == "group-diversion-past"
    assert refused("2026-12-06 23:00") == "group-diversion-past"
    assert refused("2027-12-07 10:01") == "group-diversion-far"  # a year and a minute
    assert refused("2207-01-07 08:00") == "group-diversion-far"  # a typo'd year
    ends = service.divert(DEMO_TENANT, "vaxeln", "1901", "Semester", "2027-01-07 08:00", "kristina")
    assert ends.until == _at("2027-01-07 08:00")
    clock[0] = _at("2027-01-06 23:59")  # weeks later, the night before
    assert service.diverted_to(DEMO_TENANT, "vaxeln") == "1901"
    clock[0] = _at("2027-01-07 08:00")
    assert service.diverted_to(DEMO_TENANT, "vaxeln") == ""  # off by itself
    clock[0] = NOW
    a_year = service.divert(DEMO_TENANT, "vaxeln", "1901", "", "2027-12-07 10:00", "k")
    assert a_year.until == _at("2027-12-07 10:00")  # a year ahead is allowed


def test_the_console_the_admin_page_and_the_api_set_an_end_on_another_day(web: Web) -> None:
    client, csrf = _operator(web)
    tomorrow = (datetime.now(STOCKHOLM) + timedelta(days=1)).date().isoformat()
    answer = client.post(
        DIVERT,
        data={
            "csrf": csrf,
            "group": "vaxeln",
            "number": "1901",
            "until": "08:00",
            "until_date": tomorrow,
        },
        headers=JSON,
    )
    assert answer.json() == {"error": "", "said": "Växeln hänvisas till 1901"}
    found = client.get("/telefonist/sok", params={"q": "växeln"}).text
    row = re.search(r'<li data-group="vaxeln"[^>]*>(.*?)</li>', found, re.S)
    assert row is not None and f"Hänvisad till 1901 till {tomorrow} 08:00" in row.group(1)
    client.post(CLEAR, data={"csrf": csrf, "group": "vaxeln"}, headers=JSON)
    alone = client.post(
        DIVERT,
        data={"csrf": csrf, "group": "vaxeln", "number": "1901", "until_date": tomorrow},
        headers=JSON,
    )
    assert alone.json()["error"].startswith("Skriv sluttiden som TT:MM")  # a date needs a time

    admin = web.client()
    admin_csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = "/admin/pbx/numbers"
    far = (datetime.now(STOCKHOLM) + timedelta(days=400)).date().isoformat()
    refused = admin.post(
        f"{page}/groups/vaxeln/divert",
        data={"csrf": admin_csrf, "number": "1901", "until": "08:00", "until_date": far},
    )
    assert "Sluttiden får vara högst ett år fram" in flashed(admin, refused)
    done = admin.post(
        f"{page}/groups/vaxeln/divert",
        data={"csrf": admin_csrf, "number": "1901", "until": "08:00", "until_date": tomorrow},
    )
    assert flashed(admin, done) == ""
    assert f"Hänvisad till 1901 till {tomorrow} 08:00" in admin.get(page).text

    web.accounts.add_api_key(DEMO_TENANT, "växel", "konfig", time.time(), ["read", "config"])
    url, key = "/api/v1/pbx/groups/vaxeln/diversion", {"X-API-Key": "konfig"}
    far_api = client.put(url, json={"number": "1901", "until": f"{far}T08:00"}, headers=key)
    assert far_api.status_code == 409 and far_api.json()["code"] == "group-diversion-far"
    put = client.put(url, json={"number": "1901", "until": f"{tomorrow}T08:00"}, headers=key)
    assert put.status_code == 204, put.text
    until = client.get(url, headers=key).json()["until"]
    assert (
        until == datetime.fromisoformat(f"{tomorrow}T08:00").replace(tzinfo=STOCKHOLM).timestamp()
    )
