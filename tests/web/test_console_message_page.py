"""A message to a person from the console without script (OP7, issue 16 §4; WCAG): the
card links to a page of its own, filled from the call in hand; it sends by the same
service, limits, rate and Swedish refusals as the script's dialog, then goes back to the
console saying so. The e-mail reaches a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import html
import re
import time
from typing import Any

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from tests.runtime.test_voicemail_service import _free_port, _Inbox
from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from tests.web.test_person_messages import _template
from vaxel.acd.events import AgentLoggedIn, AgentPaused, ContactArrived
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.person_mailer import PersonMailer
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.pbx_voicemail import VoicemailStore
from vaxel.store.person_messages import PersonMessageStore
from vaxel.web.message_rate import MessageRate, Window
from vaxel.web.passwords import PasswordHashing

ELIN_DIRECT = "+46812342091"


def _console(
    web: Web, tenant: str = DEMO_TENANT, agent: str = "kristina"
) -> tuple[TestClient, str]:
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(tenant, "kristina", "Kristina Olsson", "operator", hashed, agent)
    client = web.client()
    csrf = sign_in(client, tenant, "kristina")
    assert csrf
    return client, csrf


def _value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None, name
    return html.unescape(found.group(1))


def test_the_card_links_a_page_that_sends_without_script(web: Web) -> None:
    template_id = _template(web)  # "Ring {namn} på {nummer} angående {ärende}"
    client, csrf = _console(web)
    now = time.time()
    for event in (
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
        ContactArrived(
            DEMO_TENANT, "c-1", "vaxel", caller_number="0709220690", dialled_number=ELIN_DIRECT
        ),
    ):
        web.center.submit(event, now)
    assert client.post(
        "/telefonist/ta", data={"csrf": csrf}, headers={"Accept": "application/json"}
    ).json() == {"error": ""}
    card = client.get("/telefonist/lage").text
    link = re.search(r'id="op-message-link" href="([^"]+)">([^<]+)<', card)
    assert link is not None, "the card links the message page of whom the caller wanted"
    assert html.unescape(link.group(2)) == "Meddelande till Elin Carlsson"
    href = html.unescape(link.group(1))
    assert href.endswith("?samtal=c-1")
    page = client.get(href)
    assert page.status_code == 200
    assert "<h1>Meddelande till Elin Carlsson</h1>" in page.text
    # filled from the call in hand, as the dialog is: the caller's name and number, her name
    assert _value(page.text, "nummer") == "0709220690"
    assert _value(page.text, "namn") == "Elin Carlsson"
    assert _value(page.text, "telefonist") == "Kristina Olsson"
    assert re.fullmatch(r"\d\d:\d\d", _value(page.text, "tid"))
    assert f'<option value="{template_id}" selected>' in page.text
    action = href.split("?")[0]
    filled = {"csrf": csrf, "template_id": template_id, "namn": "Sven Berg", "nummer": "070-1"}
    no_csrf = client.post(action, data={"template_id": template_id, "ärende": "x"})
    assert no_csrf.status_code == 403
    empty = client.post(action, data={**filled, "channel": "presence"})
    assert empty.status_code == 409, "a placeholder the template uses is left empty"
    assert "Fyll i {ärende}" in html.unescape(empty.text)
    assert _value(empty.text, "namn") == "Sven Berg"  # what she wrote is kept
    long = client.post(action, data={**filled, "ärende": "x" * 201, "channel": "presence"})
    assert long.status_code == 409 and "Ärende: högst 200 tecken" in html.unescape(long.text)
    sent = client.post(action, data={**filled, "ärende": "bygglovet", "channel": "presence"})
    assert sent.status_code == 303 and sent.headers["location"] == "/telefonist"
    console = client.get("/telefonist").text
    said = re.search(r'<p id="op-said"[^>]*>(.*?)</p>', console, re.S)
    assert said is not None and said.group(1) == "Meddelandet till Elin Carlsson är skickat"
    assert 'id="op-error" class="error" role="alert"></p>' in console  # no refusal
    again = client.get("/telefonist").text  # said once
    assert 'role="status"></p>' in again
    # a call not in her hand is not hers to fill a page from
    assert client.get(f"{action}?samtal=c-annan").status_code == 404


def test_the_page_sends_an_e_mail_and_keeps_the_cap_and_other_tenants_out(web: Web) -> None:
    client, csrf = _console(web)
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    context.message_rate = MessageRate(Window(1, 600.0), Window(10, 3600.0))
    page = client.get("/telefonist/meddelande/agent-maria")  # no call in hand: still a form
    assert page.status_code == 200 and _value(page.text, "nummer") == ""
    data = {"csrf": csrf, "template_id": "", "text": "Ring Sven Berg", "channel": "email"}
    sent = client.post("/telefonist/meddelande/agent-maria", data=data)
    assert sent.status_code == 303, sent.text
    capped = client.post("/telefonist/meddelande/agent-maria", data=data)
    assert capped.status_code == 429 and int(capped.headers["retry-after"]) > 500
    assert "Högst 1 meddelanden på 10 minuter från dig" in html.unescape(capped.text)
    store = PersonMessageStore(context.database)
    port = _free_port()
    server = MailServer("127.0.0.1", port, "vaxel@example.se", security=MailSecurity.NONE)
    mailer = PersonMailer(store, VoicemailStore(context.database), server, time.time)
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mailer.send_due(time.time()) == 1
    finally:
        controller.stop()
    (mail,) = inbox.mails  # one: the capped one was not sent
    assert mail["To"] == "maria@exempelby.se"
    assert "Ring Sven Berg" in mail.get_payload(decode=True).decode()
    # another organisation's operator: Maria is nobody there
    other, other_csrf = _console(web, OTHER, "olle")
    assert other.get("/telefonist/meddelande/agent-maria").status_code == 404
    refused = other.post("/telefonist/meddelande/agent-maria", data={**data, "csrf": other_csrf})
    assert refused.status_code == 404
