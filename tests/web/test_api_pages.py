"""The REST API's callback list comes in pages (issue 10 §13): 24,000 callbacks once made
one 4.8 MB answer; now a page holds at most ``limit`` rows and the Link header walks on."""

from __future__ import annotations

import re
import time

from tests.web.conftest import Web
from vaxel.acd.events import CallbackRequested
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.api import MAX_PAGE

KEY = {"X-API-Key": "sidnyckel"}


def _next(link: str | None) -> str | None:
    if link is None:
        return None
    found = re.fullmatch(r'<([^>]+)>; rel="next"', link)
    assert found, link
    return found.group(1)


def test_the_callback_list_is_paged_and_the_next_link_walks_every_row(web: Web) -> None:
    web.accounts.add_api_key(DEMO_TENANT, "crm", "sidnyckel", time.time())
    now = time.time()
    for n in range(230):
        number = f"+467011{n:05d}"
        web.center.submit(CallbackRequested(DEMO_TENANT, "kundtjanst", number), now + n)
    client = web.client()
    assert len(client.get("/api/v1/callbacks", headers=KEY).json()) == 100  # the default
    url: str | None = "/api/v1/callbacks?limit=70"
    seen: list[str] = []
    pages = 0
    while url is not None:
        response = client.get(url, headers=KEY)
        assert response.status_code == 200, response.text
        assert len(response.json()) <= 70
        assert response.headers["X-Total-Count"] == "230"
        seen += [c["number"] for c in response.json()]
        url = _next(response.headers.get("Link"))
        pages += 1
    assert pages == 4  # 70 + 70 + 70 + 20
    assert seen == [f"+467011{n:05d}" for n in range(230)]  # each once, oldest first
    too_many = client.get(f"/api/v1/callbacks?limit={MAX_PAGE + 1}", headers=KEY)
    assert too_many.status_code == 422 and "limit" in too_many.text


def test_the_openapi_schema_documents_the_paging(web: Web) -> None:
    schema = web.client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/callbacks"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"limit", "offset"}
    limit = next(p for p in operation["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == MAX_PAGE
    assert {"Link", "X-Total-Count"} <= set(operation["responses"]["200"]["headers"])
