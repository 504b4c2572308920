"""Reporters: turn a run's findings into text for people or documents for machines.

Each format is one small module with a ``render`` function; this package knows their names.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from lint_rules.engine.config import OUTPUT_FORMATS
from lint_rules.output.report import Report

Renderer = Callable[[Report, TextIO, bool], None]

# Format name -> module of this package that renders it (the config validates the names).
_MODULES = {
    "full": "full",
    "concise": "concise",
    "json": "json_format",
    "json-lines": "json_lines",
    "github": "github",
    "gitlab": "gitlab",
    "sarif": "sarif",
    "junit": "junit",
    "pylint": "pylint",
}
FORMATS: tuple[str, ...] = OUTPUT_FORMATS
# Formats written for people; the others are read by machines, so on standard output
# they stand alone and the notes go to standard error.
HUMAN_FORMATS = ("full", "concise")


def renderer(name: str) -> Renderer:
    module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
    render: Renderer = module.render
    return render


__all__ = ["FORMATS", "HUMAN_FORMATS", "Report", "renderer"]
