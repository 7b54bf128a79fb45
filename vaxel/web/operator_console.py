"""The operator console ``/telefonist`` (issue 16 §1–§3, OP1–OP3, Q21, Q28): one page,
keyboard first, for accounts with the operator role whose account is an ACD agent.

The operator is an agent of the ACD engine: her operator queues are the queues she may
log in to, calls are offered by each queue's strategy when she is ready, and she may take
any waiting call from the list (``ContactPicked``; the engine gives a call to one agent
only). The live part (queues, waiting calls, the call in hand) is a fragment the page
fetches again whenever the tenant's live stream (``/events``) says something changed.
The search is the directory's (the same search and rights as ``/katalog``, within the
departments an admin limited her console to, OP9: :mod:`vaxel.web.console_scope`), and a
result's extension or a typed number is where "Koppla" sends the call in hand: a blind
transfer carried out by telephony (``WebContext.console_transfer``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from vaxel.acd.events import AgentLoggedOut, AgentPaused, ContactPicked
from vaxel.core import limits
from vaxel.core.errors import VaxelError
from vaxel.pbx.numbering import TargetKind
from vaxel.runtime.directory_views import Actor, DirectoryViews, PersonView
from vaxel.web.agent_ready import log_in, ready
from vaxel.web.audio_device import device_view
from vaxel.web.console_break_in_view import break_in_in_hand
from vaxel.web.console_camp_view import camp_counts, camped_in_hand
from vaxel.web.console_diversion import diversion_said
from vaxel.web.console_forwarded import forwarded_of
from vaxel.web.console_groups import group_hits, groups_of
from vaxel.web.console_load import queue_load
from vaxel.web.console_recalls import recall_lines, requeued_line
from vaxel.web.console_scope import ConsoleMe
from vaxel.web.console_switch_view import switch_states
from vaxel.web.context import WebContext
from vaxel.web.deps import AgentId, CsrfForm, Platform, SignedIn, require_role
from vaxel.web.directory import presence_text
from vaxel.web.i18n import gettext
from vaxel.web.operator_view import console_view, same_number, who_is
from vaxel.web.rendering import back, local_time, refusal_text, render
from vaxel.web.snapshot import with_state_names

__all__ = ["OPERATORS", "parked_lines", "person_with", "router"]


OPERATORS = ("operator",)
HOME = "/telefonist"
RESULTS = 12
NUMBER_LENGTH = 40
EARLIER = 5
"""The caller's latest earlier contacts the card lists."""


def require_operator(session: SignedIn) -> None:
    """The console is for the operator role (ADM2): others are refused, not redirected."""
    require_role(session, OPERATORS, gettext("Telefonistens konsol kräver telefonistbehörighet"))


router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])

Search = Annotated[str, Query(max_length=200)]


def _live(ctx: WebContext, tenant_id: str, agent_id: str, actor: Actor) -> dict[str, Any]:
    now = ctx.clock()
    panel = with_state_names(ctx.center.agent_panel(tenant_id, agent_id, now))
    board = ctx.center.tenant_board(tenant_id, now)
    views = ctx.directory_views

    def lookup(number: str) -> dict[str, str] | None:
        found = person_with(views, tenant_id, actor, number)
        return {"name": found.person.name, "unit": ", ".join(found.units)} if found else None

    live = console_view(panel, board, agent_id, lookup)
    live["parked"] = parked_lines(ctx, tenant_id, agent_id)
    live["recalls"] = recall_lines(
        ctx.recalls_of(tenant_id, agent_id), _name_of(views, tenant_id, actor)
    )
    live["camped"] = camped_in_hand(ctx, tenant_id, agent_id)  # camp-on (OP4)
    live["break_in"] = break_in_in_hand(ctx, tenant_id, agent_id, actor)  # spec §48, OP6
    live["load"] = queue_load(board)  # every queue's load, the wallboard's figures (OP8)
    live["switches"] = switch_states(ctx, tenant_id)  # night service, emergency (OP6)
    call = live["call"]
    if call:
        # The contact's record keeps it across a restart; telephony's call as a fallback.
        number = call.pop("dialled_number", "") or ctx.dialled_of(call["id"])
        queue_names = {str(q["id"]): str(q["name"]) for q in board.get("queues", [])}
        call["dialled"] = _dialled(ctx, tenant_id, actor, number, queue_names)
        name_of = _name_of(views, tenant_id, actor)  # back from a recall nobody took
        call["requeued"] = requeued_line(ctx.requeued_of(call["id"]), name_of)
        consults = ctx.console_consults  # an announced transfer on (issue 16 §3)
        call["consult"] = consults.view(call["id"]) if consults is not None else None
    if call and call["caller_number"]:  # the caller's earlier contacts (OP2, Q26)
        earlier = ctx.read_models.contacts_of_caller(tenant_id, call["caller_number"], limit=6)
        queue_names = {str(q["id"]): str(q["name"]) for q in board.get("queues", [])}
        call["earlier"] = [
            {
                "at": local_time(c.arrived_at),
                "queue": queue_names.get(c.queue_id, c.queue_id),
                "status": c.status,
                "note": c.note,
            }
            for c in earlier
            if c.contact_id != call["id"]
        ][:EARLIER]
    return live


