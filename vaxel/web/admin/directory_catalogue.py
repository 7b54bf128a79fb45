"""The directory's own catalogue in the admin pages (issue 13 §6, DIR1, DIR3, DIR5–DIR6):
the tenant's absence reasons beside the Swedish defaults, custom fields and who may see
them, who may see mobile numbers, the unit tree, and a whole file imported or exported.

Each form changes one thing; wrong input is refused with the field named and nothing is
saved. A unit somebody still sits in is refused naming them. Every change reloads the
tenant's directory views at once (``directory_changed``).
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from vaxel.core.errors import ConfigError
from vaxel.directory.model import FieldDef, FieldType, Unit, Visibility
from vaxel.directory.presence import DEFAULT_REASONS, Reason
from vaxel.directory_io import FileFormat, ImportRefused, export_directory, import_directory
from vaxel.directory_io.columns import MAX_FILE_BYTES
from vaxel.store.directory import DirectoryStore, ImportMode
from vaxel.store.directory_sources import DirectorySources
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import gettext
from vaxel.web.rendering import back, render

__all__ = ["router"]

PAGE = "/admin/directory/catalogue"
SETTINGS = "directory"
"""DirectorySources' settings document read by DirectoryViews (``mobile_visibility``)."""

router = APIRouter(
    prefix=PAGE, tags=["admin"], dependencies=[Depends(require_admin), returns_to(PAGE)]
)


def _text(form: Any, name: str, limit: int = 200) -> str:
    return str(form.get(name, "")).strip()[:limit]


def _refused(error: ConfigError, form: Any) -> Response:
    fill = {k: str(v) for k, v in form.items() if k != "csrf" and isinstance(v, str)}
    return back(PAGE, f"{error.field}: {rule_text(error)}", fill)


def _page(request: Request, session: Any, platform: Any, tenant_id: str, **values: Any) -> Response:
    store = DirectoryStore(platform.database)
    own = {r.reason_id: r for r in store.reasons(tenant_id)}
    settings = DirectorySources(platform.database).settings(tenant_id, SETTINGS) or {}
    return render(
        request,
        "admin/directory_catalogue.html",
        session,
        defaults=DEFAULT_REASONS,
        own=own,
        extra=[
            r for r in own.values() if r.reason_id not in {d.reason_id for d in DEFAULT_REASONS}
        ],
        fields=store.fields(tenant_id),
        types=list(FieldType),
        visibilities=list(Visibility),
        mobile=settings.get("mobile_visibility", Visibility.EVERYONE.value),
        units=store.units(tenant_id),
        **values,
    )


@router.get("")
def catalogue_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    return _page(request, session, platform, tenant_id)


