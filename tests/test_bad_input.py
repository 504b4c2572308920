"""Bad input, each case with its exact output and exit code; and the security promise that
the linter never imports or runs the code it checks.

Cases already covered elsewhere (tests/test_cli.py: a missing path, a binary or non-UTF-8
file, invalid TOML, wrong types in the config, an unknown --select code; tests/test_engine.py:
deep nesting inside the engine) are not repeated here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.engine import runner
from lint_rules.engine.registry import all_rules
from lint_rules.rules.hyp042_db_commit_rollback import GET_DB_COMMITS

ENDPOINTS = "app/modules/demo/endpoints_demo.py"
CRUDS = "app/modules/demo/cruds_demo.py"
MESSAGE_012 = (
    "Route `read_items` does not say its success status code; add `status_code=` to the "
    "decorator (200 for a read, 201 for a create, 204 when nothing is returned)"
)
ROUTE = '@module.router.get("/demo/items")\nasync def read_items(): ...\n'
OPT_IN = ",".join(code for code, rule in all_rules().items() if not rule.default_enabled)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def concise(*args: str):
    return run("check", "--output-format", "concise", "--quiet", *args)


def unreadable(path: str, reason: str) -> str:
    return f"{path}:1:1: HYP999 Cannot read this file: {reason}. No rule could check it.\n"


# -- paths ----------------------------------------------------------------------------------


def test_a_folder_with_no_python_file(project) -> None:
    root = project({"docs/readme.md": "# Demo\n", "app/modules/demo/notes.txt": "x = (\n"})
    (root / "app" / "modules" / "empty").mkdir()
    result = run("check", "app", "docs")
    assert (result.exit_code, result.stdout) == (0, "All checks passed! (0 files checked)\n")
    assert result.stderr.startswith("hyperion-lint: warning: nothing to check: no Python file under app, docs (")


def test_a_symlink_loop(project) -> None:
    root = project({ENDPOINTS: ROUTE.replace(")\n", ", status_code=200)\n", 1)})
    folder = root / "app" / "modules" / "demo"
    (folder / "again").symlink_to(folder, target_is_directory=True)  # a folder loop: not followed
    (folder / "cruds_a.py").symlink_to(folder / "cruds_b.py")  # two files pointing at each other
    (folder / "cruds_b.py").symlink_to(folder / "cruds_a.py")
    result = concise("--select", "HYP012,HYP040")
    assert result.exit_code == 1
    assert result.output == (
        unreadable("app/modules/demo/cruds_a.py", "Too many levels of symbolic links")
        + unreadable("app/modules/demo/cruds_b.py", "Too many levels of symbolic links")
    )
    # Named on the command line, through the folder loop: the same finding, no hang.
    result = concise("--select", "HYP040", "app/modules/demo/again/again/cruds_a.py")
    assert (result.exit_code, result.output) == (
        1,
        unreadable("app/modules/demo/again/again/cruds_a.py", "Too many levels of symbolic links"),
    )


def test_an_unreadable_file(project, monkeypatch) -> None:
    root = project({ENDPOINTS: ROUTE, "app/modules/other/endpoints_other.py": ROUTE})
    target = root / ENDPOINTS
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):  # root reads anything: simulate what chmod 000 does to others
            real = Path.read_bytes

            def read_bytes(self: Path) -> bytes:
                if self.name == target.name:
                    raise PermissionError(13, "Permission denied", str(self))
                return real(self)

            monkeypatch.setattr(Path, "read_bytes", read_bytes)
        for select in ("HYP012", "HYP012,HYP034"):  # per-file rules only, and a project rule
            result = concise("--select", select)
            assert result.exit_code == 1
            assert result.output == (
                f"app/modules/demo/endpoints_demo.py:1:1: HYP999 Cannot read this file: Permission denied. "
                "No rule could check it.\n"
                f"app/modules/other/endpoints_other.py:1:2: HYP012 [*] {MESSAGE_012}\n"
            )
    finally:
        target.chmod(0o644)


@pytest.mark.parametrize("select", ["HYP012", "HYP012,HYP034"])
def test_a_file_deleted_during_the_run(project, monkeypatch, select: str) -> None:
    root = project({ENDPOINTS: ROUTE, "app/modules/other/endpoints_other.py": ROUTE})
    real = runner.collect_files

    def collect_then_delete(*args, **kwargs):
        found = real(*args, **kwargs)
        (root / ENDPOINTS).unlink(missing_ok=True)  # gone between discovery and reading
        return found

    monkeypatch.setattr(runner, "collect_files", collect_then_delete)
    result = concise("--select", select)
    assert result.exit_code == 1
    assert result.output == (
        unreadable(ENDPOINTS, "No such file or directory")
        + f"app/modules/other/endpoints_other.py:1:2: HYP012 [*] {MESSAGE_012}\n"
    )


def test_a_file_deleted_before_its_fix_is_written(project, monkeypatch) -> None:
    root = project({ENDPOINTS: ROUTE})
    real = runner.Linter.fix_paths

    def fix_then_delete(self, paths, **options):
        entries = real(self, paths, **options)
        for path, _, _ in entries:
            path.unlink()
        return entries

    monkeypatch.setattr(runner.Linter, "fix_paths", fix_then_delete)
    result = CliRunner().invoke(main, ["check", "--select", "HYP012", "--fix"])
    assert result.exit_code == 2
    assert result.output == (
        f"hyperion-lint: error: cannot write {ENDPOINTS}: No such file or directory; the file was left as it was\n"
    )
    assert not (root / ENDPOINTS).exists()  # not written back from nothing


# -- text -------------------------------------------------------------------------------------


def test_a_bom_does_not_shift_columns(project) -> None:
    root = project({ENDPOINTS: b"\xef\xbb\xbf" + ROUTE.encode()})
    assert concise("--select", "HYP012").output == f"{ENDPOINTS}:1:2: HYP012 [*] {MESSAGE_012}\n"
    assert run("check", "--select", "HYP012", "--fix").exit_code == 0
    assert (root / ENDPOINTS).read_bytes() == b"\xef\xbb\xbf" + ROUTE.replace('")', '", status_code=200)').encode()


def test_a_coding_cookie_is_read_and_kept(project) -> None:
    """PEP 263: Python decodes a file as its coding line declares; so does the linter, and
    --fix writes it back in that encoding."""
    cookie = "# -*- coding: latin-1 -*-\n"
    source = cookie + '# Caf\u00e9 des \u00e9l\u00e8ves\n' + ROUTE
    root = project({ENDPOINTS: source.encode("latin-1")})
    assert concise("--select", "HYP012").output == f"{ENDPOINTS}:3:2: HYP012 [*] {MESSAGE_012}\n"
    assert run("check", "--select", "HYP012", "--fix").exit_code == 0
    fixed = source.replace('")', '", status_code=200)')
    assert (root / ENDPOINTS).read_bytes() == fixed.encode("latin-1")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"# coding: klingon\nx = 1\n", "its encoding declaration is not valid (unknown encoding: klingon)"),
        (b"# coding: ascii\nx = '\xe9'\n", "it is not valid ascii (byte 0xE9 on line 2); save it in the encoding its coding line declares, or as UTF-8"),
        (b"x = '\xe9'\n", "it is not valid UTF-8 (byte 0xE9 on line 1); save it as UTF-8"),
    ],
    ids=["unknown", "wrong-bytes", "no-cookie"],
)
def test_a_file_python_cannot_decode(project, data: bytes, reason: str) -> None:
    project({ENDPOINTS: data})
    assert concise().output == unreadable(ENDPOINTS, reason)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_crlf_and_lone_cr_line_endings(project, newline: str) -> None:
    source = "import fastapi\n\n" + ROUTE
    root = project({ENDPOINTS: source.replace("\n", newline).encode()})
    assert concise("--select", "HYP012").output == f"{ENDPOINTS}:3:2: HYP012 [*] {MESSAGE_012}\n"
    assert run("check", "--select", "HYP012", "--fix").exit_code == 0
    fixed = source.replace('")', '", status_code=200)').replace("\n", newline)
    assert (root / ENDPOINTS).read_bytes() == fixed.encode()


def test_tabs_count_as_one_column(project) -> None:
    source = "async def delete_item(db):\n\tif db:\n\t\tawait db.commit()\n"
    root = project({CRUDS: source.encode(), **GET_DB_COMMITS})
    output = concise("--select", "HYP042").output
    assert output.startswith(f"{CRUDS}:3:9: HYP042 [-] `db.commit()`")  # the message is HYP042's business
    assert output.count("\n") == 1
    assert run("check", "--select", "HYP042", "--fix", "--unsafe-fixes").exit_code == 0
    assert (root / CRUDS).read_bytes() == source.replace("commit", "flush").encode()


def test_a_form_feed_does_not_move_suppressions(project) -> None:
    # Python ends lines at \r and \n only; str.splitlines() also splits at a form feed.
    source = "\x0c\n" + ROUTE.replace('")\n', '")  # noqa: HYP012\n') + "x = 1  # noqa: HYP777\n"
    project({ENDPOINTS: source.encode()})
    result = concise("--select", "HYP012,HYP100")
    assert (result.exit_code, result.output) == (
        1,
        f"{ENDPOINTS}:4:8: HYP100 [*] This suppression names a code hyperion-lint does not know "
        "(`HYP777`; `hyperion-lint rules` lists them); remove `HYP777` so the comment stays truthful\n",
    )


def test_a_form_feed_in_an_indentation_gets_no_fix_where_libcst_changes_the_line(project) -> None:
    # LibCST gives '\x0c' at the start of a line back without it: an edit there would land
    # one column off, so no fix is offered; a line it gives back intact still gets its fix.
    source = "\x0c" + ROUTE
    root = project({ENDPOINTS: source.encode()})
    expected = f"{ENDPOINTS}:1:2: HYP012 {MESSAGE_012}\n"
    assert (concise("--select", "HYP012").output) == expected
    result = run("check", "--select", "HYP012", "--fix", "--output-format", "concise")
    assert (result.exit_code, result.output) == (1, expected + "Fixed 0 findings in 0 files. 1 remains.\n")
    assert (root / ENDPOINTS).read_bytes() == source.encode()

    source = ROUTE.replace(" ...\n", "\n\x0c    x = 1\n    return x\n")
    (root / ENDPOINTS).write_bytes(source.encode())
    assert concise("--select", "HYP012").output == f"{ENDPOINTS}:1:2: HYP012 [*] {MESSAGE_012}\n"
    assert run("check", "--select", "HYP012", "--fix").exit_code == 0
    assert (root / ENDPOINTS).read_bytes() == source.replace('")', '", status_code=200)').encode()


def test_an_identifier_libcst_parses_but_python_refuses(project) -> None:
    # A zero-width joiner (pasted from a web page) inside a name: LibCST's parser accepts it,
    # its node validation then raises; this used to stop the whole run with a traceback.
    project({ENDPOINTS: ROUTE + "item\u200d = 1\n", "app/modules/other/endpoints_other.py": ROUTE})
    result = concise("--select", "ALL", "--extend-select", OPT_IN)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{ENDPOINTS}:3:5: HYP999 Cannot parse this file: invalid non-printable character U+200D. "
        "Fix the syntax; no rule could check it."
    )


def test_a_ten_megabyte_file(project) -> None:
    line = "    'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor',\n"
    data = "\nDATA = [\n" + line * (10_000_000 // len(line)) + "]\n\n"
    source = ROUTE + data + ROUTE.replace("read_items", "read_more")
    assert len(source) > 10_000_000
    root = project({ENDPOINTS: source.encode()})
    last = source.count("\n") - 1
    result = concise("--select", "HYP012")
    assert (result.exit_code, result.output) == (
        1,
        f"{ENDPOINTS}:1:2: HYP012 [*] {MESSAGE_012}\n"
        f"{ENDPOINTS}:{last}:2: HYP012 [*] {MESSAGE_012.replace('read_items', 'read_more')}\n",
    )
    assert run("check", "--select", "HYP012", "--fix").exit_code == 0
    assert (root / ENDPOINTS).read_bytes() == source.replace('")', '", status_code=200)').encode()


# -- deep nesting: in a separate process, since LibCST's parser can take the process down -----


def _lint_in_a_process(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lint_rules", "check", "--output-format", "concise", "--quiet", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_thousand_nested_brackets(project) -> None:
    root = project({ENDPOINTS: ROUTE + "x = " + "[" * 1000 + "]" * 1000 + "\n"})
    result = _lint_in_a_process(root, "--select", "ALL", "--extend-select", OPT_IN)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        f"{ENDPOINTS}:3:205: HYP999 Cannot parse this file: too many nested parentheses. "
        "Fix the syntax; no rule could check it.\n",
        "",
    )


def test_a_deeply_nested_string_annotation(project) -> None:
    # The file is fine for CPython; rules that read a string annotation as code used to
    # hand its text to LibCST's parser, which overflowed the stack (a segfault).
    deep = "list[" * 5000 + "int" + "]" * 5000
    chain = " | ".join(["int"] * 9000)
    source = (
        ROUTE.replace(")\n", ", status_code=200)\n", 1).replace("(): ...", f'(x: "{deep}") -> "{chain}": ...')
        + f'\n\nasync def update_item(item: "{chain}", db): ...\n'
    )
    root = project({ENDPOINTS: source, CRUDS: source})
    result = _lint_in_a_process(root, "--select", "HYP011,HYP015,HYP017,HYP043,HYP044", "--extend-select", "HYP044")
    assert (result.returncode, result.stderr) == (0, ""), result.stdout


# LibCST's parser recurses once per level of an expression: about 7,000 `+` or `and`, 3,500
# `lambda:`, 10,000 parts of a dotted name take the process down (a stack overflow), on one
# line or spread over lines alike. A pre-check answers first (engine/complexity.py).


def _too_complex(where: str, what: str, limit: int = 400) -> str:
    return (
        f"{ENDPOINTS}:{where}: HYP999 Cannot check this file: {what} is too complex for the parser "
        f"({limit} at most). Split it; no rule could check it.\n"
    )


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("x = " + " and ".join(["a"] * 10_000) + "\n", _too_complex("3:5", "an expression of 10000 terms")),
        ("x = (\n    a\n" + "    or a\n" * 9_999 + ")\n", _too_complex("4:5", "an expression of 10000 terms")),
        ("x = a" + " \\\n    and a" * 9_999 + "\n", _too_complex("3:5", "an expression of 10000 terms")),
        ("import " + ".".join(["a"] * 10_000) + "\n", _too_complex("3:8", "a dotted name of 10000 parts")),
    ],
    ids=["and-on-one-line", "or-in-brackets", "and-with-backslashes", "dotted-import"],
)
def test_a_ten_thousand_term_expression(project, text: str, finding: str) -> None:
    root = project({ENDPOINTS: ROUTE + text})
    result = _lint_in_a_process(root, "--select", "HYP012")
    assert (result.returncode, result.stdout, result.stderr) == (1, finding, "")


@pytest.mark.parametrize(
    "text",
    ["x = " + " + ".join(["1"] * 10_000) + "\n", "x = 2" + " \\\n    * 2" * 9_999 + "\n"],
    ids=["plus-on-one-line", "times-with-backslashes"],
)
def test_a_ten_thousand_level_expression(project, text: str) -> None:
    # Python 3.11 to 3.13 give up on 10,000 nested levels themselves (unlike `and`, which
    # their tree keeps flat): the finding then points at the statement. A Python whose
    # parser takes them points at the expression.
    root = project({ENDPOINTS: ROUTE + text})
    result = _lint_in_a_process(root, "--select", "HYP012")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout in (
        f"{ENDPOINTS}:3:1: HYP999 Cannot check this file: this statement is too complex for the parser "
        "(and for Python's own). Split it; no rule could check it.\n",
        _too_complex("3:5", "an expression of 10000 terms"),
    )


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("x = " + " + ".join(["1"] * 401) + "\n", _too_complex("3:5", "an expression of 401 terms")),
        ("x = a" + ".b" * 2000 + "\n", _too_complex("3:5", "an expression of 2001 terms")),
        ("x = f" + "()" * 2000 + "\n", _too_complex("3:5", "an expression of 2001 terms")),
        ("x = a" + "[0]" * 2000 + "\n", _too_complex("3:5", "an expression of 2001 terms")),
        ("x = " + "lambda: " * 2000 + "1\n", _too_complex("3:5", "an expression of 2001 terms")),
        ("x = " + "a if b else " * 2000 + "c\n", _too_complex("3:5", "an expression of 2001 terms")),
        ("x = " + "not " * 2000 + "a\n", _too_complex("3:5", "an expression of 2001 terms")),
        ("if a:\n    pass\n" + "elif a:\n    pass\n" * 400, _too_complex("3:1", "an if statement of 401 branches")),
        ("x = (\n" + '    "s"\n' * 3001 + ")\n", _too_complex("4:5", "a concatenation of 3001 strings", 3000)),
    ],
    ids=["plus", "attributes", "calls", "subscripts", "lambdas", "conditionals", "nots", "elifs", "strings"],
)
def test_an_expression_beyond_the_limit(project, text: str, finding: str) -> None:
    # Short of a crash (LibCST takes seconds on 2,000 subscripts, and refuses 3,001 strings
    # with a misleading syntax error), so in this process.
    project({ENDPOINTS: ROUTE + text})
    result = concise("--select", "HYP012")
    assert (result.exit_code, result.output) == (1, finding)


@pytest.mark.parametrize(
    "text",
    [
        "x = " + " + ".join(["1"] * 400) + "\n",
        "x = a" + ".b" * 399 + "\n",
        "x = " + "lambda: " * 399 + "1\n",
        "if a:\n    pass\n" + "elif a:\n    pass\n" * 399,
        "import " + ".".join(["a"] * 400) + "\n",
    ],
    ids=["plus", "attributes", "lambdas", "elifs", "dotted-import"],
)
def test_an_expression_at_the_limit_is_linted(project, text: str) -> None:
    project({ENDPOINTS: ROUTE + text})
    assert concise("--select", "HYP012").output == f"{ENDPOINTS}:1:2: HYP012 [*] {MESSAGE_012}\n"
    assert "HYP999" not in concise("--select", "ALL", "--extend-select", OPT_IN).output


# -- configuration and codes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pyproject", "error"),
    [
        (
            '[tool]\nhyperion-lint = "on"\n',
            "pyproject.toml: [tool.hyperion-lint] must be a table of settings, got str 'on'",
        ),
        ("[tool.hyperion-lint]\nroot = 1\n", "[tool.hyperion-lint] root: expected a path as a string, got 1"),
        (
            "[tool.hyperion-lint.rules]\nHYP020 = 1\n",
            "[tool.hyperion-lint.rules.HYP020]: expected a table of options",
        ),
    ],
    ids=["table-is-a-string", "root-is-a-number", "rule-options-not-a-table"],
)
def test_config_values_of_the_wrong_type(project, pyproject: str, error: str) -> None:
    root = project({ENDPOINTS: ROUTE}, pyproject=None)
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    result = CliRunner().invoke(main, ["check"])
    prefix = f"{root}/" if error.startswith("pyproject.toml") else ""
    assert (result.exit_code, result.output) == (2, f"hyperion-lint: error: {prefix}{error}\n")


def test_unknown_codes_on_the_command_line_and_in_the_config(project) -> None:
    valid = ", ".join(all_rules())
    project({ENDPOINTS: ROUTE}, pyproject="[tool.hyperion-lint]\nextend-select = ['HYP9']\n")
    result = CliRunner().invoke(main, ["check"])
    assert (result.exit_code, result.output) == (
        2,
        f"hyperion-lint: error: [tool.hyperion-lint] extend-select: unknown rule code or prefix 'HYP9'; "
        f"valid codes: {valid} (or a prefix such as HYP01, or ALL)\n",
    )
    project({}, pyproject="")
    for flag in ("--ignore", "--extend-select"):
        result = CliRunner().invoke(main, ["check", flag, "HYP010,hyp0x"])
        assert (result.exit_code, result.output) == (
            2,
            f"hyperion-lint: error: {flag}: unknown rule code or prefix 'hyp0x'; "
            f"valid codes: {valid} (or a prefix such as HYP01, or ALL)\n",
        )


def test_unknown_codes_in_suppression_comments(project) -> None:
    source = ROUTE.replace('")\n', '")  # noqa: HYP012, HYP0123\n') + "x = 1  # hyperion-lint: ignore[HYP777]\n"
    project({ENDPOINTS: source})
    result = concise("--select", "HYP012,HYP100")
    assert (result.exit_code, result.output) == (
        1,
        f"{ENDPOINTS}:1:36: HYP100 [*] This suppression names a code hyperion-lint does not know (`HYP0123`; "
        "`hyperion-lint rules` lists them); remove `HYP0123` so the comment stays truthful\n"
        f"{ENDPOINTS}:3:8: HYP100 [*] This suppression names a code hyperion-lint does not know (`HYP777`; "
        "`hyperion-lint rules` lists them); remove `HYP777` so the comment stays truthful\n",
    )


# -- security -------------------------------------------------------------------------------------


def test_the_checked_code_is_never_run(project, tmp_path: Path) -> None:
    """Files whose import (or run) would write a marker: linting, fixing and diffing them,
    with every rule, must leave no marker."""
    marker = tmp_path / "MARKER"
    payload = (
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('imported ' + __name__)\n"
        f"open({str(marker)!r}, 'a').close()\n"
        "__import__('os').system('touch ' + " + repr(str(marker)) + ")\n"
    )
    files = {
        "app/__init__.py": payload,
        "app/modules/__init__.py": payload,
        "app/modules/demo/__init__.py": payload,
        ENDPOINTS: payload + "\n\n" + ROUTE + "\n\nif __name__ == '__main__':\n    exec(open(__file__).read())\n",
        CRUDS: payload + "async def update_item(db):\n    await db.commit()\n",
        "app/modules/demo/models_demo.py": payload + "class Item(Base):\n    id: Mapped[str]\n",
        "app/modules/demo/factory_demo.py": payload,
        "app/modules/demo/schemas_demo.py": payload,
        "conftest.py": payload,
        "setup.py": payload,
    }
    root = project(files, pyproject="[tool.hyperion-lint]\nroot = '.'\n")
    commands = [
        ("--select", "ALL", "--extend-select", OPT_IN),
        ("--select", "ALL", "--extend-select", OPT_IN, "--diff", "--unsafe-fixes"),
        ("--select", "ALL", "--extend-select", OPT_IN, "--fix", "--unsafe-fixes"),
        ("--select", "ALL", "--extend-select", OPT_IN, "--statistics"),
    ]
    for command in commands:
        result = subprocess.run(
            [sys.executable, "-m", "lint_rules", "check", *command], cwd=root, capture_output=True, text=True
        )
        assert result.returncode in (0, 1), result.stdout + result.stderr
        assert not marker.exists(), f"{command}: {marker.read_text()!r}"
    assert "status_code=200" in (root / ENDPOINTS).read_text(encoding="utf-8")  # --fix did run
    result = CliRunner().invoke(main, ["check", "--stdin-filename", ENDPOINTS], input=files[ENDPOINTS])
    assert result.exit_code == 1
    assert not marker.exists()
