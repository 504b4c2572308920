"""The registry, the rule metadata, the generated documentation and the layering."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from lint_rules import docs
from lint_rules.engine.registry import all_rules
from lint_rules.rule_api.base import CODE_RE, DOC_SECTIONS, NAME_RE

ROOT = Path(__file__).resolve().parent.parent
RULES = all_rules()

# The rules of release 0.1 (issue 2); each must exist.
RELEASE_0_1 = (
    "HYP001 HYP002 HYP003 HYP005 HYP010 HYP011 HYP012 HYP013 HYP014 HYP015 HYP016 HYP017 HYP020 "
    "HYP023 HYP030 HYP031 HYP032 HYP040 HYP041 HYP042 HYP045 HYP050 HYP051 HYP054 HYP061 HYP092"
).split()


def test_release_rules_are_registered() -> None:
    assert [c for c in RELEASE_0_1 if c not in RULES] == []


@pytest.mark.parametrize("code", list(RULES))
def test_rule_metadata(code: str) -> None:
    rule = RULES[code]
    assert CODE_RE.match(rule.code) and rule.code == code
    assert NAME_RE.match(rule.name), rule.name
    module_name = rule.__module__.rsplit(".", 1)[-1]
    assert module_name == f"{code.lower()}_{rule.name.replace('-', '_')}"
    assert "\n" not in rule.message and rule.message.strip()
    if rule.fix_safety is not None:
        assert rule.fix_title
    headings = re.findall(r"^## (.+)$", rule.documentation(), flags=re.MULTILINE)
    assert headings == list(DOC_SECTIONS)
    assert rule.applies_to
    assert len(rule.VALID) >= 2 and len(rule.INVALID) >= 1
    assert any(case.message is not None for case in rule.INVALID), "spell out one message"
    if rule.fix_safety is not None:
        assert any(case.fixed is not None for case in rule.INVALID), "show one fix"
    names = [o.name for o in rule.options]
    assert len(names) == len(set(names))
    for option in rule.options:
        assert option.check(option.default) is None, option.name
        assert re.match(r"^[a-z]+(-[a-z]+)*$", option.name)


def test_names_are_unique() -> None:
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))


def test_readme_rule_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.update_readme(readme) == readme, "run `python -m lint_rules.docs`"


def test_rules_markdown_is_current() -> None:
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert docs.rules_markdown() == current, "run `python -m lint_rules.docs`"


# Which layer may import which: faces > engine > rules > model.
LAYERS = {
    "model": set(),
    # What Hyperion code looks like: matchers, facts, the project model.
    "knowledge": {"model", "knowledge"},
    # What a rule is written with.
    "rule_api": {"model", "knowledge", "rule_api"},
    "rules": {"model", "knowledge", "rule_api", "rules"},
    # The engine runs the rules: it finds them through the registry alone (see below).
    "engine": {"model", "knowledge", "rule_api", "engine"},
    "output": {"model", "engine", "output"},
    "docs": {"model", "rule_api", "engine", "docs"},
    "cli": {"model", "engine", "output", "docs", "cli", "server"},
    # The language server, a face like the CLI; only the CLI's `server` command imports it.
    "server": {"model", "engine", "output", "server"},
}
# The one import of the rules package by the engine: the registry, which discovers them.
DISCOVERY = ("lint_rules/engine/registry", "lint_rules.rules")


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_imports_flow_one_way() -> None:
    problems = []
    for file in sorted((ROOT / "lint_rules").rglob("*.py")):
        relative = file.relative_to(ROOT).with_suffix("")
        layer = _layer(".".join(relative.parts))
        if layer not in LAYERS:
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module == "lint_rules" and node.level == 0:
                targets = [f"lint_rules.{a.name}" for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target.startswith("lint_rules."):
                    other = _layer(target)
                    if (relative.as_posix(), target) == DISCOVERY:
                        continue
                    if other in LAYERS and other not in LAYERS[layer]:
                        problems.append(f"{relative}: {layer} imports {target}")
    assert problems == []


def test_the_readme_example_is_real_output(monkeypatch) -> None:
    """The finding shown in the README is what `hyperion-lint check fixtures/sample` prints."""
    from click.testing import CliRunner

    from lint_rules.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("```\nfixtures/sample/app/modules/bookclub/endpoints_bookclub.py\n", 1)[1]
    example_lines = example.split("```", 1)[0].splitlines()
    monkeypatch.chdir(ROOT)
    output = CliRunner().invoke(main, ["check", "fixtures/sample", "--no-color"]).output.splitlines()
    start = output.index(example_lines[0])
    assert output[start : start + len(example_lines)] == example_lines
    assert "fixtures/sample/app/modules/bookclub/endpoints_bookclub.py" in output[:start]
