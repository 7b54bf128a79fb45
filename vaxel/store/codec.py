"""JSON for the core's events and config objects, and back.

Frozen dataclasses become ``{"__type__": "ContactArrived", ...fields}``, enums
``{"__enum__": "Channel", "value": "call"}``, tuples ``{"__tuple__": [...]}``; mappings stay
JSON objects (string keys). Decoding finds classes in an explicit registry built from the
modules' ``__all__``, so a journal written today reads back the same tomorrow and unknown
names fail loudly instead of guessing.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from enum import Enum
from types import ModuleType
from typing import Any

__all__ = ["Codec", "CodecError", "acd_codec"]


class CodecError(ValueError):
    """A payload names a type the registry does not know, or is malformed."""


class Codec:
    def __init__(self, modules: Iterable[ModuleType]) -> None:
        self._types: dict[str, type] = {}
        for module in modules:
            for name in getattr(module, "__all__", ()):
                value = getattr(module, name)
                if isinstance(value, type) and (
                    dataclasses.is_dataclass(value) or issubclass(value, Enum)
                ):
                    self._types[name] = value

    @property
    def type_names(self) -> frozenset[str]:
        return frozenset(self._types)

    def dumps(self, obj: object) -> str:
        return json.dumps(self.encode(obj), ensure_ascii=False, separators=(",", ":"))

    def loads(self, text: str) -> Any:
        return self.decode(json.loads(text))

    def encode(self, obj: object) -> Any:
        if isinstance(obj, Enum):
            return {"__enum__": type(obj).__name__, "value": obj.value}
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            name = type(obj).__name__
            if self._types.get(name) is not type(obj):
                raise CodecError(f"{name} is not registered with the codec")
            out: dict[str, Any] = {"__type__": name}
            for f in dataclasses.fields(obj):
                if f.init:
                    out[f.name] = self.encode(getattr(obj, f.name))
            return out
        if isinstance(obj, tuple):
            return {"__tuple__": [self.encode(item) for item in obj]}
        if isinstance(obj, list):
            return [self.encode(item) for item in obj]
        if isinstance(obj, Mapping):
            if not all(isinstance(key, str) for key in obj):
                raise CodecError("only mappings with string keys can be stored")
            return {key: self.encode(value) for key, value in obj.items()}
        if obj is None or isinstance(obj, (str, int, float, bool)):
            return obj
        raise CodecError(f"cannot store a {type(obj).__name__}")

    def decode(self, data: Any) -> Any:
        if isinstance(data, list):
            return [self.decode(item) for item in data]
        if not isinstance(data, dict):
            return data
        if "__type__" in data:
            cls = self._lookup(data["__type__"])
            fields = {k: self.decode(v) for k, v in data.items() if k != "__type__"}
            return cls(**fields)
        if "__enum__" in data:
            return self._lookup(data["__enum__"])(data["value"])
        if "__tuple__" in data:
            return tuple(self.decode(item) for item in data["__tuple__"])
        return {key: self.decode(value) for key, value in data.items()}

    def _lookup(self, name: object) -> type:
        cls = self._types.get(str(name))
        if cls is None:
            raise CodecError(
                f"unknown stored type {name!r}; was the journal written by a "
                "newer Växel? Upgrade before reading it"
            )
        return cls


def acd_codec() -> Codec:
    """The codec for everything the ACD engine takes in and gives out."""
    from vaxel.acd import commands, events, model

    return Codec([model, events, commands])
