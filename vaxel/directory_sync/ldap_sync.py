"""One LDAP/AD sync run for a tenant (DIR5): read, map, reconcile, apply — or only report.

A run reads the whole subtree first and changes nothing until it has; the plan is applied
in one transaction by the store, so an unreachable server, a refused bind or a crash midway
leaves the directory as it was. Every run ends in a :class:`SyncReport` (kept by the store,
shown in the admin page and printed by ``vaxel directory sync-ldap``).

Settings are a JSON document per tenant, checked here so that every field a tenant admin
can get wrong is named by a coded :class:`~vaxel.core.errors.ConfigError`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from vaxel.core.errors import ConfigError
from vaxel.directory.model import Person, Unit
from vaxel.directory.reconcile import SyncPlan, reconcile
from vaxel.directory_sync.ldap_source import LdapServer, SourceError, fetch_entries
from vaxel.directory_sync.mapping import PREFIX, AttributeMap, to_people

__all__ = ["LdapSettings", "SyncReport", "SyncTarget", "run_sync"]

MIN_INTERVAL_S = 300
MAX_INTERVAL_S = 7 * 86_400
MAX_SKIPPED_IN_REPORT = 100
_ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,63}")


class SyncTarget(Protocol):
    """What a sync needs of the store."""

    def people(self, tenant_id: str, *, include_inactive: bool = False) -> list[Person]: ...

    def units(self, tenant_id: str) -> list[Unit]: ...

    def apply_sync(self, tenant_id: str, plan: SyncPlan, now: float) -> None:
        """Every change of ``plan`` in one transaction."""
        ...


@dataclass(frozen=True, slots=True)
class LdapSettings:
    """A tenant's LDAP sync: the server, the mapping, how often, and whether it runs."""

    server: LdapServer
    mapping: AttributeMap = field(default_factory=AttributeMap)
    interval_s: int = 3600
    enabled: bool = True

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> LdapSettings:
        """Settings from their JSON form, every wrong field named."""
        url = _text(document, "url", 300)
        if not re.fullmatch(r"ldaps?://[A-Za-z0-9.\-\[\]:]+(:[0-9]{1,5})?/?", url):
            raise ConfigError("url", "ldap-url", value=url)
        base_dn = _text(document, "base_dn", 500)
        if not base_dn or "=" not in base_dn:
            raise ConfigError("base_dn", "ldap-dn", value=base_dn)
        search_filter = _text(document, "filter", 1000) or "(objectClass=inetOrgPerson)"
        if not (search_filter.startswith("(") and search_filter.endswith(")")):
            raise ConfigError("filter", "ldap-filter", value=search_filter)
        interval = document.get("interval_s", 3600)
        if not isinstance(interval, int) or not MIN_INTERVAL_S <= interval <= MAX_INTERVAL_S:
            raise ConfigError(
                "interval_s",
                "whole-number-range",
                min=MIN_INTERVAL_S,
                max=MAX_INTERVAL_S,
                value=interval,
            )
        raw_map = document.get("mapping") or {}
        if not isinstance(raw_map, Mapping):
            raise ConfigError("mapping", "mapping")
        names = {k: v for k, v in raw_map.items() if k not in ("custom", "extension_digits")}
        for key, value in names.items():
            if key not in AttributeMap.__dataclass_fields__ or not isinstance(value, str):
                raise ConfigError(
                    f"mapping.{key}",
                    "unknown-setting",
                    allowed=", ".join(AttributeMap.__dataclass_fields__),
                )
            if value and key != "unit_separator" and not _ATTRIBUTE.fullmatch(value):
                raise ConfigError(f"mapping.{key}", "ldap-attribute", value=value)
        digits = raw_map.get("extension_digits", 0)
        if not isinstance(digits, int) or not 0 <= digits <= 10:
            raise ConfigError(
                "mapping.extension_digits", "whole-number-range", min=0, max=10, value=digits
            )
        custom = raw_map.get("custom") or {}
        if not isinstance(custom, Mapping) or not all(
            isinstance(v, str) and _ATTRIBUTE.fullmatch(v) for v in custom.values()
        ):
            raise ConfigError("mapping.custom", "ldap-attribute", value=str(custom)[:100])
        id_attribute = _text(document, "id_attribute", 64) or "entryUUID"
        if not _ATTRIBUTE.fullmatch(id_attribute):
            raise ConfigError("id_attribute", "ldap-attribute", value=id_attribute)
        return cls(
            server=LdapServer(
                url=url,
                base_dn=base_dn,
                bind_dn=_text(document, "bind_dn", 500),
                password=_text(document, "password", 500),
                search_filter=search_filter,
                id_attribute=id_attribute,
            ),
            mapping=AttributeMap(**names, extension_digits=digits, custom=dict(custom)),
            interval_s=interval,
            enabled=bool(document.get("enabled", True)),
        )

    def to_document(self) -> dict[str, Any]:
        mapping = asdict(self.mapping)
        return {
            "url": self.server.url,
            "base_dn": self.server.base_dn,
            "bind_dn": self.server.bind_dn,
            "password": self.server.password,
            "filter": self.server.search_filter,
            "id_attribute": self.server.id_attribute,
            "mapping": mapping,
            "interval_s": self.interval_s,
            "enabled": self.enabled,
        }


