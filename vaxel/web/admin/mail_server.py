"""The organisation's mail server for voicemail e-mails (issue 14 §5, PBX4): host, port,
security (STARTTLS, TLS, none), user name, password and sender address, or the platform's
server when it has none of its own — and a test mail that shows what the server answered.

The password is write-only (``vaxel.runtime.mail_servers`` has the rules); every change
and every test mail is in the audit log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.mail_servers import MailServerError, MailServers
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import N_
from vaxel.web.rendering import back, render, take_flash

__all__ = ["SECURITY", "router"]

PATH = "/admin/pbx/mail-server"
router = APIRouter(prefix=PATH, tags=["admin"], dependencies=[Depends(require_admin)])

SECURITY = {
    MailSecurity.STARTTLS: N_("STARTTLS (vanligen port 587)"),
    MailSecurity.TLS: N_("TLS från början (vanligen port 465)"),
    MailSecurity.NONE: N_("Ingen kryptering (bara en server på samma nät)"),
}


def servers_of(platform: Platform) -> MailServers:
    voicemail = platform.voicemail_service
    return MailServers(
        voicemail.store,
        voicemail.platform_mail_server,
        internal_hosts=voicemail.tenant_mail_internal_hosts,
        gate=voicemail.mail_tests,
    )


Servers = Annotated[MailServers, Depends(servers_of)]


@router.get("")
def mail_server_page(request: Request, session: SignedIn, servers: Servers) -> Response:
    own = servers.own(session.user.tenant_id)
    flash = take_flash(request)  # once: the refusal, or the test mail's answer
    return render(
        request,
        "admin/mail_server.html",
        session,
        own=own,
        platform_server=servers.platform_server,
        security=SECURITY,
        error=flash.message,
        refill=flash.values if flash.message else {},
        tested=flash.values if flash.saved and "tested" in flash.values else {},
        saved=flash.saved and "tested" not in flash.values,
    )


def _port(form: FormData) -> int:
    raw = str(form.get("port", "")).strip()
    if not raw.isdecimal() or len(raw) > 5:
        raise MailServerError("port", "whole-number-range", min=1, max=65535, value=raw[:20])
    return int(raw)


@router.post("", dependencies=[returns_to(PATH)])
async def save_mail_server(
    form: CsrfForm, session: SignedIn, servers: Servers, tenant_id: TenantId
) -> Response:
    raw_security = str(form.get("security", "starttls"))
    if raw_security not in (s.value for s in MailSecurity):
        raise MailServerError("security", "choice", allowed="starttls, tls, none")
    server = MailServer(
        str(form.get("host", "")).strip()[:260],
        _port(form),
        str(form.get("sender", "")).strip()[:330],
        str(form.get("username", "")).strip()[:210],
        str(form.get("password", ""))[:210],
        MailSecurity(raw_security),
    )
    servers.put(tenant_id, session.user.username, server)
    return back(PATH, saved=True)


@router.post("/remove")
async def remove_mail_server(
    form: CsrfForm, session: SignedIn, servers: Servers, tenant_id: TenantId
) -> Response:
    servers.remove(tenant_id, session.user.username)
    return back(PATH, saved=True)


@router.post("/test", dependencies=[returns_to(PATH)])
async def send_test_mail(
    form: CsrfForm, session: SignedIn, servers: Servers, tenant_id: TenantId
) -> Response:
    """Send the test mail now (SMTP waits on the network: off the event loop)."""
    recipient = str(form.get("recipient", "")).strip()[:330]
    where = await run_in_threadpool(
        servers.send_test, tenant_id, session.user.username, recipient, tenant_id
    )
    return back(PATH, refill={"tested": where, "recipient": recipient}, saved=True)
