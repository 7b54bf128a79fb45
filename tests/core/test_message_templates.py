"""Message templates (OP7): only known placeholders, limits, filling that cannot inject."""

from __future__ import annotations

import pytest

from vaxel.core.errors import DomainError
from vaxel.core.message_templates import NoSmsGateway, check_template, fill, placeholders


def test_placeholders_are_named_and_unknown_ones_refused_by_name() -> None:
    assert placeholders("Ring {namn} på {nummer} angående {ärende}") == [
        "namn",
        "nummer",
        "ärende",
    ]
    with pytest.raises(DomainError) as refused:
        placeholders("Ring {namn} om {arende}")
    assert (refused.value.code, refused.value.params["placeholder"]) == (
        "template-placeholder",
        "arende",
    )
    for body in ("Ring {namn", "Ring namn}", "{namn!r}", "{namn:>10}", "{0}", "{}"):
        with pytest.raises(DomainError):
            placeholders(body)


def test_limits() -> None:
    assert check_template("  Ring upp ", " Hej {namn} ") == ("Ring upp", "Hej {namn}")
    for name, body, code in (
        ("", "Hej", "template-name"),
        ("n" * 81, "Hej", "template-name"),
        ("Mall", " ", "template-body"),
        ("Mall", "x" * 1001, "template-body"),
    ):
        with pytest.raises(DomainError) as refused:
            check_template(name, body)
        assert refused.value.code == code


def test_fill_keeps_braces_in_values_as_text_and_cuts_long_values() -> None:
    body = "Ring {namn} på {nummer} angående {ärende}"
    assert fill(body, {"namn": "{nummer}", "nummer": "070"}) == "Ring {nummer} på 070 angående "
    assert len(fill("{ärende}", {"ärende": "x" * 500})) == 200


def test_no_sms_gateway_says_so() -> None:
    with pytest.raises(DomainError) as refused:
        NoSmsGateway().send_sms("t", "+46701234567", "Hej")
    assert refused.value.code == "sms-not-configured"
