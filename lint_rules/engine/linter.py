"""Linting one file: a pure function of its path, its text and the rules that apply.

That purity is what a per-file cache, parallel workers, a project index and an editor
buffer all rely on: nothing here reads the disk or the configuration.
"""

from __future__ import annotations

import ast
import re
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from lint_rules.engine.positions import NodeSpans
from lint_rules.engine.suppression import parse_suppressions
from lint_rules.engine.walker import build_dispatch, walk
from lint_rules.model import (
    INTERNAL_ERROR,
    META_CODE,
    SYNTAX_ERROR,
    Applicability,
    Edit,
    Finding,
    Fix,
    Position,
)
from lint_rules.rules.base import Context, Report, Rule

RuleSetup = tuple[type[Rule], Mapping[str, Any]]


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    # The text that was linted, for reporters that show the offending line.
    source: str | None = None

    @property
    def internal_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.name == INTERNAL_ERROR]


# Lines that Python 3.11's own parser rejects although they are valid 3.12+ code.
_NEWER_SYNTAX = re.compile(r"^\s*(?:type\s+\w+.*=|(?:async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\[)")


def _compiler_error(source: str) -> tuple[int, int, str] | None:
    """CPython's own diagnosis (it locates errors far better than LibCST's parser).

    Only parsing is done (``ast.parse``): nothing of the file is compiled to bytecode or run.
    """
    try:
        ast.parse(source)
    except SyntaxError as error:
        line = error.lineno or 1
        text = source.splitlines()[line - 1] if 0 < line <= len(source.splitlines()) else ""
        if sys.version_info < (3, 12) and _NEWER_SYNTAX.match(text):
            return None  # 3.11 does not know this syntax: trust LibCST instead
        return line, max(error.offset or 1, 1), error.msg
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def syntax_error_finding(path: str, source: str, error: cst.ParserSyntaxError) -> Finding:
    diagnosis = _compiler_error(source)
    if diagnosis is not None:
        line, column, detail = diagnosis
    else:
        line, column = max(error.raw_line, 1), error.raw_column + 1
        detail = error.message.strip().splitlines()[0] if error.message.strip() else "invalid syntax"
    return Finding(
        code=META_CODE,
        name=SYNTAX_ERROR,
        message=f"Cannot parse this file: {detail}. Fix the syntax; no rule could check it.",
        path=path,
        start=Position(line, column),
        end=Position(line, column),
    )


class _Guard:
    """Runs one rule's handlers; the first exception disables the rule for this file."""

    def __init__(self, rule: Rule, context: Context) -> None:
        self.rule = rule
        self.context = context
        self.error: BaseException | None = None
        self.error_node: cst.CSTNode | None = None

    def wrap(self, fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def guarded(node: Any) -> None:
            if self.error is not None:
                return
            try:
                fn(node)
            except Exception as exc:  # noqa: BLE001 - a broken rule must not stop the run
                self.error = exc
                self.error_node = node

        return guarded

    def handlers(self) -> list[tuple[str, Callable[[Any], Any]]]:
        out = []
        for name in dir(type(self.rule)):
            if name.startswith(("visit_", "leave_")):
                out.append((name, self.wrap(getattr(self.rule, name))))
        return out


def _internal_error(path: str, guard: _Guard, spans: NodeSpans | None) -> Finding:
    rule = guard.rule
    exc = guard.error
    assert exc is not None
    start = end = Position(1, 1)
    if spans is not None and guard.error_node is not None:
        start, end = spans.range(guard.error_node)
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" ({frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" if frame else ""
    return Finding(
        code=META_CODE,
        name=INTERNAL_ERROR,
        message=(
            f"Internal error in rule {rule.code} ({rule.name}): "
            f"{type(exc).__name__}: {exc}{where}. Other rules still ran; please report this bug."
        ),
        path=path,
        start=start,
        end=end,
    )


def _finding(rule: type[Rule], path: str, report: Report, spans: NodeSpans) -> Finding:
    start, end = spans.range(report.node, report.end_node)
    fix = None
    if report.replacement is not None and rule.fix_safety is not None:
        edit_start, edit_end, content = spans.replacement(report.node, report.replacement)
        fix = Fix(
            title=report.fix_title or "Apply the fix",
            applicability=rule.fix_safety,
            edits=(Edit(edit_start, edit_end, content),),
        )
    return Finding(
        code=rule.code,
        name=rule.name,
        message=report.message,
        path=path,
        start=start,
        end=end,
        fix_title=report.fix_title,
        fix=fix,
        related=report.related,
    )


def lint_module(
    path: str, source: str, module: cst.Module, rules: Sequence[RuleSetup]
) -> FileResult:
    """Run ``rules`` over an already parsed module, in one traversal."""
    context = Context(path, source, module)
    guards: list[_Guard] = []
    for rule_class, options in rules:
        guards.append(_Guard(rule_class(context, options), context))
    dispatch = build_dispatch(h for g in guards for h in g.handlers())
    walk(module, dispatch, context.ancestors)

    watched: list[cst.CSTNode] = []
    for guard in guards:
        for report in guard.rule.reports:
            watched.append(report.node)
            if report.end_node is not None:
                watched.append(report.end_node)
        if guard.error_node is not None:
            watched.append(guard.error_node)
    if not watched:
        return FileResult(path)

    spans = NodeSpans(module, watched)
    findings: list[Finding] = []
    for guard in guards:
        rule_class = type(guard.rule)
        findings.extend(_finding(rule_class, path, r, spans) for r in guard.rule.reports)
        if guard.error is not None:
            findings.append(_internal_error(path, guard, spans))
    return _suppress(path, source, findings)


def _suppress(path: str, source: str, findings: list[Finding]) -> FileResult:
    suppressions = parse_suppressions(source)
    result = FileResult(path)
    for finding in findings:
        covering = [
            s
            for s in suppressions.get(finding.start.line, ())
            if finding.name != INTERNAL_ERROR and s.covers(finding.code)
        ]
        if covering:
            for s in covering:
                s.used.add(finding.code)
            result.suppressed += 1
        else:
            result.findings.append(finding)
    result.findings.sort(key=lambda f: f.sort_key)
    return result


def lint_source(path: str, source: str, rules: Sequence[RuleSetup]) -> FileResult:
    """Parse ``source`` once and run ``rules`` over it. Never raises for bad input."""
    if not rules:
        return FileResult(path)
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return FileResult(path, [syntax_error_finding(path, source, error)])
    except (RecursionError, MemoryError, ValueError) as error:
        return FileResult(
            path,
            [
                Finding(
                    code=META_CODE,
                    name=SYNTAX_ERROR,
                    message=f"Cannot parse this file: {type(error).__name__}. No rule could check it.",
                    path=path,
                    start=Position(1, 1),
                    end=Position(1, 1),
                )
            ],
        )
    return lint_module(path, source, module, rules)


__all__ = ["FileResult", "RuleSetup", "lint_module", "lint_source", "Applicability"]
