"""Errors as a person or a program expects them (issue 9 §4).

A page answers with an HTML error page in the user's language and a link back; the REST API
with RFC 9457 problem details; a message after a form post comes from the session's flash,
never from the URL.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Web, flashed, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.i18n import LANGUAGE_COOKIE

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def signed_in(web: Web, username: str, language: str = "") -> tuple[TestClient, str]:
    client = web.client()
    if language:
        client.cookies.set(LANGUAGE_COOKIE, language)
    return client, sign_in(client, DEMO_TENANT, username)


def test_an_agent_on_the_wallboard_gets_a_page_in_swedish_with_a_way_back(web: Web) -> None:
    client, _ = signed_in(web, "maria")
    refused = client.get("/wallboard", headers=BROWSER)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert '<html lang="sv">' in refused.text
    assert "Åtkomst nekad" in refused.text and "Väggtavlan är för arbetsledare" in refused.text
    assert 'href="/"' in refused.text and "Till startsidan" in refused.text
    assert '"detail"' not in refused.text


def test_the_error_page_follows_the_language_cookie(web: Web) -> None:
    client, _ = signed_in(web, "maria", "en")
    refused = client.get("/wallboard", headers=BROWSER)
    assert refused.status_code == 403
    assert '<html lang="en">' in refused.text
    assert "Access denied" in refused.text and "The wallboard is for supervisors" in refused.text
    assert "Back to the start page" in refused.text
    missing = client.get("/ingen-sadan-sida", headers=BROWSER)
    assert missing.status_code == 404 and "There is no page at that address." in missing.text


def test_an_unknown_url_is_an_html_page_for_a_browser_and_a_problem_for_the_api(
    web: Web,
) -> None:
    client = web.client()
    page = client.get("/ingen-sadan-sida", headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Det finns ingen sida på den adressen." in page.text and 'href="/"' in page.text
    assert "Not Found" not in page.text
    api = client.get("/api/v1/ingen-sadan", headers=BROWSER)
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    problem = api.json()
    assert problem["type"] == "about:blank"
    assert problem["status"] == 404 and problem["title"] == "Hittades inte"
    assert problem["detail"] and problem["detail"] != "Not Found"
    english = client.get("/api/v1/ingen-sadan", headers={"Accept-Language": "en-GB,sv;q=0.5"})
    assert english.json()["title"] == "Not found"
    assert english.headers["content-language"] == "en"


def test_a_bad_form_value_is_a_swedish_page_not_an_english_422(web: Web) -> None:
    client = web.client()
    refused = client.post("/login", data={"username": "maria"}, headers=BROWSER)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("text/html")
    assert "Formuläret innehöll ogiltiga uppgifter" in refused.text
    assert "organisation: saknas" in refused.text
    assert "Field required" not in refused.text and '"loc"' not in refused.text


def test_error_in_the_url_is_not_shown_the_flash_is_shown_once(web: Web) -> None:
    client, csrf = signed_in(web, "maria")
    page = client.get("/?error=Ring%20033-123456%20och%20ange%20ditt%20l%C3%B6senord").text
    assert "033-123456" not in page and 'role="alert"' not in page
    assert "Fel användarnamn" not in web.client().get("/login?error=1").text
    admin, _ = signed_in(web, "admin")
    assert "falskt" not in admin.get("/admin/users?error=falskt").text
    # A refusal after a post is shown on the page the post leads to, once.
    empty = client.post(
        "/callbacks/okand/close", data={"csrf": csrf, "outcome": "done", "note": " ", "next": "/"}
    )
    message = "Skriv en kort anteckning om vad som hände"
    assert flashed(client, empty) == message
    assert message not in client.get("/").text


def test_a_link_cannot_claim_that_a_flow_or_schedule_was_saved(web: Web) -> None:
    """ "Sparat." comes from the session after a real save, never from ``?saved=1``: a link
    must not tell an admin that a change they never made is in force (issue 9 §4)."""
    admin, _ = signed_in(web, "admin")
    for page in ("/admin/flows/huvudflode", "/admin/schedules/kontorstid"):
        shown = admin.get(f"{page}?saved=1")
        assert shown.status_code == 200 and "Sparat" not in shown.text, page


def test_a_session_only_api_path_answers_a_program_with_a_401_problem(web: Web) -> None:
    """The pages' own JSON (``/api/v1/snapshot``) needs a signed-in session: a program
    without one gets a problem, not a redirect to the HTML sign-in page, and the REST API's
    OpenAPI document does not offer it to an API key (issue 9 §4, §9)."""
    client = web.client()
    refused = client.get("/api/v1/snapshot", headers={"X-API-Key": "x", "Accept-Language": "en"})
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["title"] == "Sign-in required" and "location" not in refused.headers
    assert client.get("/wallboard").headers["location"] == "/login"  # a page still redirects
    assert "/api/v1/snapshot" not in client.get("/api/openapi.json").json()["paths"]


def test_an_action_the_engine_refuses_is_explained_in_the_users_language(web: Web) -> None:
    """A click that lost a race (the wrap-up already over, the caller already gone) is told
    in Swedish or English, not in the engine's English ("agent: WrapUpCancelled is not
    allowed in state logged_out", "unknown contact 'c-borta' in tenant …"; issue 9 §4)."""
    client, csrf = signed_in(web, "maria")
    done = client.post("/agent/contact", data={"csrf": csrf, "action": "cancel_wrapup"})
    assert (
        flashed(client, done)
        == "Det gick inte just då: läget hade hunnit ändras. Sidan visar läget nu."
    )
    gone = client.post("/agent/pick", data={"csrf": csrf, "contact": "c-borta"})
    assert flashed(client, gone) == "Ärendet finns inte längre"
    english, csrf = signed_in(web, "johan", "en")
    gone = english.post("/agent/pick", data={"csrf": csrf, "contact": "c-borta"})
    assert flashed(english, gone) == "The contact no longer exists"
