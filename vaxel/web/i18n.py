"""Swedish first, English selectable (issue 4, ADM5): the UI's texts are written in Swedish
in the templates and code, and ``locale/en/LC_MESSAGES/messages.po`` (a gettext catalog kept
with Babel) translates them. The language is per browser, chosen with ``/language``.

Catalogs are read with Babel at start-up, so no compiled ``.mo`` file is kept in the repo.
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path

from babel.messages.pofile import read_po

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_COOKIE",
    "N_",
    "gettext",
    "language",
    "ngettext",
    "preferred_language",
    "use_language",
]

LANGUAGES = {"sv": "Svenska", "en": "English"}
DEFAULT_LANGUAGE = "sv"
LANGUAGE_COOKIE = "vaxel_lang"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def _load(code: str) -> dict[str, str | tuple[str, ...]]:
    path = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as file:
        catalog = read_po(file, locale=code)
    table: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        if isinstance(message.id, tuple):  # plural forms, keyed by the singular
            strings = tuple(str(s) for s in message.string)
            if all(strings):
                table[str(message.id[0])] = strings
        else:
            table[str(message.id)] = str(message.string)
    return table


_CATALOGS = {code: _load(code) for code in LANGUAGES if code != DEFAULT_LANGUAGE}


def language() -> str:
    return _current.get()


def use_language(code: str) -> None:
    """Set the language of the request being handled (the middleware calls this)."""
    _current.set(code if code in LANGUAGES else DEFAULT_LANGUAGE)


def preferred_language(accept_language: str) -> str:
    """The client's first choice among :data:`LANGUAGES` by an ``Accept-Language`` header
    (RFC 9110 §12.5.4: q-values, then order; ``en-GB`` counts as ``en``). The REST API has no
    language cookie, so its errors follow this header (issue 9 §5)."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language[:500].split(",")):
        tag, _, parameters = part.partition(";")
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        code = tag.strip().lower().split("-")[0]
        if code in LANGUAGES and weight > 0:
            choices.append((-weight, index, code))
    return min(choices)[2] if choices else DEFAULT_LANGUAGE


def gettext(text: str) -> str:
    """``text`` (Swedish) in the current language; Swedish when no translation exists."""
    code = _current.get()
    if code == DEFAULT_LANGUAGE:
        return text
    found = _CATALOGS.get(code, {}).get(text)
    return found if isinstance(found, str) else text


def N_(text: str) -> str:
    """Mark ``text`` for translation where it is defined (a table of names; ``N_`` is the
    name extraction tools look for); the code showing it calls :func:`gettext`, or ``_()``
    in a template."""
    return text


def ngettext(singular: str, plural: str, n: int) -> str:
    code = _current.get()
    found = _CATALOGS.get(code, {}).get(singular) if code != DEFAULT_LANGUAGE else None
    if isinstance(found, tuple) and len(found) >= 2:
        return found[0] if n == 1 else found[1]
    return singular if n == 1 else plural
