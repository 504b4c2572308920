"""Project-wide rules: the index, and subset runs that agree with whole-tree runs."""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.engine.registry import all_rules
from lint_rules.engine.runner import hyperion_root

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "fixtures" / "sample"
GOLDEN = REPO / "tests" / "golden" / "sample_concise.txt"
# Every project-wide rule, opt-in ones included: they are selected by their full code.
PROJECT_RULES = [code for code, rule in all_rules().items() if rule.needs_project]
SELECT_PROJECT_RULES = ("--select", ",".join(PROJECT_RULES))


def _json(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["check", "--output-format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    monkeypatch.chdir(copy)
    return copy


def test_there_are_project_rules() -> None:
    assert "HYP053" in PROJECT_RULES


def test_the_sample_exercises_every_project_rule(sample: Path) -> None:
    """Each project rule (opt-in ones too) has a finding on the sample, so that the subset
    tests below compare something for every one of them. A new project rule needs a departure
    in fixtures/sample that triggers it (across files, when the rule looks across files)."""
    found = {f["code"] for f in _json(*SELECT_PROJECT_RULES)}
    missing = [code for code in PROJECT_RULES if code not in found]
    assert not missing, f"no finding on fixtures/sample for the project rules {missing}"


def test_linting_one_file_gives_what_the_whole_tree_gives(sample: Path) -> None:
    """Pre-commit and editors lint one file; its findings must not depend on that."""
    whole = _json(*SELECT_PROJECT_RULES)
    assert {f["code"] for f in whole} == set(PROJECT_RULES), "the sample must exercise every project rule"
    files = sorted(p.relative_to(sample).as_posix() for p in (sample / "app").rglob("*.py"))
    for file in files:
        alone = _json(*SELECT_PROJECT_RULES, file)
        expected = [f for f in whole if f["filename"] == str(sample / file)]
        assert alone == expected, file


@pytest.mark.parametrize(
    "subset",
    [
        ["app/modules/raffle"],
        ["app/modules/cinema/permissions_cinema.py", "app/modules/raffle/endpoints_raffle.py"],
        ["app/core"],
    ],
)
def test_linting_some_files_gives_what_the_whole_tree_gives(sample: Path, subset: list[str]) -> None:
    """A commit touches several files (or a folder): the same holds for any subset."""
    whole = _json(*SELECT_PROJECT_RULES)
    alone = _json(*SELECT_PROJECT_RULES, *subset)
    inside = [str(sample / path) for path in subset]
    expected = [
        f for f in whole if any(f["filename"] == p or f["filename"].startswith(p + os.sep) for p in inside)
    ]
    assert expected, "the subset must have findings to compare"
    assert alone == expected


def test_sample_concise_output_matches_the_golden_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hyperion-lint check fixtures/sample --output-format concise`, run from the repository
    root with the sample's own configuration, prints exactly tests/golden/sample_concise.txt.

    When a change of a rule (or a new rule) changes that output on purpose, regenerate the
    golden file and read its diff before committing it:

        UPDATE_GOLDEN=1 python -m pytest tests/test_project.py -k golden
        git diff tests/golden/sample_concise.txt
    """
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(
        main, ["check", "fixtures/sample", "--output-format", "concise"], catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(result.output, encoding="utf-8", newline="\n")
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN.relative_to(REPO)} is missing: create it with UPDATE_GOLDEN=1", pytrace=False)
    expected = GOLDEN.read_text(encoding="utf-8")
    if result.output != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                result.output.splitlines(keepends=True),
                fromfile=str(GOLDEN.relative_to(REPO)),
                tofile="hyperion-lint check fixtures/sample --output-format concise",
            )
        )
        pytest.fail(
            "the sample's concise output changed (regenerate with UPDATE_GOLDEN=1 if intended):\n" + diff,
            pytrace=False,
        )


def test_stdin_buffer_replaces_the_file_on_disk(sample: Path) -> None:
    """An unsaved buffer is judged as it is, with the rest of the project from disk."""
    path = "app/modules/cinema/models_cinema.py"
    text = (sample / path).read_text(encoding="utf-8").replace("class Loan(", "class ProjectorLoan(")
    result = CliRunner().invoke(
        main, ["check", "--select", "HYP053", "--output-format", "json", "--stdin-filename", path], input=text
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    # The file on disk still has the duplicate: bookclub's findings name it.
    on_disk = _json("--select", "HYP053", "app/modules/bookclub/models_bookclub.py")
    assert [(f["location"]["row"], f["message"][:28]) for f in on_disk] == [(24, "Model `Loan` is also defined")]


def test_duplicate_model_names_the_other_place(sample: Path) -> None:
    found = _json("--select", "HYP053")
    assert [(Path(f["filename"]).relative_to(sample).as_posix(), f["location"]["row"]) for f in found] == [
        ("app/modules/bookclub/models_bookclub.py", 24),
        ("app/modules/cinema/models_cinema.py", 17),
    ]
    first = found[0]
    assert first["message"] == (
        "Model `Loan` is also defined in app/modules/cinema/models_cinema.py:17; SQLAlchemy looks "
        "models up by class name, so give each a unique name (e.g. `BookclubLoan`)"
    )
    assert first["related"] == [
        {
            "filename": str(sample / "app/modules/cinema/models_cinema.py"),
            "location": {"column": 1, "row": 17},
            "end_location": {"column": 73, "row": 24},
            "message": "`Loan` is also defined here",
        }
    ]


def test_hyperion_root_is_the_folder_holding_app(tmp_path: Path) -> None:
    file = tmp_path / "Hyperion" / "app" / "modules" / "app" / "endpoints_app.py"
    assert hyperion_root(file) == tmp_path / "Hyperion"
    assert hyperion_root(tmp_path / "scripts" / "tool.py") is None


def test_related_places_are_shown_from_the_working_directory(sample: Path, monkeypatch) -> None:
    """Facts speak of project-relative paths; the user sees paths from where they stand."""
    monkeypatch.chdir(sample.parent)
    result = CliRunner().invoke(main, ["check", "sample", "--select", "HYP053", "--output-format", "json"])
    found = json.loads(result.stdout)
    assert [r["filename"] for f in found for r in f["related"]] == [
        str(sample / "app/modules/cinema/models_cinema.py"),
        str(sample / "app/modules/bookclub/models_bookclub.py"),
    ]
    concise = CliRunner().invoke(main, ["check", "sample", "--select", "HYP053", "--no-color"]).output
    assert "  = note: sample/app/modules/cinema/models_cinema.py:17:1 `Loan` is also defined here" in concise.splitlines()
