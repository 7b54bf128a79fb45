"""Opening hours (Q1–Q3, ADM1, ADM3): weekly hours per day group, Swedish holidays and eves,
special dates, the closed message — with the next 14 days shown as the schedule evaluates
them, before and after saving.

The form (:mod:`vaxel.web.admin.schedule_form`) converts both ways, so a refused form comes
back with the admin's input kept. Saving goes through
:meth:`Configuration.put_schedule`, which validates whole, stores and tells the running
calendar (Q20: queues open or close at once).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.clock import to_local
from vaxel.core.errors import ConfigError
from vaxel.schedule import DayHours, Schedule, day_hours, next_change, schedule_from_dict, state_at
from vaxel.store.accounts import Session
from vaxel.store.repositories import UnknownDocument
from vaxel.web.admin.ids import OBJECT_ID, refused_id
from vaxel.web.admin.prompt_choices import prompt_choices
from vaxel.web.admin.schedule_form import ScheduleForm
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import N_, gettext
from vaxel.web.lengths import longer_than, too_long
from vaxel.web.rendering import back, local_time, render, take_flash

__all__ = ["preview_days", "router"]

WEEKDAY_NAMES = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
MONTH_NAMES = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
REASONS = {
    "weekly": "",
    "monthly": N_("Månadsregel"),
    "yearly": N_("Årlig dag"),
    "exception": N_("Särskild dag"),
    "holiday": N_("Helgdag"),
    "eve": N_("Afton"),
    "half_day": N_("Halvdag"),
}
"""Why a day has its hours, as the preview names it (Swedish; translated when shown)."""
BLANK_ROWS = 2
PREVIEW_DAYS = 14


def _hours_shown(hours: DayHours) -> str:
    if not hours.intervals:
        return gettext("Stängt")
    return ", ".join(
        f"{iv.start:%H:%M}–{'24:00' if iv.end is None else f'{iv.end:%H:%M}'}"
        for iv in hours.intervals
    )


def preview_days(schedule: Schedule, first: date, days: int = PREVIEW_DAYS) -> list[dict[str, Any]]:
    """The days from ``first`` as the schedule evaluates them, for the admin to check."""
    shown = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        hours = day_hours(schedule, day)
        reason = REASONS.get(hours.reason, "")
        shown.append(
            {
                "date": day.isoformat(),
                "day": f"{gettext(WEEKDAY_NAMES[day.weekday()])} {day.day} "
                f"{gettext(MONTH_NAMES[day.month - 1])}",
                "open": bool(hours.intervals),
                "hours": _hours_shown(hours),
                "reason": gettext(reason) if reason else "",
                "name": hours.name,
                "weekend": day.weekday() >= 5,
            }
        )
    return shown


def _field_label(field_name: str) -> str:
    """Where in the form a schedule error is, in the admin's words."""
    match = re.match(
        r"^(weekly|exceptions|monthly|yearly|holidays)(?:\.([^\[.]+)|\[(\d+)\])?", field_name
    )
    if match is None:
        labels = {"id": gettext("Id"), "closed_message": gettext("Stängt-meddelande")}
        return labels.get(field_name.split(".")[0], field_name)
    part, key, index = match.groups()
    if part == "weekly":
        return gettext("Veckotider, dagar {}").format(key or "")
    if part == "exceptions":
        return gettext("Särskilda dagar, rad {}").format(int(index or 0) + 1)
    if part == "monthly":
        return gettext("Varje månad, rad {}").format(int(index or 0) + 1)
    if part == "yearly":
        return gettext("Årliga dagar, rad {}").format(int(index or 0) + 1)
    return gettext("Helgdagar")


def _error_text(error: ConfigError) -> str:
    return gettext("{place}: {reason}").format(
        place=_field_label(error.field), reason=rule_text(error)
    )


router = APIRouter(
    prefix="/admin/schedules",
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to("/admin/schedules")],
)


