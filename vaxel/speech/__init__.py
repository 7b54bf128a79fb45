"""Swedish phrases (numbers, ordinals, durations) as prompt-file sequences.

Pure core (no I/O): builders return tuples of prompt ids from the catalogue (Q5, Q8, Q9,
Q11, CB1-CB3). See ``catalogue`` for the id scheme and ``numbers`` for the grammar.
"""

from vaxel.speech.announce import (
    WaitRounding,
    agents_available,
    callback_booked,
    callback_choice,
    callback_confirm,
    callback_offer,
    calls_ahead,
    estimated_wait,
    position,
    rounded_wait_minutes,
    time_interval,
    time_of_day,
)
from vaxel.speech.catalogue import PAUSE, Language, catalogue, missing_prompts, prompt_id
from vaxel.speech.numbers import MAX_CARDINAL, MAX_ORDINAL, Gender, cardinal, count_noun, ordinal
from vaxel.speech.phone import group_digits, normalise_digits, phone_number

__all__ = [
    "MAX_CARDINAL",
    "MAX_ORDINAL",
    "PAUSE",
    "Gender",
    "Language",
    "WaitRounding",
    "agents_available",
    "callback_booked",
    "callback_choice",
    "callback_confirm",
    "callback_offer",
    "calls_ahead",
    "cardinal",
    "catalogue",
    "count_noun",
    "estimated_wait",
    "group_digits",
    "missing_prompts",
    "normalise_digits",
    "ordinal",
    "phone_number",
    "position",
    "prompt_id",
    "rounded_wait_minutes",
    "time_interval",
    "time_of_day",
]
