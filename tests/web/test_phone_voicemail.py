"""The voicemail section of "Min telefon" (PBX4): the person's own messages listed, played
(WAV with the session, never another person's or tenant's), marked heard and deleted; a PIN
refused in Swedish unless 4–8 digits; the e-mail address; a greeting uploaded and removed."""

from __future__ import annotations

import array
import io
import re
import time
import wave
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, flashed, sign_in
from vaxel.demo import seed_demo_tenant
from vaxel.pbx.voicemail import name_prompt
from vaxel.prompts.library import PromptLibrary
from vaxel.runtime import ContactCenter
from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.accounts import Accounts
from vaxel.store.audit import AuditLog
from vaxel.store.directory import DirectoryStore
from vaxel.store.pbx_voicemail import VoicemailStore
from vaxel.web.app import WebSettings, create_app
from vaxel.web.passwords import PasswordHashing

PAGE = "/min-telefon/rostbrevlada"


def _wav(seconds: float, channels: int = 2) -> bytes:
    import math

    count = int(8000 * seconds)
    samples = array.array(
        "h", (int(8000 * math.sin(2 * math.pi * 440 * n / 8000)) for n in range(count))
    )
    frames = array.array("h", (s for s in samples for _ in range(channels)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(frames.tobytes())
    return buffer.getvalue()


@pytest.fixture
def site(tmp_path: Path) -> tuple[TestClient, TestClient, VoicemailService]:
    url = f"sqlite:///{tmp_path}/web.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    seed_demo_tenant(center, url, time.time())
    Tenants(database).add(Tenant(OTHER, "Annanstad", "+46101111111"))
    accounts = Accounts(database)
    hashed = PasswordHashing().hash(PASSWORD)
    accounts.add_user(DEMO_TENANT, "maria", "Maria Johansson", "agent", hashed, "maria")
    accounts.add_user(DEMO_TENANT, "johan", "Johan Nilsson", "agent", hashed, "johan")
    service = VoicemailService(
        VoicemailStore(database),
        VoicemailFiles(tmp_path / "vm"),
        time.time,
        directory=DirectoryStore(database),
    )
    app = create_app(center, database, WebSettings(), voicemail=service)
    maria, johan = (TestClient(app, follow_redirects=False) for _ in range(2))
    sign_in(maria, DEMO_TENANT, "maria")
    sign_in(johan, DEMO_TENANT, "johan")
    return maria, johan, service


def _leave(service: VoicemailService, person: str, message_id: str, caller: str) -> None:
    files = service.files
    path = files.path(files.message_file(DEMO_TENANT, person, message_id))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_wav(2.0))
    assert service.recorded(DEMO_TENANT, person, message_id, caller, time.time())


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_messages_listed_played_heard_and_deleted(
    site: tuple[TestClient, TestClient, VoicemailService],
) -> None:
    maria, johan, service = site
    page = maria.get(PAGE)
    assert page.status_code == 200 and "Du har inga meddelanden." in page.text
    _leave(service, "agent-maria", "m1", "0701234567")
    page = maria.get(PAGE)
    assert "0701234567" in page.text and "1 nya av 1" in page.text
    assert f'src="{PAGE}/m1.wav"' in page.text
    audio = maria.get(f"{PAGE}/m1.wav")
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    assert audio.content.startswith(b"RIFF") and "no-store" in audio.headers["cache-control"]
    assert johan.get(f"{PAGE}/m1.wav").status_code == 404, "another person's message"
    assert johan.post(
        f"{PAGE}/m1/radera", data={"csrf": _csrf(johan.get(PAGE).text)}
    ).status_code in (303, 404)
    assert [m.message_id for m in service.messages(DEMO_TENANT, "agent-maria")] == ["m1"]
    assert TestClient(maria.app).get(f"{PAGE}/m1.wav", follow_redirects=False).status_code in (
        303,
        401,
    ), "not without a session"
    csrf = _csrf(page.text)
    assert maria.post(f"{PAGE}/m1/radera", data={}).status_code == 403, "CSRF"
    heard = maria.post(f"{PAGE}/m1/lyssnat", data={"csrf": csrf, "heard": "1"})
    assert flashed(maria, heard) == ""
    assert service.messages(DEMO_TENANT, "agent-maria")[0].heard
    assert "0 nya av 1" in maria.get(PAGE).text
    deleted = maria.post(f"{PAGE}/m1/radera", data={"csrf": csrf})
    assert flashed(maria, deleted) == ""
    assert service.messages(DEMO_TENANT, "agent-maria") == []
    assert maria.get(f"{PAGE}/m1.wav").status_code == 404
    gone = maria.post(f"{PAGE}/m1/radera", data={"csrf": csrf})
    assert gone.status_code == 404 or flashed(maria, gone) == "Meddelandet finns inte"


def test_pin_email_and_greeting(site: tuple[TestClient, TestClient, VoicemailService]) -> None:
    maria, _, service = site
    csrf = _csrf(maria.get(PAGE).text)
    refused = maria.post(f"{PAGE}/kod", data={"csrf": csrf, "pin": "12a"})
    assert flashed(maria, refused) == "Koden ska vara 4–8 siffror"
    own = service.ensure_mailbox(DEMO_TENANT, "agent-maria", "", "").number
    for guessable in ("1234", "0000", "98765", own):  # tried first by a guesser (task R)
        weak = maria.post(f"{PAGE}/kod", data={"csrf": csrf, "pin": guessable})
        assert flashed(maria, weak).startswith("Välj en svårare kod"), guessable
        assert not service.mailbox(DEMO_TENANT, "agent-maria").pin_hash  # type: ignore[union-attr]
    assert flashed(maria, maria.post(f"{PAGE}/kod", data={"csrf": csrf, "pin": "4711"})) == ""
    mailbox = service.mailbox(DEMO_TENANT, "agent-maria")
    assert mailbox is not None and mailbox.pin_hash.startswith("$argon2")
    assert service.check_pin(DEMO_TENANT, mailbox.number, "4711") is not None
    bad = maria.post(f"{PAGE}/epost", data={"csrf": csrf, "email": "inte en adress"})
    assert flashed(maria, bad) == "Skriv en e-postadress som namn@exempel.se"
    maria.post(f"{PAGE}/epost", data={"csrf": csrf, "email": "maria@exempelby.se"})
    assert service.mailbox(DEMO_TENANT, "agent-maria").email == "maria@exempelby.se"  # type: ignore[union-attr]
    uploaded = maria.post(
        f"{PAGE}/halsning",
        data={"csrf": csrf, "kind": "personal"},
        files={"file": ("halsning.wav", _wav(1.0, channels=1), "audio/wav")},
    )
    assert flashed(maria, uploaded) == ""
    assert "personal" in {k.value for k in service.mailbox(DEMO_TENANT, "agent-maria").greetings}  # type: ignore[union-attr]
    not_audio = maria.post(
        f"{PAGE}/halsning",
        data={"csrf": csrf, "kind": "presence"},
        files={"file": ("x.wav", b"not audio at all", "audio/wav")},
    )
    assert "x.wav" in flashed(maria, not_audio)
    removed = maria.post(f"{PAGE}/halsning", data={"csrf": csrf, "kind": "personal", "remove": "1"})
    assert flashed(maria, removed) == ""
    assert service.mailbox(DEMO_TENANT, "agent-maria").greetings == frozenset()  # type: ignore[union-attr]


def test_rest_lists_fetches_changes_and_deletes_within_the_tenant(
    site: tuple[TestClient, TestClient, VoicemailService],
) -> None:
    maria, _, service = site
    accounts = Accounts(maria.app.state.context.database)  # type: ignore[attr-defined]
    now = time.time()
    accounts.add_api_key(DEMO_TENANT, "intranat", "las-nyckel-for-test", now, ["phone:read"])
    accounts.add_api_key(DEMO_TENANT, "skript", "skriv-nyckel-for-test", now, ["phone:write"])
    accounts.add_api_key(
        OTHER, "annan", "annan-nyckel-for-test", now, ["phone:read", "phone:write"]
    )
    _leave(service, "agent-maria", "m1", "0701234567")
    api = TestClient(maria.app)
    base = "/api/v1/pbx/voicemail/agent-maria/messages"
    reader, writer = {"X-API-Key": "las-nyckel-for-test"}, {"X-API-Key": "skriv-nyckel-for-test"}
    other = {"X-API-Key": "annan-nyckel-for-test"}
    listed = api.get(base, headers=reader)
    assert listed.status_code == 200
    (item,) = listed.json()
    assert (item["message_id"], item["caller"], item["heard"]) == ("m1", "0701234567", False)
    audio = api.get(f"{base}/m1/audio", headers=reader)
    assert audio.status_code == 200 and audio.content.startswith(b"RIFF")
    assert api.get(base, headers=other).json() == [], "another tenant sees nothing"
    assert api.get(f"{base}/m1/audio", headers=other).status_code == 404
    assert api.delete(f"{base}/m1", headers=other).status_code == 404
    assert api.delete(f"{base}/m1", headers=reader).status_code == 403, "reading key"
    assert api.patch(f"{base}/m1", json={"heard": True}, headers=writer).status_code == 204
    assert service.messages(DEMO_TENANT, "agent-maria")[0].heard
    assert api.delete(f"{base}/m1", headers=writer).status_code == 204
    assert api.delete(f"{base}/m1", headers=writer).status_code == 404
    assert api.get(base, headers=reader).json() == []


def test_the_organisations_own_mail_server(
    site: tuple[TestClient, TestClient, VoicemailService],
) -> None:
    maria, _, service = site
    accounts = Accounts(maria.app.state.context.database)  # type: ignore[attr-defined]
    now = time.time()
    accounts.add_api_key(DEMO_TENANT, "drift", "config-nyckel-for-test", now, ["config"])
    accounts.add_api_key(OTHER, "annan", "annan-config-for-test", now, ["config"])
    api, url = TestClient(maria.app), "/api/v1/pbx/voicemail/mail-server"
    mine, other = {"X-API-Key": "config-nyckel-for-test"}, {"X-API-Key": "annan-config-for-test"}
    assert api.get(url, headers=mine).status_code == 404, "the platform's is used"
    body = {
        "host": "smtp.exempelby.se",
        "port": 465,
        "sender": "vaxel@exempelby.se",
        "username": "vaxel",
        "password": "hemligt-smtp",
        "security": "tls",
    }
    assert api.put(url, json=body, headers=mine).status_code == 204
    shown = api.get(url, headers=mine).json()
    assert shown["host"] == "smtp.exempelby.se" and shown["password_set"] is True
    assert "hemligt-smtp" not in api.get(url, headers=mine).text, "never read back"
    assert api.get(url, headers=other).status_code == 404, "another tenant's is not shown"
    refused = api.put(url, json=body | {"host": "smtp exempelby"}, headers=mine)
    assert refused.status_code == 422
    server = service.store.mail_server(DEMO_TENANT)
    assert server is not None and server.password == "hemligt-smtp"
    kept = api.put(url, json=body | {"password": "", "port": 587}, headers=mine)
    assert kept.status_code == 204, "an empty password keeps the stored one (as on the page)"
    server = service.store.mail_server(DEMO_TENANT)
    assert server is not None and server.password == "hemligt-smtp" and server.port == 587
    assert api.delete(url, headers=mine).status_code == 204
    assert service.store.mail_server(DEMO_TENANT) is None
    database = maria.app.state.context.database  # type: ignore[attr-defined]
    logged = [(e.actor, e.action) for e in AuditLog(database).entries(DEMO_TENANT)]
    assert logged[:3] == [
        ("REST-API", "mail_server_removed"),
        ("REST-API", "mail_server_changed"),
        ("REST-API", "mail_server_changed"),
    ]


def test_ones_name_is_uploaded_replaced_and_removed_and_the_next_caller_hears_it(
    site: tuple[TestClient, TestClient, VoicemailService],
) -> None:
    """Maria uploads a recording of her name on "Min telefon → Röstbrevlåda" (4f), with the
    greetings' limits: the prompt the presence announcement plays for her is it, a new
    upload replaces it for the next caller (running telephony drops its copy), and once
    removed callers hear her extension again."""
    maria, _, service = site
    context: Any = maria.app.state.context  # type: ignore[attr-defined]
    library = PromptLibrary(uploads=service.phone_prompt)  # as telephony's, over voicemail
    context.configuration.listeners.append(
        lambda change: library.forget(change.object_id) if change.kind == "prompt" else None
    )
    name = name_prompt(DEMO_TENANT, "agent-maria")
    page = maria.get(PAGE).text
    assert "Ditt namn: anknytningen sägs i stället" in page
    csrf = _csrf(page)
    first = maria.post(
        f"{PAGE}/halsning",
        data={"csrf": csrf, "kind": "name"},
        files={"file": ("namn.wav", _wav(1.0, channels=1), "audio/wav")},
    )
    assert flashed(maria, first) == ""
    assert "Ditt namn: inspelad" in maria.get(PAGE).text
    heard = library.load(name)
    assert len(heard) == 8000  # one second of 8 kHz µ-law
    second = maria.post(
        f"{PAGE}/halsning",
        data={"csrf": csrf, "kind": "name"},
        files={"file": ("namn.wav", _wav(1.5, channels=1), "audio/wav")},
    )
    assert flashed(maria, second) == ""
    assert len(library.load(name)) == 12000  # the new one, not the copy held
    too_long = maria.post(
        f"{PAGE}/halsning",
        data={"csrf": csrf, "kind": "name"},
        files={"file": ("lang.wav", _wav(61.0, channels=1), "audio/wav")},
    )
    assert "lang.wav" in flashed(maria, too_long)
    assert len(library.load(name)) == 12000
    assert library.exists(name_prompt(DEMO_TENANT, "agent-johan")) is False  # only hers
    removed = maria.post(f"{PAGE}/halsning", data={"csrf": csrf, "kind": "name", "remove": "1"})
    assert flashed(maria, removed) == ""
    assert not library.exists(name)
    assert "Ditt namn: anknytningen sägs i stället" in maria.get(PAGE).text
