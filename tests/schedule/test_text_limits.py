"""Names and ids in schedules and flows have the limits of vaxel.core.limits (issue 9 §3)."""

from __future__ import annotations

import pytest

from vaxel.core.errors import ConfigError
from vaxel.flow import flow_from_dict
from vaxel.schedule import schedule_from_dict


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"id": "s", "name": "N" * 101}, "name"),
        ({"id": "s" * 65}, "id"),
        (
            {"id": "s", "exceptions": [{"date": "2026-12-24", "name": "N" * 101}]},
            "exceptions[0].name",
        ),
        ({"id": "s", "yearly": [{"date": "12-24", "name": "N" * 101}]}, "yearly[0].name"),
    ],
)
def test_a_schedule_with_a_text_over_its_limit_is_refused_naming_the_field(
    document: dict[str, object], field: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        schedule_from_dict(document)
    assert refused.value.field == field and "at most" in refused.value.reason
    assert schedule_from_dict({"id": "s", "name": "N" * 100}).name == "N" * 100


def test_a_flow_node_name_over_the_id_limit_is_refused() -> None:
    name = "n" * 65
    document = {"id": "f", "start": name, "nodes": {name: {"type": "hangup"}}}
    with pytest.raises(ConfigError) as refused:
        flow_from_dict(document)
    assert refused.value.field == f"nodes.{name}" and "at most 64" in refused.value.reason
