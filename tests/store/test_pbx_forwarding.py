"""People's forwarding in the store (PBX5): replaced as a whole, kept per tenant."""

from __future__ import annotations

from vaxel.pbx.forwarding import ForwardCondition, Forwarding, ForwardRule
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.pbx_forwarding import ForwardingStore


def test_rules_are_replaced_whole_and_tenants_kept_apart(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("a", "A"))
    Tenants(engine).add(Tenant("b", "B"))
    store = ForwardingStore(engine)
    both = Forwarding(
        (
            ForwardRule(ForwardCondition.BUSY, "2042"),
            ForwardRule(ForwardCondition.NO_ANSWER, "+46701234567", 30),
        )
    )
    store.put("a", "karin", both, "karin", 1.0)
    store.put("b", "karin", Forwarding((ForwardRule(ForwardCondition.ALWAYS, "2043"),)), "x", 1.0)
    assert store.of_person("a", "karin") == both
    assert store.of_tenant("a") == {"karin": both}
    store.put("a", "karin", both.without(ForwardCondition.BUSY), "karin", 2.0)
    assert store.of_person("a", "karin").rule(ForwardCondition.BUSY) is None
    store.put("a", "karin", Forwarding(), "karin", 3.0)
    assert store.of_tenant("a") == {}
    assert store.of_person("b", "karin").forwarded_to == "2043"
