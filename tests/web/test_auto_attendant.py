"""The automatic attendant switches itself on at high load (issue 16, spec §70): an admin's
rule on /admin/brytare and over REST, off by default, limits refused in Swedish; a caller
waiting in the operator queue past the mark switches the menu on (audited "automatik", the
console's row says "PÅ automatiskt") and the next caller who keys 0 hears the menu."""

from __future__ import annotations

import html
import time

from tests.flow.test_session import keys, plays, session, to_main_menu
from tests.web.conftest import OTHER, Web, flashed, sign_in
from vaxel.acd.events import ContactAbandoned, ContactArrived
from vaxel.flow import EnterQueue
from vaxel.pbx.auto_attendant import AUTO_ACTOR, LoadRule, Move
from vaxel.runtime.auto_attendant import AutoAttendant, LoadRules
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.console_switch_view import switch_states

KEY = "en-nyckel-for-automatiken"
MENU = "telefonistmeny"


def _switches(web: Web) -> FlowSwitches:
    context = web.app.state.context  # type: ignore[attr-defined]
    return FlowSwitches(context.configuration, time.time)


def test_a_caller_waiting_past_the_mark_makes_the_next_caller_hear_the_menu(web: Web) -> None:
    context = web.app.state.context  # type: ignore[attr-defined]
    switches = _switches(web)
    switches.listed(DEMO_TENANT)  # numbered, as the admin page or a phone does first
    rules = LoadRules(context.configuration, time.time)
    rule = rules.put(DEMO_TENANT, LoadRule(True, "vaxel", wait_s=30, min_on_s=60), "admin")
    attendant = AutoAttendant(web.center, switches, context.configuration.database)
    now = time.time()
    assert attendant.next_deadline(now) is not None, "a rule is on: the machine looks"
    web.center.submit(ContactArrived(DEMO_TENANT, "c1", "vaxel"), now)  # nobody answers
    assert attendant.check(DEMO_TENANT, rule, now + 29.0) is None  # below the mark
    assert switches.store.on(DEMO_TENANT) == frozenset()
    assert attendant.check(DEMO_TENANT, rule, now + 31.0) is Move.ON
    [menu] = [s for s in switches.store.of_tenant(DEMO_TENANT) if s.name == MENU]
    assert (menu.on, menu.changed_by) == (True, AUTO_ACTOR)

    # the next caller keys 0 and hears the attendant's menu, not the operator queue
    caller = session(switches=switches.store.on(DEMO_TENANT, now + 32.0))
    to_main_menu(caller)
    out = keys(caller, "0", 5.0)
    assert plays(out) == [("sv/exempelby/telefonistmeny",)]
    assert not any(isinstance(c, EnterQueue) for c in out)
    shown = {s["name"]: s for s in switch_states(context, DEMO_TENANT)}
    assert shown[MENU]["auto"] is True and shown[MENU]["active"] is True

    # the waiting caller leaves: calm, but on for less than min_on_s — stays on
    web.center.submit(ContactAbandoned(DEMO_TENANT, "c1"), now + 40.0)
    assert attendant.check(DEMO_TENANT, rule, now + 45.0) is None
    assert attendant.check(DEMO_TENANT, rule, now + 31.0 + 61.0) is Move.OFF
    assert switches.store.on(DEMO_TENANT) == frozenset()
    rules.put(DEMO_TENANT, LoadRule(), "admin")  # off again: the machine sleeps
    assert attendant.next_deadline(now) is None


