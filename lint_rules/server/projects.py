"""The configuration and the Linter of each project an open document belongs to.

A document's configuration is found as ``hyperion-lint check`` finds it (the nearest
``pyproject.toml`` with a ``[tool.hyperion-lint]`` table, else the nearest one) at every
lint, and read again when that file's modification time, size or inode changed: at the
next lint, at a save, or when the client reports the change (``didChangeWatchedFiles``).

A configuration that does not load never empties the editor: the last valid one keeps
serving (the defaults, when there never was one), and the error is kept with the file's
stamp, so that the user is told once per change of the file, not at every keystroke.
Only the worker thread calls these methods.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lint_rules.engine.config import Config, ConfigError, find_config, load_config
from lint_rules.engine.runner import Linter

Stamp = tuple[int, int, int] | None


def stamp_of(path: Path | None) -> Stamp:
    if path is None:
        return None
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


@dataclass(frozen=True)
class ConfigProblem:
    """A configuration file that does not load, as it is now on disk."""

    path: Path
    stamp: Stamp
    message: str

    @property
    def place(self) -> tuple[int, int]:
        """0-based line and column of the problem in the file, as far as the message says."""
        found = re.search(r"at line (\d+), column (\d+)", self.message)
        if found:
            return int(found.group(1)) - 1, int(found.group(2)) - 1
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return 0, 0
        if "at end of document" in self.message:
            return max(len(lines) - 1, 0), len(lines[-1]) if lines else 0
        for name in re.findall(r"'([^'\n]+)'|`([^`\n]+)`", self.message):
            word = name[0] or name[1]
            for number, line in enumerate(lines):
                if word in line and not line.lstrip().startswith("#"):
                    return number, line.index(word)
        return 0, 0


@dataclass
class Project:
    """One configuration file (or none) and the folder it applies to."""

    path: Path | None
    folder: Path
    stamp: Stamp = None
    config: Config | None = None
    linter: Linter | None = None
    problem: ConfigProblem | None = None
    # path -> whether `check` lints it (exclusions, .gitignore, the rules' patterns)
    checked: dict[Path, bool] = field(default_factory=dict)
    generation: int = 0  # counts the configurations this project has served

    def refresh(self) -> bool:
        """Read the file again if it changed on disk; whether the configuration in force
        (or its problem) changed."""
        stamp = stamp_of(self.path)
        if self.linter is not None and stamp == self.stamp:
            return False
        self.stamp = stamp
        try:
            config = load_config(self.path, default_root=self.folder)
        except ConfigError as error:
            assert self.path is not None
            self.problem = ConfigProblem(self.path, stamp, str(error))
            if self.linter is None:  # never valid yet: the defaults serve meanwhile
                self._serve(Config(root=self.folder))
            return True
        self.problem = None
        self._serve(config)
        return True

    def _serve(self, config: Config) -> None:
        self.config = config
        self.linter = Linter(config)
        self.checked.clear()
        self.generation += 1

    def checks(self, path: Path) -> bool:
        """Whether ``hyperion-lint check`` would lint this file: not excluded, and some
        enabled rule applies to it. A file not saved yet is linted."""
        found = self.checked.get(path)
        if found is None:
            assert self.linter is not None
            found = not os.path.exists(path) or bool(self.linter.collect([path]))
            self.checked[path] = found
        return found


class Projects:
    def __init__(self, folders: Callable[[], Sequence[Path]]) -> None:
        self._folders = folders  # the editor's workspace folders
        self._projects: dict[tuple[Path | None, Path], Project] = {}

    def project(self, path: Path) -> Project:
        """The project of a file, with its configuration as on disk now."""
        found = find_config(path.parent)
        folder = found.parent.absolute() if found is not None else self._default_root(path)
        key = (found, folder)
        project = self._projects.get(key)
        if project is None:
            project = self._projects[key] = Project(found, folder)
        project.refresh()
        return project

    def _default_root(self, path: Path) -> Path:
        """Without a pyproject.toml: the workspace folder that holds the file, else its folder."""
        absolute = path.absolute()
        for folder in sorted(self._folders(), key=lambda f: len(f.parts), reverse=True):
            if folder == absolute or folder in absolute.parents:
                return folder
        return absolute.parent

    def all(self) -> list[Project]:
        return list(self._projects.values())

    def refresh(self) -> list[Project]:
        """Read every configuration file that changed; the projects whose configuration
        (or problem) changed."""
        return [p for p in self._projects.values() if p.refresh()]

    def files_changed(self) -> None:
        """Files were added, removed or saved: which files are checked may have changed."""
        for project in self._projects.values():
            project.checked.clear()
