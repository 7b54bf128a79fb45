"""The audit log page (issue 12 §6): who changed whose account, role, password or API key,
and when — for the tenant's admins, newest first, only their own tenant's entries."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.store.audit import AuditEntry, AuditLog
from vaxel.web.admin.user_form import ROLE_NAMES
from vaxel.web.deps import Platform, SignedIn, TenantId, require_admin
from vaxel.web.i18n import N_, gettext
from vaxel.web.rendering import local_time, render

__all__ = ["ACTION_LABELS", "router"]

router = APIRouter(prefix="/admin/audit", tags=["admin"], dependencies=[Depends(require_admin)])

ACTION_LABELS = {
    "user_added": N_("Användare skapad"),
    "user_changed": N_("Användare ändrad"),
    "role_changed": N_("Roll ändrad"),
    "password_set": N_("Nytt lösenord"),
    "account_deactivated": N_("Konto avaktiverat"),
    "user_removed": N_("Användare borttagen"),
    "api_key_added": N_("API-nyckel skapad"),
    "api_key_revoked": N_("API-nyckel återkallad"),
    "switch_changed": N_("Brytare ändrad"),
    "console_units_changed": N_("Telefonistens avdelningar ändrade"),
    "queue_units_changed": N_("Telefonistköns avdelningar ändrade"),
    "audio_device_changed": N_("Ljudenhet för samtal ändrad"),
    "message_template_saved": N_("Meddelandemall sparad"),
    "message_template_deleted": N_("Meddelandemall borttagen"),
    "prompt_recorded": N_("Meddelande inspelat per telefon"),
    "mail_server_changed": N_("E-postserver ändrad"),
    "mail_server_removed": N_("E-postserver borttagen"),
    "test_mail_sent": N_("Testmejl skickat"),
    "park_changed": N_("Parkering ändrad"),
    "absent_offer_changed": N_("Val för den som ringer en frånvarande ändrat"),
    "ice_servers_changed": N_("Webbtelefonens ICE-servrar ändrade"),
    "forwarding_removed": N_("Vidarekoppling borttagen"),
    "group_diverted": N_("Grupp hänvisad"),
    "group_diversion_cleared": N_("Grupphänvisning borttagen"),
    "auto_attendant_changed": N_("Automatisk telefonist vid hög belastning ändrad"),
}


def _detail(entry: AuditEntry) -> str:
    detail = entry.detail
    if entry.action == "role_changed":
        before = gettext(ROLE_NAMES.get(detail.get("from", ""), detail.get("from", "")))
        after = gettext(ROLE_NAMES.get(detail.get("to", ""), detail.get("to", "")))
        return gettext("från {} till {}").format(before, after)
    if entry.action == "user_added" and detail.get("role"):
        return gettext(ROLE_NAMES.get(detail["role"], detail["role"]))
    if entry.action == "api_key_added":
        return gettext("behörigheter: {}").format(detail.get("scopes", ""))
    if entry.action == "switch_changed" and detail.get("window"):
        return gettext("schemalagd {}").format(detail["window"])
    if entry.action == "switch_changed":
        return gettext("påslagen") if detail.get("on") == "true" else gettext("avslagen")
    if entry.action == "auto_attendant_changed":
        if detail.get("enabled") != "True":
            return gettext("av")
        return gettext("på i {queue} vid {wait} s eller {waiting} väntande").format(
            queue=detail.get("queue_id", ""),
            wait=detail.get("wait_s", ""),
            waiting=detail.get("waiting", ""),
        )
    if entry.action == "mail_server_changed":
        return detail.get("host", "")
    if entry.action == "forwarding_removed":
        return gettext("{name}, var till {to}").format(
            name=detail.get("name", ""), to=detail.get("to", "")
        )
    if entry.action == "ice_servers_changed":
        return detail.get("urls", "") or gettext("inga")
    if entry.action == "test_mail_sent":
        if detail.get("error"):
            return gettext("till {} via {}: misslyckades").format(
                detail.get("to", ""), detail.get("server", "")
            )
        return gettext("till {} via {}").format(detail.get("to", ""), detail.get("server", ""))
    if entry.action == "user_changed" and detail.get("agent_id"):
        return gettext("handläggare {}").format(detail["agent_id"])
    return ""


@router.get("")
def audit_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    rows = [
        {
            "at": local_time(entry.at),
            "actor": entry.actor,
            "action": gettext(ACTION_LABELS.get(entry.action, entry.action)),
            "subject": entry.subject,
            "detail": _detail(entry),
        }
        for entry in AuditLog(platform.database).entries(tenant_id)
    ]
    return render(request, "admin/audit.html", session, rows=rows)
