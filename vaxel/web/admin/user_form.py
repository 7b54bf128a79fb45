"""The user editor's form (ADM1, ADM2, Q15, Q21, Q23): what the admin typed, kept as text
so a refused form comes back unchanged, and the agent profile it describes.

The roles a tenant admin may give live here too, so the page and the audit log name them
alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vaxel.acd.model import AgentProfile, UnansweredAction
from vaxel.core.errors import ConfigError
from vaxel.store.accounts import User
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import N_, gettext

__all__ = [
    "ASSIGNABLE_ROLES",
    "LANGUAGES",
    "MAX_SKILL_LEVEL",
    "ROLE_NAMES",
    "UserForm",
    "profile_of",
    "values_of",
]

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


def values_of(user: User | None, profile: AgentProfile | None) -> dict[str, str]:
    """The form's inputs for a stored user and their agent profile."""
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
