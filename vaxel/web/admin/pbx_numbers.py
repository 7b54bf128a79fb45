"""The tenant's numbering plan (issue 14 §1, §3; PBX1, PBX3): short numbers and what each
reaches, direct-in (DID) ranges onto short numbers, and answer groups with who is logged in.

Every change goes through :class:`~vaxel.runtime.pbx_numbering.PbxNumberingService`, which
checks it with the pure core and tells running telephony; a refusal (a number taken, a
range overlapping another, a bad group) comes back on the page worded by its code.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from vaxel.core.errors import ConfigError
from vaxel.pbx.groups import GroupStrategy
from vaxel.pbx.numbering import DidRange, Target, TargetKind
from vaxel.web.console_groups import diversion_text
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import N_
from vaxel.web.rendering import render

__all__ = ["KINDS", "STRATEGIES", "router"]

PATH = "/admin/pbx/numbers"
router = APIRouter(prefix=PATH, tags=["admin"], dependencies=[Depends(require_admin)])

KINDS = {
    TargetKind.PERSON: N_("Person (katalogens id)"),
    TargetKind.GROUP: N_("Svarsgrupp"),
    TargetKind.QUEUE: N_("Kö"),
    TargetKind.SERVICE: N_("Tjänstenummer"),
    TargetKind.VOICEMAIL: N_("Röstbrevlåda"),
    TargetKind.PARK_ORBIT: N_("Parkering"),
    TargetKind.CONFERENCE: N_("Konferensrum"),
    TargetKind.FEATURE_CODES: N_("Koder från mobilen (PIN)"),
}
STRATEGIES = {
    GroupStrategy.RING_ALL: N_("Alla ringer samtidigt"),
    GroupStrategy.IN_ORDER: N_("En i taget, i ordning"),
    GroupStrategy.QUEUE: N_("Via en kö"),
}
_BACK = RedirectResponse


def _text(form: CsrfForm, name: str, limit: int) -> str:
    return str(form.get(name, "")).strip()[:limit]


@router.get("")
def numbers_page(request: Request, session: SignedIn, ctx: Platform) -> Response:
    tenant_id = session.user.tenant_id
    service = ctx.pbx_numbering
    plan = service.plan(tenant_id)
    return render(
        request,
        "admin/pbx_numbers.html",
        session,
        plan=plan,
        numbers=sorted(plan.numbers.items()),
        ranges=plan.did_ranges,
        groups=service.groups(tenant_id),
        diversions={  # spec §67: "Hänvisad till 1900 till 2027-01-07 08:00 — Möte"
            group: diversion_text(diversion, ctx.clock())
            for group, diversion in ctx.group_diversions.active(tenant_id).items()
        },
        kinds=KINDS,
        strategies=STRATEGIES,
    )


@router.post("/numbers", dependencies=[returns_to(PATH)])
def add_number(form: CsrfForm, ctx: Platform, tenant_id: TenantId) -> Response:
    """A short number for a person, group, queue …: ``number``, ``kind``, ``ref``."""
    raw_kind = _text(form, "kind", 20)
    try:
        kind = TargetKind(raw_kind)
    except ValueError:
        raise ConfigError("kind", "choice", allowed=", ".join(k.value for k in KINDS)) from None
    ref = _text(form, "ref", 128)
    if not ref:
        raise ConfigError("ref", "required")
    ctx.pbx_numbering.put_number(tenant_id, _text(form, "number", 8), Target(kind, ref))
    return _BACK(PATH, status_code=303)


@router.post("/numbers/{number}/remove", dependencies=[returns_to(PATH)])
def remove_number(number: str, form: CsrfForm, ctx: Platform, tenant_id: TenantId) -> Response:
    ctx.pbx_numbering.remove_number(tenant_id, number[:8])
    return _BACK(PATH, status_code=303)


@router.post("/ranges", dependencies=[returns_to(PATH)])
def add_range(form: CsrfForm, ctx: Platform, tenant_id: TenantId) -> Response:
    """Direct numbers ``first``–``last`` onto short numbers from ``first_short``."""
    did_range = DidRange.parse(
        _text(form, "first", 32), _text(form, "last", 32), _text(form, "first_short", 8)
    )
    ctx.pbx_numbering.put_did_range(tenant_id, did_range)
    return _BACK(PATH, status_code=303)


@router.post("/ranges/{first}/remove", dependencies=[returns_to(PATH)])
def remove_range(first: str, form: CsrfForm, ctx: Platform, tenant_id: TenantId) -> Response:
    ctx.pbx_numbering.remove_did_range(tenant_id, first[:20])
    return _BACK(PATH, status_code=303)


@router.post("/length", dependencies=[returns_to(PATH)])
def set_length(form: CsrfForm, ctx: Platform, tenant_id: TenantId) -> Response:
    """The short numbers' fixed length, or empty for mixed lengths."""
    raw = _text(form, "short_length", 2)
    if raw and not raw.isdecimal():
        raise ConfigError("short_length", "whole-number-range", min=2, max=8, value=raw)
    ctx.pbx_numbering.set_short_length(tenant_id, int(raw) if raw else None)
    return _BACK(PATH, status_code=303)


