"""The REST API's read endpoints and the integrations' event stream (issue 4 §6).

Agents, queues, one contact and one callback by id — another tenant's id answers exactly
like an unknown one — and ``GET /api/v1/events``, served by a real uvicorn so the stream is
read as a client reads it, with events submitted from another thread as sync handlers do.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from tests.web.conftest import OTHER, Web
from vaxel.acd.events import AgentLoggedIn, AgentPaused, QueueConfigured
from vaxel.acd.model import QueueConfig
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.headers import PAGE_POLICY


@pytest.fixture
def keys(web: Web) -> dict[str, dict[str, str]]:
    web.accounts.add_api_key(DEMO_TENANT, "crm", "nyckel-exempelby", time.time())
    web.accounts.add_api_key(OTHER, "crm", "nyckel-annanstad", time.time())
    return {
        DEMO_TENANT: {"X-API-Key": "nyckel-exempelby"},
        OTHER: {"X-API-Key": "nyckel-annanstad"},
    }


def test_agents_show_state_and_time_in_state_of_the_keys_tenant_only(
    web: Web, keys: dict[str, dict[str, str]]
) -> None:
    web.center.submit(AgentLoggedIn(DEMO_TENANT, "maria", ("kundtjanst",)), time.time() - 30)
    client = web.client()
    agents = {a["id"]: a for a in client.get("/api/v1/agents", headers=keys[DEMO_TENANT]).json()}
    assert agents["maria"]["state"] == "ready"
    assert agents["maria"]["queues"] == ["kundtjanst"]
    assert 25 <= agents["maria"]["in_state_s"] <= 60
    assert agents["karin"]["state"] == "logged_out"
    other = client.get("/api/v1/agents", headers=keys[OTHER]).json()
    assert [a["id"] for a in other] == ["olle"]
    assert client.get("/api/v1/agents").status_code == 401


def test_queues_show_status_and_todays_figures(web: Web, keys: dict[str, dict[str, str]]) -> None:
    client = web.client()
    queues = {q["id"]: q for q in client.get("/api/v1/queues", headers=keys[DEMO_TENANT]).json()}
    assert set(queues) == {"vaxel", "kundtjanst", "bygglov", "barnomsorg"}
    kundtjanst = queues["kundtjanst"]
    assert kundtjanst["waiting"] == 0 and kundtjanst["service_level"] == "–"
    assert {"open", "longest_wait_s", "logged_in", "ready", "callbacks", "answered"} <= set(
        kundtjanst
    )
    other = client.get("/api/v1/queues", headers=keys[OTHER]).json()
    assert [q["id"] for q in other] == ["reception"]


def _callback(web: Web, key: dict[str, str]) -> str:
    created = web.client().post(
        "/api/v1/callbacks",
        headers=key,
        json={"queue": "kundtjanst", "number": "0701234567", "data": {"ärende": "Faktura"}},
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_one_contact_and_one_callback_by_id(web: Web, keys: dict[str, dict[str, str]]) -> None:
    contact_id = _callback(web, keys[DEMO_TENANT])
    client = web.client()
    contact = client.get(f"/api/v1/contacts/{contact_id}", headers=keys[DEMO_TENANT])
    assert contact.status_code == 200, contact.text
    assert contact.json()["channel"] == "callback"
    assert contact.json()["caller_data"] == {"ärende": "Faktura"}
    callback = client.get(f"/api/v1/callbacks/{contact_id}", headers=keys[DEMO_TENANT]).json()
    assert callback["number"] == "+46701234567" and callback["status"] == "unhandled"
    assert callback["data"] == {"ärende": "Faktura"} and callback["attempts"] == 0


@pytest.mark.parametrize("kind", ["contacts", "callbacks"])
def test_another_tenants_id_answers_exactly_like_an_unknown_id(
    web: Web, keys: dict[str, dict[str, str]], kind: str
) -> None:
    """No oracle: the other tenant cannot tell that the id exists."""
    contact_id = _callback(web, keys[DEMO_TENANT])
    client = web.client()
    foreign = client.get(f"/api/v1/{kind}/{contact_id}", headers=keys[OTHER])
    assert foreign.status_code == 404
    unknown_id = contact_id + "x"
    unknown = client.get(f"/api/v1/{kind}/{unknown_id}", headers=keys[OTHER])
    assert unknown.status_code == 404
    assert foreign.json() == unknown.json()  # the id is not even echoed back
    assert set(foreign.headers) - {"content-length"} == set(unknown.headers) - {"content-length"}


def test_the_openapi_schema_documents_the_responses(web: Web) -> None:
    schema = web.client().get("/api/openapi.json").json()
    components = set(schema["components"]["schemas"])
    assert {"AgentOut", "QueueOut", "ContactDetail", "CallbackDetail", "ContactOut"} <= components
    paths = schema["paths"]
    for path in ("/api/v1/agents", "/api/v1/queues", "/api/v1/events"):
        assert "get" in paths[path]
    assert "404" in paths["/api/v1/contacts/{contact_id}"]["get"]["responses"]
    assert "text/event-stream" in paths["/api/v1/events"]["get"]["responses"]["200"]["content"]


# -- the event stream, over a real server ---------------------------------------------------


@pytest.fixture
def server(web: Web) -> Iterator[str]:
    config = uvicorn.Config(web.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")  # type: ignore[arg-type]
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


class Stream:
    """Reads ``data:`` lines of one SSE response."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.iter_lines()
        assert next(self.lines).startswith(":")  # the opening comment: subscribed

    def events(self, until: str) -> list[dict[str, Any]]:
        """Events up to and including the first of type ``until``."""
        seen: list[dict[str, Any]] = []
        for line in self.lines:
            if line.startswith("data: "):
                seen.append(json.loads(line.removeprefix("data: ")))
                if seen[-1]["type"] == until:
                    return seen
        raise AssertionError(f"the stream ended before {until}: {seen}")


