"""Running the enabled rules over files on disk or over a buffer.

When a project-wide rule is enabled, every file of the Hyperion project around the
linted files is read once to build the project index (its facts), so that linting a
subset of files (pre-commit, an editor) gives, for those files, exactly the findings
that linting the whole tree gives. Each file is parsed once: linted files have their
visitor rules run and their facts extracted in the same traversal.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from lint_rules.engine.config import Config
from lint_rules.engine.discovery import collect_files
from lint_rules.engine.files import decode, read_source
from lint_rules.engine.fixer import FixOutcome, fix_source
from lint_rules.engine.linter import FileResult, RuleSetup, analyze, finish, lint_source
from lint_rules.engine.registry import all_rules
from lint_rules.model import Finding
from lint_rules.rules.facts import FileFacts, ProjectIndex

MODULE_AREAS = ("modules", "core")


def hyperion_root(path: Path) -> Path | None:
    """The folder holding ``app/`` for a file of ``app/modules/...`` or ``app/core/...``."""
    parts = path.absolute().parts
    for i in range(len(parts) - 2, 0, -1):
        if parts[i] == "app" and parts[i + 1] in MODULE_AREAS:
            return Path(*parts[:i])
    for folder in path.absolute().parents:
        if (folder / "app").is_dir() and (folder / "app") in path.absolute().parents:
            return folder
    return None


def applies(patterns: Sequence[str], relative_path: str, name: str) -> bool:
    """A pattern with a ``/`` matches the project-relative path (``app/modules/*/*.py``);
    one without matches the file name (``endpoints_*.py``)."""
    return any(
        fnmatch.fnmatchcase(relative_path if "/" in p else name, p) for p in patterns
    )


class Linter:
    """The configured set of rules, ready to lint files of one project."""

    def __init__(self, config: Config) -> None:
        self.config = config
        rules = all_rules()
        self.enabled = [rules[c] for c in sorted(config.enabled_codes())]
        self.needs_project = any(rule.needs_project for rule in self.enabled)
        self._setups: dict[tuple[str, frozenset[str]], list[RuleSetup]] = {}
        self._path_patterns = any("/" in p for rule in self.enabled for p in rule.applies_to)
        self._indexes: dict[Path, ProjectIndex] = {}

    @property
    def patterns(self) -> list[str]:
        """File-name patterns for discovery (a path pattern contributes its last part)."""
        return sorted({p.rsplit("/", 1)[-1] for rule in self.enabled for p in rule.applies_to})

    @property
    def exclude(self) -> list[str]:
        return [*self.config.exclude, *self.config.extend_exclude]

    def project_root(self, path: Path) -> Path:
        """Where project-relative paths start: the configured root, else the Hyperion root
        around the file, else the folder of the configuration."""
        if self.config.project_root is not None:
            return self.config.project_root
        return hyperion_root(path) or self.config.root

    def relative(self, path: Path, root: Path | None = None) -> str:
        """The project-relative POSIX path rules see."""
        root = root or self.project_root(path)
        try:
            return path.absolute().relative_to(root).as_posix()
        except ValueError:
            return path.absolute().as_posix()

    def rules_for(self, relative_path: str) -> list[RuleSetup]:
        """The enabled rules that apply to this project-relative path, with their options."""
        name = PurePosixPath(relative_path).name
        ignored = self.config.ignored_for(relative_path)
        key = (relative_path if self._path_patterns else name, ignored)
        setups = self._setups.get(key)
        if setups is None:
            setups = [
                (rule, self.config.rule_options.get(rule.code, {}))
                for rule in self.enabled
                if rule.code not in ignored
                and not rule.judges_suppressions
                and applies(rule.applies_to, relative_path, name)
            ]
            if setups:  # suppression rules judge the files other rules lint
                setups += [
                    (rule, self.config.rule_options.get(rule.code, {}))
                    for rule in self.enabled
                    if rule.judges_suppressions and rule.code not in ignored
                ]
            self._setups[key] = setups
        return setups

    def collect(self, paths: Sequence[Path]) -> list[Path]:
        """The files under ``paths`` that some enabled rule applies to."""
        found = collect_files(paths, root=self.config.root, exclude=self.exclude, patterns=self.patterns)
        if not self._path_patterns:
            return found
        return [p for p in found if self.rules_for(self.relative(p))]

    # -- one file ------------------------------------------------------------------------

    def lint_file(self, path: Path) -> FileResult:
        return self.lint_text(path, None)

    def lint_text(self, path: Path, data: bytes | str | None) -> FileResult:
        """Lint a file, or an editor buffer / standard input as if it were the file ``path``."""
        root = self.project_root(path)
        relative = self.relative(path, root)
        display = display_path(path)
        if data is None:
            source = read_source(path, display)
        else:
            source = decode(data, display) if isinstance(data, bytes) else data
        if isinstance(source, Finding):
            return FileResult(display, [source])
        rules = self.rules_for(relative)
        project = self.index(root) if self.needs_project and rules else None
        return _with_display(lint_source(relative, source, rules, project), display, source, root)

    # -- many files ------------------------------------------------------------------------

    def lint_paths(self, paths: Sequence[Path]) -> list[FileResult]:
        targets = self.collect(paths)
        if not self.needs_project:
            return [self.lint_file(p) for p in targets]
        by_root: dict[Path, list[Path]] = {}
        for target in targets:
            by_root.setdefault(self.project_root(target), []).append(target)
        results: dict[Path, FileResult] = {}
        for root, files in by_root.items():
            results.update(self._lint_project(root, files))
        return [results[t] for t in targets]

    def _project_files(self, root: Path) -> list[Path]:
        app = root / "app"
        if not app.is_dir():
            return []
        return collect_files([app], root=self.config.root, exclude=self.exclude, patterns=["*.py"])

    def _lint_project(self, root: Path, targets: list[Path]) -> dict[Path, FileResult]:
        """Lint ``targets`` with the index of every file of the project at ``root``,
        parsing each file once."""
        wanted = set(targets)
        facts: dict[str, FileFacts] = {}
        pending = []
        for path in sorted(set(self._project_files(root)) | wanted):
            relative = self.relative(path, root)
            display = display_path(path)
            source = read_source(path, display)
            if isinstance(source, Finding):
                if path in wanted:
                    pending.append((path, None, display, FileResult(display, [source])))
                continue
            rules = self.rules_for(relative) if path in wanted else []
            analysis = analyze(relative, source, rules, extract=True)
            if analysis.facts is not None:
                facts[relative] = analysis.facts
            if path in wanted:
                pending.append((path, analysis, display, source))
        index = ProjectIndex(facts)
        self._indexes[root] = index
        results = {}
        for path, analysis, display, source in pending:
            if analysis is None:
                results[path] = source
            else:
                results[path] = _with_display(finish(analysis, index), display, source, root)
        return results

    # -- fixing ----------------------------------------------------------------------------

    def fix_text(self, path: Path, source: str, *, unsafe: bool) -> FixOutcome:
        """Fix a buffer as if it were the file ``path``; nothing is written."""
        root = self.project_root(path)
        relative = self.relative(path, root)
        display = display_path(path)
        rules = self.rules_for(relative)
        project = self.index(root) if self.needs_project and rules else None
        outcome = fix_source(source, lambda text: lint_source(relative, text, rules, project), unsafe=unsafe)
        outcome.result = _with_display(outcome.result, display, outcome.source, root)
        outcome.applied = [dataclasses.replace(f, path=display) for f in outcome.applied]
        outcome.dropped = [dataclasses.replace(f, path=display) for f in outcome.dropped]
        return outcome

    def fix_paths(
        self, paths: Sequence[Path], *, unsafe: bool
    ) -> list[tuple[Path, str | None, FixOutcome | FileResult]]:
        """For each file: its original text (None when unreadable) and the fix outcome,
        or the plain result of a file that cannot be read. Nothing is written here."""
        out: list[tuple[Path, str | None, FixOutcome | FileResult]] = []
        for path in self.collect(paths):
            source = read_source(path, display_path(path))
            if isinstance(source, Finding):
                out.append((path, None, FileResult(display_path(path), [source])))
                continue
            out.append((path, source, self.fix_text(path, source, unsafe=unsafe)))
        return out

    def index(self, root: Path) -> ProjectIndex:
        """The facts of every file of the project at ``root`` as saved on disk (built once
        per run); a buffer being linted replaces its own file's facts."""
        index = self._indexes.get(root)
        if index is None:
            facts: dict[str, FileFacts] = {}
            for path in self._project_files(root):
                source = read_source(path, display_path(path))
                if isinstance(source, Finding):
                    continue
                analysis = analyze(self.relative(path, root), source, [], extract=True)
                if analysis.facts is not None:
                    facts[analysis.facts.path] = analysis.facts
            index = self._indexes[root] = ProjectIndex(facts)
        return index


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, else absolute; always POSIX."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix() if os.sep == "/" else str(absolute)


def _with_display(result: FileResult, display: str, source: str, root: Path) -> FileResult:
    """Findings name files as the user sees them: relative to the working directory.
    Rules and facts speak of project-relative paths (``related`` places included)."""
    result.source = source
    findings = []
    for finding in result.findings:
        if finding.related:
            related = tuple(
                dataclasses.replace(r, path=display_path(root / r.path)) for r in finding.related
            )
            finding = dataclasses.replace(finding, related=related)
        if finding.path != display:
            finding = dataclasses.replace(finding, path=display)
        findings.append(finding)
    result.findings = findings
    result.path = display
    return result
