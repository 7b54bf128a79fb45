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
from starlette.datastructures import UploadFile

from vaxel.prompts.convert import wav_from_ulaw
from vaxel.prompts.library import UnknownPrompt
from vaxel.runtime.prompts import PromptError, TenantPrompts
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import gettext
from vaxel.web.rendering import back, local_time, render

__all__ = ["MAX_UPLOAD_BYTES", "router", "wav_from_ulaw"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""10 MB: ten minutes of 8 kHz 16-bit mono WAV, or over an hour of a typical MP3."""
_FORM_OVERHEAD = 64 * 1024


router = APIRouter(
    prefix="/admin/prompts",
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to("/admin/prompts")],
)


def prompts_of(platform: Platform) -> TenantPrompts:
    """The tenant prompts service over the running prompt library (its cache is shared)."""
    return TenantPrompts(platform.configuration, platform.configuration.prompt_library)


Prompts = Annotated[TenantPrompts, Depends(prompts_of)]


def too_large() -> PromptError:
    return PromptError("file", "upload-size", max=MAX_UPLOAD_BYTES // (1024 * 1024))


def declared_size_within_limit(request: Request) -> None:
    """Refuse an upload whose declared size is over the limit before a byte of it is parsed
    (the CSRF token sits inside the body, so this runs before ``CsrfForm``)."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_UPLOAD_BYTES + _FORM_OVERHEAD:
        raise too_large()


@router.get("")
def prompts_page(request: Request, session: SignedIn, prompts: Prompts) -> Response:
    tenant_id = session.user.tenant_id
    undoable = prompts.uploads.undoable(tenant_id)
    uploads = [
        {
            "undoable": p.prompt_id in undoable,
            "number": p.number,
            "id": p.prompt_id,
            "name": p.name,
            "seconds": round(p.seconds, 1),
            "uploaded": local_time(p.uploaded_at),
        }
        for p in prompts.uploaded(tenant_id)
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


@router.post("", dependencies=[Depends(declared_size_within_limit)])
async def upload_prompt(
    form: CsrfForm, platform: Platform, prompts: Prompts, tenant_id: TenantId
) -> Response:
    """Convert and store an upload; a refusal — too large, a name without letters, a file
    that is no usable WAV/MP3 — returns to the page through the one handler, by its code."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return back("/admin/prompts", gettext("Välj en ljudfil (WAV eller MP3)"))
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_large()
    name = str(form.get("name", "")).strip() or upload.filename.rsplit(".", 1)[0]
    await run_in_threadpool(
        prompts.upload, tenant_id, name, upload.filename, data, platform.clock(), MAX_UPLOAD_BYTES
    )
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


@router.post("/undo")
async def undo_recording(
    form: CsrfForm, platform: Platform, prompts: Prompts, tenant_id: TenantId
) -> Response:
    """Back to the recording a phone recording replaced (IVR5, issue 14 §7)."""
    prompts.undo(tenant_id, str(form.get("id", ""))[:128], platform.clock())
    return back("/admin/prompts")


@router.post("/remove")
async def remove_prompt(form: CsrfForm, prompts: Prompts, tenant_id: TenantId) -> Response:
    """Refused while a flow, schedule or queue plays it (back to the page, naming them);
    an unknown or another tenant's id is a 404 (both through the one handler)."""
    prompts.remove(tenant_id, str(form.get("id", "")))
    return back("/admin/prompts")