@router.post("/groups", dependencies=[returns_to(PATH)])
def save_group(form: CsrfForm, ctx: Platform, tenant_id: TenantId) -> Response:
    """An answer group: ``group_id``, ``name``, ``strategy``, ``members`` (person ids,
    comma-separated, in ring order), ``queue_id`` for a group answered by a queue."""
    try:
        strategy = GroupStrategy(_text(form, "strategy", 20))
    except ValueError:
        raise ConfigError(
            "strategy", "choice", allowed=", ".join(s.value for s in GroupStrategy)
        ) from None
    names = [m.strip()[:64] for m in _text(form, "members", 4000).split(",") if m.strip()]
    ctx.pbx_numbering.save_group(
        tenant_id,
        _text(form, "group_id", 64),
        _text(form, "name", 64),
        strategy,
        names,
        _text(form, "queue_id", 64),
    )
    return _BACK(PATH, status_code=303)


@router.post("/groups/{group_id}/login", dependencies=[returns_to(PATH)])
def group_login(group_id: str, form: CsrfForm, ctx: Platform, tenant_id: TenantId) -> Response:
    """Log ``person_id`` in (``in`` = 1) or out of the group (PBX3)."""
    person_id = _text(form, "person_id", 64)
    ctx.pbx_numbering.set_login(tenant_id, group_id[:64], person_id, form.get("in") == "1")
    return _BACK(PATH, status_code=303)


@router.post("/groups/{group_id}/remove", dependencies=[returns_to(PATH)])
def remove_group(group_id: str, form: CsrfForm, ctx: Platform, tenant_id: TenantId) -> Response:
    ctx.pbx_numbering.remove_group(tenant_id, group_id[:64])
    return _BACK(PATH, status_code=303)


@router.post("/groups/{group_id}/divert", dependencies=[returns_to(PATH)])
def divert_group(
    group_id: str, form: CsrfForm, ctx: Platform, session: SignedIn, tenant_id: TenantId
) -> Response:
    """Divert the whole group (spec §67): ``number`` (none: the operator's), ``note``,
    ``until`` (TT:MM) on ``until_date`` (ÅÅÅÅ-MM-DD; none: today), neither: until cleared;
    refused in Swedish by the rule's code."""
    ends = f"{_text(form, 'until_date', 200).strip()} {_text(form, 'until', 200).strip()}"
    ctx.group_diversions.divert(
        tenant_id,
        group_id[:64],
        _text(form, "number", 200),
        _text(form, "note", 2000),
        ends.strip(),
        session.user.username,
    )
    return _BACK(PATH, status_code=303)


@router.post("/groups/{group_id}/undivert", dependencies=[returns_to(PATH)])
def undivert_group(
    group_id: str, form: CsrfForm, ctx: Platform, session: SignedIn, tenant_id: TenantId
) -> Response:
    """The group's calls ring its members again (no error when it was not diverted)."""
    ctx.group_diversions.clear(tenant_id, group_id[:64], session.user.username)
    return _BACK(PATH, status_code=303)
