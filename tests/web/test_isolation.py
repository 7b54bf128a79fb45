"""Tenant isolation and roles over EVERY route of the web app (ADM2, issue 4 §1).

The matrix is built from the app's own route table, so a route added later is attacked
too: a user (agent and admin) and an API key of tenant B call each route with tenant A's
identifiers filled into every path, query, form and JSON parameter. Nothing of A may be
shown (A's callers' numbers, contact ids, people's names) and nothing of A may change (a
fingerprint of every row carrying A's tenant id, the event journal included).

A parameter name this file does not know fails the test with the name, so whoever adds a
route decides what an attacker would put there.
"""

from __future__ import annotations

import hashlib
import inspect
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import UploadFile
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine, text

from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from vaxel.acd.commands import NotifyCallbackCreated
from vaxel.acd.events import CallbackRequested, ContactArrived
from vaxel.acd.model import Channel
from vaxel.pbx.conference import ConferenceRoom
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import schema
from vaxel.store.api_keys import key_id_of
from vaxel.store.pbx_conference import ConferenceStore
from vaxel.web.passwords import PasswordHashing

A, B = DEMO_TENANT, OTHER
CALLER = "+46701112233"
CALLBACK_NUMBER = "+46709998877"
SECRETS = (
    CALLER,
    "0701112233",
    CALLBACK_NUMBER,
    "0709998877",
    "Maria Johansson",
    "a-hemlig",
    "Krisrummet",
)
B_KEY = "annanstads-nyckel-for-test"
A_KEY = "exempelbys-nyckel-for-test"
STREAMS = {"/events", "/api/v1/events", "/katalog/handelser", "/telefonist/handelser"}
"""Endpoints that stream forever: read once, separately (see the last test)."""
PUBLIC = {"/login", "/language", "/api/docs", "/api/openapi.json"}


@dataclass
class Victim:
    contact_id: str
    callback_id: str
    maria_user_id: int
    key_id: str


@pytest.fixture
def victim(web: Web) -> Iterator[Victim]:
    now = time.time()
    web.center.submit(
        ContactArrived(
            A,
            "a-hemlig-kontakt",
            "kundtjanst",
            Channel.CALL,
            caller_number=CALLER,
            caller_data={"personnummer": "19121212-1212"},
        ),
        now,
    )
    commands = web.center.submit(CallbackRequested(A, "kundtjanst", CALLBACK_NUMBER), now)
    callback = next(c for c in commands if isinstance(c, NotifyCallbackCreated))
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(B, "bosse", "Bosse Admin", "tenant_admin", hashed)
    web.accounts.add_api_key(B, "test", B_KEY, now)
    web.accounts.add_api_key(A, "webbplatsen", A_KEY, now, ["callbacks:create"])
    maria = web.accounts.find(A, "maria")
    assert maria is not None
    ConferenceStore(web.center.database).save(
        ConferenceRoom("krisrum", A, "7777", "Krisrummet", pin="2468")
    )
    yield Victim("a-hemlig-kontakt", callback.contact_id, maria.user_id, key_id_of(A_KEY))


def fingerprint(database: Engine, tenant_id: str) -> str:
    """A hash of every row that belongs to ``tenant_id``, in every table that has one, as
    stored: a textual SELECT skips SQLAlchemy's per-column result processing, which made
    this 2-4 times slower and half of the route-by-route test's 90 s (~400 fingerprints)."""
    digest = hashlib.sha256()
    with database.connect() as connection:
        for table in schema.metadata.sorted_tables:
            if "tenant_id" not in table.c:
                continue
            query = text(f'SELECT * FROM "{table.name}" WHERE tenant_id = :tenant')
            rows = connection.execute(query, {"tenant": tenant_id}).all()
            digest.update(table.name.encode())
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode())
    return digest.hexdigest()


def _hence(seconds: float) -> str:
    return datetime.fromtimestamp(time.time() + seconds, UTC).isoformat()


