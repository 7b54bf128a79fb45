"""Why an import file was refused, naming the line and the column (issue 13 "Bad input").

A refusal is a :class:`~vaxel.core.errors.ConfigError` whose field is the column (or XML
element) and which knows the line, so the CLI, the pages and the API word it by its rule
code like every other config error: "rad 12, mobile: ska vara ett telefonnummer …".
Nothing of a refused file is imported (the store writes a file in one transaction).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from vaxel.core.errors import ConfigError

__all__ = ["ImportRefused", "refused"]


class ImportRefused(ConfigError):
    """Line ``line`` (1-based, 0 for the file as a whole) of the file breaks ``rule`` in
    ``column``."""

    def __init__(self, line: int, column: str, rule: str, **params: Any) -> None:
        self.line = line
        self.column = column
        super().__init__(column, rule, **params)
        where = f"line {line}, {column}" if line else column
        self.args = (f"{where}: {self.reason}",)

    @property
    def params(self) -> Mapping[str, Any]:
        """The rule's parameters, the field (the column) and the line."""
        return MappingProxyType({**super().params, "line": self.line})

    def at(self, field: str) -> ConfigError:
        return ImportRefused(self.line, field, self.code, **self.rule_params)


def refused(line: int, error: ConfigError) -> ImportRefused:
    """``error`` (from the model's own validation) placed on ``line``; its field becomes
    the column."""
    return ImportRefused(line, error.field, error.code, **error.rule_params)
