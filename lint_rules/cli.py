"""The command line: ``hyperion-lint check``, ``rule``, ``rules``.

Exit codes: 0 no finding, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import click

from lint_rules import __version__
from lint_rules.engine.config import Config, ConfigError, find_config, load_config
from lint_rules.engine.registry import all_rules, rule_by_name_or_code
from lint_rules.engine.files import decode, has_bom
from lint_rules.engine.fixer import FixOutcome, write_atomically
from lint_rules.engine.linter import FileResult
from lint_rules.engine.runner import Linter
from lint_rules.model import INTERNAL_ERROR, Finding
from lint_rules.output import FORMATS, Report, renderer
from lint_rules.output.report import summary_line

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    for line in message.splitlines() or [message]:
        click.echo(f"hyperion-lint: error: {line}", err=True)
    sys.exit(EXIT_ERROR)


def _codes(values: Sequence[str]) -> list[str]:
    """``--select HYP010,HYP011 --select HYP02`` -> three selectors."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _use_color(no_color: bool, stream: TextIO) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _load(config_file: Path | None, paths: Sequence[Path]) -> Config:
    if config_file is not None:
        return load_config(config_file, default_root=config_file.absolute().parent)
    anchors = [p.absolute() for p in paths] or [Path.cwd()]
    try:
        start = Path(os.path.commonpath(anchors))
    except ValueError:
        start = Path.cwd()
    found = find_config(start)
    root = found.parent.absolute() if found is not None else Path.cwd()
    return load_config(found, default_root=root)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="hyperion-lint")
