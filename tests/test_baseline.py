"""The baseline: adopt the linter on legacy code without hiding new mistakes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lint_rules.cli import main

ENDPOINTS = "app/modules/demo/endpoints_demo.py"
OTHER = "app/modules/other/endpoints_other.py"
LEGACY = '''\
@module.router.get("/demo/a")
async def read_a(): ...


@module.router.get("/demo/b")
async def read_b(): ...
'''
CONFIG = "[tool.hyperion-lint]\nselect = ['HYP012']\n"
BASELINE = ".hyperion-lint-baseline.json"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def entries(root) -> list[dict]:
    return json.loads((root / BASELINE).read_text(encoding="utf-8"))["findings"]


def test_baseline_hides_known_findings(project) -> None:
    root = project({ENDPOINTS: LEGACY}, pyproject=CONFIG)
    result = run("baseline")
    assert result.exit_code == 0
    assert result.output == f"Wrote 2 entries to {BASELINE} (2 added, 0 removed; 0 before).\n"
    assert [(e["path"], e["code"], e["scope"], e["count"]) for e in entries(root)] == [
        (ENDPOINTS, "HYP012", "read_a", 1),
        (ENDPOINTS, "HYP012", "read_b", 1),
    ]
    text = (root / BASELINE).read_text(encoding="utf-8")
    assert text.startswith('{\n  "version": 1,\n  "tool": "hyperion-lint",\n  "findings": [\n    {"path": ')
    check = run("check")
    assert check.exit_code == 0
    assert check.output == (
        f"2 known findings hidden by the baseline {BASELINE}.\nAll checks passed! (1 file checked)\n"
    )
    assert run("check", "--no-baseline").exit_code == 1


def test_moving_code_keeps_the_baseline_and_new_findings_show(project) -> None:
    root = project({ENDPOINTS: LEGACY}, pyproject=CONFIG)
    run("baseline")
    moved = "import logging\n\nlogger = logging.getLogger()\n\n\n" + LEGACY.replace(
        "read_a(): ...", "read_a():\n    return None"
    ) + '\n\n@module.router.get("/demo/c")\nasync def read_c(): ...\n'
    (root / ENDPOINTS).write_text(moved, encoding="utf-8")
    result = run("check", "--output-format", "concise")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{ENDPOINTS}:15:2: HYP012 [*] Route `read_c`")
    assert lines[1:] == [
        f"2 known findings hidden by the baseline {BASELINE}.",
        "Found 1 finding in 1 file (1 file checked). 1 marked [*] fixable with `--fix`.",
    ]


def test_stale_entries_are_reported_and_removed_by_update(project) -> None:
    root = project({ENDPOINTS: LEGACY}, pyproject=CONFIG)
    run("baseline")
    fixed_a = LEGACY.replace('"/demo/a")', '"/demo/a", status_code=200)')
    new_c = fixed_a + '\n\n@module.router.get("/demo/c")\nasync def read_c(): ...\n'
    (root / ENDPOINTS).write_text(new_c, encoding="utf-8")
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.output.startswith(f"{ENDPOINTS}:9:2: HYP012")
    result = run("check")
    assert "1 baseline entry no longer matches a finding (fixed?): run `hyperion-lint baseline --update` to remove them." in result.output

    result = run("baseline", "--update")
    assert result.output == f"Wrote 1 entry to {BASELINE} (0 added, 1 removed; 2 before).\n"
    assert [e["scope"] for e in entries(root)] == ["read_b"], "--update never adds read_c"

    result = run("baseline", "--update", "--add")
    assert result.output == f"Wrote 2 entries to {BASELINE} (1 added, 0 removed; 1 before).\n"
    assert [e["scope"] for e in entries(root)] == ["read_b", "read_c"]


def test_a_subset_run_keeps_the_other_files_entries(project) -> None:
    root = project({ENDPOINTS: LEGACY, OTHER: LEGACY}, pyproject=CONFIG)
    run("baseline")
    assert len(entries(root)) == 4
    (root / OTHER).write_text(LEGACY.replace('"/demo/a")', '"/demo/a", status_code=200)'), encoding="utf-8")
    result = run("baseline", OTHER)
    assert result.output == f"Wrote 3 entries to {BASELINE} (0 added, 1 removed; 4 before).\n"
    assert [(e["path"], e["scope"]) for e in entries(root)] == [
        (ENDPOINTS, "read_a"),
        (ENDPOINTS, "read_b"),
        (OTHER, "read_b"),
    ]
    # Linting one file never calls the other file's entries stale.
    assert "no longer match" not in run("check", ENDPOINTS).output


def test_repeated_findings_are_counted(project) -> None:
    source = "async def f(db):\n    await db.commit()\n    await db.commit()\n"
    root = project({"app/modules/demo/cruds_demo.py": source}, pyproject="[tool.hyperion-lint]\nselect = ['HYP042']\n")
    run("baseline")
    assert [(e["scope"], e["count"]) for e in entries(root)] == [("f", 2)]
    (root / "app/modules/demo/cruds_demo.py").write_text(source + "    await db.commit()\n", encoding="utf-8")
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.exit_code == 1
    assert result.output.count("HYP042") == 1


def test_explicit_and_configured_baseline_files(project) -> None:
    root = project({ENDPOINTS: LEGACY}, pyproject=CONFIG + "baseline = 'lint/known.json'\n")
    (root / "lint").mkdir()
    run("baseline")
    assert (root / "lint/known.json").exists() and not (root / BASELINE).exists()
    assert run("check").exit_code == 0
    result = CliRunner().invoke(main, ["check", "--baseline", "missing.json"])
    assert (result.exit_code, result.output) == (2, "hyperion-lint: error: baseline file not found: missing.json\n")


def test_a_broken_baseline_is_a_clear_error(project) -> None:
    root = project({ENDPOINTS: LEGACY}, pyproject=CONFIG)
    (root / BASELINE).write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert result.output.startswith(f"hyperion-lint: error: baseline {root / BASELINE} is not valid JSON (")
    assert len(result.output.splitlines()) == 1


def test_entries_of_a_file_that_does_not_parse_are_kept(project) -> None:
    """A syntax error is no fix: the file's entries are neither stale nor removed, HYP999
    is never baselined, and once the file parses again its old findings stay hidden."""
    root = project({ENDPOINTS: LEGACY}, pyproject=CONFIG)
    run("baseline")
    (root / ENDPOINTS).write_text(LEGACY + "\ndef broken(:\n", encoding="utf-8")
    result = run("check", "--output-format", "concise")
    assert result.exit_code == 1
    assert " HYP999 " in result.output.splitlines()[0]
    assert "no longer match" not in result.output
    assert (
        "2 baseline entries of 1 file that could not be analysed (see HYP999) are kept as they are: "
        "they are judged again once the file parses."
    ) in result.output
    assert run("baseline", "--update").output == f"Wrote 2 entries to {BASELINE} (0 added, 0 removed; 2 before).\n"
    assert run("baseline").output == f"Wrote 2 entries to {BASELINE} (0 added, 0 removed; 2 before).\n"
    assert {e["code"] for e in entries(root)} == {"HYP012"}
    (root / ENDPOINTS).write_text(LEGACY, encoding="utf-8")
    assert run("check").exit_code == 0


def test_an_entry_survives_an_edit_of_its_line(project) -> None:
    """Fixing HYP010 on a one-line decorator rewrites the line HYP012 is keyed on: the
    HYP012 entry still hides it, and --update rewrites the entry's key."""
    root = project({ENDPOINTS: LEGACY}, pyproject="[tool.hyperion-lint]\nselect = ['HYP012', 'HYP010']\n")
    run("baseline")
    (root / ENDPOINTS).write_text(LEGACY.replace('"/demo/a")', '"/demo/a", summary="Read a.")'), encoding="utf-8")
    result = run("check", "--output-format", "concise")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"3 known findings hidden by the baseline {BASELINE}.",  # HYP012 of read_a, HYP010 and HYP012 of read_b
        "1 baseline entry no longer matches a finding (fixed?): run `hyperion-lint baseline --update` to remove them.",
        "All checks passed! (1 file checked)",
    ]
    before = {(e["code"], e["scope"], e["hash"]) for e in entries(root)}
    run("baseline", "--update")
    after = {(e["code"], e["scope"], e["hash"]) for e in entries(root)}
    assert len(after) == 3 and ("HYP010", "read_a") not in {(c, s) for c, s, _ in after}
    assert [h for c, s, h in after if (c, s) == ("HYP012", "read_a")] != [h for c, s, h in before if (c, s) == ("HYP012", "read_a")]
    assert run("check").exit_code == 0
