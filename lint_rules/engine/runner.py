"""Running the enabled rules over files on disk or over a buffer, with the cache.

When a project-wide rule is enabled, every file of the Hyperion project around the
linted files is read to build the project index (its facts), so that linting a subset
of files (pre-commit, an editor) gives, for those files, exactly the findings that
linting the whole tree gives. Each file is parsed at most once, and not at all when
the cache knows it: linted files have their visitor rules run and their facts
extracted in the same traversal, in worker processes when there are many.

A run that the cache serves entirely (nothing changed) never loads the rules or LibCST:
this module imports them only when a file has to be analysed.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lint_rules.engine import manifest, records
from lint_rules.engine.cache import Cache, Entry, digest
from lint_rules.engine.collector import paused_collector
from lint_rules.engine.catalog import RuleInfo, catalog
from lint_rules.engine.config import Config
from lint_rules.engine.discovery import collect_files
from lint_rules.engine.files import decode, read, read_source
from lint_rules.engine.paths import (
    absolute_path,
    below_folder,
    display_path,
    hyperion_root,
    pattern_matcher,
    posix_path,
    with_display,
)
from lint_rules.model import FileResult, Finding

if TYPE_CHECKING:
    from lint_rules.knowledge.facts import FileFacts, ProjectIndex
    from lint_rules.engine.fixer import Decide, FixOutcome
    from lint_rules.engine.linter import Analysis, RuleSetup

def default_jobs() -> int:
    """How many processes analyse files at once by default: the CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1
# The rules (by code) and options that apply to one file.
Codes = tuple[tuple[str, Mapping[str, Any]], ...]


@dataclass
class _Unit:
    """One file of a run: where it is, its text, its cache entry, and what it needs."""

    path: Path
    relative: str
    display: str
    text: str | None  # None when it cannot be read
    problem: Finding | None  # why it cannot be read
    key: str | None
    entry: Entry
    target: bool  # linted (else only indexed)
    codes: Codes = ()
    config: str = ""  # digest of ``codes``
    project: bool = False  # some rule of ``codes`` is project-wide
    stamp: tuple[int, int, int] | None = None  # (size, mtime, inode) before it was read
    unread: bool = False  # ``text`` is "": the manifest says the file is unchanged (engine/manifest.py)
    facts: FileFacts | None = None  # this run's, or decoded from the entry
    extracted: bool = False  # ``facts`` were extracted this run (None: the file does not parse)
    analysis: Analysis | None = None  # this run's


