"""``check --fix --interactive``: safe fixes applied, each unsafe one asked about."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main

SAMPLE = Path(__file__).parent.parent / "fixtures" / "sample"
PROMPT = "Apply this fix? [y]es, [n]o, [a]ll, [q]uit: "


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "sample")
    monkeypatch.chdir(tmp_path / "sample")
    return tmp_path / "sample"


def files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.py"))}


def run(args: list[str], answers: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["check", "--no-cache", "--color", "never", *args], input=answers)
    return result.exit_code, result.stdout, result.stderr


def test_yes_no_quit(sample: Path) -> None:
    before = files(sample)
    code, out, err = run(["--fix", "--interactive", "."], "y\nn\nmaybe\nq\n")
    assert code == 1
    lines = err.splitlines()
    first = lines.index(
        "app/modules/bookclub/cruds_bookclub.py:27:11: HYP042 `db.commit()` ends the request's transaction, "
        "which `get_db` owns; use `await db.flush()` to send pending changes, and `get_db` commits them at "
        "the end of the request"
    )
    assert lines[first + 1] == "Unsafe fix: Replace `db.commit()` by `db.flush()`"
    assert lines[first + 2].startswith("  The fix replaces `commit()` by `flush()`, which sends the changes")
    assert "-    await db.commit()" in lines and "+    await db.flush()" in lines
    assert err.count(PROMPT) == 4  # three fixes asked about, one answer given again
    assert "Please answer y (yes, apply it); n (no, leave the code as it is); " in err
    assert lines[-2:] == [PROMPT + "q", "Unsafe fixes: 1 applied, 8 declined."]
    assert out.splitlines()[-1] == "Fixed 5 findings in 3 files. 44 remain."
    after = files(sample)
    crud = "app/modules/bookclub/cruds_bookclub.py"
    assert after[crud] == before[crud].replace("    await db.commit()\n    return db_book", "    await db.flush()\n    return db_book")
    assert "exclude_none=True" in after[crud]  # the second fix, declined


def test_all_gives_what_unsafe_fixes_gives(sample: Path, tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "other")
    code, _, err = run(["--fix", "--interactive", "."], "n\na\n")
    assert code == 1 and err.count(PROMPT) == 2
    assert err.splitlines()[-1] == "Unsafe fixes: 8 applied, 1 declined."
    run(["--fix", "--unsafe-fixes", str(tmp_path / "other")])
    mine, theirs = files(sample), files(tmp_path / "other")
    differing = [name for name in mine if mine[name] != theirs[name]]
    assert differing == ["app/modules/bookclub/cruds_bookclub.py"]  # only the declined commit() stays
    assert mine[differing[0]] == theirs[differing[0]].replace(
        "    await db.flush()\n    return db_book", "    await db.commit()\n    return db_book", 1
    )


def test_end_of_input_applies_the_safe_fixes_only(sample: Path, tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "other")
    code, out, err = run(["--fix", "--interactive", "."], "")
    assert code == 1 and err.count(PROMPT) == 1
    assert err.splitlines()[-1] == "Unsafe fixes: 0 applied, 9 declined."
    assert out.splitlines()[-1] == "Fixed 4 findings in 2 files. 45 remain."
    run(["--fix", str(tmp_path / "other")])
    assert files(sample) == files(tmp_path / "other")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--interactive"], "--interactive goes with --fix: `check --fix --interactive` asks about each unsafe fix"),
        (["--fix", "--interactive", "--unsafe-fixes"], "--interactive reads your answers from standard input"),
        (["--diff", "--fix", "--interactive"], "--interactive reads your answers from standard input"),
    ],
)
def test_usage_errors(sample: Path, args: list[str], message: str) -> None:
    before = files(sample)
    code, out, err = run([*args, "."])
    assert code == 2 and out == ""
    assert err.startswith("hyperion-lint: error: " + message)
    assert files(sample) == before


def test_a_declined_fix_is_not_asked_again(sample: Path) -> None:
    before = files(sample)
    code, _, err = run(["--fix", "--interactive", "."], "n\n" * 30)
    assert code == 1
    assert err.count(PROMPT) == 9  # each unsafe fix once, although every round lints again
    assert err.splitlines()[-1] == "Unsafe fixes: 0 applied, 9 declined."
    assert files(sample) != before  # the safe fixes
