"""The wording of every coded error a user can see, in Swedish (English through gettext in
``locale/en``): configuration rules by rule code and domain errors by error code. The
lookups that choose and fill them are in :mod:`vaxel.web.error_text`."""

from __future__ import annotations

from vaxel.web.i18n import N_

__all__ = ["CONFIG_RULES", "DOMAIN_ERRORS"]

CONFIG_RULES: dict[str, str] = {
    "ice-url": N_(
        "skriv stun:, turn: eller turns: följt av värdnamn och ev. :port, inte {value!r}"
    ),
    "ice-host-internal": N_(
        "får inte vara den här datorn eller dess länk ({value}): ange serverns namn eller "
        "adress som webbläsarna når"
    ),
    "ice-too-many": N_("högst {max} adresser (här är det {length})"),
    "ice-turn-user": N_("en TURN-server behöver användarnamn och lösenord"),
    "ice-turn-secret": N_("ange den delade hemligheten, minst {min} tecken"),
    "ice-control-characters": N_("får inte innehålla radbrytningar eller andra styrtecken"),
    "mapping": N_("har fel form"),
    "unknown-setting": N_("okänd inställning; tillåtna är {allowed}"),
    "required": N_("måste fyllas i"),
    "required-text": N_("måste fyllas i"),
    "text": N_("ska vara text, inte {value!r}"),
    "true-or-false": N_("välj ja eller nej"),
    "list": N_("ska vara en lista"),
    "too-long": N_("högst {max} tecken (här är det {length})"),
    "number": N_("ska vara ett tal, inte {value!r}"),
    "whole-number": N_("ska vara ett heltal, inte {value!r}"),
    "number-min": N_("ska vara ett tal, minst {min:g}, inte {value!r}"),
    "whole-number-min": N_("ska vara ett heltal, minst {min}, inte {value!r}"),
    "whole-number-range": N_("ska vara ett heltal {min}–{max}, inte {value!r}"),
    "positive": N_("måste vara större än 0"),
    "positive-seconds": N_("måste vara större än 0 sekunder"),
    "not-negative": N_("får inte vara negativt"),
    "not-negative-seconds": N_("får inte vara negativt"),
    "not-negative-all": N_("får inte vara negativt (0 = alla)"),
    "not-negative-off": N_("får inte vara negativt (0 = av)"),
    "at-least": N_("måste vara minst {min}"),
    "at-most": N_("får vara högst {max}"),
    "range": N_("ska vara {min}–{max}"),
    "share": N_("ange en andel över 0 och högst 100 %"),
    "minutes-min": N_("måste vara minst {min} minut"),
    "minutes-max": N_("får vara högst {max} minuter"),
    "not-below": N_("måste vara minst {other}"),
    "choice": N_("välj en av {allowed}"),
    "id-format": N_("små bokstäver, siffror, - och _ (högst 64 tecken)"),
    "id-format-suggestion": N_(
        "små bokstäver, siffror, - och _ (högst 64 tecken); förslag: {suggestion}"
    ),
    "id-required": N_("ge det ett id"),
    "id-taken": N_("det finns redan en med det id:t"),
    "id-unchanged": N_("id:t ska vara kvar {value!r}"),
    "tenant-required": N_("ange organisationen"),
    "unique": N_("finns redan"),
    "given-twice": N_("{value} finns två gånger"),
    "unknown-queue-ref": N_("kön {value!r} finns inte; skapa den först"),
    "unknown-queues-ref": N_("okända köer: {values}"),
    "unknown-agents-ref": N_("okända handläggare: {values}"),
    "unknown-prompt-ref": N_("meddelandet {value!r} finns inte; ladda upp det först"),
    "unknown-schedule-ref": N_("schemat {value!r} finns inte; skapa det först"),
    "unknown-closure": N_("Det finns ingen sådan stängning"),
    "unknown-list": N_("Det finns ingen sådan lista"),
    "queue-overflows-here": N_("kön {other} skickar vidare hit"),
    "flow-sends-here": N_("IVR-flödet {other} skickar hit"),
    "clock-time": N_("ange en tid som TT:MM, inte {value!r}"),
    "time-format": N_("skriv tiden TT:MM, inte {value!r}"),
    "time-of-day": N_("{value!r} är ingen tid (00:00–24:00)"),
    "after-start": N_("måste vara senare än starttiden"),
    "after-start-at": N_("måste vara efter starttiden {start}"),
    "interval-format": N_("skriv tider som 08:00-16:30, inte {value!r}"),
    "interval-list": N_("skriv tider som 08:00-16:30 eller stängt"),
    "interval-backwards": N_("sluttiden {value} måste vara efter starttiden"),
    "intervals-overlap": N_("tiderna överlappar varandra; slå ihop dem"),
    "both-times": N_("ange båda tiderna eller ingen"),
    "date": N_("skriv datumet ÅÅÅÅ-MM-DD, inte {value!r}"),
    "month-day": N_("skriv datumet MM-DD, inte {value!r}"),
    "weekday": N_(
        "okänd veckodag {value!r}; använd mån tis ons tor fre lör sön, "
        "eller ett intervall som mån-tor"
    ),
    "weekday-range-backwards": N_("dagarna {value!r} går baklänges"),
    "day-of-month": N_("skriv en dag i månaden (15) eller till exempel sista fre, inte {value!r}"),
    "monthly-rule": N_("ange en dag (1–31) eller en veckodag med ordningstal (1–5 eller sista)"),
    "weekly": N_("ange öppettider per veckodag"),
    "eve-policy": N_("välj stängt, halvdag eller vanliga tider"),
    "epoch-seconds": N_("Ange tider som 2026-12-24 12:00"),
    "schedule-id": N_("schemat behöver ett id"),
    "closure-queues": N_("Välj minst en kö"),
    "closure-required": N_("måste fyllas i"),
    "queue-list": N_("Välj minst en kö"),
    "list-empty": N_("Listan måste ha minst en rad"),
    "list-duplicate": N_("varje rad får stå med en gång"),
    "list-entry-length": N_("högst {max} tecken per rad"),
    "overflow-queue": N_("välj kön att skicka vidare till"),
    "overflow-number": N_("ange numret att koppla vidare till"),
    "overflow-self": N_("välj en annan kö än den här"),
    "max-length-rule": N_("ange hur många som får vänta (större än 0)"),
    "max-wait-rule": N_("ange hur länge man får vänta (större än 0)"),
    "auto-close-limit": N_("ange antal väntande eller väntetid"),
    "reopen-below": N_("måste vara lägre än gränsen för stängning"),
    "standby-limit": N_("ange antal väntande eller väntetid"),
    "release-below": N_("måste vara lägre än gränsen för att kalla in"),
    "skill-level": N_("ska vara ett heltal, minst 0"),
    "strategy": N_("välj ett sätt att fördela"),
    "trigger": N_("välj när regeln gäller"),
    "overflow-action": N_("välj vart kontakten ska"),
    "prompts-required": N_("behöver minst ett meddelande"),
    "prompt-list": N_("skriv meddelandenas id, skilda med komma"),
    "prompt-lists": N_("skriv meddelandenas id, skilda med komma"),
    "prompt-item": N_("skriv ett meddelandes id, inte {value!r}"),
    "prompt-id": N_("skriv ett meddelandes id"),
    "key": N_("välj en knapp 0–9, * eller #, inte {value!r}"),
    "validate": N_("välj personnummer eller ingen kontroll"),
    "menu-options": N_("en meny behöver minst ett val"),
    "node-target": N_("välj en nod"),
    "node-type": N_("okänd sorts nod {value!r}"),
    "nodes-required": N_("ett flöde behöver minst en nod"),
    "node-name": N_("varje nod behöver ett namn"),
    "node-name-twice": N_("två noder har samma namn"),
    "unknown-node": N_("det finns ingen nod {value!r}"),
    "operator-key": N_("är knappen till växeln; välj en annan knapp eller låt den leda till en kö"),
    "callback-key": N_("är samma knapp som för återuppringning"),
    "switch-list": N_("skriv brytarnas namn som en lista"),
    "unknown-switch": N_("brytaren {value!r} finns inte; lägg till den under Brytare"),
    "language": N_("välj svenska (sv) eller engelska (en)"),
    "unknown-group": N_("ingen i katalogen hör till gruppen {value!r}"),
    "ldap-url": N_("ska vara ldap://värd[:port] eller ldaps://värd[:port], inte {value!r}"),
    "ldap-dn": N_("ska vara ett DN som dc=exempelby,dc=se, inte {value!r}"),
    "ldap-filter": N_("ska vara ett LDAP-filter inom parentes, inte {value!r}"),
    "ldap-attribute": N_("ska vara ett attributnamn (bokstäver, siffror, -), inte {value!r}"),
    "service-level": N_("ange en andel mellan 0 och 1, till exempel 0.8"),
    "service-level-unreachable": N_("nås inte med {max} handläggare"),
    "unknown-scenario": N_("okänt scenario {value!r}; välj ett av {allowed}"),
    "distribution": N_("välj exponential, lognormal eller fixed"),
    "main-number-taken": N_("{value} är redan huvudnummer för {owner}"),
    "extension-number": N_("Anknytningen ska vara 2–10 siffror"),
    "extension-number-taken": N_("Numret används redan av en annan anknytning"),
    "service-number": N_("Numret är ett tjänstenummer (huvudnummer)"),
    "sip-password-length": N_("SIP-lösenordet ska vara {min}–{max} tecken"),
    "name-length": N_("Namnet får vara högst {max} tecken"),
    "unknown-agent-ref": N_("Det finns ingen sådan handläggare"),
    "agent-has-extension": N_("Handläggaren har redan en anknytning"),
    "queues-without-agent": N_("Bara en handläggares anknytning kan logga in i köer"),
    "queue-not-permitted": N_("Handläggaren får inte logga in i alla valda köer"),
    "prompt-name": N_("Ge meddelandet ett namn med bokstäver (högst {max} tecken)"),
    "prompt-in-use": N_("Meddelandet spelas fortfarande upp av: {users}"),
    "upload-size": N_("Filen är för stor: högst {max} MB"),
    "phone-number": N_(
        "ska vara ett telefonnummer (siffror för en anknytning, annars +46… eller 0…), "
        "inte {value!r}"
    ),
    "email": N_("ska vara en e-postadress, inte {value!r}"),
    "url": N_("ska vara en webbadress som börjar med https://, inte {value!r}"),
    "unknown-field": N_("fältet {value!r} finns inte; lägg till det först"),
    "unit-parent-self": N_("en enhet kan inte ligga under sig själv"),
    "unit-cycle": N_("enheterna {value} ligger under varandra i en ring"),
    "unit-has-children": N_(
        "enheten {value!r} har enheter under sig ({other!r}); flytta dem först"
    ),
    "unit-in-use": N_("enheten {value!r} är fortfarande enhet för {other}; flytta dem först"),
    "unknown-column": N_(
        "okänd kolumn {value!r}; använd {allowed} eller lägg först till ett eget fält"
    ),
    "missing-column": N_("rubrikraden saknar kolumnen {value!r}"),
    "row-length": N_("raden har {value} värden men rubrikraden {other} kolumner"),
    "people-max": N_("högst {max} personer i en fil; importera den i delar"),
    "values-max": N_("högst {max} värden i en kolumn"),
    "external-id-twice": N_("{value!r} är redan id för personen på rad {other}"),
    "file-too-large": N_("filen är större än {max} byte"),
    "file-syntax": N_("filen går inte att läsa: {value}"),
    "utf-8": N_("filen ska vara text i UTF-8"),
    "xml-entities": N_("XML med DTD, entiteter eller externa referenser tas inte emot"),
    "xml-nested": N_("elementet {value!r} får inte innehålla andra element"),
    "xml-text": N_("text utanför en persons element"),
    "unknown-element": N_("okänt element {value!r}; väntade {allowed}"),
    "unit-path": N_("{value!r} är ingen enhet som Samhällsbyggnad/Bygglov"),
    "unit-depth": N_("{value!r} har fler än {max} nivåer"),
    "service-number-taken": N_("{value} används redan av en annan organisation"),
    "service-number-format": N_("{value!r} är inget möjligt telefonnummer"),
    "service-number-extension": N_("{value} är en anknytning"),
    "service-number-main": N_("{value} är huvudnumret; välj ett annat flöde för det i stället"),
    "unknown-flow-ref": N_("flödet {value!r} finns inte; skapa det först"),
    "flow-answers-numbers": N_(
        "flödet {value!r} svarar på {values}; ge numren ett annat flöde först"
    ),
    "conference-pin": N_("PIN-koden ska vara {min}–{max} siffror, eller tom för ingen"),
    "conference-pin-guessable": N_(
        "Välj en svårare PIN-kod: inte samma siffra upprepad, inte en följd som 1234 och "
        "inte rummets nummer"
    ),
    "conference-number-taken": N_("{value} är redan numret till ett annat konferensrum"),
    "trunk-host-taken": N_("{value} är redan operatörsadressen i en annan organisations trunk"),
    "trunk-host-own": N_(
        "{value} är växelns egen adress eller den här servern — ange operatörens adress"
    ),
    "mail-address": N_("{value!r} är ingen e-postadress"),
    "mail-no-server": N_("Ingen e-postserver: varken organisationens egen eller plattformens"),
    "mail-test-failed": N_("E-postservern {server} tog inte emot testmejlet: {answer}"),
    "mail-test-hourly": N_("Högst {max} testmejl i timmen — försök igen senare"),
    "mail-test-busy": N_("Ett testmejl skickas redan — vänta på svaret och försök igen"),
    "mail-host-internal": N_(
        "{server} är den här servern eller dess eget nät — ange organisationens e-postserver"
    ),
}
"""A config rule's code → its Swedish wording, with the error's parameters."""

