"""Answer groups on "Min telefon" (issue 14 §3, PBX3): everyone in the organisation sees
each group's number and who is logged in now; a member logs themselves in or out here as
with ``*28*<grupp>#`` / ``#28*<grupp>#`` on the phone.

For a group answered through an ACD queue, logging in logs the member's agent in to the
queue (``vaxel.runtime.group_logins``); a refusal (no agent, a queue the profile does not
permit) comes back on the page worded in Swedish, and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from vaxel.core.errors import ConfigError
from vaxel.pbx.groups import GroupStrategy
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.web.deps import CsrfForm, Me, Platform, SignedIn, returns_to
from vaxel.web.i18n import N_
from vaxel.web.rendering import render

__all__ = ["PAGE", "router"]

router = APIRouter(tags=["phone"])
PAGE = "/min-telefon/grupper"
STRATEGY_NAMES = {
    GroupStrategy.RING_ALL: N_("Alla ringer samtidigt"),
    GroupStrategy.IN_ORDER: N_("En i taget, i ordning"),
    GroupStrategy.QUEUE: N_("Via en kö"),
}


@dataclass(frozen=True, slots=True)
class GroupRow:
    group_id: str
    name: str
    numbers: list[str]
    strategy: str
    logged_in: list[str]
    """The names of the members logged in now (anyone may see them)."""
    member: bool
    """Whether the signed-in person is a member (and so may log in or out)."""
    mine_in: bool


@router.get(PAGE)
def groups_page(request: Request, session: SignedIn, ctx: Platform, me: Me) -> Response:
    """Every answer group of the organisation, who is logged in, and one's own login."""
    tenant = session.user.tenant_id
    numbering, views = ctx.pbx_numbering, ctx.directory_views
    plan = numbering.plan(tenant)
    rows = []
    for group in sorted(numbering.groups(tenant), key=lambda g: g.name.casefold()):
        mine = next((m for m in group.members if m.person_id == me.person_id), None)
        rows.append(
            GroupRow(
                group.group_id,
                group.name,
                plan.numbers_of(Target(TargetKind.GROUP, group.group_id)),
                STRATEGY_NAMES[group.strategy],
                [views.name_of(tenant, p) or p for p in group.logged_in()],
                mine is not None,
                mine is not None and mine.logged_in,
            )
        )
    return render(request, "phone/groups.html", session, groups=rows)


@router.post(PAGE, dependencies=[returns_to(PAGE)])
def group_login(session: SignedIn, ctx: Platform, me: Me, form: CsrfForm) -> Response:
    """Log oneself in (``in`` = 1) to or out of the group ``group_id``."""
    if me.person_id is None:
        return RedirectResponse(PAGE, status_code=303)
    group_id = str(form.get("group_id", ""))[:64]
    if not group_id:
        raise ConfigError("group_id", "required")
    ctx.pbx_numbering.set_login(
        session.user.tenant_id, group_id, me.person_id, form.get("in") == "1"
    )
    return RedirectResponse(PAGE, status_code=303)
