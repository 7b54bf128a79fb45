"""Reading people from LDAP or Active Directory with ``ldap3`` (DIR5).

Only this module imports ``ldap3``: it turns the library's errors into
:class:`SourceUnreachable` / :class:`SourceRefused` (the Home Assistant rule: integrations
translate library errors into the core's own), pages through the subtree so a directory of
tens of thousands of people never arrives as one response, and bounds every wait.

An entry is identified by a stable attribute — ``entryUUID`` (OpenLDAP) or ``objectGUID``
(Active Directory) — never by its DN, so a rename or a move to another OU is the same person.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import ldap3
from ldap3.core import exceptions as ldap_errors

from vaxel.core.errors import VaxelError

__all__ = [
    "LdapEntry",
    "LdapServer",
    "SourceError",
    "SourceRefused",
    "SourceUnreachable",
    "check_connection",
    "fetch_entries",
]

PAGE_SIZE = 500
MAX_ENTRIES = 200_000
"""A directory larger than this is refused rather than read into memory whole."""
MAX_VALUES = 50
"""Values kept per attribute (a person in 5,000 groups keeps the first 50)."""
MAX_VALUE_LENGTH = 1024


class SourceError(VaxelError):
    """A source (LDAP, a calendar) could not be read: nothing of it was applied."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason

    @property
    def params(self) -> Mapping[str, Any]:
        return {"url": self.url, "reason": self.reason}


class SourceUnreachable(SourceError):
    """The server did not answer (refused, timed out, TLS failed)."""

    code = "directory-source-unreachable"


class SourceRefused(SourceError):
    """The server answered but refused: bad credentials, base DN or filter, too many entries."""

    code = "directory-source-refused"


@dataclass(frozen=True, slots=True)
class LdapServer:
    """Where and how to read: the admin's LDAP settings."""

    url: str
    """``ldap://host:389`` or ``ldaps://host:636``."""
    base_dn: str
    bind_dn: str = ""
    password: str = ""
    search_filter: str = "(objectClass=inetOrgPerson)"
    id_attribute: str = "entryUUID"
    timeout_s: int = 10


@dataclass(frozen=True, slots=True)
class LdapEntry:
    """One entry as read: its DN, its stable id and its text attributes (lower-cased names)."""

    dn: str
    entry_id: str
    attributes: Mapping[str, tuple[str, ...]]

    def first(self, name: str) -> str:
        values = self.attributes.get(name.lower(), ())
        return values[0] if values else ""

    def all(self, name: str) -> tuple[str, ...]:
        return self.attributes.get(name.lower(), ())


def _connect(server: LdapServer) -> ldap3.Connection:
    parts = urlsplit(server.url)
    if parts.scheme not in ("ldap", "ldaps") or not parts.hostname:
        raise SourceRefused(server.url, "the URL must be ldap://host[:port] or ldaps://host[:port]")
    target = ldap3.Server(
        parts.hostname,
        port=parts.port or (636 if parts.scheme == "ldaps" else 389),
        use_ssl=parts.scheme == "ldaps",
        get_info=ldap3.NONE,
        connect_timeout=max(1, int(server.timeout_s)),
    )
    connection = ldap3.Connection(
        target,
        user=server.bind_dn or None,
        password=server.password or None,
        receive_timeout=max(1, int(server.timeout_s)),
        raise_exceptions=True,
        read_only=True,
    )
    try:
        connection.bind()
    except ldap_errors.LDAPInvalidCredentialsResult as error:
        raise SourceRefused(server.url, "invalid credentials") from error
    except ldap_errors.LDAPOperationResult as error:
        raise SourceRefused(server.url, str(error.description or error)) from error
    except ldap_errors.LDAPException as error:
        raise SourceUnreachable(server.url, str(error) or type(error).__name__) from error
    return connection


def check_connection(server: LdapServer) -> int:
    """Bind and count the entries the filter selects (at most one page): for the admin's
    "test connection" button. Raises :class:`SourceUnreachable` or :class:`SourceRefused`."""
    connection = _connect(server)
    try:
        connection.search(
            server.base_dn,
            server.search_filter,
            search_scope=ldap3.SUBTREE,
            attributes=[server.id_attribute],
            paged_size=PAGE_SIZE,
        )
        return len(connection.response or [])
    except ldap_errors.LDAPOperationResult as error:
        raise SourceRefused(server.url, str(error.description or error)) from error
    except ldap_errors.LDAPException as error:
        raise SourceUnreachable(server.url, str(error) or type(error).__name__) from error
    finally:
        connection.unbind()


def fetch_entries(server: LdapServer, attributes: Sequence[str]) -> list[LdapEntry]:
    """Every entry under ``base_dn`` matching the filter, read page by page.

    Entries without the id attribute are skipped (they cannot be followed across renames).
    Raises :class:`SourceUnreachable` or :class:`SourceRefused`; returns nothing partial.
    """
    connection = _connect(server)
    wanted = sorted({*attributes, server.id_attribute})
    try:
        return list(_pages(connection, server, wanted))
    except ldap_errors.LDAPOperationResult as error:
        raise SourceRefused(server.url, str(error.description or error)) from error
    except ldap_errors.LDAPException as error:
        raise SourceUnreachable(server.url, str(error) or type(error).__name__) from error
    finally:
        connection.unbind()


def _pages(
    connection: ldap3.Connection, server: LdapServer, attributes: list[str]
) -> Iterator[LdapEntry]:
    count = 0
    for item in connection.extend.standard.paged_search(
        server.base_dn,
        server.search_filter,
        search_scope=ldap3.SUBTREE,
        attributes=attributes,
        paged_size=PAGE_SIZE,
        generator=True,
    ):
        if item.get("type") != "searchResEntry":
            continue
        raw: Mapping[str, list[bytes]] = item.get("raw_attributes") or {}
        entry_id = _entry_id(server.id_attribute, raw)
        if not entry_id:
            continue
        count += 1
        if count > MAX_ENTRIES:
            raise SourceRefused(server.url, f"more than {MAX_ENTRIES} entries match the filter")
        yield LdapEntry(
            dn=str(item.get("dn", ""))[:MAX_VALUE_LENGTH],
            entry_id=entry_id,
            attributes={
                name.lower(): tuple(_text(v) for v in values[:MAX_VALUES])
                for name, values in raw.items()
                if name.lower() != server.id_attribute.lower()
            },
        )


def _entry_id(attribute: str, raw: Mapping[str, list[bytes]]) -> str:
    for name, values in raw.items():
        if name.lower() == attribute.lower() and values:
            value = values[0]
            if attribute.lower() == "objectguid" and len(value) == 16:
                return str(uuid.UUID(bytes_le=value))
            return _text(value)
    return ""


def _text(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")[:MAX_VALUE_LENGTH].strip()
