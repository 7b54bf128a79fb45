"""Messages to a person over the REST API (OP7, issue 16 §4): a key with ``messages:send``
lists the templates and sends one, signed with the key's name, which the person reads on
"Min hänvisning"; a key without the scope, another organisation's key, an unknown person
and a bad channel are refused and nothing is sent."""

from __future__ import annotations

import html
import time
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from tests.runtime.test_voicemail_service import _free_port, _Inbox
from tests.web.conftest import OTHER, Web, sign_in
from tests.web.test_person_messages import BODY, _template
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.person_mailer import PersonMailer
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.pbx_voicemail import VoicemailStore
from vaxel.store.person_messages import PersonMessageStore


@pytest.fixture
def keys(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "intranät", "skicka", now, ["messages:send"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", "las", now, ["read", "directory:read"])
    web.accounts.add_api_key(OTHER, "annan", "annan", now, ["messages:send"])


def _h(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def test_a_key_sends_a_templated_message_the_person_reads_it(web: Web, keys: None) -> None:
    template_id = _template(web)
    api = web.client()
    listed = api.get("/api/v1/message-templates", headers=_h("skicka"))
    assert listed.status_code == 200, listed.text
    assert [(t["template_id"], t["body"]) for t in listed.json()] == [(template_id, BODY)]
    fields = {"namn": "Sven Berg", "nummer": "070-123 45 67", "ärende": "fakturan"}
    sent = api.post(
        "/api/v1/people/agent-maria/messages",
        json={"template_id": template_id, "fields": fields},
        headers=_h("skicka"),
    )
    assert sent.status_code == 201, sent.text
    text = "Ring Sven Berg på 070-123 45 67 angående fakturan"
    assert sent.json()["text"] == text and sent.json()["channels"] == ["presence"]
    maria = web.client()
    sign_in(maria, DEMO_TENANT, "maria")
    mine = html.unescape(maria.get("/min-hanvisning").text)
    assert text in mine and "API: intranät" in mine


def test_without_the_scope_or_from_another_organisation_nothing_is_sent(
    web: Web, keys: None
) -> None:
    template_id = _template(web)
    api = web.client()
    message = {"text": "Ring Sven"}
    assert api.post("/api/v1/people/agent-maria/messages", json=message).status_code == 401
    no_scope = api.post("/api/v1/people/agent-maria/messages", json=message, headers=_h("las"))
    assert no_scope.status_code == 403 and "messages:send" in no_scope.text
    assert api.get("/api/v1/message-templates", headers=_h("annan")).json() == []
    other = api.post("/api/v1/people/agent-maria/messages", json=message, headers=_h("annan"))
    assert other.status_code == 404
    foreign_template = api.post(
        "/api/v1/people/agent-maria/messages",
        json={"template_id": template_id},
        headers=_h("annan"),
    )
    assert foreign_template.status_code == 404
    unknown = api.post("/api/v1/people/ingen/messages", json=message, headers=_h("skicka"))
    assert unknown.status_code == 404
    channel = api.post(
        "/api/v1/people/agent-maria/messages",
        json={"text": "Ring Sven", "channels": ["fax"]},
        headers=_h("skicka"),
    )
    assert channel.status_code in (409, 422), channel.text
    maria = web.client()
    sign_in(maria, DEMO_TENANT, "maria")
    assert "Ring Sven" not in maria.get("/min-hanvisning").text


def test_fields_beyond_the_placeholders_are_refused_and_nothing_is_sent(
    web: Web, keys: None
) -> None:
    """Every input has a limit (issue 16 §4, OP7): a key may name only the template's
    placeholders, each name short — not thousands of made-up fields or a name of 100 kB
    in one request (the body limit alone let 1 MiB of names through)."""
    template_id = _template(web)
    api = web.client()
    many = {f"fält{i}": "x" for i in range(5_000)}
    long_name = {"n" * 100_000: "x"}
    for fields in (many, long_name):
        sent = api.post(
            "/api/v1/people/agent-maria/messages",
            json={"template_id": template_id, "fields": fields},
            headers=_h("skicka"),
        )
        assert sent.status_code == 422, sent.text[:200]
    maria = web.client()
    sign_in(maria, DEMO_TENANT, "maria")
    assert "angående" not in html.unescape(maria.get("/min-hanvisning").text)


def test_a_key_named_over_two_lines_still_gets_its_e_mail_through_on_one_subject_line(
    web: Web,
) -> None:
    """The message's sender is the key's name (OP7, issue 16 §4), which an admin typed: a
    line break in it must neither add a header (Bcc) nor make the mail unsendable — the
    e-mail library refused the subject, so the outbox row failed for ever, hourly, while
    the API had answered 201 'email'."""
    now = time.time()
    web.accounts.add_api_key(
        DEMO_TENANT, "Intranät\r\nBcc: spion@example.se", "tvarad", now, ["messages:send"]
    )
    sent = web.client().post(
        "/api/v1/people/agent-maria/messages",
        json={"text": "Ring Sven Berg", "channels": ["email"]},
        headers=_h("tvarad"),
    )
    assert sent.status_code == 201, sent.text
    context = web.app.state.context  # type: ignore[attr-defined]
    store = PersonMessageStore(context.database)
    port = _free_port()
    server = MailServer("127.0.0.1", port, "vaxel@example.se", security=MailSecurity.NONE)
    mailer = PersonMailer(store, VoicemailStore(context.database), server, lambda: now)
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mailer.send_due(now + 1.0) == 1, store.due_mail(10**10)
    finally:
        controller.stop()
    (mail,) = inbox.mails
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == "Meddelande från växeln (API: Intranät Bcc: spion@example.se)"
    assert mail["Bcc"] is None and mail["To"] == "maria@exempelby.se"


def test_a_template_field_left_out_is_refused_by_name_not_sent_blank(web: Web, keys: None) -> None:
    template_id = _template(web)
    api = web.client()
    sent = api.post(
        "/api/v1/people/agent-maria/messages",
        json={"template_id": template_id, "fields": {"namn": "Sven Berg", "nummer": " "}},
        headers=_h("skicka"),
    )
    assert sent.status_code in (409, 422) and "Fyll i {nummer}" in sent.text, sent.text
    maria = web.client()
    sign_in(maria, DEMO_TENANT, "maria")
    assert "Ring Sven Berg" not in html.unescape(maria.get("/min-hanvisning").text)