def parked_lines(ctx: WebContext, tenant_id: str, agent_id: str) -> list[dict[str, Any]]:
    """Her parked calls (issue 16 §3): orbit, caller, seconds parked, ringing her or not."""
    return [
        {
            "id": str(row["id"]),
            "orbit": str(row["orbit"]),
            "caller_number": str(row.get("caller_number") or ""),
            "parked_s": int(str(row.get("parked_s") or 0)),
            "ringing": row.get("state") == "ringing",
        }
        for row in ctx.parked_of(tenant_id, agent_id)
    ]


def person_with(
    views: DirectoryViews, tenant_id: str, actor: Actor, number: str
) -> PersonView | None:
    """The directory person who has ``number`` (in any written form), as ``actor`` may
    see them; None for an unknown or hidden number."""
    if not number.strip():
        return None
    try:
        hits = views.search(tenant_id, number, actor, limit=5)
    except VaxelError:
        return None
    return who_is(number, [(hit, [n.value for n in hit.person.numbers]) for hit in hits])


def _name_of(views: DirectoryViews, tenant_id: str, actor: Actor) -> Callable[[str], str]:
    """A number's directory name as ``actor`` may see it; "" when unknown."""

    def name(number: str) -> str:
        found = person_with(views, tenant_id, actor, number)
        return found.person.name if found is not None else ""

    return name


def _dialled(
    ctx: WebContext,
    tenant_id: str,
    actor: Actor,
    number: str,
    queue_names: dict[str, str] | None = None,
) -> dict[str, str] | None:
    """What the caller dialled and so whom they want (OP2): a person's direct number shows
    that person with presence and line status; the tenant's main number says so, and a
    number the plan maps to a queue (its short number or a direct number) names the queue
    — "Bygglov (kö)" rather than a bare number."""
    if not number:
        return None
    shown = {"number": number, "name": "", "unit": "", "presence": "", "status": "", "groups": ""}
    shown["person_id"] = ""
    person = person_with(ctx.directory_views, tenant_id, actor, number)
    if person is not None:
        shown |= {
            "person_id": person.person.person_id,  # her message link (OP7)
            "name": person.person.name,
            "unit": ", ".join(person.units),
            "presence": presence_text(person.presence),
            "status": str(person.status or ""),
            # the call groups she is logged in to now (spec §68)
            "groups": ", ".join(
                groups_of(ctx, tenant_id, [person]).get(person.person.person_id, [])
            ),
        }
    else:
        with contextlib.suppress(VaxelError):
            if same_number(number, ctx.tenants.get(tenant_id).main_number):
                shown["name"] = gettext("Huvudnumret")
        if not shown["name"]:
            shown["name"] = _queue_named(ctx, tenant_id, number, queue_names or {})
    return shown


def _queue_named(ctx: WebContext, tenant_id: str, number: str, names: dict[str, str]) -> str:
    """ "Bygglov (kö)" when the plan maps ``number`` to a queue; "" otherwise (OP2)."""
    with contextlib.suppress(VaxelError):
        target = ctx.pbx_numbering.plan(tenant_id).resolve(number.replace(" ", ""))
        if target is not None and target.kind is TargetKind.QUEUE:
            name = names.get(target.ref) or target.ref
            return gettext("{name} (kö)").format(name=name)
    return ""


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def console_answer(request: Request, error: str, said: str | None = None, **extra: Any) -> Response:
    """Every console action's answer: JSON for the page's script (``{error}``, with ``said``
    — what was done — and any ``extra`` the action reports), so the search keeps the focus;
    without script the form post goes back to the page with the refusal in the flash."""
    if _wants_json(request):
        more = extra if said is None else {"said": said, **extra}
        return JSONResponse({"error": error, **more}, status_code=409 if error else 200)
    return back(HOME, error)


@router.get(HOME)
def console(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, actor: ConsoleMe
) -> Response:
    live = _live(ctx, session.user.tenant_id, agent, actor)
    device = device_view(ctx, session.user, actor)  # her mobile over the trunk (PBX9)
    return render(request, "operator.html", session, live=live, results=[], q="", device=device)


