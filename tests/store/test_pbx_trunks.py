"""Trunks, classes of service and presentation in the store (issue 14 §2, PBX2, PBX8), on
SQLite and PostgreSQL: round trips, tenant isolation, and the settings service's rules."""

from __future__ import annotations

from typing import cast

import pytest

from vaxel.acd.ports import ContactCenterPort
from vaxel.core.dial_policy import DialPolicy, DialRefusal
from vaxel.pbx.class_of_service import ClassOfService, Reach
from vaxel.pbx.presentation import PresentationMode
from vaxel.pbx.trunks import Trunk, TrunkError, TrunkMode
from vaxel.runtime.configuration import ConfigChange, Configuration
from vaxel.runtime.pbx_trunks import (
    GROUP,
    USER,
    OutsideLineSettings,
    outside_lines_from,
    policy_of_person,
)
from vaxel.store import Tenant, Tenants, open_database, upgrade

TRUNK = Trunk("t1", "sip.carrier.example", 5060, username="4610123450", password="carrier-secret")
FIELDS = {"host": "sip.carrier.example", "port": 5060, "username": "4610123450"}


@pytest.fixture
def settings(database_url: str) -> OutsideLineSettings:
    engine = open_database(database_url)
    upgrade(engine)
    for tenant in ("t1", "t2"):
        Tenants(engine).add(Tenant(tenant, tenant))
    return OutsideLineSettings(Configuration(engine, cast(ContactCenterPort, None)))


def test_the_trunk_round_trips_and_an_empty_password_keeps_the_stored_one(
    settings: OutsideLineSettings,
) -> None:
    changes: list[ConfigChange] = []
    settings.configuration.listeners.append(changes.append)
    settings.put_trunk("t1", "010-123 45 00", "carrier-secret", **FIELDS)
    stored = settings.trunk("t1")
    assert stored is not None and stored.trunk == TRUNK and stored.main_number == "+46101234500"
    assert settings.trunk("t2") is None  # tenant isolation
    settings.put_trunk("t1", "", "", **{**FIELDS, "host": "sip2.carrier.example"})
    kept = settings.trunk("t1")
    assert kept is not None and kept.trunk.password == "carrier-secret"
    assert kept.trunk.host == "sip2.carrier.example"
    with pytest.raises(TrunkError) as error:  # a new trunk without a password
        settings.put_trunk("t2", "", "", **FIELDS)
    assert error.value.field == "trunk.password"
    assert changes[0] == ConfigChange("t1", "trunk", "trunk")
    assert "carrier-secret" not in repr(kept.trunk)
    settings.put_trunk("t2", host="192.0.2.10", mode=TrunkMode.IP)
    lines = outside_lines_from(settings.configuration.database)
    assert set(lines.trunks) == {"t1", "t2"} and lines.trusted_hosts() == {
        "sip2.carrier.example",
        "192.0.2.10",
    }
    settings.remove_trunk("t2")
    assert settings.trunk("t2") is None


def test_a_carrier_host_is_one_tenant_s(settings: OutsideLineSettings) -> None:
    """Its INVITEs are trusted for that tenant only (issue 14 §2): a host another tenant's
    trunk has is refused, in any letter case; the owner may save it again."""
    settings.put_trunk("t1", "", "carrier-secret", **FIELDS)
    with pytest.raises(TrunkError) as error:
        settings.put_trunk("t2", host="SIP.carrier.example", mode=TrunkMode.IP)
    assert (error.value.field, error.value.code) == ("trunk.host", "trunk-host-taken")
    assert settings.trunk("t2") is None
    settings.put_trunk("t1", "", "", **{**FIELDS, "port": 5080})  # its own: kept
    lines = outside_lines_from(settings.configuration.database)
    assert lines.tenant_of_host("sip.carrier.example") == "t1"
    assert lines.tenant_of_host("192.0.2.99") is None


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.53", "LOCALHOST", "[::1]", "0.0.0.0", "169.254.169.254", "192.0.2.5"],
)
def test_a_carrier_host_is_never_the_switch_s_own(settings: OutsideLineSettings, host: str) -> None:
    """The browser phone's SIP leg and any local peer send from this machine: a trunk there
    would take their INVITEs as the carrier's, DIDs without digest (issue 14 §2, security
    review of issue 16). ``192.0.2.5`` stands for the switch's own ``sip_host``."""
    own = OutsideLineSettings(settings.configuration, frozenset({"192.0.2.5"}))
    with pytest.raises(TrunkError) as error:
        own.put_trunk("t1", host=host, mode=TrunkMode.IP)
    assert (error.value.field, error.value.code) == ("trunk.host", "trunk-host-own")
    assert own.trunk("t1") is None
    own.put_trunk("t1", host="192.0.2.10", mode=TrunkMode.IP)  # a carrier's: saved


