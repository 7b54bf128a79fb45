"""Forwarding cannot lift a person's barring (task R; PBX5, PBX8): the class of service of
the person whose calls are forwarded decides what a rule may reach — a class that reaches
only the switch cannot forward to a mobile, and a person with no class gets the default
class (Sweden, no premium rate) even where the tenant allows calls abroad."""

from __future__ import annotations

import pytest

from tests.web.conftest import Web, sign_in
from tests.web.test_phone_forwarding import PAGE, _csrf
from vaxel.pbx.class_of_service import ClassOfService, Reach
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import Tenant, Tenants
from vaxel.store.pbx_trunks import USER, TrunkStore


def _set(web: Web, destination: str) -> str:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    csrf = _csrf(client.get(PAGE).text)
    client.post(PAGE, data={"csrf": csrf, "condition": "always", "destination": destination})
    return client.get(PAGE).text


@pytest.mark.parametrize("owner", ["extension", "person"])
def test_an_internal_only_person_cannot_forward_outside(web: Web, owner: str) -> None:
    context = web.app.state.context
    person = context.directory_views.person_of_account(DEMO_TENANT, "maria")
    extension = context.directory_views.extension_of(DEMO_TENANT, person)
    store = TrunkStore(context.database)
    store.put_class(DEMO_TENANT, ClassOfService("intern", "Bara interna", Reach.INTERNAL))
    store.assign_class(DEMO_TENANT, USER, extension if owner == "extension" else person, "intern")
    assert "Vidarekopplas till +46701234567" not in _set(web, "070-123 45 67")
    assert "Vidarekopplas till 2003" in _set(web, "2003"), "internal numbers stay allowed"


def test_without_a_class_the_default_class_bars_abroad(web: Web) -> None:
    context = web.app.state.context
    tenants = Tenants(context.database)
    tenant = tenants.get(DEMO_TENANT)
    tenants.add(Tenant(tenant.tenant_id, tenant.name, tenant.main_number, True))
    assert "Vidarekopplas till +4915112345678" not in _set(web, "+49 151 12345678")
