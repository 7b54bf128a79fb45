"""A tenant admin's LDAP settings: every field they can get wrong is refused by name and
rule (issue 13 bad input), and good settings survive a round trip through their JSON form."""

from __future__ import annotations

import pytest

from vaxel.core.errors import ConfigError
from vaxel.directory_sync.ldap_sync import LdapSettings

GOOD = {
    "url": "ldaps://ad.exempelby.se:636",
    "base_dn": "ou=Personal,dc=exempelby,dc=se",
    "bind_dn": "cn=vaxel,ou=Tjanst,dc=exempelby,dc=se",
    "password": "hemligt",
    "filter": "(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))",
    "id_attribute": "objectGUID",
    "mapping": {
        "unit": "department",
        "extension": "ipPhone",
        "custom": {"anstallning": "employeeID"},
    },
    "interval_s": 900,
}


def test_good_settings_round_trip() -> None:
    settings = LdapSettings.from_document(GOOD)
    assert settings.server.url == GOOD["url"] and settings.server.id_attribute == "objectGUID"
    assert settings.mapping.extension == "ipPhone" and settings.mapping.unit == "department"
    assert "employeeID" in settings.mapping.attributes()
    assert LdapSettings.from_document(settings.to_document()) == settings


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"url": "http://ad.exempelby.se"}, "url", "ldap-url"),
        ({"url": "ldap://ad.exempelby.se/x?y"}, "url", "ldap-url"),
        ({"base_dn": "Personal"}, "base_dn", "ldap-dn"),
        ({"filter": "objectClass=user"}, "filter", "ldap-filter"),
        ({"interval_s": 10}, "interval_s", "whole-number-range"),
        ({"interval_s": "1h"}, "interval_s", "whole-number-range"),
        ({"id_attribute": "object GUID"}, "id_attribute", "ldap-attribute"),
        ({"mapping": {"mobile": "mobile phone"}}, "mapping.mobile", "ldap-attribute"),
        ({"mapping": {"skonummer": "x"}}, "mapping.skonummer", "unknown-setting"),
        ({"mapping": {"extension_digits": 40}}, "mapping.extension_digits", "whole-number-range"),
        ({"mapping": "givenName"}, "mapping", "mapping"),
        ({"password": "x" * 501}, "password", "too-long"),
        ({"bind_dn": 7}, "bind_dn", "text"),
    ],
)
def test_a_wrong_field_is_named_with_its_rule(
    change: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        LdapSettings.from_document({**GOOD, **change})
    assert (refused.value.field, refused.value.code) == (field, code)
