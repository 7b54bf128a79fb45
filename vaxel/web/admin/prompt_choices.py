"""The prompts an admin can pick wherever a setting plays one (issue 9 §6, IVR5, Q2).

Queue messages, closures, opening hours and IVR flows name prompts by id. Typing an id by
heart invited typos that were stored and then played as silence; the pages now offer the
tenant's uploads and the built-in prompts to pick from and listen to (``_prompt_picker.html``
and ``static/prompt-picker.js``), and :class:`~vaxel.runtime.configuration.Configuration`
refuses an id that does not exist, naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.runtime.configuration import Configuration
from vaxel.runtime.prompts import TenantPrompts

__all__ = ["PromptChoice", "prompt_choices"]


@dataclass(frozen=True, slots=True)
class PromptChoice:
    prompt_id: str
    label: str
    """The upload's name, or the built-in prompt's id."""


def prompt_choices(configuration: Configuration, tenant_id: str) -> list[PromptChoice]:
    """The tenant's uploads (by name) first, then every built-in prompt."""
    prompts = TenantPrompts(configuration, configuration.prompt_library)
    uploads = [PromptChoice(p.prompt_id, p.name) for p in prompts.uploaded(tenant_id)]
    return uploads + [PromptChoice(i, i) for i in prompts.builtin_ids()]
