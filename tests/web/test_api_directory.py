"""The directory over the REST API (issue 13 §6, DIR1–DIR6): search by any spelling, people
added and changed with every wrong field named, presence set and cleared, a reading key that
sees what an agent sees and may not write, and nothing of another tenant."""

from __future__ import annotations

import time

import pytest

from tests.web.conftest import OTHER, Web
from vaxel.directory.model import FieldDef, Visibility
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.directory import DirectoryStore

KARIN = {
    "external_id": "hr-4711",
    "given_name": "Karin",
    "family_name": "Qarlsson",
    "numbers": [
        {"kind": "extension", "number": "2941"},
        {"kind": "mobile", "number": "070-123 45 67"},
    ],
    "email": "karin.qarlsson@exempelby.se",
    "titles": ["Bygglovshandläggare"],
    "groups": ["bygglov"],
    "custom": {"privat": "08-123"},
}


@pytest.fixture
def keys(web: Web) -> dict[str, str]:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "intranät", "lasnyckel", now, ["directory:read"])
    web.accounts.add_api_key(DEMO_TENANT, "hr", "skriv", now, ["directory:write", "directory:read"])
    web.accounts.add_api_key(DEMO_TENANT, "webb", "callbacks", now, ["callbacks:create"])
    web.accounts.add_api_key(OTHER, "intranät", "annan", now, ["directory:read", "directory:write"])
    store = DirectoryStore(web.app.state.context.database)  # type: ignore[attr-defined]
    store.put_fields(DEMO_TENANT, [FieldDef("privat", "Privat", visibility=Visibility.OPERATORS)])
    web.app.state.context.directory_views.changed(DEMO_TENANT)  # type: ignore[attr-defined]
    return {"read": "lasnyckel", "write": "skriv", "callbacks": "callbacks", "other": "annan"}


def _h(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def test_add_search_read_change_and_deactivate(web: Web, keys: dict[str, str]) -> None:
    client = web.client()
    added = client.post("/api/v1/directory/people", headers=_h("skriv"), json=KARIN)
    assert added.status_code == 201, added.text
    person = added.json()
    assert person["numbers"][1] == {"kind": "mobile", "number": "+46701234567"}
    assert person["status"] == "available" and person["presence"] is None
    person_id = person["person_id"]

    found = client.get(
        "/api/v1/directory/search", params={"q": "karlsson 2941"}, headers=_h("lasnyckel")
    )
    assert found.status_code == 200, found.text
    (hit,) = [r for r in found.json()["results"] if r["person_id"] == person_id]
    assert hit["custom"] == {}  # a reading key sees what an agent sees
    assert client.get(f"/api/v1/directory/people/{person_id}", headers=_h("skriv")).json()[
        "custom"
    ] == {"privat": "08-123"}

    changed = client.put(
        f"/api/v1/directory/people/{person_id}",
        headers=_h("skriv"),
        json={**KARIN, "family_name": "Karlsson-Qvist"},
    )
    assert changed.status_code == 200 and changed.json()["family_name"] == "Karlsson-Qvist"
    assert (
        client.delete(f"/api/v1/directory/people/{person_id}", headers=_h("skriv")).status_code
        == 204
    )
    gone = client.get(
        "/api/v1/directory/search", params={"q": "Karlsson-Qvist"}, headers=_h("lasnyckel")
    )
    assert person_id not in [r["person_id"] for r in gone.json()["results"]]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (
            {"numbers": [{"kind": "mobile", "number": "ring mig"}]},
            "numbers[0].number",
            "phone-number",
        ),
        ({"email": "inte-en-adress"}, "email", "email"),
        ({"given_name": "", "family_name": ""}, "family_name", "required-text"),
        ({"unit_ids": ["Bygg Lov"]}, "unit_ids[0]", "id-format"),
    ],
)
def test_a_wrong_field_is_a_422_naming_it_in_swedish(
    web: Web, keys: dict[str, str], change: dict[str, object], field: str, code: str
) -> None:
    answer = web.client().post(
        "/api/v1/directory/people", headers=_h("skriv"), json={**KARIN, **change}
    )
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == code and answer.headers["content-language"] == "sv"
    assert problem["detail"] and "must" not in problem["detail"]
    english = web.client().post(
        "/api/v1/directory/people",
        headers={**_h("skriv"), "Accept-Language": "en"},
        json={**KARIN, **change},
    )
    assert english.headers["content-language"] == "en"