def test_the_event_stream_carries_the_tenants_events_and_never_another_tenants(
    web: Web, keys: dict[str, dict[str, str]], server: str
) -> None:
    with (
        httpx.Client(base_url=server, timeout=10) as client,
        client.stream("GET", "/api/v1/events", headers=keys[DEMO_TENANT]) as mine,
        client.stream("GET", "/api/v1/events", headers=keys[OTHER]) as theirs,
    ):
        assert mine.status_code == 200
        assert mine.headers["content-type"].startswith("text/event-stream")
        assert "content-security-policy" in mine.headers
        my_stream, their_stream = Stream(mine), Stream(theirs)
        now = time.time()
        # From this (non-loop) thread, as a synchronous handler would.
        web.center.submit(QueueConfigured(QueueConfig(OTHER, "vaxel", "Växeln")), now)
        web.center.submit(AgentLoggedIn(DEMO_TENANT, "maria", ("kundtjanst",)), now)
        web.center.submit(AgentPaused(DEMO_TENANT, "maria", "Lunch"), now)
        # Over HTTP, through the API.
        contact_id = _callback(web, keys[DEMO_TENANT])
        web.center.submit(AgentLoggedIn(OTHER, "olle", ("reception",)), now)

        events = my_stream.events(until="CallbackRequested")
        assert [e["type"] for e in events] == ["AgentLoggedIn", "AgentPaused", "CallbackRequested"]
        logged_in = events[0]
        assert logged_in["agent_id"] == "maria" and logged_in["queue_ids"] == ["kundtjanst"]
        assert logged_in["time"] == pytest.approx(now) and logged_in["seq"] > 0
        assert events[1]["seq"] > logged_in["seq"]
        created = events[2]
        assert created["queue_id"] == "kundtjanst" and created["actor"] == "api"
        assert {
            "type": "NotifyCallbackCreated",
            "contact_id": contact_id,
            "queue_id": "kundtjanst",
        }.items() <= created["effects"][0].items()
        assert "0701234567" not in json.dumps(events) and "+46701234567" not in json.dumps(events)

        theirs_seen = their_stream.events(until="AgentLoggedIn")
        assert [e["type"] for e in theirs_seen] == ["QueueConfigured", "AgentLoggedIn"]
        assert theirs_seen[0]["queue_id"] == "vaxel"
        assert all(e.get("agent_id") in (None, "olle") for e in theirs_seen)


def test_the_event_stream_needs_a_key(server: str) -> None:
    with httpx.Client(base_url=server, timeout=5) as client:
        assert client.get("/api/v1/events").status_code == 401
        assert client.get("/api/v1/events", headers={"X-API-Key": "gissad"}).status_code == 401


def test_security_headers_on_pages_api_and_docs(web: Web) -> None:
    client = web.client()
    for path in ("/login", "/api/v1/agents", "/static/live.js", "/api/openapi.json"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy, path
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # plain-HTTP test settings
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert docs.headers["content-security-policy"] == PAGE_POLICY  # no CDN, no inline script


def test_the_api_documentation_works_offline(web: Web) -> None:
    """Issue 9 §9: Swagger UI's files come from the app itself, not from a CDN."""
    client = web.client()
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text
    assert "<script>" not in page.text  # every script is a file the CSP allows
    sources = re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css))"', page.text)
    assert {s.rsplit("/", 1)[1] for s in sources} >= {
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "api-docs.js",
    }
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.content) > 1000 or source.endswith("api-docs.js"), source
    assert client.get("/api/docs/oauth2-redirect").status_code == 404  # no OAuth here
    assert client.get("/redoc").status_code == 404


def test_the_openapi_document_lists_only_the_rest_api(web: Web) -> None:
    """Issue 9 §9: pages and admin forms are no interface for integrations."""
    paths = web.client().get("/api/openapi.json").json()["paths"]
    assert "/api/v1/callbacks" in paths
    assert [p for p in paths if not p.startswith("/api/")] == []
    assert "/api/docs" not in paths
    schemas = web.client().get("/api/openapi.json").json()["components"]["schemas"]
    assert "CallbackDetail" in schemas
    assert [name for name in schemas if name.startswith("Body_")] == []  # the pages' forms


