"""The tenant's short lists the agents pick from: pause reasons (Q24) and classification
codes (Q26), one entry per line (ADM1).

The workspace reads the lists on every page and action, so an edit shows the next time an
agent opens the page or pauses (Q20); a pause already taken keeps its reason.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from vaxel.runtime.configuration import DEFAULT_LISTS, LIST_NAMES
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import gettext
from vaxel.web.rendering import back, render

__all__ = ["list_problems", "router"]

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


router = APIRouter(
    prefix="/admin/lists",
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to("/admin/lists")],
)


@router.get("")
def lists_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    lists = [
        {
            "id": list_id,
            "title": gettext(LIST_NAMES[list_id]),
            "items": platform.configuration.list_items(tenant_id, list_id),
        }
        for list_id in DEFAULT_LISTS
    ]
    return render(request, "admin/lists.html", session, lists=lists)


@router.post("/{list_id}")
async def save_list(
    form: CsrfForm, platform: Platform, tenant_id: TenantId, list_id: str
) -> Response:
    """A refusal of the service's own guard (``list_problems`` is stricter) reaches the page
    through the one exception handler, as every config error does."""
    if list_id not in DEFAULT_LISTS:
        raise HTTPException(404, gettext("Det finns ingen sådan lista"))
    text = str(form.get("items", ""))
    items = [line.strip() for line in text.splitlines() if line.strip()]
    problems = list_problems(items)
    if problems:
        return back("/admin/lists", f"{gettext(LIST_NAMES[list_id])}: " + "; ".join(problems))
    platform.configuration.put_list(tenant_id, list_id, items)
    return back("/admin/lists")
