"""Rendering a page: the templates, the header's values, the flash a form post left, times in
Stockholm, and the engine's refusals in the user's language.

Every page handler renders through :func:`render` and answers a form post with :func:`back`
(303 after post), so a refusal and what the form should show again reach the page through the
session's flash, never the URL (issue 9 §4).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from vaxel.core import limits
from vaxel.core.clock import from_local, to_local
from vaxel.core.errors import VaxelError
from vaxel.store.accounts import Session
from vaxel.web.error_text import error_text
from vaxel.web.flash import Flash, FlashRedirect
from vaxel.web.i18n import LANGUAGES, N_, gettext, language, ngettext
from vaxel.web.security import COOKIE
from vaxel.web.snapshot import CONTACT_STATES, pause_reason_name, pause_reason_names, state_names

if TYPE_CHECKING:
    from vaxel.web.context import WebContext

__all__ = [
    "ADMINS",
    "SUPERVISORS",
    "TEMPLATES",
    "back",
    "local_midnight",
    "local_time",
    "refusal_text",
    "render",
    "take_flash",
]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.add_extension("jinja2.ext.i18n")
TEMPLATES.env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
TEMPLATES.env.globals["languages"] = LANGUAGES
TEMPLATES.env.globals["limits"] = limits  # maxlength of inputs: the limits the server checks
TEMPLATES.env.globals["state_names"] = state_names
TEMPLATES.env.globals["contact_states"] = CONTACT_STATES
TEMPLATES.env.globals["pause_reason_name"] = pause_reason_name
TEMPLATES.env.globals["pause_reason_names"] = pause_reason_names

SUPERVISORS = ("supervisor", "tenant_admin", "platform_admin")
ADMINS = ("tenant_admin", "platform_admin")


def local_midnight(epoch: float) -> float:
    """The start of the Stockholm day ``epoch`` falls in ("today" on the wallboard)."""
    moment = to_local(epoch)
    return from_local(moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None))


def local_time(epoch: float) -> str:
    """Stockholm time for the lists ("23 nov 10:15")."""
    moment = to_local(epoch)
    months = (
        N_("jan"),
        N_("feb"),
        N_("mar"),
        N_("apr"),
        N_("maj"),
        N_("jun"),
        N_("jul"),
        N_("aug"),
        N_("sep"),
        N_("okt"),
        N_("nov"),
        N_("dec"),
    )
    return f"{moment.day} {gettext(months[moment.month - 1])} {moment:%H:%M}"


def refusal_text(error: VaxelError) -> str:
    """The engine's refusal of a page's action in the user's language, chosen by the error's
    code (STYLE rule 5, issue 12 §4), never its English text ("agent: WrapUpCancelled is
    not allowed in state ready" reached agents as it was; issue 9 §4)."""
    return error_text(error)


def back(
    path: str,
    error: str = "",
    refill: Mapping[str, str] | None = None,
    *,
    saved: bool = False,
    said: str = "",
) -> Response:
    """Redirect after a form post (303); the engine's refusal, and what the refused form
    should show again (``refill``), or that the post was ``saved`` or what it ``said``,
    wait in the session's flash for the page — never in the URL (issue 9 §4)."""
    return FlashRedirect(path, error, refill, saved=saved, said=said)


def take_flash(request: Request) -> Flash:
    """What the last form post of this session left for this page (once)."""
    context: WebContext = request.app.state.context
    return context.flashes.take(request.cookies.get(COOKIE, ""), request.url.path)


def render(request: Request, template: str, session: Session | None, **values: Any) -> Response:
    """Render a page with what the header needs (user, CSRF token, role, language) and, as
    ``error`` unless the handler gives one, the message a form post left in the flash (and
    as ``refill`` the values it left to fill the form in with again)."""
    base: dict[str, Any] = {"lang": language(), "refill": {}}
    if session is not None:
        if "error" not in values:
            flash = take_flash(request)
            base["error"], base["refill"] = flash.message, flash.values
            base["saved"] = flash.saved  # a form of the page was saved (e.g. her device)
            base["said"] = flash.said  # what a post did (e.g. a message sent, OP7)
        user = session.user
        base |= {
            "user": user,
            "csrf": session.csrf_token,
            "supervisor": user.role in SUPERVISORS,
            "admin": user.role in ADMINS,
        }
    return TEMPLATES.TemplateResponse(request, template, base | values)
