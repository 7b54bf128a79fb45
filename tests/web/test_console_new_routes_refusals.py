"""Today's console routes refuse what they must (issue 16 §3, OP3, OP4, ADM2): an agent or an
admin is refused 403 even with her CSRF token; the operator without the token is refused
403; over-long or malformed input is refused in Swedish, never a server error; another
organisation's call id taken back is refused like one that does not exist. The newest
routes too (park, retrieve, break-in, listen-in, leave, end the other, voicemail transfer,
forwarding removal; security review of issue 16): another organisation's person id is
"not in the directory" like an unknown one."""

from __future__ import annotations

from tests.web.conftest import Web, sign_in
from tests.web.test_operator_console import JSON, _operator
from vaxel.sim.demo_tenant import DEMO_TENANT

ROUTES = (
    ("/telefonist/forfragan", {"number": "1005"}),
    ("/telefonist/forfragan/koppla", {}),
    ("/telefonist/forfragan/tillbaka", {}),
    ("/telefonist/vantkoppla", {"number": "1005"}),
    ("/telefonist/vantkoppla/tillbaka", {"call": "c-1"}),
    # the newest routes (security review of issue 16)
    ("/telefonist/parkera", {}),
    ("/telefonist/hamta", {"orbit": "701"}),
    ("/telefonist/bryt-in", {"number": "1005"}),
    ("/telefonist/medlyssna", {"number": "1005"}),
    ("/telefonist/bryt-in/lamna", {}),
    ("/telefonist/bryt-in/avsluta", {}),
    ("/telefonist/rostbrevlada", {"person": "agent-maria"}),
    ("/telefonist/vidarekoppling/ta-bort", {"person": "agent-maria"}),
)
NEWEST_BAD = (
    ("/telefonist/hamta", {"orbit": "7" * 9}),
    ("/telefonist/bryt-in", {"number": "1" * 41}),
    ("/telefonist/medlyssna", {"number": "1" * 41}),
    ("/telefonist/rostbrevlada", {"person": "p" * 10_000}),
    ("/telefonist/vidarekoppling/ta-bort", {"person": "p" * 10_000}),
)


def test_agents_and_admins_may_not_use_the_consult_and_camp_on_routes(web: Web) -> None:
    for username in ("maria", "admin"):
        client = web.client()
        csrf = sign_in(client, DEMO_TENANT, username)
        for path, form in ROUTES:
            refused = client.post(path, data={"csrf": csrf, **form}, headers=JSON)
            assert refused.status_code == 403, (username, path, refused.text[:200])
            assert "telefonistbehörighet" in refused.text


def test_the_operator_without_her_csrf_token_is_refused(web: Web) -> None:
    client, _ = _operator(web)
    for path, form in ROUTES:
        refused = client.post(path, data=form, headers=JSON)
        assert refused.status_code == 403, (path, refused.text[:200])
        assert "CSRF" in refused.text


def test_over_long_or_malformed_input_is_refused_in_swedish(web: Web) -> None:
    client, csrf = _operator(web)
    bad = (
        ("/telefonist/forfragan", {"number": "1" * 41}),
        ("/telefonist/forfragan", {"number": "1005", "name": "K" * 81}),
        ("/telefonist/vantkoppla", {"number": "1" * 41}),
        ("/telefonist/vantkoppla", {"number": "1005", "name": "K" * 121}),
        ("/telefonist/vantkoppla/tillbaka", {"call": "c" * 10_000}),
    )
    for path, form in bad + NEWEST_BAD:
        refused = client.post(path, data={"csrf": csrf, **form}, headers=JSON)
        assert 400 <= refused.status_code < 500, (path, refused.status_code)
    for path, form in (  # malformed, or nothing to act on: Swedish, never a server error
        ("/telefonist/hamta", {"orbit": "../701"}),
        ("/telefonist/bryt-in", {"number": "sip:1005@evil"}),
        ("/telefonist/medlyssna", {"number": "10<script>05"}),
        ("/telefonist/bryt-in/lamna", {}),
        ("/telefonist/bryt-in/avsluta", {}),
        ("/telefonist/parkera", {}),
        ("/telefonist/rostbrevlada", {"person": ""}),
    ):
        refused = client.post(path, data={"csrf": csrf, **form}, headers=JSON)
        assert refused.status_code == 409, (path, form, refused.text[:200])
        assert refused.json()["error"], refused.json()
    for path in ("/telefonist/rostbrevlada", "/telefonist/vidarekoppling/ta-bort"):
        for person in ("agent-olle", "finns-inte"):  # another organisation's, or nobody's
            refused = client.post(path, data={"csrf": csrf, "person": person}, headers=JSON)
            assert refused.status_code == 409, (path, person, refused.text[:200])
            assert refused.json()["error"] == "Personen finns inte i katalogen"
    for path in ("/telefonist/forfragan", "/telefonist/vantkoppla"):
        for number in ("10<script>05", "sip:1005@evil", ""):
            refused = client.post(path, data={"csrf": csrf, "number": number}, headers=JSON)
            assert refused.status_code == 409, (path, number, refused.text[:200])
            assert refused.json()["error"].startswith(("Skriv", "Välj")), refused.json()
    # nothing in hand: Swedish refusals, nothing changed
    for path in ("/telefonist/forfragan/koppla", "/telefonist/forfragan/tillbaka"):
        refused = client.post(path, data={"csrf": csrf}, headers=JSON)
        assert refused.status_code == 409 and "förfrågan" in refused.json()["error"]
    other = client.post(
        "/telefonist/vantkoppla/tillbaka", data={"csrf": csrf, "call": "annan-kund-1"}, headers=JSON
    )
    assert other.status_code == 409, other.text[:200]
