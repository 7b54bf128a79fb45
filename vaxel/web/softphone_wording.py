"""The browser phone's sentences in the page's language (issue 15, ADM5).

The media side (``vaxel.webrtc``) knows no language: it tells the page why a call ended
or what it refused in Swedish, with the facts in the sentence beside it (``number``,
``status``). Here the sentence is looked up again as a template — each fact put back as
its placeholder — in the page's language; one this catalogue does not know is passed on
as it came. ``tests/web/test_softphone_wording.py`` holds every sentence the media side
can say to this list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vaxel.web.i18n import N_, gettext

__all__ = ["SENTENCES", "in_language"]

FACTS = ("number", "status")
"""What a sentence may carry, as the media side sends it beside the text."""

SENTENCES = (
    # why a call ended (vaxel/webrtc/line_call.py, outgoing.py, line_transfer.py)
    N_("Den som ringde lade på."),
    N_("Samtalet besvarades i en annan telefon."),
    N_("Den andra parten lade på."),
    N_("Du lade på."),
    N_("Du avvisade samtalet."),
    N_("Webbtelefonen stängdes."),
    N_("Växeln bekräftade inte svaret."),
    N_("Samtalet kopplades till {number}."),
    N_("Växeln godkände inte din anknytning. Be administratören kontrollera den."),
    N_("Du får inte ringa det numret."),
    N_("Numret finns inte."),
    N_("Ingen svarade."),
    N_("Numret är ofullständigt."),
    N_("Upptaget."),
    N_("Samtalet avvisades."),
    N_("Samtalet kunde inte kopplas fram (fel {status})."),
    # refusals of the page's commands (line.py, line_transfer.py, outgoing.py, phones.py)
    N_("Lägg på det pågående samtalet först."),
    N_("Samtalet finns inte längre."),
    N_("Bara knapparna 0–9, * och # går att skicka."),
    N_("Knapptrycket kunde inte skickas."),
    N_("Det går inte med samtalet just nu."),
    N_("Skriv numret att koppla till med siffror (högst 32 tecken; + * # går också)."),
    N_("Växeln tillåter inte att samtalet kopplas till {number}."),
    N_("Numret {number} finns inte."),
    N_("Numret {number} är ofullständigt."),
    N_("Växeln svarade inte: samtalet kopplades inte till {number}."),
    N_("Samtalet kunde inte kopplas till {number}."),
    N_("Samtalet håller redan på att kopplas."),
    N_("Skriv ett nummer med siffror, * # eller +, högst 32 tecken."),
    N_("Webbtelefonen kan inte ringa: den har ingen anknytning i växeln."),
    N_(
        "Webbtelefonen kan inte ringa ut: växelns egen adress är betrodd utan lösenord "
        "(sip_trusted), så samtalet skulle inte gå som från din anknytning. Be administratören "
        "ta bort den."
    ),
)


def in_language(text: str, facts: Mapping[str, Any]) -> str:
    """``text`` (a Swedish sentence of the media side) in the page's language."""
    template, values = text, {}
    for name in FACTS:
        value = facts.get(name)
        if value is not None and value != "" and str(value) in template:
            template = template.replace(str(value), "{" + name + "}")
            values[name] = value
    worded = gettext(template)
    if worded == template:
        return text  # Swedish, or a sentence this catalogue does not know
    try:
        return worded.format(**values)
    except (KeyError, IndexError, ValueError):
        return text
