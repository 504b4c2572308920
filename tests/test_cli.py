"""The command line, end to end: exact output, exit codes and documents."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lint_rules.cli import main

ENDPOINTS = "app/modules/demo/endpoints_demo.py"
MISSING = """
@module.router.get("/demo/items", response_model=list[int])
async def read_items(): ...
"""
CLEAN = """
@module.router.get("/demo/items", response_model=list[int], status_code=200)
async def read_items(): ...
"""
MESSAGE_012 = (
    "Route `read_items` does not say its success status code; add `status_code=` to the "
    "decorator (200 for a read, 201 for a create, 204 when nothing is returned)"
)


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_concise_output_and_exit_code(project) -> None:
    project({ENDPOINTS: MISSING})
    result = run("check", "--select", "HYP012", "--output-format", "concise")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{ENDPOINTS}:1:2: HYP012 [*] {MESSAGE_012}",
        "Found 1 finding in 1 file (1 file checked). 1 marked [*] fixable with `--fix`.",
    ]


def test_full_output_shows_line_caret_and_help(project) -> None:
    project({ENDPOINTS: MISSING})
    result = run("check", "--select", "HYP012", "--no-color")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        ENDPOINTS,
        f"  1:2  HYP012 [*] {MESSAGE_012}",
        "    |",
        '  1 | @module.router.get("/demo/items", response_model=list[int])',
        "    |  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ HYP012",
        "  = help: Add `status_code=200` (FastAPI's implicit default)",
        "",
        "Found 1 finding in 1 file (1 file checked). 1 marked [*] fixable with `--fix`.",
    ]


def test_clean_project_exits_zero(project) -> None:
    project({ENDPOINTS: CLEAN})
    result = run("check", "--select", "HYP012")
    assert result.exit_code == 0
    assert result.output == "All checks passed! (1 file checked)\n"


def test_exit_zero_and_quiet(project) -> None:
    project({ENDPOINTS: MISSING})
    result = run("check", "--select", "HYP012", "--exit-zero", "--quiet", "--output-format", "concise")
    assert result.exit_code == 0
    assert result.output == f"{ENDPOINTS}:1:2: HYP012 [*] {MESSAGE_012}\n"


def test_json_document_has_ruffs_schema(project) -> None:
    root = project({ENDPOINTS: MISSING})
    result = run("check", "--select", "HYP012", "--output-format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document == [
        {
            "cell": None,
            "code": "HYP012",
            "end_location": {"column": 60, "row": 1},
            "filename": str(root / ENDPOINTS),
            "fix": {
                "applicability": "safe",
                "edits": [
                    {
                        "content": 'module.router.get("/demo/items", response_model=list[int], status_code=200)',
                        "end_location": {"column": 60, "row": 1},
                        "location": {"column": 2, "row": 1},
                    }
                ],
                "message": "Add `status_code=200` (FastAPI's implicit default)",
            },
            "location": {"column": 2, "row": 1},
            "message": MESSAGE_012,
            "name": "endpoint-missing-status-code",
            "noqa_row": 1,
            "related": [],
            "url": "https://github.com/aeecleclair/hyperion-lint/blob/main/docs/rules.md#hyp012-endpoint-missing-status-code",
        }
    ]


def test_stdin_filename_lints_the_buffer_as_that_file(project) -> None:
    project({})
    result = run(
        "check", "--select", "HYP012", "--output-format", "concise", "--stdin-filename", ENDPOINTS,
        input=MISSING.lstrip("\n"),
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{ENDPOINTS}:1:2: HYP012 [*] {MESSAGE_012}"


def test_stdin_for_a_file_no_rule_applies_to(project) -> None:
    project({})
    result = run("check", "--stdin-filename", "app/main.py", input="x = (\n")
    assert result.exit_code == 0


def test_statistics(project) -> None:
    project({ENDPOINTS: MISSING + MISSING.replace("read_items", "read_more")})
    result = run("check", "--select", "HYP012", "--statistics", "--quiet")
    assert result.exit_code == 1
    assert result.output == "2\tHYP012\t[*] endpoint-missing-status-code\n"


def test_unknown_select_code_is_a_usage_error(project) -> None:
    project({ENDPOINTS: CLEAN})
    result = CliRunner().invoke(main, ["check", "--select", "HYP777"])
    assert result.exit_code == 2
    assert result.output.startswith(
        "hyperion-lint: error: --select: unknown rule code or prefix 'HYP777'; valid codes: HYP"
    )
    assert len(result.output.splitlines()) == 1


def test_missing_path_is_a_usage_error(project) -> None:
    project({})
    result = CliRunner().invoke(main, ["check", "no/such/dir"])
    assert result.exit_code == 2
    assert result.output == "hyperion-lint: error: path does not exist: no/such/dir\n"


def test_config_errors_are_all_listed(project) -> None:
    project(
        {ENDPOINTS: CLEAN},
        pyproject="""
        [tool.hyperion-lint]
        selct = ["HYP012"]
        ignore = "HYP012"

        [tool.hyperion-lint.rules.HYP012]
        colour = "red"
        """,
    )
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith("hyperion-lint: error: [tool.hyperion-lint]: unknown key 'selct'; valid keys: select, extend-select, ignore")
    assert lines[1] == "hyperion-lint: error: [tool.hyperion-lint] ignore: expected a list of strings, got str 'HYP012'"
    assert lines[2] == "hyperion-lint: error: [tool.hyperion-lint.rules.HYP012]: unknown option 'colour'; valid options: none (this rule has no options)"
    assert len(lines) == 3


def test_invalid_toml_is_a_config_error(project) -> None:
    root = project({ENDPOINTS: CLEAN}, pyproject=None)
    (root / "pyproject.toml").write_text("[tool.hyperion-lint\nselect = 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert result.output.startswith(f"hyperion-lint: error: {root / 'pyproject.toml'} is not valid TOML: ")
    assert len(result.output.splitlines()) == 1


def test_config_file_selection_and_cli_override(project) -> None:
    project(
        {ENDPOINTS: MISSING},
        pyproject="""
        [tool.hyperion-lint]
        ignore = ["HYP012"]
        """,
    )
    # --select replaces the file's select, but the file's ignore still applies.
    assert run("check", "--select", "HYP012").exit_code == 0
    assert run("check", "--select", "HYP012", "--extend-select", "HYP012").exit_code == 0


def test_explicit_config_file(project, tmp_path) -> None:
    project({ENDPOINTS: MISSING}, pyproject="[tool.hyperion-lint]\nignore = ['HYP012']\n")
    other = tmp_path / "strict.toml"
    other.write_text('select = ["HYP012"]\n', encoding="utf-8")
    result = run("check", "--config", str(other), "--output-format", "concise", "--quiet")
    assert result.exit_code == 1
    assert result.output.startswith(f"{ENDPOINTS}:1:2: HYP012")


def test_per_file_ignores(project) -> None:
    project(
        {ENDPOINTS: MISSING, "app/modules/other/endpoints_other.py": MISSING},
        pyproject="""
        [tool.hyperion-lint]
        select = ["HYP012"]
        per-file-ignores = { "app/modules/demo/*" = ["HYP012"] }
        """,
    )
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.output == f"app/modules/other/endpoints_other.py:1:2: HYP012 [*] {MESSAGE_012}\n"


def test_exclude_and_gitignore(project) -> None:
    root = project(
        {
            ENDPOINTS: MISSING,
            "app/modules/old/endpoints_old.py": MISSING,
            "generated/endpoints_gen.py": MISSING,
        },
        pyproject="""
        [tool.hyperion-lint]
        select = ["HYP012"]
        extend-exclude = ["app/modules/old/"]
        """,
    )
    (root / ".gitignore").write_text("generated/\n", encoding="utf-8")
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.output == f"{ENDPOINTS}:1:2: HYP012 [*] {MESSAGE_012}\n"
    # An excluded file named on the command line (as pre-commit does) stays excluded.
    result = run("check", "app/modules/old/endpoints_old.py", "--quiet")
    assert (result.exit_code, result.output) == (0, "")
    told = CliRunner().invoke(main, ["check", "app/modules/old/endpoints_old.py"])
    assert (told.exit_code, told.stderr) == (
        0,
        "hyperion-lint: warning: nothing to check: app/modules/old/endpoints_old.py is excluded "
        "(`exclude`, `extend-exclude` or a .gitignore)\n",
    )


def test_noqa_and_ignore_comments_suppress(project) -> None:
    source = (
        '@module.router.get("/a")  # noqa: HYP012\nasync def a(): ...\n'
        '@module.router.get("/b")  # hyperion-lint: ignore[HYP012]\nasync def b(): ...\n'
        '@module.router.get("/c")  # noqa: E501, HYP012\nasync def c(): ...\n'
        '@module.router.get("/d")  # noqa: HYP010\nasync def d(): ...\n'
    )
    project({ENDPOINTS: source}, pyproject="[tool.hyperion-lint]\nselect = ['HYP012']\n")
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.output.splitlines() == [
        f"{ENDPOINTS}:7:2: HYP012 [*] " + MESSAGE_012.replace("read_items", "d")
    ]


def test_syntax_error_is_a_finding(project) -> None:
    project({ENDPOINTS: "@module.router.get('/x')\nasync def broken(:\n    pass\n"})
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.exit_code == 1
    assert result.output == (
        f"{ENDPOINTS}:2:18: HYP999 Cannot parse this file: invalid syntax. "
        "Fix the syntax; no rule could check it.\n"
    )


def test_non_utf8_and_binary_files_are_findings(project) -> None:
    project(
        {
            ENDPOINTS: b"x = 1\n# caf\xe9\n",
            "app/modules/bin/endpoints_bin.py": b"\x00\x01\x02",
        }
    )
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "app/modules/bin/endpoints_bin.py:1:1: HYP999 Cannot read this file: it is a binary file "
        "(it contains NUL bytes), not Python source. No rule could check it.",
        f"{ENDPOINTS}:1:1: HYP999 Cannot read this file: it is not valid UTF-8 (byte 0xE9 on line 2); "
        "save it as UTF-8. No rule could check it.",
    ]


def test_bom_is_accepted(project) -> None:
    project({ENDPOINTS: "\ufeff" + CLEAN.lstrip("\n")})
    assert run("check", "--select", "HYP012").exit_code == 0


def test_rule_command_prints_the_docs() -> None:
    result = run("rule", "HYP012")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "# HYP012 endpoint-missing-status-code"
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety", "## Options"):
        assert section in lines
    assert run("rule", "endpoint-missing-status-code").output == result.output


def test_rule_command_unknown_code() -> None:
    result = CliRunner().invoke(main, ["rule", "HYP777"])
    assert result.exit_code == 2
    assert result.output == "hyperion-lint: error: unknown rule 'HYP777'; run `hyperion-lint rules` to list them\n"


def test_rules_command_lists_every_rule() -> None:
    from lint_rules.engine.registry import all_rules

    result = run("rules")
    lines = result.output.splitlines()
    assert lines[0].split() == ["code", "name", "default", "fix"]
    assert [line.split()[0] for line in lines[1:]] == list(all_rules())
    assert any(line.split()[:4] == ["HYP012", "endpoint-missing-status-code", "on", "safe"] for line in lines)


def test_version() -> None:
    from lint_rules import __version__

    assert run("--version").output == f"hyperion-lint, version {__version__}\n"


SESSION_ROUTE = """
@module.router.get("/demo/items", summary="Items", response_model=list[int], status_code=200)
async def read_items(db: AsyncSession = Depends(get_session)):
    \"\"\"Items.\"\"\"
