"""Errors carry a stable code and parameters (issue 12 §4, STYLE rule 5)."""

from __future__ import annotations

from vaxel.core.errors import ConfigError, IllegalTransition, UnknownContact
from vaxel.core.rules import RULES


def test_a_config_error_names_field_rule_and_parameters() -> None:
    error = ConfigError("weekly.mon", "time-format", value="8-17")
    assert error.code == "time-format"
    assert dict(error.params) == {"field": "weekly.mon", "value": "8-17"}
    assert str(error) == "weekly.mon: must be HH:MM, got '8-17'"  # English, for logs
    moved = error.within("schedule")
    assert (moved.field, moved.code, dict(moved.rule_params)) == (
        "schedule.weekly.mon",
        "time-format",
        {"value": "8-17"},
    )


def test_free_text_is_kept_as_an_invalid_setting_with_its_reason() -> None:
    error = ConfigError("x", "something nobody coded")
    assert error.code == "invalid" and error.reason == "something nobody coded"


def test_domain_errors_have_codes() -> None:
    assert UnknownContact("c1", "t").code == "unknown-contact"
    assert dict(UnknownContact("c1", "t").params) == {"kind": "contact", "id": "c1"}
    step = IllegalTransition("agent", "ready", "WrapUpCancelled")
    assert step.code == "illegal-transition" and step.params["state"] == "ready"


def test_every_rule_has_an_english_wording_that_formats() -> None:
    for code, wording in RULES.items():
        assert code == code.lower() and " " not in code
        assert wording
