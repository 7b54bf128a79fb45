"""The audit log (issue 12 §6): who changed whose account, role, password or API key, and
when — written with each change, shown to the tenant's admins, never across tenants."""

from __future__ import annotations

from tests.web.conftest import OTHER, Web, sign_in
from tests.web.test_admin_users import NEW_PASSWORD, admin, create_nina
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.audit import AuditLog


def test_account_and_key_changes_are_logged_with_who_and_shown_to_admins(web: Web) -> None:
    client, csrf = admin(web)
    nina = create_nina(client, csrf)
    client.post(f"/admin/users/{nina}/password", data={"csrf": csrf, "password": NEW_PASSWORD})
    client.post(f"/admin/users/{nina}/deactivate", data={"csrf": csrf})
    made = client.post(
        "/admin/api-keys", data={"csrf": csrf, "name": "Webbplatsen", "scopes": "read"}
    )
    assert made.status_code == 200
    key_id = made.text.split("Ny nyckel", 1)[1].split("<", 1)[0].strip()
    client.post(f"/admin/api-keys/{key_id}/revoke", data={"csrf": csrf})

    log = AuditLog(web.center.database).entries(DEMO_TENANT)
    told = [(e.actor, e.action, e.subject) for e in reversed(log)][-5:]
    assert told == [
        ("admin", "user_added", "nina"),
        ("admin", "password_set", "nina"),
        ("admin", "account_deactivated", "nina"),
        ("admin", "api_key_added", "Webbplatsen"),
        ("admin", "api_key_revoked", key_id),
    ]
    others = AuditLog(web.center.database).entries(OTHER)
    assert others and all(e.subject not in ("nina", "Webbplatsen") for e in others)

    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert "Behörighetslogg" in page.text and "Konto avaktiverat" in page.text
    assert "API-nyckel återkallad" in page.text and "nina" in page.text


def test_an_agent_cannot_read_the_audit_log(web: Web) -> None:
    agent = web.client()
    assert sign_in(agent, DEMO_TENANT, "johan")
    assert agent.get("/admin/audit").status_code in (303, 403)
