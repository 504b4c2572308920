"""What the linter believes about a project, for ``hyperion-lint project``."""

from __future__ import annotations

from pathlib import Path

from lint_rules.engine.runner import Linter
from lint_rules.knowledge.project_model import Belief, describe, model_of


def project_root(linter: Linter, path: Path) -> Path:
    """The root of the project ``path`` is in (a folder holding ``app/`` is one)."""
    if path.is_dir() and (path / "app").is_dir():
        return path.absolute()
    return linter.project_root(path / "app" / "modules" / "x" / "x.py" if path.is_dir() else path)


def beliefs(linter: Linter, path: Path) -> tuple[Path, list[Belief]]:
    """The project's root and every fact the rules follow there, with where it was read."""
    root = project_root(linter, path)
    return root, describe(model_of(linter.index(root)))
