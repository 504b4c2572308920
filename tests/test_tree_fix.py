"""``check --fix`` over a tree: rounds after the first lint only what changed, and the
result is what linting the whole tree again after every round gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.cli.common import configured
from lint_rules.engine.fixer import Fixing
from lint_rules.engine.runner import Linter
from lint_rules.model import FileResult

SAMPLE = Path(__file__).parent.parent / "fixtures" / "sample"

DEMO = "app/modules/demo/endpoints_demo.py"
OTHER = "app/modules/other/endpoints_other.py"
# HYP012's fix on the first route makes its decorator too long for the line length: it is
# split over several lines, which moves the second route, the one DEMO's route duplicates.
FILES = {
    DEMO: '''\
        @module.router.get("/demo/items/{item_id}", status_code=200)
        async def read_item(item_id: str): ...
        ''',
    OTHER: '''\
        @module.router.get("/other/items/with/a/long/path")
        async def read_items(): ...


        @module.router.get("/demo/items/{id}", status_code=200)
        async def read_demo_item(id: str): ...
        ''',
}
NARROW = "[tool.hyperion-lint]\nline-length = 60\nselect = ['HYP012', 'HYP034']\n"


def texts(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}


def linter(root: Path, select: tuple[str, ...] = ()) -> Linter:
    return Linter(configured(None, [root], select, (), ()), cache=None, jobs=1)


def shown(results: list[FileResult]) -> list[tuple[str, str, int, int, str]]:
    return [(r.path, f.code, f.start.line, f.start.column, f.message) for r in results for f in r.findings]


def relinting_everything(root: Path, unsafe: bool, select: tuple[str, ...] = ()) -> list[FileResult]:
    """The reference: after each round, every file of the tree is linted again from disk
    by a new linter; every file gets one round of fixes (the same rounds as --fix)."""
    fixing: dict[str, Fixing] = {}
    while True:
        results = linter(root, select).lint_paths([root])
        changed = False
        for result in results:
            assert result.source is not None
            state = fixing.get(result.path)
            if state is None:
                state = fixing[result.path] = Fixing(result.source, result, unsafe=unsafe, line_length=linter(root).config.line_length)
            else:
                state.judged(result)
            text = state.step()
            if text is not None:
                Path(result.path).write_text(text, encoding="utf-8")
                changed = True
        if not changed:
            return results


def fixed_by_the_engine(root: Path, unsafe: bool, select: tuple[str, ...] = ()) -> list[FileResult]:
    entries = linter(root, select).fix_paths([root], unsafe=unsafe)
    results = []
    for path, _, outcome in entries:
        if not isinstance(outcome, FileResult):
            path.write_text(outcome.source, encoding="utf-8")
            outcome = outcome.result
        results.append(outcome)
    return results


def fixed_file_by_file(root: Path, unsafe: bool) -> None:
    """The loop before the tree one: each file fixed alone against the tree as read."""
    lint = linter(root)
    for path in lint.collect([root]):
        outcome = lint.fix_text(path, path.read_text(encoding="utf-8"), unsafe=unsafe)
        path.write_text(outcome.source, encoding="utf-8")


def test_a_fix_in_one_file_changes_what_a_project_rule_says_of_another(project, tmp_path) -> None:
    root = project(FILES, pyproject=NARROW)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--fix", "--output-format", "concise"])
    assert texts(root)[OTHER].startswith(
        '@module.router.get(\n    "/other/items/with/a/long/path",\n    status_code=200,\n)\n'
    )
    # DEMO's duplicate is now on line 8 of OTHER, not on line 5 where it was read.
    assert result.output.splitlines() == [
        f"{DEMO}:1:2: HYP034 Route `GET /demo/items/{{item_id}}` is also declared at {OTHER}:8 (`read_demo_item`); "
        "the router only ever calls the first one registered, so remove one or give it another path",
        f"{OTHER}:8:2: HYP034 Route `GET /demo/items/{{id}}` is also declared at {DEMO}:1 (`read_item`); "
        "the router only ever calls the first one registered, so remove one or give it another path",
        "Fixed 1 finding in 1 file. 2 remain.",
    ]
    # What remains is what a check of the fixed tree says.
    check = CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "concise"])
    assert check.output.splitlines()[:2] == result.output.splitlines()[:2]


def test_the_tree_fix_is_relinting_everything_after_each_round(project, tmp_path, monkeypatch) -> None:
    root = project(FILES, pyproject=NARROW)
    reference = tmp_path.parent / (tmp_path.name + "-reference")
    shutil.copytree(root, reference)
    mine = fixed_by_the_engine(Path("."), unsafe=False)
    monkeypatch.chdir(reference)
    assert shown(mine) == shown(relinting_everything(Path("."), unsafe=False))
    assert texts(root) == texts(reference)


@pytest.mark.parametrize("unsafe", [False, True])
def test_the_sample_fixed_as_relinting_everything_and_as_file_by_file(tmp_path, monkeypatch, unsafe) -> None:
    """On the sample, fixes of one file do not change what can be fixed in another: the
    tree fix writes what the file-by-file loop wrote, and reports what a check then says
    (HYP014's 201 and HYP013's 204 judged again by HYP011/HYP017 in the next round)."""
    copies = {name: tmp_path / name for name in ("engine", "reference", "alone")}
    for copy in copies.values():
        shutil.copytree(SAMPLE, copy)
    monkeypatch.chdir(copies["reference"])
    reference = relinting_everything(Path("."), unsafe)
    monkeypatch.chdir(copies["alone"])
    fixed_file_by_file(Path("."), unsafe)
    monkeypatch.chdir(copies["engine"])
    mine = fixed_by_the_engine(Path("."), unsafe)
    assert shown(mine) == shown(reference)
    assert texts(copies["engine"]) == texts(copies["reference"]) == texts(copies["alone"])
    assert texts(copies["engine"]) != texts(SAMPLE)
    check = json.loads(CliRunner().invoke(main, ["check", "--no-cache", "--no-baseline", "--output-format", "json"]).stdout)
    assert [(f["filename"], f["code"], f["location"]["row"]) for f in check] == [
        (str(Path(r.path).absolute()), f.code, f.start.line) for r in mine for f in r.findings
    ]


def test_a_warm_cache_fixes_and_reports_as_no_cache(tmp_path, monkeypatch) -> None:
    """When the cache serves the first round whole, the index is built when a round needs
    it: the project rules still judge the files the fixes changed."""
    for name in ("warm", "cold"):
        shutil.copytree(SAMPLE, tmp_path / name)
    reports = {}
    for name, options in (("warm", ["--cache-dir", str(tmp_path / "cache")]), ("cold", ["--no-cache"])):
        monkeypatch.chdir(tmp_path / name)
        if name == "warm":
            assert CliRunner().invoke(main, ["check", *options]).exit_code == 1  # fills the cache
        result = CliRunner().invoke(main, ["check", *options, "--no-baseline", "--fix", "--unsafe-fixes", "--output-format", "concise"])
        reports[name] = result.output
    assert reports["warm"] == reports["cold"]
    assert "endpoints_bookclub.py:117:2: HYP034" in reports["warm"]  # a project rule, in a file fixes changed
    assert texts(tmp_path / "warm") == texts(tmp_path / "cold")
