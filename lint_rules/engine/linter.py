"""Linting one file: a pure function of its path, its text and the rules that apply.

That purity is what a per-file cache, parallel workers, a project index and an editor
buffer all rely on: nothing here reads the disk or the configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import libcst as cst

from lint_rules.engine.catalog import known_codes
from lint_rules.engine.complexity import MAX_NESTING, nesting_depth, too_complex
from lint_rules.engine.isolation import FactsGuard, Guard, deeply, internal_error
from lint_rules.engine.parse_errors import compiler_error, parse_error, syntax_finding, too_deep
from lint_rules.engine.positions import NodeSpans
from lint_rules.engine.scopes import ScopeIndex, Scopes, definitions_of, scope_at, scope_nodes, scopes_from, scopes_of, snippet
from lint_rules.engine.suppression import parse_suppressions, source_lines
from lint_rules.engine.validation import install as _install_validation
from lint_rules.engine.walker import build_dispatch, walk
from lint_rules.model import (
    META_CODE,
    Edit,
    FileResult,
    Finding,
    Fix,
    Location,
    Suppression,
)
from lint_rules.engine.codec import decode_finding, encode_finding
from lint_rules.rule_api.base import Context, Proposal, Report, Rule
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.matchers.memo import NodeMemo

if TYPE_CHECKING:
    from lint_rules.engine.reparse import Memo

RuleSetup = tuple[type[Rule], Mapping[str, Any]]

_install_validation()


def _finding(
    rule: type[Rule],
    path: str,
    report: Report,
    spans: NodeSpans | None,
    lines: Sequence[str],
    scopes: Scopes | ScopeIndex,
) -> Finding:
    fix = None
    if report.location is not None:
        start, end = report.location.start, report.location.end
        if report.edits and rule.fix_safety is not None:
            fix = Fix(
                title=report.fix_title or "Apply the fix",
                applicability=rule.fix_safety,
                edits=report.edits,
            )
    else:
        assert spans is not None and report.node is not None
        start, end = spans.range(report.node, report.end_node)
        if report.replacement is not None and rule.fix_safety is not None:
            target = report.fix_node or report.node
            edit_start, edit_end, content = spans.replacement(target, report.replacement)
            # No fix where LibCST does not give the file's text back exactly: the edit
            # could land a few columns off.
            if spans.exact(edit_start, edit_end):
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
        scope=scopes.at(start) if isinstance(scopes, ScopeIndex) else scope_at(scopes, start),
        snippet=snippet(lines, start, end),
    )


@dataclass
class Analysis:
    """A file after its one traversal: plain data, ready to cache or to send between
    processes; nothing here keeps the syntax tree alive.

    Project-wide checks (:func:`finish`) run later, once the facts of every file of the
    project are known. They run on fresh instances of the project rules, given back the
    state their visitors left (``states``): a project rule keeps plain data only.
    """

    path: str
    source: str
    rules: Sequence[RuleSetup] = ()
    # False when the file did not parse: then no rule judged it, none will.
    parsed: bool = False
    findings: list[Finding] = field(default_factory=list)
    # Codes of the rules that failed on this file (they are skipped from then on).
    errored: frozenset[str] = frozenset()
    # Per project rule: the attributes its visitors set, for its ``check``.
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    facts: FileFacts | None = None
    # Computed with the positions when the traversal reported something, else on demand.
    scopes: Scopes | None = None
    # True when the process analysing the file died (see workers.py): nothing is cached.
    crashed: bool = False
    # Worked out where the file was analysed when the runner asks (see workers.py): the
    # facts as the cache keeps them; the result, when no project-wide rule applies, and
    # its cache record.
    packed_facts: tuple[Any, str] | None = None
    result: FileResult | None = None
    record: tuple[Any, ...] | None = None

    @cached_property
    def lines(self) -> list[str]:
        return source_lines(self.source)


# What every rule instance has, and is not state a visitor left for ``check``.
_BASE_ATTRIBUTES = frozenset({"context", "settings", "reports", "proposals"})
# Where a project rule's state keeps what its visitors proposed (see Rule.propose).
_PROPOSALS = "__proposals__"


def visitor_state(rule: Rule) -> dict[str, Any]:
    return {k: v for k, v in vars(rule).items() if k not in _BASE_ATTRIBUTES}


def analyze_module(
    path: str, source: str, module: cst.Module, rules: Sequence[RuleSetup], *, extract: bool, memo: Memo | None = None
) -> Analysis:
    """Run the visitor rules over a parsed module in one traversal; extract its facts.

    The matchers answer once per node (the rules and the facts ask the same questions);
    with ``memo``, from what they answered for the same nodes at the buffer's previous
    analysis (the statements an edit did not touch)."""
    with (memo.nodes if memo is not None else NodeMemo()).using():
        return _analyze_module(path, source, module, rules, extract=extract, memo=memo)


def _analyze_module(
    path: str, source: str, module: cst.Module, rules: Sequence[RuleSetup], *, extract: bool, memo: Memo | None
) -> Analysis:
    context = Context(path, source, module)
    guards = [Guard(rule_class(context, options), context) for rule_class, options in rules]
    draft = FactsGuard(path, source) if extract else None
    handlers = [h for g in guards for h in g.handlers()]
    if draft is not None:
        if handlers or draft.draft.needs_walk(source):
            handlers.extend(draft.handlers())
        else:
            draft.visit_module(module)  # module-level facts only: no need to walk the tree
    walk(module, build_dispatch(handlers), context.ancestors, memo.walk if memo is not None else None)

    watched: list[cst.CSTNode] = list(draft.nodes) if draft is not None else []
    for guard in guards:
        for report in guard.rule.reports:
            if report.node is not None:
                watched.append(report.node)
            if report.end_node is not None:
                watched.append(report.end_node)
            if report.fix_node is not None:
                watched.append(report.fix_node)
        if guard.error_node is not None:
            watched.append(guard.error_node)
    if draft is not None and draft.error_node is not None:
        watched.append(draft.error_node)

    analysis = Analysis(
        path,
        source,
        rules,
        parsed=True,
        errored=frozenset(g.rule.code for g in guards if g.error is not None),
        states={
            g.rule.code: visitor_state(g.rule)
            for g in guards
            if g.rule.needs_project and g.error is None
        },
    )
    if not watched:
        if draft is not None:
            analysis.facts = draft.build(lambda node: _unreachable(node))
            if draft.error is not None:
                analysis.findings.append(internal_error(path, draft, None))
        return analysis
    definitions = definitions_of(module)
    spans = NodeSpans(module, watched + scope_nodes(definitions), source, memo.spans if memo is not None else None)
    analysis.scopes = scopes_from(definitions, spans)
    finder = ScopeIndex(analysis.scopes)
    if draft is not None:
        analysis.facts = draft.build(lambda node: Location(path, *spans.range(node)))
    for guard in guards:
        rule_class = type(guard.rule)
        proposals = []
        for r in guard.rule.reports:
            finding = _finding(rule_class, path, r, spans, analysis.lines, finder)
            if r.proposed:
                proposals.append((encode_finding(finding), r.data))
            else:
                analysis.findings.append(finding)
        if proposals and rule_class.code in analysis.states:
            analysis.states[rule_class.code][_PROPOSALS] = tuple(proposals)
        guard.rule.reports.clear()
        if guard.error is not None:
            analysis.findings.append(internal_error(path, guard, spans))
    if draft is not None and draft.error is not None:
        analysis.findings.append(internal_error(path, draft, spans))
    return analysis


def _unreachable(node: cst.CSTNode) -> Location:
    raise AssertionError(f"no position was recorded for {type(node).__name__}")


def _late_rules(analysis: Analysis, wanted: Callable[[type[Rule]], bool]) -> list[Guard]:
    """Fresh instances of the rules that judge this file after its traversal (project
    rules get their visitors' state back); no syntax tree is needed or kept."""
    if not analysis.parsed:
        return []
    context = Context(analysis.path, analysis.source, None)  # type: ignore[arg-type]
    guards = []
    for rule_class, options in analysis.rules:
        if not wanted(rule_class) or rule_class.code in analysis.errored:
            continue
        rule = rule_class(context, options)
        state = dict(analysis.states.get(rule_class.code, {}))
        rule.proposals = [Proposal(decode_finding(f), data) for f, data in state.pop(_PROPOSALS, ())]
        vars(rule).update(state)
        guards.append(Guard(rule, context))
    return guards


def _late_findings(analysis: Analysis, guard: Guard) -> list[Finding]:
    rule = guard.rule
    if rule.reports and analysis.scopes is None:
        analysis.scopes = scopes_of(analysis.source)
    found = [
        _finding(type(rule), analysis.path, r, None, analysis.lines, analysis.scopes or [])
        for r in rule.reports
    ]
    rule.reports.clear()
    return found


def finish(analysis: Analysis, project: ProjectIndex | None = None) -> FileResult:
    """Run the project-wide checks for this file, then apply its suppression comments."""
    findings = list(analysis.findings)
    if project is not None and analysis.facts is not None:
        for guard in _late_rules(analysis, lambda rule: rule.needs_project):
            try:
                guard.rule.check(analysis.facts, project)
            except Exception as exc:  # noqa: BLE001 - a broken rule must not stop the run
                guard.error = exc
                findings.append(internal_error(analysis.path, guard, None))
                continue
            findings.extend(_late_findings(analysis, guard))
    result, suppressions = _suppress(analysis.path, analysis.source, findings)
    if not suppressions:
        return result
    judges = _late_rules(analysis, lambda rule: rule.judges_suppressions)
    if judges:
        checked = frozenset(rule.code for rule, _ in analysis.rules) | {META_CODE}
        comments = [s for line in sorted(suppressions) for s in suppressions[line]]
        for guard in judges:
            try:
                guard.rule.check_suppressions(comments, checked, known_codes())
            except Exception as exc:  # noqa: BLE001 - a broken rule must not stop the run
                guard.error = exc
                result.findings.append(internal_error(analysis.path, guard, None))
                continue
            result.findings.extend(_late_findings(analysis, guard))
        result.findings.sort(key=lambda f: f.sort_key)
    return result


def _suppress(
    path: str, source: str, findings: list[Finding]
) -> tuple[FileResult, dict[int, list[Suppression]]]:
    suppressions = parse_suppressions(source)
    result = FileResult(path)
    for finding in findings:
        # A file that could not be read or parsed, or a rule that broke, is always
        # reported: no comment can make a broken file pass.
        covering = [
            s
            for s in suppressions.get(finding.start.line, ())
            if finding.code != META_CODE and s.covers(finding.code)
        ]
        if covering:
            for s in covering:
                s.used.add(finding.code)
            result.suppressed += 1
        else:
            result.findings.append(finding)
    result.findings.sort(key=lambda f: f.sort_key)
    return result, suppressions


def parse_checked(
    path: str, source: str, parse: Callable[[str], cst.Module] = cst.parse_module
) -> cst.Module | Finding:
    """``source`` parsed, or the HYP999 finding that says why it cannot be: text LibCST's
    parser could crash the whole process on is judged before it is given the text."""
    if nesting_depth(source) > MAX_NESTING:
        # CPython refuses more than 200 nested brackets, and LibCST's parser can crash the
        # whole process on such input: let CPython's parser judge it first.
        diagnosis = compiler_error(source)
        if diagnosis is not None:
            line, column, detail = diagnosis
            return syntax_finding(path, source, line, column, detail)
    if (complex_finding := too_complex(path, source)) is not None:  # LibCST can crash on those
        return complex_finding
    # SyntaxError is LibCST's CSTValidationError: a parsed node that fails validation.
    try:
        return parse(source)
    except (cst.ParserSyntaxError, SyntaxError, RecursionError, MemoryError, ValueError) as error:
        return parse_error(path, source, error)


def analyze(
    path: str,
    source: str,
    rules: Sequence[RuleSetup],
    *,
    extract: bool = False,
    parse: Callable[[str], cst.Module] = cst.parse_module,
    memo: Memo | None = None,
) -> Analysis:
    """Parse ``source`` once, run the visitor rules, and extract facts if asked.

    Never raises for bad input: a file that does not parse gives a HYP999 finding and
    no facts. ``parse`` is LibCST's, or one that gives the same tree faster (an editor's
    ``Reparser``, which parses again only the statements an edit touched); ``memo`` keeps
    the positions and walks of the statements it did not touch from one analysis to the next.
    """
    if not rules and not extract:
        return Analysis(path, source, rules)
    module = parse_checked(path, source, parse)
    if isinstance(module, Finding):
        return Analysis(path, source, rules, findings=[module])
    try:
        return analyze_module(path, source, module, rules, extract=extract, memo=memo)
    except RecursionError:
        pass
    # Valid code nested deeper than Python's default recursion limit lets LibCST's code
    # generation (the position pass) and the matchers go: a concatenation of a thousand
    # strings, say. Once more, on a thread with a deep stack.
    try:
        return deeply(lambda: analyze_module(path, source, module, rules, extract=extract))
    except RecursionError:
        return Analysis(path, source, rules, findings=[too_deep(path)])


def project_index(facts: Mapping[str, FileFacts]) -> ProjectIndex:
    """The index of a project from the facts of its files, by project-relative path."""
    return ProjectIndex(facts)


def needs_project(rules: Sequence[RuleSetup]) -> bool:
    return any(rule.needs_project for rule, _ in rules)


def lint_source(
    path: str, source: str, rules: Sequence[RuleSetup], project: ProjectIndex | None = None
) -> FileResult:
    """Lint one file: a pure function of its path, its text, its rules and the project.

    ``project`` holds the facts of the other files; this file's own facts are taken
    from ``source`` (so an unsaved editor buffer is judged as it is).
    """
    wants_project = needs_project(rules)
    analysis = analyze(path, source, rules, extract=wants_project)
    if wants_project and analysis.facts is not None:
        project = (project or ProjectIndex({})).with_file(analysis.facts)
    return finish(analysis, project if wants_project else None)


__all__ = ["Analysis", "FileFacts", "FileResult", "ProjectIndex", "RuleSetup", "analyze", "finish", "lint_source", "project_index"]
