"""The directory pages (issue 13 §6, DIR2–DIR4): search as you type, a person's card with
presence and status, and "Min hänvisning" for every staff member.

The search page works without script (a form with ``q``); with it, results are fetched as
an HTML fragment while one types (``/katalog/sok``) and the keyboard moves through them
(arrows, Enter opens the card, Esc back to the field). Presence changes reach open pages
through ``/katalog/handelser`` (server-sent events) without a reload. Rights are checked by
:class:`~vaxel.runtime.directory_views.DirectoryViews`, below HTTP: a page shows a person as
the reader's role may see them, and a refused presence change is a 403.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from vaxel.core import limits
from vaxel.core.clock import STOCKHOLM
from vaxel.core.errors import ConfigError
from vaxel.directory.permissions import Right, may
from vaxel.directory.presence import Presence
from vaxel.runtime.directory_views import Actor, DirectoryViews, PresenceView
from vaxel.web.deps import CsrfForm, Me, Platform, SignedIn, returns_to
from vaxel.web.i18n import language
from vaxel.web.live import SESSION_RECHECK_S
from vaxel.web.rendering import local_time, render
from vaxel.web.security import COOKIE
from vaxel.web.stream_caps import capped_stream

__all__ = ["RETURN_PRESETS", "router"]

router = APIRouter(tags=["directory"])

PersonId = Annotated[str, Path(min_length=1, max_length=limits.ID_LENGTH)]
Query_ = Annotated[str, Query(max_length=200)]
RESULTS = 25
RETURN_PRESETS = ("30m", "1h", "2h", "13:00", "16:00", "tomorrow", "")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The return times "Min hänvisning" offers in one click; "" is tills vidare."""


Reader = Me


