"""The FastAPI application (issue 4): composes the routers of each area over one platform.

The areas live in their own modules — ``auth`` (sign-in, language), ``workspace`` (agents),
``callbacks``, ``wallboard`` (and the live stream), ``admin`` (ADM1), ``platform`` (the
provider's organisations), ``directory`` (the staff directory), ``api``, ``api_directory``
and ``api_numbers`` (REST with API keys) — each a module-level router whose handlers get
the one :class:`~vaxel.web.context.WebContext` as a dependency (``deps.Platform``, issue 12
§3).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from vaxel.acd.ports import ContactCenterPort
from vaxel.runtime.conferences import ConferenceService
from vaxel.runtime.configuration import Configuration
from vaxel.runtime.directory_views import DirectoryViews
from vaxel.runtime.forwarding import ForwardingService
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.voicemail import VoicemailService
from vaxel.store import Database
from vaxel.web import (
    admin,
    api,
    api_audio_device,
    api_console_settings,
    api_directory,
    api_group_diversion,
    api_numbers,
    api_pbx_calls,
    api_pbx_camp_on,
    api_pbx_conference,
    api_pbx_devices,
    api_pbx_forwarding,
    api_pbx_numbering,
    api_pbx_park,
    api_pbx_trunks,
    api_pbx_voicemail,
    api_person_messages,
    api_switches,
    audio_device,
    auth,
    callbacks,
    conference_host,
    console_break_in,
    console_camp,
    console_conference,
    console_consult,
    console_forwarding,
    console_group_diversion,
    console_message_page,
    console_messages,
    console_park,
    console_ring_through,
    console_stream,
    console_switches,
    console_voicemail,
    operator_console,
    platform,
    softphone,
    wallboard,
    workspace,
)
from vaxel.web import directory as directory_pages  # create_app's `directory` is the views
from vaxel.web.api_docs import OPENAPI_PATH, install_api_docs
from vaxel.web.context import WebContext, WebSettings
from vaxel.web.errors import install_error_handlers
from vaxel.web.headers import SecurityHeaders
from vaxel.web.i18n import LANGUAGE_COOKIE, preferred_language, use_language
from vaxel.web.limits import BodyLimit
from vaxel.web.phone import devices as phone_devices
from vaxel.web.phone import forwarding as phone_forwarding
from vaxel.web.phone import groups as phone_groups
from vaxel.web.phone import voicemail as phone_voicemail
from vaxel.web.unavailable import install_unavailable_handlers

__all__ = ["WebSettings", "create_app"]


class LanguageFromCookie:
    """Sets the request's language from its cookie (ADM5); the REST API's, which has no
    cookie, from ``Accept-Language`` (issue 9 §5). Plain ASGI, not
    ``@app.middleware("http")``: that one passes every chunk of a streamed response through
    an in-memory stream, an extra task hop per page on every live update (ST1)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            if request.url.path.startswith("/api/v") or request.url.path == OPENAPI_PATH:
                use_language(preferred_language(request.headers.get("accept-language", "")))
            else:
                use_language(request.cookies.get(LANGUAGE_COOKIE, ""))
        await self.app(scope, receive, send)


def create_app(
    center: ContactCenterPort,
    database: Database,
    settings: WebSettings | None = None,
    *,
    clock: Callable[[], float] = time.time,
    after_submit: Callable[[], None] = lambda: None,
    on_phone: Callable[[str], bool] = lambda contact_id: False,
    configuration: Configuration | None = None,
    on_sign_in: Callable[[str, str], None] = lambda tenant_id, agent_id: None,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    directory: DirectoryViews | None = None,
    on_directory_sources: Callable[[], None] = lambda: None,
    voicemail: VoicemailService | None = None,
    forwarding: ForwardingService | None = None,
    conferences: ConferenceService | None = None,
    numbering: PbxNumberingService | None = None,
) -> FastAPI:
    """The web app over one running ContactCenter; ``after_submit`` lets telephony carry out
    commands that a page's action produced (ringing a phone after "ready"); ``on_sign_in``
    is told (tenant, agent) when an agent signs in; ``lifespan`` runs the platform's
    scheduler while the server serves (``vaxel.app``); ``directory`` is the platform's
    directory views (the app makes its own over ``database`` when none is given), and
    ``forwarding`` its people's call forwarding (likewise)."""
    ctx = WebContext(
        center,
        database,
        configuration or Configuration(database, center),
        settings or WebSettings(),
        clock=clock,
        after_submit=after_submit,
        on_phone=on_phone,
        on_sign_in=on_sign_in,
        directory=directory,
        on_directory_sources=on_directory_sources,
        voicemail=voicemail,
        forwarding=forwarding,
        conferences=conferences,
        numbering=numbering,
    )
    center.listeners.extend(
        (ctx.hub.committed, ctx.fanout.committed, ctx.callback_changes.committed)
    )
    ctx.directory_views.listeners.append(ctx.fanout.presence_changed)
    app = FastAPI(
        title="Växel",
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_PATH,
        lifespan=lifespan,
    )
    install_api_docs(app)
    install_error_handlers(app)
    install_unavailable_handlers(app)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), "static")
    app.state.context = ctx
    app.state.hub = ctx.hub
    app.add_middleware(BodyLimit)  # caps a body before any handler reads it (issue 10 §3)
    app.add_middleware(SecurityHeaders, hsts=ctx.settings.secure_cookies)

    app.add_middleware(LanguageFromCookie)

    areas = (
        api,
        api_directory,
        api_audio_device,
        api_pbx_conference,
        api_pbx_calls,
        api_pbx_camp_on,
        api_console_settings,
        api_pbx_devices,
        api_pbx_forwarding,
        api_pbx_numbering,
        api_group_diversion,
        api_pbx_park,
        api_pbx_trunks,
        api_person_messages,
        api_switches,
        api_numbers,
        directory_pages,
        phone_devices,
        phone_forwarding,
        phone_groups,
        auth,
        workspace,
        wallboard,
        admin,
        callbacks,
        platform,
        phone_voicemail,
        api_pbx_voicemail,
        conference_host,
        softphone,
        audio_device,
        operator_console,
        console_stream,
        console_park,
        console_voicemail,
        console_ring_through,
        console_forwarding,
        console_group_diversion,
        console_consult,
        console_conference,
        console_camp,
        console_break_in,
        console_switches,
        console_messages,
        console_message_page,
    )
    for area in areas:  # each a module-level router (issue 12 §3)
        app.include_router(area.router)
    return app
