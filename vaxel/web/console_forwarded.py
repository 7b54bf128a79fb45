"""Which of the console's search hits forward all their calls, and where (issue 16 §3,
PBX5): the hit says "Vidarekopplad till 2042" (removed with Alt+V, ``console_forwarding``)."""

from __future__ import annotations

from collections.abc import Iterable

from vaxel.runtime.directory_views import PersonView
from vaxel.web.context import WebContext

__all__ = ["forwarded_of"]


def forwarded_of(ctx: WebContext, tenant_id: str, hits: Iterable[PersonView]) -> dict[str, str]:
    """person id → the number all their calls go to, for the hits that forward them all."""
    found: dict[str, str] = {}
    for hit in hits:
        to = ctx.forwardings.forwarded_to(tenant_id, hit.person.person_id)
        if to:
            found[hit.person.person_id] = to
    return found
