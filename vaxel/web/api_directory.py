"""The directory over the REST API (issue 13 §6, DIR1–DIR6): people, search, presence,
export — for an intranet, a CRM or a script.

Keys carry ``directory:read`` (search, read people and presence) or
``directory:write`` (also add, change and deactivate people, set anyone's presence, export). A
reading key sees what an agent sees (custom fields and mobiles shown to everyone); a writing
key what an admin sees. Every route is scoped to the key's tenant; a wrong field is a 422
problem naming it and its rule, in the client's ``Accept-Language``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, Security
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core import limits
from vaxel.core.errors import ConfigError
from vaxel.directory.model import NumberKind, Person, PhoneNumber
from vaxel.directory.presence import Presence
from vaxel.directory_io import FileFormat, ImportRefused, export_directory, import_directory
from vaxel.directory_io.columns import MAX_FILE_BYTES
from vaxel.runtime.directory_views import Actor, DirectoryViews, PersonView
from vaxel.store.api_keys import ApiKeys
from vaxel.store.directory import ImportMode, ImportReport
from vaxel.web.api import API_KEY, key_with_scope
from vaxel.web.context import WebContext

__all__ = ["router"]

READER = Actor("agent", None, "API")
WRITER = Actor("tenant_admin", None, "API")

ReadTenant = Annotated[str, Depends(key_with_scope("directory:read"))]
WriteTenant = Annotated[str, Depends(key_with_scope("directory:write"))]


def _reader(request: Request, x_api_key: Annotated[str | None, Security(API_KEY)]) -> Actor:
    """Who reads: a key that may also write reads as an admin (every field), one that may
    only read as an agent; the key itself is checked by the route's tenant dependency."""
    context: WebContext = request.app.state.context
    key = ApiKeys(context.database).find(x_api_key or "")
    return WRITER if key is not None and "directory:write" in key.scopes else READER


Reader = Annotated[Actor, Depends(_reader)]
PersonId = Annotated[str, Path(min_length=1, max_length=limits.ID_LENGTH)]
GroupName = Annotated[str, Path(min_length=1, max_length=limits.NAME_LENGTH)]

router = APIRouter(prefix="/api/v1/directory", tags=["directory"])


def _views(request: Request) -> DirectoryViews:
    context: WebContext = request.app.state.context
    return context.directory_views


Views = Annotated[DirectoryViews, Depends(_views)]


class NumberIO(BaseModel):
    kind: NumberKind = Field(description="extension, direct, mobile or fixed")
    number: str = Field(max_length=40, description="as dialled; stored as digits or E.164")


class PersonIn(BaseModel):
    """A person as a client writes them (DIR1); ``external_id`` is the client's own key."""

    external_id: str = Field("", max_length=limits.SHORT_TEXT_LENGTH)
    given_name: str = Field("", max_length=limits.NAME_LENGTH)
    family_name: str = Field("", max_length=limits.NAME_LENGTH)
    numbers: list[NumberIO] = Field(default_factory=list, max_length=10)
    email: str = Field("", max_length=254)
    unit_ids: list[str] = Field(default_factory=list, max_length=20)
    groups: list[str] = Field(default_factory=list, max_length=50)
    room: str = Field("", max_length=limits.NAME_LENGTH)
    location: str = Field("", max_length=limits.NAME_LENGTH)
    titles: list[str] = Field(default_factory=list, max_length=10)
    keywords: list[str] = Field(default_factory=list, max_length=50)
    custom: dict[str, str] = Field(default_factory=dict, max_length=30)


class PresenceIn(BaseModel):
    reason_id: str = Field(min_length=1, max_length=limits.ID_LENGTH, examples=["mote"])
    text: str = Field("", max_length=limits.SHORT_TEXT_LENGTH)
    until: datetime | None = Field(None, description="return time (ISO 8601); null: tills vidare")


class PresenceOut(BaseModel):
    reason_id: str
    reason: str = Field(description="the reason in Swedish")
    reason_en: str
    text: str
    since: datetime
    until: datetime | None
    source: str = Field(description="manual, group, calendar or schedule")