def values(victim: Victim, csrf: str) -> dict[str, list[Any]]:
    """What an attacker puts in a parameter of each name: tenant A's identifiers."""
    contacts = [victim.contact_id, victim.callback_id]
    return {
        "contact_id": contacts,
        "contact": contacts,
        "call": contacts,  # a camped call taken back (camp-on, issue 16 §3)
        "samtal": contacts,  # the call a message page is filled in from (OP7)
        "id": contacts,
        "queue_id": ["kundtjanst"],
        "queue": ["kundtjanst"],
        "till": ["telefonist", "agent"],  # the page her audio device form goes back to (PBX9)
        "device": ["mobile"],  # an agent's audio device (PBX9), with "mobile" below
        "agent_id": ["maria"],
        "agent": ["maria"],
        "user_id": [victim.maria_user_id],
        "username": ["maria"],
        "schedule_id": ["kontorstid"],
        "flow_id": ["huvudflode"],
        "list_id": ["pause_reasons", "classifications"],
        "prompt_id": ["sv/valkommen"],
        "extension_id": ["1003"],
        "class_id": ["utland"],  # a class of service (PBX8)
        # the trunk (issue 14 §2): another tenant's carrier account
        "host": ["sip.carrier.example"],
        "port": [5060],
        "transport": ["udp"],
        "auth_username": ["4610123450"],
        "domain": ["carrier.example"],
        "expires_s": [600],
        "password": ["carrier-secret"],
        "owner_kind": ["user"],
        "owner": ["1003"],
        "reach": ["international"],
        "premium_allowed": [True],
        "group_id": ["vaxeln"],  # an answer group (PBX3)
        "first": ["+46812342000", "1970"],  # a DID range (PBX1); A's first park orbit (OP3)
        "count": [10],  # park orbits (OP3)
        "orbit": ["700"],  # a park orbit the console retrieves from (issue 16 §3)
        "recall_s": [20],
        "recall_to": ["operator"],
        "operator": ["1003"],
        # what an absent person's caller may press, the transfer recall (issue 14 §4 §6)
        "operator_number": ["1003"],
        "voicemail": [True],
        "recall_after_s": [60],
        "wait_s": [60],  # camp-on's settings (issue 16 §3)
        "max_per_extension": [2],
        "max_parties": [4],  # the console conference's limit (issue 16, OP3)
        "enabled": [True],  # the automatic attendant's load rule (issue 16, spec §70)
        "waiting": [5],
        "min_on_s": [300],
        # DID ranges, answer groups and a person's devices over REST (issue 14 §9)
        "last": ["+46812342099"],
        "first_short": ["4200"],
        "strategy": ["ring-all", "sequence"],
        "members": [["agent-maria"]],
        "ring_s": [20],
        "mobile": ["0701234567"],
        "kind": ["person"],  # what a short number reaches (PBX1)
        "on_from": [_hence(3600)],  # a lavinbesked window (IVR4), a valid one
        "off_at": [_hence(7200)],
        "ref": ["agent-maria"],
        "number": ["1003", CALLBACK_NUMBER, "+46812345000"],  # A's main number too
        "flow": ["huvudflode"],
        "skill_id": ["kundtjanst"],
        "action": [
            "answer",
            "decline",
            "end",
            "classify",
            "cancel_wrapup",
            "ready",
            "pause",
            "close",
            "open",
            "requeue",
            "call",
            "remove",
            "save",
        ],
        "outcome": ["done", "unanswered"],
        "note": ["intrång"],
        "code": ["Övrigt"],
        "reason": ["Lunch"],
        "on": [True, "1"],
        "message": ["intrång"],
        "csrf": [csrf],
        "sort": ["number"],
        "page": [1],
        "limit": [10],
        "offset": [0],
        "error": [""],
        "saved": ["1"],
        "lang": ["en"],
        "data": [{"personnummer": "19121212-1212"}],
        "interval": ["fm"],
        "day": ["2027-01-18"],
        "closure_id": ["stangning-a"],
        "start": ["2026-12-24T12:00"],
        "end": ["2026-12-24T18:00"],
        "tenant_id": [A],
        "name": ["Intrång", "driftstorning"],  # … and A's lavinbesked switch (IVR4)
        "main_number": ["+46812345000"],
        "admin_username": ["maria"],
        "admin_password": [PASSWORD],
        "current_password": [PASSWORD],
        "new_password": ["ett-nytt-losenord"],
        "next": ["/"],
        "key_id": [victim.key_id],
        "scopes": ["callbacks:create", "read"],
        "expires": ["2099-12-31"],
        # the directory (issue 13): A's people, units and groups
        "q": ["johansson", "maria"],
        "unit": ["kontaktcenter"],
        "units": [["kontaktcenter"]],  # an operator queue's departments (OP9)
        "person_id": ["agent-maria", "demo-0001"],
        # a person the console sends to voicemail or whose forwarding it removes (issue 16 §3)
        "person": ["agent-maria", "demo-0001"],
        "group": ["kontaktcenter", "bygglov", "vaxeln"],  # also an answer group (spec §67)
        "format": ["csv", "xml"],
        "mode": ["upsert"],
        "external_id": ["intrang"],
        "given_name": ["Intrång"],
        "family_name": ["Intrång"],
        "numbers": [[{"kind": "mobile", "number": "+46700000001"}]],
        "email": [""],
        "unit_ids": [["kontaktcenter"]],
        "groups": [["kontaktcenter"]],
        "room": [""],
        "location": [""],
        "titles": [[]],
        "keywords": [[]],
        "custom": [{}],
        "reason_id": ["mote"],
        "text": ["intrång"],
        "until": [None],
        "until_date": [""],  # a whole group's diversion's end day (spec §67)
        # voicemail (issue 14, PBX4): A's message ids
        "message_id": ["vm-a", "m1"],
        # messages to a person (issue 16 §4, OP7): A's template, fields from a call
        "template_id": ["ring-upp-a"],
        "fields": [{"namn": "Intrång"}],
        "channels": [["presence"]],
        "heard": [True, False],
        "sender": ["intrang@intrang.se"],
        "security": ["none"],
        # call forwarding (issue 14 §4): rules for A's people
        "condition": ["always", "no-answer"],
        "destination": ["2003", "0701234567"],
        "after_s": [20],
        "off": ["always"],
        # conference rooms (issue 14, PBX6): A's room and a caller in it
        "room_id": ["krisrum"],
        "participant_id": ["sip-a"],
        "pin": ["2468"],
        "host_person_id": ["agent-maria"],
        "max_participants": [20],
        "muted": [True],
    }


