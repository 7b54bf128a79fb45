"""One organisation's line states never reach another's pages (issue 16, DIR4, OP2, OP4,
tenant isolation): both have a person "olle-ek"; a call makes tenant A's Olle *Upptagen* —
tenant B's operator finds her own Olle free in the console's search and the directory's
search, and her open page's live stream carries only her own Olle's change."""

from __future__ import annotations

import re
import threading

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from vaxel.directory.model import Person
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing

A, B, OLLE = DEMO_TENANT, OTHER, "olle-ek"


def status_of(client: TestClient, path: str) -> str:
    """Olle's status in a search hit (the console's or the directory's)."""
    found = client.get(path, params={"q": "olle ek"})
    assert found.status_code == 200, found.text[:300]
    hit = re.search(rf'data-person="{OLLE}"(.*?)</li>', found.text, re.S)
    assert hit is not None, found.text[:500]
    status = re.search(r'data-field="status"[^>]*>([^<]*)<', hit.group(1))
    assert status is not None, hit.group(1)[:300]
    return status.group(1).strip()


def operator_of(web: Web, tenant: str, username: str) -> TestClient:
    web.accounts.add_user(
        tenant, username, username.title(), "operator", PasswordHashing().hash(PASSWORD), "olle"
    )
    client = web.client()
    assert sign_in(client, tenant, username)
    return client


def test_a_call_in_one_organisation_never_shows_in_another_s_search_or_stream(web: Web) -> None:
    views = web.app.state.context.directory_views  # type: ignore[attr-defined]
    lines = views.lines  # the app's PbxReach: telephony's line report, what pages read
    for tenant in (A, B):
        views.store.put_person(tenant, Person(OLLE, "", "Olle", "Ek"))
    theirs, ours = operator_of(web, A, "tova"), operator_of(web, B, "otto")
    lines.answered(A, OLLE, "sip-call-in-a")
    assert status_of(theirs, "/telefonist/sok") == "Upptagen"
    assert status_of(ours, "/telefonist/sok") == "Tillgänglig"
    assert status_of(ours, "/katalog/sok") == "Tillgänglig"

    def change_both() -> None:
        threading.Event().wait(0.5)  # her stream is open
        lines.left(A, OLLE, "sip-call-in-a")
        lines.ringing(B, OLLE, "sip-call-in-b")  # the marker: her own Olle rings

    worker = threading.Thread(target=change_both)
    with ours.stream("GET", "/katalog/handelser") as response:
        worker.start()
        first = next(line for line in response.iter_lines() if line.startswith("data:"))
    worker.join()
    assert OLLE in first and '"ringing"' in first, first  # B's change, not A's "idle"
    assert status_of(ours, "/telefonist/sok") == "Ringer"
    assert status_of(theirs, "/telefonist/sok") == "Tillgänglig"
