"""The voicemail section of "Min telefon" (PBX4): the signed-in person's messages, played in
the browser, marked heard or deleted; their PIN, e-mail for notifications and greetings.

The person is the directory person the account is (``person_of_account``, as "Min
hänvisning"); every read names the session's tenant and that person, so another person's or
another tenant's message id is a 404, never someone else's audio. The WAV is served with the
session's cookie (the audio element sends it) and is never cached by a shared cache.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from vaxel.core.errors import DomainError
from vaxel.directory.model import EMAIL_LENGTH
from vaxel.pbx.voicemail import GreetingKind, Mailbox, MessageNotFound, name_prompt
from vaxel.runtime.voicemail import VoicemailService
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, returns_to
from vaxel.web.i18n import gettext
from vaxel.web.rendering import back, local_time, render, take_flash

__all__ = ["PAGE", "router"]

PAGE = "/min-telefon/rostbrevlada"
MAX_GREETING_UPLOAD = 4 * 1024 * 1024
_FORM_OVERHEAD = 64 * 1024

router = APIRouter(prefix=PAGE, tags=["phone"], dependencies=[returns_to(PAGE)])
MessageId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def _person(session: SignedIn, ctx: Platform) -> tuple[str, str] | None:
    user = session.user
    person_id = ctx.directory_views.person_of_account(user.tenant_id, user.username)
    return None if person_id is None else (user.tenant_id, person_id)


def _mine(session: SignedIn, ctx: Platform) -> tuple[str, str]:
    found = _person(session, ctx)
    if found is None:
        raise DomainError("the account is no one in the directory", code="voicemail-no-person")
    return found


Me = Annotated[tuple[str, str], Depends(_mine)]


def _service(ctx: Platform) -> VoicemailService:
    return ctx.voicemail_service


Voicemail = Annotated[VoicemailService, Depends(_service)]


def _mailbox(ctx: Platform, voicemail: VoicemailService, tenant_id: str, person_id: str) -> Mailbox:
    """The person's mailbox, made on first use with their extension and e-mail."""
    mailbox = voicemail.open_mailbox(tenant_id, person_id)
    if mailbox is None:
        raise DomainError("the account is no one in the directory", code="voicemail-no-person")
    return mailbox


@router.get("")
def voicemail_page(
    request: Request, session: SignedIn, ctx: Platform, voicemail: Voicemail
) -> Response:
    found = _person(session, ctx)
    if found is None:
        return render(request, "person_missing.html", session)
    tenant_id, person_id = found
    mailbox = _mailbox(ctx, voicemail, tenant_id, person_id)
    messages: list[dict[str, Any]] = [
        {
            "id": m.message_id,
            "caller": m.caller,
            "when": local_time(m.received_at),
            "seconds": round(m.duration_s),
            "heard": m.heard,
        }
        for m in voicemail.messages(tenant_id, person_id)
    ]
    flash = take_flash(request)  # once: the refusal or "saved" of the last post
    return render(
        request,
        "phone/voicemail.html",
        session,
        error=flash.message,
        saved=flash.saved,
        mailbox=mailbox,
        messages=messages,
        new=sum(1 for m in messages if not m["heard"]),
        greetings=[(kind.value, kind in mailbox.greetings) for kind in GreetingKind],
        max_mb=MAX_GREETING_UPLOAD // (1024 * 1024),
        email_length=EMAIL_LENGTH,
    )


@router.get("/{message_id}.wav")
def message_audio(
    session: SignedIn, ctx: Platform, voicemail: Voicemail, message_id: MessageId
) -> Response:
    """The message for the page's audio element: the person's own only. Anything else is a
    bare 404 (an audio element shows no page; nothing tells whether the id exists)."""
    found = _person(session, ctx)
    try:
        if found is None:
            raise MessageNotFound(message_id)
        audio = voicemail.audio(found[0], found[1], message_id)
    except MessageNotFound:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    return Response(
        audio,
        media_type="audio/wav",
        headers={"Cache-Control": "private, no-store"},
    )


@router.post("/{message_id}/lyssnat")
def mark_heard(form: CsrfForm, me: Me, voicemail: Voicemail, message_id: MessageId) -> Response:
    voicemail.mark_heard(me[0], me[1], message_id, heard=form.get("heard", "1") == "1")
    return back(PAGE, saved=True)


@router.post("/{message_id}/radera")
def delete_message(form: CsrfForm, me: Me, voicemail: Voicemail, message_id: MessageId) -> Response:
    voicemail.delete(me[0], me[1], message_id)
    return back(PAGE, saved=True)


@router.post("/kod")
async def set_pin(form: CsrfForm, ctx: Platform, me: Me, voicemail: Voicemail) -> Response:
    """A new PIN (4–8 digits) for listening from another phone; hashed with argon2."""
    pin = str(form.get("pin", ""))[:16].strip()
    mailbox = await run_in_threadpool(_mailbox, ctx, voicemail, *me)
    await run_in_threadpool(voicemail.set_pin, mailbox, pin)
    return back(PAGE, saved=True)


@router.post("/epost")
def set_email(form: CsrfForm, ctx: Platform, me: Me, voicemail: Voicemail) -> Response:
    """Where new messages are e-mailed ("" none)."""
    email = str(form.get("email", "")).strip()[: EMAIL_LENGTH + 1]
    if email and (len(email) > EMAIL_LENGTH or "@" not in email or " " in email):
        raise DomainError("not an e-mail address", code="voicemail-email")
    voicemail.set_email(_mailbox(ctx, voicemail, *me), email)
    return back(PAGE, saved=True)


def _declared_size(request: Request) -> None:
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_GREETING_UPLOAD + _FORM_OVERHEAD:
        raise DomainError("greeting too large", code="voicemail-greeting-size", max=4)


@router.post("/halsning", dependencies=[Depends(_declared_size)])
async def upload_greeting(form: CsrfForm, ctx: Platform, me: Me, voicemail: Voicemail) -> Response:
    """An uploaded WAV/MP3 as the personal or presence greeting or one's recorded name
    (converted as prompts are, the same limits), or with ``remove`` it removed (the
    standard greeting plays again; a caller hears the extension in place of the name)."""
    kind = _kind(str(form.get("kind", "")))
    mailbox = await run_in_threadpool(_mailbox, ctx, voicemail, *me)
    if form.get("remove"):
        await run_in_threadpool(voicemail.remove_greeting, mailbox, kind)
        _name_changed(ctx, mailbox, kind)
        return back(PAGE, saved=True)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return back(PAGE, gettext("Välj en ljudfil (WAV eller MP3)"))
    data = await upload.read(MAX_GREETING_UPLOAD + 1)
    if len(data) > MAX_GREETING_UPLOAD:
        raise DomainError("greeting too large", code="voicemail-greeting-size", max=4)
    await run_in_threadpool(voicemail.upload_greeting, mailbox, kind, data, upload.filename)
    _name_changed(ctx, mailbox, kind)
    return back(PAGE, saved=True)


def _name_changed(ctx: WebContext, mailbox: Mailbox, kind: GreetingKind) -> None:
    """A new or removed name is heard by the next caller: running telephony drops the
    copy it holds of the name's prompt (as for an admin's upload)."""
    if kind is GreetingKind.NAME:
        prompt_id = name_prompt(mailbox.tenant_id, mailbox.person_id)
        ctx.configuration.changed(mailbox.tenant_id, "prompt", prompt_id)


def _kind(value: str) -> GreetingKind:
    try:
        return GreetingKind(value)
    except ValueError:
        return GreetingKind.PERSONAL
