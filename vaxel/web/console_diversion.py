"""What the operator is told when her transfer followed the person's diversion (issue 16 §3,
OP5, spec §66): the person is absent, or their calls are forwarded — and that Alt+G rings
their own phones instead (``console_ring_through.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from vaxel.web.i18n import gettext

__all__ = ["diversion_said"]


def diversion_said(diverted: Mapping[str, str] | None, name: str) -> str:
    """The line for a transfer that followed ``diverted`` (``{kind, to}``); "" for none."""
    if diverted is None:
        return ""
    kind, to = diverted.get("kind", ""), diverted.get("to", "")
    if kind == "forwarded":
        said = gettext("{name} är vidarekopplad till {to}: samtalet följer vidarekopplingen")
    elif kind == "conditional":
        said = gettext("{name} har vidarekoppling till {to}: den gäller samtalet")
    else:
        said = gettext("{name} är frånvarande: samtalet följer hänvisningen")
    return (said + " " + gettext("(Alt+G ringer igenom)")).format(name=name, to=to)