def _text(document: Mapping[str, Any], name: str, limit: int) -> str:
    value = document.get(name, "")
    if not isinstance(value, str):
        raise ConfigError(name, "text", value=value)
    if len(value) > limit:
        raise ConfigError(name, "too-long", max=limit, length=len(value))
    return value.strip()


@dataclass(frozen=True, slots=True)
class SyncReport:
    """How one run went: when, whether it was a dry run, what changed or why nothing did."""

    started_at: float
    finished_at: float
    dry_run: bool
    ok: bool
    counts: Mapping[str, int] = field(default_factory=dict)
    error_code: str = ""
    error: str = ""
    skipped: Sequence[Mapping[str, str]] = ()
    changes: Sequence[str] = ()
    """One line per change (dry runs; the first 1,000)."""

    def to_document(self) -> dict[str, Any]:
        return asdict(self)


def _lines(plan: SyncPlan) -> list[str]:
    lines = [f"+ {p.name} ({p.external_id})" for p in plan.added]
    for update in plan.updated:
        before, after = update.before, update.after
        if update.renamed:
            lines.append(f"~ {before.name} -> {after.name} ({after.external_id})")
        if update.moved:
            lines.append(
                f"> {after.name}: {', '.join(before.unit_ids) or '-'} -> "
                f"{', '.join(after.unit_ids) or '-'}"
            )
        others = [f for f in update.fields if f not in ("given_name", "family_name", "unit_ids")]
        if others:
            lines.append(f"~ {after.name}: {', '.join(others)}")
    lines += [f"- {p.name} ({p.external_id}) deactivated" for p in plan.deactivated]
    lines += [f"+ {p.name} ({p.external_id}) reactivated" for p in plan.reactivated]
    lines += [f"+ unit {u.name} ({u.unit_id})" for u in plan.units_added]
    return lines[:1000]


def run_sync(
    settings: LdapSettings,
    target: SyncTarget,
    tenant_id: str,
    *,
    dry_run: bool = False,
    clock: Any = time.time,
) -> SyncReport:
    """Read the server, reconcile with the tenant's directory and (unless ``dry_run``) apply.

    Never raises for the source: an unreachable or refusing server ends in a report with
    ``ok=False`` and the directory unchanged."""
    started = float(clock())
    try:
        entries = fetch_entries(settings.server, settings.mapping.attributes())
    except SourceError as error:
        return SyncReport(started, float(clock()), dry_run, False, {}, error.code, error.reason)
    people, units, skipped = to_people(entries, settings.mapping)
    plan = reconcile(
        target.people(tenant_id, include_inactive=True),
        people,
        prefix=PREFIX,
        units=target.units(tenant_id),
        incoming_units=units,
        skipped=skipped,
    )
    if not dry_run and plan.changes:
        target.apply_sync(tenant_id, plan, started)
    return SyncReport(
        started_at=started,
        finished_at=float(clock()),
        dry_run=dry_run,
        ok=True,
        counts=plan.summary(),
        skipped=[
            {"where": s.where, "field": s.field, "code": s.code}
            for s in plan.skipped[:MAX_SKIPPED_IN_REPORT]
        ],
        changes=_lines(plan) if dry_run else (),
    )
