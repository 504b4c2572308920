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
    """gitignore-style exclusion: the configured patterns plus every .gitignore met on the way.

    Paths are plain strings here, and each folder's chain of .gitignore files is looked
    up once: discovery runs on every invocation, warm ones included.
    """

    def __init__(self, root: Path, patterns: Sequence[str]) -> None:
        self.root = str(root)
        self.exclude = pathspec.GitIgnoreSpec.from_lines(patterns)
        self.gitignores: dict[str, pathspec.GitIgnoreSpec | None] = {}
        self.chains: dict[str, list[tuple[int, pathspec.GitIgnoreSpec]]] = {}

    def _gitignore(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        if folder not in self.gitignores:
            spec = None
            try:
                with open(os.path.join(folder, ".gitignore"), encoding="utf-8") as stream:
                    spec = pathspec.GitIgnoreSpec.from_lines(stream.read().splitlines())
            except (OSError, UnicodeDecodeError):
                pass
            self.gitignores[folder] = spec
        return self.gitignores[folder]

    def _chain(self, folder: str, under_root: bool) -> list[tuple[int, pathspec.GitIgnoreSpec]]:
        """The .gitignore files from the root (or the folder itself, outside the root)
        down to ``folder``, each with the length of the prefix to cut from a path."""
        chain = self.chains.get(folder)
        if chain is None:
            chain = []
            current = folder
            while True:
                spec = self._gitignore(current)
                if spec is not None:
                    chain.append((len(current.rstrip(os.sep)) + 1, spec))
                parent = os.path.dirname(current)
                if not under_root or current == self.root or parent == current:
                    break
                current = parent
            self.chains[folder] = chain
        return chain

    def ignored(self, path: Path | str, is_dir: bool) -> bool:
        path = str(path)
        suffix = "/" if is_dir else ""
        root = self.root
        under_root = path.startswith(root) and path[len(root) : len(root) + 1] in (os.sep, "")
        if under_root:
            relative = path[len(root) + 1 :]
            if relative and self.exclude.match_file(_posix(relative) + suffix):
                return True
        elif self.exclude.match_file(os.path.basename(path) + suffix):
            return True
        for cut, spec in self._chain(os.path.dirname(path), under_root):
            if spec.match_file(_posix(path[cut:]) + suffix):
                return True
        return False


def _posix(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")


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
    found: dict[str, None] = {}
    for given in paths:
        if not os.path.lexists(given):
            raise ConfigError(f"path does not exist: {given}")
        path = os.path.abspath(given)
        if os.path.isdir(path):
            if path != str(root) and ignores.ignored(path, is_dir=True):
                continue
            for file in _walk(path, ignores, patterns):
                found[file] = None
        elif wanted(os.path.basename(path), patterns) and not ignores.ignored(path, is_dir=False):
            found[path] = None
    return [Path(p) for p in sorted(found)]


def _walk(top: str, ignores: _Ignores, patterns: Sequence[str]) -> Iterator[str]:
    # os.walk does not follow symlinked folders, so a symlink loop cannot trap it.
    for folder, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not ignores.ignored(os.path.join(folder, d), is_dir=True))
        for name in sorted(filenames):
            if wanted(name, patterns):
                file = os.path.join(folder, name)
                if not ignores.ignored(file, is_dir=False):
                    yield file
