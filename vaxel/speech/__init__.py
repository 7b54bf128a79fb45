"""Swedish phrases (numbers, ordinals, durations) as prompt-file sequences.

Pure core (no I/O): builders return tuples of prompt ids from the catalogue (Q5, Q8, Q9,
Q11, CB1-CB3, DIR3). See ``catalogue`` for the id scheme and ``numbers`` for the grammar.
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
from vaxel.speech.presence import (
    absent_person,
    extension_name,
    presence_offer,
    presence_reason,
    return_time,
)

__all__ = [
    "MAX_CARDINAL",
    "MAX_ORDINAL",
    "PAUSE",
    "Gender",
    "Language",
    "WaitRounding",
    "absent_person",
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
    "extension_name",
    "group_digits",
    "missing_prompts",
    "normalise_digits",
    "ordinal",
    "phone_number",
    "position",
    "presence_offer",
    "presence_reason",
    "prompt_id",
    "return_time",
    "rounded_wait_minutes",
    "time_interval",
    "time_of_day",
]
