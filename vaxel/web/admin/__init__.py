"""Administration (ADM1, ADM3): one module per thing an admin edits, each a router.

Every page here requires a tenant admin; changes go through
:class:`vaxel.runtime.configuration.Configuration`, which validates, stores and applies
them while contacts keep flowing (Q20). A module adds itself to :data:`SECTIONS` (the
admin start page) and its module-level ``router`` to :data:`router` (issue 12 §3).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.web.admin import (
    api_keys,
    audit,
    closures,
    console_units,
    directory_catalogue,
    directory_sources,
    extensions,
    flows,
    lists,
    mail_server,
    numbers,
    pbx_conference,
    pbx_numbers,
    pbx_park,
    pbx_trunks,
    prompts,
    queues,
    schedules,
    skills,
    switches,
    users,
    webrtc,
)
from vaxel.web.deps import SignedIn, require_admin
from vaxel.web.i18n import N_, gettext
from vaxel.web.rendering import render

__all__ = ["SECTIONS", "Section", "router"]


@dataclass(frozen=True, slots=True)
class Section:
    path: str
    title: str
    """Swedish; translated when shown."""
    help: str


SECTIONS = [
    Section(
        "/admin/queues",
        N_("Köer"),
        N_(
            "Fördelning, efterarbete, servicenivå, överflöde, automatisk stängning, "
            "stand-by och återuppringning per kö; gäller direkt utan att väntande påverkas."
        ),
    ),
    Section(
        "/admin/users",
        N_("Användare"),
        N_(
            "Konton och roller, och för handläggare kompetenser, språk, anknytning och "
            "vilka köer de får logga in i."
        ),
    ),
    Section(
        "/admin/skills",
        N_("Kompetenser"),
        N_("Kompetenserna handläggarna kan ha nivåer i, för fördelning efter kompetens."),
    ),
    Section(
        "/admin/telefonister",
        N_("Telefonisternas avdelningar"),
        N_(
            "Begränsa en telefonists konsol till vissa avdelningar i katalogen: hennes "
            "sökning visar bara deras personal."
        ),
    ),
    Section(
        "/admin/closures",
        N_("Tillfällig stängning"),
        N_(
            "Stäng flera köer på en gång, till exempel vid en störning eller personalmöte, "
            "med ett meddelande till den som ringer."
        ),
    ),
    Section(
        "/admin/schedules",
        N_("Öppettider"),
        N_(
            "Tider per veckodag, svenska helgdagar och aftnar, särskilda dagar och "
            "stängt-meddelande; se de kommande två veckorna innan du sparar."
        ),
    ),
    Section(
        "/admin/flows",
        N_("Röstmenyer"),
        N_(
            "Välkomstmeddelanden, knappval, öppettider och köer i samtalsflödet; "
            "nästa samtal får ändringen direkt."
        ),
    ),
    Section(
        "/admin/numbers",
        N_("Nummer"),
        N_(
            "Numren som de som ringer slår och vilket samtalsflöde som svarar på vart och ett; "
            "nästa samtal får ändringen direkt."
        ),
    ),
    Section(
        "/admin/konferensrum",
        N_("Konferensrum"),
        N_(
            "Rum att ringa in till med PIN-kod; värden ser deltagarna och kan stänga av "
            "mikrofonen för en deltagare eller koppla bort hen."
        ),
    ),
    Section(
        "/admin/brytare",
        N_("Lavinbesked"),
        N_(
            "Slå på och av meddelanden som röstmenyerna spelar vid en störning; nästa samtal "
            "hör det. Även från en telefon med PIN-kod."
        ),
    ),
    Section(
        "/admin/meddelandemallar",
        N_("Meddelandemallar"),
        N_(
            "Mallar för meddelanden som telefonisten skickar till en person, ifyllda från "
            "samtalet: {namn}, {nummer}, {ärende}."
        ),
    ),
    Section(
        "/admin/prompts",
        N_("Meddelanden"),
        N_(
            "Ladda upp egna inspelningar (WAV eller MP3) och lyssna på dem och på de inbyggda "
            "meddelandena i webbläsaren."
        ),
    ),
    Section(
        "/admin/extensions",
        N_("Anknytningar"),
        N_(
            "Telefonernas nummer, namn och SIP-lösenord, vilken handläggare de hör till och "
            "vilka köer hen loggas in i."
        ),
    ),
    Section(
        "/admin/lists",
        N_("Pausorsaker och klassificeringar"),
        N_("Valen handläggarna har när de pausar och när de klassificerar ett samtal."),
    ),
    Section(
        "/admin/api-keys",
        N_("API-nycklar"),
        N_(
            "Nycklar för webbplatsens formulär och andra system: behörigheter, sista giltiga "
            "dag och senaste användning; återkalla en nyckel som inte ska gälla längre."
        ),
    ),
    Section(
        "/admin/audit",
        N_("Behörighetslogg"),
        N_("Vem som har ändrat konton, roller, lösenord och API-nycklar, och när."),
    ),
    Section(
        "/admin/directory",
        N_("Katalogkällor"),
        N_(
            "Synkronisering med LDAP eller Active Directory (med test och provkörning) och "
            "kalendrar som sätter hänvisning av sig själva."
        ),
    ),
    Section(
        "/admin/directory/catalogue",
        N_("Katalogen"),
        N_(
            "Orsaker för hänvisning, egna fält och vem som ser dem, mobilnummer, enheter, "
            "och import och export av hela katalogen."
        ),
    ),
    Section(
        "/admin/pbx/trunk",
        N_("Trunk och spärrar"),
        N_(
            "Trunken till operatören och dess läge, behörighetsklasser (utland och "
            "betalnummer spärrade som standard) och nummerpresentation."
        ),
    ),
    Section(
        "/admin/pbx/mail-server",
        N_("E-postserver"),
        N_(
            "Servern som skickar aviseringar om nya röstmeddelanden (annars plattformens), "
            "med ett testmejl som visar vad servern svarade."
        ),
    ),
    Section(
        "/admin/webbtelefon",
        N_("Webbtelefon"),
        N_(
            "STUN- och TURN-servrar för webbläsaren som telefon, så att handläggare "
            "hemifrån får fram ljudet."
        ),
    ),
    Section(
        "/admin/pbx/numbers",
        N_("Nummerplan"),
        N_("Kortnummer, direktnummerserier och svarsgrupper med vem som är inloggad."),
    ),
    Section(
        "/admin/pbx/park",
        N_("Parkering"),
        N_("Parkeringsplatser i nummerplanen och vart ett parkerat samtal ringer tillbaka."),
    ),
]


router = APIRouter(tags=["admin"], dependencies=[Depends(require_admin)])


@router.get("/admin")
def admin_index(request: Request, session: SignedIn) -> Response:
    sections = [
        {"path": s.path, "title": gettext(s.title), "help": gettext(s.help)} for s in SECTIONS
    ]
    return render(request, "admin/index.html", session, sections=sections)


for _page in (
    queues,
    users,
    skills,
    closures,
    schedules,
    flows,
    numbers,
    prompts,
    extensions,
    lists,
    api_keys,
    audit,
    directory_sources,
    directory_catalogue,
    pbx_conference,
    pbx_numbers,
    pbx_park,
    pbx_trunks,
    mail_server,
    switches,
    webrtc,
    console_units,
):
    router.include_router(_page.router)
