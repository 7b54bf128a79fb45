"""A web app over a real ContactCenter with two tenants and their users."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import migrated_sqlite
from vaxel.acd.events import AgentConfigured, QueueConfigured
from vaxel.acd.model import AgentProfile, QueueConfig
from vaxel.demo import seed_demo_tenant
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import Tenant, Tenants, open_database
from vaxel.store.accounts import Accounts
from vaxel.web.app import WebSettings, create_app
from vaxel.web.passwords import PasswordHashing

OTHER = "annanstad"
PASSWORD = "hemligt-losenord"


@dataclass
class Web:
    center: ContactCenter
    accounts: Accounts
    app: object

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)  # type: ignore[arg-type]


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    url = migrated_sqlite(tmp_path / "web.db")
    database = open_database(url)
    center = ContactCenter(database)
    now = time.time()
    seed_demo_tenant(center, url, now)
    Tenants(database).add(Tenant(OTHER, "Annanstad", "+46101111111"))
    center.submit(QueueConfigured(QueueConfig(OTHER, "reception", "Reception")), now)
    center.submit(
        AgentConfigured(AgentProfile(OTHER, "olle", "Olle Ek", permitted_queues=("reception",))),
        now,
    )
    accounts = Accounts(database)
    hashed = PasswordHashing().hash(PASSWORD)
    accounts.add_user(DEMO_TENANT, "maria", "Maria Johansson", "agent", hashed, "maria")
    accounts.add_user(DEMO_TENANT, "johan", "Johan Nilsson", "agent", hashed, "johan")
    accounts.add_user(DEMO_TENANT, "chef", "Chefen", "supervisor", hashed)
    accounts.add_user(DEMO_TENANT, "admin", "Administratören", "tenant_admin", hashed)
    accounts.add_user(OTHER, "olle", "Olle Ek", "agent", hashed, "olle")
    yield Web(center, accounts, create_app(center, database, WebSettings()))


def sign_in(client: TestClient, tenant: str, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the page's CSRF token."""
    page = client.get("/login")
    login_csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = client.post(
        "/login",
        data={
            "organisation": tenant,
            "username": username,
            "password": password,
            "csrf": login_csrf,
        },
    )
    if response.status_code == 401:  # refused: the form again, with its alert
        return ""
    assert response.status_code == 303 and response.headers["location"] == "/"
    home = client.get("/")
    return re.search(r'name="csrf" value="([^"]+)"', home.text).group(1)  # type: ignore[union-attr]


from tests.web.browsing import browser, site  # noqa: E402 — fixtures for the browser tests

__all__ = ["browser", "site"]


def flashed(client: TestClient, response: object) -> str:
    """The alert on the page a form post redirected to (the session's flash, issue 9 §4);
    empty when the post succeeded without a message. Follows the redirect, so the flash is
    taken, as a browser would."""
    assert response.status_code == 303, response.status_code  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert "error=" not in location  # the message never rides in the URL
    page = client.get(location)
    found = re.search(r'role="alert"[^>]*>(.*?)</p>', page.text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""