@dataclass
class Params:
    path_params: list[Any]
    query_params: list[Any]
    body_params: list[Any]


def route_params(route: APIRoute) -> Params:
    """The route's parameters, also those only its dependencies declare (the queue a
    ``/admin/queues/{queue_id}`` dependency looks up), each name once."""
    found = Params([], [], [])
    seen: set[tuple[str, str]] = set()

    def walk(dependant: Any) -> None:
        for kind in ("path_params", "query_params", "body_params"):
            for param in getattr(dependant, kind):
                if (kind, param.name) not in seen:
                    seen.add((kind, param.name))
                    getattr(found, kind).append(param)
        for sub in dependant.dependencies:
            walk(sub)

    walk(route.dependant)
    return found


def _calls(route: APIRoute, table: dict[str, list[Any]]) -> Iterator[dict[str, Any]]:
    """One request per value of the parameter with the most choices (the others fixed)."""
    dependant = route_params(route)
    params = [*dependant.path_params, *dependant.query_params, *dependant.body_params]
    # The form's free-form fields (handlers that read request.form() themselves).
    extra = {"queue", "action", "message", "csrf"} if route.methods & {"POST"} else set()
    names = {p.name for p in params} | extra
    model_fields: dict[str, list[str]] = {}
    for p in dependant.body_params:
        annotation = p.field_info.annotation
        if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
            model_fields[p.name] = list(annotation.model_fields)
            names.discard(p.name)
            names |= set(annotation.model_fields)
    files = {
        p.name
        for p in dependant.body_params
        if p.field_info.annotation is UploadFile or "UploadFile" in str(p.field_info.annotation)
    }
    names -= files
    unknown = sorted(n for n in names if n not in table and not n.startswith("x_"))
    assert not unknown, f"{route.path}: add attacker values for {unknown} to values()"
    widest = max(names, key=lambda n: len(table.get(n, [None])), default=None)
    for choice in table.get(widest, [None]) if widest else [None]:
        chosen = {n: (choice if n == widest else table[n][0]) for n in names if n in table}
        path = route.path
        for p in dependant.path_params:
            path = path.replace("{" + p.name + "}", str(chosen.pop(p.name)))
        query = {p.name: chosen.pop(p.name) for p in dependant.query_params if p.name in chosen}
        request: dict[str, Any] = {"path": path, "params": query}
        if model_fields:
            request["json"] = {f: chosen.get(f, "x") for fs in model_fields.values() for f in fs}
        elif files:
            request["files"] = {f: ("intrang.wav", b"RIFF0000WAVE", "audio/wav") for f in files}
            request["data"] = chosen
        else:
            request["data"] = chosen
        yield request


