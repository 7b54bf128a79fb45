"""IVR flows (IVR1–IVR7, ADM1): list, edit node by node, add and remove nodes, save live.

The form (:mod:`vaxel.web.admin.flow_form`) is the main editor; the raw YAML of the stored
document is offered as an advanced alternative. Saving goes through
:meth:`Configuration.put_flow`, which validates the whole flow (the model's own checks plus
unknown queues, schedules and prompts) before storing it and tells the running telephony:
calls in progress keep their flow, the next call gets the new one (Q20). A refusal names
the node and the field, and the page comes back with the admin's input kept.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.errors import ConfigError
from vaxel.flow.model import DIGITS
from vaxel.runtime.service_numbers import NumberAssignments
from vaxel.store.accounts import Session
from vaxel.store.repositories import UnknownDocument
from vaxel.web.admin.flow_form import N_, NODE_FIELDS, NODE_TYPES, FlowForm, NodeForm
from vaxel.web.admin.ids import OBJECT_ID, refused_id
from vaxel.web.admin.numbers import shown_number
from vaxel.web.admin.prompt_choices import prompt_choices
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.error_text import rule_text
from vaxel.web.i18n import gettext
from vaxel.web.lengths import longer_than, too_long
from vaxel.web.rendering import back, render, take_flash

__all__ = ["located_error", "router"]

FLOW_FIELDS = {
    "start": N_("Första nod"),
    "operator": N_("Växelnod"),
    "operator_key": N_("Knapp till växeln"),
    "switches": N_("Brytare"),
    "language": N_("Språk"),
    "nodes": N_("Noder"),
    "id": N_("Id"),
}


def located_error(error: ConfigError, form: FlowForm) -> dict[str, str]:
    """Where a refusal points: ``node`` (a node's name, or "" for the flow's own settings),
    ``field`` (its label in the form) and ``text`` for the page."""
    path = error.field.removeprefix("flow.")
    node = ""
    label = gettext(FLOW_FIELDS.get(path.split(".")[0].split("[")[0], path))
    match = re.match(r"^nodes\.([^.\[]+)(?:\.(.+))?$", path)
    if match is not None and match.group(1) in form.node_names:
        node, rest = match.group(1), match.group(2) or ""
        node_type = next(n.type for n in form.nodes if n.name == node)
        if rest.startswith("options."):
            label = gettext("Knapp {}").format(rest.removeprefix("options."))
        else:
            base = re.sub(r"\[\d+\]", "", rest)
            spec = next((s for s in NODE_FIELDS.get(node_type, ()) if s.name == base), None)
            label = gettext(spec.label) if spec else (rest or gettext("Typ"))
        text = gettext("Nod {node}, {field}: {reason}").format(
            node=node, field=label, reason=rule_text(error)
        )
    else:
        text = gettext("{field}: {reason}").format(field=label, reason=rule_text(error))
    return {"node": node, "field": label, "text": text, "path": error.field}


router = APIRouter(
    prefix="/admin/flows",
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to("/admin/flows")],
)


def stored(flow_id: str, platform: Platform, tenant_id: TenantId) -> dict[str, Any]:
    """The flow the path names, as stored in the own tenant; 404 for any other."""
    try:
        return platform.configuration.documents("flow").get(tenant_id, flow_id)
    except UnknownDocument:
        raise HTTPException(404, gettext("Inget flöde med det id:t")) from None


Stored = Annotated[dict[str, Any], Depends(stored)]


def choices(platform: WebContext, tenant_id: str) -> dict[str, Any]:
    queues = set(platform.configuration.queues(tenant_id))
    queues |= set(platform.center.running_queues(tenant_id))
    return {
        "queues": sorted(queues),
        "schedules": sorted(platform.configuration.schedules(tenant_id)),
        "node_types": {k: gettext(v) for k, v in NODE_TYPES.items()},
        "digits": DIGITS,
    }


def edit_page(
    request: Request,
    session: Session,
    platform: WebContext,
    form: FlowForm,
    *,
    raw: str | None = None,
    error: dict[str, str] | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    """The node editor and the raw YAML, with a refusal placed at its node and field."""
    tenant_id = session.user.tenant_id
    if raw is None:
        try:
            raw = yaml.safe_dump(form.document(), allow_unicode=True, sort_keys=False)
        except ConfigError:
            raw = ""
    response = render(
        request,
        "admin/flows_edit.html",
        session,
        form=form,
        raw=raw,
        error=error or {},
        saved=saved,
        name=platform.configuration.flow_names(tenant_id).get(form.flow_id, ""),
        **choices(platform, tenant_id),
        prompts=prompt_choices(platform.configuration, tenant_id),
    )
    response.status_code = status
    return response


@router.get("")
def flows_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    names = platform.configuration.flow_names(tenant_id)
    answering: dict[str, list[str]] = {}
    for answered in NumberAssignments(platform.configuration).answered(tenant_id):
        answering.setdefault(answered.flow_id, []).append(shown_number(answered.number))
    rows = [
        {
            "id": flow_id,
            "name": names.get(flow_id, flow_id),
            "start": document.get("start", ""),
            "nodes": len(document.get("nodes") or {}),
            "numbers": answering.get(flow_id, []),
        }
        for flow_id, document in platform.configuration.flows(tenant_id).items()
    ]
    return render(request, "admin/flows.html", session, flows=rows)


@router.post("")
async def create_flow(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    """A new flow with one node (a closed message) to build on."""
    flow_id = str(form.get("id", "")).strip()
    name = str(form.get("name", "")).strip() or flow_id
    if not OBJECT_ID.match(flow_id):
        message, prefill = refused_id(flow_id, str(form.get("name", "")).strip())
        return back("/admin/flows", message, prefill)
    if flow_id in platform.configuration.flows(tenant_id):
        return back("/admin/flows", gettext("Det finns redan ett flöde med id:t"))
    if longer_than(name, limits.NAME_LENGTH):
        return back("/admin/flows", too_long(gettext("Namn"), limits.NAME_LENGTH))
    document = {"id": flow_id, "start": "start", "nodes": {"start": {"type": "hangup"}}}
    platform.configuration.put_flow(tenant_id, document, name)
    return back(f"/admin/flows/{flow_id}")


@router.post("/{flow_id}/remove")
async def remove_flow(
    form: CsrfForm, platform: Platform, tenant_id: TenantId, flow_id: str
) -> Response:
    """Refused, naming the numbers, while the flow answers any (issue 12 §6)."""
    platform.configuration.remove_flow(tenant_id, flow_id)
    return back("/admin/flows")


@router.get("/{flow_id}")
def flow_page(
    request: Request, session: SignedIn, platform: Platform, document: Stored
) -> Response:
    saved = take_flash(request).saved  # from the session, never ?saved= (issue 9 §4)
    form = FlowForm.from_document(document)
    return edit_page(request, session, platform, form, saved=saved)


@router.post("/{flow_id}")
async def save_flow(
    request: Request,
    posted: CsrfForm,
    session: SignedIn,
    platform: Platform,
    tenant_id: TenantId,
    document: Stored,
    flow_id: str,
) -> Response:
    """Save, or change the form without saving: add or remove a node, show the fields
    of a node's new type (action ``refresh``). A refusal comes back on the form at its
    node and field (what the one exception handler cannot do)."""
    form = FlowForm.from_form(flow_id, posted)
    action = str(posted.get("action", "save"))
    if action == "add":
        name = str(posted.get("new_name", "")).strip()
        node_type = str(posted.get("new_type", "play"))
        if not name or name in form.node_names or node_type not in NODE_TYPES:
            error = {"node": "", "text": gettext("Ge den nya noden ett eget namn och en typ")}
            return edit_page(request, session, platform, form, error=error, status=400)
        form.nodes.append(NodeForm.blank(name, node_type))
        return edit_page(request, session, platform, form)
    if action.startswith("remove:"):
        name = action.removeprefix("remove:")
        form.nodes = [node for node in form.nodes if node.name != name]
        return edit_page(request, session, platform, form)
    if action != "save":
        return edit_page(request, session, platform, form)
    try:
        platform.configuration.put_flow(tenant_id, form.document())
    except ConfigError as problem:
        located = located_error(problem, form)
        return edit_page(request, session, platform, form, error=located, status=400)
    return back(f"/admin/flows/{flow_id}", saved=True)


@router.post("/{flow_id}/yaml")
async def save_flow_yaml(
    request: Request,
    posted: CsrfForm,
    session: SignedIn,
    platform: Platform,
    tenant_id: TenantId,
    stored_document: Stored,
    flow_id: str,
) -> Response:
    """The advanced editor: the whole flow as YAML, validated the same way."""
    form = FlowForm.from_document(stored_document)
    raw = str(posted.get("yaml", ""))
    try:
        document = yaml.safe_load(raw)
    except yaml.YAMLError as problem:
        error = {"node": "", "text": gettext("YAML går inte att läsa: {}").format(problem)}
        return edit_page(request, session, platform, form, raw=raw, error=error, status=400)
    try:
        if not isinstance(document, dict) or document.get("id") != flow_id:
            raise ConfigError("id", "id-unchanged", value=flow_id)
        platform.configuration.put_flow(tenant_id, document)
    except ConfigError as problem:
        if isinstance(document, dict) and isinstance(document.get("nodes"), dict):
            form = FlowForm.from_document(document)  # the form shows what was sent
            form.flow_id = flow_id
        located = located_error(problem, form)
        return edit_page(request, session, platform, form, raw=raw, error=located, status=400)
    return back(f"/admin/flows/{flow_id}", saved=True)
