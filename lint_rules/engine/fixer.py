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


def laid_out(source: str, fix: Fix, line_length: int | None) -> Fix:
    """``fix`` with the calls it writes split the way the formatter would when they would
    pass ``line_length`` (see layout.py); as it is without a line length."""
    if line_length is None:
        return fix
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
    result = lint(source)
    outcome = FixOutcome(source, result)
    rejected: set[tuple[str, Fix]] = set()
    declined: set[tuple[str, str, tuple[str, ...]]] = set()
    for _ in range(MAX_ROUNDS):
        candidates = _one_per_place(
            [
                f
                for f in result.findings
                if applicable(f, unsafe or decide is not None)
                and (f.code, f.fix) not in rejected
                and _identity(source, f) not in declined
            ]
        )
        if not candidates:
            break
        if decide is not None and all(_unsafe(f) for f in candidates):
            text = _ask(source, candidates, decide, declined, outcome, rejected, line_length)
            if text is None:
                break
            source = text
            result = lint(source)
            continue
        if decide is not None:
            candidates = [f for f in candidates if not _unsafe(f)]
        text, indices = apply_fixes(source, [laid_out(source, f.fix, line_length) for f in candidates if f.fix is not None])
        if not indices or text == source:
            break
        if parses(text):
            applied = [candidates[i] for i in indices]
        else:
            text, applied = _one_by_one(source, candidates, outcome, rejected, line_length)
            if not applied:
                break
        outcome.applied.extend(applied)
        source = text
        result = lint(source)
    outcome.source = source
    outcome.result = result
    return outcome


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