def stored(schedule_id: str, platform: Platform, tenant_id: TenantId) -> dict[str, Any]:
    """The schedule the path names, as stored in the own tenant; 404 for any other."""
    try:
        return platform.configuration.documents("schedule").get(tenant_id, schedule_id)
    except UnknownDocument:
        raise HTTPException(404, gettext("Inget schema med det id:t")) from None


Stored = Annotated[dict[str, Any], Depends(stored)]


def edit_page(
    request: Request,
    session: Session,
    platform: WebContext,
    form: ScheduleForm,
    *,
    error: str = "",
    saved: bool = False,
    status: int = 200,
) -> Response:
    """The editor with the next 14 days as the form's schedule evaluates them."""
    now = platform.clock()
    today = to_local(now).date()
    preview: list[dict[str, Any]] = []
    state: dict[str, Any] = {}
    try:
        schedule = schedule_from_dict(form.document())
    except ConfigError as problem:
        error = error or _error_text(problem)
    else:
        preview = preview_days(schedule, today)
        change = next_change(schedule, now)
        state = {
            "open": state_at(schedule, now).open,
            "next": local_time(change) if change is not None else "",
        }
    response = render(
        request,
        "admin/schedules_edit.html",
        session,
        form=form,
        blank=range(BLANK_ROWS),
        preview=preview,
        state=state,
        error=error,
        saved=saved,
        prompts=prompt_choices(platform.configuration, session.user.tenant_id),
    )
    response.status_code = status
    return response


@router.get("")
def schedules_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    now = platform.clock()
    today = to_local(now).date()
    rows = []
    for schedule_id, document in platform.configuration.schedules(tenant_id).items():
        try:
            schedule = schedule_from_dict(document)
        except ConfigError:
            rows.append({"id": schedule_id, "name": document.get("name", ""), "broken": True})
            continue
        rows.append(
            {
                "id": schedule_id,
                "name": schedule.name,
                "open": state_at(schedule, now).open,
                "today": preview_days(schedule, today, 1)[0],
            }
        )
    return render(request, "admin/schedules.html", session, schedules=rows)


@router.post("")
async def create_schedule(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    """A new schedule, open weekdays 08:00–17:00 and closed on holidays until edited."""
    schedule_id = str(form.get("id", "")).strip()
    name = str(form.get("name", "")).strip() or schedule_id
    if not OBJECT_ID.match(schedule_id):
        message, prefill = refused_id(schedule_id, str(form.get("name", "")).strip())
        return back("/admin/schedules", message, prefill)
    if schedule_id in platform.configuration.schedules(tenant_id):
        return back("/admin/schedules", gettext("Det finns redan ett schema med id:t"))
    if longer_than(name, limits.NAME_LENGTH):
        return back("/admin/schedules", too_long(gettext("Namn"), limits.NAME_LENGTH))
    document = {"id": schedule_id, "name": name, "weekly": {"mon-fri": ["08:00-17:00"]}}
    platform.configuration.put_schedule(tenant_id, document)
    return back(f"/admin/schedules/{schedule_id}")


@router.get("/{schedule_id}")
def schedule_page(
    request: Request, session: SignedIn, platform: Platform, document: Stored
) -> Response:
    saved = take_flash(request).saved  # from the session, never ?saved= (issue 9 §4)
    form = ScheduleForm.from_document(document)
    return edit_page(request, session, platform, form, saved=saved)


@router.post("/{schedule_id}")
async def save_schedule(
    request: Request,
    form: CsrfForm,
    session: SignedIn,
    platform: Platform,
    tenant_id: TenantId,
    document: Stored,
    schedule_id: str,
) -> Response:
    """Preview (nothing stored) or save; a refused form comes back with the input kept and
    the refusal placed in the admin's words (what the one exception handler cannot do)."""
    typed = ScheduleForm.from_form(schedule_id, form)
    if str(form.get("action", "save")) != "save":
        return edit_page(request, session, platform, typed)
    try:
        platform.configuration.put_schedule(tenant_id, typed.document())
    except ConfigError as error:
        return edit_page(request, session, platform, typed, error=_error_text(error), status=400)
    return back(f"/admin/schedules/{schedule_id}", saved=True)