def test_an_admin_sets_the_rule_limits_refused_in_swedish(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    page = html.unescape(client.get("/admin/brytare").text)
    assert "Automatisk telefonist vid hög belastning" in page
    assert 'name="enabled" value="1">' in page, "off by default"
    form = {"enabled": "1", "queue_id": "vaxel", "wait_s": "90", "waiting": "8"}
    form |= {"min_on_s": "600"}
    refused = client.post("/admin/brytare/automatik", data=form)
    assert refused.status_code == 403, "no CSRF token, no change"
    for field, value, wording in (
        ("wait_s", "5", "Väntetiden i växelkön ska vara 10–3 600 sekunder, eller 0"),
        ("waiting", "501", "Antalet väntande ska vara 1–500, eller 0"),
        ("waiting", "tre", "Antalet väntande ska vara 1–500, eller 0"),
        ("min_on_s", "30", "Minsta tid påslagen ska vara 60–7 200 sekunder"),
        ("queue_id", "finns-inte", "Välj en av organisationens köer"),
    ):
        bad = client.post("/admin/brytare/automatik", data={**form, field: value, "csrf": csrf})
        assert wording in flashed(client, bad)
    both_off = {**form, "wait_s": "0", "waiting": "0", "csrf": csrf}
    assert "Ange en väntetid" in flashed(
        client, client.post("/admin/brytare/automatik", data=both_off)
    )
    context = web.app.state.context  # type: ignore[attr-defined]
    rules = LoadRules(context.configuration, time.time)
    assert rules.rule(DEMO_TENANT) == LoadRule(), "a refusal stores nothing"
    saved = client.post("/admin/brytare/automatik", data={**form, "csrf": csrf})
    assert flashed(client, saved) == ""
    assert rules.rule(DEMO_TENANT) == LoadRule(True, "vaxel", 90, 8, 600)
    assert rules.rule(OTHER) == LoadRule(), "another organisation's is its own"
    audit = html.unescape(client.get("/admin/audit").text)
    assert "Automatisk telefonist vid hög belastning ändrad" in audit
    assert "på i vaxel vid 90 s eller 8 väntande" in audit


def test_the_rule_over_rest(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "kris", KEY, now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", KEY + "-read", now, ["read"])
    config, reader = {"X-API-Key": KEY}, {"X-API-Key": KEY + "-read"}
    client = web.client()
    path = f"/api/v1/flow-switches/{MENU}/load-rule"
    got = client.get(path, headers=reader)
    assert got.status_code == 200 and got.json()["enabled"] is False  # off by default
    body = {"enabled": True, "queue_id": "vaxel", "wait_s": 120, "waiting": 0, "min_on_s": 300}
    assert client.put(path, json=body, headers=reader).status_code == 403
    done = client.put(path, json=body, headers=config)
    assert done.status_code == 200, done.text
    assert client.get(path, headers=reader).json() == body
    too_soon = client.put(path, json={**body, "wait_s": 5}, headers=config)
    assert too_soon.status_code == 409 and too_soon.json()["code"] == "auto-attendant-wait"
    assert client.put(path, json={**body, "wait_s": 99999}, headers=config).status_code == 422
    unknown = client.put(path, json={**body, "queue_id": "okand"}, headers=config)
    assert unknown.status_code == 409 and unknown.json()["code"] == "auto-attendant-queue"
    other = client.get("/api/v1/flow-switches/nattservice/load-rule", headers=reader)
    assert other.status_code == 404 and other.json()["code"] == "unknown-switch"
    assert client.get(path, headers=reader).json() == body, "refusals stored nothing"


def test_an_operator_s_off_in_a_rush_holds_over_a_restart(web: Web) -> None:
    """Issue 16 (spec §70): the operator switches the menu off by hand during a rush; the
    server restarts (the machine's memory gone) while the rush goes on — her off still
    wins until the load falls back, and the next rush switches it on again. Explicit time."""
    context = web.app.state.context  # type: ignore[attr-defined]
    t0 = time.time()
    clock = [t0]
    switches = FlowSwitches(context.configuration, lambda: clock[0])
    switches.listed(DEMO_TENANT)
    rules = LoadRules(context.configuration, lambda: clock[0])
    rule = rules.put(DEMO_TENANT, LoadRule(True, "vaxel", wait_s=30, min_on_s=60), "admin")
    database = context.configuration.database
    attendant = AutoAttendant(web.center, switches, database)
    web.center.submit(ContactArrived(DEMO_TENANT, "c1", "vaxel"), t0)  # nobody answers
    assert attendant.check(DEMO_TENANT, rule, t0 + 16.0) is None  # past half the mark: a rush
    assert attendant.check(DEMO_TENANT, rule, t0 + 31.0) is Move.ON
    clock[0] = t0 + 40.0
    switches.set(DEMO_TENANT, MENU, False, "kristina")  # the operator: off, by hand
    assert attendant.check(DEMO_TENANT, rule, t0 + 45.0) is None

    restarted = AutoAttendant(web.center, FlowSwitches(context.configuration, time.time), database)
    assert restarted.check(DEMO_TENANT, rule, t0 + 50.0) is None  # her off still holds
    assert restarted.check(DEMO_TENANT, rule, t0 + 300.0) is None
    assert switches.store.on(DEMO_TENANT) == frozenset()

    web.center.submit(ContactAbandoned(DEMO_TENANT, "c1"), t0 + 301.0)  # the load falls back
    assert restarted.check(DEMO_TENANT, rule, t0 + 305.0) is None
    web.center.submit(ContactArrived(DEMO_TENANT, "c2", "vaxel"), t0 + 400.0)  # a new rush
    again = AutoAttendant(web.center, FlowSwitches(context.configuration, time.time), database)
    assert again.check(DEMO_TENANT, rule, t0 + 420.0) is None  # restarted once more
    assert again.check(DEMO_TENANT, rule, t0 + 431.0) is Move.ON  # her hand was the last rush's