def test_presence_set_and_cleared_and_the_reader_may_not_write(
    web: Web, keys: dict[str, str]
) -> None:
    client = web.client()
    person_id = client.post("/api/v1/directory/people", headers=_h("skriv"), json=KARIN).json()[
        "person_id"
    ]
    until = "2099-12-07T14:30:00+01:00"
    meeting = {"reason_id": "mote", "text": "Rum B12", "until": until}
    refused = client.put(
        f"/api/v1/directory/people/{person_id}/presence", headers=_h("lasnyckel"), json=meeting
    )
    assert refused.status_code == 403
    card = client.put(
        f"/api/v1/directory/people/{person_id}/presence", headers=_h("skriv"), json=meeting
    )
    assert card.status_code == 200, card.text
    assert card.json()["status"] == "absent" and card.json()["presence"]["reason"] == "Möte"
    read = client.get(
        f"/api/v1/directory/people/{person_id}/presence", headers=_h("lasnyckel")
    ).json()
    assert read["reason_id"] == "mote" and read["until"].startswith("2099-12-07T13:30:00")
    bad = client.put(
        f"/api/v1/directory/people/{person_id}/presence",
        headers=_h("skriv"),
        json={"reason_id": "fika"},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "choice"
    cleared = client.delete(f"/api/v1/directory/people/{person_id}/presence", headers=_h("skriv"))
    assert cleared.json()["presence"] is None
    group = client.put(
        "/api/v1/directory/groups/bygglov/presence", headers=_h("skriv"), json=meeting
    )
    assert group.status_code == 200 and person_id in group.json()["people"]


def test_keys_without_the_scope_and_other_tenants_see_nothing(
    web: Web, keys: dict[str, str]
) -> None:
    client = web.client()
    person_id = client.post("/api/v1/directory/people", headers=_h("skriv"), json=KARIN).json()[
        "person_id"
    ]
    assert (
        client.get(
            "/api/v1/directory/search", params={"q": "karin"}, headers=_h("callbacks")
        ).status_code
        == 403
    )
    assert client.get("/api/v1/directory/search", params={"q": "karin"}).status_code == 401
    other = client.get(f"/api/v1/directory/people/{person_id}", headers=_h("annan"))
    assert other.status_code == 404 and other.json()["code"] == "unknown-person"
    assert client.get(
        "/api/v1/directory/search", params={"q": "qarlsson"}, headers=_h("annan")
    ).json() == {"results": []}
    assert client.get("/api/v1/directory/export", headers=_h("lasnyckel")).status_code == 403


def test_export_reads_back(web: Web, keys: dict[str, str]) -> None:
    client = web.client()
    client.post("/api/v1/directory/people", headers=_h("skriv"), json=KARIN)
    exported = client.get("/api/v1/directory/export", params={"format": "csv"}, headers=_h("skriv"))
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "hr-4711" in exported.text and "Qarlsson" in exported.text
    xml = client.get("/api/v1/directory/export", params={"format": "xml"}, headers=_h("skriv"))
    assert xml.text.lstrip().startswith("<?xml") and "Qarlsson" in xml.text


IMPORT = (
    "external_id,given_name,family_name,extension,mobile,email,unit,title,room,keywords\n"
    "imp-1,Karin,Qarlsson,2951,070-123 45 67,k@exempelby.se,Provenheten/Importen,"
    "Handläggare,B12,strandskydd\n"
    "imp-2,Sven,Zetterqvist,2952,,,Provenheten/Importen,,,\n"
)


def test_import_all_or_nothing_naming_line_and_column(web: Web, keys: dict[str, str]) -> None:
    client = web.client()
    url = "/api/v1/directory/import"
    assert client.post(url, headers=_h("lasnyckel"), content=IMPORT).status_code == 403
    bad = IMPORT + "imp-3,Olle,Ek,2953,inte-ett-nummer,,,,,\n"
    refused = client.post(
        url, params={"format": "csv"}, headers={**_h("skriv"), "Accept-Language": "sv"}, content=bad
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["params"]["line"] == 4 and problem["params"]["field"] == "mobile"
    search = {"q": "Zetterqvist"}
    found = client.get("/api/v1/directory/search", params=search, headers=_h("skriv")).json()
    assert found["results"] == []  # nothing of the refused file

    done = client.post(url, params={"mode": "upsert"}, headers=_h("skriv"), content=IMPORT)
    assert done.status_code == 200, done.text
    assert done.json() == {"added": 2, "updated": 0, "deactivated": 0, "units_added": 2}
    found = client.get("/api/v1/directory/search", params=search, headers=_h("skriv")).json()
    assert [r["external_id"] for r in found["results"]] == ["imp-2"]
    assert (
        client.get("/api/v1/directory/search", params=search, headers=_h("annan")).json()["results"]
        == []
    )  # only the key's tenant

    only_one = IMPORT.split("imp-2")[0]
    replaced = client.post(url, params={"mode": "replace"}, headers=_h("skriv"), content=only_one)
    assert replaced.json()["updated"] == 1 and replaced.json()["deactivated"] >= 1
    found = client.get("/api/v1/directory/search", params=search, headers=_h("skriv")).json()
    assert found["results"] == []  # imp-2 was not in the file: deactivated


def test_an_import_over_the_limit_is_refused_before_reading(
    web: Web, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vaxel.web.api_directory as api_directory

    monkeypatch.setattr(api_directory, "MAX_FILE_BYTES", 100)
    answer = web.client().post(
        "/api/v1/directory/import", headers=_h("skriv"), content=IMPORT.encode()
    )
    assert answer.status_code == 422 and answer.json()["code"] == "file-too-large"
