"""Whether a person is on the phone in a way DIR4's line state does not report (issue 16
§3, OP4): camp-on's "busy" and "free" ask it beside the line state.

The line state follows calls that reach a person through the numbering plan. Two more
calls keep a person's phone busy:
- a queue call the ACD connected to the agent on one of the person's extensions (the
  agent is *busy* in the ACD, on whatever device — desk phone or browser phone);
- a call the person placed from one of their extensions (to a colleague, a group or out
  over the trunk, PBX1), ringing or talking, until it ends.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from vaxel.core.errors import VaxelError
from vaxel.pbx.devices import DeviceKind

if TYPE_CHECKING:
    from vaxel.telephony.switch import Switch

__all__ = ["extensions_of", "on_the_phone"]

log = logging.getLogger(__name__)


def extensions_of(switch: Switch, tenant_id: str, person_id: str) -> set[str]:
    """The person's SIP extensions: the plan's devices of theirs, and the directory's."""
    found: set[str] = set()
    devices = switch.directory.pbx.people.get((tenant_id, person_id))
    for device in devices.devices if devices is not None else ():
        if device.kind is DeviceKind.SIP:
            found.add(device.address)
    people = switch.internal.person_reach
    own = people.reach.extension(tenant_id, person_id) if people is not None else None
    if own:
        found.add(own)
    return found


def on_the_phone(switch: Switch, tenant_id: str, person_id: str) -> bool:
    """The person talks in a queue call as an agent, or placed a call still on."""
    extensions = extensions_of(switch, tenant_id, person_id)
    now = switch.clock()
    for number in extensions:
        known = switch.directory.extensions.get(number)
        if known is None or known.tenant_id != tenant_id or not known.agent_id:
            continue
        try:
            state = switch.center.agent_view(tenant_id, known.agent_id, now).state.value
        except VaxelError as error:
            log.debug("agent of %s: %s", number, error)
            continue
        if state == "busy":
            return True
    for call in list(switch.calls.values()):
        internal = call.internal
        if (
            internal is not None
            and call.tenant_id == tenant_id
            and internal.caller.extension in extensions
            and not call.ended
            and call.caller is not None
        ):
            return True
    return False
