"""Hyperion's older shapes: the rules follow what the checked tree says about itself.

fixtures/legacy-2024 is a small project in the shape Hyperion had in 2024: `get_db` only
closes the session, the ORM user is `models_core.CoreUser`, core endpoints expose a plain
`router` that app/api.py includes, `Module` takes neither `factory=` nor `permissions=`,
there is no `Factory` and no `PrimaryKey`. The linter of the previous release reported 25
findings there (HYP001, HYP005, HYP023, HYP042, HYP054, HYP080 on correct code, and a
commit->flush fix that would stop every write from being saved); two are real.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main

REPO = Path(__file__).resolve().parent.parent
LEGACY = REPO / "fixtures" / "legacy-2024"
OPT_IN = "HYP022,HYP033,HYP044,HYP060,HYP080"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def legacy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "legacy-2024"
    shutil.copytree(LEGACY, copy, ignore=shutil.ignore_patterns(".hyperion_lint_cache", "__pycache__"))
    monkeypatch.chdir(copy)
    return copy


def findings(*args: str) -> list[tuple[str, str, int, int]]:
    code, out, _ = invoke("check", "--no-cache", "--output-format", "json", "--extend-select", OPT_IN, *args)
    assert code in (0, 1)
    return [(f["code"], Path(f["filename"]).as_posix().split("legacy-2024/")[-1], f["location"]["row"], f["location"]["column"]) for f in json.loads(out)]


def test_only_the_real_mistakes_of_a_2024_tree_are_reported(legacy: Path) -> None:
    assert findings(".") == [
        ("HYP044", "app/core/groups/cruds_groups.py", 9, 43),
        ("HYP005", "app/core/groups/endpoints_groups.py", 13, 1),
        ("HYP044", "app/core/users/cruds_users.py", 9, 42),
        ("HYP023", "app/core/users/endpoints_users.py", 34, 5),
        ("HYP044", "app/modules/todos/cruds_todos.py", 9, 56),
    ]


def test_messages_name_what_exists_in_that_tree(legacy: Path) -> None:
    _, out, _ = invoke("check", "--no-cache", "--output-format", "concise", ".")
    assert out.splitlines()[:2] == [
        "app/core/groups/endpoints_groups.py:13:1: HYP005 `admin_router` is an APIRouter that the app never "
        "includes, so routes declared on it are never served; include it where the app includes its routers "
        "(app/api.py:11: `api_router.include_router(...)`), or delete it",
        "app/core/users/endpoints_users.py:34:5: HYP023 [*] Parameter `user` receives the current user from "
        "`is_user` but is not annotated; write `user: models_core.CoreUser = Depends(...)`",
    ]
    assert "models_users" not in out and "CoreModule" not in out and "is_user_allowed_to" not in out


def test_fixing_a_2024_tree_keeps_every_commit(legacy: Path) -> None:
    before = {p: p.read_text(encoding="utf-8") for p in legacy.rglob("*.py")}
    code, _, _ = invoke("check", "--no-cache", "--fix", "--unsafe-fixes", "--extend-select", OPT_IN, ".")
    assert code == 1  # HYP005 and HYP044 have no fix
    changed = {p for p, text in before.items() if p.read_text(encoding="utf-8") != text}
    assert changed == {legacy / "app/core/users/endpoints_users.py"}
    for path in before:
        assert path.read_text(encoding="utf-8").count(".commit()") == before[path].count(".commit()")
        ast.parse(path.read_text(encoding="utf-8"))
    assert "    user: models_core.CoreUser = Depends(is_user),\n" in (legacy / "app/core/users/endpoints_users.py").read_text(encoding="utf-8")
    fixed = {p: p.read_text(encoding="utf-8") for p in before}
    invoke("check", "--no-cache", "--fix", "--unsafe-fixes", "--extend-select", OPT_IN, ".")
    assert {p: p.read_text(encoding="utf-8") for p in before} == fixed, "a second run changes nothing"


def test_the_project_command_shows_what_was_read_and_where(legacy: Path) -> None:
    code, out, _ = invoke("project", "--no-cache", "--output-format", "json", ".")
    assert code == 0
    facts = {f["fact"]: (f["value"], f["source"]) for f in json.loads(out)["facts"]}
    assert facts["get_db.commits"] == ("no", "app/dependencies.py:16")
    assert facts["orm_user"] == ("app.core.models_core.CoreUser (annotate `models_core.CoreUser`)", "app/core/models_core.py:16")
    assert facts["module.core_module"] == ("no", "app/types/module.py:6")
    assert facts["module.factory"] == ("no", "app/types/module.py:6")
    assert facts["module.permissions"] == ("no", "app/types/module.py:6")
    assert facts["module.keywords"] == ("default_allowed_groups_ids, root, router, tag", "app/types/module.py:6")
    assert facts["loader.app/modules/*/endpoints_*.py"] == ("`module`", "app/modules/module_list.py:13")
    assert "loader.app/core/*/endpoints_*.py" not in facts
    assert facts["included.app/core/users/endpoints_users.py:router"] == ("app/core/users/endpoints_users.py: `router`", "app/api.py:12")
    # The line of the definition: the function the factory returns, for a factory.
    assert facts["user_dependency.is_user_a_member_of()"] == ("models_core.CoreUser", "app/dependencies.py:48")
    assert facts["user_dependency.is_user"] == ("models_core.CoreUser", "app/dependencies.py:27")
    assert facts["primary_key"][0] == "nowhere (the models predate it)"
    assert facts["helpers"] == ("is_user_a_member_of, is_user", "app/dependencies.py:43")


def test_the_sample_reads_as_today_and_says_where_it_assumes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = invoke("project", "--no-cache", "--output-format", "json", "fixtures/sample")
    facts = {f["fact"]: (f["value"], f["source"]) for f in json.loads(out)["facts"]}
    assert facts["get_db.commits"] == ("yes", "app/dependencies.py:21")
    # The sample has no app/types/module.py, no loader and no models_users.py: today's Hyperion.
    assert facts["module.core_module"] == ("yes", None)
    assert facts["loader.app/core/*/endpoints_*.py"] == ("`core_module`", None)
    assert facts["orm_user"] == ("app.core.users.models_users.CoreUser (annotate `models_users.CoreUser`)", None)
    assert facts["user_dependency.is_user()"] == ("models_users.CoreUser", "app/dependencies.py:53")
    assert facts["helpers"][1] == "app/dependencies.py:78"


@pytest.mark.parametrize(
    "target",
    ["app/core/users/endpoints_users.py", "app/core/groups/endpoints_groups.py", "app/modules/todos/cruds_todos.py"],
)
def test_one_file_is_judged_with_the_facts_of_its_whole_tree(legacy: Path, target: str) -> None:
    """pre-commit passes the changed files only, an editor one buffer: the project around
    the file is read all the same."""
    whole = [f for f in findings(".") if f[1] == target]
    alone = findings(target)
    assert alone == whole
    source = (legacy / target).read_text(encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["check", "--no-cache", "--output-format", "json", "--extend-select", OPT_IN, "--stdin-filename", target],
        input=source,
    )
    assert [(f["code"], f["location"]["row"]) for f in json.loads(result.stdout)] == [(f[0], f[2]) for f in whole]


def test_a_file_outside_any_tree_is_judged_as_today(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the files the facts come from, today's Hyperion is assumed (and said)."""
    alone = tmp_path / "alone" / "app" / "modules" / "todos"
    alone.mkdir(parents=True)
    shutil.copy(LEGACY / "app/modules/todos/cruds_todos.py", alone / "cruds_todos.py")
    monkeypatch.chdir(tmp_path / "alone")
    code, out, _ = invoke("check", "--no-cache", "--output-format", "concise", "--select", "HYP042", ".")
    assert code == 1
    lines = out.splitlines()
    assert [line.split(" ", 2)[:2] for line in lines[:-1]] == [
        ["app/modules/todos/cruds_todos.py:16:11:", "HYP042"],
        ["app/modules/todos/cruds_todos.py:21:11:", "HYP042"],
    ]
    assert "[*]" not in out, "no fix: the tree does not show that get_db commits"