"""


def test_rule_options_from_the_config_reach_the_rule(project) -> None:
    project({ENDPOINTS: SESSION_ROUTE}, pyproject="[tool.hyperion-lint]\nselect = ['HYP020']\n")
    result = run("check", "--output-format", "concise", "--quiet")
    assert result.exit_code == 1
    assert result.output.startswith(f"{ENDPOINTS}:2:22: HYP020 ")

    project(
        {},
        pyproject="""
        [tool.hyperion-lint]
        select = ["HYP020"]

        [tool.hyperion-lint.rules.HYP020]
        db-dependencies = ["get_db", "get_session"]
        """,
    )
    assert run("check", "--quiet").exit_code == 0


def test_rule_option_of_the_wrong_type(project) -> None:
    project(
        {ENDPOINTS: SESSION_ROUTE},
        pyproject="""
        [tool.hyperion-lint.rules.HYP020]
        db-dependencies = "get_session"
        """,
    )
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert result.output == (
        "hyperion-lint: error: [tool.hyperion-lint.rules.HYP020] db-dependencies: "
        "expected a list of strings, got 'get_session'\n"
    )


def test_opt_in_rules_need_their_full_code() -> None:
    from lint_rules.engine.config import Config
    from lint_rules.engine.registry import all_rules

    opt_in = [c for c, r in all_rules().items() if not r.default_enabled]
    default = {c for c, r in all_rules().items() if r.default_enabled}
    config = Config(root=__import__("pathlib").Path("."))
    assert config.enabled_codes() == default
    assert config.merged(select=["ALL"]).enabled_codes() == default
    assert config.merged(select=["HYP0"]).enabled_codes() == {c for c in default if c.startswith("HYP0")}
    for code in opt_in:
        assert code in config.merged(extend_select=[code]).enabled_codes()
    assert config.merged(ignore=["HYP01"]).enabled_codes() == {c for c in default if not c.startswith("HYP01")}


def test_full_output_shows_the_right_line_after_a_form_feed(project) -> None:
    project({ENDPOINTS: "\x0c\n" + MISSING.lstrip("\n")})
    result = run("check", "--select", "HYP012", "--no-color")
    assert '  2 | @module.router.get("/demo/items", response_model=list[int])' in result.output.splitlines()


def test_flags_that_would_do_nothing_are_usage_errors(project) -> None:
    project({"app/modules/demo/endpoints_demo.py": "x = 1\n"})
    unsafe = CliRunner().invoke(main, ["check", "--unsafe-fixes"])
    assert (unsafe.exit_code, unsafe.stderr) == (
        2,
        "hyperion-lint: error: --unsafe-fixes goes with --fix (apply them) or --diff (show them); alone it changes nothing\n",
    )
    add = CliRunner().invoke(main, ["baseline", "--add"])
    assert (add.exit_code, add.stderr) == (
        2,
        "hyperion-lint: error: --add goes with --update (`baseline --update --add`); `baseline` alone already records every finding\n",
    )


def test_a_path_with_nothing_to_check_says_why(project, tmp_path) -> None:
    project({"app/modules/demo/endpoints_demo.py": "x = 1\n", "scripts/tool.py": "x = 1\n"})
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["check", "scripts"])
    assert result.exit_code == 0
    assert result.stdout == "All checks passed! (0 files checked)\n"
    assert result.stderr.startswith(
        "hyperion-lint: warning: nothing to check: none of the 1 Python file under scripts is one the enabled rules check ("
    )
    assert result.stderr.endswith("...; in a Hyperion tree: app/modules/<name>/ and app/core/<name>/)\n")
    empty = CliRunner().invoke(main, ["check", "empty"])
    assert empty.stderr.startswith("hyperion-lint: warning: nothing to check: no Python file under empty (excluded folders: .git,")


def test_rule_pages_name_placeholders_and_render_on_a_terminal(monkeypatch) -> None:
    plain = CliRunner().invoke(main, ["rule", "HYP012"])
    assert plain.exit_code == 0
    assert "Message: Route `<function>` does not say its success status code;" in plain.stdout
    assert "{function}" not in plain.stdout and "\n## What it does\n" in plain.stdout
    meta = CliRunner().invoke(main, ["rule", "HYP999"])
    assert (meta.exit_code, meta.stdout.splitlines()[0]) == (0, "# HYP999 syntax-error, unreadable-file, internal-error")
    assert CliRunner().invoke(main, ["rule", "syntax-error"]).stdout == meta.stdout
    import lint_rules.cli.docs as docs

    monkeypatch.setattr(docs, "use_color", lambda no_color, stream: not no_color)
    rendered = CliRunner().invoke(main, ["rule", "HYP012"])
    assert "What it does" in rendered.stdout and "## What it does" not in rendered.stdout
    assert CliRunner().invoke(main, ["rule", "HYP012", "--no-color"]).stdout == plain.stdout


def test_usage_errors_have_the_one_error_style() -> None:
    for args, message in (
        (["check", "--bogus"], "No such option '--bogus'. Did you mean '--jobs'? (see `hyperion-lint check --help`)"),
        (["nosuch"], "No such command 'nosuch'. (see `hyperion-lint --help`)"),
    ):
        result = CliRunner().invoke(main, args)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"hyperion-lint: error: {message}\n")


def test_color_always_never_and_force_color(project, monkeypatch) -> None:
    project({"app/modules/demo/endpoints_demo.py": '@module.router.get("/demo/items")\nasync def read_items(): ...\n'})
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    plain = CliRunner().invoke(main, ["check", "--select", "HYP012"])
    assert "\x1b[" not in plain.stdout, "not a terminal: no color"
    always = CliRunner().invoke(main, ["check", "--select", "HYP012", "--color", "always"])
    assert "\x1b[" in always.stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" in CliRunner().invoke(main, ["check", "--select", "HYP012"]).stdout
    assert "\x1b[" not in CliRunner().invoke(main, ["check", "--select", "HYP012", "--color", "never"]).stdout
    assert "\x1b[" not in CliRunner().invoke(main, ["check", "--select", "HYP012", "--no-color"]).stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in CliRunner().invoke(main, ["check", "--select", "HYP012"]).stdout
    assert "\x1b[" in CliRunner().invoke(main, ["rule", "HYP012", "--color", "always"]).stdout


def test_a_message_names_files_as_its_header_does(monkeypatch) -> None:
    """Run from the repository root, the sample's paths start with fixtures/sample/: so do
    the places a message names."""
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "HYP004", "--output-format", "concise", "fixtures/sample"])
    (line,) = result.stdout.splitlines()[:-1]
    assert line.startswith("fixtures/sample/app/core/rooms/permissions_rooms.py:4:1: HYP004 ")
    assert line.endswith("to `module = CoreModule(...)` (fixtures/sample/app/core/rooms/endpoints_rooms.py:15)")


def test_a_dedicated_config_file_names_its_own_tables(project) -> None:
    root = project({"app/modules/demo/endpoints_demo.py": "x = 1\n"})
    (root / "lint.toml").write_text("[rules.HYP020]\nno-such-option = 1\n[rules.HYP777]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", "lint.toml"])
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert errors[0].startswith("hyperion-lint: error: lint.toml [rules.HYP020]: unknown option 'no-such-option'")
    assert errors[1].startswith("hyperion-lint: error: lint.toml [rules.HYP777]: unknown rule code 'HYP777'")
    assert "tool.hyperion-lint" not in result.stderr


def test_every_path_of_a_config_file_is_relative_to_its_folder(tmp_path, monkeypatch) -> None:
    """--config outside the project: extend-exclude and per-file-ignores both read their
    paths from the config file's folder (per-file-ignores used the project root)."""
    route = '@module.router.get("/demo/items")\nasync def read_items(): ...\n'
    for name in ("endpoints_demo.py", "endpoints_other.py", "endpoints_third.py"):
        path = tmp_path / "proj" / "app" / "modules" / "demo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(route, encoding="utf-8")
    (tmp_path / "lint.toml").write_text(
        'select = ["HYP012"]\n'
        'extend-exclude = ["proj/app/modules/demo/endpoints_other.py"]\n'
        '[per-file-ignores]\n"proj/app/modules/demo/endpoints_demo.py" = ["HYP012"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--config", "lint.toml", "--output-format", "concise", "proj"])
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == ["proj/app/modules/demo/endpoints_third.py"]
    monkeypatch.chdir(tmp_path / "proj")
    again = CliRunner().invoke(main, ["check", "--no-cache", "--config", "../lint.toml", "--output-format", "concise", "."])
    assert [line.split(":")[0] for line in again.stdout.splitlines()[:-1]] == ["app/modules/demo/endpoints_third.py"]


def test_show_settings_and_show_files(project) -> None:
    project(
        {"app/modules/demo/endpoints_demo.py": "x = 1\n", "app/modules/demo/cruds_demo.py": "x = 1\n"},
        pyproject="""
        [tool.hyperion-lint]
        select = ["HYP012", "HYP042"]
        per-file-ignores = { "app/modules/demo/cruds_*" = ["HYP042"] }
        [tool.hyperion-lint.rules.HYP020]
        db-dependencies = ["get_session"]
        """,
    )
    settings = CliRunner().invoke(main, ["check", "--no-cache", "--show-settings"])
    assert settings.exit_code == 0
    lines = settings.stdout.splitlines()
    assert lines[0].startswith("Configuration file: ") and lines[0].endswith("pyproject.toml ([tool.hyperion-lint])")
    assert "Rules enabled (2): HYP012, HYP042" in lines
    assert "  app/modules/demo/cruds_*: HYP042" in lines
    assert '  HYP020 db-dependencies = ["get_session"]' in lines
    assert "Cache: off" in lines and lines[-1] == ".: 2 files to check"
    files = CliRunner().invoke(main, ["check", "--show-files"])
    assert (files.exit_code, files.stdout.splitlines()) == (
        0,
        ["app/modules/demo/cruds_demo.py: (no rule applies here: only read and parsed)", "app/modules/demo/endpoints_demo.py: HYP012, HYP042"],
    )


def test_a_file_without_module_gets_no_help_about_moving_one(project) -> None:
    project({"app/modules/demo/endpoints_demo.py": "x = 1\n"})
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "HYP001", "."])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "app/modules/demo/endpoints_demo.py",
        "  1:1  HYP001 This endpoints file declares no module, so the app loader skips it; add "
        "`module = Module(root=..., tag=..., factory=...)` after the imports, before every route",
        "",
    ]
