"""Telephony's own prompts come in the caller's or tenant's language (issue 11 §1)."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from tests.telephony.conftest import directory
from vaxel.prompts import PromptLibrary
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.telephony.notices import SystemPrompt, system_prompt

TELEPHONY = Path(__file__).parents[2] / "vaxel" / "telephony"


@pytest.mark.parametrize("prompt", list(SystemPrompt))
def test_every_system_prompt_has_audio_in_swedish_and_english(prompt: SystemPrompt) -> None:
    library = PromptLibrary()
    swedish, english = system_prompt(prompt, "sv"), system_prompt(prompt, "en")
    assert swedish.startswith("sv/") and english.startswith("en/")
    assert library.exists(swedish) and library.exists(english)
    assert system_prompt(prompt, "fi") == swedish  # an unknown language falls back


def test_no_telephony_module_but_the_table_names_a_prompt_of_one_language() -> None:
    for source in TELEPHONY.glob("*.py"):
        if source.name == "notices.py":
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not node.value.startswith(("sv/", "en/")), (source.name, node.value)


def test_the_tenant_language_is_that_of_its_main_flow() -> None:
    numbers = directory(True)
    assert numbers.language(DEMO_TENANT) == "sv"
    service = numbers.numbers[MAIN_NUMBER]
    numbers.numbers[MAIN_NUMBER] = replace(service, flow=replace(service.flow, language="en"))
    assert numbers.language(DEMO_TENANT) == "en"
    assert numbers.language("no-such-tenant") == "sv"
