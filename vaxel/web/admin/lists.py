"""The tenant's short lists the agents pick from: pause reasons (Q24) and classification
codes (Q26), one entry per line (ADM1).

The workspace reads the lists on every page and action, so an edit shows the next time an
agent opens the page or pauses (Q20); a pause already taken keeps its reason.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from vaxel.core.errors import ConfigError
from vaxel.runtime.configuration import DEFAULT_LISTS, LIST_NAMES
from vaxel.web.context import SignedIn, WebContext, back, render
from vaxel.web.i18n import gettext
from vaxel.web.security import check_csrf

__all__ = ["list_problems", "lists_router"]

MAX_ENTRY = 64
MAX_ENTRIES = 50


def list_problems(items: list[str]) -> list[str]:
    """What is wrong with a list as typed (Swedish, translated); empty when it is fine."""
    problems = []
    if not items:
        problems.append(gettext("Listan måste ha minst en rad"))
    if len(items) > MAX_ENTRIES:
        problems.append(gettext("Högst {} rader").format(MAX_ENTRIES))
    seen: set[str] = set()
    for item in items:
        if len(item) > MAX_ENTRY:
            problems.append(
                gettext("”{}” är för lång: högst {} tecken").format(item[:20] + "…", MAX_ENTRY)
            )
        if item.casefold() in seen:
            problems.append(gettext("”{}” står med mer än en gång").format(item))
        seen.add(item.casefold())
    return problems


def lists_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()

    @router.get("/admin/lists")
    def lists_page(request: Request, session: SignedIn) -> Response:
        tenant_id = session.user.tenant_id
        lists = [
            {
                "id": list_id,
                "title": gettext(LIST_NAMES[list_id]),
                "items": ctx.configuration.list_items(tenant_id, list_id),
            }
            for list_id in DEFAULT_LISTS
        ]
        return render(request, "admin/lists.html", session, lists=lists)

    @router.post("/admin/lists/{list_id}")
    async def save_list(request: Request, session: SignedIn, list_id: str) -> Response:
        await check_csrf(request, session)
        if list_id not in DEFAULT_LISTS:
            raise HTTPException(404, gettext("Det finns ingen sådan lista"))
        form = await request.form()
        text = str(form.get("items", ""))
        items = [line.strip() for line in text.splitlines() if line.strip()]
        problems = list_problems(items)
        if problems:
            return back("/admin/lists", f"{gettext(LIST_NAMES[list_id])}: " + "; ".join(problems))
        try:
            ctx.configuration.put_list(session.user.tenant_id, list_id, items)
        except ConfigError as error:  # the service's own guard; list_problems is stricter
            return back("/admin/lists", str(error))
        return back("/admin/lists")

    return router
