"""Running the enabled rules over files on disk or over a buffer."""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from lint_rules.engine.config import Config
from lint_rules.engine.discovery import collect_files
from lint_rules.engine.files import decode, read_source
from lint_rules.engine.linter import FileResult, RuleSetup, lint_source
from lint_rules.engine.registry import all_rules
from lint_rules.model import Finding


class Linter:
    """The configured set of rules, ready to lint files of one project."""

    def __init__(self, config: Config) -> None:
        self.config = config
        rules = all_rules()
        self.enabled = [rules[c] for c in sorted(config.enabled_codes())]
        self._setups: dict[tuple[str, frozenset[str]], list[RuleSetup]] = {}

    @property
    def patterns(self) -> list[str]:
        return sorted({p for rule in self.enabled for p in rule.applies_to})

    def relative(self, path: Path) -> str:
        """The project-relative POSIX path rules see."""
        try:
            return path.absolute().relative_to(self.config.root).as_posix()
        except ValueError:
            return path.absolute().as_posix()

    def rules_for(self, relative_path: str) -> list[RuleSetup]:
        name = PurePosixPath(relative_path).name
        ignored = self.config.ignored_for(relative_path)
        key = (name, ignored)
        setups = self._setups.get(key)
        if setups is None:
            setups = [
                (rule, self.config.rule_options.get(rule.code, {}))
                for rule in self.enabled
                if rule.code not in ignored and any(fnmatch.fnmatchcase(name, p) for p in rule.applies_to)
            ]
            self._setups[key] = setups
        return setups

    def collect(self, paths: Sequence[Path]) -> list[Path]:
        exclude = [*self.config.exclude, *self.config.extend_exclude]
        return collect_files(paths, root=self.config.root, exclude=exclude, patterns=self.patterns)

    def lint_file(self, path: Path) -> FileResult:
        relative = self.relative(path)
        display = display_path(path)
        source = read_source(path, display)
        if isinstance(source, Finding):
            return FileResult(display, [source])
        return _with_display(lint_source(relative, source, self.rules_for(relative)), display, source)

    def lint_text(self, path: Path, data: bytes | str) -> FileResult:
        """Lint an editor buffer or standard input as if it were the file ``path``."""
        relative = self.relative(path)
        display = display_path(path)
        source = decode(data, display) if isinstance(data, bytes) else data
        if isinstance(source, Finding):
            return FileResult(display, [source])
        return _with_display(lint_source(relative, source, self.rules_for(relative)), display, source)

    def lint_paths(self, paths: Sequence[Path]) -> list[FileResult]:
        return [self.lint_file(p) for p in self.collect(paths)]


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, else absolute; always POSIX."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix() if os.sep == "/" else str(absolute)


def _with_display(result: FileResult, display: str, source: str) -> FileResult:
    result.source = source
    if result.path == display:
        return result
    result.findings = [dataclasses.replace(f, path=display) for f in result.findings]
    result.path = display
    return result
