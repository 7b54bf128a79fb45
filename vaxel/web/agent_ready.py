"""An agent's own login and ready from the web, asked of her phones first (issue 15: "the
agent is not offered calls they cannot take", Q21, Q22, Q24).

When her extension on this server's switch has no phone registered that could ring (the
browser phone chosen but its tab not open, no desk phone), she is logged in, or left,
paused with the reason ("Webbtelefonen är inte ansluten") instead of made ready. Asking
**before** the step matters: with callers waiting, the contact center offers the next one
in the very step that makes her ready, and that offer would ring nowhere until its ring
time ran out. A phone gone between the question and the step is caught after it
(``vaxel.telephony.browser_readiness``). Without telephony the question answers "" and
nothing changes.
"""

from __future__ import annotations

from vaxel.acd.events import AgentLoggedIn, AgentPaused, AgentReady, WrapUpCancelled
from vaxel.acd.vocabulary import AgentState
from vaxel.core.errors import VaxelError
from vaxel.web.context import WebContext
from vaxel.web.i18n import gettext

__all__ = ["cancel_wrap_up", "log_in", "no_phone_text", "ready"]

NO_TRUNK = "mobile_no_trunk"
"""The readiness rule's reason when her mobile has no trunk to ring by (``browser_readiness``)."""
BARRED = "mobile_barred"
"""… and when her class of service bars her mobile as the switch dials it (PBX8)."""
NO_DESK_PHONE = "desk_phone_missing"
"""The rule's reason when she chose her desk phone and none is registered (PBX9)."""
SYSTEM = "system"
"""The pause is the readiness rule's (as after the step), so the rule may end it."""


def no_phone_text(reason: str = "") -> str:
    """What the page says when she was paused instead of made ready (``reason``: why)."""
    if reason == BARRED:  # her class of service changed after she chose her mobile (PBX8)
        return gettext(
            "Mobilen kan inte ringas: numret är spärrat för dig. Du är i paus tills du "
            "väljer en annan ljudenhet eller ett annat nummer"
        )
    if reason == NO_TRUNK:  # her device is her mobile (PBX9)
        return gettext(
            "Mobilen kan inte ringas: organisationen har ingen trunk. Du är i paus tills "
            "en trunk finns eller du väljer en annan ljudenhet"
        )
    if reason == NO_DESK_PHONE:  # she chose "Bordstelefon" (PBX9): the browser does not ring
        return gettext(
            "Bordstelefonen är inte registrerad: du är i paus tills den kan ta emot samtal "
            "eller du väljer en annan ljudenhet"
        )
    return gettext(
        "Webbtelefonen är inte ansluten och ingen bordstelefon är registrerad: "
        "du är i paus tills någon av dem kan ta emot samtal"
    )


def ready(ctx: WebContext, tenant_id: str, agent_id: str, actor: str) -> str:
    """She pressed ready: ready, or paused with the reason when no phone of hers could ring."""
    reason = ctx.no_phone(tenant_id, agent_id)
    if not reason:
        return ctx.submit(AgentReady(tenant_id, agent_id, actor=actor))
    return ctx.submit(AgentPaused(tenant_id, agent_id, reason, actor=SYSTEM)) or no_phone_text(
        reason
    )


def cancel_wrap_up(ctx: WebContext, tenant_id: str, agent_id: str, actor: str) -> str:
    """She ended wrap-up early (Q22): ready, or paused as :func:`ready` says."""
    reason = ctx.no_phone(tenant_id, agent_id)
    if not reason:
        return ctx.submit(WrapUpCancelled(tenant_id, agent_id, actor=actor))
    return ctx.submit(AgentPaused(tenant_id, agent_id, reason, actor=SYSTEM)) or no_phone_text(
        reason
    )


def log_in(
    ctx: WebContext, tenant_id: str, agent_id: str, queue_ids: tuple[str, ...], actor: str
) -> str:
    """She logs in to ``queue_ids`` (Q21). From logged out with no phone that could ring:
    logged in paused with the reason; logged in already, her state stays as it is."""
    reason = ""
    try:
        view = ctx.center.agent_view(tenant_id, agent_id, ctx.clock())
        if view.state is AgentState.LOGGED_OUT:
            reason = ctx.no_phone(tenant_id, agent_id)
    except VaxelError:
        pass  # an unknown agent: the engine's own refusal below says so
    event = AgentLoggedIn(tenant_id, agent_id, queue_ids, actor=actor, pause_reason=reason)
    return ctx.submit(event) or (no_phone_text(reason) if reason else "")