def all_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every API route, also inside included routers (FastAPI ≥ 0.16x keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            assert not getattr(route.include_context, "prefix", ""), "prefix not handled"
            yield from all_routes(route.original_router.routes)


def _page_routes(web: Web) -> list[APIRoute]:
    app: Any = web.app
    found = [r for r in all_routes(app.routes) if r.path not in STREAMS]
    assert len(found) >= 15, "the route walk missed the app's routes"
    return found


def _attack(client: TestClient, route: APIRoute, table: dict[str, list[Any]], headers: Any) -> None:
    for method in sorted(route.methods - {"HEAD"}):
        for request in _calls(route, table):
            response = client.request(
                method,
                request["path"],
                params=request["params"],
                data=request.get("data") if method != "GET" else None,
                json=request.get("json") if method != "GET" else None,
                files=request.get("files") if method != "GET" else None,
                headers=headers,
            )
            assert response.status_code < 500, (method, request, response.text[:300])
            leaked = [s for s in SECRETS if s in response.text]
            assert not leaked, f"{method} {request['path']} shows tenant A's {leaked}"


def test_no_route_shows_or_changes_another_tenants_data(web: Web, victim: Victim) -> None:
    database = web.center.database
    before = fingerprint(database, A)
    for username in ("olle", "bosse"):  # B's agent and B's admin
        client = web.client()
        csrf = sign_in(client, B, username)
        assert csrf, f"{username} could not sign in"
        table = values(victim, csrf)
        headers = {"X-CSRF-Token": csrf, "X-API-Key": B_KEY}
        for route in _page_routes(web):
            if route.path in ("/login", "/logout", "/password"):
                continue  # they act on the own session only; covered in test_accounts
            _attack(client, route, table, headers)
            assert fingerprint(database, A) == before, f"{route.path} changed tenant A"
    # and A's people still work as before: the contact waits, the callback is there
    assert web.center.acd.contact_view(A, victim.contact_id).state.value == "waiting"


def test_signed_out_visitors_reach_only_the_sign_in_page(web: Web, victim: Victim) -> None:
    client = web.client()
    before = fingerprint(web.center.database, A)
    for route in _page_routes(web):
        if route.path in PUBLIC:
            continue
        for method in sorted(route.methods - {"HEAD"}):
            path = route.path
            for p in route_params(route).path_params:
                path = path.replace("{" + p.name + "}", "x")
            response = client.request(method, path)
            if route.path.startswith("/api/v1/"):  # the pages' snapshot too (issue 9 §4)
                assert response.status_code in (401, 422), (method, path, response.status_code)
            else:
                assert response.status_code == 303, (method, path, response.status_code)
                assert response.headers["location"] == "/login"
    assert fingerprint(web.center.database, A) == before


@pytest.mark.parametrize("username", ["maria", "chef"])
def test_agents_and_supervisors_are_refused_every_admin_route(
    web: Web, victim: Victim, username: str
) -> None:
    client = web.client()
    csrf = sign_in(client, A, username)
    before = fingerprint(web.center.database, A)
    table = values(victim, csrf)
    admin_routes = [r for r in _page_routes(web) if r.path.startswith("/admin")]
    assert len(admin_routes) >= 2
    for route in admin_routes:
        for method in sorted(route.methods - {"HEAD"}):
            for request in _calls(route, table):
                response = client.request(
                    method,
                    request["path"],
                    params=request["params"],
                    data=request.get("data") if method != "GET" else None,
                    files=request.get("files") if method != "GET" else None,
                    headers={"X-CSRF-Token": csrf},
                )
                assert response.status_code == 403, (username, method, request["path"])
    assert fingerprint(web.center.database, A) == before
    if username == "maria":
        assert client.get("/wallboard").status_code == 403


def test_the_live_stream_carries_only_the_own_tenant(web: Web, victim: Victim) -> None:
    client = web.client()
    sign_in(client, B, "olle")
    with client.stream("GET", "/events") as response:
        first = next(line for line in response.iter_lines() if line.startswith("data:"))
    assert "reception" in first
    assert not [s for s in (*SECRETS, "kundtjanst") if s in first]


def test_the_console_stream_carries_only_the_own_tenants_calls(web: Web, victim: Victim) -> None:
    """Issue 16 §8: an operator of tenant B reads her console's stream: her own queues'
    calls only, never A's callers (the push carries the waiting callers' numbers)."""
    web.accounts.add_user(
        B, "otto", "Otto Ek", "operator", PasswordHashing().hash(PASSWORD), "olle"
    )
    client = web.client()
    sign_in(client, B, "otto")
    with client.stream("GET", "/telefonist/handelser") as response:
        assert response.status_code == 200
        first = next(line for line in response.iter_lines() if line.startswith("data:"))
    assert '"waiting"' in first
    assert not [s for s in SECRETS if s in first]


def test_the_directory_stream_carries_only_the_own_tenants_presence(
    web: Web, victim: Victim
) -> None:
    """Issue 13 §6: a presence set in tenant A never reaches tenant B's open pages."""
    import threading
    from datetime import UTC, datetime

    from vaxel.directory.model import Person
    from vaxel.directory.presence import Presence
    from vaxel.runtime.directory_views import Actor

    views = web.app.state.context.directory_views  # type: ignore[attr-defined]
    views.store.put_person(B, Person("olle-ek", "", "Olle", "Ek"))
    operator = Actor("operator", None, "Växeln")
    now = datetime.now(UTC)

    def change_both() -> None:
        threading.Event().wait(0.5)
        views.set_presence(A, operator, "agent-maria", Presence("mote", since=now))
        views.set_presence(B, operator, "olle-ek", Presence("lunch", since=now))

    client = web.client()
    sign_in(client, B, "olle")
    worker = threading.Thread(target=change_both)
    with client.stream("GET", "/katalog/handelser") as response:
        worker.start()
        first = next(line for line in response.iter_lines() if line.startswith("data:"))
    worker.join()
    assert "olle-ek" in first and "agent-maria" not in first


def test_every_page_post_without_its_csrf_token_is_refused_before_anything_changes(
    web: Web, victim: Victim
) -> None:
    """From the route table, so a form route added later without the ``CsrfForm``
    dependency fails here (issue 12 §3): a user whose roles pass every check (a platform
    admin who is also an agent) posts each form without the token — every one is refused
    with the CSRF message, and nothing of the tenant changes (the password and the session
    included)."""
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(A, "plattform", "Plattformen", "platform_admin", hashed, "johan")
    client = web.client()
    table = values(victim, sign_in(client, A, "plattform"))
    web.accounts.add_user(A, "telefonist", "Telefonisten", "operator", hashed, "kristina")
    operator = web.client()  # the console's role is the operator's alone (issue 16)
    assert sign_in(operator, A, "telefonist")
    before = fingerprint(web.center.database, A)
    forms = [
        r
        for r in _page_routes(web)
        if r.methods - {"GET", "HEAD"} and not r.path.startswith("/api/") and r.path != "/login"
    ]
    assert len(forms) >= 20, "the route walk missed the forms"
    for route in forms:
        for method in sorted(route.methods - {"GET", "HEAD"}):
            for request in _calls(route, table):
                data = {k: v for k, v in request.get("data", {}).items() if k != "csrf"}
                poster = operator if route.path.startswith("/telefonist") else client
                response = poster.request(
                    method,
                    request["path"],
                    params=request["params"],
                    data=data,
                    files=request.get("files"),
                )
                assert response.status_code == 403, (method, request["path"], response.text[:200])
                assert "CSRF-kontrollen misslyckades" in response.text, (method, request["path"])
    assert fingerprint(web.center.database, A) == before
    assert client.get("/").status_code == 200  # still signed in: /logout did nothing


def test_the_operator_console_shows_and_changes_nothing_of_another_tenant(
    web: Web, victim: Victim
) -> None:
    """Issue 16: an operator of tenant B aims every console route at A's calls and queues;
    A's agent is refused each of them, A's supervisor the operator's own page."""
    database = web.center.database
    before = fingerprint(database, A)
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(B, "otto", "Otto Ek", "operator", hashed, "olle")
    console = [r for r in _page_routes(web) if r.path.startswith("/telefonist")]
    assert len(console) >= 5
    client = web.client()
    csrf = sign_in(client, B, "otto")
    assert csrf
    for route in console:
        _attack(client, route, values(victim, csrf), {"X-CSRF-Token": csrf})
        assert fingerprint(database, A) == before, f"{route.path} changed tenant A"
    assert web.center.acd.contact_view(A, victim.contact_id).state.value == "waiting"
    operator_only = ("vaxel.web.operator_console", "vaxel.web.console_message_page")
    page_only = [r for r in console if r.endpoint.__module__ in operator_only]
    # an agent is refused every console route; a supervisor only the operator's own page
    # (the night-service switches are for supervisors too: vaxel.web.console_switches)
    for username, refused in (("maria", console), ("chef", page_only)):
        other = web.client()
        token = sign_in(other, A, username)
        before = fingerprint(database, A)  # with their own sessions
        for route in refused:
            for method in sorted(route.methods - {"HEAD"}):
                for request in _calls(route, values(victim, token)):
                    response = other.request(
                        method,
                        request["path"],
                        params=request["params"],
                        data=request.get("data") if method != "GET" else None,
                        headers={"X-CSRF-Token": token},
                    )
                    assert response.status_code == 403, (username, method, request["path"])
        assert fingerprint(database, A) == before