def until_of(preset: str, now: datetime) -> datetime | None:
    """A return-time preset (or ``HH:MM``) as an instant, in Stockholm time."""
    local = now.astimezone(STOCKHOLM)
    if not preset:
        return None
    if preset.endswith("m") and preset[:-1].isdigit():
        return now + timedelta(minutes=int(preset[:-1]))
    if preset.endswith("h") and preset[:-1].isdigit():
        return now + timedelta(hours=int(preset[:-1]))
    if preset == "tomorrow":
        morning = (local + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
        return morning.astimezone(UTC)
    try:
        hour, minute = (int(part) for part in preset.split(":"))
        at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    except ValueError:
        raise ConfigError("until", "time-format", value=preset[:20]) from None
    if at <= local:
        at += timedelta(days=1)
    return at.astimezone(UTC)


_WORDS = {"sv": ("till", "tills vidare"), "en": ("until", "until further notice")}


def presence_text(presence: PresenceView | None, lang: str = "") -> str:
    """ "Möte till 14:30", "Semester tills vidare"; "" when in — in ``lang`` (the page's)."""
    if presence is None:
        return ""
    lang = lang or language()
    until_word, open_ended = _WORDS.get(lang, _WORDS["sv"])
    reason = presence.reason_en if lang == "en" else presence.reason_sv
    if presence.until is None:
        return f"{reason} {open_ended}"
    local = presence.until.astimezone(STOCKHOLM)
    today = datetime.now(STOCKHOLM).date()
    when = local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")
    return f"{reason} {until_word} {when}"


def _values(actor: Actor) -> dict[str, Any]:
    return {"presence_text": presence_text, "actor": actor}


@router.get("/katalog")
def directory_page(
    request: Request, session: SignedIn, ctx: Platform, actor: Reader, q: Query_ = ""
) -> Response:
    views = ctx.directory_views
    found = views.search(session.user.tenant_id, q, actor, limit=RESULTS) if q.strip() else []
    return render(request, "directory.html", session, q=q, results=found, **_values(actor))


@router.get("/katalog/sok")
def search_fragment(
    request: Request, session: SignedIn, ctx: Platform, actor: Reader, q: Query_ = ""
) -> Response:
    """The results for ``q`` as the page's list (fetched while one types)."""
    views = ctx.directory_views
    found = views.search(session.user.tenant_id, q, actor, limit=RESULTS) if q.strip() else []
    return render(
        request,
        "_directory_results.html",
        session,
        q=q,
        results=found,
        **_values(actor),
    )


def _card(request: Request, session: Any, ctx: Any, actor: Actor, person_id: str) -> Response:
    view = ctx.directory_views.person(session.user.tenant_id, person_id, actor)
    own = actor.person_id == person_id
    return render(
        request,
        "person.html",
        session,
        view=view,
        own=own,
        may_set=own or may(actor.role, Right.ANY_PRESENCE),
        reasons=ctx.directory_views.reasons(session.user.tenant_id),
        presets=RETURN_PRESETS,
        recurring=ctx.directory_views.recurring(session.user.tenant_id, person_id),
        days=DAYS,
        messages=ctx.person_messaging.messages(session.user.tenant_id, person_id) if own else [],
        local_time=local_time,
        **_values(actor),
    )


@router.get("/katalog/person/{person_id}")
def person_card(
    request: Request, session: SignedIn, ctx: Platform, actor: Reader, person_id: PersonId
) -> Response:
    return _card(request, session, ctx, actor, person_id)


@router.get("/min-hanvisning")
def my_presence(request: Request, session: SignedIn, ctx: Platform, actor: Reader) -> Response:
    """The signed-in person's own card, to set and clear their presence in two clicks."""
    if actor.person_id is None:
        return render(request, "person_missing.html", session)
    return _card(request, session, ctx, actor, actor.person_id)


@router.post(
    "/katalog/person/{person_id}/hanvisning",
    dependencies=[returns_to("/katalog/person/{person_id}")],
)
def set_presence(
    session: SignedIn, ctx: Platform, actor: Reader, form: CsrfForm, person_id: PersonId
) -> Response:
    """Set (``reason_id``, ``until`` preset or HH:MM, ``text``) or, with ``clear``, clear."""
    views: DirectoryViews = ctx.directory_views
    tenant = session.user.tenant_id
    if form.get("clear"):
        views.clear_presence(tenant, actor, person_id)
    else:
        now = datetime.fromtimestamp(ctx.clock(), UTC)
        text = str(form.get("text", ""))[: limits.SHORT_TEXT_LENGTH]
        presence = Presence(
            str(form.get("reason_id", ""))[: limits.ID_LENGTH] or "-",
            since=now,
            until=until_of(str(form.get("until", ""))[:20], now),
            text=text,
        )
        views.set_presence(tenant, actor, person_id, presence)
    back = "/min-hanvisning" if form.get("mine") else f"/katalog/person/{person_id}"
    return RedirectResponse(back, status_code=303)


@router.post(
    "/katalog/person/{person_id}/aterkommande",
    dependencies=[returns_to("/katalog/person/{person_id}")],
)
def change_recurring(
    session: SignedIn, ctx: Platform, actor: Reader, form: CsrfForm, person_id: PersonId
) -> Response:
    """Add a weekly absence (``reason_id``, days, ``start``–``end``) or remove one
    (``remove`` = its position)."""
    views: DirectoryViews = ctx.directory_views
    tenant = session.user.tenant_id
    rules = views.recurring(tenant, person_id)
    removed = str(form.get("remove", ""))
    if removed.isdecimal():
        rules = [r for i, r in enumerate(rules) if i != int(removed)]
    else:
        days = [d for d in DAYS if form.get(f"day_{d}")]
        if not days:
            raise ConfigError("weekly", "required")
        hours = f"{str(form.get('start', ''))[:5]}-{str(form.get('end', ''))[:5]}"
        rules.append(
            {
                "reason_id": str(form.get("reason_id", ""))[: limits.ID_LENGTH],
                "text": str(form.get("text", ""))[: limits.SHORT_TEXT_LENGTH],
                "weekly": {",".join(days): hours},
            }
        )
    views.set_recurring(tenant, actor, person_id, rules)
    back = "/min-hanvisning" if form.get("mine") else f"/katalog/person/{person_id}"
    return RedirectResponse(back, status_code=303)


@router.get("/katalog/handelser")
async def presence_events(request: Request, session: SignedIn, ctx: Platform) -> StreamingResponse:
    """Each change of a person's shown presence, line or forwarding in the tenant, as
    server-sent events (``{"person_id", "presence", "away", "status"}``), for as long as
    the session lasts."""
    tenant_id = session.user.tenant_id
    token = request.cookies.get(COOKIE, "")
    release = ctx.stream_caps.open("directory", tenant_id, token)  # 429 past the caps
    views: DirectoryViews = ctx.directory_views
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=500)
    lang = language()

    def heard(tenant: str, person_id: str, view: PresenceView | None) -> None:
        if tenant != tenant_id:
            return
        status = views.status(tenant, person_id)  # busy/ringing/forwarded too (DIR4)
        item = {"person_id": person_id, "presence": view, "lang": lang, "status": status}
        loop.call_soon_threadsafe(_offer, queue, item)

    async def stream() -> AsyncIterator[bytes]:
        views.listeners.append(heard)
        try:
            yield b": katalog\n\n"
            while True:
                text = ""
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(SESSION_RECHECK_S):
                        text = await queue.get()
                current = await run_in_threadpool(ctx.accounts.session, token, ctx.clock())
                if current is None or not current.user.active:
                    return
                yield (f"data: {text}\n\n" if text else ": still here\n\n").encode()
        finally:
            views.listeners.remove(heard)

    return capped_stream(
        release,
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _offer(queue: asyncio.Queue[str], item: dict[str, Any]) -> None:
    view: PresenceView | None = item["presence"]
    payload = {
        "person_id": item["person_id"],
        "presence": presence_text(view, item["lang"]),
        "away": view is not None,
        "status": str(item["status"] or ""),
    }
    with contextlib.suppress(asyncio.QueueFull):  # a page that stopped reading misses some
        queue.put_nowait(json.dumps(payload, ensure_ascii=False))
