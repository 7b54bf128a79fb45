"""What the voicemail says, as prompt ids (PBX4): fixed phrases ``sv/voicemail/<slug>``
(texts in ``vaxel/prompts/demo_texts.yaml``) and counts and numbers through
``vaxel.speech``'s grammar. Ids are a contract: only add."""

from __future__ import annotations

from enum import StrEnum

from vaxel.speech import Gender, cardinal, phone_number

__all__ = ["Phrase", "count_of_messages", "from_caller", "phrase"]


class Phrase(StrEnum):
    GREETING_STANDARD = "standard-halsning"  # "Personen du söker kan inte svara. Lämna ett …"
    TONE = "ton"  # the beep before recording
    THANKS = "tack-meddelandet-sparat"
    MAILBOX_FULL = "brevladan-full"
    ENTER_MAILBOX = "ange-brevlada"
    ENTER_PIN = "ange-kod"
    WRONG_PIN = "fel-kod"
    YOU_HAVE = "du-har"
    NEW = "nya"
    OLD = "sparade"
    MESSAGES = "meddelanden"
    NO_MESSAGES = "inga-meddelanden"
    MAIN_MENU = "huvudmeny"  # 1 listen, 2 personal greeting, 3 presence greeting, 4 name, * end
    MESSAGE_FROM = "meddelande-fran"
    WITHHELD = "dolt-nummer"
    AFTER_MESSAGE = "efter-meddelande"  # 1 again, 7 delete, 9 next, * menu
    DELETED = "raderat"
    NO_MORE = "inga-fler"
    RECORD_GREETING = "spela-in-halsning"  # after the tone; # when done
    RECORD_NAME = "spela-in-namn"  # say your name after the tone; # when done
    GREETING_REVIEW = "halsning-val"  # 1 save, 2 again, * cancel
    GREETING_SAVED = "halsning-sparad"
    INVALID_CHOICE = "ogiltigt-val"
    GOODBYE = "hej-da"


def phrase(item: Phrase, language: str = "sv") -> str:
    lang = "en" if language == "en" else "sv"
    return f"{lang}/voicemail/{item.value}"


def count_of_messages(new: int, old: int, language: str = "sv") -> tuple[str, ...]:
    """ "Du har två nya och tre sparade meddelanden" / "Du har inga meddelanden"."""
    lang = "en" if language == "en" else "sv"
    if new == 0 and old == 0:
        return (phrase(Phrase.NO_MESSAGES, lang),)
    out: list[str] = [phrase(Phrase.YOU_HAVE, lang)]
    if new:
        out += [*cardinal(min(new, 999), Gender.NEUTER, lang), phrase(Phrase.NEW, lang)]
    if old:
        out += [*cardinal(min(old, 999), Gender.NEUTER, lang), phrase(Phrase.OLD, lang)]
    out.append(phrase(Phrase.MESSAGES, lang))
    return tuple(out)


def from_caller(caller: str, language: str = "sv") -> tuple[str, ...]:
    """ "Meddelande från 0 7 0 …" read digit by digit, or "från dolt nummer"."""
    lang = "en" if language == "en" else "sv"
    digits = "".join(c for c in caller if c.isdigit())
    if not digits:
        return (phrase(Phrase.MESSAGE_FROM, lang), phrase(Phrase.WITHHELD, lang))
    return (phrase(Phrase.MESSAGE_FROM, lang), *phone_number(digits[:15], lang))
