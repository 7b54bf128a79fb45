"""The prompt catalogue: every prompt id the speech builders can return, with its text.

Announcements are played as sequences of pre-recorded prompt files (Q5, Q8, Q9, CB1-CB3).
The files are generated from these texts (espeak-ng) and an admin may replace any of them
with a recording, so the ids are a stable contract: never rename one, only add.

Id scheme (filesystem-safe: lower-case ASCII letters, digits, ``-`` and ``/``)::

    <language>/<kind>/<name>

- ``sv/num/<n>`` a cardinal number word. 0-99 exist as whole words (so compounds sound
  natural: "tjugotre"), the hundreds as ``sv/num/100`` ... ``sv/num/900`` and ``sv/num/1000``.
  Swedish numbers ending in one have two genders (Q11), so there is no ``sv/num/1`` but
  ``sv/num/1-en`` ("en", common: "en minut") and ``sv/num/1-ett`` ("ett", neuter: "ett samtal",
  "nummer ett"); likewise ``sv/num/21-en`` "tjugoen" / ``sv/num/21-ett`` "tjugoett".
- ``sv/ord/<n>`` an ordinal: 1-99 whole ("tjugoförsta"), and 100 ... 900 ("hundrade").
- ``sv/phrase/<slug>`` a fixed queue phrase ("Du är nummer", "i kön", "minuter" ...).
- ``sv/callback/<slug>`` a callback-dialogue phrase (CB1-CB3).
- ``sv/presence/<slug>`` what a caller hears about an absent person (DIR3, PBX5).
- ``sv/pbx/<slug>`` answers to feature codes dialled from a phone, and refusals (PBX5).
- ``sv/pause/group`` a short silence (its text is empty) between digit groups in a read-back.

English (``en/...``) has the same kinds; English numbers have no gender, so ``en/num/21``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "PAUSE",
    "Language",
    "catalogue",
    "missing_prompts",
    "prompt_id",
]


class Language(StrEnum):
    """A prompt set. Swedish is the default everywhere; English is the second set."""

    SV = "sv"
    EN = "en"


PAUSE = "pause/group"
"""Kind/name of the silence prompt placed between digit groups (CB3); text is empty."""

_SV_ONES = (
    "noll", "", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
    "elva", "tolv", "tretton", "fjorton", "femton", "sexton", "sjutton", "arton", "nitton",
)  # fmt: skip
_SV_TENS = ("", "", "tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio")
_SV_ORD_ONES = (
    "", "första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde", "nionde",
    "tionde", "elfte", "tolfte", "trettonde", "fjortonde", "femtonde", "sextonde", "sjuttonde",
    "artonde", "nittonde",
)  # fmt: skip
_SV_ORD_TENS = (
    "", "", "tjugonde", "trettionde", "fyrtionde", "femtionde", "sextionde", "sjuttionde",
    "åttionde", "nittionde",
)  # fmt: skip

_EN_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_EN_ORD_ONES = (
    "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
)  # fmt: skip
_EN_ORD_TENS = (
    "", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth",
    "eightieth", "ninetieth",
)  # fmt: skip

# Fixed phrases, by slug. Both languages share most slugs; a builder only ever asks for the
# slugs of its own language, and the coverage test proves each exists.
_SV_PHRASES = {
    "you-are-number": "Du är nummer",
    "in-queue": "i kön",
    "now-you-are-number": "Nu är du nummer",
    "estimated-wait-is": "Beräknad väntetid är",
    "minute": "minut",
    "minutes": "minuter",
    "less-than-one-minute": "mindre än en minut",
    "more-than": "mer än",
    "there-is": "Det är",
    "calls-ahead-of-you": "samtal före dig",
    "no-plural": "inga",
    "there-are": "Det finns",
    "available-agent": "ledig handläggare",
    "available-agents": "lediga handläggare",
    "oclock": "klockan",
    "between": "mellan",
    "and": "och",
}
_EN_PHRASES = {
    "you-are-number": "You are number",
    "in-queue": "in the queue",
    "now-you-are-number": "You are now number",
    "estimated-wait-is": "The estimated waiting time is",
    "minute": "minute",
    "minutes": "minutes",
    "less-than-one-minute": "less than one minute",
    "more-than": "more than",
    "there-is": "There is",
    "there-are": "There are",
    "no-plural": "no",
    "call-ahead-of-you": "call ahead of you",
    "calls-ahead-of-you": "calls ahead of you",
    "available-agent": "agent available",
    "available-agents": "agents available",
    "oclock": "o'clock",
    "oh": "oh",
    "between": "between",
    "and": "and",
}
_SV_CALLBACK = {
    "offer": "Vill du bli uppringd i stället? Tryck 1 för att bli uppringd. "
    "Du behåller din plats i kön.",
    "choose-interval": "Välj när du vill bli uppringd.",
    "we-will-call-number": "Vi ringer dig på nummer",
    "confirm-number": "Tryck 1 om det stämmer, 2 för att ange ett annat nummer.",
    "enter-number": "Slå det nummer vi ska ringa, och avsluta med fyrkant.",
    "invalid-number": "Numret kunde inte användas. Försök igen.",
    "booked": "Tack. Vi ringer upp dig",
    "technical-fault": "Vi har ett tekniskt fel och kunde inte boka din återuppringning. "
    "Försök igen senare. Hej då.",
    "goodbye": "Hej då.",
    "press": "tryck",
}
_EN_CALLBACK = {
    "offer": "Would you like to be called back instead? Press 1 to be called back. "
    "You keep your place in the queue.",
    "choose-interval": "Choose when you would like to be called back.",
    "we-will-call-number": "We will call you on number",
    "confirm-number": "Press 1 if this is correct, 2 to enter another number.",
    "enter-number": "Enter the number we should call, followed by the hash key.",
    "invalid-number": "That number could not be used. Please try again.",
    "booked": "Thank you. We will call you back",
    "technical-fault": "We have a technical fault and could not book your callback. "
    "Please try again later. Goodbye.",
    "goodbye": "Goodbye.",
    "press": "press",
}

# What a caller hears about an absent person (DIR3, PBX5; see ``presence``), by slug.
_SV_PRESENCE = {
    "extension": "anknytning",
    "reason-mote": "är på möte",
    "reason-lunch": "är på lunch",
    "reason-tillfalligt-ute": "är tillfälligt ute",
    "reason-gatt-for-dagen": "har gått för dagen",
    "reason-ledig": "är ledig",
    "reason-sjuk": "är sjuk",
    "reason-tjansteresa": "är på tjänsteresa",
    "reason-kurs": "är på kurs",
    "reason-semester": "har semester",
    "reason-other": "är inte på plats",
    "until": "till",
    "until-tomorrow": "till i morgon",
    "the": "den",
    "press-0-operator": "Tryck noll för att komma till växeln.",
    "press-1-voicemail": "Tryck ett för att lämna ett meddelande.",
    **{f"weekday-{n}": day for n, day in enumerate(
        ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"), 1)},
    **{f"month-{n}": month for n, month in enumerate(
        ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
         "september", "oktober", "november", "december"), 1)},
}  # fmt: skip
_EN_PRESENCE = {
    "extension": "extension",
    "reason-mote": "is in a meeting",
    "reason-lunch": "is at lunch",
    "reason-tillfalligt-ute": "is briefly out",
    "reason-gatt-for-dagen": "has gone for the day",
    "reason-ledig": "is off duty",
    "reason-sjuk": "is ill",
    "reason-tjansteresa": "is on a business trip",
    "reason-kurs": "is on a course",
    "reason-semester": "is on holiday",
    "reason-other": "is not available",
    "until": "until",
    "until-tomorrow": "until tomorrow at",
    "at": "at",
    "the": "the",
    "of": "of",
    "press-0-operator": "Press zero for the switchboard.",
    "press-1-voicemail": "Press one to leave a message.",
    **{f"weekday-{n}": day for n, day in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), 1)},
    **{f"month-{n}": month for n, month in enumerate(
        ("January", "February", "March", "April", "May", "June", "July", "August",
         "September", "October", "November", "December"), 1)},
}  # fmt: skip
# Feature codes dialled from a phone (PBX5, IVR4, IVR5; ``vaxel.pbx.feature_codes``): the
# answers, and what was wrong with a refused code (issue 14, Bad input). Swedish only:
# staff dial them, and the tenant's staff work in Swedish (the ids would follow in English).
_SV_PBX = {
    "forwarding-set": "Vidarekopplingen är påslagen.",
    "forwarding-cleared": "Vidarekopplingen är avslagen.",
    "presence-set": "Din hänvisning är registrerad.",
    "presence-cleared": "Välkommen tillbaka. Din hänvisning är borttagen.",
    "group-joined": "Du är inloggad i gruppen.",
    "group-left": "Du är utloggad ur gruppen.",
    "switch-on": "Meddelandet är påslaget.",
    "switch-off": "Meddelandet är avslaget.",
    "unknown-code": "Koden finns inte. Kontrollera koden och försök igen.",
    "number-missing": "Numret saknas. Slå koden, stjärna, numret och avsluta med fyrkant.",
    "number-invalid": "Numret kan inte användas. Det får bara ha siffror, högst tjugo.",
    "number-barred": "Numret är spärrat och kan inte användas för vidarekoppling.",
    "forwarding-loop": "Vidarekopplingen skulle gå i en slinga och har inte sparats.",
    "forwarding-emergency": "Det går inte att vidarekoppla till ett nödnummer. "
    "Vidarekopplingen har inte sparats.",
    "forwarding-self": "Du kan inte vidarekoppla till ditt eget nummer. "
    "Vidarekopplingen har inte sparats.",
    "seconds-invalid": "Tiden före vidarekoppling ska vara mellan fem och hundratjugo sekunder.",
    "time-invalid": "Återkomsttiden ska vara fyra siffror, timmar och minuter, "
    "till exempel ett fyra tre noll.",
    "reason-invalid": "Det finns ingen orsak med den siffran.",
    "group-invalid": "Gruppen finns inte.",
    "slot-invalid": "Det numret finns inte.",
    "not-allowed": "Du har inte behörighet till den koden.",
    "not-a-person": "Telefonen hör inte till någon person i katalogen.",
    "failed": "Det gick inte att spara. Försök igen senare.",
    "enter-pin": "Slå din PIN-kod och avsluta med fyrkant.",
    "enter-code": "Slå koden och avsluta med fyrkant.",
    "not-a-mobile": "Numret du ringer från är inte registrerat som mobil i växeln.",
    "wrong-pin": "Fel PIN-kod.",
    # recording a prompt by phone (IVR5, issue 14 §7; vaxel.pbx.phone_admin)
    "enter-extension": "Slå ditt anknytningsnummer och avsluta med fyrkant.",
    "record-prompt": "Tala in meddelandet efter tonen och avsluta med fyrkant.",
    "record-review": "För att spara, tryck ett. För att spela in igen, tryck två. "
    "För att lyssna igen, tryck tre. För att ångra, tryck stjärna.",
    "recording-too-short": "Inspelningen blev för kort.",
    "recording-discarded": "Inspelningen är borttagen.",
    "recording-busy": "Det går inte att spela in just nu. Försök igen senare.",
    "prompt-saved": "Meddelandet är sparat.",
}


def prompt_id(language: Language | str, kind: str, name: str | int) -> str:
    """The id of one prompt, e.g. ``prompt_id("sv", "num", "21-en") == "sv/num/21-en"``."""
    return f"{Language(language).value}/{kind}/{name}"


def _sv_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for n in range(100):
        tens, ones = divmod(n, 10)
        if n < 20:
            base = _SV_ONES[n]
        else:
            base = _SV_TENS[tens] + (_SV_ONES[ones] if ones not in (0, 1) else "")
        if n % 10 == 1 and n != 11:
            prefix = _SV_TENS[tens]
            texts[f"num/{n}-en"] = prefix + "en"
            texts[f"num/{n}-ett"] = prefix + "ett"
        else:
            texts[f"num/{n}"] = base
        if n >= 1:
            ord_text = (
                _SV_ORD_ONES[n]
                if n < 20
                else (_SV_TENS[tens] + _SV_ORD_ONES[ones] if ones else _SV_ORD_TENS[tens])
            )
            texts[f"ord/{n}"] = ord_text
    for h in range(1, 10):
        prefix = "" if h == 1 else _SV_ONES[h]
        texts[f"num/{h * 100}"] = prefix + "hundra"
        texts[f"ord/{h * 100}"] = prefix + "hundrade"
    texts["num/1000"] = "tusen"
    texts.update({f"phrase/{slug}": text for slug, text in _SV_PHRASES.items()})
    texts.update({f"callback/{slug}": text for slug, text in _SV_CALLBACK.items()})
    texts.update({f"presence/{slug}": text for slug, text in _SV_PRESENCE.items()})
    texts.update({f"pbx/{slug}": text for slug, text in _SV_PBX.items()})
    texts[PAUSE] = ""
    return texts


def _en_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for n in range(100):
        tens, ones = divmod(n, 10)
        if n < 20:
            texts[f"num/{n}"] = _EN_ONES[n]
        else:
            texts[f"num/{n}"] = _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
        if n >= 1:
            if n < 20:
                texts[f"ord/{n}"] = _EN_ORD_ONES[n]
            elif ones:
                texts[f"ord/{n}"] = f"{_EN_TENS[tens]}-{_EN_ORD_ONES[ones]}"
            else:
                texts[f"ord/{n}"] = _EN_ORD_TENS[tens]
    for h in range(1, 10):
        texts[f"num/{h * 100}"] = f"{_EN_ONES[h]} hundred"
        texts[f"ord/{h * 100}"] = f"{_EN_ONES[h]} hundredth"
    texts["num/1000"] = "thousand"
    texts.update({f"phrase/{slug}": text for slug, text in _EN_PHRASES.items()})
    texts.update({f"callback/{slug}": text for slug, text in _EN_CALLBACK.items()})
    texts.update({f"presence/{slug}": text for slug, text in _EN_PRESENCE.items()})
    texts[PAUSE] = ""
    return texts


def catalogue(language: Language | str = Language.SV) -> Mapping[str, str]:
    """Every prompt id of ``language`` mapped to the text its file speaks.

    Built afresh on each call (a few hundred entries; no module-level state). An empty text
    means a short silence. Raises ``ValueError`` for an unknown language.
    """
    lang = Language(language)
    texts = _sv_texts() if lang is Language.SV else _en_texts()
    return MappingProxyType({f"{lang.value}/{key}": text for key, text in texts.items()})


def missing_prompts(
    sequence: Iterable[str],
    language: Language | str = Language.SV,
    available: Collection[str] | None = None,
) -> tuple[str, ...]:
    """The ids in ``sequence`` that are not available, in order, once each.

    By default "available" means "in the catalogue of ``language``"; pass ``available`` (e.g.
    the prompt files actually present for a tenant) to check against that instead. Used before
    playing a sequence or saving a flow: an empty result means every file exists.
    """
    known: Collection[str] = catalogue(language) if available is None else available
    seen: dict[str, None] = {}
    for pid in sequence:
        if pid not in known:
            seen.setdefault(pid, None)
    return tuple(seen)
