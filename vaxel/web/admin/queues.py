"""Queues (ADM1, Q14–Q20, Q25, CB*): the list, and one form to create or change a queue.

Saving goes through :meth:`Configuration.put_queue`: the change becomes a journaled engine
event, so it applies at once while contacts keep waiting where they are (Q20). A refused
form comes back with everything the admin typed and the error next to its input. Removing
a queue is refused while anyone waits in it or an agent is logged in to it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from vaxel.acd.model import QueueConfig
from vaxel.core.errors import ConfigError, VaxelError
from vaxel.store.accounts import Session
from vaxel.web.admin.ids import OBJECT_ID, suggested_id
from vaxel.web.admin.prompt_choices import prompt_choices
from vaxel.web.admin.queue_form import QueueForm
from vaxel.web.admin.queue_labels import ACTIONS, CHANNELS, STRATEGIES, TRIGGERS, describe, label
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import gettext
from vaxel.web.rendering import back, render

__all__ = ["router"]


router = APIRouter(prefix="/admin/queues", tags=["admin"], dependencies=[Depends(require_admin)])


def configs(platform: WebContext, tenant_id: str) -> dict[str, QueueConfig]:
    """Stored queues, with the running engine's config where it has one (the truth)."""
    found = dict(platform.configuration.queues(tenant_id))
    return found | platform.center.running_queues(tenant_id)


def existing(queue_id: str, platform: Platform, tenant_id: TenantId) -> QueueConfig:
    """The queue the path names, in the own tenant; 404 for another tenant's or none."""
    config = configs(platform, tenant_id).get(queue_id)
    if config is None:
        raise HTTPException(404, gettext("Ingen kö med det id:t"))
    return config


Existing = Annotated[QueueConfig, Depends(existing)]


def form_page(
    request: Request,
    session: Session,
    platform: WebContext,
    form: QueueForm,
    *,
    queue_id: str = "",
    error: ConfigError | None = None,
    status: int = 200,
) -> Response:
    """The form with the admin's input and a refusal next to its input (400)."""
    tenant_id = session.user.tenant_id
    others = {q: c.display_name for q, c in configs(platform, tenant_id).items() if q != queue_id}
    error_field = form.form_field(error) if error is not None else ""
    response = render(
        request,
        "admin/queue_form.html",
        session,
        form=form,
        values=form.values,
        queue_id=queue_id,
        queues=others,
        strategies=STRATEGIES,
        triggers=TRIGGERS,
        actions=ACTIONS,
        channels=CHANNELS,
        label=label,
        error_field=error_field,
        error=rule_text(error) if error is not None else "",
        error_place=describe(error_field) if error is not None else "",
        prompts=prompt_choices(platform.configuration, tenant_id),
    )
    response.status_code = status
    return response


@router.get("")
def queues_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    snapshot = {q["id"]: q for q in platform.snapshot_of(tenant_id, platform.clock())["queues"]}
    rows = [
        {
            "id": queue_id,
            "name": config.display_name,
            "strategy": gettext(STRATEGIES[config.strategy.value]),
            "open": snapshot.get(queue_id, {}).get("open", True),
            "waiting": snapshot.get(queue_id, {}).get("waiting", 0),
            "logged_in": snapshot.get(queue_id, {}).get("logged_in", 0),
            "ready": snapshot.get(queue_id, {}).get("ready", 0),
        }
        for queue_id, config in sorted(configs(platform, tenant_id).items())
    ]
    return render(request, "admin/queues.html", session, queues=rows)


@router.get("/new")
def new_queue_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    blank = QueueForm.from_config(QueueConfig(tenant_id, "ny"))
    blank.values.pop("queue_id")
    return form_page(request, session, platform, blank)


@router.post("")
async def create_queue(
    request: Request, form: CsrfForm, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    typed = QueueForm.from_form(form)
    queue_id = typed.values.get("queue_id", "")
    problem = None
    if not OBJECT_ID.match(queue_id) or queue_id == "new":
        suggestion = suggested_id(queue_id)
        problem = ConfigError("queue_id", "id-format")
        if suggestion and suggestion != "new":  # "växel" → "vaxel", filled in (§13)
            problem = ConfigError("queue_id", "id-format-suggestion", suggestion=suggestion)
            typed.values["queue_id"] = suggestion
    elif queue_id in configs(platform, tenant_id):
        problem = ConfigError("queue_id", "id-taken")
    if problem is not None:
        return form_page(request, session, platform, typed, error=problem, status=400)
    return save(request, session, platform, typed, queue_id)


@router.get("/{queue_id}")
def queue_page(
    request: Request, session: SignedIn, platform: Platform, config: Existing
) -> Response:
    form = QueueForm.from_config(config)
    return form_page(request, session, platform, form, queue_id=config.queue_id)


@router.post("/{queue_id}")
async def save_queue(
    request: Request, form: CsrfForm, session: SignedIn, platform: Platform, config: Existing
) -> Response:
    """Q20: the new settings apply at once; contacts already waiting stay in the queue."""
    typed = QueueForm.from_form(form)
    return save(request, session, platform, typed, config.queue_id, editing=True)


def save(
    request: Request,
    session: Session,
    platform: WebContext,
    form: QueueForm,
    queue_id: str,
    editing: bool = False,
) -> Response:
    """Store the queue the form describes; a refusal comes back on the form, marked at its
    input with everything typed kept (what the one exception handler cannot do)."""
    user = session.user
    shown_id = queue_id if editing else ""
    try:
        config = form.config(user.tenant_id, queue_id)
        agents = set(platform.configuration.agents(user.tenant_id))
        agents |= set(platform.center.running_agents(user.tenant_id))
        unknown = [a for a in config.linear_order if a not in agents]
        if unknown:
            raise ConfigError("linear_order", "unknown-agents-ref", values=", ".join(unknown))
        platform.configuration.put_queue(config, platform.clock(), user.username)
    except ConfigError as error:
        return form_page(
            request, session, platform, form, queue_id=shown_id, error=error, status=400
        )
    platform.after_submit()
    return back("/admin/queues")


@router.post("/{queue_id}/remove")
async def remove_queue(
    form: CsrfForm, session: SignedIn, platform: Platform, config: Existing
) -> Response:
    """Refused, naming the queue, while anyone waits in it or an agent is logged in."""
    tenant_id, queue_id = session.user.tenant_id, config.queue_id
    now = platform.clock()
    if queue_id in platform.center.running_queues(tenant_id):
        status = platform.center.queue_status(tenant_id, queue_id, now)
        busy = status.waiting + status.pending_callbacks
        if busy or status.agents_logged_in:
            message = gettext(
                "{name} kan inte tas bort: {waiting} kontakter väntar och {agents} "
                "handläggare är inloggade. Vänta tills kön är tom och logga ut "
                "handläggarna först."
            ).format(name=config.display_name, waiting=busy, agents=status.agents_logged_in)
            return back("/admin/queues", message)
    try:
        platform.configuration.remove_queue(tenant_id, queue_id, now, session.user.username)
    except ConfigError as error:  # the queue's name before the rule
        message = gettext("{name} kan inte tas bort: {reason}").format(
            name=config.display_name, reason=rule_text(error)
        )
        return back("/admin/queues", message)
    except VaxelError:  # the engine refused: someone arrived between the check and now
        message = gettext(
            "{name} kan inte tas bort just nu: kontakter eller handläggare finns kvar i kön"
        ).format(name=config.display_name)
        return back("/admin/queues", message)
    platform.after_submit()
    return back("/admin/queues")
