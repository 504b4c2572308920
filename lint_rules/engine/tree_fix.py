"""``check --fix`` over a tree: fix rounds that lint again only what the last round changed.

The first round is a check: the cache and the worker processes serve it as they serve
``check``. Each file then gets one round of fixes (see fixer.py), and the files a round
changed are analysed again, together, their new facts put in the project index. When
those facts changed the index, the project-wide rules judge every other file again,
from the analysis their traversal left: a fix in one file can change what a project
rule says of another (a duplicate route's line, a permission's value), and a file with
nothing left to fix can get something to fix that way. The rounds go on until no file
changes; the findings then given are those a check of the fixed tree gives.

Without ``decide``, every file takes part in every round (a file's rounds are the same as
if the whole tree were linted again after each one). With ``decide`` (``--interactive``),
files are fixed one after another, so that the questions come file by file; a file an
earlier one's fixes affected is taken up again afterwards.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lint_rules.engine import records
from lint_rules.engine.collector import collect_young, paused_collector
from lint_rules.engine.paths import with_display
from lint_rules.model import FileResult

if TYPE_CHECKING:
    from lint_rules.engine.fixer import Decide, Fixing, FixOutcome
    from lint_rules.engine.linter import Analysis
    from lint_rules.engine.runner import Linter, _Unit
    from lint_rules.knowledge.facts import FileFacts, ProjectIndex

Entry = tuple[Path, "str | None", "FixOutcome | FileResult"]


@dataclass
class _File:
    """A target being fixed: its unit, its fixing state, and the analysis of its text now."""

    unit: _Unit
    fixing: Fixing
    analysis: Analysis | None = None  # None until needed (or re-analysed)
    idle: bool = False  # its last round changed nothing, and its findings have not changed since


def fix_tree(linter: Linter, targets: Sequence[Path], unsafe: bool, decide: Decide | None) -> list[Entry]:
    """For each target: its original text (None when unreadable) and its fix outcome, or
    the plain result of a file that cannot be read. Nothing is written here."""
    out: dict[Path, Entry] = {}
    with paused_collector():
        for root, files in linter.by_root(targets).items():
            out.update(_TreeFix(linter, root, files, unsafe, decide).run())
    return [out[t] for t in targets]


class _TreeFix:
    def __init__(self, linter: Linter, root: Path, targets: list[Path], unsafe: bool, decide: Decide | None) -> None:
        self.linter = linter
        self.root = root
        self.targets = targets
        self.unsafe = unsafe
        self.decide = decide
        self.index: ProjectIndex | None = None
        self.build_index: Callable[[], ProjectIndex] = lambda: self.linter._index_of(())
        self.facts: dict[str, FileFacts] = {}

    def run(self) -> dict[Path, Entry]:
        from lint_rules.engine.fixer import Fixing
        from lint_rules.engine.runner import _project_digest

        linter, root = self.linter, self.root
        wanted = set(self.targets)
        files = sorted(set(linter._project_files(root)) | wanted) if linter.needs_project else self.targets
        units = linter._prepare(root, files, wanted)
        digest = _project_digest(units) if linter.needs_project and linter.cache is not None else ""
        out: dict[Path, Entry] = {}
        fixed: list[_File] = []
        self.build_index = self._project_index(units)
        for unit in units:
            if not unit.target:
                continue
            result = linter._result(unit, digest, self.build_index)
            if unit.text is None:
                out[unit.path] = (unit.path, None, with_display(result, unit.display, None, root))
                continue
            fixing = Fixing(
                unit.text,
                result,
                unsafe=self.unsafe,
                line_length=linter.config.line_length,
                decide=self._decide_for(unit.display),
            )
            fixed.append(_File(unit, fixing, unit.analysis if unit.analysis and unit.analysis.result is None else None))
        linter._save(units)
        originals = {f.unit.path: f.unit.text for f in fixed}
        self._rounds(fixed)
        for f in fixed:
            outcome = f.fixing.outcome
            outcome.result = with_display(outcome.result, f.unit.display, outcome.source, root)
            outcome.applied = [dataclasses.replace(x, path=f.unit.display) for x in outcome.applied]
            outcome.dropped = [dataclasses.replace(x, path=f.unit.display) for x in outcome.dropped]
            out[f.unit.path] = (f.unit.path, originals[f.unit.path], outcome)
        return out

    def _decide_for(self, display: str) -> Decide | None:
        decide = self.decide
        if decide is None:
            return None
        return lambda finding, before, after: decide(dataclasses.replace(finding, path=display), before, after)

    def _project_index(self, units: Sequence[_Unit]) -> Callable[[], ProjectIndex]:
        """The index of the tree as read (built on first use), as ``Linter._result`` asks it."""

        def build() -> ProjectIndex:
            if self.index is None:
                self.index = self.linter._index_of(units)
                self.facts = dict(self.index.files)
            return self.index

        return build

    # -- rounds ------------------------------------------------------------------------------

    def _rounds(self, fixed: list[_File]) -> None:
        progress = self.linter.progress
        while True:
            waiting = [f for f in fixed if not f.idle]
            if not waiting:
                return
            # One file at a time when asking, so that the questions come file by file.
            active = waiting[:1] if self.decide is not None else waiting
            changed = []
            for f in active:
                # Not parsed here: the analysis of the new text says whether it parses.
                text = f.fixing.step(checked=False)
                if text is None:
                    f.idle = True
                else:
                    changed.append(f)
            if changed:
                self._judge_again(fixed, changed)
            if progress is not None:
                progress("Fixing", sum(f.idle for f in fixed), len(fixed))
            collect_young()

    def _judge_again(self, fixed: list[_File], changed: list[_File]) -> None:
        """Analyse the changed files again (together), update the index from their facts,
        and judge again what depends on it."""
        from lint_rules.engine.fixer import parses
        from lint_rules.engine.linter import finish
        from lint_rules.engine.workers import analyze_all

        linter = self.linter
        extract = linter.needs_project
        analysed: dict[int, Analysis] = {}
        pending = changed
        while pending:
            items = [(f.unit.relative, f.fixing.source, f.unit.codes, extract, 0) for f in pending]
            again = []
            for f, analysis in zip(pending, analyze_all(items, linter.jobs)):
                if not analysis.parsed and f.fixing.unchecked and not parses(f.fixing.source):
                    # Applied together, the round's fixes break the code: one by one instead.
                    if f.fixing.broken() is not None:
                        again.append(f)
                    else:
                        f.idle = True
                    continue
                analysed[id(f)] = analysis
            pending = again
        changed = [f for f in changed if id(f) in analysed]
        for f in changed:
            f.analysis = analysed[id(f)]
        if extract and self.index is None:
            self.build_index()  # every result came from the cache: the index was not needed yet
        moved = False
        for f in changed:
            analysis = analysed[id(f)]
            if extract:
                old = self.facts.get(f.unit.relative)
                if analysis.facts != old:
                    moved = True
                    if analysis.facts is None:
                        self.facts.pop(f.unit.relative, None)
                    else:
                        self.facts[f.unit.relative] = analysis.facts
        if moved:
            from lint_rules.knowledge.facts import ProjectIndex

            self.index = ProjectIndex(self.facts)
        for f in changed:
            assert f.analysis is not None
            f.fixing.judged(finish(f.analysis, self.index if f.unit.project else None))
            f.idle = False
        if not moved:
            return
        again = set(map(id, changed))
        for f in fixed:
            if id(f) in again or not f.unit.project or not f.unit.codes:
                continue
            result = finish(self._analysis(f), self.index)
            if result != f.fixing.outcome.result:
                f.fixing.judged(result)
                f.idle = False

    def _analysis(self, f: _File) -> Analysis:
        """The analysis of a file no round has changed yet: this run's, the cache's, or made again."""
        if f.analysis is not None:
            return f.analysis
        from lint_rules.engine.workers import analyze_item, setups

        unit = f.unit
        analysis = None
        record = unit.entry.analyses.get(unit.config)
        if record is not None:
            analysis = records.unpack(record, unit.relative, unit.text or "", setups(unit.codes))
        if analysis is None:
            analysis = analyze_item((unit.relative, unit.text or "", unit.codes, False))
        if analysis.facts is None and analysis.parsed:
            analysis.facts = self.linter._facts(unit)
        f.analysis = analysis
        return analysis
