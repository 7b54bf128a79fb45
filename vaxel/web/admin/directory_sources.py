"""The directory's outside sources in the admin pages (issue 13 §3–4, §6, DIR5, spec §41):
the LDAP/Active Directory connection with "Testa anslutning", a dry run and "Synkronisera
nu", the last run's report; the calendar rules and each person's calendar address.

The bind password is never shown back: an empty password field keeps the stored one. A
wrong field is refused with its name and rule in Swedish, and nothing is saved.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.core.errors import ConfigError
from vaxel.directory_sync.ldap_source import SourceError, check_connection
from vaxel.directory_sync.ldap_sync import LdapSettings
from vaxel.directory_sync.service import CALENDAR, LDAP, DirectoryService
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources, PersonCalendar
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.error_text import error_text, rule_text
from vaxel.web.i18n import gettext
from vaxel.web.rendering import back, render

__all__ = ["router"]

PAGE = "/admin/directory"
MAPPED = ("unit", "extension", "direct", "mobile", "email", "title", "room", "groups")
BOOLEAN_RULES = ("include_private", "include_all_day", "show_subject")

router = APIRouter(
    prefix=PAGE, tags=["admin"], dependencies=[Depends(require_admin), returns_to(PAGE)]
)


def _service(platform: WebContext) -> DirectoryService:
    database = platform.database
    return DirectoryService(
        DirectoryStore(database), DirectorySources(database), clock=platform.clock
    )


def _page(
    request: Request, session: Any, platform: WebContext, tenant_id: str, **values: Any
) -> Response:
    sources = DirectorySources(platform.database)
    ldap = sources.settings(tenant_id, LDAP) or {}
    return render(
        request,
        "admin/directory_sources.html",
        session,
        ldap={k: v for k, v in ldap.items() if k != "password"},
        has_password=bool(ldap.get("password")),
        mapping=ldap.get("mapping") or {},
        mapped=MAPPED,
        report=sources.report(tenant_id, LDAP),
        rules=sources.settings(tenant_id, CALENDAR) or {},
        calendars=sources.calendars(tenant_id),
        **values,
    )


@router.get("")
def sources_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    return _page(request, session, platform, tenant_id)


def _settings_of(form: Any, stored: dict[str, Any]) -> LdapSettings:
    mapping: dict[str, Any] = {
        name: str(form.get(f"map_{name}", "")).strip()[:64] for name in MAPPED
    }
    mapping = {k: v for k, v in mapping.items() if v}
    digits = str(form.get("extension_digits", "") or "0").strip()
    mapping["extension_digits"] = int(digits) if digits.isdecimal() else -1
    interval = str(form.get("interval_min", "") or "60").strip()
    document = {
        "url": str(form.get("url", "")).strip(),
        "base_dn": str(form.get("base_dn", "")).strip(),
        "bind_dn": str(form.get("bind_dn", "")).strip(),
        "password": str(form.get("password", "")) or stored.get("password", ""),
        "filter": str(form.get("filter", "")).strip(),
        "id_attribute": str(form.get("id_attribute", "")).strip(),
        "interval_s": int(interval) * 60 if interval.isdecimal() else -1,
        "enabled": bool(form.get("enabled")),
        "mapping": mapping,
    }
    return LdapSettings.from_document(document)


@router.post("/ldap")
def change_ldap(
    request: Request,
    session: SignedIn,
    form: CsrfForm,
    platform: Platform,
    tenant_id: TenantId,
) -> Response:
    """``action``: save, test (bind and count), dry-run (list the changes), sync, remove."""
    sources = DirectorySources(platform.database)
    action = str(form.get("action", "save"))
    if action == "remove":
        sources.remove_settings(tenant_id, LDAP)
        platform.directory_changed(tenant_id)
        return back(PAGE, saved=True)
    stored = sources.settings(tenant_id, LDAP) or {}
    try:
        settings = _settings_of(form, stored)
    except ConfigError as error:
        return back(PAGE, f"{error.field}: {rule_text(error)}", _refill(form))
    sources.put_settings(tenant_id, LDAP, settings.to_document(), time.time())
    platform.directory_changed(tenant_id)
    if action == "test":
        try:
            found = check_connection(settings.server)
        except SourceError as error:
            notice = gettext("Anslutningen fungerar inte: {}").format(
                f"{error_text(error)} ({error.reason})"
            )
            return _page(request, session, platform, tenant_id, error=notice)
        notice = gettext("Anslutningen fungerar: {} personer hittades med filtret.").format(found)
        return _page(request, session, platform, tenant_id, notice=notice)
    if action in ("dry-run", "sync"):
        report = _service(platform).sync_ldap(tenant_id, dry_run=action == "dry-run")
        platform.directory_changed(tenant_id)
        if not report.ok:
            message = gettext("Synkroniseringen misslyckades: {}").format(report.error)
            return _page(request, session, platform, tenant_id, error=message)
        return _page(request, session, platform, tenant_id, changes=report.changes)
    return back(PAGE, saved=True)


def _refill(form: Any) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k not in ("password", "csrf")}


@router.post("/calendar-rules")
def change_calendar_rules(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    rules: dict[str, Any] = {name: bool(form.get(name)) for name in BOOLEAN_RULES}
    sources = DirectorySources(platform.database)
    sources.put_settings(tenant_id, CALENDAR, rules, time.time())
    platform.directory_changed(tenant_id)
    return back(PAGE, saved=True)


@router.post("/calendars")
def add_calendar(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    """Add or change one person's calendar address."""
    person_id = str(form.get("person_id", "")).strip()[:64]
    url = str(form.get("url", "")).strip()
    kind = "ics" if form.get("kind") == "ics" else "caldav"
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        return back(PAGE, gettext("Kalenderns adress ska börja med https://"), _refill(form))
    DirectoryStore(platform.database).person(tenant_id, person_id)  # 404 for someone unknown
    sources = DirectorySources(platform.database)
    stored = sources.calendar(tenant_id, person_id)
    password = str(form.get("cal_password", "")) or (stored.password if stored else "")
    sources.put_calendar(
        tenant_id,
        PersonCalendar(
            person_id,
            url,
            kind,
            str(form.get("username", "")).strip()[:200],
            password[:500],
            opted_out=bool(form.get("opted_out")),
        ),
    )
    platform.directory_changed(tenant_id)
    return back(PAGE, saved=True)


@router.post("/calendars/{person_id}")
def remove_calendar(
    form: CsrfForm, platform: Platform, tenant_id: TenantId, person_id: str
) -> Response:
    DirectorySources(platform.database).remove_calendar(tenant_id, person_id[:64])
    platform.directory_changed(tenant_id)
    return back(PAGE, saved=True)
