"""Project-wide rules: the index, and subset runs that agree with whole-tree runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.engine.registry import all_rules
from lint_rules.engine.runner import hyperion_root

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample"
PROJECT_RULES = [code for code, rule in all_rules().items() if rule.needs_project]


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


def test_linting_one_file_gives_what_the_whole_tree_gives(sample: Path) -> None:
    """Pre-commit and editors lint one file; its findings must not depend on that."""
    selection = ["--select", ",".join(PROJECT_RULES)]
    whole = _json(*selection)
    assert {f["code"] for f in whole} >= {"HYP053"}, "the sample must exercise the project rules"
    files = sorted(p.relative_to(sample).as_posix() for p in (sample / "app").rglob("*.py"))
    for file in files:
        alone = _json(*selection, file)
        expected = [f for f in whole if f["filename"] == str(sample / file)]
        assert alone == expected, file


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
