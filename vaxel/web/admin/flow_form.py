"""The IVR flow editor's form (IVR1–IVR7, ADM1): each node a fieldset of typed fields.

:data:`NODE_FIELDS` lists, per node type, the fields of the stored flow document that
:func:`vaxel.flow.flow_from_dict` reads — the one table both the template and the two
conversions follow. :class:`FlowForm` holds the values as the admin typed them, built from
a stored document (to show) or from a posted form (to keep the input when it is refused),
and turns back into a document; validation itself stays in the flow model and
:class:`~vaxel.runtime.configuration.Configuration`.

Prompt lists are written ``sv/a, sv/b``; a prompt that a key press must not cut short
(IVR2) starts with ``!``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from vaxel.core.errors import ConfigError
from vaxel.flow.model import DIGITS

__all__ = ["NODE_FIELDS", "NODE_TYPES", "FieldSpec", "FlowForm", "NodeForm"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a node: ``kind`` is prompts, prompt_lists, node, text, number, int,
    bool, queue, schedule, key, options or validate. ``label`` is Swedish."""

    name: str
    kind: str
    label: str
    required: bool = False
    default: bool = False
    """A checkbox's value for a node that has not been saved with this type."""
    placeholder: str = ""
    """The model's default, shown in an empty field."""


def N_(text: str) -> str:
    """Mark a label for the catalog (extraction looks for ``N_``); it is translated where it
    is shown (``_(spec.label)`` in the template)."""
    return text


def _prompts(name: str, label: str, required: bool = False) -> FieldSpec:
    return FieldSpec(name, "prompts", label, required)


NODE_TYPES = {
    "play": N_("Spela upp"),
    "announcement": N_("Lavinbesked"),
    "menu": N_("Meny"),
    "collect": N_("Sifferinmatning"),
    "schedule": N_("Öppettider"),
    "switch": N_("Nattservice (brytare)"),
    "queue": N_("Kö"),
    "transfer": N_("Koppla vidare"),
    "voicemail": N_("Röstbrevlåda"),
    "hangup": N_("Lägg på"),
}
"""Node types and their Swedish names (translated when shown)."""

NODE_FIELDS: Mapping[str, tuple[FieldSpec, ...]] = {
    "play": (
        _prompts("prompts", N_("Prompter"), True),
        FieldSpec("next", "node", N_("Sedan"), True),
    ),
    "announcement": (
        FieldSpec("switch", "text", N_("Brytare"), True),
        _prompts("prompts", N_("Prompter"), True),
        FieldSpec("next", "node", N_("Sedan"), True),
    ),
    "menu": (
        _prompts("prompts", N_("Prompter"), True),
        FieldSpec("options", "options", N_("Val")),
        _prompts("invalid", N_("Vid ogiltigt val")),
        FieldSpec("repeat", "int", N_("Upprepningar"), placeholder="2"),
        FieldSpec("timeout_s", "number", N_("Väntetid på val (s)"), placeholder="6"),
        FieldSpec("no_input", "node", N_("Om inget val görs")),
    ),
    "collect": (
        _prompts("prompts", N_("Prompter"), True),
        FieldSpec("into", "text", N_("Spara som (uppgift)"), True),
        FieldSpec("length", "int", N_("Antal siffror (0: valfritt)"), placeholder="0"),
        FieldSpec("max_length", "int", N_("Högst antal siffror"), placeholder="20"),
        FieldSpec(
            "first_digit_timeout_s", "number", N_("Väntetid på första siffran (s)"), placeholder="8"
        ),
        FieldSpec(
            "inter_digit_timeout_s", "number", N_("Väntetid mellan siffror (s)"), placeholder="3"
        ),
        FieldSpec("validate", "validate", N_("Kontroll")),
        _prompts("invalid", N_("Vid fel")),
        FieldSpec("retries", "int", N_("Nya försök"), placeholder="2"),
        FieldSpec("next", "node", N_("Sedan"), True),
        FieldSpec("fail", "node", N_("Vid upprepade fel")),
    ),
    "schedule": (
        FieldSpec("schedule", "schedule", N_("Schema"), True),
        FieldSpec("open", "node", N_("När öppet"), True),
        FieldSpec("closed", "node", N_("När stängt"), True),
    ),
    "switch": (
        FieldSpec("switch", "text", N_("Brytare"), True),
        FieldSpec("on", "node", N_("När påslagen"), True),
        FieldSpec("off", "node", N_("När avslagen"), True),
    ),
    "queue": (
        FieldSpec("queue", "queue", N_("Kö"), True),
        _prompts("welcome", N_("Välkomstmeddelande")),
        _prompts("first_message", N_("Första meddelandet")),
        FieldSpec(
            "repeated_messages", "prompt_lists", N_("Återkommande meddelanden (ett per rad)")
        ),
        FieldSpec(
            "repeat_every_s", "number", N_("Återkommande meddelande var (s)"), placeholder="45"
        ),
        FieldSpec("announce_position", "bool", N_("Läs upp köplats"), default=True),
        FieldSpec("announce_wait", "bool", N_("Läs upp beräknad väntetid"), default=True),
        FieldSpec("agents_minimum", "int", N_("Läs upp lediga handläggare från antal")),
        FieldSpec("music", "text", N_("Väntemusik"), placeholder="music/default"),
        FieldSpec("ringback", "bool", N_("Ringsignal i stället för musik")),
        _prompts("whisper", N_("Viskning före samtalet (hörs av handläggaren och uppringaren)")),
        FieldSpec("priority", "int", N_("Prioritet"), placeholder="0"),
        FieldSpec("callback.key", "key", N_("Knapp för återuppringning")),
        FieldSpec("callback.forced", "bool", N_("Alltid återuppringning")),
        FieldSpec("data_entry.key", "key", N_("Knapp för att knappa in uppgift i kön")),
        FieldSpec("data_entry.into", "text", N_("Uppgiftens namn")),
        _prompts("data_entry.prompts", N_("Prompter för uppgiften")),
        FieldSpec("data_entry.length", "int", N_("Antal siffror (0: valfritt)")),
        FieldSpec("data_entry.max_length", "int", N_("Högst antal siffror"), placeholder="12"),
        FieldSpec("data_entry.validate", "validate", N_("Kontroll")),
        _prompts("data_entry.thanks", N_("Tack-prompt")),
    ),
    "transfer": (FieldSpec("target", "text", N_("Nummer eller anknytning"), True),),
    "voicemail": (FieldSpec("box", "text", N_("Röstbrevlåda"), True),),
    "hangup": (_prompts("prompts", N_("Prompter före avslut")),),
}

