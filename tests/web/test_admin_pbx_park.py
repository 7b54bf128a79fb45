"""The call park admin page and REST API (issue 14, OP3): orbits written into the
numbering plan (a clash refused in Swedish), the recall saved, each change in the audit
log, CSRF required, another tenant sees none of it, keys by scope."""

from __future__ import annotations

import time
from typing import Any

from tests.web.conftest import OTHER, PASSWORD, Web, flashed, sign_in
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.pbx.park import RecallTo
from vaxel.pbx.reach import AbsentOffer
from vaxel.pbx.transfer_recall import RecallSettings
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.pbx_reach import OFFER_SETTINGS, TRANSFER_SETTINGS, PbxReach
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.directory_sources import DirectorySources
from vaxel.web.passwords import PasswordHashing

PAGE = "/admin/pbx/park"
KEY = "en-nyckel-for-parkering-test"


def service(web: Web) -> PbxNumberingService:
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    return context.pbx_numbering  # type: ignore[no-any-return]


def other_admin(web: Web) -> str:
    """A tenant admin of the other tenant (the fixture gives it an agent only)."""
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(OTHER, "bosse", "Bosse Admin", "tenant_admin", hashed)
    return "bosse"


def test_orbits_and_recall_are_saved_refused_in_swedish_and_audited(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    service(web).put_number(DEMO_TENANT, "4702", Target(TargetKind.PERSON, "karin"))
    page = admin.get(PAGE)
    assert page.status_code == 200 and "Parkeringsplatser" in page.text
    demo_orbits = tuple(str(n) for n in range(1970, 1980))  # the demo's plan (issue 14 §9)
    assert service(web).park(DEMO_TENANT).orbits == demo_orbits
    assert "1970, 1971" in page.text
    saved = admin.post(f"{PAGE}/orbits", data={"csrf": csrf, "first": "4790", "count": "3"})
    assert flashed(admin, saved) == ""
    assert service(web).park(DEMO_TENANT).orbits == ("4790", "4791", "4792")
    assert "4790, 4791, 4792" in admin.get(PAGE).text
    clash = admin.post(f"{PAGE}/orbits", data={"csrf": csrf, "first": "4700", "count": "5"})
    assert "Numret 4702 används redan i nummerplanen" in flashed(admin, clash)
    too_many = admin.post(f"{PAGE}/orbits", data={"csrf": csrf, "first": "4700", "count": "500"})
    assert "1–100" in flashed(admin, too_many)
    recall = {"csrf": csrf, "recall_s": "25", "recall_to": "operator", "operator": "4000"}
    assert flashed(admin, admin.post(f"{PAGE}/recall", data=recall)) == ""
    stored = service(web).park(DEMO_TENANT)
    assert (stored.recall_s, stored.recall_to, stored.operator) == (25.0, RecallTo.OPERATOR, "4000")
    short = admin.post(f"{PAGE}/recall", data={**recall, "recall_s": "5"})
    assert "10–3600" in flashed(admin, short)
    bad_operator = admin.post(f"{PAGE}/recall", data={**recall, "operator": "växeln"})
    assert "Växelns anknytning är siffror" in flashed(admin, bad_operator)
    assert service(web).park(DEMO_TENANT).recall_s == 25.0
    audit = admin.get("/admin/audit").text
    assert audit.count("Parkering ändrad") == 2
    # without the form's token nothing changes
    forged = admin.post(f"{PAGE}/recall", data={**recall, "csrf": "fel", "recall_s": "99"})
    assert forged.status_code == 403
    assert service(web).park(DEMO_TENANT).recall_s == 25.0
    # another tenant's admin sees its own (default) settings only, and changes only its own
    other = web.client()
    other_csrf = sign_in(other, OTHER, other_admin(web))
    assert other_csrf, "the other tenant's admin could not sign in"
    theirs = other.get(PAGE)
    assert theirs.status_code == 200 and "Parkeringsplatser" in theirs.text
    assert "4790" not in theirs.text and 'value="25"' not in theirs.text
    other_recall = {**recall, "csrf": other_csrf, "recall_s": "40"}
    assert flashed(other, other.post(f"{PAGE}/recall", data=other_recall)) == ""
    assert service(web).park(OTHER).recall_s == 40.0
    assert service(web).park(DEMO_TENANT).recall_s == 25.0


def test_park_over_rest_by_scope_and_tenant(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "intranät", KEY, now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", KEY + "-read", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", KEY + "-other", now, ["read", "config"])
    config, reader = {"X-API-Key": KEY}, {"X-API-Key": KEY + "-read"}
    client = web.client()
    recall = {"recall_s": 30, "recall_to": "parker", "operator": "4000"}
    assert client.put("/api/v1/pbx/park/recall", json=recall, headers=reader).status_code == 403
    saved = client.put("/api/v1/pbx/park/recall", json=recall, headers=config)
    assert saved.status_code == 200, saved.text
    assert saved.json()["recall_s"] == 30.0 and saved.json()["operator"] == "4000"
    orbits = client.put(
        "/api/v1/pbx/park/orbits", json={"first": "4790", "count": 2}, headers=config
    )
    assert orbits.status_code == 200 and orbits.json()["orbits"] == ["4790", "4791"]
    shown = client.get("/api/v1/pbx/park", headers=reader).json()
    assert shown == {
        "orbits": ["4790", "4791"],
        "recall_s": 30.0,
        "recall_to": "parker",
        "operator": "4000",
    }
    other = client.get("/api/v1/pbx/park", headers={"X-API-Key": KEY + "-other"}).json()
    assert "4790" not in other["orbits"] and other["recall_s"] == 60.0
    short = client.put("/api/v1/pbx/park/recall", json={**recall, "recall_s": 5}, headers=config)
    assert short.status_code == 422
    service(web).put_number(DEMO_TENANT, "4800", Target(TargetKind.PERSON, "karin"))
    clash = client.put(
        "/api/v1/pbx/park/orbits", json={"first": "4799", "count": 3}, headers=config
    )
    assert clash.status_code in (409, 422) and clash.json()["code"] == "pbx-number-taken"


def test_the_transfer_recall_time_is_saved_refused_in_swedish_and_read_by_the_pbx(
    web: Web,
) -> None:
    """How long a blind transfer rings before it comes back (issue 14 §6): 30 s by
    default, saved on the park page into the settings telephony reads at each transfer,
    out of range refused in Swedish, audited, CSRF required, per tenant."""
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = admin.get(PAGE).text
    assert "Överflyttning som ingen svarar på" in page and 'value="30"' in page
    saved = admin.post(f"{PAGE}/transfer-recall", data={"csrf": csrf, "recall_after_s": "45"})
    assert flashed(admin, saved) == ""
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    stored = DirectorySources(context.database).settings(DEMO_TENANT, TRANSFER_SETTINGS)
    assert RecallSettings.of(stored).recall_after_s == 45.0
    for bad in ("4", "301", "trettio"):
        refused = admin.post(f"{PAGE}/transfer-recall", data={"csrf": csrf, "recall_after_s": bad})
        assert "5–300" in flashed(admin, refused), bad
    forged = admin.post(f"{PAGE}/transfer-recall", data={"csrf": "fel", "recall_after_s": "60"})
    assert forged.status_code == 403
    stored = DirectorySources(context.database).settings(DEMO_TENANT, TRANSFER_SETTINGS)
    assert RecallSettings.of(stored).recall_after_s == 45.0
    assert 'value="45"' in admin.get(PAGE).text
    assert "Parkering ändrad" in admin.get("/admin/audit").text
    assert DirectorySources(context.database).settings(OTHER, TRANSFER_SETTINGS) is None


def reach(web: Web) -> PbxReach:
    """What telephony asks at each call (the tenant's settings as it reads them)."""
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    return PbxReach(
        context.directory_views, context.forwardings, DirectorySources(context.database), time.time
    )


def test_the_absent_persons_callers_offer_is_set_on_the_page_and_read_by_the_pbx(
    web: Web,
) -> None:
    """What a caller who reached an absent person may press (issue 14 §4): by default 0
    and 1 both offered; the admin offers voicemail only, then the operator on a number of
    the plan; a number the plan does not have, or no digits, is refused in Swedish; each
    change audited, CSRF required; the other tenant is untouched."""
    service(web).put_number(DEMO_TENANT, "4000", Target(TargetKind.PERSON, "karin"))
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = admin.get(PAGE).text
    assert "Den som ringer en frånvarande" in page
    assert (
        'name="operator" value="1" checked' in page and 'name="voicemail" value="1" checked' in page
    )
    assert reach(web).absent_offer(DEMO_TENANT) == AbsentOffer()
    voicemail_only = {"csrf": csrf, "voicemail": "1", "operator_number": ""}
    assert flashed(admin, admin.post(f"{PAGE}/absent-offer", data=voicemail_only)) == ""
    assert reach(web).absent_offer(DEMO_TENANT) == AbsentOffer(False, True, "")
    page = admin.get(PAGE).text
    assert 'name="operator" value="1">' in page and 'name="voicemail" value="1" checked' in page
    both = {"csrf": csrf, "operator": "1", "voicemail": "1", "operator_number": "4000"}
    assert flashed(admin, admin.post(f"{PAGE}/absent-offer", data=both)) == ""
    assert reach(web).absent_offer(DEMO_TENANT) == AbsentOffer(True, True, "4000")
    assert 'value="4000"' in admin.get(PAGE).text
    unknown = admin.post(f"{PAGE}/absent-offer", data={**both, "operator_number": "4999"})
    assert flashed(admin, unknown) == "Numret 4999 finns inte i nummerplanen"
    letters = admin.post(f"{PAGE}/absent-offer", data={**both, "operator_number": "växeln"})
    assert flashed(admin, letters) == "Växelns nummer är siffror, högst 8"
    forged = admin.post(f"{PAGE}/absent-offer", data={**voicemail_only, "csrf": "fel"})
    assert forged.status_code == 403
    assert reach(web).absent_offer(DEMO_TENANT) == AbsentOffer(True, True, "4000")
    none = {"csrf": csrf, "operator_number": "4000"}  # neither box ticked
    assert flashed(admin, admin.post(f"{PAGE}/absent-offer", data=none)) == ""
    assert reach(web).absent_offer(DEMO_TENANT) == AbsentOffer(False, False, "4000")
    assert admin.get("/admin/audit").text.count("Val för den som ringer en frånvarande ändrat") == 3
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    assert DirectorySources(context.database).settings(OTHER, OFFER_SETTINGS) is None


def test_the_absent_offer_and_transfer_recall_over_rest_by_scope_and_tenant(web: Web) -> None:
    """The same two settings over the API: ``read`` sees, ``config`` changes (the page's
    own checks: coded refusals), another tenant's key sees its own defaults."""
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "intranät", KEY, now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", KEY + "-read", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", KEY + "-other", now, ["read", "config"])
    config, reader = {"X-API-Key": KEY}, {"X-API-Key": KEY + "-read"}
    other = {"X-API-Key": KEY + "-other"}
    service(web).put_number(DEMO_TENANT, "4000", Target(TargetKind.PERSON, "karin"))
    client = web.client()
    offer = {"operator": True, "voicemail": False, "operator_number": "4000"}
    assert client.put("/api/v1/pbx/absent-offer", json=offer, headers=reader).status_code == 403
    saved = client.put("/api/v1/pbx/absent-offer", json=offer, headers=config)
    assert saved.status_code == 200, saved.text
    assert client.get("/api/v1/pbx/absent-offer", headers=reader).json() == offer
    assert reach(web).absent_offer(DEMO_TENANT) == AbsentOffer(True, False, "4000")
    unknown = client.put(
        "/api/v1/pbx/absent-offer", json={**offer, "operator_number": "4999"}, headers=config
    )
    assert unknown.status_code == 409 and unknown.json()["code"] == "absent-offer-unknown"
    letters = client.put(
        "/api/v1/pbx/absent-offer", json={**offer, "operator_number": "9x"}, headers=config
    )
    assert letters.status_code == 422
    assert client.get("/api/v1/pbx/absent-offer", headers=other).json() == {
        "operator": True,
        "voicemail": True,
        "operator_number": "",
    }
    recall = client.put("/api/v1/pbx/transfer-recall", json={"recall_after_s": 45}, headers=config)
    assert recall.status_code == 200 and recall.json() == {"recall_after_s": 45.0}
    assert reach(web).transfer_recall(DEMO_TENANT).recall_after_s == 45.0
    for bad in (4, 301):
        refused = client.put(
            "/api/v1/pbx/transfer-recall", json={"recall_after_s": bad}, headers=config
        )
        assert refused.status_code == 422, bad
    assert client.get("/api/v1/pbx/transfer-recall", headers=other).json() == {
        "recall_after_s": 30.0
    }
    assert reach(web).transfer_recall(OTHER).recall_after_s == 30.0
