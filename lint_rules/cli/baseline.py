"""``hyperion-lint baseline``: record today's findings so that ``check`` shows only new ones."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import click

from lint_rules.cli.common import EXIT_ERROR, configured, fail, has_internal_error, open_cache, selection_options, warn
from lint_rules.engine.baseline import DEFAULT_NAME, Baseline, Filtered
from lint_rules.engine.config import Config, ConfigError
from lint_rules.model import FileResult
from lint_rules.cli.progress import ProgressDisplay, wanted
from lint_rules.engine.runner import Linter, default_jobs
from lint_rules.model import INTERNAL_ERROR, META_CODE


def baseline_path(config: Config, given: Path | None) -> Path:
    if given is not None:
        return given
    return config.baseline or config.root / DEFAULT_NAME


def _relative(config: Config, display: str) -> str:
    absolute = Path(display).absolute()
    try:
        return absolute.relative_to(config.root).as_posix()
    except ValueError:
        return absolute.as_posix()


def _scope(linter: Linter, results: Sequence[FileResult]) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Baseline path of each result, and the codes this run really checked in each file:
    none in a file that could not be read or parsed (its entries are kept as they are,
    neither matched nor stale), and not the rules that failed on it."""
    relative = {r.path: _relative(linter.config, r.path) for r in results}
    linted = {}
    for result in results:
        path = Path(result.path)
        if not_analysed(result):
            linted[relative[result.path]] = frozenset()
            continue
        codes = {code for code, _ in linter.codes_for(linter.relative(path), linter.project_root(path))}
        failed = {m.group(1) for f in result.findings if f.name == INTERNAL_ERROR and (m := _FAILED.search(f.message))}
        linted[relative[result.path]] = frozenset(codes - failed)
    return relative, linted


_FAILED = re.compile(r"\b(HYP\d{3})\b")


def not_analysed(result: FileResult) -> bool:
    """The file could not be read or parsed: no rule judged it."""
    return any(f.code == META_CODE and f.name != INTERNAL_ERROR for f in result.findings)


def apply_baseline(
    linter: Linter, results: list[FileResult], given: Path | None, disabled: bool
) -> tuple[list[FileResult], list[str]]:
    """Hide the findings the baseline knows; return the results and lines for the summary."""
    if disabled:
        return results, []
    path = baseline_path(linter.config, given)
    if not path.exists():
        if given is not None:
            raise ConfigError(f"baseline file not found: {given}")
        return results, []
    relative, linted = _scope(linter, results)
    filtered: Filtered = Baseline.load(path).filter(results, relative, linted)
    notes = []
    if filtered.hidden:
        notes.append(f"{filtered.hidden} known finding{'s' if filtered.hidden != 1 else ''} hidden by the baseline {_show(path)}.")
    if filtered.stale:
        count = len(filtered.stale)
        notes.append(
            f"{count} baseline entr{'ies' if count != 1 else 'y'} no longer match{'' if count != 1 else 'es'} a finding (fixed?): "
            "run `hyperion-lint baseline --update` to remove them."
        )
    kept = _kept_unanalysed(path, results, relative)
    if kept:
        notes.append(kept)
    return filtered.results, notes


def _kept_unanalysed(path: Path, results: Sequence[FileResult], relative: dict[str, str]) -> str | None:
    """The note on the entries of files this run could not analyse: kept, not judged."""
    broken = {relative[r.path] for r in results if not_analysed(r)}
    count = sum(n for key, n in Baseline.load(path).entries.items() if key.path in broken)
    if not count:
        return None
    return (
        f"{count} baseline entr{'ies' if count != 1 else 'y'} of {len(broken)} file{'s' if len(broken) != 1 else ''} "
        "that could not be analysed (see HYP999) are kept as they are: they are judged again once the file parses."
    )


def _show(path: Path) -> str:
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@selection_options
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help=f"The baseline file (default: {DEFAULT_NAME} at the project root, or `baseline` in the config).")
@click.option("--update", is_flag=True, help="Only remove entries whose finding is gone; never add one.")
@click.option("--add", is_flag=True, help="With --update, also add the findings the baseline does not know yet.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache: analyse every file again.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), metavar="DIR", help="Keep the cache in DIR (default: .hyperion_lint_cache beside the configuration).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N", help="Analyse files in N processes at once (default: one per CPU).")
def baseline(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    baseline_file: Path | None,
    update: bool,
    add: bool,
    no_cache: bool,
    cache_dir: Path | None,
    jobs: int | None,
) -> None:
    """Write the current findings of PATHS to the baseline file; `check` then hides them.

    Entries are keyed by rule, file, enclosing function or class, and the offending code,
    not by line, so moving code keeps them. Entries of files not linted this time are kept.
    """
    if add and not update:
        fail("--add goes with --update (`baseline --update --add`); `baseline` alone already records every finding")
    try:
        cache = open_cache(no_cache, cache_dir, config_file, list(paths))
        config = configured(config_file, list(paths), select, extend_select, ignore)
        linter = Linter(config, cache=cache, jobs=jobs or default_jobs())
        with ProgressDisplay(wanted(False, False)) as display:
            linter.progress = display
            results = linter.lint_paths(list(paths) or [Path(".")])
        target = baseline_path(config, baseline_file)
        existing = Baseline.load(target) if target.exists() else None
    except ConfigError as error:
        fail(str(error))
    if cache is not None and cache.problem is not None:
        warn(f"{cache.problem}; the next run will analyse every file again")
    if has_internal_error(results):
        fail("a rule failed (see `hyperion-lint check`); the baseline was not written")
    relative, linted = _scope(linter, results)
    # A file that cannot be read or parsed is always reported: never baselined.
    current = Baseline.from_findings((f, relative[r.path]) for r in results for f in r.findings if f.code != META_CODE)
    if update or add:
        if existing is None:
            fail(f"no baseline to update at {_show(target)}; create it with `hyperion-lint baseline`")
        new = existing.updated(current, linted, add=add)
    else:
        # Entries of the files and rules this run did not check are kept as they were.
        kept = (existing or Baseline()).updated(Baseline(), linted, add=False)
        new = kept.updated(current, {}, add=True)
    before = sum((existing or Baseline()).entries.values())
    after = sum(new.entries.values())
    try:
        new.save(target)
    except OSError as error:
        click.echo(f"hyperion-lint: error: cannot write {_show(target)}: {error.strerror}", err=True)
        raise SystemExit(EXIT_ERROR) from None
    removed = sum(((existing or Baseline()).entries - new.entries).values())
    added = sum((new.entries - (existing or Baseline()).entries).values())
    click.echo(
        f"Wrote {after} entr{'ies' if after != 1 else 'y'} to {_show(target)} "
        f"({added} added, {removed} removed; {before} before)."
    )
