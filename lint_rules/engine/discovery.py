"""Which files to lint: walk the given paths, honour exclude patterns and .gitignore,
and keep only the files some enabled rule applies to."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pathspec

from lint_rules.engine.config import ConfigError


class _Ignores:
    """gitignore-style exclusion: the configured patterns plus every .gitignore met on the way."""

    def __init__(self, root: Path, patterns: Sequence[str]) -> None:
        self.root = root
        self.exclude = pathspec.GitIgnoreSpec.from_lines(patterns)
        self.gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def _gitignore(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self.gitignores:
            spec = None
            try:
                lines = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except (OSError, UnicodeDecodeError):
                pass
            self.gitignores[folder] = spec
        return self.gitignores[folder]

    def ignored(self, path: Path, is_dir: bool) -> bool:
        suffix = "/" if is_dir else ""
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            relative = None
        if relative is not None:
            text = relative.as_posix()
            if text != "." and self.exclude.match_file(text + suffix):
                return True
        elif self.exclude.match_file(path.name + suffix):
            return True
        # .gitignore files from the root (or the path's top folder) down to its folder.
        top = self.root if relative is not None else path.parent
        folder = path.parent
        chain = []
        while True:
            chain.append(folder)
            if folder == top or folder.parent == folder:
                break
            folder = folder.parent
        for folder in chain:
            spec = self._gitignore(folder)
            if spec is not None and spec.match_file(path.relative_to(folder).as_posix() + suffix):
                return True
        return False


def wanted(name: str, patterns: Iterable[str]) -> bool:
    return name.endswith(".py") and any(fnmatch.fnmatchcase(name, p) for p in patterns)


def collect_files(
    paths: Sequence[Path], *, root: Path, exclude: Sequence[str], patterns: Sequence[str]
) -> list[Path]:
    """Files to lint, sorted and de-duplicated. A path that does not exist is a ConfigError.

    Files named on the command line are excluded the same way as files found by walking,
    so a pre-commit hook that passes every changed file respects ``exclude``.
    """
    ignores = _Ignores(root, exclude)
    found: dict[Path, None] = {}
    for given in paths:
        if not os.path.lexists(given):
            raise ConfigError(f"path does not exist: {given}")
        path = given.absolute()
        if path.is_dir():
            if path != root and ignores.ignored(path, is_dir=True):
                continue
            for file in _walk(path, ignores, patterns):
                found[file] = None
        elif wanted(path.name, patterns) and not ignores.ignored(path, is_dir=False):
            found[path] = None
    return sorted(found)


def _walk(top: Path, ignores: _Ignores, patterns: Sequence[str]) -> Iterator[Path]:
    # os.walk does not follow symlinked folders, so a symlink loop cannot trap it.
    for dirpath, dirnames, filenames in os.walk(top):
        folder = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not ignores.ignored(folder / d, is_dir=True))
        for name in sorted(filenames):
            if wanted(name, patterns):
                file = folder / name
                if not ignores.ignored(file, is_dir=False):
                    yield file
