"""Typed rule options: plain data, so that the configuration can be checked without
loading the rules (and LibCST) at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Python types an option may take, and how they are named in error messages.
_OPTION_TYPES: dict[str, type | tuple[type, ...]] = {
    "bool": bool,
    "int": int,
    "str": str,
    "list[str]": list,
}


@dataclass(frozen=True)
class Option:
    """A typed, documented rule option, set under ``[tool.hyperion-lint.rules.HYPxxx]``."""

    name: str
    type: str  # one of _OPTION_TYPES
    default: Any
    help: str

    def __post_init__(self) -> None:
        if self.type not in _OPTION_TYPES:
            raise TypeError(f"option {self.name}: unsupported type {self.type!r}")

    def check(self, value: Any) -> str | None:
        """Return a description of what is wrong with ``value``, or None when it fits."""
        if self.type == "list[str]":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return None
            return "a list of strings"
        expected = _OPTION_TYPES[self.type]
        if self.type == "int" and isinstance(value, bool):
            return "an integer"
        if isinstance(value, expected):
            return None
        return {"bool": "true or false", "int": "an integer", "str": "a string"}[self.type]