NESTED = ("callback", "data_entry")
"""Sub-settings of a queue node; present only when their ``key`` is chosen."""


def prompts_text(value: Any) -> str:
    if value is None:
        return ""
    items = [value] if isinstance(value, str | Mapping) else list(value)
    texts = []
    for item in items:
        if isinstance(item, Mapping):
            prefix = "" if item.get("interruptible", True) else "!"
            texts.append(prefix + str(item.get("id", "")))
        else:
            texts.append(str(item))
    return ", ".join(texts)


def prompts_value(text: str) -> list[Any]:
    result: list[Any] = []
    for part in text.replace("\n", ",").split(","):
        part = part.strip()
        if part.startswith("!"):
            result.append({"id": part[1:].strip(), "interruptible": False})
        elif part:
            result.append(part)
    return result


def _lookup(data: Mapping[str, Any], name: str) -> Any:
    head, _, rest = name.partition(".")
    value = data.get(head)
    if rest:
        return value.get(rest) if isinstance(value, Mapping) else None
    return value


@dataclass
class NodeForm:
    """One node as text: ``values`` maps field names (``callback.key``) to text or bool;
    ``options`` maps each menu key to a node name."""

    name: str
    type: str
    values: dict[str, Any] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return NODE_FIELDS.get(self.type, ())

    @classmethod
    def blank(cls, name: str, node_type: str) -> NodeForm:
        node = cls(name, node_type)
        for spec in node.fields:
            if spec.kind == "bool":
                node.values[spec.name] = spec.default
        return node

    @classmethod
    def from_document(cls, name: str, data: Mapping[str, Any]) -> NodeForm:
        node = cls(name, str(data.get("type", "")))
        for spec in node.fields:
            value = _lookup(data, spec.name)
            if spec.name == "callback.key" and value is None and data.get("callback") is not None:
                value = "1"  # the model's default key: the offer stays on
            if spec.kind == "bool":
                node.values[spec.name] = spec.default if value is None else bool(value)
            elif spec.kind == "prompts":
                node.values[spec.name] = prompts_text(value)
            elif spec.kind == "prompt_lists":
                node.values[spec.name] = "\n".join(prompts_text(item) for item in value or ())
            elif spec.kind == "options":
                node.options = {str(k): str(v) for k, v in (value or {}).items()}
            else:
                node.values[spec.name] = "" if value is None else str(value)
        return node

    def document(self, path: str) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type}
        nested: dict[str, dict[str, Any]] = {}
        for spec in self.fields:
            value = self.values.get(spec.name, spec.default if spec.kind == "bool" else "")
            converted = _convert(spec, value, self.options, f"{path}.{spec.name}")
            if converted is None:
                continue
            head, _, rest = spec.name.partition(".")
            if rest:
                nested.setdefault(head, {})[rest] = converted
            else:
                data[head] = converted
        for head in NESTED:
            if nested.get(head, {}).get("key"):
                data[head] = nested[head]
        return data