class Linter:
    """The configured set of rules, ready to lint files of one project."""

    def __init__(self, config: Config, *, cache: Cache | None = None, jobs: int = 1) -> None:
        self.config = config
        self.cache = cache
        self.jobs = jobs
        rules = catalog()
        self.enabled: list[RuleInfo] = [rules[c] for c in sorted(config.enabled_codes())]
        self.needs_project = any(rule.needs_project for rule in self.enabled)
        self._codes: dict[tuple[str, frozenset[str]], tuple[Codes, str, bool]] = {}
        self._shapes: dict[tuple[frozenset[str], frozenset[str]], tuple[Codes, str, bool]] = {}
        self._prefixes: dict[Path, str] = {}  # project root -> its path below the config folder
        self._path_patterns = any("/" in p for rule in self.enabled for p in rule.applies_to)
        # Each distinct pattern of the enabled rules, compiled: many rules share one.
        self._patterns = {p: pattern_matcher((p,)) for rule in self.enabled for p in rule.applies_to}
        self._indexes: dict[Path, ProjectIndex] = {}
        self._manifests: dict[Path, tuple[manifest.Known, int]] = {}
        #: Told ``(phase, done, total)`` as files are analysed or fixed (a display's hook).
        self.progress: Callable[[str, int, int], None] | None = None

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
        absolute = absolute_path(path)
        return posix_path(below_folder(absolute, os.fspath(root)) or absolute)

    def _config_relative(self, relative_path: str, root: Path | None) -> str:
        """The path per-file-ignores patterns are matched against: relative to the folder
        of the configuration file, as every path of the configuration is (the project root
        is that folder, or a folder below it, in all but unusual set-ups)."""
        if root is None:
            return relative_path
        prefix = self._prefixes.get(root)
        if prefix is None:
            below = below_folder(os.fspath(absolute_path(root)), os.fspath(self.config.root))
            prefix = self._prefixes[root] = posix_path(below) + "/" if below else ""
        return prefix + relative_path

    def _setup(self, relative_path: str, root: Path | None = None) -> tuple[Codes, str, bool]:
        """The codes and options of the rules that apply to this path (project-relative,
        in the project at ``root``), their digest (the cache key part), and whether one of
        them is project-wide."""
        name = relative_path.rsplit("/", 1)[-1]
        ignored = (
            self.config.ignored_for(self._config_relative(relative_path, root))
            if self.config.per_file_ignores
            else frozenset()
        )
        key = (relative_path if self._path_patterns else name, ignored)
        found = self._codes.get(key)
        if found is None:
            matched = frozenset(p for p, match in self._patterns.items() if match(relative_path, name))
            found = self._shapes.get((matched, ignored))
            if found is None:
                found = self._shapes[(matched, ignored)] = self._chosen(matched, ignored)
            self._codes[key] = found
        return found

    def _chosen(self, matched: frozenset[str], ignored: frozenset[str]) -> tuple[Codes, str, bool]:
        chosen = [
            rule
            for rule in self.enabled
            if rule.code not in ignored
            and not rule.judges_suppressions
            and not matched.isdisjoint(rule.applies_to)
        ]
        if chosen:  # suppression rules judge the files other rules lint
            chosen += [r for r in self.enabled if r.judges_suppressions and r.code not in ignored]
        codes = tuple((r.code, self.config.rule_options.get(r.code, {})) for r in chosen)
        settings = digest(repr(tuple((c, sorted(o.items())) for c, o in codes)).encode())
        return codes, settings, any(r.needs_project for r in chosen)

    def codes_for(self, relative_path: str, root: Path | None = None) -> Codes:
        """The codes (with their options) of the enabled rules that apply to this path."""
        return self._setup(relative_path, root)[0]

    def rules_for(self, relative_path: str, root: Path | None = None) -> list[RuleSetup]:
        """The enabled rules that apply to this path, with their options (loads the rules)."""
        from lint_rules.engine.workers import setups

        return setups(self.codes_for(relative_path, root))

    def collect(self, paths: Sequence[Path]) -> list[Path]:
        """The files under ``paths`` that some enabled rule applies to."""
        found = collect_files(paths, root=self.config.root, exclude=self.exclude, patterns=self.patterns)
        if not self._path_patterns:
            return found
        return [p for p in found if self.codes_for(self.relative(p), self.project_root(p))]

    def why_nothing(self, paths: Sequence[Path]) -> str:
        """Why ``collect`` found no file under ``paths``, in one sentence for a warning."""
        shown = ", ".join(str(p) for p in paths) or "."
        python = collect_files(paths, root=self.config.root, exclude=self.exclude, patterns=["*.py"])
        if not python:
            if all(p.is_file() and p.suffix == ".py" for p in paths):
                return f"{shown} {'is' if len(paths) == 1 else 'are'} excluded (`exclude`, `extend-exclude` or a .gitignore)"
            return f"no Python file under {shown} (excluded folders: {', '.join(self.exclude)})"
        kinds = ", ".join(sorted({p for p in self.patterns if "*" in p and p != "*.py"})[:6])
        return (
            f"none of the {len(python)} Python file{'s' if len(python) != 1 else ''} under {shown} is one "
            f"the enabled rules check ({kinds}...; in a Hyperion tree: app/modules/<name>/ and app/core/<name>/)"
        )

    # -- one file ------------------------------------------------------------------------

    def lint_file(self, path: Path) -> FileResult:
        return self.lint_text(path, None)

    def lint_text(self, path: Path, data: bytes | str | None) -> FileResult:
        """Lint a file, or an editor buffer / standard input as if it were the file ``path``."""
        from lint_rules.engine.linter import lint_source

        root = self.project_root(path)
        relative = self.relative(path, root)
        display = display_path(path)
        if data is None:
            source = read_source(path, display)
        else:
            source = decode(data, display) if isinstance(data, bytes) else data
        if isinstance(source, Finding):
            return FileResult(display, [source])
        rules = self.rules_for(relative, root)
        project = self.index(root) if self.needs_project and rules else None
        return with_display(lint_source(relative, source, rules, project), display, source, root)

    # -- many files ------------------------------------------------------------------------

    def lint_paths(self, paths: Sequence[Path]) -> list[FileResult]:
        targets = self.collect(paths)
        results: dict[Path, FileResult] = {}
        with paused_collector():
            for root, files in self.by_root(targets).items():
                results.update(self._lint_group(root, files))
        return [results[t] for t in targets]

    def by_root(self, targets: Sequence[Path]) -> dict[Path, list[Path]]:
        """The targets grouped by their project root, each group in the targets' order."""
        groups: dict[Path, list[Path]] = {}
        for target in targets:
            groups.setdefault(self.project_root(target), []).append(target)
        return groups

    def _project_files(self, root: Path) -> list[Path]:
        app = root / "app"
        if not app.is_dir():
            return []
        return collect_files([app], root=self.config.root, exclude=self.exclude, patterns=["*.py"])

    def _load(self, path: Path, root: Path, target: bool, known: manifest.Known | None = None) -> _Unit:
        relative = self.relative(path, root)
        display = display_path(path)
        if known:
            same = None if target else manifest.unchanged(known, relative, path)
            if same is not None:
                key, facts = same
                unit = _Unit(path, relative, display, "", None, key, Entry(facts=facts), target, unread=True)
                unit.stamp = known[relative][:3]
                return unit
        stamp = manifest.stamp(path) if known is not None else None
        found = read(path, display)
        if isinstance(found, Finding):
            return _Unit(path, relative, display, None, found, None, Entry(), target)
        data, text = found
        key = entry = None
        if self.cache is not None:
            key = self.cache.key(relative, data)
            entry = self.cache.get(key)
        unit = _Unit(path, relative, display, text, None, key, entry or Entry(), target, stamp=stamp)
        if target:
            unit.codes, unit.config, unit.project = self._setup(relative, root)
        return unit

    def _prepare(self, root: Path, files: Sequence[Path], targets: set[Path]) -> list[_Unit]:
        """Read every file (but those the manifest says are unchanged); analyse, in one
        batch, those the cache does not know."""
        known = self._manifest(root)
        units = [self._load(path, root, path in targets, known) for path in files]
        needed = []
        for unit in units:
            if unit.text is None:
                continue
            analysis = bool(unit.codes) and unit.config not in unit.entry.analyses
            facts = self.needs_project and unit.entry.facts is None
            if analysis or facts:
                needed.append((unit, analysis, facts))
        if needed:
            from lint_rules.engine.workers import FINISH, PACK, analyze_all

            # Where the files are analysed, the facts are also encoded for the cache, and a
            # file no project-wide rule judges is also finished: the parent only collects.
            pack = PACK if self.cache is not None else 0
            items = [
                (u.relative, u.text or "", u.codes if a else (), f, pack | (FINISH if a and not u.project else 0))
                for u, a, f in needed
            ]
            told = self.progress
            progress = (lambda done, total: told("Analysing", done, total)) if told is not None else None
            for (unit, analysis, facts), result in zip(needed, analyze_all(items, self.jobs, progress)):
                if result.crashed:  # perhaps killed from outside: try again next run
                    unit.key = None
                if facts:
                    unit.facts = result.facts
                    unit.extracted = True
                    if self.cache is not None:
                        packed = result.packed_facts
                        unit.entry.facts = packed if packed is not None else records.pack_facts(result.facts)
                        unit.entry.dirty = True
                if analysis:
                    unit.analysis = result
        return units

    def _lint_group(self, root: Path, targets: list[Path]) -> dict[Path, FileResult]:
        """Lint ``targets`` (and, for project-wide rules, index the whole project at ``root``)."""
        wanted = set(targets)
        files = sorted(set(self._project_files(root)) | wanted) if self.needs_project else targets
        units = self._prepare(root, files, wanted)
        project = _project_digest(units) if self.needs_project and self.cache is not None else ""
        index: list[ProjectIndex] = []

        def project_index() -> ProjectIndex:
            if not index:
                index.append(self._index_of(units))
                self._indexes[root] = index[0]
            return index[0]

        results = {}
        for unit in units:
            if not unit.target:
                continue
            results[unit.path] = with_display(self._result(unit, project, project_index), unit.display, unit.text, root)
        self._save(units, root)
        return results

    def _manifest(self, root: Path) -> manifest.Known | None:
        """What the cache's manifest of the project says (None: no manifest is kept)."""
        if self.cache is None or not self.needs_project:
            return None
        if root not in self._manifests:
            self._manifests[root] = (manifest.load(self.cache, root), time.time_ns())
        return self._manifests[root][0]

    def _save(self, units: Sequence[_Unit], root: Path | None = None) -> None:
        """Write back the entries this run added to (a whole entry, or none, each), and
        the project's manifest."""
        if self.cache is not None:
            for unit in units:
                if unit.entry.dirty and unit.key is not None:
                    self.cache.put(unit.key, unit.entry)
            if root is not None and root in self._manifests:
                known, started = self._manifests[root]
                files = [
                    (u.relative, u.stamp, u.key, u.entry.facts)
                    for u in units
                    if u.text is not None and u.stamp is not None and u.key is not None and u.entry.facts is not None
                ]
                manifest.save(self.cache, root, known, files, started)

    def _result(self, unit: _Unit, project: str, project_index: Callable[[], ProjectIndex]) -> FileResult:
        """The file's findings: from the cache when nothing they depend on changed."""
        if unit.problem is not None:
            return FileResult(unit.relative, [unit.problem])
        if not unit.codes:
            return FileResult(unit.relative)
        against = project if unit.project else ""
        record = unit.entry.analyses.get(unit.config)
        if record is not None:
            result = records.cached_result(record, unit.relative, against)
            if result is not None:
                return result
        analysis = unit.analysis
        if analysis is not None and analysis.result is not None:  # finished where it was analysed
            if analysis.record is not None and self.cache is not None:
                unit.entry.analyses[unit.config] = analysis.record
                unit.entry.dirty = True
            return analysis.result
        from lint_rules.engine.linter import finish
        from lint_rules.engine.workers import analyze_item, setups

        if analysis is None and record is not None:
            analysis = records.unpack(record, unit.relative, unit.text or "", setups(unit.codes))
        if analysis is None:  # damaged: analysed again
            analysis = analyze_item((unit.relative, unit.text or "", unit.codes, False))
        if unit.project and analysis.facts is None and analysis.parsed:
            analysis.facts = self._facts(unit)
        result = finish(analysis, project_index() if unit.project else None)
        if self.cache is not None:
            packed = records.pack(analysis, against, result)
            if packed is not None:
                unit.entry.analyses[unit.config] = packed
                unit.entry.dirty = True
        return result

    def _facts(self, unit: _Unit) -> FileFacts | None:
        """The file's facts: this run's, the cache's, or extracted again."""
        if unit.extracted:
            return unit.facts
        blob = unit.entry.facts[0] if unit.entry.facts is not None else None
        if unit.facts is None and blob is not None:
            try:
                unit.facts = records.unpack_facts(blob)
            except records.DAMAGE:
                unit.entry.facts = None
        if unit.unread and unit.entry.facts is None:  # the manifest's were damaged: read the file after all
            fresh = self._load(unit.path, self.project_root(unit.path), unit.target)
            unit.text, unit.key, unit.entry, unit.stamp, unit.unread = fresh.text, fresh.key, fresh.entry, fresh.stamp, False
            return self._facts(unit)
        if unit.facts is None and unit.text is not None and (unit.entry.facts is None or blob is not None):
            from lint_rules.engine.workers import analyze_item

            unit.facts = analyze_item((unit.relative, unit.text, (), True)).facts
            unit.extracted = True
            if self.cache is not None:
                unit.entry.facts = records.pack_facts(unit.facts)
                unit.entry.dirty = True
        return unit.facts

    def _index_of(self, units: Sequence[_Unit]) -> ProjectIndex:
        from lint_rules.knowledge.facts import ProjectIndex

        facts = {}
        for unit in units:
            if unit.text is not None:
                found = self._facts(unit)
                if found is not None:
                    facts[unit.relative] = found
        return ProjectIndex(facts)

    # -- fixing ----------------------------------------------------------------------------

    def fix_text(self, path: Path, source: str, *, unsafe: bool, decide: Decide | None = None) -> FixOutcome:
        """Fix a buffer as if it were the file ``path``; nothing is written. ``decide``
        is asked about each unsafe fix (see :func:`fix_source`)."""
        from lint_rules.engine.fixer import fix_source
        from lint_rules.engine.linter import lint_source

        root = self.project_root(path)
        relative = self.relative(path, root)
        display = display_path(path)
        rules = self.rules_for(relative, root)
        project = self.index(root) if self.needs_project and rules else None
        outcome = fix_source(
            source,
            lambda text: lint_source(relative, text, rules, project),
            unsafe=unsafe,
            line_length=self.config.line_length,
            decide=(lambda f, before, after: decide(dataclasses.replace(f, path=display), before, after))
            if decide is not None
            else None,
        )
        outcome.result = with_display(outcome.result, display, outcome.source, root)
        outcome.applied = [dataclasses.replace(f, path=display) for f in outcome.applied]
        outcome.dropped = [dataclasses.replace(f, path=display) for f in outcome.dropped]
        return outcome

    def fix_paths(
        self, paths: Sequence[Path], *, unsafe: bool, decide: Decide | None = None
    ) -> list[tuple[Path, str | None, FixOutcome | FileResult]]:
        """For each file: its original text (None when unreadable) and the fix outcome,
        or the plain result of a file that cannot be read. Nothing is written here.
        The tree is fixed round after round, each linting again only what the last one
        changed (see tree_fix.py)."""
        from lint_rules.engine.tree_fix import fix_tree

        return fix_tree(self, self.collect(paths), unsafe, decide)

    def index(self, root: Path) -> ProjectIndex:
        """The facts of every file of the project at ``root`` as saved on disk (built once
        per run, from the cache where it can); a buffer being linted replaces its own
        file's facts."""
        index = self._indexes.get(root)
        if index is None:
            units = self._prepare(root, self._project_files(root), set())
            index = self._indexes[root] = self._index_of(units)
            self._save(units, root)
        return index


def _project_digest(units: Sequence[_Unit]) -> str:
    """What every file's project-wide findings depend on: the facts of the whole project."""
    return digest(
        *(f"{u.relative}:{u.entry.facts[1]}".encode() for u in units if u.text is not None and u.entry.facts)
    )
