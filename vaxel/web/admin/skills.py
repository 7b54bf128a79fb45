"""The tenant's skill catalogue (Q15, ADM1): the skills agents get levels in.

Removing a skill some agent still has is refused with the agents' names, so no profile is
left asking for a skill nobody can edit.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.acd.model import AgentProfile
from vaxel.core import limits
from vaxel.store.skills import SkillCatalogue
from vaxel.web.admin.ids import OBJECT_ID, refused_id
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import gettext
from vaxel.web.lengths import longer_than, too_long
from vaxel.web.rendering import back, render

__all__ = ["router"]

router = APIRouter(
    prefix="/admin/skills",
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to("/admin/skills")],
)


def profiles(platform: WebContext, tenant_id: str) -> dict[str, AgentProfile]:
    """Agent profiles, stored or running."""
    found = dict(platform.configuration.agents(tenant_id))
    return found | platform.center.running_agents(tenant_id)


def holders(platform: WebContext, tenant_id: str, skill_id: str) -> list[str]:
    """Agents who have the skill."""
    found = profiles(platform, tenant_id).items()
    return sorted(p.name or a for a, p in found if skill_id in p.skills)


def used_skills(platform: WebContext, tenant_id: str) -> set[str]:
    """Skills agents have, so ones given before the catalogue existed can be added."""
    return {skill for p in profiles(platform, tenant_id).values() for skill in p.skills}


@router.get("")
def skills_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    skills = SkillCatalogue(platform.database).all(tenant_id)
    uncatalogued = sorted(used_skills(platform, tenant_id) - set(skills))
    return render(request, "admin/skills.html", session, skills=skills, uncatalogued=uncatalogued)


@router.post("")
async def add_skill(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    catalogue = SkillCatalogue(platform.database)
    skill_id = str(form.get("skill_id", "")).strip().lower()
    name = str(form.get("name", "")).strip() or skill_id
    if not OBJECT_ID.match(skill_id):
        typed = str(form.get("skill_id", ""))
        message, prefill = refused_id(typed, str(form.get("name", "")).strip())
        return back("/admin/skills", message, prefill)
    if skill_id in catalogue.all(tenant_id):
        return back("/admin/skills", gettext("Det finns redan en kompetens med det id:t"))
    if longer_than(name, limits.NAME_LENGTH):
        return back("/admin/skills", too_long(gettext("Namn"), limits.NAME_LENGTH))
    catalogue.add(tenant_id, skill_id, name)
    return back("/admin/skills")


@router.post("/{skill_id}")
async def change_skill(
    form: CsrfForm, platform: Platform, tenant_id: TenantId, skill_id: str
) -> Response:
    """Rename (action=save) or remove (action=remove) one skill of the own tenant."""
    catalogue = SkillCatalogue(platform.database)
    if skill_id not in catalogue.all(tenant_id):
        return back("/admin/skills", gettext("Ingen kompetens med det id:t"))
    if str(form.get("action", "save")) == "remove":
        used_by = holders(platform, tenant_id, skill_id)
        if used_by:
            message = gettext("Kompetensen används av {}: ta bort den från dem först")
            return back("/admin/skills", message.format(", ".join(used_by)))
        catalogue.remove(tenant_id, skill_id)
        return back("/admin/skills")
    name = str(form.get("name", "")).strip()
    if not name:
        return back("/admin/skills", gettext("Ange ett namn"))
    if longer_than(name, limits.NAME_LENGTH):
        return back("/admin/skills", too_long(gettext("Namn"), limits.NAME_LENGTH))
    catalogue.rename(tenant_id, skill_id, name)
    return back("/admin/skills")
