"""Typed dependencies and the one exception handler (issue 12 §3, §4).

A handler that lets a domain or config error pass gets it translated by its code: a program
gets problem details with the code and parameters in its Accept-Language (never the language
cookie's); a refused form post returns to the page its route names, the form filled in
again without the CSRF token or a password; anything else gets the error page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from tests.web.conftest import Web, flashed, sign_in
from tests.web.test_isolation import all_routes
from vaxel.core.errors import ConfigError, UnknownQueue
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.deps import CsrfForm, TenantId, checked_form, require_admin, returns_to
from vaxel.web.i18n import LANGUAGE_COOKIE


def _with_refusing_routes(web: Web) -> None:
    router = APIRouter()

    @router.get("/api/v1/refuses")
    def refuses_api() -> Response:
        raise UnknownQueue("kundtjanst", DEMO_TENANT)

    @router.post("/admin/refuses", dependencies=[returns_to("/admin/lists")])
    async def refuses_form(form: CsrfForm, tenant_id: TenantId) -> Response:
        raise ConfigError("weekly.mon", "time-format", value=str(form.get("hours")))

    web.app.include_router(router)  # type: ignore[attr-defined]


def test_an_api_error_carries_code_and_params_in_the_clients_language(web: Web) -> None:
    _with_refusing_routes(web)
    client = web.client()
    client.cookies.set(LANGUAGE_COOKIE, "sv")  # a browser cookie never picks the API's language
    answer = client.get("/api/v1/refuses", headers={"Accept-Language": "en-GB, sv;q=0.5"})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["content-language"] == "en"
    problem = answer.json()
    assert problem["type"] == "urn:vaxel:problem:unknown-queue"
    assert problem["code"] == "unknown-queue"
    assert problem["params"] == {"kind": "queue", "id": "kundtjanst"}  # no tenant leaks
    assert problem["detail"] == "The queue does not exist"
    swedish = client.get("/api/v1/refuses").json()
    assert swedish["detail"] == "Kön finns inte"


def test_a_refused_form_returns_to_its_page_filled_in_again(web: Web) -> None:
    _with_refusing_routes(web)
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    refused = client.post("/admin/refuses", data={"csrf": csrf, "hours": "8-17", "password": "x"})
    assert refused.status_code == 303 and refused.headers["location"] == "/admin/lists"
    assert flashed(client, refused) == "skriv tiden TT:MM, inte '8-17'"
    flashes = web.app.state.context.flashes  # type: ignore[attr-defined]
    again = client.post("/admin/refuses", data={"csrf": csrf, "hours": "25", "password": "x"})
    token = client.cookies.get("vaxel_session")
    waiting = flashes.take(token, "/admin/lists")
    assert again.status_code == 303 and dict(waiting.values) == {"hours": "25"}


def test_a_form_without_its_csrf_token_is_refused_before_the_handler(web: Web) -> None:
    _with_refusing_routes(web)
    client = web.client()
    sign_in(client, DEMO_TENANT, "admin")
    refused = client.post("/admin/refuses", data={"hours": "8-17"})
    assert refused.status_code == 403
    assert "CSRF-kontrollen misslyckades" in refused.text


def test_admin_routers_at_module_level_still_require_an_admin(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    assert client.get("/admin/skills").status_code == 403
    assert client.post("/admin/lists/pause_reasons", data={"csrf": csrf}).status_code == 403


def _calls_in(dependant: Any) -> set[Any]:
    """Every dependency callable of a route, however deep."""
    found = {dependant.call}
    for sub in dependant.dependencies:
        found |= _calls_in(sub)
    return found


def test_every_admin_route_requires_an_admin_and_every_admin_post_checks_csrf(web: Web) -> None:
    """By dependency, never by hand: a route added later without them fails here."""
    routes = [r for r in all_routes(web.app.routes) if r.path.startswith("/admin")]  # type: ignore[attr-defined]
    assert len(routes) > 30
    for route in routes:
        calls = _calls_in(route.dependant)
        assert require_admin in calls, route.path
        if route.methods - {"GET", "HEAD"}:
            assert checked_form in calls, (route.path, route.methods)
