"""Prompt audio: the generated Swedish/English sets (µ-law, 8 kHz) and admin uploads.

Files live at ``<root>/<prompt id>.ulaw`` (ids like ``sv/num/21-ett``); see
``scripts/make_prompts.py`` for how the built-in sets are made and ``vaxel.speech.catalogue``
for the ids.
"""

from vaxel.prompts.library import PromptLibrary, UnknownPrompt

__all__ = ["PromptLibrary", "UnknownPrompt"]