class PersonOut(PersonIn):
    person_id: str
    active: bool
    units: list[str] = Field(description="the units' names")
    presence: PresenceOut | None
    status: str = Field(description="available, busy, ringing, absent, forwarded or dnd")


class SearchOut(BaseModel):
    results: list[PersonOut]


def _out(view: PersonView) -> PersonOut:
    p, shown = view.person, view.presence
    return PersonOut(
        person_id=p.person_id,
        external_id=p.external_id,
        given_name=p.given_name,
        family_name=p.family_name,
        numbers=[NumberIO(kind=n.kind, number=n.value) for n in p.numbers],
        email=p.email,
        unit_ids=list(p.unit_ids),
        groups=list(p.groups),
        room=p.room,
        location=p.location,
        titles=list(p.titles),
        keywords=list(p.keywords),
        custom=dict(p.custom),
        active=p.active,
        units=list(view.units),
        presence=None
        if shown is None
        else PresenceOut(
            reason_id=shown.reason_id,
            reason=shown.reason_sv,
            reason_en=shown.reason_en,
            text=shown.text,
            since=shown.since,
            until=shown.until,
            source=shown.source,
        ),
        status=str(view.status),
    )


def _person(person_id: str, body: PersonIn) -> Person:
    numbers = []
    for index, number in enumerate(body.numbers):
        try:
            numbers.append(PhoneNumber.parse(number.kind, number.number))
        except ConfigError as error:
            raise error.at(f"numbers[{index}].number") from None
    return Person(
        person_id=person_id,
        external_id=body.external_id,
        given_name=body.given_name,
        family_name=body.family_name,
        numbers=tuple(numbers),
        email=body.email,
        unit_ids=tuple(body.unit_ids),
        groups=tuple(body.groups),
        room=body.room,
        location=body.location,
        titles=tuple(body.titles),
        keywords=tuple(body.keywords),
        custom=tuple(sorted(body.custom.items())),
    )


@router.get("/search")
async def search(
    tenant: ReadTenant,
    reader: Reader,
    views: Views,
    q: Annotated[str, Query(max_length=200, description='e.g. "karlson bygglov", "2041"')],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    unit: Annotated[list[str] | None, Query(max_length=50, description="only these units")] = None,
) -> SearchOut:
    """People for a free-text query, best first: exact, prefix, Swedish phonetic, fuzzy."""
    found = await run_in_threadpool(views.search, tenant, q, reader, limit=limit, units=unit)
    return SearchOut(results=[_out(v) for v in found])


@router.get("/people/{person_id}")
async def get_person(
    tenant: ReadTenant, reader: Reader, views: Views, person_id: PersonId
) -> PersonOut:
    return _out(await run_in_threadpool(views.person, tenant, person_id, reader))


@router.post("/people", status_code=201)
async def add_person(tenant: WriteTenant, views: Views, body: PersonIn) -> PersonOut:
    """Add a person; the answer carries the id Växel gave them."""
    person = _person(uuid.uuid4().hex[:20], body)

    def write() -> PersonView:
        views.store.put_person(tenant, person)
        views.changed(tenant, [person.person_id])
        return views.person(tenant, person.person_id, WRITER)

    return _out(await run_in_threadpool(write))


@router.put("/people/{person_id}")
async def change_person(
    tenant: WriteTenant, views: Views, person_id: PersonId, body: PersonIn
) -> PersonOut:
    """Replace a person's entry (their presence stays)."""
    person = _person(person_id, body)

    def write() -> PersonView:
        views.store.person(tenant, person_id)  # 404 for an unknown one
        views.store.put_person(tenant, person)
        views.changed(tenant, [person_id])
        return views.person(tenant, person_id, WRITER)

    return _out(await run_in_threadpool(write))


@router.delete("/people/{person_id}", status_code=204)
async def deactivate_person(tenant: WriteTenant, views: Views, person_id: PersonId) -> Response:
    """Deactivate a person: gone from searches, their history kept (as a sync does)."""

    def write() -> None:
        views.store.deactivate(tenant, person_id)
        views.changed(tenant, [person_id])

    await run_in_threadpool(write)
    return Response(status_code=204)


