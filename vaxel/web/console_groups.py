"""The answer groups on the console's search (issue 16, spec §68, PBX3): each person found
lists the call groups she is logged in to now, and the groups whose name or number matches
the search are shown with who is logged in, whether the whole group is diverted (spec §67),
and the form that diverts it or clears the diversion (``console_group_diversion``).

Who is logged in is the PBX's answer (``PbxNumberingService.groups``): for a group answered
through an ACD queue that is the engine's, so the console cannot drift from the phones.
Only the signed-in operator's own tenant's groups are read; at most :data:`GROUP_HITS`
groups are shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from vaxel.core.clock import STOCKHOLM
from vaxel.pbx.group_diversion import GroupDiversion
from vaxel.pbx.groups import AnswerGroup
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.runtime.directory_views import PersonView
from vaxel.web.context import WebContext
from vaxel.web.i18n import gettext

__all__ = ["GROUP_HITS", "GroupHit", "diversion_text", "group_hits", "groups_of"]

GROUP_HITS = 5


@dataclass(frozen=True, slots=True)
class GroupHit:
    """One group matching the search: its number, and the names of those logged in."""

    group_id: str
    name: str
    number: str
    logged_in: list[str]
    diversion: str = ""
    """"Hänvisad till 4501 till 13:00 — Lunch" while the group is diverted (spec §67)."""


def groups_of(ctx: WebContext, tenant_id: str, hits: Iterable[PersonView]) -> dict[str, list[str]]:
    """person id → the names of the groups she is logged in to (sorted), for the hits."""
    people = {hit.person.person_id for hit in hits}
    if not people:
        return {}
    found: dict[str, list[str]] = {}
    for group in ctx.pbx_numbering.groups(tenant_id):
        for person_id in group.logged_in():
            if person_id in people:
                found.setdefault(person_id, []).append(group.name)
    return {person: sorted(names, key=str.casefold) for person, names in found.items()}


def group_hits(ctx: WebContext, tenant_id: str, query: str) -> list[GroupHit]:
    """The groups whose name contains ``query`` or whose number starts with it."""
    wanted = query.strip().casefold()
    if not wanted:
        return []
    numbering, views = ctx.pbx_numbering, ctx.directory_views
    plan = numbering.plan(tenant_id)
    diverted = ctx.group_diversions.active(tenant_id)
    hits: list[GroupHit] = []
    for group in sorted(numbering.groups(tenant_id), key=_by_name):
        numbers = plan.numbers_of(Target(TargetKind.GROUP, group.group_id))
        digits = wanted.replace(" ", "").replace("-", "")
        by_number = digits.isdigit() and any(n.startswith(digits) for n in numbers)
        if wanted in group.name.casefold() or by_number:
            names = [views.name_of(tenant_id, p) or p for p in group.logged_in()]
            number = numbers[0] if numbers else ""
            shown = diversion_text(diverted.get(group.group_id), ctx.clock())
            hits.append(GroupHit(group.group_id, group.name, number, names, shown))
            if len(hits) == GROUP_HITS:
                break
    return hits


def diversion_text(diversion: GroupDiversion | None, now: float) -> str:
    """ "Hänvisad till 4501 till 13:00 — Lunch"; an end on another day than today names
    its date ("till 2027-01-07 08:00"), one without an end says "tills vidare"."""
    if diversion is None:
        return ""
    text = gettext("Hänvisad till {number}").format(number=diversion.number)
    if diversion.until is not None:
        end = datetime.fromtimestamp(diversion.until, STOCKHOLM)
        today = datetime.fromtimestamp(now, STOCKHOLM).date()
        shown = end.strftime("%H:%M" if end.date() == today else "%Y-%m-%d %H:%M")
        text += " " + gettext("till {time}").format(time=shown)
    else:
        text += " " + gettext("tills vidare")
    return f"{text} — {diversion.note}" if diversion.note else text


def _by_name(group: AnswerGroup) -> str:
    return group.name.casefold()
