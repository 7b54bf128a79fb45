"""Night service and the emergency message from the operator console (OP6, IVR6, spec
§69–71; issue 16 §5): one JSON call with the session's CSRF token flips a switch, audited
as the operator; agents may not; another organisation's switch is never reached."""

from __future__ import annotations

import html
import time

from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.console_switch_view import switch_states
from vaxel.web.passwords import PasswordHashing


def _on(web: Web, tenant: str = DEMO_TENANT) -> frozenset[str]:
    context = web.app.state.context  # type: ignore[attr-defined]
    return FlowSwitches(context.configuration, time.time).store.on(tenant)


def test_an_operator_switches_night_service_on_and_off_with_one_call(web: Web) -> None:
    web.accounts.add_user(
        DEMO_TENANT, "vera", "Vera Växel", "operator", PasswordHashing().hash(PASSWORD)
    )
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "vera")
    listed = client.get("/telefonist/brytare")
    assert listed.status_code == 200
    assert [(s["name"], s["on"], s["active"]) for s in listed.json()] == [
        ("driftstorning", False, False),
        ("nattservice", False, False),
        ("telefonistmeny", False, False),
    ]
    refused = client.put("/telefonist/brytare/nattservice", json={"on": True})
    assert refused.status_code == 403 and _on(web) == frozenset(), "no CSRF token, no change"
    headers = {"X-CSRF-Token": csrf}
    night = client.put("/telefonist/brytare/nattservice", json={"on": True}, headers=headers)
    assert night.status_code == 200, night.text
    assert (night.json()["on"], night.json()["active"], night.json()["changed_by"]) == (
        True,
        True,
        "vera",
    )
    assert _on(web) == frozenset({"nattservice"})
    alarm = client.put("/telefonist/brytare/driftstorning", json={"on": True}, headers=headers)
    assert alarm.status_code == 200 and _on(web) == frozenset({"nattservice", "driftstorning"})
    off = client.put("/telefonist/brytare/nattservice", json={"on": False}, headers=headers)
    assert off.status_code == 200 and _on(web) == frozenset({"driftstorning"})
    attendant = client.put(  # spec §70: the automatic attendant, the same kind of switch
        "/telefonist/brytare/telefonistmeny", json={"on": True}, headers=headers
    )
    assert attendant.status_code == 200 and attendant.json()["active"] is True
    assert _on(web) == frozenset({"driftstorning", "telefonistmeny"})
    shown = switch_states(web.app.state.context, DEMO_TENANT)  # type: ignore[attr-defined]
    assert {"name": "telefonistmeny", "title": "Automatisk telefonist", "active": True,
            "auto": False, "key": "T"} in shown  # fmt: skip
    assert (
        client.put(
            "/telefonist/brytare/telefonistmeny", json={"on": False}, headers=headers
        ).json()["active"]
        is False
    )
    unknown = client.put("/telefonist/brytare/finns-inte", json={"on": True}, headers=headers)
    assert unknown.status_code == 404
    bad = client.put("/telefonist/brytare/nattservice", json={"on": "kanske"}, headers=headers)
    assert bad.status_code == 400 and _on(web) == frozenset({"driftstorning"})

    admin = web.client()
    sign_in(admin, DEMO_TENANT, "admin")
    audit = html.unescape(admin.get("/admin/audit").text)
    assert "Brytare ändrad" in audit and "nattservice" in audit and "vera" in audit


def test_an_agent_may_not_switch_night_service(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    listed = client.get("/telefonist/brytare")
    assert listed.status_code == 403
    put = client.put(
        "/telefonist/brytare/nattservice", json={"on": True}, headers={"X-CSRF-Token": csrf}
    )
    assert put.status_code == 403 and _on(web) == frozenset()
    assert "telefonistbehörighet" in put.text


def test_another_organisations_switch_is_not_reached(web: Web) -> None:
    web.accounts.add_user(OTHER, "otto", "Otto Ek", "operator", PasswordHashing().hash(PASSWORD))
    client = web.client()
    csrf = sign_in(client, OTHER, "otto")
    assert client.get("/telefonist/brytare").json() == []
    put = client.put(
        "/telefonist/brytare/nattservice", json={"on": True}, headers={"X-CSRF-Token": csrf}
    )
    assert put.status_code == 404 and _on(web) == frozenset()