@router.get("/people/{person_id}/presence")
async def get_presence(tenant: ReadTenant, views: Views, person_id: PersonId) -> PresenceOut | None:
    """The presence in force (null when the person is in)."""
    return _out(await run_in_threadpool(views.person, tenant, person_id, READER)).presence


def _presence(body: PresenceIn, now: float) -> Presence:
    until = body.until
    if until is not None and until.tzinfo is None:
        raise ConfigError("until", "date", value=until.isoformat())
    return Presence(
        body.reason_id, since=datetime.fromtimestamp(now, UTC), until=until, text=body.text
    )


@router.put("/people/{person_id}/presence")
async def set_presence(
    request: Request, tenant: WriteTenant, views: Views, person_id: PersonId, body: PresenceIn
) -> PersonOut:
    """Set a person's presence from now, until a return time or tills vidare."""
    presence = _presence(body, request.app.state.context.clock())
    view = await run_in_threadpool(views.set_presence, tenant, WRITER, person_id, presence)
    return _out(view)


@router.delete("/people/{person_id}/presence")
async def clear_presence(tenant: WriteTenant, views: Views, person_id: PersonId) -> PersonOut:
    """Clear the presence set by hand (a calendar's or a group's may still show)."""
    return _out(await run_in_threadpool(views.clear_presence, tenant, WRITER, person_id))


@router.put("/groups/{group}/presence")
async def set_group_presence(
    request: Request, tenant: WriteTenant, views: Views, group: GroupName, body: PresenceIn
) -> dict[str, Any]:
    """The same presence for every member of a group at once (DIR3)."""
    presence = _presence(body, request.app.state.context.clock())
    members = await run_in_threadpool(views.set_group_presence, tenant, WRITER, group, presence)
    return {"group": group, "people": sorted(members)}


@router.delete("/groups/{group}/presence", status_code=204)
async def clear_group_presence(tenant: WriteTenant, views: Views, group: GroupName) -> Response:
    await run_in_threadpool(views.clear_group, tenant, WRITER, group)
    return Response(status_code=204)


@router.get("/export")
async def export(
    tenant: WriteTenant,
    views: Views,
    format: Annotated[FileFormat, Query(description="csv or xml")] = FileFormat.CSV,
) -> StreamingResponse:
    """The tenant's active people as a file ``vaxel directory import`` reads back — every
    field, so it needs ``directory:write``."""
    pieces: Iterator[str] = await run_in_threadpool(
        lambda: iter(list(export_directory(views.store, tenant, format)))
    )
    media = "text/csv" if format is FileFormat.CSV else "application/xml"
    return StreamingResponse(
        (piece.encode() for piece in pieces),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="katalog.{format.value}"'},
    )


class ImportOut(BaseModel):
    added: int
    updated: int
    deactivated: int
    units_added: int


async def _file(request: Request) -> bytes:
    """The request body, refused once it passes :data:`MAX_FILE_BYTES` (before reading
    the rest when the client says its length)."""
    too_large = ImportRefused(0, "body", "file-too-large", max=MAX_FILE_BYTES)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES:
        raise too_large
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_FILE_BYTES:
            raise too_large
    return bytes(data)


@router.post(
    "/import",
    response_model=ImportOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/xml": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_file(
    request: Request,
    tenant: WriteTenant,
    views: Views,
    format: Annotated[FileFormat, Query(description="csv or xml")] = FileFormat.CSV,
    mode: Annotated[
        ImportMode,
        Query(description="upsert: add and change; replace: also deactivate the file's absentees"),
    ] = ImportMode.UPSERT,
) -> ImportOut:
    """Import a CSV or XML file (the body; formats in docs/directory.md), all or nothing: a
    wrong line is a 422 problem naming its line (``params.line``) and column (``field``)
    and nothing of the file is written."""
    data = await _file(request)

    def write() -> ImportReport:
        report = import_directory(views.store, tenant, data, format, mode)
        views.changed(tenant)
        return report

    report = await run_in_threadpool(write)
    return ImportOut(
        added=report.added,
        updated=report.updated,
        deactivated=report.deactivated,
        units_added=report.units_added,
    )
