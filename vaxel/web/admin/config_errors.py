"""Configuration errors in the admin's language (ADM5).

The core's :class:`~vaxel.core.errors.ConfigError` names the field and gives its reason in
English, for logs and developers. The admin pages show the reason in Swedish (or the
chosen language): each known reason is a pattern here with its Swedish wording; a reason
without a pattern is shown as the core wrote it, so nothing is ever hidden.
"""

from __future__ import annotations

import re

from vaxel.web.i18n import gettext

__all__ = ["reason_text"]


def N_(text: str) -> str:
    """Mark a message for the catalog; it is translated where it is shown."""
    return text


_VALUE = r"(?P<v>'[^']*'|\"[^\"]*\"|\S+)"
_NAME = r"(?P<n>'[^']*'|\"[^\"]*\"|\S+)"

REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + "$"), wording)
    for pattern, wording in (
        (
            r"at most (?P<n>\d+) characters, got (?P<v>\d+)",
            N_("högst {n} tecken (här är det {v})"),
        ),
        (rf"{_VALUE} is not a time of day \(00:00–24:00\)", N_("{v} är ingen tid (00:00–24:00)")),
        (rf"must be (?:a time string )?HH:MM, got {_VALUE}", N_("skriv tiden TT:MM, inte {v}")),
        (
            rf"must look like '08:00-16:30', got {_VALUE}",
            N_("skriv tider som 08:00-16:30, inte {v}"),
        ),
        (
            r"must be a list of 'HH:MM-HH:MM' or 'closed'",
            N_("skriv tider som 08:00-16:30 eller stängt"),
        ),
        (r"end (?P<v>\S+) must be after start", N_("sluttiden {v} måste vara efter starttiden")),
        (r"must be after start (?P<v>\S+)", N_("måste vara efter starttiden {v}")),
        (
            r"intervals overlap; merge them into one",
            N_("tiderna överlappar varandra; slå ihop dem"),
        ),
        (rf"must be a date YYYY-MM-DD, got {_VALUE}", N_("skriv datumet ÅÅÅÅ-MM-DD, inte {v}")),
        (rf"must be MM-DD, got {_VALUE}", N_("skriv datumet MM-DD, inte {v}")),
        (
            rf"unknown weekday {_VALUE}; use .*",
            N_(
                "okänd veckodag {v}; använd mån tis ons tor fre lör sön, "
                "eller ett intervall som mån-tor"
            ),
        ),
        (
            rf"write a day of the month or e.g. 'sista fre', got {_VALUE}",
            N_("skriv en dag i månaden (15) eller till exempel sista fre, inte {v}"),
        ),
        (rf"weekday range {_VALUE} runs backwards", N_("dagarna {v} går baklänges")),
        (r"(?P<v>\S+) is given twice", N_("{v} finns två gånger")),
        (r"every schedule needs a non-empty id", N_("schemat behöver ett id")),
        (r"must be closed, half_day or normal", N_("välj stängt, halvdag eller vanliga tider")),
        (r"must be true or false", N_("välj ja eller nej")),
        (r"must be a prompt id \(text\)", N_("skriv ett meddelandes id")),
        (
            rf"no prompt {_VALUE}: upload it first",
            N_("meddelandet {v} finns inte; ladda upp det först"),
        ),
        (rf"no queue {_VALUE}: create it first", N_("kön {v} finns inte; skapa den först")),
        (rf"no schedule {_VALUE}: create it first", N_("schemat {v} finns inte; skapa det först")),
        (rf"unknown node {_VALUE}", N_("det finns ingen nod {v}")),
        (r"must name a node", N_("välj en nod")),
        (r"is required \(text\)", N_("måste fyllas i")),
        (rf"must be text, got {_VALUE}", N_("ska vara text, inte {v}")),
        (
            rf"must be a number ≥ (?P<n>\S+), got {_VALUE}",
            N_("ska vara ett tal, minst {n}, inte {v}"),
        ),
        (
            rf"must be a whole number ≥ (?P<n>\S+), got {_VALUE}",
            N_("ska vara ett heltal, minst {n}, inte {v}"),
        ),
        (
            rf"must be a whole number (?P<n>\S+), got {_VALUE}",
            N_("ska vara ett heltal {n}, inte {v}"),
        ),
        (rf"must be a whole number, got {_VALUE}", N_("ska vara ett heltal, inte {v}")),
        (rf"must be a number, got {_VALUE}", N_("ska vara ett tal, inte {v}")),
        (r"needs at least one prompt", N_("behöver minst ett meddelande")),
        (r"must be a list of prompt ids", N_("skriv meddelandenas id, skilda med komma")),
        (rf"must be one key of .*, got {_VALUE}", N_("välj en knapp 0–9, * eller #, inte {v}")),
        (r"a menu needs at least one option", N_("en meny behöver minst ett val")),
        (
            r"is the operator key; choose another key",
            N_("är knappen till växeln; välj en annan knapp"),
        ),
        (r"is the same key as the callback offer", N_("är samma knapp som för återuppringning")),
        (
            rf"unknown switch {_VALUE}; declare it under 'switches'",
            N_("brytaren {v} finns inte; lägg till den under Brytare"),
        ),
        (r"must be sv or en", N_("välj svenska (sv) eller engelska (en)")),
        (r"must be 'personnummer' or left out", N_("välj personnummer eller ingen kontroll")),
        (r"a flow needs at least one node", N_("ett flöde behöver minst en nod")),
        (r"every node needs a name", N_("varje nod behöver ett namn")),
        (r"two nodes have this name", N_("två noder har samma namn")),
        (rf"must stay {_VALUE}", N_("id:t ska vara kvar {v}")),
        (r"must be a mapping", N_("har fel form")),
        (
            r"unknown setting; allowed(?: here)?: (?P<n>.*)",
            N_("okänd inställning; tillåtna är {n}"),
        ),
    )
)


def reason_text(reason: str) -> str:
    """The Swedish (or chosen language's) wording of a ConfigError's reason."""
    for pattern, wording in REASONS:
        match = pattern.match(reason)
        if match is not None:
            return gettext(wording).format(**match.groupdict())
    return reason
