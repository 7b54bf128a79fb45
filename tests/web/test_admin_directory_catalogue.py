"""The directory's catalogue in the admin pages (issue 13 §6, DIR1, DIR3, DIR5–DIR6):
reasons reworded and added beside the Swedish defaults, custom fields, who sees mobiles,
units (one in use refused naming who), and a file imported all or nothing, and exported."""

from __future__ import annotations

import pytest

from tests.web.conftest import Web, sign_in
from vaxel.directory.model import Visibility
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources

PAGE = "/admin/directory/catalogue"


def _store(web: Web) -> DirectoryStore:
    return DirectoryStore(web.app.state.context.database)  # type: ignore[attr-defined]


def test_reasons_fields_and_mobile_visibility(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    client.follow_redirects = True
    page = client.get(PAGE)
    assert page.status_code == 200 and "Tillfälligt ute" in page.text and "Semester" in page.text

    post = client.post
    post(
        f"{PAGE}/reasons",
        data={
            "csrf": csrf,
            "reason_id": "lunch",
            "label_sv": "Lunchrast",
            "label_en": "Lunch break",
        },
    )
    post(
        f"{PAGE}/reasons",
        data={
            "csrf": csrf,
            "reason_id": "friskvard",
            "label_sv": "Friskvård",
            "label_en": "Exercise",
        },
    )
    refused = post(
        f"{PAGE}/reasons",
        data={"csrf": csrf, "reason_id": "Fel Id!", "label_sv": "X", "label_en": "X"},
    )
    assert "reason_id:" in refused.text and 'value="Fel Id!"' in refused.text
    views = web.app.state.context.directory_views  # type: ignore[attr-defined]
    labels = {r.reason_id: r.label_sv for r in views.reasons(DEMO_TENANT)}
    assert labels["lunch"] == "Lunchrast" and labels["friskvard"] == "Friskvård"
    post(f"{PAGE}/reasons", data={"csrf": csrf, "reason_id": "lunch", "action": "remove"})
    assert {r.reason_id: r.label_sv for r in views.reasons(DEMO_TENANT)}["lunch"] == "Lunch"

    post(
        f"{PAGE}/fields",
        data={
            "csrf": csrf,
            "name": "privat",
            "label": "Privat nummer",
            "type": "phone",
            "visibility": "operators",
        },
    )
    wrong = post(
        f"{PAGE}/fields",
        data={"csrf": csrf, "name": "x", "label": "X", "type": "text", "visibility": "alla"},
    )
    assert "visibility:" in wrong.text
    (field,) = _store(web).fields(DEMO_TENANT)
    assert field.visibility is Visibility.OPERATORS and field.label == "Privat nummer"
    post(f"{PAGE}/fields", data={"csrf": csrf, "name": "privat", "action": "remove"})
    assert _store(web).fields(DEMO_TENANT) == []

    post(f"{PAGE}/mobile", data={"csrf": csrf, "mobile_visibility": "admins"})
    sources = DirectorySources(web.app.state.context.database)  # type: ignore[attr-defined]
    assert sources.settings(DEMO_TENANT, "directory") == {"mobile_visibility": "admins"}
    assert (
        "mobile_visibility:"
        in post(f"{PAGE}/mobile", data={"csrf": csrf, "mobile_visibility": "alla"}).text
    )


def test_units_added_moved_and_a_unit_in_use_refused_naming_who(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    client.follow_redirects = True
    store = _store(web)
    used = next(
        u
        for u in store.units(DEMO_TENANT)
        if any(u.unit_id in p.unit_ids for p in store.people(DEMO_TENANT))
    )
    someone = next(p for p in store.people(DEMO_TENANT) if used.unit_id in p.unit_ids)

    client.post(f"{PAGE}/units", data={"csrf": csrf, "unit_id": "provenhet", "name": "Prov"})
    client.post(
        f"{PAGE}/units",
        data={
            "csrf": csrf,
            "unit_id": "provenhet",
            "name": "Provenheten",
            "parent_id": used.unit_id,
        },
    )
    units = {u.unit_id: u for u in store.units(DEMO_TENANT)}
    assert units["provenhet"].name == "Provenheten"
    assert units["provenhet"].parent_id == used.unit_id
    unknown = client.post(
        f"{PAGE}/units", data={"csrf": csrf, "unit_id": "x", "name": "X", "parent_id": "finns-inte"}
    )
    assert unknown.status_code in (200, 404)
    assert "x" not in {u.unit_id for u in store.units(DEMO_TENANT)}  # nothing saved
    client.post(
        f"{PAGE}/units",
        data={"csrf": csrf, "unit_id": "provenhet", "name": "Provenheten", "parent_id": ""},
    )
    in_use = client.post(
        f"{PAGE}/units", data={"csrf": csrf, "unit_id": used.unit_id, "action": "remove"}
    )
    assert "unit_id:" in in_use.text and someone.family_name in in_use.text
    assert used.unit_id in {u.unit_id for u in store.units(DEMO_TENANT)}
    client.post(f"{PAGE}/units", data={"csrf": csrf, "unit_id": "provenhet", "action": "remove"})
    assert "provenhet" not in {u.unit_id for u in store.units(DEMO_TENANT)}


CSV = (
    "external_id,given_name,family_name,extension,mobile,email,unit,title,room,keywords\n"
    "adm-1,Greta,Zetterkvist,2961,,,Provet,,,\n"
)


def test_import_all_or_nothing_and_export(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    client.follow_redirects = True
    bad = CSV + "adm-2,Olle,Ek,29x,,,,,,\n"
    refused = client.post(
        f"{PAGE}/import",
        data={"csrf": csrf, "format": "csv"},
        files={"file": ("katalog.csv", bad.encode(), "text/csv")},
    )
    assert "rad 3, extension:" in refused.text
    assert _store(web).by_external_id(DEMO_TENANT, "adm-1") is None  # nothing of it

    done = client.post(
        f"{PAGE}/import",
        data={"csrf": csrf, "format": "csv", "mode": "upsert"},
        files={"file": ("katalog.csv", CSV.encode(), "text/csv")},
    )
    assert done.status_code == 200 and "Importerat: 1 nya" in done.text
    assert _store(web).by_external_id(DEMO_TENANT, "adm-1") is not None
    exported = client.get(f"{PAGE}/export", params={"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert "Zetterkvist" in exported.text
    assert "<?xml" in client.get(f"{PAGE}/export", params={"format": "xml"}).text


def test_a_file_declared_over_the_limit_is_refused_unread(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vaxel.web.admin.directory_catalogue as catalogue

    monkeypatch.setattr(catalogue, "MAX_FILE_BYTES", 10)
    monkeypatch.setattr(catalogue, "_FORM_OVERHEAD", 10)
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    client.follow_redirects = True
    refused = client.post(
        f"{PAGE}/import",
        data={"csrf": csrf, "format": "csv"},
        files={"file": ("katalog.csv", CSV.encode(), "text/csv")},
    )
    assert "filen är större än 10 byte" in refused.text
    assert _store(web).by_external_id(DEMO_TENANT, "adm-1") is None