def test_a_bad_main_number_is_refused_naming_the_field(settings: OutsideLineSettings) -> None:
    with pytest.raises(TrunkError) as error:
        settings.put_trunk("t1", "12", "carrier-secret", **FIELDS)
    assert error.value.field == "trunk.main_number"
    assert settings.trunk("t1") is None


def test_classes_and_assignments_bar_by_user_and_group(settings: OutsideLineSettings) -> None:
    settings.put_class("t1", ClassOfService("utland", "Utland", Reach.INTERNATIONAL))
    settings.put_class("t1", ClassOfService("intern", "Internt", Reach.INTERNAL))
    settings.assign_class("t1", USER, "1005", "utland")
    settings.assign_class("t1", GROUP, "vaktmastare", "intern")
    with pytest.raises(TrunkError):
        settings.assign_class("t1", USER, "1006", "saknas")
    with pytest.raises(TrunkError):
        settings.assign_class("t1", "robot", "1006", "intern")
    classes = settings.classes("t1")
    tenant = DialPolicy(international_allowed=True)
    assert classes.policy_for(tenant, "1005").allows("+44 20 7123 4567")
    assert classes.policy_for(tenant, "1007", ["vaktmastare"]).decide("0812345678").refusal is (
        DialRefusal.EXTERNAL
    )
    assert settings.classes("t2").classes == {}  # tenant isolation
    settings.remove_class("t1", "utland")
    assert "1005" not in settings.classes("t1").users
    settings.assign_class("t1", GROUP, "vaktmastare", "")
    assert settings.classes("t1").groups == {}


def test_presentation_per_user_with_a_direct_number(settings: OutsideLineSettings) -> None:
    settings.put_trunk("t1", "+46101234500", "carrier-secret", **FIELDS)
    settings.put_presentation("t1", USER, "1005", "direct", "010-123 45 12")
    settings.put_presentation("t1", GROUP, "socialjour", "withheld")
    with pytest.raises(TrunkError) as error:
        settings.put_presentation("t1", USER, "1005", "loud")
    assert error.value.code == "choice"
    presentations = settings.presentations("t1")
    assert presentations.present("1005").number == "+46101234512"
    assert presentations.mode_for("x", ["socialjour"]) is PresentationMode.WITHHELD
    assert settings.presentations("t2").users == {}


def test_a_persons_forwarding_asks_their_class_of_service(settings: OutsideLineSettings) -> None:
    """PBX8: forwarding to an external number is barred as the person's own calls are."""
    settings.put_class("t1", ClassOfService("utland", "Utland", Reach.INTERNATIONAL))
    settings.assign_class("t1", USER, "karin", "utland")
    database = settings.configuration.database
    tenant = DialPolicy(international_allowed=True)
    assert policy_of_person(database, tenant, "t1", "karin").allows("+44 20 7123 4567")
    assert not policy_of_person(database, tenant, "t1", "olle").allows("+44 20 7123 4567")
    assert policy_of_person(database, tenant, "t1", "olle").allows("112")
