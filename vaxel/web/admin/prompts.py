"""Prompts (IVR5, ADM1, ADM3): upload a WAV or MP3, listen in the browser, remove.

The built-in prompts (Swedish and English phrases, music) are listed to listen to; the
tenant's uploads are converted to the telephone format on upload and can be played by
flows, schedules and closures under their id (``tenant/<organisation>/<name>``) at once.
"""

from __future__ import annotations

from itertools import groupby
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from vaxel.prompts.convert import ConversionProblem, PromptConversionError, wav_from_ulaw
from vaxel.prompts.library import UnknownPrompt
from vaxel.runtime.prompts import TenantPrompts
from vaxel.web.context import back, local_time, render
from vaxel.web.deps import (
    CsrfForm,
    Platform,
    SignedIn,
    TenantId,
    checked_form,
    require_admin,
    returns_to,
)
from vaxel.web.i18n import gettext

__all__ = ["MAX_UPLOAD_BYTES", "router", "wav_from_ulaw"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""10 MB: ten minutes of 8 kHz 16-bit mono WAV, or over an hour of a typical MP3."""
_FORM_OVERHEAD = 64 * 1024


def _conversion_message(error: PromptConversionError) -> str:
    messages = {
        ConversionProblem.NOT_AUDIO: gettext("Filen går inte att läsa som WAV eller MP3"),
        ConversionProblem.UNSUPPORTED_FORMAT: gettext(
            "Filformatet stöds inte: ladda upp WAV eller MP3"
        ),
        ConversionProblem.TOO_LARGE: gettext("Filen är för stor"),
        ConversionProblem.TOO_LONG: gettext("Inspelningen är för lång: högst 10 minuter"),
        ConversionProblem.SILENT: gettext("Inspelningen är tyst"),
        ConversionProblem.TIMEOUT: gettext("Konverteringen tog för lång tid"),
        ConversionProblem.TOOL_MISSING: gettext(
            "Servern saknar ljudverktyget sox (eller dess MP3-stöd); kontakta driften"
        ),
    }
    return f"{error.filename}: {messages[error.problem]}"


router = APIRouter(
    prefix="/admin/prompts",
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to("/admin/prompts")],
)


def prompts_of(platform: Platform) -> TenantPrompts:
    """The tenant prompts service over the running prompt library (its cache is shared)."""
    return TenantPrompts(platform.configuration, platform.configuration.prompt_library)


Prompts = Annotated[TenantPrompts, Depends(prompts_of)]


def too_large() -> str:
    return gettext("Filen är för stor: högst {} MB").format(MAX_UPLOAD_BYTES // (1024 * 1024))


async def upload_form(request: Request, session: SignedIn) -> FormData | None:
    """The CSRF-checked upload form, or None when the declared size is over the limit: such
    a body is refused before a byte of it is parsed (the CSRF token sits inside it)."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_UPLOAD_BYTES + _FORM_OVERHEAD:
        return None
    return await checked_form(request, session)


@router.get("")
def prompts_page(request: Request, session: SignedIn, prompts: Prompts) -> Response:
    uploads = [
        {
            "id": p.prompt_id,
            "name": p.name,
            "seconds": round(p.seconds, 1),
            "uploaded": local_time(p.uploaded_at),
        }
        for p in prompts.uploaded(session.user.tenant_id)
    ]
    builtin: list[dict[str, Any]] = [
        {"group": group, "ids": list(ids)}
        for group, ids in groupby(prompts.builtin_ids(), key=lambda i: i.rsplit("/", 1)[0])
    ]
    return render(
        request,
        "admin/prompts.html",
        session,
        uploads=uploads,
        builtin=builtin,
        max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
    )


@router.post("")
async def upload_prompt(
    form: Annotated[FormData | None, Depends(upload_form)],
    platform: Platform,
    prompts: Prompts,
    tenant_id: TenantId,
) -> Response:
    """Convert and store an upload; a name the rules refuse returns to the page through the
    one handler, a file that is no usable WAV/MP3 with its name and what is wrong."""
    if form is None:
        return back("/admin/prompts", too_large())
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return back("/admin/prompts", gettext("Välj en ljudfil (WAV eller MP3)"))
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return back("/admin/prompts", too_large())
    name = str(form.get("name", "")).strip() or upload.filename.rsplit(".", 1)[0]
    try:
        await run_in_threadpool(
            prompts.upload,
            tenant_id,
            name,
            upload.filename,
            data,
            platform.clock(),
            MAX_UPLOAD_BYTES,
        )
    except PromptConversionError as error:
        return back("/admin/prompts", _conversion_message(error))
    return back("/admin/prompts")


@router.get("/audio/{prompt_id:path}")
def prompt_audio(prompts: Prompts, tenant_id: TenantId, prompt_id: str) -> Response:
    """The prompt as a WAV for the page's audio player."""
    try:
        audio = prompts.audio(tenant_id, prompt_id)
    except UnknownPrompt:
        raise HTTPException(404, gettext("Det finns inget sådant meddelande")) from None
    return Response(
        wav_from_ulaw(audio),
        media_type="audio/wav",
        headers={"Cache-Control": "private, no-cache"},
    )


@router.post("/remove")
async def remove_prompt(form: CsrfForm, prompts: Prompts, tenant_id: TenantId) -> Response:
    """Refused while a flow, schedule or queue plays it (back to the page, naming them);
    an unknown or another tenant's id is a 404 (both through the one handler)."""
    prompts.remove(tenant_id, str(form.get("id", "")))
    return back("/admin/prompts")
