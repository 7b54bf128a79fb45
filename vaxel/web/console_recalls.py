"""The operator's recalls on her console card (issue 16 §3, spec §50–52): a transfer that
came back says what happened — "Ej svar hos Karin Carlsson, 30 s", "Upptaget hos …",
"Avvisat av …" — so she can tell the caller before she tries again.

Telephony lists the recalls (``recall_list.recalls_for``); this words them, naming the
target as the directory knows the number (else the number itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from vaxel.web.i18n import gettext

__all__ = ["recall_lines", "requeued_line"]


def _reason(reason: str, name: str, rung_s: int) -> str:
    if reason == "no-answer":
        return gettext("Ej svar hos {name}, {seconds} s").format(name=name, seconds=rung_s)
    if reason == "busy":
        return gettext("Upptaget hos {name}").format(name=name)
    if reason == "rejected":
        return gettext("Avvisat av {name}").format(name=name)
    return gettext("Kunde inte nå {name}").format(name=name)


def _state(state: str) -> str:
    if state == "ringing":
        return gettext("Ringer tillbaka till dig – svara i telefonen")
    if state == "waiting":
        return gettext("Obesvarad återringning: ringer dig igen strax")
    return gettext("Tillbaka hos dig")


def requeued_line(row: Mapping[str, object] | None, name_of: Callable[[str], str]) -> str | None:
    """The card's line for a call back from a recall nobody took (issue 16 §3): whoever
    is offered it reads why — "Återkoppling: Ej svar hos Karin Carlsson, 30 s"."""
    if row is None:
        return None
    number = str(row.get("number") or "")
    name = (name_of(number) if number else "") or number or gettext("målet")
    why = _reason(str(row.get("reason")), name, int(str(row.get("rung_s") or 0)))
    return gettext("Återkoppling: {why}").format(why=why)


def recall_lines(
    rows: Sequence[Mapping[str, object]], name_of: Callable[[str], str]
) -> list[dict[str, Any]]:
    """The card's recall lines: the caller, what happened and where it is now.
    ``name_of`` gives the directory name of a number ("" unknown)."""
    lines = []
    for row in rows:
        number = str(row.get("number") or "")
        name = (name_of(number) if number else "") or number or gettext("målet")
        lines.append(
            {
                "id": str(row["id"]),
                "caller_number": str(row.get("caller_number") or ""),
                "reason": str(row.get("reason") or ""),
                "text": _reason(str(row.get("reason")), name, int(str(row.get("rung_s") or 0))),
                "state": str(row.get("state") or ""),
                "state_text": _state(str(row.get("state") or "")),
                "since_s": int(str(row.get("since_s") or 0)),
            }
        )
    return lines