@router.post("/reasons")
def change_reason(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    """``action`` save: add or reword (a default's id rewords the default); remove: drop
    the tenant's own wording (a default shows again)."""
    store = DirectoryStore(platform.database)
    reason_id = _text(form, "reason_id", 64)
    reasons = [r for r in store.reasons(tenant_id) if r.reason_id != reason_id]
    if form.get("action") != "remove":
        try:
            reasons.append(Reason(reason_id, _text(form, "label_sv"), _text(form, "label_en")))
            store.put_reasons(tenant_id, reasons)
        except ConfigError as error:
            return _refused(error, form)
    else:
        store.put_reasons(tenant_id, reasons)
    platform.directory_changed(tenant_id)
    return back(PAGE, saved=True)


@router.post("/fields")
def change_field(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    """``action`` save: add or change a custom field by name; remove: drop its definition
    (values stored with people stay, unseen)."""
    store = DirectoryStore(platform.database)
    name = _text(form, "name", 64)
    fields = store.fields(tenant_id)
    if form.get("action") == "remove":
        store.put_fields(tenant_id, [f for f in fields if f.name != name])
        platform.directory_changed(tenant_id)
        return back(PAGE, saved=True)
    kind, visibility = _text(form, "type", 20), _text(form, "visibility", 20)
    try:
        if kind not in {t.value for t in FieldType}:
            raise ConfigError("type", "choice", allowed=", ".join(FieldType))
        if visibility not in {v.value for v in Visibility}:
            raise ConfigError("visibility", "choice", allowed=", ".join(Visibility))
        field = FieldDef(name, _text(form, "label"), FieldType(kind), Visibility(visibility))
    except ConfigError as error:
        return _refused(error, form)
    if any(f.name == name for f in fields):
        fields = [field if f.name == name else f for f in fields]
    else:
        fields.append(field)
    store.put_fields(tenant_id, fields)
    platform.directory_changed(tenant_id)
    return back(PAGE, saved=True)


@router.post("/mobile")
def change_mobile(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    """Who sees mobile numbers (DIR6): everyone, operators or admins."""
    chosen = _text(form, "mobile_visibility", 20)
    if chosen not in {v.value for v in Visibility}:
        error = ConfigError("mobile_visibility", "choice", allowed=", ".join(Visibility))
        return _refused(error, form)
    sources = DirectorySources(platform.database)
    settings = {**(sources.settings(tenant_id, SETTINGS) or {}), "mobile_visibility": chosen}
    sources.put_settings(tenant_id, SETTINGS, settings, time.time())
    platform.directory_changed(tenant_id)
    return back(PAGE, saved=True)


@router.post("/units")
def change_unit(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    """``action`` save: add, rename or move (the parent must exist and not lie below it);
    remove: only a unit nobody sits in and with no units below it."""
    store = DirectoryStore(platform.database)
    unit_id = _text(form, "unit_id", 64)
    try:
        if form.get("action") == "remove":
            users = [
                f"{p.given_name} {p.family_name}".strip()
                for p in store.people(tenant_id)
                if unit_id in p.unit_ids
            ]
            if users:
                shown = ", ".join(users[:5]) + (" …" if len(users) > 5 else "")
                raise ConfigError("unit_id", "unit-in-use", value=unit_id, other=shown)
            store.remove_unit(tenant_id, unit_id)
        else:
            parent = _text(form, "parent_id", 64) or None
            store.put_unit(tenant_id, Unit(unit_id, _text(form, "name"), parent))
    except ConfigError as error:
        return _refused(error, form)
    platform.directory_changed(tenant_id)
    return back(PAGE, saved=True)


_FORM_OVERHEAD = 64 * 1024
"""The multipart framing and the other fields around the file."""


def declared_size_within_limit(request: Request) -> None:
    """Refuse a file whose declared size is over the limit before a byte of it is parsed
    (the CSRF token sits inside the body, so this runs before ``CsrfForm``)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES + _FORM_OVERHEAD:
        raise ImportRefused(0, "file", "file-too-large", max=MAX_FILE_BYTES)


@router.post("/import", dependencies=[Depends(declared_size_within_limit)])
async def import_file(
    request: Request,
    session: SignedIn,
    form: CsrfForm,
    platform: Platform,
    tenant_id: TenantId,
) -> Response:
    """A CSV or XML file, all or nothing; a refusal names the line and the column."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return back(PAGE, gettext("Välj en fil (CSV eller XML)"))
    data = await upload.read(MAX_FILE_BYTES + 1)
    file_format = FileFormat.XML if form.get("format") == "xml" else FileFormat.CSV
    mode = ImportMode.REPLACE if form.get("mode") == "replace" else ImportMode.UPSERT
    store = DirectoryStore(platform.database)
    try:
        report = await run_in_threadpool(
            import_directory, store, tenant_id, data, file_format, mode
        )
    except ConfigError as error:
        line = getattr(error, "line", 0)
        where = gettext("rad {}, {}").format(line, error.field) if line else error.field
        return back(
            PAGE, gettext("Filen importerades inte: {}").format(f"{where}: {rule_text(error)}")
        )
    platform.directory_changed(tenant_id)
    notice = gettext("Importerat: {} nya, {} ändrade, {} inaktiverade.").format(
        report.added, report.updated, report.deactivated
    )
    return _page(request, session, platform, tenant_id, notice=notice)


@router.get("/export")
def export_file(
    platform: Platform,
    tenant_id: TenantId,
    format: Annotated[FileFormat, Query(description="csv or xml")] = FileFormat.CSV,
) -> Response:
    store = DirectoryStore(platform.database)
    body = "".join(export_directory(store, tenant_id, format))
    media = "text/csv" if format is FileFormat.CSV else "application/xml"
    return Response(
        body.encode(),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="katalog.{format.value}"'},
    )
