"""The configuration and the Linter of each project an open document belongs to.

A document's configuration is found as ``hyperion-lint check`` finds it (the nearest
``pyproject.toml`` with a ``[tool.hyperion-lint]`` table, else the nearest one), on every
lint, and re-read when that file's modification time or size changed: editing
``pyproject.toml`` takes effect at the next keystroke, with or without file watching.

A Linter keeps the index of the project's saved files once built; ``tree_changed`` (a
file was saved or changed on disk) starts afresh, so that the next lint indexes the
saved tree again. Only the worker thread calls these methods.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lint_rules.engine.config import Config, find_config, load_config
from lint_rules.engine.runner import Linter
from lint_rules.model import Finding

Stamp = tuple[int, int, int] | None


def _stamp(path: Path | None) -> Stamp:
    if path is None:
        return None
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


@dataclass
class _Project:
    stamp: Stamp
    config: Config
    linter: Linter


@dataclass
class FixedText:
    source: str
    applied: int


class Projects:
    def __init__(self, folders: Callable[[], Sequence[Path]]) -> None:
        self._folders = folders  # the editor's workspace folders
        self._projects: dict[tuple[Path | None, Path], _Project] = {}

    def linter(self, path: Path) -> Linter:
        """The Linter for a file, with the configuration as it is on disk now (ConfigError)."""
        found = find_config(path.parent)
        root = found.parent.absolute() if found is not None else self._default_root(path)
        key = (found, root)
        stamp = _stamp(found)
        project = self._projects.get(key)
        if project is None or project.stamp != stamp:
            config = load_config(found, default_root=root)
            project = self._projects[key] = _Project(stamp, config, Linter(config))
        return project.linter

    def _default_root(self, path: Path) -> Path:
        """Without a pyproject.toml: the workspace folder that holds the file, else its folder."""
        absolute = path.absolute()
        for folder in sorted(self._folders(), key=lambda f: len(f.parts), reverse=True):
            if folder == absolute or folder in absolute.parents:
                return folder
        return absolute.parent

    def checks(self, linter: Linter, path: Path) -> bool:
        """Whether ``hyperion-lint check`` would lint this file: not excluded (configuration,
        .gitignore), and some enabled rule applies to it. A file not saved yet is linted."""
        if not os.path.exists(path):
            return True
        return bool(linter.collect([path]))

    def lint(self, path: Path, source: str) -> tuple[list[Finding], Path]:
        """The findings of a buffer as if it were the file ``path``, and the project root
        that the paths of related places are relative to."""
        linter = self.linter(path)
        root = linter.project_root(path)
        if not self.checks(linter, path):
            return [], root
        return linter.lint_text(path, source).findings, root

    def fix(self, path: Path, source: str) -> FixedText:
        """The buffer with every safe fix applied, as ``check --fix`` would write it."""
        linter = self.linter(path)
        if not self.checks(linter, path):
            return FixedText(source, 0)
        outcome = linter.fix_text(path, source, unsafe=False)
        return FixedText(outcome.source, len(outcome.applied))

    def tree_changed(self) -> None:
        """Saved files changed: index the project again at the next lint."""
        for project in self._projects.values():
            project.linter = Linter(project.config)

    def forget(self) -> None:
        """A configuration file changed: read every configuration again."""
        self._projects.clear()
