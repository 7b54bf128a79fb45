"""The FastAPI application: sign-in, the agent workspace and the wallboard (issue 4).

Thin handlers (STYLE rule 8): read the session, check CSRF, call the ContactCenter, render.
Every query is scoped by the signed-in user's tenant, taken from the session row — never
from the request — so one tenant cannot reach another's data through any route.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from vaxel.acd.events import (
    AgentAnswered,
    AgentDeclined,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    CallbackClosed,
    ContactClassified,
    ContactEnded,
    ContactPicked,
    QueueClosed,
    QueueOpened,
    WrapUpCancelled,
)
from vaxel.core.clock import from_local, to_local
from vaxel.core.errors import VaxelError
from vaxel.runtime.contact_center import ContactCenter
from vaxel.store import ReadModels
from vaxel.store.accounts import Accounts, Session
from vaxel.web.api import api_router
from vaxel.web.live import LiveHub
from vaxel.web.passwords import PasswordHashing
from vaxel.web.security import COOKIE, LOGIN_CSRF_COOKIE, check_csrf, new_token
from vaxel.web.snapshot import agent_panel, tenant_snapshot

__all__ = ["WebSettings", "create_app"]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
PAUSE_REASONS = ("Lunch", "Möte", "Utbildning", "Administration", "Övrigt")
CLASSIFICATIONS = (
    "Fråga besvarad",
    "Ärende registrerat",
    "Hänvisad vidare",
    "Felkopplat",
    "Övrigt",
)
SUPERVISORS = ("supervisor", "tenant_admin", "platform_admin")
ADMINS = ("tenant_admin", "platform_admin")
SERVICE_LEVEL_TARGET_S = 20.0
"""Answered within 20 s counts toward the service level (the common 80/20 measure)."""
PAGE_SIZE = 100
"""Callback list rows per page: the list may hold tens of thousands (issue 4 performance)."""
CALLBACK_COLUMNS = (
    ("number", "Nummer"),
    ("queue", "Kö"),
    ("requested", "Begärd"),
    ("eligible", "Ring från"),
    ("attempts", "Försök"),
    ("agents", "Handläggare"),
    ("note", "Senaste anteckning"),
    ("status", "Status"),
)
CALLBACK_STATUS = {
    "waiting": "Väntar",
    "in_progress": "Pågår",
    "done": "Klar",
    "failed": "Misslyckad",
    "scheduled": "Schemalagd",
}


def local_midnight(epoch: float) -> float:
    """The start of the Stockholm day ``epoch`` falls in ("today" on the wallboard)."""
    moment = to_local(epoch)
    return from_local(moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None))


def local_time(epoch: float) -> str:
    """Stockholm time for the lists ("23 nov 10:15")."""
    moment = to_local(epoch)
    months = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
    return f"{moment.day} {months[moment.month - 1]} {moment:%H:%M}"


def current_session(request: Request) -> Session:
    """The signed-in session, or a redirect to the sign-in page."""
    token = request.cookies.get(COOKIE)
    session = (
        request.app.state.accounts.session(token, request.app.state.clock()) if token else None
    )
    if session is None:
        raise HTTPException(303, headers={"Location": "/login"})
    return session  # type: ignore[no-any-return]


SignedIn = Annotated[Session, Depends(current_session)]


@dataclass(frozen=True, slots=True)
class WebSettings:
    session_lifetime_s: float = 12 * 3600
    secure_cookies: bool = False
    """True behind HTTPS (production); the demo serves plain HTTP on 127.0.0.1."""
    default_tenant: str = ""


def create_app(
    center: ContactCenter,
    database: Engine,
    settings: WebSettings | None = None,
    *,
    clock: Callable[[], float] = time.time,
    after_submit: Callable[[], None] = lambda: None,
    on_phone: Callable[[str], bool] = lambda contact_id: False,
) -> FastAPI:
    """The web app over one running ContactCenter; ``after_submit`` lets telephony carry out
    commands that a page's action produced (ringing a phone after "ready")."""
    settings = settings or WebSettings()
    accounts = Accounts(database)
    read_models = ReadModels(database)
    passwords = PasswordHashing()
    hub = LiveHub()
    center.listeners.append(hub.committed)
    app = FastAPI(title="Växel", docs_url="/api/docs", openapi_url="/api/openapi.json")
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), "static")
    app.state.hub = hub

    app.state.accounts = accounts
    app.state.clock = clock

    def snapshot_of(tenant_id: str, now: float) -> dict[str, Any]:
        """Queues and agents now, with today's answered/abandoned/service level (ST1)."""
        today = read_models.day_by_queue(tenant_id, local_midnight(now), SERVICE_LEVEL_TARGET_S)
        return tenant_snapshot(center.acd, tenant_id, now, today)

    app.include_router(
        api_router(center, accounts, read_models, clock, after_submit, snapshot_of=snapshot_of)
    )

    def submit(event: Any) -> str:
        try:
            center.submit(event, clock())
        except VaxelError as error:
            return str(error)
        after_submit()
        return ""

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, error: str = "") -> Response:
        token = new_token()
        response = TEMPLATES.TemplateResponse(
            request,
            "login.html",
            {"csrf": token, "error": error, "tenant": settings.default_tenant},
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
        )
        return response

    @app.post("/login")
    def login(
        request: Request,
        organisation: Annotated[str, Form()],
        username: Annotated[str, Form()],
        password: Annotated[str, Form()],
        csrf: Annotated[str, Form()],
    ) -> Response:
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(csrf, expected):
            raise HTTPException(403, "CSRF-kontrollen misslyckades: ladda om sidan")
        user = accounts.find(organisation.strip(), username.strip())
        if not passwords.verify(user.password_hash if user else None, password) or user is None:
            return RedirectResponse("/login?error=1", status_code=303)
        token = new_token()
        accounts.open_session(user, token, new_token(), clock(), settings.session_lifetime_s)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            max_age=int(settings.session_lifetime_s),
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    @app.post("/logout")
    async def logout(request: Request, session: SignedIn) -> Response:
        await check_csrf(request, session)
        accounts.close_session(request.cookies.get(COOKIE, ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.post("/password")
    async def change_password(
        request: Request,
        session: SignedIn,
        current_password: Annotated[str, Form()],
        new_password: Annotated[str, Form()],
    ) -> Response:
        await check_csrf(request, session)
        if not passwords.verify(session.user.password_hash, current_password):
            raise HTTPException(400, "Nuvarande lösenord stämmer inte")
        try:
            hashed = passwords.hash(new_password)
        except ValueError as error:
            raise HTTPException(400, "Lösenordet måste ha minst 8 tecken") from error
        accounts.set_password_hash(session.user, hashed)
        accounts.close_all_sessions(session.user)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def workspace(request: Request, session: SignedIn, error: str = "") -> Response:
        user = session.user
        now = clock()
        panel = agent_panel(center.acd, user.tenant_id, user.agent_id or "", now)
        contact = panel.get("contact")
        earlier = []
        if contact:
            contact["on_phone"] = on_phone(contact["id"])
            earlier = [
                c
                for c in read_models.contacts_of_caller(user.tenant_id, contact["caller_number"])
                if c.contact_id != contact["id"]
            ]
        return TEMPLATES.TemplateResponse(
            request,
            "workspace.html",
            {
                "user": user,
                "csrf": session.csrf_token,
                "panel": panel,
                "contact": contact,
                "earlier": earlier,
                "error": error,
                "snapshot": snapshot_of(user.tenant_id, now),
                "reasons": PAUSE_REASONS,
                "classifications": CLASSIFICATIONS,
                "supervisor": user.role in SUPERVISORS,
            },
        )

    @app.post("/agent/contact")
    async def agent_contact(
        request: Request,
        session: SignedIn,
        action: Annotated[str, Form()],
        code: Annotated[str, Form()] = "",
        note: Annotated[str, Form()] = "",
    ) -> Response:
        """Answer, decline, end, classify (Q26) or end wrap-up early (Q22)."""
        await check_csrf(request, session)
        user = session.user
        if not user.agent_id:
            raise HTTPException(403, "Kontot hör inte till någon handläggare")
        view = center.acd.agent_view(user.tenant_id, user.agent_id, clock())
        contact_id = view.contact_id
        tenant, agent = user.tenant_id, user.agent_id
        if action == "cancel_wrapup":
            error = submit(WrapUpCancelled(tenant, agent, actor=user.username))
        elif not contact_id:
            error = "Du har inget pågående ärende"
        elif action in ("answer", "decline", "end") and on_phone(contact_id):
            error = "Samtalet hanteras i din telefon"
        elif action == "answer":
            error = submit(AgentAnswered(tenant, agent, contact_id, actor=user.username))
        elif action == "decline":
            error = submit(AgentDeclined(tenant, agent, contact_id, actor=user.username))
        elif action == "end":
            error = submit(ContactEnded(tenant, contact_id, actor=user.username))
        elif action == "classify":
            if code not in CLASSIFICATIONS:
                raise HTTPException(400, "Välj en klassificering i listan")
            error = submit(
                ContactClassified(
                    tenant, contact_id, agent, code, note.strip(), actor=user.username
                )
            )
        else:
            raise HTTPException(400, "Okänd åtgärd")
        return RedirectResponse(f"/?error={error}" if error else "/", status_code=303)

    @app.post("/agent/state")
    async def agent_state(
        request: Request,
        session: SignedIn,
        action: Annotated[str, Form()],
        reason: Annotated[str, Form()] = "",
    ) -> Response:
        await check_csrf(request, session)
        user = session.user
        if not user.agent_id:
            raise HTTPException(403, "Kontot hör inte till någon handläggare")
        if action == "ready":
            error = submit(AgentReady(user.tenant_id, user.agent_id, actor=user.username))
        elif action == "pause":
            error = submit(
                AgentPaused(
                    user.tenant_id,
                    user.agent_id,
                    reason if reason in PAUSE_REASONS else "Övrigt",
                    actor=user.username,
                )
            )
        else:
            raise HTTPException(400, "Okänd åtgärd: välj Redo eller Paus")
        return RedirectResponse(f"/?error={error}" if error else "/", status_code=303)

    @app.post("/agent/pick")
    async def agent_pick(
        request: Request, session: SignedIn, contact: Annotated[str, Form()]
    ) -> Response:
        """Q28: take a specific waiting contact (the engine refuses one already offered)."""
        await check_csrf(request, session)
        user = session.user
        if not user.agent_id:
            raise HTTPException(403, "Kontot hör inte till någon handläggare")
        error = submit(ContactPicked(user.tenant_id, user.agent_id, contact, actor=user.username))
        return RedirectResponse(f"/?error={error}" if error else "/", status_code=303)

    @app.post("/agent/queues")
    async def agent_queues(request: Request, session: SignedIn) -> Response:
        await check_csrf(request, session)
        user = session.user
        if not user.agent_id:
            raise HTTPException(403, "Kontot hör inte till någon handläggare")
        form = await request.form()
        wanted = {str(q) for q in form.getlist("queue")}
        panel = agent_panel(center.acd, user.tenant_id, user.agent_id, clock())
        permitted = {q["id"] for q in panel.get("queues", [])}
        if not wanted <= permitted:
            raise HTTPException(403, "Du saknar behörighet till någon av köerna")
        current_queues = {q["id"] for q in panel["queues"] if q["in"]}
        error = ""
        if wanted - current_queues:
            error = submit(
                AgentLoggedIn(
                    user.tenant_id,
                    user.agent_id,
                    tuple(sorted(wanted - current_queues)),
                    actor=user.username,
                )
            )
        if not error and current_queues - wanted:
            error = submit(
                AgentLoggedOut(
                    user.tenant_id,
                    user.agent_id,
                    tuple(sorted(current_queues - wanted)),
                    actor=user.username,
                )
            )
        return RedirectResponse(f"/?error={error}" if error else "/", status_code=303)

    @app.get("/callbacks", response_class=HTMLResponse)
    def callbacks(
        request: Request,
        session: SignedIn,
        queue: str = "",
        sort: str = "eligible",
        error: str = "",
        page: int = 1,
    ) -> Response:
        """The callback list with the CB8 columns, per queue, sortable, paged (CB8–CB11)."""
        user = session.user
        rows, total = read_models.callback_page(
            user.tenant_id,
            queue_id=queue,
            sort=sort,
            offset=(max(1, page) - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, page), pages)
        try:
            tenant = center.acd.tenant(user.tenant_id)
            queues = {q: r.config.display_name for q, r in tenant.queues.items()}
            in_progress = {
                c: a.agent_id for a in tenant.agents.values() for c in (a.contact_id,) if c
            }
        except VaxelError:
            queues, in_progress = {}, {}
        return TEMPLATES.TemplateResponse(
            request,
            "callbacks.html",
            {
                "user": user,
                "csrf": session.csrf_token,
                "queue": queue,
                "sort": sort,
                "error": error,
                "page": page,
                "pages": pages,
                "total": total,
                "queues": queues,
                "status_names": CALLBACK_STATUS,
                "columns": CALLBACK_COLUMNS,
                "supervisor": user.role in SUPERVISORS,
                "rows": [
                    {
                        "contact_id": r.contact_id,
                        "number": r.number,
                        "queue_id": r.queue_id,
                        "requested": local_time(r.requested_at),
                        "eligible": local_time(r.eligible_at),
                        "attempts": r.attempts,
                        "agents_tried": r.agents_tried,
                        "last_note": r.last_note,
                        "status": r.status,
                        "mine": in_progress.get(r.contact_id) == user.agent_id,
                    }
                    for r in rows
                ],
            },
        )

    @app.post("/callbacks/{contact_id}/take")
    async def take_callback(request: Request, session: SignedIn, contact_id: str) -> Response:
        """Pick a callback: nobody else can take it once it is in progress (CB8)."""
        await check_csrf(request, session)
        user = session.user
        if not user.agent_id:
            raise HTTPException(403, "Kontot hör inte till någon handläggare")
        error = submit(
            ContactPicked(user.tenant_id, user.agent_id, contact_id, actor=user.username)
        )
        return RedirectResponse(
            f"/callbacks?error={error}" if error else "/callbacks", status_code=303
        )

    @app.post("/callbacks/{contact_id}/close")
    async def close_callback(
        request: Request,
        session: SignedIn,
        contact_id: str,
        outcome: Annotated[str, Form()],
        note: Annotated[str, Form()] = "",
    ) -> Response:
        """Done or unanswered, with the mandatory note (CB10); unanswered requeues (CB11)."""
        await check_csrf(request, session)
        user = session.user
        if outcome not in ("done", "unanswered"):
            raise HTTPException(400, "Välj Klar eller Inget svar")
        if not note.strip():
            return RedirectResponse(
                "/callbacks?error=Skriv en kort anteckning om vad som hände", status_code=303
            )
        error = submit(
            CallbackClosed(
                user.tenant_id,
                contact_id,
                user.agent_id or "",
                outcome,
                note.strip(),
                actor=user.username,
            )
        )
        return RedirectResponse(
            f"/callbacks?error={error}" if error else "/callbacks", status_code=303
        )

    @app.get("/admin/closures", response_class=HTMLResponse)
    def closures_page(request: Request, session: SignedIn, error: str = "") -> Response:
        if session.user.role not in ADMINS:
            raise HTTPException(403, "Stängning av köer kräver administratörsbehörighet")
        return TEMPLATES.TemplateResponse(
            request,
            "closures.html",
            {
                "user": session.user,
                "csrf": session.csrf_token,
                "error": error,
                "supervisor": True,
                "snapshot": snapshot_of(session.user.tenant_id, clock()),
            },
        )

    @app.post("/admin/closures")
    async def closures(request: Request, session: SignedIn) -> Response:
        """Q2: close (or reopen) many queues at once with a closing message."""
        await check_csrf(request, session)
        user = session.user
        if user.role not in ADMINS:
            raise HTTPException(403, "Stängning av köer kräver administratörsbehörighet")
        form = await request.form()
        queue_ids = [str(q) for q in form.getlist("queue")]
        action, message = str(form.get("action", "")), str(form.get("message", "")).strip()
        if not queue_ids:
            return RedirectResponse("/admin/closures?error=Välj minst en kö", status_code=303)
        known = set(center.acd.tenant(user.tenant_id).queues)
        unknown = [q for q in queue_ids if q not in known]
        if unknown:
            raise HTTPException(400, f"Okända köer: {', '.join(unknown)}")
        errors = []
        for queue_id in queue_ids:
            if action == "close":
                event: Any = QueueClosed(
                    user.tenant_id, queue_id, "temporary", message, actor=user.username
                )
            elif action == "open":
                event = QueueOpened(user.tenant_id, queue_id, actor=user.username)
            else:
                raise HTTPException(400, "Välj Stäng eller Öppna")
            error = submit(event)
            if error:
                errors.append(error)
        target = "/admin/closures" + (f"?error={'; '.join(errors)}" if errors else "")
        return RedirectResponse(target, status_code=303)

    @app.get("/wallboard", response_class=HTMLResponse)
    def wallboard(request: Request, session: SignedIn) -> Response:
        if session.user.role not in SUPERVISORS:
            raise HTTPException(403, "Väggtavlan är för arbetsledare")
        return TEMPLATES.TemplateResponse(
            request,
            "wallboard.html",
            {
                "user": session.user,
                "csrf": session.csrf_token,
                "snapshot": snapshot_of(session.user.tenant_id, clock()),
            },
        )

    @app.get("/api/v1/snapshot")
    def snapshot(session: SignedIn) -> dict[str, Any]:
        """The signed-in tenant's queues and agents (the wallboard's data)."""
        return snapshot_of(session.user.tenant_id, clock())

    @app.get("/events")
    async def events(request: Request, session: SignedIn) -> StreamingResponse:
        tenant_id = session.user.tenant_id

        async def stream() -> AsyncIterator[str]:
            wake = hub.subscribe(tenant_id)
            try:
                while not await request.is_disconnected():
                    text = hub.payload(
                        tenant_id,
                        clock(),
                        lambda: json.dumps(snapshot_of(tenant_id, clock()), ensure_ascii=False),
                    )
                    yield f"data: {text}\n\n"
                    wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), 1.0)
            finally:
                hub.unsubscribe(tenant_id, wake)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    return app
