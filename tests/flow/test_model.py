"""Loading flows: the demo flow loads, bad flows are refused with the exact path (IVR1–IVR4)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from vaxel.core.errors import ConfigError
from vaxel.flow import flow_from_dict
from vaxel.flow.model import Menu, QueueNode
from vaxel.flow.validation import valid_personnummer

DEMO = Path(__file__).parents[2] / "vaxel" / "flow" / "demo_flow.yaml"


def demo() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    return data


def test_demo_flow_has_three_menu_levels_and_every_node_kind_it_needs() -> None:
    flow = flow_from_dict(demo())
    menus = [name for name, node in flow.nodes.items() if isinstance(node, Menu)]
    assert {"huvudmeny", "kundtjanst_meny", "avgifter_meny"} <= set(menus)
    queues = {node.queue for node in flow.nodes.values() if isinstance(node, QueueNode)}
    assert queues == {"vaxel", "kundtjanst", "bygglov", "barnomsorg"}
    assert "sv/exempelby/valkommen" in flow.prompt_ids()


def broken(path: list[str | int], value: object) -> dict[str, Any]:
    data = copy.deepcopy(demo())
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        (
            broken(["nodes", "huvudmeny", "options", "3"], "saknas"),
            "nodes.huvudmeny.options.3",
            "unknown node 'saknas'",
        ),
        (broken(["start"], "ingenstans"), "start", "unknown node"),
        (
            broken(["nodes", "valkommen", "type"], "sjung"),
            "nodes.valkommen.type",
            "unknown node type",
        ),
        (
            broken(["nodes", "huvudmeny", "options", "0"], "kundtjanst_meny"),
            "nodes.huvudmeny.options.0",
            "operator key",
        ),
        (
            broken(["nodes", "huvudmeny", "options", "12"], "bygglov_ko"),
            "nodes.huvudmeny.options.12",
            "one key",
        ),
        (broken(["nodes", "huvudmeny", "timeout_s"], -1), "nodes.huvudmeny.timeout_s", "≥ 1"),
        (
            broken(["nodes", "barnomsorg_pnr", "validate"], "iban"),
            "nodes.barnomsorg_pnr.validate",
            "personnummer",
        ),
        (
            broken(["nodes", "lavinbesked", "switch"], "okand"),
            "nodes.lavinbesked.switch",
            "declare it",
        ),
        (
            broken(["nodes", "kundtjanst_ko", "data_entry", "key"], "1"),
            "nodes.kundtjanst_ko.data_entry.key",
            "same key",
        ),
        (
            broken(["nodes", "kundtjanst_ko", "queue"], KeyError),
            "nodes.kundtjanst_ko.queue",
            "required",
        ),
        (broken(["nodes", "stangt", "volume"], 11), "nodes.stangt.volume", "unknown setting"),
        (broken(["nodes", "valkommen", "prompts"], []), "nodes.valkommen.prompts", "list"),
    ],
)
def test_bad_flows_name_the_field(data: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(ConfigError) as error:
        flow_from_dict(data)
    assert error.value.field == field
    assert reason in error.value.reason


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("811218-9876".replace("-", ""), True),
        ("198112189876", True),
        ("8112189875", False),
        ("811318987", False),
        ("abcdefghij", False),
    ],
)
def test_personnummer_check_digit(digits: str, valid: bool) -> None:
    assert valid_personnummer(digits) is valid
