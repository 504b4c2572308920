"""Reporters: turn a run's findings into text for people or documents for machines.

Each format is one small module with a ``render`` function; this package knows their names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from lint_rules.output.report import Report

Renderer = Callable[[Report, TextIO, bool], None]


def renderer(name: str) -> Renderer:
    if name == "full":
        from lint_rules.output.full import render
    elif name == "concise":
        from lint_rules.output.concise import render
    elif name == "json":
        from lint_rules.output.json_format import render
    else:  # pragma: no cover - click restricts the choice
        raise ValueError(name)
    return render


FORMATS = ("full", "concise", "json")

__all__ = ["FORMATS", "Report", "renderer"]
