"""Applying fixes: lint, apply the non-overlapping fixes, lint again, until stable.

Findings reported at the same place judge the same node (a route's decorator: its
summary, status code and response model), so a round applies at most one fix per place:
the others are judged again, by the next lint, on the code the first one left (a 204
route's `response_model=None` is not added in the round that makes it a 201).

A round whose result does not parse is retried fix by fix, and a fix that breaks the
code is dropped and reported. Files are written only by :func:`write_atomically`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from lint_rules.engine.fixes import apply_fixes
from lint_rules.engine.layout import fit
from lint_rules.engine.suppression import source_lines
from lint_rules.model import Applicability, FileResult, Finding, Fix

MAX_ROUNDS = 20


@dataclass
class FixOutcome:
    source: str  # the fixed text (the original when nothing applied)
    result: FileResult  # the findings that remain in ``source``
    applied: list[Finding] = field(default_factory=list)
    dropped: list[Finding] = field(default_factory=list)  # fixes that would break the code

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def parses(source: str) -> bool:
    try:
        cst.parse_module(source)
    except (cst.ParserSyntaxError, SyntaxError, RecursionError, MemoryError, ValueError):
        return False
    return True


def applicable(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


def laid_out(source: str, fix: Fix, line_length: int | None, lines: list[str] | None = None) -> Fix:
    """``fix`` with the calls it writes split the way the formatter would when they would
    pass ``line_length`` (see layout.py); as it is without a line length. ``lines`` are
    those of ``source``, when the caller has them already."""
    if line_length is None:
        return fix
    if lines is None:
        lines = source_lines(source, keepends=True)
    return Fix(fix.title, fix.applicability, tuple(fit(lines, e, line_length) for e in fix.edits))


#: Asked about one unsafe fix: (the finding, the text before, the text after it) -> apply it?
Decide = Callable[[Finding, str, str], bool]


def fix_source(
    source: str,
    lint: Callable[[str], FileResult],
    *,
    unsafe: bool = False,
    line_length: int | None = None,
    decide: Decide | None = None,
) -> FixOutcome:
    """Fix ``source`` with the findings ``lint`` gives, round after round; with
    ``line_length``, a call a fix makes too long is split one argument a line. With
    ``decide``, the safe fixes are applied and each unsafe one is applied only if
    ``decide`` accepts it (asked once per fix, one at a time, the safe ones first)."""
    fixing = Fixing(source, lint(source), unsafe=unsafe, line_length=line_length, decide=decide)
    while (text := fixing.step()) is not None:
        fixing.judged(lint(text))
    return fixing.outcome


class Fixing:
    """One file being fixed, a round at a time: :meth:`step` applies a round of fixes to
    the findings of the current text, and whoever lints it (:func:`fix_source`, or the
    runner for a whole tree) gives the findings of the new text to :meth:`judged`.

    A file can be stepped again after a round that changed nothing, once its findings
    changed (the runner does so when another file's fix changed the project index)."""

    def __init__(
        self,
        source: str,
        result: FileResult,
        *,
        unsafe: bool = False,
        line_length: int | None = None,
        decide: Decide | None = None,
    ) -> None:
        self.outcome = FixOutcome(source, result)
        self.unsafe = unsafe
        self.line_length = line_length
        self.decide = decide
        self.rounds = 0  # rounds that changed the text
        self.rejected: set[tuple[str, Fix]] = set()
        self.declined: set[tuple[str, str, tuple[str, ...]]] = set()
        # The text before the last step and what it applied, while nobody has checked that
        # the text it gave parses (see ``step(checked=False)``).
        self._unchecked: tuple[str, int] | None = None

    @property
    def source(self) -> str:
        return self.outcome.source

    def judged(self, result: FileResult) -> None:
        """The findings of the text the last :meth:`step` returned."""
        self.outcome.result = result

    def step(self, *, checked: bool = True) -> str | None:
        """Apply one round of fixes: the new text, or None when nothing more applies.

        With ``checked=False``, the text the fixes give together is not parsed here: the
        caller, which analyses it anyway, says with :meth:`broken` when it does not parse,
        and gets the text the fixes that keep it parsing give instead."""
        self._unchecked = None
        if self.rounds >= MAX_ROUNDS:
            return None
        text = self._round(self.outcome.source, self.outcome.result, checked)
        if text is None:
            return None
        self.rounds += 1
        self.outcome.source = text
        return text

    @property
    def unchecked(self) -> bool:
        """The text of the last step has not been checked to parse."""
        return self._unchecked is not None

    def broken(self) -> str | None:
        """The text the last ``step(checked=False)`` gave does not parse: apply its fixes
        one by one instead, as ``step()`` would have; the text then, or None."""
        assert self._unchecked is not None
        source, count = self._unchecked
        self._unchecked = None
        del self.outcome.applied[len(self.outcome.applied) - count :]
        self.outcome.source = source
        self.rounds -= 1
        candidates = self._candidates(source, self.outcome.result)
        if self.decide is not None:
            candidates = [f for f in candidates if not _unsafe(f)]
        text, applied = _one_by_one(source, candidates, self.outcome, self.rejected, self.line_length)
        if not applied:
            return None
        self.outcome.applied.extend(applied)
        self.rounds += 1
        self.outcome.source = text
        return text

    def _candidates(self, source: str, result: FileResult) -> list[Finding]:
        unsafe, decide, rejected, declined = self.unsafe, self.decide, self.rejected, self.declined
        return _one_per_place(
            [
                f
                for f in result.findings
                if applicable(f, unsafe or decide is not None)
                and (f.code, f.fix) not in rejected
                and (not declined or _identity(source, f) not in declined)
            ]
        )

    def _round(self, source: str, result: FileResult, checked: bool = True) -> str | None:
        decide, line_length, outcome = self.decide, self.line_length, self.outcome
        rejected, declined = self.rejected, self.declined
        candidates = self._candidates(source, result)
        if not candidates:
            return None
        if decide is not None and all(_unsafe(f) for f in candidates):
            return _ask(source, candidates, decide, declined, outcome, rejected, line_length)
        if decide is not None:
            candidates = [f for f in candidates if not _unsafe(f)]
        lines = source_lines(source, keepends=True) if line_length is not None else None
        text, indices = apply_fixes(
            source, [laid_out(source, f.fix, line_length, lines) for f in candidates if f.fix is not None]
        )
        if not indices or text == source:
            return None
        if not checked:
            self._unchecked = (source, len(indices))
            outcome.applied.extend(candidates[i] for i in indices)
            return text
        if parses(text):
            applied = [candidates[i] for i in indices]
        else:
            text, applied = _one_by_one(source, candidates, outcome, rejected, line_length)
            if not applied:
                return None
        outcome.applied.extend(applied)
        return text


def _unsafe(finding: Finding) -> bool:
    return finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE


def _identity(source: str, finding: Finding) -> tuple[str, str, tuple[str, ...]]:
    """A fix as the user saw it, whatever line it has moved to since: its rule, its
    message, and the text it replaces with what it writes."""
    if finding.fix is None:
        return (finding.code, finding.message, ())
    lines = source_lines(source, keepends=True)
    parts = []
    for edit in finding.fix.edits:
        parts.append("".join(lines[edit.start.line - 1 : edit.end.line]))
        parts.append(edit.content)
    return (finding.code, finding.message, tuple(parts))


def _ask(
    source: str,
    candidates: list[Finding],
    decide: Decide,
    declined: set[tuple[str, str, tuple[str, ...]]],
    outcome: FixOutcome,
    rejected: set[tuple[str, Fix]],
    line_length: int | None,
) -> str | None:
    """Offer the unsafe fixes one at a time; the text after the first one accepted, or
    None when every one was declined."""
    for finding in candidates:
        assert finding.fix is not None
        text, indices = apply_fixes(source, [laid_out(source, finding.fix, line_length)])
        if not indices or text == source:
            rejected.add((finding.code, finding.fix))
            continue
        if not parses(text):
            rejected.add((finding.code, finding.fix))
            outcome.dropped.append(finding)
            continue
        if decide(finding, source, text):
            outcome.applied.append(finding)
            return text
        declined.add(_identity(source, finding))
    return None


def _one_per_place(findings: list[Finding]) -> list[Finding]:
    """The first fixable finding of each place (findings come sorted by place and code)."""
    seen: set[tuple[int, int]] = set()
    chosen = []
    for finding in findings:
        place = (finding.start.line, finding.start.column)
        if place not in seen:
            seen.add(place)
            chosen.append(finding)
    return chosen


def _one_by_one(
    source: str, candidates: list[Finding], outcome: FixOutcome, rejected: set[tuple[str, Fix]], line_length: int | None
) -> tuple[str, list[Finding]]:
    """Apply fixes one at a time, keeping only those after which the code still parses."""
    applied = []
    for finding in candidates:
        assert finding.fix is not None
        text, indices = apply_fixes(source, [laid_out(source, finding.fix, line_length)])
        if indices and parses(text):
            source = text
            applied.append(finding)
            break  # positions of the other fixes are stale now: lint again
        rejected.add((finding.code, finding.fix))
        outcome.dropped.append(finding)
    return source, applied


