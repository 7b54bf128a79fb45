"""Each agent's audio device in the store (issue 16, PBX9): one row per account, replaced
with an audit entry, removed with the account; only mobile choices with an agent reach
telephony — on SQLite and PostgreSQL."""

from __future__ import annotations

from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.accounts import Accounts
from vaxel.store.audio_devices import AudioDevice, AudioDevices, Choice
from vaxel.store.audit import AuditLog


def test_one_choice_per_account_audited_and_gone_with_the_account(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("a", "A"))
    Tenants(engine).add(Tenant("b", "B"))
    accounts = Accounts(engine)
    kristina = accounts.add_user("a", "kristina", "Kristina", "operator", "x", "kristina")
    chef = accounts.add_user("a", "chef", "Chefen", "supervisor", "x")  # no agent
    olle = accounts.add_user("b", "olle", "Olle", "agent", "x", "olle")
    store = AudioDevices(engine)
    assert store.of_user("a", kristina.user_id) == Choice()  # no row: the browser
    mobile = Choice(AudioDevice.MOBILE, "+46701112233")
    store.set("a", kristina.user_id, "kristina", Choice(AudioDevice.DESK), "kristina")
    store.set("a", kristina.user_id, "kristina", mobile, "kristina")  # replaced, not added
    store.set("a", chef.user_id, "chef", mobile, "chef")
    store.set("b", olle.user_id, "olle", Choice(AudioDevice.BROWSER, "+46707654321"), "olle")
    assert store.of_user("a", kristina.user_id) == mobile
    assert store.of_user("b", kristina.user_id) == Choice()  # another tenant sees no row
    assert store.mobiles() == {("a", "kristina"): "+46701112233"}
    assert store.phones() == {("b", "olle"): "browser"}  # which kind of her phones rings
    assert store.mobile_accounts() == {("a", "kristina"): "kristina"}  # her person, by it
    entry = AuditLog(engine).entries("a")[0]
    assert (entry.actor, entry.action, entry.subject, entry.detail) == (
        "chef",
        "audio_device_changed",
        "chef",
        {"device": "mobile", "mobile": "+46701112233"},
    )
    accounts.remove_user(kristina)
    assert store.mobiles() == {}
