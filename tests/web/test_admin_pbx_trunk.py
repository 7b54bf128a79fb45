"""The trunk, classes of service and presentation admin page (issue 14 §2, PBX2, PBX8):
saved per tenant, the password never shown back, refusals worded by code, and the trunk's
state with the carrier's answer as telephony reports it."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import OTHER, Web, flashed, sign_in
from vaxel.pbx.trunks import LastAnswer, TrunkStatus
from vaxel.runtime.pbx_trunks import OutsideLineSettings
from vaxel.sim.demo_tenant import DEMO_TENANT

TRUNK = {
    "mode": "register",
    "host": "sip.carrier.example",
    "port": "5060",
    "transport": "udp",
    "username": "4610123450",
    "password": "carrier-secret",
    "expires_s": "600",
    "main_number": "010-123 45 00",
}


def settings(web: Web) -> OutsideLineSettings:
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    return OutsideLineSettings(context.configuration)


def test_the_trunk_is_saved_its_password_never_shown_and_its_state_with_the_answer(
    web: Web,
) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = admin.get("/admin/pbx/trunk")
    assert page.status_code == 200 and "Ingen trunk ännu" in page.text
    saved = admin.post("/admin/pbx/trunk", data={**TRUNK, "csrf": csrf})
    assert flashed(admin, saved) == ""
    stored = settings(web).trunk(DEMO_TENANT)
    assert stored is not None and stored.trunk.host == "sip.carrier.example"
    assert stored.main_number == "+46101234500"
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    context.trunk_status = lambda tenant_id: TrunkStatus(
        tenant_id, "refused", LastAnswer(403, "Forbidden: wrong credentials", 0.0)
    )
    page = admin.get("/admin/pbx/trunk")
    assert "carrier-secret" not in page.text
    assert "Nekad av operatören: 403 Forbidden: wrong credentials" in page.text
    # an empty password keeps the stored one
    admin.post("/admin/pbx/trunk", data={**TRUNK, "password": "", "port": "5080", "csrf": csrf})
    kept = settings(web).trunk(DEMO_TENANT)
    assert kept is not None and kept.trunk.password == "carrier-secret" and kept.trunk.port == 5080
    # another tenant sees none of it
    other = web.client()
    sign_in(other, OTHER, "boss")
    assert "sip.carrier.example" not in other.get("/admin/pbx/trunk").text


def test_a_bad_trunk_is_refused_with_a_reason(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    refused = admin.post("/admin/pbx/trunk", data={**TRUNK, "port": "99999", "csrf": csrf})
    assert flashed(admin, refused) != ""
    refused = admin.post("/admin/pbx/trunk", data={**TRUNK, "password": "kort", "csrf": csrf})
    assert flashed(admin, refused) != ""
    # the switch's own address: the browser phone's SIP leg would be the carrier's
    refused = admin.post("/admin/pbx/trunk", data={**TRUNK, "host": "127.0.0.1", "csrf": csrf})
    assert flashed(admin, refused) == (
        "127.0.0.1 är växelns egen adress eller den här servern — ange operatörens adress"
    )
    assert settings(web).trunk(DEMO_TENANT) is None


def test_classes_assignments_and_presentation(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    posted = admin.post(
        "/admin/pbx/trunk/classes",
        data={"class_id": "utland", "name": "Utland", "reach": "2", "csrf": csrf},
    )
    assert flashed(admin, posted) == ""
    posted = admin.post(
        "/admin/pbx/trunk/assignments",
        data={"owner_kind": "user", "owner": "1005", "class_id": "utland", "csrf": csrf},
    )
    assert flashed(admin, posted) == ""
    refused = admin.post(
        "/admin/pbx/trunk/assignments",
        data={"owner_kind": "user", "owner": "1005", "class_id": "saknas", "csrf": csrf},
    )
    assert flashed(admin, refused) != ""
    refused = admin.post(
        "/admin/pbx/trunk/classes", data={"class_id": "Fel Id!", "reach": "1", "csrf": csrf}
    )
    assert flashed(admin, refused) != ""
    posted = admin.post(
        "/admin/pbx/trunk/presentations",
        data={
            "owner_kind": "user",
            "owner": "1005",
            "presentation": "direct",
            "direct_number": "010-123 45 12",
            "csrf": csrf,
        },
    )
    assert flashed(admin, posted) == ""
    classes = settings(web).classes(DEMO_TENANT)
    assert classes.users == {"1005": "utland"}
    page = admin.get("/admin/pbx/trunk").text
    assert "Sverige och utlandet" in page and "+46101234512" in page
    removed = admin.post("/admin/pbx/trunk/classes/utland/remove", data={"csrf": csrf})
    assert removed.status_code == 303
    assert settings(web).classes(DEMO_TENANT).classes == {}
