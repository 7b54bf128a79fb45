"""Swedish first, English selectable; help texts and keyboard use (issue 4, ADM5).

The English catalog must translate every text the sources mark for translation: a new
Swedish text without an English one fails here with the list of texts to translate (run
``scripts/translations.sh``, translate, commit the ``.po``).
"""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from tests.web.conftest import Web, sign_in
from vaxel.acd.events import ContactArrived
from vaxel.acd.model import Channel
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.admin import SECTIONS
from vaxel.web.i18n import LANGUAGE_COOKIE

ROOT = Path(__file__).parents[2]
WEB = ROOT / "vaxel" / "web"
CATALOG = WEB / "locale" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}")


def english_catalog() -> Catalog:
    with CATALOG.open("rb") as file:
        return read_po(file, locale="en")


def source_texts() -> dict[str, str]:
    """Every msgid (the singular of a plural) marked in vaxel/web → where it was found."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(WEB), method_map, options_map
    ):
        text = message[0] if isinstance(message, tuple) else message
        found.setdefault(text, f"{filename}:{lineno}")
    for section in SECTIONS:  # the admin start page translates these when it shows them
        found.setdefault(section.title, "vaxel/web/admin/__init__.py")
        found.setdefault(section.help, "vaxel/web/admin/__init__.py")
    return found


def test_every_swedish_text_has_an_english_translation() -> None:
    catalog = english_catalog()
    translated = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and not message.fuzzy and all(strings):
            translated.add(message.id[0] if isinstance(message.id, tuple) else message.id)
    texts = source_texts()
    missing = sorted(
        f"{where}: {text!r}" for text, where in texts.items() if text not in translated
    )
    assert not missing, (
        "untranslated (run scripts/translations.sh, then translate in "
        f"{CATALOG.relative_to(ROOT)} and drop the fuzzy flags):\n" + "\n".join(missing)
    )
    assert len(texts) > 100


def test_translations_keep_the_placeholders() -> None:
    """A translation that drops or renames %(name)s or {field} would break at run time."""
    wrong = []
    for message in english_catalog():
        if not message.id or not message.string or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        wrong += [ids[0] for s in strings if sorted(PLACEHOLDER.findall(s)) != wanted]
    assert not wrong


def signed_in(web: Web, username: str, language: str = "") -> TestClient:
    client = web.client()
    if language:
        client.cookies.set(LANGUAGE_COOKIE, language)
    sign_in(client, DEMO_TENANT, username)
    return client


def offer_a_call(web: Web, client: TestClient) -> None:
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf})
    client.post("/agent/state", data={"action": "ready", "csrf": csrf})
    web.center.submit(
        ContactArrived(
            DEMO_TENANT, "c-i18n", "kundtjanst", Channel.CALL, 0, caller_number="0701234567"
        ),
        time.time(),
    )


def test_the_pages_are_swedish_by_default(web: Web) -> None:
    client = signed_in(web, "maria")
    page = client.get("/").text
    assert '<html lang="sv">' in page
    assert "Min status" in page and "Redo" in page and "<summary>Hjälp</summary>" in page
    assert "My status" not in page
    login = web.client().get("/login").text
    assert '<html lang="sv">' in login and "Logga in" in login and 'hreflang="en"' in login


@pytest.mark.parametrize(
    ("username", "path", "words"),
    [
        ("maria", "/", ["My status", "Ready", "Pause reason", "The queues right now", "Help"]),
        ("maria", "/callbacks", ["Callbacks", "All queues", "Filter", "Latest note", "Help"]),
        ("chef", "/wallboard", ["Wallboard", "Time in status", "Longest wait", "Help"]),
        ("admin", "/admin", ["Administration", "Temporary closure", "Help"]),
        ("admin", "/admin/closures", ["Temporary closure of queues", "Close the chosen queues"]),
    ],
)
def test_with_the_language_cookie_the_pages_are_english(
    web: Web, username: str, path: str, words: list[str]
) -> None:
    page = signed_in(web, username, "en").get(path)
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    for word in words:
        assert word in page.text
    assert "Logga ut" not in page.text and "Sign out" in page.text
    assert 'hreflang="sv"' in page.text  # the way back to Swedish


def test_the_sign_in_page_and_errors_are_english(web: Web) -> None:
    client = web.client()
    client.cookies.set(LANGUAGE_COOKIE, "en")
    assert sign_in(client, DEMO_TENANT, "maria", "fel-losenord") == ""
    assert "Wrong username or password." not in client.get("/login?error=1").text
    page = client.get("/login").text
    assert "Wrong username or password." not in page  # only after a refused sign-in
    form = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    refused_login = client.post(
        "/login",
        data={"organisation": DEMO_TENANT, "username": "maria", "password": "x", "csrf": form},
    )
    assert refused_login.status_code == 401
    page = refused_login.text
    assert '<html lang="en">' in page
    assert "Sign in to Växel" in page and "Username" in page and "Password" in page
    assert "Wrong username or password." in page
    refused = signed_in(web, "maria", "en").get("/wallboard")
    assert refused.status_code == 403 and "supervisors" in refused.text


def test_the_contact_card_and_live_labels_are_english(web: Web) -> None:
    client = signed_in(web, "maria", "en")
    offer_a_call(web, client)
    page = client.get("/").text
    assert "Current contact" in page and "Answer" in page and "Decline" in page
    names = re.search(r'<script type="application/json" id="state-names">(.*?)</script>', page)
    assert names is not None
    assert json.loads(names.group(1))["offered"] == "Ringing"  # what live.js shows


def test_the_language_link_goes_back_to_the_page_and_never_off_site(web: Web) -> None:
    client = web.client()
    for target in (
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "http:/evil.example",
        "evil.example",
    ):
        response = client.get("/language", params={"lang": "en", "next": target})
        assert response.status_code == 303
        assert response.headers["location"] == "/", target
    response = client.get("/language", params={"lang": "en", "next": "/callbacks"})
    assert response.headers["location"] == "/callbacks"
    assert response.cookies.get(LANGUAGE_COOKIE) == "en"
    assert client.get("/language", params={"lang": "de"}).status_code == 400


def test_the_workspace_has_access_keys_for_ready_pause_answer_and_end(web: Web) -> None:
    client = signed_in(web, "maria")
    offer_a_call(web, client)
    page = client.get("/").text
    for key, action in (("r", "ready"), ("p", "pause"), ("s", "answer"), ("v", "decline")):
        assert re.search(rf'value="{action}" type="submit" accesskey="{key}"', page), action
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/agent/contact", data={"action": "answer", "csrf": csrf})
    assert 'value="end" type="submit" accesskey="a"' in client.get("/").text
    help_panel = page[page.index('<details class="help">') : page.index("</details>")]
    assert "Alt" in help_panel and "<dt>R</dt>" in help_panel and "<dt>A</dt>" in help_panel


class FormControls(HTMLParser):
    """Form controls of a page that have no label: no <label for>, no wrapping <label>,
    no aria-label."""

    def __init__(self) -> None:
        super().__init__()
        self.labelled_ids: set[str] = set()
        self.controls: list[tuple[str, dict[str, str | None], bool]] = []
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if values.get("for"):
                self.labelled_ids.add(str(values["for"]))
        elif tag in ("input", "select", "textarea"):
            kind = values.get("type") or "text"
            if kind not in ("hidden", "submit", "button", "reset"):
                self.controls.append((tag, values, self.in_label > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label = max(0, self.in_label - 1)

    def unlabelled(self) -> list[str]:
        return [
            f"<{tag} name={values.get('name')!r} id={values.get('id')!r}>"
            for tag, values, wrapped in self.controls
            if not wrapped
            and values.get("id") not in self.labelled_ids
            and not values.get("aria-label")
            and not values.get("aria-labelledby")
        ]


def test_every_form_control_has_a_label(web: Web) -> None:
    pages = {"/login": web.client()}
    maria = signed_in(web, "maria")
    offer_a_call(web, maria)
    pages |= dict.fromkeys(("/", "/callbacks"), maria)
    admin = signed_in(web, "admin")
    pages |= dict.fromkeys(["/wallboard", "/admin", *(s.path for s in SECTIONS)], admin)
    missing = {}
    for path, client in pages.items():
        page = client.get(path)
        assert page.status_code == 200, path
        parser = FormControls()
        parser.feed(page.text)
        if parser.unlabelled():
            missing[path] = parser.unlabelled()
    assert not missing
