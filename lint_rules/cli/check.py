"""``hyperion-lint check``: lint, or fix (``--fix``/``--diff``), and report."""

from __future__ import annotations

import difflib
import io
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from lint_rules.cli.baseline import apply_baseline
from lint_rules.cli.interactive import Asker
from lint_rules.cli.progress import ProgressDisplay, wanted
from lint_rules.cli.common import (
    color_option,
    warn,
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    configured,
    fail,
    has_internal_error,
    open_cache,
    selection_options,
    use_color,
)
from lint_rules.engine.config import ConfigError
from lint_rules.engine.files import declared_encoding, decode, has_bom, write_atomically
from lint_rules.engine.noqa import add_noqa
from lint_rules.engine.runner import Linter, default_jobs
from lint_rules.model import FileResult, Finding
from lint_rules.output import FORMATS, HUMAN_FORMATS, Report, renderer
from lint_rules.output.report import SAFE_MARK, mark, summary_line

if TYPE_CHECKING:
    from lint_rules.engine.fixer import FixOutcome


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@selection_options
@click.option("--output-format", type=click.Choice(FORMATS), help="How to print findings (default: full, or `output-format` from the config).")
@click.option("--output-file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help="Write the report to FILE (atomically) instead of standard output; the summary still goes to the terminal.")
@click.option("--stdin-filename", type=click.Path(path_type=Path), metavar="NAME", help="Lint standard input as if it were the file NAME.")
@click.option("--statistics", is_flag=True, help="Print how many findings each rule gave, instead of the findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@color_option
@click.option("--no-color", is_flag=True, help="Do not color the output (NO_COLOR=1 does the same).")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only, no summary.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes and write the files (atomically); report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply the unsafe fixes too (read them first).")
@click.option("--interactive", is_flag=True, help="With --fix: apply the safe fixes, and ask about each unsafe one (shown as a diff, with why it is unsafe).")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and write nothing.")
@click.option("--exit-non-zero-on-fix", is_flag=True, help="With --fix, exit 1 when a fix was applied, even if nothing remains.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help="Hide the findings this baseline file knows (default: .hyperion-lint-baseline.json at the project root, when it exists).")
@click.option("--no-baseline", is_flag=True, help="Show every finding, even those the baseline knows.")
@click.option("--add-noqa", is_flag=True, help="Add a `# noqa: CODE` comment on each line with a finding (instead of a baseline).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache: analyse every file again.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), metavar="DIR", help="Keep the cache in DIR (default: .hyperion_lint_cache beside the configuration).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N", help="Analyse files in N processes at once (default: one per CPU).")
@click.option("--show-settings", is_flag=True, help="Print the configuration in force (file, rules, options) and exit.")
@click.option("--show-files", is_flag=True, help="Print each file that would be checked, with the rules that apply to it, and exit.")
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    output_format: str | None,
    output_file: Path | None,
    stdin_filename: Path | None,
    statistics: bool,
    exit_zero: bool,
    no_color: bool,
    quiet: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    exit_non_zero_on_fix: bool,
    baseline_file: Path | None,
    no_baseline: bool,
    add_noqa: bool,
    no_cache: bool,
    cache_dir: Path | None,
    jobs: int | None,
    show_settings: bool,
    show_files: bool,
    interactive: bool,
) -> None:
    """Lint PATHS (files or folders; default: the current folder)."""
    if unsafe_fixes and not (fix or diff):
        fail("--unsafe-fixes goes with --fix (apply them) or --diff (show them); alone it changes nothing")
    if interactive and not fix:
        fail("--interactive goes with --fix: `check --fix --interactive` asks about each unsafe fix")
    if interactive and (unsafe_fixes or diff or stdin_filename is not None):
        fail("--interactive reads your answers from standard input and asks about each unsafe fix: "
             "it goes with neither --unsafe-fixes, --diff nor --stdin-filename")
    if add_noqa and (fix or diff or stdin_filename is not None):
        fail("--add-noqa writes files: it goes with neither --fix, --diff nor --stdin-filename")
    if output_file is not None and (diff or add_noqa):
        fail("--output-file writes the report; --diff and --add-noqa print none")
    asker = Asker(use_color(no_color, sys.stderr)) if interactive else None
    try:
        anchors = [stdin_filename] if stdin_filename is not None else list(paths)
        cache = open_cache(no_cache, cache_dir, config_file, anchors)
        config = configured(config_file, anchors, select, extend_select, ignore)
        linter = Linter(config, cache=cache, jobs=jobs or default_jobs())
        if show_settings or show_files:
            from lint_rules.cli.show import show_files as print_files, show_settings as print_settings

            (print_settings(linter, list(paths), cache) if show_settings else print_files(linter, list(paths)))
            sys.exit(EXIT_CLEAN)
        output_format = output_format or linter.config.output_format or "full"
        if stdin_filename is not None and paths:
            raise ConfigError("give either PATHS or --stdin-filename, not both")
        display = ProgressDisplay(
            stdin_filename is None and not interactive and wanted(_machine_on_stdout(output_format, output_file), quiet)
        )
        linter.progress = display
        with display:
            if fix or diff:
                outcome = _fix(linter, list(paths) or [Path(".")], stdin_filename, unsafe_fixes, diff, asker)
                results, notes = apply_baseline(linter, outcome.results, baseline_file, no_baseline)
            else:
                if stdin_filename is not None:
                    results = [linter.lint_text(stdin_filename, sys.stdin.buffer.read())]
                else:
                    results = linter.lint_paths(list(paths) or [Path(".")])
                results, notes = apply_baseline(linter, results, baseline_file, no_baseline)
        if stdin_filename is None and not (fix or diff) and not results and not quiet:
            warn(f"nothing to check: {linter.why_nothing(list(paths) or [Path('.')])}")
    except ConfigError as error:
        fail(str(error))
    if asker is not None and not quiet:
        click.echo(asker.summary(), err=True)
    if cache is not None and cache.problem is not None:
        click.echo(f"hyperion-lint: warning: {cache.problem}; the next run will analyse every file again", err=True)
    if add_noqa:
        _add_noqa(results, quiet)

    report = Report(results, files_checked=len(results))
    if fix or diff:
        _finish_fix(report, outcome, notes, stdin_filename, diff, exit_non_zero_on_fix, exit_zero, output_format, output_file, no_color, quiet)
    if statistics:
        _emit(lambda stream, color: _print_statistics(report, stream, output_format), output_file, no_color)
    else:
        _emit(lambda stream, color: renderer(output_format)(report, stream, color), output_file, no_color)
    if not quiet:
        # A document for machines on standard output stands alone: notes go to standard
        # error, and the summary is left out. Written to a file, it leaves the terminal free.
        machine = _machine_on_stdout(output_format, output_file)
        for line in notes if machine else [*notes, summary_line(report), *_pre_commit_hint(report)]:
            click.echo(line, err=machine)
    if has_internal_error(results):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if report.findings and not exit_zero else EXIT_CLEAN)


def _pre_commit_hint(report: Report) -> list[str]:
    """Under pre-commit (which sets PRE_COMMIT=1), how to apply the safe fixes: the
    contributor may have no hyperion-lint on PATH, so the hook's own executable is named."""
    if os.environ.get("PRE_COMMIT") != "1" or not report.fixable:
        return []
    files = sorted({f.path for f in report.findings if mark(f) == SAFE_MARK})
    quoted = " ".join(shlex.quote(f) for f in files)
    executable = shlex.quote(str(Path(sys.argv[0]).absolute())) if sys.argv and sys.argv[0] else "hyperion-lint"
    return [
        f"Apply the {report.fixable} fix{'es' if report.fixable != 1 else ''} marked [*] with "
        f"`pre-commit run hyperion-lint-fix --files {quoted}` (with that hook in .pre-commit-config.yaml), "
        f"or `{executable} check --fix {quoted}`."
    ]


def _machine_on_stdout(output_format: str, output_file: Path | None) -> bool:
    return output_file is None and output_format not in HUMAN_FORMATS


def _emit(draw: Callable[[TextIO, bool], None], output_file: Path | None, no_color: bool) -> None:
    """Draw the report on standard output, or into ``output_file`` (without colors)."""
    if output_file is None:
        draw(sys.stdout, use_color(no_color, sys.stdout))
        return
    buffer = io.StringIO()
    draw(buffer, False)
    try:
        _write_report(output_file, buffer.getvalue())
    except OSError as error:
        fail(f"cannot write the report to {output_file}: {error.strerror}")


def _write_report(path: Path, text: str) -> None:
    """Write atomically, creating the folder if needed: a reader sees the old report or the
    new one, never half of one. A new file gets the usual permissions (umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        write_atomically(path, text)
        return
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _add_noqa(results: list[FileResult], quiet: bool) -> None:
    """Write the noqa comments, then exit: 0 when every finding is now suppressed."""
    lines = files = 0
    for result in results:
        if result.source is None or not result.findings:
            continue
        text, changed = add_noqa(result.source, result.findings)
        if not changed:
            continue
        path = Path(result.path)
        try:
            write_atomically(path, text, bom=has_bom(path), encoding=declared_encoding(text))
        except OSError as error:
            fail(f"cannot write {result.path}: {error.strerror}; the file was left as it was")
        except UnicodeEncodeError as error:
            fail(f"cannot write {result.path} in {error.encoding}, the encoding it declares; the file was left as it was")
        lines += changed
        files += 1
    if not quiet:
        click.echo(f"Added noqa comments to {_plural(lines, 'line')} in {_plural(files, 'file')}.")
    sys.exit(EXIT_CLEAN)


class _FixRun:
    def __init__(self) -> None:
        self.results: list[FileResult] = []
        self.fixed = 0
        self.changed_files = 0
        self.fixed_source: str | None = None


def _fix(
    linter: Linter, paths: list[Path], stdin_filename: Path | None, unsafe: bool, diff: bool, asker: Asker | None = None
) -> _FixRun:
    """``--fix`` and ``--diff``: apply fixes; write them, or print them as a diff."""
    if stdin_filename is not None:
        decoded = decode(sys.stdin.buffer.read(), str(stdin_filename))
        if isinstance(decoded, Finding):
            raise ConfigError(decoded.message)
        entries: list[tuple[Path, str | None, FixOutcome | FileResult]] = [
            (stdin_filename, decoded, linter.fix_text(stdin_filename, decoded, unsafe=unsafe))
        ]
    else:
        entries = linter.fix_paths(paths, unsafe=unsafe, decide=asker)
    run = _FixRun()
    for path, original, outcome in entries:
        if isinstance(outcome, FileResult):
            run.results.append(outcome)
            continue
        run.results.append(outcome.result)
        run.fixed_source = outcome.source
        for dropped in outcome.dropped:
            click.echo(
                f"hyperion-lint: warning: {dropped.path}:{dropped.start.line}:{dropped.start.column}: "
                f"the {dropped.code} fix was not applied: the code would no longer parse (please report this bug)",
                err=True,
            )
        if not outcome.changed:
            continue
        run.fixed += len(outcome.applied)
        run.changed_files += 1
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
                write_atomically(path, outcome.source, bom=has_bom(path), encoding=declared_encoding(outcome.source))
            except OSError as error:
                fail(f"cannot write {outcome.result.path}: {error.strerror}; the file was left as it was")
            except UnicodeEncodeError as error:
                fail(
                    f"cannot write {outcome.result.path} in {error.encoding}, the encoding it declares; "
                    "the file was left as it was"
                )
    return run


def _finish_fix(
    report: Report,
    run: _FixRun,
    notes: list[str],
    stdin_filename: Path | None,
    diff: bool,
    exit_non_zero_on_fix: bool,
    exit_zero: bool,
    output_format: str,
    output_file: Path | None,
    no_color: bool,
    quiet: bool,
) -> None:
    fixed = f"{_plural(run.fixed, 'finding')} in {_plural(run.changed_files, 'file')}"
    if diff:
        if not quiet:
            click.echo(f"Would fix {fixed}.", err=True)
        sys.exit(EXIT_FINDINGS if run.fixed and not exit_zero else EXIT_CLEAN)
    if stdin_filename is not None:
        sys.stdout.write(run.fixed_source or "")
    if stdin_filename is None or output_file is not None:
        _emit(lambda stream, color: renderer(output_format)(report, stream, color), output_file, no_color)
    if not quiet:
        remaining = len(report.findings)
        text = f"Fixed {fixed}." + (f" {remaining} remain{'s' if remaining == 1 else ''}." if remaining else " Nothing remains.")
        for line in [*notes, text]:
            click.echo(line, err=stdin_filename is not None or _machine_on_stdout(output_format, output_file))
    if has_internal_error(report.results):
        sys.exit(EXIT_ERROR)
    if exit_zero:  # as ruff: it wins over --exit-non-zero-on-fix
        sys.exit(EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if report.findings or (exit_non_zero_on_fix and run.fixed) else EXIT_CLEAN)


def _print_statistics(report: Report, stream: TextIO, output_format: str) -> None:
    rows = report.statistics()
    if output_format == "json":
        json.dump(
            [
                {"code": c, "name": n, "count": k, "fixable": bool(fx), "fix": {"[*]": "safe", "[-]": "unsafe"}.get(fx)}
                for k, c, n, fx in rows
            ],
            stream,
            indent=2,
        )
        stream.write("\n")
        return
    width = max((len(str(k)) for k, *_ in rows), default=1)
    for count, code, name, fixable in rows:
        stream.write(f"{count:>{width}}\t{code}\t{fixable + ' ' if fixable else '    '}{name}\n")
