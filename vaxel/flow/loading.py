"""Loading a flow from plain data (JSON/YAML) into :mod:`vaxel.flow.model`'s nodes.

:func:`flow_from_dict` validates everything before anything is used — every reference,
key, number and prompt list — and raises :class:`ConfigError` naming the path, e.g.
``nodes.huvudmeny.options.3: unknown node 'kundtjanst'``. Nothing is half-loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vaxel.core.errors import ConfigError
from vaxel.core.limits import ID_LENGTH, check_length
from vaxel.flow.model import (
    DIGITS,
    Announcement,
    Collect,
    Flow,
    Hangup,
    Menu,
    Node,
    Play,
    Prompt,
    QueueCallback,
    QueueDataEntry,
    QueueNode,
    ScheduleBranch,
    SwitchBranch,
    Transfer,
    Voicemail,
)

__all__ = ["flow_from_dict"]


def _mapping(data: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ConfigError(path, "mapping")
    return data


def _keys(data: Mapping[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(
            f"{path}.{unknown[0]}", "unknown-setting", allowed=", ".join(sorted(allowed))
        )


def _text(data: Mapping[str, Any], key: str, path: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or (default is None and not value):
        raise ConfigError(
            f"{path}.{key}",
            "required-text" if value is None else "text",
            value=value,
        )
    return value


def _number(data: Mapping[str, Any], key: str, path: str, default: float, low: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
        raise ConfigError(f"{path}.{key}", "number-min", min=low, value=value)
    return float(value)


def _int(data: Mapping[str, Any], key: str, path: str, default: int, low: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{path}.{key}", "whole-number-min", min=low, value=value)
    return value


def _prompts(data: Any, path: str, required: bool = False) -> tuple[Prompt, ...]:
    if data is None:
        if required:
            raise ConfigError(path, "prompts-required")
        return ()
    if isinstance(data, str):
        data = [data]
    if not isinstance(data, list) or (required and not data):
        raise ConfigError(path, "prompt-list")
    prompts = []
    for index, item in enumerate(data):
        where = f"{path}[{index}]"
        if isinstance(item, str) and item:
            prompts.append(Prompt(item))
        elif isinstance(item, Mapping) and isinstance(item.get("id"), str) and item["id"]:
            _keys(item, {"id", "interruptible"}, where)
            interruptible = item.get("interruptible", True)
            if not isinstance(interruptible, bool):
                raise ConfigError(f"{where}.interruptible", "true-or-false")
            prompts.append(Prompt(item["id"], interruptible))
        else:
            raise ConfigError(where, "prompt-item", value=item)
    return tuple(prompts)


def _key(value: Any, path: str) -> str:
    if not isinstance(value, str | int) or str(value) not in tuple(DIGITS) or len(str(value)) != 1:
        raise ConfigError(path, "key", allowed=DIGITS, value=value)
    return str(value)


def _validation(data: Mapping[str, Any], path: str) -> str:
    validate = data.get("validate", "")
    if validate not in ("", "personnummer"):
        raise ConfigError(f"{path}.validate", "validate")
    return str(validate)


def _node(name: str, data: Any, path: str) -> Node:
    data = _mapping(data, path)
    kind = data.get("type")
    common = {"type"}
    if kind == "play":
        _keys(data, common | {"prompts", "next"}, path)
        return Play(
            _prompts(data.get("prompts"), f"{path}.prompts", True), _text(data, "next", path)
        )
    if kind == "announcement":
        _keys(data, common | {"switch", "prompts", "next"}, path)
        return Announcement(
            _text(data, "switch", path),
            _prompts(data.get("prompts"), f"{path}.prompts", True),
            _text(data, "next", path),
        )
    if kind == "menu":
        _keys(
            data,
            common | {"prompts", "options", "repeat", "timeout_s", "invalid", "no_input"},
            path,
        )
        options_data = _mapping(data.get("options"), f"{path}.options")
        if not options_data:
            raise ConfigError(f"{path}.options", "menu-options")
        options = {}
        for key, target in options_data.items():
            digit = _key(key, f"{path}.options.{key}")
            if not isinstance(target, str):
                raise ConfigError(f"{path}.options.{key}", "node-target")
            options[digit] = target
        return Menu(
            _prompts(data.get("prompts"), f"{path}.prompts", True),
            options,
            _int(data, "repeat", path, 2, 0),
            _number(data, "timeout_s", path, 6.0, 1.0),
            _prompts(data.get("invalid"), f"{path}.invalid"),
            _text(data, "no_input", path, ""),
        )
    if kind == "collect":
        _keys(
            data,
            common
            | {
                "prompts",
                "into",
                "next",
                "length",
                "max_length",
                "first_digit_timeout_s",
                "inter_digit_timeout_s",
                "validate",
                "invalid",
                "retries",
                "fail",
            },
            path,
        )
        length = _int(data, "length", path, 0, 0)
        return Collect(
            _prompts(data.get("prompts"), f"{path}.prompts", True),
            _text(data, "into", path),
            _text(data, "next", path),
            length,
            _int(data, "max_length", path, 20, 1),
            _number(data, "first_digit_timeout_s", path, 8.0, 1.0),
            _number(data, "inter_digit_timeout_s", path, 3.0, 0.5),
            _validation(data, path),
            _prompts(data.get("invalid"), f"{path}.invalid"),
            _int(data, "retries", path, 2, 0),
            _text(data, "fail", path, ""),
        )
    if kind == "schedule":
        _keys(data, common | {"schedule", "open", "closed"}, path)
        return ScheduleBranch(
            _text(data, "schedule", path), _text(data, "open", path), _text(data, "closed", path)
        )
    if kind == "switch":
        _keys(data, common | {"switch", "on", "off"}, path)
        return SwitchBranch(
            _text(data, "switch", path), _text(data, "on", path), _text(data, "off", path)
        )
    if kind == "queue":
        return _queue_node(data, path)
    if kind == "transfer":
        _keys(data, common | {"target"}, path)
        return Transfer(_text(data, "target", path))
    if kind == "voicemail":
        _keys(data, common | {"box"}, path)
        return Voicemail(_text(data, "box", path))
    if kind == "hangup":
        _keys(data, common | {"prompts"}, path)
        return Hangup(_prompts(data.get("prompts"), f"{path}.prompts"))
    raise ConfigError(
        f"{path}.type",
        "node-type",
        value=kind,
        allowed=(
            "play, announcement, menu, collect, schedule, switch, queue, transfer, voicemail, "
            "hangup"
        ),
    )


def _queue_node(data: Mapping[str, Any], path: str) -> QueueNode:
    _keys(
        data,
        {
            "type",
            "queue",
            "welcome",
            "first_message",
            "repeated_messages",
            "repeat_every_s",
            "announce_position",
            "announce_wait",
            "agents_minimum",
            "music",
            "ringback",
            "whisper",
            "data_entry",
            "callback",
            "priority",
        },
        path,
    )
    repeated_data = data.get("repeated_messages", [])
    if not isinstance(repeated_data, list):
        raise ConfigError(f"{path}.repeated_messages", "prompt-lists")
    repeated = tuple(
        _prompts(item, f"{path}.repeated_messages[{i}]", True)
        for i, item in enumerate(repeated_data)
    )
    flags = {}
    for flag, default in (
        ("announce_position", True),
        ("announce_wait", True),
        ("ringback", False),
    ):
        value = data.get(flag, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{path}.{flag}", "true-or-false")
        flags[flag] = value
    minimum = data.get("agents_minimum")
    if minimum is not None:
        minimum = _int(data, "agents_minimum", path, 0, 0)
    entry = None
    if data.get("data_entry") is not None:
        entry_path = f"{path}.data_entry"
        raw = _mapping(data["data_entry"], entry_path)
        _keys(
            raw,
            {"key", "into", "prompts", "length", "max_length", "validate", "thanks"},
            entry_path,
        )
        entry = QueueDataEntry(
            _key(raw.get("key"), f"{entry_path}.key"),
            _text(raw, "into", entry_path),
            _prompts(raw.get("prompts"), f"{entry_path}.prompts", True),
            _int(raw, "length", entry_path, 0, 0),
            _int(raw, "max_length", entry_path, 12, 1),
            _validation(raw, entry_path),
            _prompts(raw.get("thanks"), f"{entry_path}.thanks"),
        )
    callback = None
    if data.get("callback") is not None:
        raw = _mapping(data["callback"], f"{path}.callback")
        _keys(raw, {"key", "forced"}, f"{path}.callback")
        forced = raw.get("forced", False)
        if not isinstance(forced, bool):
            raise ConfigError(f"{path}.callback.forced", "true-or-false")
        callback = QueueCallback(_key(raw.get("key", "1"), f"{path}.callback.key"), forced)
    if entry is not None and callback is not None and entry.key == callback.key:
        raise ConfigError(f"{path}.data_entry.key", "callback-key")
    return QueueNode(
        queue=_text(data, "queue", path),
        welcome=_prompts(data.get("welcome"), f"{path}.welcome"),
        first_message=_prompts(data.get("first_message"), f"{path}.first_message"),
        repeated_messages=repeated,
        repeat_every_s=_number(data, "repeat_every_s", path, 45.0, 5.0),
        announce_position=flags["announce_position"],
        announce_wait=flags["announce_wait"],
        agents_minimum=minimum,
        music=_text(data, "music", path, "music/default"),
        ringback=flags["ringback"],
        whisper=_prompts(data.get("whisper"), f"{path}.whisper"),
        data_entry=entry,
        callback=callback,
        priority=_int(data, "priority", path, 0, 0),
    )


def _targets(node: Node) -> list[tuple[str, str]]:
    """(field, node name) pairs a node refers to."""
    if isinstance(node, Play | Announcement):
        return [("next", node.next)]
    if isinstance(node, Menu):
        pairs = [(f"options.{key}", target) for key, target in node.options.items()]
        return pairs + ([("no_input", node.no_input)] if node.no_input else [])
    if isinstance(node, Collect):
        return [("next", node.next)] + ([("fail", node.fail)] if node.fail else [])
    if isinstance(node, ScheduleBranch):
        return [("open", node.open), ("closed", node.closed)]
    if isinstance(node, SwitchBranch):
        return [("on", node.on), ("off", node.off)]
    return []


def flow_from_dict(data: Any) -> Flow:
    """Load and check a flow; raises ConfigError naming the first problem's path."""
    data = _mapping(data, "flow")
    allowed = {"id", "start", "nodes", "operator", "operator_key", "language", "switches"}
    _keys(data, allowed, "flow")
    flow_id = _text(data, "id", "flow")
    check_length("id", flow_id, ID_LENGTH)
    nodes_data = _mapping(data.get("nodes"), "nodes")
    if not nodes_data:
        raise ConfigError("nodes", "nodes-required")
    for name in nodes_data:  # node names are shown in the editor and the logs
        check_length(f"nodes.{name}", str(name), ID_LENGTH)
    nodes = {
        str(name): _node(str(name), node, f"nodes.{name}") for name, node in nodes_data.items()
    }
    start = _text(data, "start", "flow")
    if start not in nodes:
        raise ConfigError("start", "unknown-node", value=start)
    for name, node in nodes.items():
        for field_name, target in _targets(node):
            if target not in nodes:
                raise ConfigError(f"nodes.{name}.{field_name}", "unknown-node", value=target)
    operator = _text(data, "operator", "flow", "")
    if operator and operator not in nodes:
        raise ConfigError("operator", "unknown-node", value=operator)
    operator_key = _key(data.get("operator_key", "0"), "operator_key")
    for name, node in nodes.items():  # the key may lead to a queue only: the menu that a
        # switch puts before the operator queue (spec §70) sends it to that queue itself
        chosen = node.options.get(operator_key) if isinstance(node, Menu) else None
        if operator and chosen is not None and not isinstance(nodes[chosen], QueueNode):
            raise ConfigError(f"nodes.{name}.options.{operator_key}", "operator-key")
    switches = data.get("switches", [])
    if not isinstance(switches, list) or not all(isinstance(s, str) for s in switches):
        raise ConfigError("switches", "switch-list")
    for name, node in nodes.items():
        if isinstance(node, Announcement | SwitchBranch) and node.switch not in switches:
            raise ConfigError(
                f"nodes.{name}.switch",
                "unknown-switch",
                value=node.switch,
            )
    language = _text(data, "language", "flow", "sv")
    if language not in ("sv", "en"):
        raise ConfigError("language", "language")
    return Flow(flow_id, start, nodes, operator, operator_key, language, tuple(switches))
