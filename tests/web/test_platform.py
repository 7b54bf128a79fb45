"""The platform admin's page: organisations and their first admin (ADM2)."""

from __future__ import annotations

from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import Tenants
from vaxel.web.passwords import PasswordHashing

NEW = {
    "tenant_id": "nystad",
    "name": "Nystads kommun",
    "main_number": "010-123 45 00",
    "admin_username": "admin",
    "admin_password": "forsta-losenordet",
}


def _platform_admin(web: Web) -> None:
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(OTHER, "drift", "Driften", "platform_admin", hashed)


def test_a_platform_admin_adds_an_organisation_whose_admin_can_sign_in(web: Web) -> None:
    _platform_admin(web)
    client = web.client()
    csrf = sign_in(client, OTHER, "drift")
    page = client.get("/platform")
    assert page.status_code == 200 and "Exempelby kommun" in page.text
    assert client.post("/platform", data=NEW | {"csrf": csrf}).status_code == 303
    tenant = next(t for t in Tenants(web.center.database).all() if t.tenant_id == "nystad")
    assert tenant.name == "Nystads kommun" and tenant.main_number == "+46101234500"
    newcomer = web.client()
    assert sign_in(newcomer, "nystad", "admin", "forsta-losenordet")
    assert newcomer.get("/admin").status_code == 200


def test_bad_organisations_are_refused_with_the_reason_and_nothing_stored(web: Web) -> None:
    _platform_admin(web)
    client = web.client()
    csrf = sign_in(client, OTHER, "drift")
    before = len(Tenants(web.center.database).all())
    for change, reason in (
        ({"tenant_id": "Ny Stad"}, "små bokstäver"),
        ({"tenant_id": DEMO_TENANT}, "finns redan"),
        ({"main_number": "+4420 7946 0000"}, "Huvudnumret ska vara ett svenskt nummer"),
        ({"main_number": "ring oss"}, "Huvudnumret: ange ett riktigt nummer"),
        ({"admin_password": "kort"}, "minst 8 tecken"),
        ({"name": "K" * 5000}, "Namn: högst 100 tecken"),  # issue 9 §3
        ({"admin_username": "Åsa Öberg"}, "Administratörens användarnamn"),
    ):
        response = client.post("/platform", data=NEW | change | {"csrf": csrf})
        assert response.status_code == 303
        page = client.get(response.headers["location"]).text
        assert reason in page
        assert "International" not in page and "Not a phone number" not in page  # issue 9 §5
    assert len(Tenants(web.center.database).all()) == before


def test_only_platform_admins_see_the_organisations(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")  # a tenant admin
    assert client.get("/platform").status_code == 403
    assert client.post("/platform", data=NEW | {"csrf": csrf}).status_code == 403
    assert all(t.tenant_id != "nystad" for t in Tenants(web.center.database).all())


def test_a_second_organisation_cannot_take_anothers_main_number(web: Web) -> None:
    """Issue 10 §13: Annanstad answers +46101111111; a new organisation asking for the same
    number (written another way) is refused with the field named, and nothing is stored."""
    _platform_admin(web)
    client = web.client()
    csrf = sign_in(client, OTHER, "drift")
    response = client.post("/platform", data=NEW | {"main_number": "010-111 11 11", "csrf": csrf})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "Huvudnumret +46101111111 används redan av organisationen annanstad" in page
    assert all(t.tenant_id != "nystad" for t in Tenants(web.center.database).all())
    assert web.accounts.find("nystad", "admin") is None


def test_an_id_with_a_ring_or_dots_is_refused_with_its_transliteration_filled_in(
    web: Web,
) -> None:
    """Issue 9 §13: "Växjö" and "Åsa.Öberg" get "vaxjo" and "asa.oberg" offered and
    filled in, and the rest of the form comes back as typed (never the password)."""
    _platform_admin(web)
    client = web.client()
    csrf = sign_in(client, OTHER, "drift")
    for change, field, suggestion in (
        ({"tenant_id": "Växjö kommun"}, "tenant_id", "vaxjo-kommun"),
        ({"admin_username": "Åsa.Öberg"}, "admin_username", "asa.oberg"),
    ):
        response = client.post("/platform", data=NEW | change | {"csrf": csrf})
        page = client.get(response.headers["location"]).text
        assert f"Förslag: {suggestion}" in page
        assert f'name="{field}" value="{suggestion}"' in page
        assert 'value="Nystads kommun"' in page and 'value="010-123 45 00"' in page
        assert NEW["admin_password"] not in page
