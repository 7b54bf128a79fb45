"""A whole-number field typed with a digit that is no decimal digit ("²", "½") is refused
in Swedish, never a server error: ``str.isdigit`` accepts "²" but ``int`` does not, so each
form checks ``isdecimal`` before it converts (found by attack on the automatic attendant's
load rule, issue 16, spec §70; STYLE: every input has a limit and a clear refusal)."""

from __future__ import annotations

import pytest

from tests.web.conftest import Web, flashed, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT

FORMS = [  # (account, path, form without csrf, the field typed "²")
    ("admin", "/admin/brytare/automatik", {"enabled": "1", "queue_id": "vaxel"}, "wait_s"),
    ("admin", "/admin/pbx/park/orbits", {}, "count"),
    ("admin", "/admin/pbx/mail-server", {"host": "127.0.0.1"}, "port"),
    ("admin", "/admin/pbx/numbers/length", {}, "short_length"),
    ("admin", "/admin/pbx/trunk", {"host": "carrier.example", "mode": "ip"}, "port"),
    ("maria", "/min-telefon", {"strategy": "parallel"}, "ring_s"),
    (
        "maria",
        "/min-telefon/vidarekoppling",
        {"condition": "no-answer", "destination": "1002"},
        "after_s",
    ),
]


@pytest.mark.parametrize(("account", "path", "form", "field"), FORMS, ids=[f[1] for f in FORMS])
def test_a_superscript_digit_is_refused_in_swedish(
    web: Web, account: str, path: str, form: dict[str, str], field: str
) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, account)
    answer = client.post(path, data={**form, field: "²", "csrf": csrf})
    assert flashed(client, answer), "refused, with a reason she can read"