def test_the_openapi_document_declares_the_api_key_so_the_docs_can_authorise(web: Web) -> None:
    """Every REST operation names the X-API-Key scheme: the documentation page then offers
    'Authorize' and sends the key, instead of a bare header field per operation."""
    document = web.client().get("/api/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes == {
        "APIKeyHeader": {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": schemes["APIKeyHeader"]["description"],
        }
    }
    create = document["paths"]["/api/v1/callbacks"]["post"]
    assert create["security"] == [{"APIKeyHeader": []}]
    parameters = [p["name"].lower() for p in create.get("parameters", [])]
    assert "x-api-key" not in parameters


async def test_the_fanout_routes_timer_effects_per_tenant_and_cuts_off_a_slow_reader() -> None:
    import dataclasses

    from vaxel.acd.commands import Command
    from vaxel.acd.events import TimerTick
    from vaxel.web.integrations import OVERFLOW, EventFanout

    fanout = EventFanout(lambda: 7, limit=2)
    mine, theirs = fanout.subscribe(DEMO_TENANT), fanout.subscribe(OTHER)

    # any command: its tenant decides which integrations hear of it
    command = dataclasses.make_dataclass(
        "OfferTimedOut", [("tenant_id", str), ("contact_id", str)], frozen=True
    )
    effects: list[Command] = [command(DEMO_TENANT, "c1"), command(OTHER, "c2")]  # type: ignore[list-item]
    fanout.committed(TimerTick(), effects, 100.0)  # a tick belongs to no tenant
    first = mine.queue.get_nowait()
    assert first["type"] == "TimerTick" and first["seq"] == 7
    assert first["effects"] == [{"type": "OfferTimedOut", "contact_id": "c1"}]
    assert theirs.queue.get_nowait()["effects"] == [{"type": "OfferTimedOut", "contact_id": "c2"}]

    for n in range(4):  # nobody reads: the third is the overflow marker, then nothing
        fanout.committed(AgentLoggedIn(DEMO_TENANT, f"a{n}", ()), [], 101.0)
    got = [mine.queue.get_nowait() for _ in range(mine.queue.qsize())]
    assert [g.get("agent_id") for g in got[:2]] == ["a0", "a1"] and got[2] is OVERFLOW
    assert len(got) == 3
    assert theirs.queue.empty()
    fanout.unsubscribe(mine)
    fanout.unsubscribe(theirs)
    assert fanout.connections == 0


def test_presence_changes_reach_the_own_tenants_stream_without_names(
    web: Web, keys: dict[str, dict[str, str]], server: str
) -> None:
    """Issue 13 §6: PresenceChanged {type, time, person_id, reason_id, until}, no names."""
    from datetime import UTC, datetime, timedelta

    from vaxel.directory.model import Person
    from vaxel.directory.presence import Presence
    from vaxel.runtime.directory_views import Actor

    views = web.app.state.context.directory_views  # type: ignore[attr-defined]
    views.store.put_person(OTHER, Person("olle-ek", "", "Olle", "Ek"))
    operator = Actor("operator", None, "Växeln")
    now = datetime.now(UTC)
    back_at = (now + timedelta(hours=1)).replace(microsecond=0)
    with (
        httpx.Client(base_url=server, timeout=10) as client,
        client.stream("GET", "/api/v1/events", headers=keys[DEMO_TENANT]) as mine,
        client.stream("GET", "/api/v1/events", headers=keys[OTHER]) as theirs,
    ):
        my_stream, their_stream = Stream(mine), Stream(theirs)
        views.set_presence(OTHER, operator, "olle-ek", Presence("lunch", since=now))
        views.set_presence(
            DEMO_TENANT, operator, "agent-maria", Presence("mote", since=now, until=back_at)
        )
        views.clear_presence(DEMO_TENANT, operator, "agent-maria")
        web.center.submit(AgentLoggedIn(DEMO_TENANT, "maria", ("kundtjanst",)), time.time())
        web.center.submit(AgentLoggedIn(OTHER, "olle", ("reception",)), time.time())

        events = my_stream.events(until="AgentLoggedIn")
        changes = [e for e in events if e["type"] == "PresenceChanged"]
        assert [(e["person_id"], e["reason_id"]) for e in changes] == [
            ("agent-maria", "mote"),
            ("agent-maria", None),
        ]
        assert changes[0]["until"] == back_at.isoformat() and changes[1]["until"] is None
        assert set(changes[0]) == {"type", "time", "person_id", "reason_id", "until"}
        assert "Maria" not in json.dumps(changes) and "olle-ek" not in json.dumps(events)
        theirs_seen = their_stream.events(until="AgentLoggedIn")
        assert [e.get("person_id") for e in theirs_seen if e["type"] == "PresenceChanged"] == [
            "olle-ek"
        ]