DOMAIN_ERRORS: dict[str, str] = {
    "console-no-call": N_("Du har inget kopplat samtal att koppla vidare"),
    "console-transfers": N_("Samtalet har kopplats för många gånger"),
    "console-barred": N_("Numret är spärrat för dig"),
    "console-number": N_("Numret går inte att ringa: kontrollera det"),
    "console-no-route": N_("Numret nås inte: ingen telefon eller väg dit"),
    "console-through-person": N_(
        "Genomringning går bara till en person: välj en person i listan (Enter kopplar annat)"
    ),
    "console-no-telephony": N_("Telefonin är inte igång: samtal kan inte kopplas"),
    "console-consulting": N_("Du har redan en förfrågan: koppla ihop (F3) eller gå tillbaka (F4)"),
    "console-no-consult": N_("Du har ingen förfrågan att koppla ihop eller gå tillbaka från"),
    "console-not-answered": N_("Personen har inte svarat än: vänta, eller gå tillbaka med F4"),
    "conference-no-consult": N_(
        "Du har ingen förfrågan: fråga personen först (Skift+Enter), sedan konferens (Alt+K)"
    ),
    "conference-not-answered": N_("Personen har inte svarat än: konferens när hen svarat"),
    "conference-on": N_("Konferensen pågår redan: Alt+L lämnar den"),
    "conference-none": N_("Du är inte i någon konferens"),
    "console-conference-full": N_("Konferensen är full (högst {most} deltagare, du medräknad)"),
    "conference-parties-range": N_(
        "En konferens från växelbordet har 3–{most} deltagare, telefonisten medräknad"
    ),
    "conference-sent-on": N_(
        "Från en konferens kopplas ingen fram medan det ringer: vänta på svar, eller F4"
    ),
    "camp-on-full": N_("Väntkön hos anknytningen är full (högst {most} samtal)"),
    "camp-on-not-busy": N_("Anknytningen är inte upptagen: koppla samtalet direkt med Enter"),
    "camp-on-no-person": N_("Väntkoppling går bara till en persons anknytning: välj en person"),
    "camp-on-twice": N_("Samtalet väntar redan på en anknytning"),
    "camp-on-not-yours": N_(
        "Samtalet väntar inte längre hos anknytningen: det går inte att ta tillbaka"
    ),
    "camp-on-wait-range": N_("Väntetiden före återkoppling ska vara 10–1 800 sekunder"),
    "camp-on-max-range": N_("Högst 1–20 väntande samtal per anknytning"),
    "auto-attendant-wait": N_("Väntetiden i växelkön ska vara 10–3 600 sekunder, eller 0"),
    "auto-attendant-waiting": N_("Antalet väntande ska vara 1–500, eller 0"),
    "auto-attendant-min-on": N_("Minsta tid påslagen ska vara 60–7 200 sekunder"),
    "auto-attendant-no-mark": N_("Ange en väntetid eller ett antal väntande att slå på vid"),
    "auto-attendant-queue": N_("Välj en av organisationens köer"),
    "voicemail-full": N_("Röstbrevlådan är full (högst {max} meddelanden)"),
    "voicemail-no-message": N_("Meddelandet finns inte"),
    "voicemail-pin-digits": N_("Koden ska vara 4–8 siffror"),
    "voicemail-pin-guessable": N_(
        "Välj en svårare kod: inte samma siffra upprepad, inte en följd som 1234 eller "
        "9876 och inte ditt eget nummer"
    ),
    "voicemail-email": N_("Skriv en e-postadress som namn@exempel.se"),
    "voicemail-no-person": N_("Ditt konto hör inte till någon i katalogen"),
    "voicemail-greeting-size": N_("Hälsningen får vara högst {max} MB"),
    "unknown-contact": N_("Ärendet finns inte längre"),
    "unknown-queue": N_("Kön finns inte"),
    "unknown-agent": N_("Handläggaren finns inte"),
    "unknown-tenant": N_("Organisationen finns inte"),
    "unknown-extension": N_("Det finns ingen sådan anknytning"),
    "unknown-upload": N_("Det finns inget sådant meddelande"),
    "unknown-switch": N_("Det finns ingen sådan brytare"),
    "unknown-message-template": N_("Det finns ingen sådan meddelandemall"),
    "unknown-person-message": N_("Det finns inget sådant oläst meddelande"),
    "template-name": N_("Mallens namn ska vara 1–{max} tecken"),
    "template-body": N_("Meddelandet ska vara 1–{max} tecken"),
    "template-braces": N_("En klammer saknar sin motsvarighet: skriv {{namn}}, {{nummer}} …"),
    "template-placeholder": N_(
        "Okänd platshållare {{{placeholder}}}: använd {{namn}}, {{nummer}}, {{ärende}}, "
        "{{tid}} eller {{telefonist}}"
    ),
    "template-count": N_("Högst {max} meddelandemallar"),
    "message-channels": N_("Välj hur meddelandet ska skickas: hänvisning, e-post eller SMS"),
    "message-missing-field": N_("Fyll i {{{field}}}: mallen använder det"),
    "message-no-mobile": N_("Personen har inget mobilnummer att skicka SMS till"),
    "message-no-email": N_("Personen har ingen e-postadress"),
    "message-mail-queue-full": N_(
        "{max} e-postmeddelanden väntar redan på organisationens e-postserver — "
        "försök igen när de har gått iväg"
    ),
    "sms-not-configured": N_("SMS är inte konfigurerat"),
    "switch-window-order": N_("Fönstret måste sluta efter att det börjar"),
    "switch-window-past": N_("Fönstret har redan passerat; välj en sluttid framåt i tiden"),
    "switch-window-far": N_("Fönstret får sluta högst {days} dagar fram"),
    "switch-window-time": N_("Skriv tiden som ÅÅÅÅ-MM-DD TT:MM"),
    "unknown-person": N_("Personen finns inte i katalogen"),
    "directory-forbidden": N_("Din roll får inte göra det i katalogen"),
    "directory-source-unreachable": N_("Servern svarade inte; katalogen är oförändrad"),
    "directory-source-refused": N_("Servern nekade; kontrollera inställningarna"),
    "unknown-service-number": N_("Organisationen har inget sådant nummer"),
    "forwarding-barred": N_("Numret {number} är spärrat och kan inte vidarekopplas till"),
    "audio-device-choice": N_("Välj Webbläsaren, Bordstelefon eller Mobil"),
    "audio-device-agent": N_("Kontot hör inte till någon handläggare"),
    "audio-mobile-long": N_("Mobilnumret får vara högst {max} tecken"),
    "audio-mobile-missing": N_("Skriv mobilens nummer för att ta samtalen i mobilen"),
    "audio-no-trunk": N_(
        "Organisationen har ingen trunk, så samtal kan inte ringas till en mobil: välj "
        "webbläsaren eller bordstelefonen"
    ),
    "device-mobile-barred": N_("Numret {number} är spärrat för dig och skulle aldrig ringas upp"),
    "audio-mobile-own": N_(
        "Numret {number} går till Växeln själv, inte till en mobil: välj webbläsaren eller "
        "bordstelefonen för samtal här"
    ),
    "device-mobile-direct": N_(
        "Numret {number} är ett direktnummer i växeln, inte en mobil: ange mobilens nummer"
    ),
    "forwarding-loop": N_("Vidarekopplingen till {number} skulle gå runt i en slinga"),
    "forwarding-self": N_("Ett nummer kan inte vidarekopplas till sig självt"),
    "forwarding-emergency": N_(
        "Det går inte att vidarekoppla till nödnummer ({number}): ett vidarekopplat samtal "
        "får aldrig hamna hos 112 av misstag"
    ),
    "illegal-transition": N_(
        "Det gick inte just då: läget hade hunnit ändras. Sidan visar läget nu."
    ),
    # the contact center's rules (vaxel.acd), as the agent or admin whose action they refuse
    "login-needs-queue": N_("Välj minst en kö att logga in i"),
    "queue-not-permitted-login": N_("Handläggaren får inte logga in i kön {queue}"),
    "not-logged-in-to-queue": N_("Handläggaren är inte inloggad i kön {queue}"),
    "queue-not-empty": N_(
        "Kön {queue} har väntande kontakter, återuppringningar eller inloggade handläggare: "
        "töm den och logga ut handläggarna först"
    ),
    "contact-exists": N_("Ärendet finns redan"),
    "not-answering-agent": N_("Bara handläggaren som svarade kan klassificera ärendet"),
    "classification-required": N_("Välj en klassificering"),
    "callbacks-off": N_("Kön {queue} tar inte emot återuppringningar"),
    "callback-worked-by-other": N_("Återuppringningen hanteras av en annan handläggare"),
    "callback-note-required": N_("Skriv en kort anteckning om hur det gick"),
    "unknown-callback-interval": N_("Kön har inget tidsfönster {interval}"),
    # the PBX (vaxel.pbx): the numbering plan, DID ranges and devices (PBX1)
    "pbx-number-taken": N_("Numret {number} används redan i nummerplanen"),
    "pbx-number-prefix": N_(
        "Numret {number} är början på numret {other}: ingen kan slå det längre numret"
    ),
    "pbx-short-invalid": N_("{number}: ett kortnummer är 2–8 siffror"),
    "pbx-short-length": N_("{number}: nummerplanens nummer har {length} siffror"),
    "pbx-did-invalid": N_("{number} är inget giltigt telefonnummer"),
    "pbx-did-range-order": N_("Serien slutar före sin början ({number})"),
    "pbx-did-range-size": N_("Serien är för stor: högst {max} nummer"),
    "pbx-did-short-overflow": N_("Kortnumren från {number} räcker inte till hela serien"),
    "pbx-did-overlap": N_("Serien från {number} överlappar en annan serie"),
    "pbx-ring-seconds": N_("Ringtiden ska vara {min:g}–{max:g} sekunder"),
    "pbx-device-address": N_("Enhetens nummer ska vara 1–32 tecken"),
    "pbx-too-many-devices": N_("Högst {max} enheter per person"),
    "pbx-group-name": N_("Ge svarsgruppen ett namn (högst {max} tecken)"),
    "pbx-group-members": N_("Högst {max} medlemmar i en svarsgrupp"),
    "pbx-group-member-twice": N_("En person kan bara vara med en gång i gruppen"),
    "pbx-group-queue-required": N_("Välj kön som svarar för gruppen"),
    "pbx-not-a-member": N_("Personen är inte med i svarsgruppen {group}"),
    "pbx-not-an-agent": N_(
        "Svarsgruppen {group} besvaras via en kö, och personen är ingen handläggare"
    ),
    "pbx-unknown-group": N_("Svarsgruppen finns inte"),
    # a whole group diverted (spec §67, vaxel.pbx.group_diversion)
    "group-diversion-group": N_("Gruppen finns inte"),
    "group-diversion-number": N_("Skriv ett nummer med siffror, högst 40"),
    "group-diversion-note": N_("Anteckningen får vara högst 100 tecken"),
    "group-diversion-unknown": N_("Numret finns inte i växelns nummerplan"),
    "group-diversion-itself": N_("Gruppen kan inte hänvisas till sig själv"),
    "group-diversion-past": N_("Sluttiden har redan passerat"),
    "group-diversion-time": N_("Skriv sluttiden som TT:MM, eller ÅÅÅÅ-MM-DD TT:MM en annan dag"),
    "group-diversion-far": N_("Sluttiden får vara högst ett år fram"),
    "group-diversion-operator": N_("Inget växelnummer är inställt"),
    # call park (OP3): the orbits and the recall
    "park-count": N_("Antalet parkeringsplatser ska vara 1–100"),
    "park-first": N_("Parkeringsplatsernas nummer är siffror, högst 8"),
    "park-recall": N_("Tiden innan samtalet ringer tillbaka ska vara 10–3600 sekunder"),
    "transfer-recall-range": N_(
        "Tiden innan en överflyttning kommer tillbaka ska vara 5–300 sekunder"
    ),
    "park-operator": N_("Växelns anknytning är siffror, högst 8"),
    # what a caller who reached an absent person may press (issue 14 §4)
    "absent-offer-number": N_("Växelns nummer är siffror, högst 8"),
    "absent-offer-unknown": N_("Numret {number} finns inte i nummerplanen"),
    # an upload that cannot become a prompt (vaxel.prompts.convert), naming the file
    "upload-not-audio": N_("{filename}: Filen går inte att läsa som WAV eller MP3"),
    "upload-unsupported-format": N_("{filename}: Filformatet stöds inte: ladda upp WAV eller MP3"),
    "upload-too-large": N_("{filename}: Filen är för stor"),
    "upload-too-long": N_("{filename}: Inspelningen är för lång: högst 10 minuter"),
    "upload-silent": N_("{filename}: Inspelningen är tyst"),
    "upload-timeout": N_("{filename}: Konverteringen tog för lång tid"),
    "upload-tool-missing": N_(
        "{filename}: Servern saknar ljudverktyget sox (eller dess MP3-stöd); kontakta driften"
    ),
    # conference rooms (PBX6), as the host whose click they refuse
    "conference-full": N_("Konferensrummet är fullt (högst {max} deltagare)"),
    "conference-no-participant": N_("Deltagaren är inte längre med i konferensen"),
    "unknown-conference-room": N_("Konferensrummet finns inte"),
    "console-park-no-call": N_("Du har inget samtal att parkera"),
    "break-in-no-person": N_("Numret är ingen persons: välj en person i listan att bryta in hos"),
    "break-in-not-busy": N_("Personen talar inte i telefon: det finns inget samtal att bryta in i"),
    "break-in-own": N_("Du kan inte bryta in i ditt eget samtal"),
    "break-in-twice": N_("Du bryter redan in i ett samtal: lämna det först med Alt+L"),
    "break-in-no-phone": N_("Din anknytning har ingen ansluten telefon: inbrytning går inte"),
    "break-in-none": N_("Du har ingen inbrytning att lämna"),
    "console-park-empty": N_("Inget samtal väntar på den parkeringsplatsen"),
    "console-no-phone": N_("Du har ingen anknytning som kan ringas: samtalet kan inte hämtas"),
    "park-full": N_("Alla parkeringsplatser är upptagna, eller inga finns"),
    "park-not-talking": N_("Samtalet går inte att parkera nu"),
    "park-twice": N_("Samtalet är redan parkerat"),
}
"""A domain error's code → what the user reads (the usual cause of a refusal on a page is a
race: the caller hung up or the wrap-up ended while the agent clicked)."""
