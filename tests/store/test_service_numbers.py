"""Service numbers in the store (issue 12 §6): one owner per number, kept by the database;
the upgrade keeps every main number on the flow that answers it today."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from vaxel.store import MainNumberTaken, Tenant, Tenants, open_database, upgrade
from vaxel.store.service_numbers import NumberTaken, ServiceNumber, ServiceNumbers


def test_the_upgrade_assigns_each_main_number_its_first_flow(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine, "0012")
    with engine.begin() as connection:
        for tenant, number in (("a", "+46101234500"), ("b", ""), ("c", "+46107777777")):
            connection.execute(
                sa.text("INSERT INTO tenants (tenant_id, name, main_number) VALUES (:t, :t, :n)"),
                {"t": tenant, "n": number},
            )
        for tenant, flow in (("a", "natt"), ("a", "dag"), ("b", "dag")):
            connection.execute(
                sa.text(
                    "INSERT INTO flows (tenant_id, flow_id, name, document) "
                    "VALUES (:t, :f, :f, '{}')"
                ),
                {"t": tenant, "f": flow},
            )
    upgrade(engine)
    numbers = ServiceNumbers(engine)
    assert numbers.everyone() == [ServiceNumber("a", "+46101234500", "dag")]
    assert numbers.of_tenant("c") == [], "a tenant without flows has nothing to answer with"


def test_a_number_has_one_owner(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("a", "A"))
    Tenants(engine).add(Tenant("b", "B"))
    numbers = ServiceNumbers(engine)
    numbers.put(ServiceNumber("a", "+46101234501", "dag"))
    numbers.put(ServiceNumber("a", "+46101234501", "natt"))  # another flow, same owner
    with pytest.raises(NumberTaken) as taken:
        numbers.put(ServiceNumber("b", "+46101234501", "dag"))
    assert taken.value.code == "service-number-taken"
    assert dict(taken.value.params) == {"field": "number", "value": "+46101234501"}
    assert numbers.owner("+46101234501") == "a"
    assert numbers.of_tenant("a") == [ServiceNumber("a", "+46101234501", "natt")]
    assert not numbers.remove("b", "+46101234501"), "another tenant cannot remove it"
    assert numbers.remove("a", "+46101234501")
    assert numbers.owner("+46101234501") is None


def test_a_new_main_number_cannot_be_another_organisations_service_number(
    database_url: str,
) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    tenants = Tenants(engine)
    tenants.add(Tenant("a", "A"))
    ServiceNumbers(engine).put(ServiceNumber("a", "+46101234502", "dag"))
    with pytest.raises(MainNumberTaken) as taken:
        tenants.add(Tenant("b", "B", "+46101234502"))
    assert taken.value.owner == "a"
    tenants.add(Tenant("a", "A", "+46101234502"))  # its own number may become its main one
    assert tenants.get("a").main_number == "+46101234502"
