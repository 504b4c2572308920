"""Fixes keep to the project's line length, the way its formatter (ruff format) would."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.engine.layout import fit
from lint_rules.model import Edit, Position

ENDPOINTS = "app/modules/demo/endpoints_demo.py"
CALL = 'module.router.get("/demo/items/{item_id}", response_model=schemas_demo.Item, status_code=200)'


def edit_of(line: str, content: str) -> tuple[list[str], Edit]:
    """The edit that replaces the call of ``line`` (from ``module`` to its last parenthesis)."""
    start, end = line.index("module"), line.rindex(")") + 1
    return [line], Edit(Position(1, start + 1), Position(1, end + 1), content)


def test_a_call_past_the_line_length_is_split_one_argument_a_line() -> None:
    lines, edit = edit_of('@module.router.get("/demo/items/{item_id}", response_model=schemas_demo.Item)\n', CALL)
    assert fit(lines, edit, 88).content == (
        "module.router.get(\n"
        '    "/demo/items/{item_id}",\n'
        "    response_model=schemas_demo.Item,\n"
        "    status_code=200,\n"
        ")"
    )
    assert fit(lines, edit, 120) == edit, "it fits: left as it is"


def test_a_hugging_call_that_grows_too_long_is_split_too() -> None:
    """ruff format writes `f(\n    a, b\n)` when the arguments fit on one line: a keyword
    added there can make that line too long."""
    lines = ['@module.router.get(\n', '    "/demo/items/{item_id}", response_model=schemas_demo.Item\n', ")\n"]
    edit = Edit(Position(1, 2), Position(3, 2), CALL.replace('get("', 'get(\n    "').replace("200)", "200\n)"))
    assert fit(lines, edit, 78) == edit, "78 columns: it fits"
    assert fit(lines, edit, 77).content == (
        "module.router.get(\n"
        '    "/demo/items/{item_id}",\n'
        "    response_model=schemas_demo.Item,\n"
        "    status_code=200,\n"
        ")"
    )


def test_indentation_and_line_endings_follow_the_line() -> None:
    lines, edit = edit_of('    @module.router.get("/demo/items/{item_id}")\r\n', CALL)
    assert fit(lines, edit, 88).content == (
        "module.router.get(\r\n"
        '        "/demo/items/{item_id}",\r\n'
        "        response_model=schemas_demo.Item,\r\n"
        "        status_code=200,\r\n"
        "    )"
    )


@pytest.mark.parametrize(
    ("line", "content"),
    [
        ('x = [module.router.get("/demo/items/{item_id}")]\n', CALL),  # not the end of its line
        ('@module.router.get("/demo/items/{item_id}")\n', "module.router.get(\n    'a',\n)"),  # split, and fits
        ('@module.router.get("/demo/items/{item_id}")\n', CALL.replace("200", "200  # ok")),  # a comment
        ('@module.router.get("/demo/items/{item_id}")\n', "user: models_users.CoreUser" * 5),  # no call
    ],
)
def test_what_is_not_a_whole_one_line_call_is_left_alone(line: str, content: str) -> None:
    lines, edit = edit_of(line, content)
    assert fit(lines, edit, 20) == edit


SOURCE = '''\
@module.router.get("/demo/items/{item_id}", response_model=schemas_demo.ItemComplete)
async def read_item(item_id: str):
    """Read one item."""
'''
SPLIT = '''\
@module.router.get(
    "/demo/items/{item_id}",
    response_model=schemas_demo.ItemComplete,
    status_code=200,
)
async def read_item(item_id: str):
    """Read one item."""
'''


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        ("", SPLIT),
        ("[tool.ruff]\nline-length = 120\n", SOURCE.replace(")\nasync", ", status_code=200)\nasync", 1)),
        ("[tool.ruff]\nline-length = 120\n[tool.hyperion-lint]\nline-length = 88\n", SPLIT),
    ],
    ids=["default-88", "ruff-120", "own-setting-wins"],
)
def test_fix_keeps_to_the_configured_line_length(project, pyproject: str, expected: str) -> None:
    root = project({ENDPOINTS: SOURCE}, pyproject=pyproject)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "HYP012", "--fix"])
    assert result.exit_code == 0, result.output
    assert (root / ENDPOINTS).read_text(encoding="utf-8") == expected


def test_ruff_format_accepts_the_fixed_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hyperion's CI runs `ruff format --check`. The sample, formatted by ruff, then fixed
    with `--fix --unsafe-fixes`, is still formatted as ruff formats it."""
    sample = Path(__file__).resolve().parent.parent / "fixtures" / "sample"
    copy = tmp_path / "sample"
    shutil.copytree(sample, copy, ignore=shutil.ignore_patterns(".hyperion_lint_cache", "__pycache__"))
    monkeypatch.chdir(copy)
    ruff = [sys.executable, "-m", "ruff", "format", "--no-cache", "--line-length", "88"]
    subprocess.run([*ruff, "."], cwd=copy, check=True, capture_output=True)
    before = {p: p.read_text(encoding="utf-8") for p in copy.rglob("*.py")}
    CliRunner().invoke(main, ["check", "--no-cache", "--fix", "--unsafe-fixes"])
    changed = [p for p, text in before.items() if p.read_text(encoding="utf-8") != text]
    assert len(changed) >= 4, "the fixes changed the sample"
    assert any(
        len(line) > 88 for p in changed for line in (before[p] + "\n").splitlines()
    ) or any("    status_code=200,\n" in p.read_text(encoding="utf-8") for p in changed), "a call was split"
    checked = subprocess.run([*ruff, "--check", "."], cwd=copy, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
