"""Linting a buffer, on the worker thread: what ``hyperion-lint check`` would report for it.

The buffer is written as the bytes its file would hold (``buffers``) and decoded as the
command line decodes files; only it is parsed (again, for its changed statements only:
``engine.reparse``). The project-wide rules see the project index with this buffer's
facts in place of its file's; while the index is not complete (the first seconds after
the server starts, when no cache knows the project), the per-file rules alone run and the
result says so (``complete``), to be linted again when the index is ready.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from lint_rules.engine.files import decode
from lint_rules.engine.fixer import fix_source
from lint_rules.engine.linter import analyze, finish, lint_source, needs_project
from lint_rules.engine.paths import display_path, with_display
from lint_rules.engine.reparse import Reparser
from lint_rules.model import Applicability, Finding
from lint_rules.server.buffers import buffer_bytes
from lint_rules.server.diagnostics import diagnostic
from lint_rules.server.index import Indexes
from lint_rules.server.positions import Text
from lint_rules.server.projects import ConfigProblem, Projects

if TYPE_CHECKING:
    from lint_rules.engine.linter import RuleSetup
    from lint_rules.engine.linter import FileFacts, ProjectIndex


@dataclass
class FixedText:
    source: str
    applied: int


@dataclass
class Setting:
    """What a buffer was linted with, to fix it the same way."""

    relative: str
    rules: Sequence[RuleSetup]
    index: ProjectIndex | None
    line_length: int
    root: Path
    store_root: Path | None = None  # the project whose index holds this file's facts


@dataclass
class Linted:
    """A document's findings, for the text of one version."""

    uri: str
    version: int | None
    path: Path
    text: Text
    findings: list[Finding]
    diagnostics: list[types.Diagnostic]
    problem: ConfigProblem | None = None  # the configuration file does not load
    config_path: Path | None = None
    complete: bool = True  # False: the project-wide rules did not run yet
    setting: Setting | None = None
    facts: FileFacts | None = None
    decoded: str | None = None  # the text the rules saw
    fixed: FixedText | None = None  # every safe fix applied, computed when first asked
    blocks: list[tuple[int, int]] | None = field(default=None, repr=False)  # decorated definitions

    @property
    def safely_fixable(self) -> bool:
        return any(f.fix is not None and f.fix.applicability is Applicability.SAFE for f in self.findings)


class Engine:
    """The projects, their configurations and indexes; used by the worker thread only
    (the indexing thread touches the indexes' stores, under their locks)."""

    def __init__(self, folders: Callable[[], Sequence[Path]], ready: Callable[[Path, str], None]) -> None:
        self.projects = Projects(folders)
        self.indexes = Indexes(ready)

    def lint(self, uri: str, path: Path, version: int | None, source: str, encoding: str, reparser: Reparser) -> Linted:
        project = self.projects.project(path)
        linter = project.linter
        assert linter is not None
        root = linter.project_root(path)
        text = Text(source, encoding)
        linted = Linted(uri, version, path, text, [], [], project.problem, project.path)
        if not project.checks(path):
            return linted
        display = display_path(path)
        data = buffer_bytes(source, display)
        decoded = decode(data, display) if isinstance(data, bytes) else data
        if isinstance(decoded, Finding):
            findings = [decoded]
        else:
            relative = linter.relative(path, root)
            rules: Sequence[RuleSetup] = linter.rules_for(relative, root)
            index = None
            if needs_project(rules):
                index = self.indexes.index(linter, root, project.folder)
                if index is None:
                    linted.complete = False
                    rules = [r for r in rules if not r[0].needs_project]
            analysis = analyze(
                relative, decoded, rules, extract=index is not None, parse=reparser.parse, memo=reparser.memo
            )
            seen = index.with_file(analysis.facts) if index is not None and analysis.facts is not None else index
            findings = with_display(finish(analysis, seen), display, decoded, root).findings
            linted.setting = Setting(relative, rules, index, linter.config.line_length, root, root)
            linted.facts = analysis.facts
            linted.decoded = decoded
        linted.findings = findings
        linted.diagnostics = [diagnostic(f, text, _locator(uri, path, text, encoding)) for f in findings]
        return linted

    def fix(self, linted: Linted) -> FixedText:
        """The buffer with every safe fix applied, as ``check --fix`` would write it."""
        setting, source = linted.setting, linted.decoded
        if setting is None or source is None:
            return FixedText(linted.text.source, 0)
        outcome = fix_source(
            source,
            lambda text: lint_source(setting.relative, text, setting.rules, setting.index),
            unsafe=False,
            line_length=setting.line_length,
        )
        return FixedText(outcome.source, len(outcome.applied))

    def saved(self, linted: Linted | None, path: Path) -> None:
        """A file was saved: its facts are those of the buffer when it is what was saved;
        else it is read again (with every file whose stamp changed)."""
        self.projects.files_changed()
        setting = linted.setting if linted is not None else None
        if linted is not None and setting is not None and setting.index is not None and setting.store_root is not None:
            try:
                on_disk = decode(path.read_bytes(), str(path))
            except OSError:
                on_disk = None
            if on_disk == linted.decoded:
                store = self.indexes.store(setting.store_root, setting.store_root)
                store.saved(path, setting.relative, linted.facts)
                return
        self.indexes.files_changed()

    def tree_changed(self) -> None:
        """Files changed on disk (the client says so): check every stamp again."""
        self.projects.files_changed()
        self.indexes.files_changed()


def _locator(uri: str, path: Path, text: Text, encoding: str) -> Callable[[str], tuple[str, Text | None]]:
    read: dict[Path, tuple[str, Text | None]] = {}

    def locate(related: str) -> tuple[str, Text | None]:
        target = Path(related).absolute()  # as findings name files: relative to the working folder
        if target == path.absolute():
            return uri, text
        if target not in read:
            try:
                found: str | Finding | None = decode(target.read_bytes(), related)
            except OSError:
                found = None
            other = Text(found, encoding) if isinstance(found, str) else None
            read[target] = (from_fs_path(str(target.absolute())) or str(target), other)
        return read[target]

    return locate