@router.get(f"{HOME}/lage")
def live_part(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, actor: ConsoleMe
) -> Response:
    """The console's live part alone, fetched again on each change of the live stream."""
    live = _live(ctx, session.user.tenant_id, agent, actor)
    response = render(request, "_operator_live.html", session, live=live)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(f"{HOME}/sok")
def search(
    request: Request, session: SignedIn, ctx: Platform, actor: ConsoleMe, q: Search = ""
) -> Response:
    """The directory's phonetic search (as ``/katalog/sok``), each hit with its presence,
    its extension's status and the number "Koppla" dials; the groups each is logged in to,
    and the answer groups the search names with who is logged in (spec §68)."""
    views = ctx.directory_views
    found = views.search(session.user.tenant_id, q, actor, limit=RESULTS) if q.strip() else []
    return render(
        request,
        "_operator_results.html",
        session,
        q=q,
        results=found,
        presence_text=presence_text,
        camped=camp_counts(ctx, session.user.tenant_id),
        forwarded=forwarded_of(ctx, session.user.tenant_id, found),
        groups_in=groups_of(ctx, session.user.tenant_id, found),  # spec §68
        groups=group_hits(ctx, session.user.tenant_id, q),
    )


@router.post(f"{HOME}/ta")
async def take(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    contact: Annotated[str, Form(max_length=limits.ID_LENGTH)] = "",
) -> Response:
    """Q28: take this waiting call, or with none named the one waiting longest. The engine
    refuses a call already offered to or taken by another operator."""
    user = session.user
    if not contact:
        waiting = ctx.center.agent_panel(user.tenant_id, agent, ctx.clock()).get("waiting", [])
        if not waiting:
            return console_answer(request, gettext("Inga samtal väntar i dina köer"))
        contact = str(waiting[0]["id"])
    error = ctx.submit(ContactPicked(user.tenant_id, agent, contact, actor=user.username))
    return console_answer(request, error)


@router.post(f"{HOME}/status")
async def status(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    action: Annotated[str, Form(max_length=10)],
) -> Response:
    """Ready (calls are offered by the queues' strategy) or paused (she picks from the list)."""
    user = session.user
    if action == "ready":
        error = ready(ctx, user.tenant_id, agent, user.username)
    elif action == "pause":
        reasons = ctx.configuration.list_items(user.tenant_id, "pause_reasons")
        reason = reasons[-1] if reasons else "Paus"
        error = ctx.submit(AgentPaused(user.tenant_id, agent, reason, actor=user.username))
    else:
        raise HTTPException(400, gettext("Okänd åtgärd: välj Redo eller Paus"))
    return console_answer(request, error)


@router.post(f"{HOME}/koer")
async def queues(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, form: CsrfForm
) -> Response:
    """Q21: log in to the checked operator queues and out of the others."""
    user = session.user
    wanted = {str(q) for q in form.getlist("queue")}
    panel = ctx.center.agent_panel(user.tenant_id, agent, ctx.clock())
    permitted = {q["id"] for q in panel.get("queues", [])}
    if not wanted <= permitted:
        raise HTTPException(403, gettext("Du saknar behörighet till någon av köerna"))
    current = {q["id"] for q in panel.get("queues", []) if q["in"]}
    error = ""
    if wanted - current:
        joined = tuple(sorted(wanted - current))
        error = log_in(ctx, user.tenant_id, agent, joined, user.username)
    if not error and current - wanted:
        left = tuple(sorted(current - wanted))
        error = ctx.submit(AgentLoggedOut(user.tenant_id, agent, left, actor=user.username))
    return console_answer(request, error)


@router.post(f"{HOME}/koppla")
async def connect(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    number: Annotated[str, Form(max_length=NUMBER_LENGTH)] = "",
    name: Annotated[str, Form(max_length=limits.NAME_LENGTH)] = "",
) -> Response:
    """OP3: blind transfer of the call in hand to ``number`` (a result's extension or what
    she typed; ``name``, the chosen hit's, for what she is told). Async: telephony runs on
    the event loop, and so does this handler. A person whose presence or forwarding diverts
    is reached through it (OP5): the answer says so."""
    user = session.user
    number = "".join(number.split())
    if not number or not all(c.isdigit() or c in "+*#" for c in number):
        return console_answer(request, gettext("Skriv ett nummer eller välj en person i listan"))
    contact_id = ctx.center.agent_view(user.tenant_id, agent, ctx.clock()).contact_id
    if not contact_id:
        return console_answer(request, gettext("Du har inget samtal att koppla"))
    diverted = ctx.console_diversion(user.tenant_id, number)  # OP5: followed by default
    try:
        ctx.console_transfer(user.tenant_id, agent, contact_id, number)
    except VaxelError as error:
        return console_answer(request, refusal_text(error))
    ctx.after_submit()
    return console_answer(request, "", said=diversion_said(diverted, name or number) or None)
