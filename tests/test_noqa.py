"""--add-noqa, and HYP100 keeping suppressions truthful."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.engine.noqa import add_noqa
from lint_rules.model import Finding, Position

ENDPOINTS = "app/modules/demo/endpoints_demo.py"
CONFIG = "[tool.hyperion-lint]\nselect = ['HYP012', 'HYP010', 'HYP100']\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _finding(code: str, line: int) -> Finding:
    return Finding(code, "x", "m", ENDPOINTS, Position(line, 1), Position(line, 2))


def test_add_noqa_appends_merges_and_skips_strings() -> None:
    source = (
        "a = 1\n"
        "b = 2  # noqa: S311\n"
        'c = """text\n'
        'more"""\n'
        "d = 4  # noqa\n"
    )
    findings = [_finding("HYP010", 1), _finding("HYP012", 1), _finding("HYP010", 2), _finding("HYP010", 3), _finding("HYP010", 5)]
    text, changed = add_noqa(source, findings)
    assert changed == 2
    assert text == (
        "a = 1  # noqa: HYP010, HYP012\n"
        "b = 2  # noqa: S311, HYP010\n"
        'c = """text\n'
        'more"""\n'
        "d = 4  # noqa\n"
    )


def test_add_noqa_then_check_is_clean_and_hyp100_agrees(project) -> None:
    source = '@module.router.get("/demo/a")\r\nasync def read_a(): ...\r\n'
    root = project({ENDPOINTS: source}, pyproject=CONFIG)
    result = run("check", "--add-noqa")
    assert (result.exit_code, result.output) == (0, "Added noqa comments to 1 line in 1 file.\n")
    assert (root / ENDPOINTS).read_bytes() == (
        b'@module.router.get("/demo/a")  # noqa: HYP010, HYP012\r\nasync def read_a(): ...\r\n'
    )
    assert run("check").exit_code == 0
    assert run("check", "--add-noqa").output == "Added noqa comments to 0 lines in 0 files.\n"


def test_hyp100_fix_removes_what_became_unused(project) -> None:
    source = '@module.router.get("/demo/a", summary="A", status_code=200)  # noqa: HYP010, HYP012\nasync def read_a(): ...\n'
    root = project({ENDPOINTS: source}, pyproject=CONFIG)
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.output == (
        f"{ENDPOINTS}:1:62: HYP100 [*] This suppression has a code that suppresses nothing on this "
        "line (`HYP010`, `HYP012`); remove `HYP010`, `HYP012` so the comment stays truthful\n"
    )
    assert run("check", "--fix").exit_code == 0
    assert (root / ENDPOINTS).read_text(encoding="utf-8") == (
        '@module.router.get("/demo/a", summary="A", status_code=200)\nasync def read_a(): ...\n'
    )


def test_unknown_code_in_a_suppression_is_reported(project) -> None:
    project({ENDPOINTS: "x = 1  # hyperion-lint: ignore[HYP01]\n"}, pyproject=CONFIG)
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.exit_code == 1
    assert "names a code hyperion-lint does not know (`HYP01`;" in result.output


def test_add_noqa_refuses_to_combine_with_fix(project) -> None:
    project({ENDPOINTS: "x = 1\n"}, pyproject=CONFIG)
    result = CliRunner().invoke(main, ["check", "--add-noqa", "--fix"])
    assert result.exit_code == 2
    assert result.output == "hyperion-lint: error: --add-noqa writes files: it goes with neither --fix, --diff nor --stdin-filename\n"


@pytest.mark.parametrize("comment", ["# noqa", "# noqa: HYP999", "# noqa: HYP"])
def test_no_comment_makes_a_broken_file_pass(project, comment: str) -> None:
    """A file that cannot be parsed is always reported, whatever the comments say."""
    project({"app/modules/demo/endpoints_demo.py": f"def broken(:  {comment}\n"})
    result = CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "concise", "."])
    assert result.exit_code == 1
    assert result.stdout.startswith("app/modules/demo/endpoints_demo.py:1:")
    assert " HYP999 " in result.stdout.splitlines()[0]


def test_file_level_findings_are_reported_at_1_1_and_add_noqa_puts_the_comment_there(project) -> None:
    """A file-level finding (here HYP081, a misnamed file) points at no code: no snippet in
    the full output. Its noqa is read on line 1; when a docstring opens the file, --add-noqa
    writes a comment line above it."""
    source = '"""Helpers for the demo module.\n\nMore text.\n"""\n\nimport os\n'
    root = project({"app/modules/demo/endpoints_demo.py": "module = Module(root='demo', tag='Demo')\n", "app/modules/demo/helpers.py": source})
    full = CliRunner().invoke(main, ["check", "--no-cache", "--select", "HYP081"])
    assert full.stdout.splitlines()[0] == "app/modules/demo/helpers.py"
    assert full.stdout.splitlines()[1].startswith("  1:1  HYP081 File `helpers.py` is not named")
    assert " | " not in full.stdout, "no code frame for the whole file"
    added = CliRunner().invoke(main, ["check", "--no-cache", "--select", "HYP081", "--add-noqa"])
    assert added.exit_code == 0
    assert (root / "app/modules/demo/helpers.py").read_text(encoding="utf-8") == "# noqa: HYP081\n" + source
    assert CliRunner().invoke(main, ["check", "--no-cache", "--select", "HYP081"]).exit_code == 0
