"""Prompts (IVR5, ADM1, ADM3): upload a WAV or MP3, listen in the browser, remove.

The built-in prompts (Swedish and English phrases, music) are listed to listen to; the
tenant's uploads are converted to the telephone format on upload and can be played by
flows, schedules and closures under their id (``tenant/<organisation>/<name>``) at once.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from vaxel.prompts.convert import ConversionProblem, PromptConversionError, wav_from_ulaw
from vaxel.prompts.library import UnknownPrompt
from vaxel.runtime.prompts import PromptError, PromptProblem, TenantPrompts
from vaxel.web.context import WebContext, back, local_time, render
from vaxel.web.deps import SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.security import check_csrf

__all__ = ["MAX_UPLOAD_BYTES", "prompts_router", "wav_from_ulaw"]

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


def prompts_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()
    prompts = TenantPrompts(ctx.configuration)

    @router.get("/admin/prompts")
    def prompts_page(request: Request, session: SignedIn) -> Response:
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

    @router.post("/admin/prompts")
    async def upload_prompt(request: Request, session: SignedIn) -> Response:
        declared = int(request.headers.get("content-length") or 0)
        if declared > MAX_UPLOAD_BYTES + _FORM_OVERHEAD:
            return back("/admin/prompts", too_large())
        await check_csrf(request, session)
        form = await request.form()
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
                session.user.tenant_id,
                name,
                upload.filename,
                data,
                ctx.clock(),
                MAX_UPLOAD_BYTES,
            )
        except PromptConversionError as error:
            return back("/admin/prompts", _conversion_message(error))
        except PromptError:
            return back(
                "/admin/prompts", gettext("Ge meddelandet ett namn med bokstäver (högst 64 tecken)")
            )
        return back("/admin/prompts")

    def too_large() -> str:
        return gettext("Filen är för stor: högst {} MB").format(MAX_UPLOAD_BYTES // (1024 * 1024))

    @router.get("/admin/prompts/audio/{prompt_id:path}")
    def prompt_audio(session: SignedIn, prompt_id: str) -> Response:
        """The prompt as a WAV for the page's audio player."""
        try:
            audio = prompts.audio(session.user.tenant_id, prompt_id)
        except UnknownPrompt:
            raise HTTPException(404, gettext("Det finns inget sådant meddelande")) from None
        return Response(
            wav_from_ulaw(audio),
            media_type="audio/wav",
            headers={"Cache-Control": "private, no-cache"},
        )

    @router.post("/admin/prompts/remove")
    async def remove_prompt(request: Request, session: SignedIn) -> Response:
        await check_csrf(request, session)
        prompt_id = str((await request.form()).get("id", ""))
        try:
            prompts.remove(session.user.tenant_id, prompt_id)
        except PromptError as error:
            if error.problem is PromptProblem.IN_USE:
                return back(
                    "/admin/prompts",
                    gettext("Meddelandet spelas fortfarande upp av: {}").format(
                        ", ".join(error.users)
                    ),
                )
            raise HTTPException(404, gettext("Det finns inget sådant meddelande")) from None
        return back("/admin/prompts")

    return router
