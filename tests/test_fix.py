"""--fix, --diff and --unsafe-fixes: what is written, when, and what remains."""

from __future__ import annotations

import os
import stat

import libcst as cst
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.engine.fixer import fix_source
from lint_rules.engine.linter import lint_source
from lint_rules.rule_api.base import Applicability, Rule

ENDPOINTS = "app/modules/demo/endpoints_demo.py"
BEFORE = '''\
@module.router.delete("/demo/items/{item_id}", status_code=200)
async def delete_item(item_id: str):
    """Delete an item."""
'''
SAFE_ONLY = '''\
@module.router.delete("/demo/items/{item_id}", status_code=200, summary="Delete an item.")
async def delete_item(item_id: str):
    """Delete an item."""
'''
ALL_FIXED = '''\
@module.router.delete("/demo/items/{item_id}", status_code=204, summary="Delete an item.", response_model=None)
async def delete_item(item_id: str):
    """Delete an item."""
'''
SELECT = ["--select", "HYP010,HYP013,HYP017"]
# These tests are about what fixes do, not their layout (tests/test_layout.py): long lines.
WIDE = "[tool.hyperion-lint]\nline-length = 200\n"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_fix_applies_safe_fixes_only_and_reports_what_remains(project) -> None:
    root = project({ENDPOINTS: BEFORE}, pyproject=WIDE)
    result = run("check", *SELECT, "--fix", "--output-format", "concise")
    assert (root / ENDPOINTS).read_text(encoding="utf-8") == SAFE_ONLY
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{ENDPOINTS}:1:60: HYP013 [-] DELETE route `delete_item` answers 200; a successful delete "
        "returns no body, so use `status_code=204` (with `response_model=None`)",
        "Fixed 1 finding in 1 file. 1 remains.",
    ]


def test_unsafe_fixes_then_fixing_again_changes_nothing(project) -> None:
    root = project({ENDPOINTS: BEFORE}, pyproject=WIDE)
    result = run("check", *SELECT, "--fix", "--unsafe-fixes")
    # HYP013's 204 makes HYP017 appear, and its fix is applied in the next round.
    assert (root / ENDPOINTS).read_text(encoding="utf-8") == ALL_FIXED
    assert result.exit_code == 0
    assert result.output.endswith("Fixed 3 findings in 1 file. Nothing remains.\n")
    mtime = os.stat(root / ENDPOINTS).st_mtime_ns
    again = run("check", *SELECT, "--fix", "--unsafe-fixes")
    assert again.exit_code == 0
    assert again.output.endswith("Fixed 0 findings in 0 files. Nothing remains.\n")
    assert os.stat(root / ENDPOINTS).st_mtime_ns == mtime, "an unchanged file must not be rewritten"


def test_exit_non_zero_on_fix(project) -> None:
    project({ENDPOINTS: BEFORE}, pyproject=WIDE)
    result = run("check", "--select", "HYP010", "--fix", "--exit-non-zero-on-fix")
    assert result.exit_code == 1
    assert run("check", "--select", "HYP010", "--fix", "--exit-non-zero-on-fix").exit_code == 0


def test_diff_writes_nothing(project) -> None:
    root = project({ENDPOINTS: BEFORE}, pyproject=WIDE)
    result = run("check", *SELECT, "--diff")
    assert (root / ENDPOINTS).read_text(encoding="utf-8") == BEFORE
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"--- {ENDPOINTS}",
        f"+++ {ENDPOINTS}",
        "@@ -1,3 +1,3 @@",
        '-@module.router.delete("/demo/items/{item_id}", status_code=200)',
        '+@module.router.delete("/demo/items/{item_id}", status_code=200, summary="Delete an item.")',
        " async def delete_item(item_id: str):",
        '     """Delete an item."""',
    ]
    assert result.stderr == "Would fix 1 finding in 1 file.\n"
    assert run("check", "--select", "HYP012", "--diff").exit_code == 0


def test_fix_keeps_mode_line_endings_and_bom(project) -> None:
    root = project({ENDPOINTS: b"\xef\xbb\xbf" + BEFORE.replace("\n", "\r\n").encode()}, pyproject=WIDE)
    path = root / ENDPOINTS
    os.chmod(path, 0o640)
    run("check", "--select", "HYP010", "--fix")
    assert path.read_bytes() == b"\xef\xbb\xbf" + SAFE_ONLY.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert [p.name for p in path.parent.iterdir()] == ["endpoints_demo.py"], "no temporary file left"


