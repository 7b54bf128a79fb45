"""Users and their agent profiles (ADM1, ADM2, Q15, Q21, Q23).

A tenant admin creates and changes the tenant's users: role (agent, operator, supervisor,
tenant admin — never platform admin), and for those who take contacts the agent profile:
skills with levels from the tenant's catalogue, languages, the queues they may log in to,
the phone, and Q23's limit of unanswered offers. A profile change reaches the running
engine at once (an agent loses a queue no longer permitted, except the call in hand).

Guard rails: nobody removes, deactivates or changes the role of themselves (no locking
yourself out), and a tenant admin cannot touch a platform admin's account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from vaxel.acd.engine import Engine as AcdEngine
from vaxel.acd.events import AgentLoggedOut
from vaxel.acd.model import AgentProfile, AgentState, UnansweredAction
from vaxel.core import limits
from vaxel.core.errors import ConfigError, VaxelError
from vaxel.store.accounts import User
from vaxel.store.skills import SkillCatalogue
from vaxel.web.admin.ids import USERNAME, suggested_id
from vaxel.web.context import WebContext, back, render
from vaxel.web.deps import SignedIn
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import N_, gettext
from vaxel.web.lengths import longer_than, too_long
from vaxel.web.security import check_csrf

__all__ = ["ASSIGNABLE_ROLES", "users_router"]

ASSIGNABLE_ROLES = {
    "agent": N_("Handläggare"),
    "operator": N_("Telefonist"),
    "supervisor": N_("Arbetsledare"),
    "tenant_admin": N_("Administratör"),
}
"""The roles a tenant admin gives; platform admins are made on the platform page only."""
ROLE_NAMES = {**ASSIGNABLE_ROLES, "platform_admin": N_("Plattformsadministratör")}
LANGUAGES = {"sv": N_("Svenska"), "en": N_("Engelska")}
MAX_SKILL_LEVEL = 10


@dataclass
class UserForm:
    """What the admin typed, kept as text so a refused form comes back unchanged."""

    values: dict[str, str] = field(default_factory=dict)
    error_field: str = ""
    error: str = ""

    def refuse(self, field_name: str, message: str) -> UserForm:
        self.error_field, self.error = field_name, message
        return self

    def text(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def flag(self, name: str) -> bool:
        return bool(self.text(name))


def _values_of(user: User | None, profile: AgentProfile | None) -> dict[str, str]:
    values: dict[str, str] = {}
    if user is not None:
        values |= {"username": user.username, "display_name": user.display_name, "role": user.role}
    if profile is not None:
        values |= {
            "handles_contacts": "on",
            "language": profile.language,
            "languages": ", ".join(profile.languages),
            "phone": profile.phone,
            "max_unanswered": str(profile.max_unanswered),
            "unanswered_action": profile.unanswered_action.value,
        }
        values |= {f"skills.{skill}": str(level) for skill, level in profile.skills.items()}
        values |= {f"permitted.{queue}": "on" for queue in profile.permitted_queues}
    return values


def users_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()
    catalogue = SkillCatalogue(ctx.database)

    def profiles(tenant_id: str) -> dict[str, AgentProfile]:
        found = dict(ctx.configuration.agents(tenant_id))
        return found | ctx.center.running_agents(tenant_id)

    def queue_names_of(tenant_id: str) -> dict[str, str]:
        """Queue id → the name people read, stored or running."""
        queues = {q: c.display_name for q, c in ctx.configuration.queues(tenant_id).items()}
        running = ctx.center.running_queues(tenant_id)
        return queues | {q: config.display_name for q, config in running.items()}

    def target(session: Any, user_id: int) -> User:
        """The user to change: own tenant only; a platform admin only by a platform admin."""
        user = ctx.accounts.user(session.user.tenant_id, user_id)
        if user is None:
            raise HTTPException(404, gettext("Ingen användare med det id:t"))
        if user.role == "platform_admin" and session.user.role != "platform_admin":
            raise HTTPException(
                403, gettext("Bara en plattformsadministratör kan ändra det kontot")
            )
        return user

    def form_page(
        request: Request, session: Any, form: UserForm, user: User | None, status: int = 200
    ) -> Response:
        tenant_id = session.user.tenant_id
        skills = catalogue.all(tenant_id)
        # skills an agent already has but the catalogue lacks stay visible (nothing lost)
        for name in form.values:
            if name.startswith("skills.") and name[7:] not in skills:
                skills[name[7:]] = name[7:]
        queues = queue_names_of(tenant_id)
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

    def profile_of(tenant_id: str, agent_id: str, form: UserForm) -> AgentProfile | UserForm:
        """The agent profile the form describes, or the form refused at its first error."""
        skills: dict[str, int] = {}
        for name, text in form.values.items():
            if not name.startswith("skills.") or not text.strip():
                continue
            try:
                level = int(text.strip())
            except ValueError:
                level = -1
            if not 0 <= level <= MAX_SKILL_LEVEL:
                return form.refuse(name, gettext("Ange en nivå från 0 till 10"))
            skills[name[7:]] = level
        try:
            max_unanswered = int(form.text("max_unanswered") or "0")
        except ValueError:
            max_unanswered = -1
        if max_unanswered < 0:
            return form.refuse("max_unanswered", gettext("Ange ett heltal, 0 eller mer (0 = av)"))
        language = form.text("language") or "sv"
        extra = tuple(x.strip() for x in form.text("languages").split(",") if x.strip())
        permitted = tuple(sorted(n[10:] for n in form.values if n.startswith("permitted.")))
        action = form.text("unanswered_action") or "pause"
        if action not in ("pause", "logout"):
            return form.refuse("unanswered_action", gettext("Välj Pausas eller Loggas ut"))
        try:
            return AgentProfile(
                tenant_id,
                agent_id,
                form.text("display_name"),
                language=language,
                languages=extra,
                skills=skills,
                permitted_queues=permitted,
                phone=form.text("phone"),
                max_unanswered=max_unanswered,
                unanswered_action=UnansweredAction(action),
            )
        except ConfigError as error:
            return form.refuse(error.field.removeprefix("agent."), rule_text(error))

    def apply_profile(session: Any, profile: AgentProfile, form: UserForm) -> UserForm | None:
        try:
            ctx.configuration.put_agent(profile, ctx.clock(), session.user.username)
        except ConfigError as error:
            field_name = error.field.removeprefix("agent.")
            return form.refuse(field_name, rule_text(error))
        ctx.after_submit()
        return None

    @router.get("/admin/users")
    def users_page(request: Request, session: SignedIn) -> Response:
        tenant_id = session.user.tenant_id
        agents = profiles(tenant_id)
        queue_names, skill_names = queue_names_of(tenant_id), catalogue.all(tenant_id)
        rows = []
        for user in ctx.accounts.users(tenant_id):
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

    @router.get("/admin/users/new")
    def new_user_page(request: Request, session: SignedIn) -> Response:
        blank = UserForm({"role": "agent", "handles_contacts": "on", "language": "sv"})
        return form_page(request, session, blank, None)

    @router.post("/admin/users")
    async def create_user(request: Request, session: SignedIn) -> Response:
        await check_csrf(request, session)
        tenant_id = session.user.tenant_id
        raw = await request.form()
        form = UserForm({k: v for k, v in raw.items() if isinstance(v, str) and k != "csrf"})
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
        elif ctx.accounts.find(tenant_id, username) is not None:
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
            return form_page(request, session, form, None, status=400)
        agent_id = None
        if form.flag("handles_contacts"):
            agent_id = re.sub(r"[^a-z0-9_-]", "-", username)
            linked = {u.agent_id for u in ctx.accounts.users(tenant_id)}
            if agent_id in linked:
                form.refuse(
                    "username", gettext("Handläggar-id:t används redan av en annan användare")
                )
                return form_page(request, session, form, None, status=400)
            profile = profile_of(tenant_id, agent_id, form)
            if isinstance(profile, UserForm) or apply_profile(session, profile, form):
                return form_page(request, session, form, None, status=400)
        name = form.text("display_name")
        hashed = ctx.passwords.hash(password)
        ctx.accounts.add_user(
            tenant_id, username, name, role, hashed, agent_id, actor=session.user.username
        )
        return back("/admin/users")

    @router.get("/admin/users/{user_id}")
    def user_page(request: Request, session: SignedIn, user_id: int) -> Response:
        user = target(session, user_id)
        profile = profiles(user.tenant_id).get(user.agent_id or "")
        return form_page(request, session, UserForm(_values_of(user, profile)), user)

    @router.post("/admin/users/{user_id}")
    async def save_user(request: Request, session: SignedIn, user_id: int) -> Response:
        """Name, role and agent profile; a profile change applies to the running engine."""
        await check_csrf(request, session)
        user = target(session, user_id)
        tenant_id = user.tenant_id
        raw = await request.form()
        form = UserForm({k: v for k, v in raw.items() if isinstance(v, str) and k != "csrf"})
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
            return form_page(request, session, form, user, status=400)
        agent_id = user.agent_id
        if form.flag("handles_contacts"):
            agent_id = agent_id or re.sub(r"[^a-z0-9_-]", "-", user.username)
            profile = profile_of(tenant_id, agent_id, form)
            if isinstance(profile, UserForm) or apply_profile(session, profile, form):
                return form_page(request, session, form, user, status=400)
        elif agent_id:
            if not remove_profile(session, agent_id):
                message = gettext("Handläggaren är inloggad: logga ut hen innan profilen tas bort")
                form.refuse("handles_contacts", message)
                return form_page(request, session, form, user, status=400)
            agent_id = None
        ctx.accounts.update_user(
            user, form.text("display_name"), role, agent_id, actor=session.user.username
        )
        return back("/admin/users")

    def remove_profile(session: Any, agent_id: str) -> bool:
        try:
            ctx.configuration.remove_agent(
                session.user.tenant_id, agent_id, ctx.clock(), session.user.username
            )
        except VaxelError:
            return False
        return True

    def leave_queues(session: Any, user: User) -> str:
        """Q21: someone who can no longer sign in gets no more offers — the agent is logged
        out of every queue; refused (the message) while a contact is in hand."""
        agent_id = user.agent_id or ""

        def state_of(acd: AcdEngine) -> AgentState:
            tenant = acd.tenants.get(user.tenant_id)
            agent = tenant.agents.get(agent_id) if tenant is not None else None
            return agent.state if agent is not None else AgentState.LOGGED_OUT

        state = ctx.center.read(state_of)
        if state is AgentState.LOGGED_OUT:
            return ""
        if state in (AgentState.BUSY, AgentState.OFFERED):
            return gettext("{name} har en kontakt just nu: försök igen när den är klar").format(
                name=user.display_name
            )
        actor = session.user.username
        ctx.submit(AgentLoggedOut(user.tenant_id, agent_id, (), actor=actor))
        return ""

    @router.post("/admin/users/{user_id}/password")
    async def reset_password(request: Request, session: SignedIn, user_id: int) -> Response:
        """A new password (also reactivates a deactivated account); signs the user out."""
        await check_csrf(request, session)
        user = target(session, user_id)
        password = str((await request.form()).get("password", ""))
        try:
            hashed = ctx.passwords.hash(password)
        except ValueError:
            return back(f"/admin/users/{user_id}", gettext("Lösenordet måste ha minst 8 tecken"))
        ctx.accounts.set_password_hash(user, hashed, actor=session.user.username)
        ctx.accounts.close_all_sessions(user)
        return back("/admin/users")

    @router.post("/admin/users/{user_id}/deactivate")
    async def deactivate_user(request: Request, session: SignedIn, user_id: int) -> Response:
        """No sign-in any more (no password), signed out everywhere; the row stays."""
        await check_csrf(request, session)
        user = target(session, user_id)
        if user.user_id == session.user.user_id:
            return back("/admin/users", gettext("Du kan inte inaktivera dig själv"))
        refused = leave_queues(session, user)
        if refused:
            return back("/admin/users", refused)
        ctx.accounts.set_password_hash(user, None, actor=session.user.username)
        ctx.accounts.close_all_sessions(user)
        return back("/admin/users")

    @router.post("/admin/users/{user_id}/remove")
    async def remove_user(request: Request, session: SignedIn, user_id: int) -> Response:
        await check_csrf(request, session)
        user = target(session, user_id)
        if user.user_id == session.user.user_id:
            return back("/admin/users", gettext("Du kan inte ta bort dig själv"))
        refused = leave_queues(session, user)
        if refused:
            return back("/admin/users", refused)
        if user.agent_id and not remove_profile(session, user.agent_id):
            message = gettext("{name} är inloggad i köer: logga ut hen först").format(
                name=user.display_name
            )
            return back("/admin/users", message)
        ctx.accounts.remove_user(user, actor=session.user.username)
        return back("/admin/users")

    return router
