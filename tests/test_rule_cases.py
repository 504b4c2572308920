"""Every rule's VALID and INVALID cases, run through the real engine."""

from __future__ import annotations

import textwrap

import pytest

from lint_rules.engine.fixes import apply_fixes
from lint_rules.engine.linter import analyze, lint_source
from lint_rules.engine.registry import all_rules
from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import ProjectIndex

RULES = all_rules()


def _cases(kind: str):
    for code, rule in RULES.items():
        for index, case in enumerate(getattr(rule, kind)):
            yield pytest.param(rule, case, id=f"{code}-{kind.lower()}-{index}")


def project_of(files: dict[str, str]) -> ProjectIndex:
    """The index of a small project given as path -> source."""
    facts = {}
    for path, source in files.items():
        analysis = analyze(path, textwrap.dedent(source).lstrip("\n"), [], extract=True)
        assert analysis.facts is not None, f"{path} does not parse"
        facts[path] = analysis.facts
    return ProjectIndex(facts)


def _lint(rule: type[Rule], case: Valid | Invalid):
    """Lint the case with its rule (and the rules it runs beside); keep this rule's findings."""
    path = case.path or rule.default_path()
    rules = [(RULES[code], {}) for code in case.with_rules] + [(rule, dict(case.options))]
    project = project_of(dict(case.files)) if any(r.needs_project for r, _ in rules) else None
    result = lint_source(path, case.code, rules, project)
    result.findings = [f for f in result.findings if f.code in (rule.code, "HYP999")]
    return result


@pytest.mark.parametrize(("rule", "case"), list(_cases("VALID")))
def test_valid(rule: type[Rule], case: Valid) -> None:
    result = _lint(rule, case)
    assert [(f.code, f.start.line, f.start.column, f.message) for f in result.findings] == []


@pytest.mark.parametrize(("rule", "case"), list(_cases("INVALID")))
def test_invalid(rule: type[Rule], case: Invalid) -> None:
    result = _lint(rule, case)
    found = [(f.code, f.start.line, f.start.column) for f in result.findings]
    assert found == [(rule.code, case.line, case.column)]
    finding = result.findings[0]
    assert finding.name == rule.name
    if case.message is not None:
        assert finding.message == case.message
    if case.no_fix:
        assert case.fixed is None
        assert finding.fix is None, "the case expects no fix"
    elif case.fixed is not None:
        assert finding.fix is not None, "the case expects a fix but the finding has none"
        fixed, applied = apply_fixes(case.code, [finding.fix])
        assert applied == [0]
        assert fixed == case.fixed
    elif rule.fix_safety is None:
        assert finding.fix is None