def main() -> None:
    """A linter and architecture checker for Hyperion, the FastAPI back end of MyECL."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, metavar="CODES", help="Run only these rules (codes or prefixes, comma-separated); replaces the config's select.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Run these rules too, e.g. opt-in ones.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these rules (codes or prefixes).")
@click.option("--output-format", type=click.Choice(FORMATS), default="full", show_default=True, help="How to print findings.")
@click.option("--stdin-filename", type=click.Path(path_type=Path), metavar="NAME", help="Lint standard input as if it were the file NAME.")
@click.option("--statistics", is_flag=True, help="Print how many findings each rule gave, instead of the findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help="Read settings from FILE instead of the nearest pyproject.toml.")
@click.option("--no-color", is_flag=True, help="Do not color the output (NO_COLOR=1 does the same).")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only, no summary.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes and write the files (atomically); report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply the unsafe fixes too (read them first).")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and write nothing.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="With --fix, exit 1 when a fix was applied, even if nothing remains.")
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    stdin_filename: Path | None,
    statistics: bool,
    exit_zero: bool,
    config_file: Path | None,
    no_color: bool,
    quiet: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    exit_non_zero_on_fix: bool,
) -> None:
    """Lint PATHS (files or folders; default: the current folder)."""
    try:
        anchors = [stdin_filename] if stdin_filename is not None else list(paths)
        config = _load(config_file, anchors).merged(
            select=_codes(select) if select else None,
            extend_select=_codes(extend_select),
            ignore=_codes(ignore),
        )
        linter = Linter(config)
        if stdin_filename is not None and paths:
            raise ConfigError("give either PATHS or --stdin-filename, not both")
        if fix or diff:
            _fix(linter, list(paths) or [Path(".")], stdin_filename, unsafe_fixes, diff, exit_non_zero_on_fix, output_format, no_color, quiet)
            return
        if stdin_filename is not None:
            data = sys.stdin.buffer.read()
            results = [linter.lint_text(stdin_filename, data)]
        else:
            results = linter.lint_paths(list(paths) or [Path(".")])
    except ConfigError as error:
        _fail(str(error))
        return

    report = Report(results, files_checked=len(results))
    stream = sys.stdout
    color = _use_color(no_color, stream)
    if statistics:
        _print_statistics(report, stream, output_format)
    else:
        renderer(output_format)(report, stream, color)
    if not quiet and output_format != "json":
        click.echo(summary_line(report))

    if any(f.name == INTERNAL_ERROR for f in report.findings):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if report.findings and not exit_zero else EXIT_CLEAN)


def _fix(
    linter: Linter,
    paths: list[Path],
    stdin_filename: Path | None,
    unsafe: bool,
    diff: bool,
    exit_non_zero_on_fix: bool,
    output_format: str,
    no_color: bool,
    quiet: bool,
) -> None:
    """``--fix`` and ``--diff``: apply fixes, write or show them, report what remains."""
    if stdin_filename is not None:
        decoded = decode(sys.stdin.buffer.read(), str(stdin_filename))
        if isinstance(decoded, Finding):
            _fail(decoded.message)
            return
        outcome = linter.fix_text(stdin_filename, decoded, unsafe=unsafe)
        entries: list[tuple[Path, str | None, FixOutcome | FileResult]] = [(stdin_filename, decoded, outcome)]
    else:
        entries = linter.fix_paths(paths, unsafe=unsafe)

    results: list[FileResult] = []
    fixed = changed_files = 0
    for path, original, outcome in entries:
        if isinstance(outcome, FileResult):
            results.append(outcome)
            continue
        results.append(outcome.result)
        for dropped in outcome.dropped:
            click.echo(
                f"hyperion-lint: warning: {dropped.path}:{dropped.start.line}:{dropped.start.column}: "
                f"the {dropped.code} fix was not applied: the code would no longer parse (please report this bug)",
                err=True,
            )
        if not outcome.changed:
            continue
        fixed += len(outcome.applied)
        changed_files += 1
        assert original is not None
        if diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    original.splitlines(keepends=True),
                    outcome.source.splitlines(keepends=True),
                    fromfile=outcome.result.path,
                    tofile=outcome.result.path,
                )
            )
        elif stdin_filename is None:
            try:
                write_atomically(path, outcome.source, bom=has_bom(path))
            except OSError as error:
                _fail(f"cannot write {outcome.result.path}: {error.strerror}; the file was left as it was")

    if stdin_filename is not None and not diff:
        sys.stdout.write(entries[0][2].source if isinstance(entries[0][2], FixOutcome) else "")
    report = Report(results, files_checked=len(results))
    if diff:
        if not quiet:
            click.echo(f"Would fix {fixed} finding{'s' if fixed != 1 else ''} in {changed_files} file{'s' if changed_files != 1 else ''}.", err=True)
        sys.exit(EXIT_FINDINGS if fixed else EXIT_CLEAN)
    if stdin_filename is None:
        renderer(output_format)(report, sys.stdout, _use_color(no_color, sys.stdout))
    if not quiet:
        text = f"Fixed {fixed} finding{'s' if fixed != 1 else ''} in {changed_files} file{'s' if changed_files != 1 else ''}."
        remaining = len(report.findings)
        text += f" {remaining} remain{'s' if remaining == 1 else ''}." if remaining else " Nothing remains."
        click.echo(text, err=stdin_filename is not None or output_format == "json")
    if any(f.name == INTERNAL_ERROR for f in report.findings):
        sys.exit(EXIT_ERROR)
    if report.findings or (exit_non_zero_on_fix and fixed):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


def _print_statistics(report: Report, stream: TextIO, output_format: str) -> None:
    rows = report.statistics()
    if output_format == "json":
        import json

        json.dump(
            [{"code": c, "name": n, "count": k, "fixable": fx} for k, c, n, fx in rows],
            stream,
            indent=2,
        )
        stream.write("\n")
        return
    width = max((len(str(k)) for k, *_ in rows), default=1)
    for count, code, name, fixable in rows:
        stream.write(f"{count:>{width}}\t{code}\t{'[*] ' if fixable else '    '}{name}\n")


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Print the documentation of rule CODE (a code such as HYP010, or its name)."""
    found = rule_by_name_or_code(code)
    if found is None:
        _fail(f"unknown rule {code!r}; run `hyperion-lint rules` to list them")
        return
    from lint_rules.docs import rule_page

    click.echo(rule_page(found))


@main.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, whether it is on by default, whether it can fix."""
    rows = [("code", "name", "default", "fix")]
    for code, r in all_rules().items():
        rows.append(
            (code, r.name, "on" if r.default_enabled else "opt-in", r.fix_safety.value if r.fix_safety else "-")
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


if __name__ == "__main__":  # pragma: no cover
    main()