def test_write_failure_is_reported_even_as_root(project, monkeypatch) -> None:
    root = project({ENDPOINTS: BEFORE}, pyproject=WIDE)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = CliRunner().invoke(main, ["check", "--select", "HYP010", "--fix"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "hyperion-lint: error: cannot write app/modules/demo/endpoints_demo.py: Permission denied; "
        "the file was left as it was"
    )
    assert (root / ENDPOINTS).read_text(encoding="utf-8") == BEFORE
    assert sorted(p.name for p in (root / "app/modules/demo").iterdir()) == ["endpoints_demo.py"]


def test_stdin_fix_prints_the_fixed_source(project) -> None:
    project({}, pyproject=WIDE)
    result = run("check", "--select", "HYP010", "--fix", "--stdin-filename", ENDPOINTS, input=BEFORE)
    assert result.exit_code == 0
    assert result.stdout == SAFE_ONLY


class BreaksTheCode(Rule):
    """Offers a fix that does not parse."""

    code = "HYP996"
    name = "breaks-the-code"
    message = "bad"
    fix_title = "Break it"
    fix_safety = Applicability.SAFE

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "x":
            self.report(node, replacement=cst.Name("x"))  # stands in for a bad node below


def test_a_fix_that_breaks_the_code_is_dropped(monkeypatch) -> None:
    from lint_rules.engine import positions

    original = positions.NodeSpans.replacement

    def broken(self, node, new):
        start, end, _ = original(self, node, new)
        return start, end, "x ="  # not an expression
    monkeypatch.setattr(positions.NodeSpans, "replacement", broken)
    source = "y = x\n"
    outcome = fix_source(
        source, lambda text: lint_source(ENDPOINTS, text, [(BreaksTheCode, {})]), unsafe=False
    )
    assert outcome.source == source
    assert not outcome.changed
    assert [(f.code, f.start.line, f.start.column) for f in outcome.dropped] == [("HYP996", 1, 5)]


def test_fixing_the_sample_twice_changes_nothing_and_leaves_no_safe_fix(tmp_path, monkeypatch) -> None:
    import json
    import shutil
    from pathlib import Path

    sample = tmp_path / "sample"
    shutil.copytree(Path(__file__).resolve().parent.parent / "fixtures" / "sample", sample)
    monkeypatch.chdir(sample)
    first = run("check", "--fix", "--unsafe-fixes", "--quiet")
    assert first.exit_code == 1  # findings without a fix remain
    snapshot = {p: p.read_bytes() for p in sample.rglob("*.py")}
    second = run("check", "--fix", "--unsafe-fixes")
    assert "Fixed 0 findings in 0 files." in second.output.splitlines()[-1]
    assert {p: p.read_bytes() for p in sample.rglob("*.py")} == snapshot
    remaining = json.loads(run("check", "--output-format", "json").stdout)
    assert [f["code"] for f in remaining if f["fix"] is not None] == []


def test_fixes_of_one_place_are_applied_one_round_at_a_time() -> None:
    """Two rules judge the same decorator: the second fix is judged again on the code the
    first one left, never applied blindly beside it in the same round."""
    from lint_rules.model import Edit, FileResult, Finding, Fix, Position

    seen: list[str] = []

    def lint(source: str) -> FileResult:
        seen.append(source)
        findings = []
        at = Position(1, 1)
        if "a" in source:  # rule X: replace the `a` by `b`
            column = source.index("a") + 1
            edit = Edit(Position(1, column), Position(1, column + 1), "b")
            findings.append(Finding("HYP901", "x", "x", "f.py", at, at, fix=Fix("x", Applicability.SAFE, (edit,))))
        if "c" in source and "b" not in source:  # rule Y: only while there is no `b`
            column = source.index("c") + 1
            edit = Edit(Position(1, column), Position(1, column + 1), "d")
            findings.append(Finding("HYP902", "y", "y", "f.py", at, at, fix=Fix("y", Applicability.SAFE, (edit,))))
        return FileResult("f.py", findings)

    outcome = fix_source("a + c\n", lint)
    assert outcome.source == "b + c\n", "Y is not applied: after X, Y no longer holds"
    assert [f.code for f in outcome.applied] == ["HYP901"]
    assert seen == ["a + c\n", "b + c\n"]


def test_exit_zero_holds_with_fix_and_diff(project) -> None:
    """As ruff: --exit-zero exits 0 whatever remains or was fixed (but never hides an error)."""
    project({ENDPOINTS: BEFORE}, pyproject=WIDE)
    assert run("check", *SELECT, "--diff", "--exit-zero").exit_code == 0
    assert run("check", *SELECT, "--fix", "--exit-zero", "--exit-non-zero-on-fix").exit_code == 0
    assert run("check", *SELECT, "--fix", "--unsafe-fixes").exit_code == 0, "everything was fixed"