def _convert(spec: FieldSpec, value: Any, options: Mapping[str, str], path: str) -> Any:
    """A field's text → the document's value; None leaves it out (the model's default)."""
    if spec.kind == "bool":
        return bool(value)
    if spec.kind == "options":
        return {key: options[key] for key in DIGITS if options.get(key)}
    text = str(value).strip()
    if not text:
        return None
    if spec.kind == "prompts":
        return prompts_value(text)
    if spec.kind == "prompt_lists":
        return [prompts_value(line) for line in text.splitlines() if line.strip()]
    if spec.kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ConfigError(path, "whole-number", value=text) from None
    if spec.kind == "number":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise ConfigError(path, "number", value=text) from None
        return int(number) if number.is_integer() else number
    return text


@dataclass
class FlowForm:
    """A whole flow as the editor shows it."""

    flow_id: str
    start: str = ""
    operator: str = ""
    operator_key: str = "0"
    language: str = "sv"
    switches: str = ""
    nodes: list[NodeForm] = field(default_factory=list)

    @property
    def node_names(self) -> list[str]:
        return [node.name for node in self.nodes]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> FlowForm:
        return cls(
            flow_id=str(document.get("id", "")),
            start=str(document.get("start", "")),
            operator=str(document.get("operator", "")),
            operator_key=str(document.get("operator_key", "0")),
            language=str(document.get("language", "sv")),
            switches=", ".join(str(s) for s in document.get("switches") or ()),
            nodes=[
                NodeForm.from_document(str(name), data if isinstance(data, Mapping) else {})
                for name, data in (document.get("nodes") or {}).items()
            ],
        )

    @classmethod
    def from_form(cls, flow_id: str, form: FormData) -> FlowForm:
        """The posted editor; fields shown for another type than the one now chosen are
        dropped (the admin changed the node's type), so that type starts from defaults."""

        def text(name: str, default: str = "") -> str:
            value = form.get(name)
            return str(value).strip() if value is not None else default

        flow = cls(
            flow_id=flow_id,
            start=text("start"),
            operator=text("operator"),
            operator_key=text("operator_key", "0"),
            language=text("language", "sv"),
            switches=text("switches"),
        )
        try:
            count = min(int(text("node_count", "0")), 500)
        except ValueError:
            count = 0
        for index in range(count):
            prefix = f"n{index}."
            name, node_type = text(prefix + "name"), text(prefix + "type")
            if not name and not node_type:
                continue
            node = NodeForm.blank(name, node_type)
            if text(prefix + "shown_type") == node_type:
                for spec in node.fields:
                    key = prefix + spec.name
                    if spec.kind == "bool":
                        node.values[spec.name] = form.get(key) is not None
                    elif spec.kind == "options":
                        node.options = {
                            digit: text(f"{key}.{digit}")
                            for digit in DIGITS
                            if text(f"{key}.{digit}")
                        }
                    else:
                        node.values[spec.name] = str(form.get(key) or "")
            flow.nodes.append(node)
        return flow

    def document(self) -> dict[str, Any]:
        """The flow document :func:`vaxel.flow.flow_from_dict` reads (not yet validated)."""
        nodes: dict[str, Any] = {}
        for index, node in enumerate(self.nodes):
            if not node.name:
                raise ConfigError(f"nodes[{index + 1}].name", "node-name")
            if node.name in nodes:
                raise ConfigError(f"nodes.{node.name}.name", "node-name-twice")
            nodes[node.name] = node.document(f"nodes.{node.name}")
        document: dict[str, Any] = {
            "id": self.flow_id,
            "language": self.language,
            "start": self.start,
            "operator_key": self.operator_key or "0",
            "switches": [s.strip() for s in self.switches.split(",") if s.strip()],
            "nodes": nodes,
        }
        if self.operator:
            document["operator"] = self.operator
        return document
