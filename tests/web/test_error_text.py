"""Every config rule reads in Swedish and English, by its code (issue 12 §4, STYLE rule 5).

No error a user can cause is shown in the core's English: each rule of
:data:`vaxel.core.rules.RULES` has a wording here with the same parameters, and every
``ConfigError`` raised in the sources names a rule by its code rather than free English.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from vaxel.core.errors import ConfigError, DomainError
from vaxel.core.rules import RULES
from vaxel.prompts.convert import ConversionProblem, PromptConversionError
from vaxel.runtime.extensions import ExtensionError
from vaxel.web.error_text import CONFIG_RULES, DOMAIN_ERRORS, error_text, rule_text
from vaxel.web.i18n import use_language

ROOT = Path(__file__).parents[2] / "vaxel"
SAMPLE = {"value": "x", "values": "a, b", "min": 1, "max": 9, "length": 12, "allowed": "a, b"}
SAMPLE |= {"other": "b", "start": "08:00", "suggestion": "vaxel", "owner": "Exempelby"}
SAMPLE |= {"users": "flow:huvudflode", "server": "smtp.example:587", "answer": "535 nekad"}


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_rule_has_a_swedish_wording_with_the_same_parameters() -> None:
    assert set(CONFIG_RULES) == set(RULES) - {"invalid"}
    for code, wording in CONFIG_RULES.items():
        assert _names(wording) <= _names(RULES[code]), code


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_rule_reads_without_english_leftovers(language: str) -> None:
    use_language(language)
    try:
        for code in CONFIG_RULES:
            text = rule_text(ConfigError("field", code, **SAMPLE))
            assert text and "{" not in text, code
            assert text != rule_text(ConfigError("f", "no such rule")), code
    finally:
        use_language("sv")


def test_english_is_chosen_by_code_not_by_matching_the_cores_text() -> None:
    use_language("en")
    try:
        error = ConfigError("weekly.mon", "time-format", value="8-17")
        assert rule_text(error) == "write the time as HH:MM, not '8-17'"
    finally:
        use_language("sv")
    assert rule_text(error) == "skriv tiden TT:MM, inte '8-17'"


def _config_error_classes(trees: list[ast.Module]) -> tuple[set[str], set[str]]:
    """Names of ``ConfigError`` and its subclasses in the sources: those taking ``(field,
    rule, …)`` as it does, and those with their own signature (``MainNumberTaken``), whose
    ``super().__init__(field, rule, …)`` is checked instead."""
    bases: dict[str, list[str]] = {}
    own_signature: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = [b.id for b in node.bases if isinstance(b, ast.Name)]
                for item in node.body:
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        names = [a.arg for a in item.args.args]
                        if names[1:3] != ["field", "rule"]:
                            own_signature.add(node.name)
    found = {"ConfigError"}
    while True:
        more = {name for name, parents in bases.items() if found & set(parents)} - found
        if not more:
            break
        found |= more
    return found - own_signature, found & own_signature


def _rule_of(call: ast.Call, position: int) -> list[object]:
    rule = call.args[position]
    choices = [rule.body, rule.orelse] if isinstance(rule, ast.IfExp) else [rule]
    return [c.value if isinstance(c, ast.Constant) else ast.unparse(c) for c in choices]


def _raised_rules() -> list[tuple[str, int, object]]:
    """(file, line, rule) of every ``ConfigError(field, rule, …)`` in the sources, of every
    call of a subclass that takes the same arguments (``ExtensionError``, ``PromptError``),
    and of the ``super().__init__`` of a subclass with a signature of its own."""
    paths = sorted(ROOT.rglob("*.py"))
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in paths]
    alike, own = _config_error_classes(trees)
    found = []
    for path, tree in zip(paths, trees, strict=True):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in own:
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "__init__"
                        and len(call.args) >= 2
                    ):
                        found += [(where, call.lineno, r) for r in _rule_of(call, 1)]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in alike | {"_require"}
                and len(node.args) >= 2
            ):
                position = -1 if node.func.id == "_require" else 1
                found += [(where, node.lineno, r) for r in _rule_of(node, position)]
    return found


def test_subclasses_of_config_error_are_found_too() -> None:
    """The extension, prompt and main-number refusals are checked like ConfigError's own."""
    files = {f for f, _, _ in _raised_rules()}
    assert {"runtime/extensions.py", "runtime/prompts.py", "store/repositories.py"} <= files


def test_every_config_error_in_the_sources_names_a_rule_by_code() -> None:
    raised = _raised_rules()
    assert len(raised) > 100
    uncoded = [(f, line, rule) for f, line, rule in raised if rule not in RULES]
    allowed = {"rule", "self.code"}  # helpers that pass a code on
    assert [u for u in uncoded if u[2] not in allowed] == []


def test_extension_and_upload_refusals_read_by_code_in_both_languages() -> None:
    """Issue 12 §4's leftovers: no longer free English with code ``invalid``."""
    taken = ExtensionError("number", "extension-number-taken", value="1001")
    unreadable = PromptConversionError("jingel.ogg", ConversionProblem.UNSUPPORTED_FORMAT, "Ogg")
    assert (taken.code, unreadable.code) == ("extension-number-taken", "upload-unsupported-format")
    assert dict(unreadable.params) == {"filename": "jingel.ogg"}
    assert error_text(taken) == "Numret används redan av en annan anknytning"
    assert error_text(unreadable) == "jingel.ogg: Filformatet stöds inte: ladda upp WAV eller MP3"
    use_language("en")
    try:
        assert error_text(taken) == "The number is already used by another extension"
        assert error_text(unreadable) == (
            "jingel.ogg: The file format is not supported: upload WAV or MP3"
        )
    finally:
        use_language("sv")


def _domain_errors_raised() -> list[tuple[str, int, str]]:
    """(file, line, code) of every ``DomainError(…)`` raised in the sources."""
    found = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "DomainError"
            ):
                code = next((k.value for k in node.keywords if k.arg == "code"), None)
                value = code.value if isinstance(code, ast.Constant) else ""
                found.append((str(path.relative_to(ROOT)), node.lineno, str(value)))
    return found


def test_every_domain_error_in_the_sources_has_a_worded_code() -> None:
    """An agent refused by the engine reads why in Swedish, never the core's English."""
    raised = _domain_errors_raised()
    assert len(raised) >= 10
    assert [r for r in raised if r[2] not in DOMAIN_ERRORS] == []
    refused = DomainError("not logged in", code="not-logged-in-to-queue", queue="kundtjanst")
    assert error_text(refused) == "Handläggaren är inte inloggad i kön kundtjanst"
