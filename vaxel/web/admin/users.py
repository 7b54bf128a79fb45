"""Users and their agent profiles (ADM1, ADM2, Q15, Q21, Q23).

A tenant admin creates and changes the tenant's users: role (agent, operator, supervisor,
tenant admin — never platform admin), and for those who take contacts the agent profile:
skills with levels from the tenant's catalogue, languages, the queues they may log in to,
the phone, and Q23's limit of unanswered offers (the form: :mod:`.user_form`). A profile
change reaches the running engine at once (an agent loses a queue no longer permitted,
except the call in hand).

Guard rails: nobody removes, deactivates or changes the role of themselves (no locking
yourself out), and a tenant admin cannot touch a platform admin's account — the edited
user arrives through a dependency that checks it, so no handler can forget.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from vaxel.acd.events import AgentLoggedOut
from vaxel.acd.model import AgentProfile, AgentState
from vaxel.core import limits
from vaxel.core.errors import ConfigError, VaxelError
from vaxel.store.accounts import Session, User
from vaxel.store.skills import SkillCatalogue
from vaxel.web.admin.ids import USERNAME, suggested_id
from vaxel.web.admin.user_form import (
    ASSIGNABLE_ROLES,
    LANGUAGES,
    ROLE_NAMES,
    UserForm,
    profile_of,
    values_of,
)
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import N_, gettext
from vaxel.web.lengths import longer_than, too_long
from vaxel.web.rendering import back, render

__all__ = ["router"]

router = APIRouter(prefix="/admin/users", tags=["admin"], dependencies=[Depends(require_admin)])


def edited_user(user_id: int, session: SignedIn, platform: Platform) -> User:
    """The user to change: own tenant only (404 otherwise); a platform admin's account
    only by a platform admin (403)."""
    user = platform.accounts.user(session.user.tenant_id, user_id)
    if user is None:
        raise HTTPException(404, gettext("Ingen användare med det id:t"))
    if user.role == "platform_admin" and session.user.role != "platform_admin":
        raise HTTPException(403, gettext("Bara en plattformsadministratör kan ändra det kontot"))
    return user


EditedUser = Annotated[User, Depends(edited_user)]


def profiles(platform: WebContext, tenant_id: str) -> dict[str, AgentProfile]:
    found = dict(platform.configuration.agents(tenant_id))
    return found | platform.center.running_agents(tenant_id)


def queue_names_of(platform: WebContext, tenant_id: str) -> dict[str, str]:
    """Queue id → the name people read, stored or running."""
    stored = platform.configuration.queues(tenant_id).items()
    running = platform.center.running_queues(tenant_id).items()
    return {q: c.display_name for q, c in stored} | {q: c.display_name for q, c in running}


def typed_form(posted: FormData) -> UserForm:
    return UserForm({k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf"})


def form_page(
    request: Request,
    session: Session,
    platform: WebContext,
    form: UserForm,
    user: User | None,
    status: int = 200,
) -> Response:
    tenant_id = session.user.tenant_id
    skills = SkillCatalogue(platform.database).all(tenant_id)
    # skills an agent already has but the catalogue lacks stay visible (nothing lost)
    for name in form.values:
        if name.startswith("skills.") and name[7:] not in skills:
            skills[name[7:]] = name[7:]
    queues = queue_names_of(platform, tenant_id)
    response = render(
        request,
        "admin/user_form.html",
        session,
        values=form.values,
        error_field=form.error_field,
        # without a refusal of its own, the page shows what a post left (a short password)
        **({"error": form.error} if form.error else {}),
        edited=user,
        itself=user is not None and user.user_id == session.user.user_id,
        roles=ASSIGNABLE_ROLES,
        agent_languages=LANGUAGES,
        skills=skills,
        queues=dict(sorted(queues.items())),
        actions={"pause": N_("Pausas"), "logout": N_("Loggas ut")},
    )
    response.status_code = status
    return response


def apply_profile(
    session: Session, platform: WebContext, profile: AgentProfile, form: UserForm
) -> UserForm | None:
    """Store and apply the profile; the form refused at the field the rule names (shown
    next to its input, which the one exception handler cannot do)."""
    try:
        platform.configuration.put_agent(profile, platform.clock(), session.user.username)
    except ConfigError as error:
        return form.refuse(error.field.removeprefix("agent."), rule_text(error))
    platform.after_submit()
    return None


def remove_profile(session: Session, platform: WebContext, agent_id: str) -> bool:
    """False while the engine refuses (the agent is logged in to queues)."""
    try:
        platform.configuration.remove_agent(
            session.user.tenant_id, agent_id, platform.clock(), session.user.username
        )
    except VaxelError:
        return False
    return True


def leave_queues(session: Session, platform: WebContext, user: User) -> str:
    """Q21: someone who can no longer sign in gets no more offers — the agent is logged
    out of every queue; refused (the message) while a contact is in hand."""
    agent_id = user.agent_id or ""

    try:
        state = platform.center.agent_view(user.tenant_id, agent_id, platform.clock()).state
    except VaxelError:  # no agent of that id runs: nothing to log out of
        state = AgentState.LOGGED_OUT
    if state is AgentState.LOGGED_OUT:
        return ""
    if state in (AgentState.BUSY, AgentState.OFFERED):
        return gettext("{name} har en kontakt just nu: försök igen när den är klar").format(
            name=user.display_name
        )
    actor = session.user.username
    platform.submit(AgentLoggedOut(user.tenant_id, agent_id, (), actor=actor))
    return ""


@router.get("")
def users_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    agents = profiles(platform, tenant_id)
    queue_names = queue_names_of(platform, tenant_id)
    skill_names = SkillCatalogue(platform.database).all(tenant_id)
    rows = []
    for user in platform.accounts.users(tenant_id):
        profile = agents.get(user.agent_id or "")
        rows.append(
            {
                "id": user.user_id,
                "username": user.username,
                "name": user.display_name,
                "role": gettext(ROLE_NAMES.get(user.role, user.role)),
                "active": user.active,
                # names people read, not ids (an unknown id is shown as it is)
                "queues": ", ".join(queue_names.get(q, q) for q in profile.permitted_queues)
                if profile
                else "",
                "skills": ", ".join(
                    f"{skill_names.get(s, s)} {n}" for s, n in profile.skills.items()
                )
                if profile
                else "",
            }
        )
    return render(request, "admin/users.html", session, users=rows)


@router.get("/new")
def new_user_page(request: Request, session: SignedIn, platform: Platform) -> Response:
    blank = UserForm({"role": "agent", "handles_contacts": "on", "language": "sv"})
    return form_page(request, session, platform, blank, None)


@router.post("")
async def create_user(
    request: Request, posted: CsrfForm, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    form = typed_form(posted)
    password = form.values.pop("password", "")
    username = form.text("username").lower()
    role = form.text("role")
    if not USERNAME.match(username):
        message = gettext("Små bokstäver, siffror, . - och _ (högst 64 tecken)")
        suggestion = suggested_id(username, dots=True)
        if suggestion:  # "åsa.öberg" → "asa.oberg", filled in (§13)
            message += " " + gettext("Förslag: {}").format(suggestion)
            form.values["username"] = suggestion
        form.refuse("username", message)
    elif platform.accounts.find(tenant_id, username) is not None:
        form.refuse("username", gettext("Det finns redan en användare med det namnet"))
    elif not form.text("display_name"):
        form.refuse("display_name", gettext("Ange namnet som visas"))
    elif longer_than(form.text("display_name"), limits.NAME_LENGTH):
        form.refuse("display_name", too_long(gettext("Namn som visas"), limits.NAME_LENGTH))
    elif role not in ASSIGNABLE_ROLES:
        form.refuse("role", gettext("Välj en roll i listan"))
    elif len(password) < 8:
        form.refuse("password", gettext("Lösenordet måste ha minst 8 tecken"))
    if form.error:
        return form_page(request, session, platform, form, None, status=400)
    agent_id = None
    if form.flag("handles_contacts"):
        agent_id = re.sub(r"[^a-z0-9_-]", "-", username)
        linked = {u.agent_id for u in platform.accounts.users(tenant_id)}
        if agent_id in linked:
            form.refuse("username", gettext("Handläggar-id:t används redan av en annan användare"))
            return form_page(request, session, platform, form, None, status=400)
        profile = profile_of(tenant_id, agent_id, form)
        if isinstance(profile, UserForm) or apply_profile(session, platform, profile, form):
            return form_page(request, session, platform, form, None, status=400)
    name = form.text("display_name")
    hashed = platform.passwords.hash(password)
    platform.accounts.add_user(
        tenant_id, username, name, role, hashed, agent_id, actor=session.user.username
    )
    return back("/admin/users")


@router.get("/{user_id}")
def user_page(
    request: Request, session: SignedIn, platform: Platform, user: EditedUser
) -> Response:
    profile = profiles(platform, user.tenant_id).get(user.agent_id or "")
    form = UserForm(values_of(user, profile))
    return form_page(request, session, platform, form, user)


@router.post("/{user_id}")
async def save_user(
    request: Request, posted: CsrfForm, session: SignedIn, platform: Platform, user: EditedUser
) -> Response:
    """Name, role and agent profile; a profile change applies to the running engine."""
    tenant_id = user.tenant_id
    form = typed_form(posted)
    form.values["username"] = user.username
    role = form.text("role")
    if role not in ASSIGNABLE_ROLES and not (role == user.role == "platform_admin"):
        form.refuse("role", gettext("Välj en roll i listan"))
    elif user.user_id == session.user.user_id and role != user.role:
        form.refuse("role", gettext("Du kan inte ändra din egen roll"))
    elif not form.text("display_name"):
        form.refuse("display_name", gettext("Ange namnet som visas"))
    elif longer_than(form.text("display_name"), limits.NAME_LENGTH):
        form.refuse("display_name", too_long(gettext("Namn som visas"), limits.NAME_LENGTH))
    if form.error:
        return form_page(request, session, platform, form, user, status=400)
    agent_id = user.agent_id
    if form.flag("handles_contacts"):
        agent_id = agent_id or re.sub(r"[^a-z0-9_-]", "-", user.username)
        profile = profile_of(tenant_id, agent_id, form)
        if isinstance(profile, UserForm) or apply_profile(session, platform, profile, form):
            return form_page(request, session, platform, form, user, status=400)
    elif agent_id:
        if not remove_profile(session, platform, agent_id):
            message = gettext("Handläggaren är inloggad: logga ut hen innan profilen tas bort")
            form.refuse("handles_contacts", message)
            return form_page(request, session, platform, form, user, status=400)
        agent_id = None
    platform.accounts.update_user(
        user, form.text("display_name"), role, agent_id, actor=session.user.username
    )
    return back("/admin/users")


@router.post("/{user_id}/password")
async def reset_password(
    posted: CsrfForm, session: SignedIn, platform: Platform, user: EditedUser
) -> Response:
    """A new password (also reactivates a deactivated account); signs the user out."""
    try:
        hashed = platform.passwords.hash(str(posted.get("password", "")))
    except ValueError:
        message = gettext("Lösenordet måste ha minst 8 tecken")
        return back(f"/admin/users/{user.user_id}", message)
    platform.accounts.set_password_hash(user, hashed, actor=session.user.username)
    platform.accounts.close_all_sessions(user)
    return back("/admin/users")


@router.post("/{user_id}/deactivate")
async def deactivate_user(
    posted: CsrfForm, session: SignedIn, platform: Platform, user: EditedUser
) -> Response:
    """No sign-in any more (no password), signed out everywhere; the row stays."""
    if user.user_id == session.user.user_id:
        return back("/admin/users", gettext("Du kan inte inaktivera dig själv"))
    refused = leave_queues(session, platform, user)
    if refused:
        return back("/admin/users", refused)
    platform.accounts.set_password_hash(user, None, actor=session.user.username)
    platform.accounts.close_all_sessions(user)
    return back("/admin/users")


@router.post("/{user_id}/remove")
async def remove_user(
    posted: CsrfForm, session: SignedIn, platform: Platform, user: EditedUser
) -> Response:
    if user.user_id == session.user.user_id:
        return back("/admin/users", gettext("Du kan inte ta bort dig själv"))
    refused = leave_queues(session, platform, user)
    if refused:
        return back("/admin/users", refused)
    if user.agent_id and not remove_profile(session, platform, user.agent_id):
        message = gettext("{name} är inloggad i köer: logga ut hen först").format(
            name=user.display_name
        )
        return back("/admin/users", message)
    platform.accounts.remove_user(user, actor=session.user.username)
    return back("/admin/users")
