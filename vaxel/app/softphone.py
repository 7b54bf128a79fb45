"""The browser phone wired to the switch (issue 15 §1): which extension rings a signed-in
account's browser, and the registrar link the WebRTC adapter binds it through."""

from __future__ import annotations

from collections.abc import Callable

from vaxel.app.platform import Platform
from vaxel.pbx.devices import DeviceKind
from vaxel.store.accounts import Accounts
from vaxel.telephony.browser_readiness import BrowserReadiness
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.service import TelephonyService
from vaxel.webrtc.ice import IceServersOf
from vaxel.webrtc.link import RegistrarLink
from vaxel.webrtc.phones import BrowserPhones

__all__ = ["browser_phones", "extension_finder"]


def extension_finder(
    platform: Platform, directory: TelephonyDirectory
) -> Callable[[str, str], str | None]:
    """(tenant, username) → the extension calls to that account ring: the extension of its
    agent (queue offers ring it), else the first SIP device of its directory person (calls
    to the person ring it); None when it has neither, or it is another tenant's."""
    accounts = Accounts(platform.database)

    def find(tenant_id: str, username: str) -> str | None:
        user = accounts.find(tenant_id, username)
        if user is None:
            return None
        if user.agent_id:
            for extension in list(directory.extensions.values()):
                if extension.tenant_id == tenant_id and extension.agent_id == user.agent_id:
                    return extension.extension
        views, numbering = platform.directory_views, platform.numbering
        person_id = views.person_of_account(tenant_id, username) if views else None
        devices = numbering.devices(tenant_id, person_id) if numbering and person_id else None
        for device in devices.devices if devices else ():
            found = directory.extensions.get(device.address)
            if device.kind is DeviceKind.SIP and found and found.tenant_id == tenant_id:
                return found.extension
        return None

    return find


def browser_phones(
    platform: Platform, telephony: TelephonyService | None, ice_servers: IceServersOf
) -> BrowserPhones:
    """The web app's browser phones, linked to the switch when this server runs one."""
    if telephony is None:
        return BrowserPhones(ice_servers)
    directory = telephony.switch.directory
    link = RegistrarLink(
        telephony.switch.registration,
        telephony.sip.host,
        extension_finder(platform, directory),
    )
    readiness = BrowserReadiness(telephony.switch, platform.soon)
    platform.center.listeners.append(readiness.committed)  # login or ready with no phone
    # a desk phone registering makes an agent the rule paused ready, as the browser phone does
    telephony.switch.registration.registered_listeners.append(readiness.can_take_calls)
    # a class narrowed, a trunk removed, a desk phone's registration run out (issue 16)
    telephony.switch.actions.sweeps.append(readiness.recheck)
    return BrowserPhones(ice_servers, link, readiness)
