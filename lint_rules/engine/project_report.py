"""What the linter believes about a project, for ``hyperion-lint project``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from lint_rules.engine.files import read_source
from lint_rules.engine.runner import Linter
from lint_rules.knowledge.beliefs import Belief, describe
from lint_rules.knowledge.project_model import model_of
from lint_rules.model import Finding, Location

if TYPE_CHECKING:
    import libcst as cst


def project_root(linter: Linter, path: Path) -> Path:
    """The root of the project ``path`` is in (a folder holding ``app/`` is one)."""
    if path.is_dir() and (path / "app").is_dir():
        return path.absolute()
    return linter.project_root(path / "app" / "modules" / "x" / "x.py" if path.is_dir() else path)


def beliefs(linter: Linter, path: Path) -> tuple[Path, list[Belief]]:
    """The project's root and every fact the rules follow there, with where it was read."""
    root = project_root(linter, path)
    return root, _with_lines(root, describe(model_of(linter.index(root))))


def _with_lines(root: Path, rows: list[Belief]) -> list[Belief]:
    """The rows read from a whole file, pointed at the line that defines their name: the
    few files they name are parsed again (a file that cannot be read or parsed now, or
    no longer defines the name, keeps the whole file as the source). LibCST is loaded
    here only: the command line imports this module for every command."""
    from lint_rules.engine.positions import NodeSpans
    from lint_rules.knowledge.definitions import definition

    modules: dict[str, tuple[cst.Module, str] | None] = {}
    placed: list[Belief] = []
    for row in rows:
        where = row.location
        if row.symbol is not None and where is not None:
            if where.path not in modules:
                modules[where.path] = _parsed(root / where.path, where.path)
            parsed = modules[where.path]
            node = definition(parsed[0], row.symbol) if parsed is not None else None
            if parsed is not None and node is not None:
                try:
                    start, end = NodeSpans(parsed[0], [node], parsed[1]).range(node)
                except RecursionError:  # code nested too deep to generate: the whole file
                    pass
                else:
                    row = dataclasses.replace(row, location=Location(where.path, start, end, where.note))
        placed.append(row)
    return placed


def _parsed(path: Path, relative: str) -> tuple[cst.Module, str] | None:
    """The file's tree and text, parsed as a check parses it (None when it cannot be)."""
    from lint_rules.engine.linter import parse_checked

    source = read_source(path, relative)
    if not isinstance(source, str):
        return None
    module = parse_checked(relative, source)
    return (module, source) if not isinstance(module, Finding) else None
