"""What the queue editor's choices and inputs are called (Q14–Q20, Q25, CB1–CB11), in
Swedish (translated when shown): the strategies, overflow triggers and targets, channels,
each input's label and the section it sits in, so a refusal can say where it is
("Överflöde, regel 2: Max väntetid (s)").
"""

from __future__ import annotations

import re

from vaxel.acd.model import Channel, OverflowAction, OverflowTrigger, Strategy
from vaxel.web.i18n import N_, gettext

__all__ = ["ACTIONS", "CHANNELS", "STRATEGIES", "TRIGGERS", "describe", "label"]

STRATEGIES = {
    Strategy.LONGEST_IDLE.value: N_("Längst ledig"),
    Strategy.ROUND_ROBIN.value: N_("Turordning (rättvis)"),
    Strategy.RING_ALL.value: N_("Ring flera samtidigt"),
    Strategy.LINEAR.value: N_("I fast ordning (linjär)"),
    Strategy.FEWEST_CALLS.value: N_("Färst samtal"),
    Strategy.RANDOM.value: N_("Slumpvis"),
    Strategy.SKILLS.value: N_("Kompetens med nivåer"),
}
TRIGGERS = {
    OverflowTrigger.MAX_LENGTH.value: N_("Kön är för lång"),
    OverflowTrigger.MAX_WAIT.value: N_("Väntat för länge"),
    OverflowTrigger.NO_AGENTS.value: N_("Ingen handläggare inloggad"),
    OverflowTrigger.CLOSED.value: N_("Kön är stängd"),
}
ACTIONS = {
    OverflowAction.QUEUE.value: N_("Till annan kö"),
    OverflowAction.NUMBER.value: N_("Till externt nummer"),
    OverflowAction.BUSY.value: N_("Upptaget"),
}
CHANNELS = {
    Channel.CALL.value: N_("Samtal"),
    Channel.CALLBACK.value: N_("Återuppringning"),
    Channel.EMAIL.value: N_("E-post"),
    Channel.SMS.value: N_("SMS"),
    Channel.CHAT.value: N_("Chatt"),
}

LABELS = {
    "queue_id": N_("Id"),
    "name": N_("Namn"),
    "strategy": N_("Fördelning"),
    "offer_timeout_s": N_("Erbjudandet ringer i (s)"),
    "ring_count": N_("Antal som rings samtidigt (0 = alla)"),
    "wrap_up_s": N_("Efterarbete (s)"),
    "priority": N_("Prioritet"),
    "service_level_s": N_("Servicenivå: svar inom (s)"),
    "service_level_goal": N_("Servicenivå: mål (%)"),
    "short_abandon_s": N_("Korta avhopp under (s) räknas inte"),
    "sticky_window_s": N_("Samma handläggare igen inom (s)"),
    "private_max_wait_s": N_("Personligt ärende väntar högst (s)"),
    "linear_order": N_("Ordning för linjär fördelning (handläggar-id)"),
    "trigger": N_("När"),
    "channels": N_("Kanaler (inga = alla)"),
    "target.action": N_("Vart"),
    "target.queue_id": N_("Kö"),
    "target.number": N_("Nummer"),
    "max_length": N_("Max antal väntande"),
    "max_wait_s": N_("Max väntetid (s)"),
    "enabled": N_("På"),
    "close_at_length": N_("Stäng vid antal väntande"),
    "close_at_wait_s": N_("Stäng vid väntetid (s)"),
    "reopen_below_length": N_("Öppna igen under antal väntande"),
    "reopen_below_wait_s": N_("Öppna igen under väntetid (s)"),
    "activate_waiting": N_("Kalla in vid antal väntande"),
    "activate_wait_s": N_("Kalla in vid väntetid (s)"),
    "release_waiting": N_("Släpp under antal väntande"),
    "release_wait_s": N_("Släpp under väntetid (s)"),
    "forced": N_("Endast återuppringning (ingen kö)"),
    "create_on_abandon": N_("Ring upp den som lägger på i kön"),
    "retry_delay_s": N_("Nytt försök efter (s)"),
    "max_attempts": N_("Max antal försök"),
    "schedule_id": N_("Bokas inom öppettiderna (schema-id)"),
    "opening_schedule_id": N_("Öppettider (schema-id)"),
    "always": N_("Erbjud alltid"),
    "more_waiting_than": N_("Fler väntande än"),
    "estimated_wait_over_s": N_("Beräknad väntetid över (s)"),
    "average_wait_over_s": N_("Medelväntetid över (s)"),
    "between[0]": N_("Erbjud från (TT:MM)"),
    "between[1]": N_("Erbjud till (TT:MM)"),
    "interval_id": N_("Id"),
    "start": N_("Från (TT:MM)"),
    "end": N_("Till (TT:MM)"),
    "prompt_id": N_("Meddelande (prompt-id)"),
}
SECTIONS = {
    "overflow": N_("Överflöde, regel {}"),
    "auto_close": N_("Automatisk stängning"),
    "standby": N_("Stand-by-handläggare"),
    "callback": N_("Återuppringning"),
    "callback.offer_rules": N_("Erbjudande om återuppringning"),
    "callback.intervals": N_("Återuppringning, tidsfönster {}"),
}


def label(name: str) -> str:
    """The label of one input, by its name without row numbers or section."""
    leaf = re.sub(
        r"^(overflow\[\d+\]|callback\.intervals\[\d+\]|callback\.offer_rules)\.", "", name
    )
    leaf = re.sub(r"^(auto_close|standby|callback)\.", "", leaf)
    leaf = re.sub(r"^channels\..*", "channels", leaf)
    return gettext(LABELS.get(leaf, leaf))


def describe(name: str) -> str:
    """Where an input is, in the admin's words ("Överflöde, regel 2: Max väntetid (s)")."""
    match = re.match(r"^(overflow|callback\.intervals)\[(\d+)\]", name)
    if match:
        place = gettext(SECTIONS[match.group(1)]).format(int(match.group(2)) + 1)
        return f"{place}: {label(name)}"
    for section in ("callback.offer_rules", "auto_close", "standby", "callback"):
        if name.startswith(section + "."):
            return f"{gettext(SECTIONS[section])}: {label(name)}"
    return label(name)
