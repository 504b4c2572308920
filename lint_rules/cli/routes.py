"""``hyperion-lint routes``: every route of the API and who may call it; the access snapshot."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from lint_rules.cli.check import _write_report
from lint_rules.cli.common import (
    EXIT_FINDINGS,
    color_option,
    configured,
    fail,
    open_cache,
    use_color,
)
from lint_rules.engine.config import ConfigError
from lint_rules.engine.runner import Linter

if TYPE_CHECKING:  # loaded (with LibCST) when the command runs: a warm `check` never pays for them
    from lint_rules.engine.routes_report import RouteEntry

FORMATS = ("table", "json", "markdown", "csv")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--output-format", type=click.Choice(FORMATS), default="table", show_default=True, help="table: grouped by module (a rich table on a terminal).")
@click.option("--public", is_flag=True, help="Only the routes anyone may call (those HYP022 reports).")
@click.option("--module", "module", metavar="NAME", help="Only the routes of module NAME (its folder or its root).")
@click.option("--permission", metavar="NAME", help="Only the routes that ask for permission NAME (`CdrPermissions.manage_cdr`, `manage_cdr`, or a class).")
@click.option("--output-file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help="Write the list to FILE (atomically) instead of standard output.")
@click.option("--snapshot", "snapshot_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help="Write the access snapshot of every route to FILE (sorted, one route a line).")
@click.option("--check", "check_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help="Compare the routes with the snapshot in FILE: exit 1 and one line per change when a route appeared, disappeared or changed its access.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help="Read settings from FILE instead of the nearest pyproject.toml.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@color_option
@click.option("--no-color", is_flag=True, help="Print without colors.")
def routes(
    paths: tuple[Path, ...],
    output_format: str,
    public: bool,
    module: str | None,
    permission: str | None,
    output_file: Path | None,
    snapshot_file: Path | None,
    check_file: Path | None,
    config_file: Path | None,
    no_cache: bool,
    no_color: bool,
) -> None:
    """List every route of the project at PATHS (default: the current folder), HTTP routes
    and websockets, one line per method: full path, handler and its place, module, status
    code, response model, summary, and who may call it (public, authenticated, group,
    permission, account types, module dependency, or unknown: what cannot be followed,
    with its place). PATHS inside the project keep the routes of those files.

    With --snapshot FILE, write who may call each route to FILE for the repository; with
    --check FILE (in CI or the `hyperion-lint-routes` pre-commit hook), fail with one
    line per route that appeared, disappeared or changed its access since. Moving code,
    reformatting or reordering files changes nothing there."""
    from lint_rules.engine.routes_report import filtered, route_entries, under
    from lint_rules.engine.routes_snapshot import snapshot_of, snapshot_text


    snapshotting = snapshot_file is not None or check_file is not None
    if snapshot_file is not None and check_file is not None:
        fail("--snapshot writes the snapshot and --check compares with one: give one of them")
    if snapshotting and (public or module or permission or output_file or output_format != "table"):
        fail("the snapshot holds every route: --snapshot and --check take no filter, --output-file or --output-format")
    anchors = list(paths) or [Path(".")]
    try:
        cache = open_cache(no_cache, None, config_file, anchors)  # first: it holds the rules' catalogue
        linter = Linter(configured(config_file, anchors, (), (), ()), cache=cache)
        root, entries = route_entries(linter, anchors[0])
        if snapshotting:
            if any(p.absolute() != root.absolute() for p in paths):
                fail(f"the snapshot holds every route of the project: give its root ({root}) or no path")
        elif paths:
            entries = under(entries, root, paths)
        entries = filtered(entries, public=public, module=module, permission=permission)
    except ConfigError as error:
        fail(str(error))
    if snapshot_file is not None:
        _write(snapshot_file, snapshot_text(snapshot_of(entries)), "the snapshot")
        click.echo(f"Wrote who may call the {_routes(len(entries))} to {snapshot_file}.")
    elif check_file is not None:
        _check(check_file, entries)
    else:
        _list(entries, output_format, output_file, no_color)


def _routes(count: int) -> str:
    return f"{count} route{'s' if count != 1 else ''}"


def _write(path: Path, text: str, what: str) -> None:
    try:
        _write_report(path, text)
    except OSError as error:
        fail(f"cannot write {what} to {path}: {error.strerror or error}")


def _check(path: Path, entries: list[RouteEntry]) -> None:
    from lint_rules.engine.routes_snapshot import (
        SnapshotError,
        changes,
        parse_snapshot,
        snapshot_of,
    )


    again = f"write it with `hyperion-lint routes --snapshot {path}`"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"no snapshot at {path}; {again}")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read the snapshot {path}: {getattr(error, 'strerror', None) or error}; {again}")
    try:
        recorded = parse_snapshot(text)
    except SnapshotError as error:
        fail(f"{path} is not a routes snapshot: {error}; {again}")
    found = changes(recorded, snapshot_of(entries))
    if not found:
        click.echo(f"Who may call the {_routes(len(entries))} is what {path} records.")
        return
    for line in found:
        click.echo(line)
    click.echo(
        f"hyperion-lint: {len(found)} route{'s' if len(found) != 1 else ''} changed since {path}; "
        f"once reviewed, record {'them' if len(found) != 1 else 'it'} with `hyperion-lint routes --snapshot {path}`",
        err=True,
    )
    sys.exit(EXIT_FINDINGS)


def _list(entries: list[RouteEntry], output_format: str, output_file: Path | None, no_color: bool) -> None:
    from lint_rules.output.routes import RENDERERS, render_rich, render_text


    draw: Callable[[list[RouteEntry], TextIO], None]
    if output_format != "table":
        draw = RENDERERS[output_format]
    elif output_file is None and use_color(no_color, sys.stdout):
        draw = render_rich
    else:
        draw = render_text
    if output_file is None:
        draw(entries, sys.stdout)
        return
    buffer = io.StringIO()
    draw(entries, buffer)
    _write(output_file, buffer.getvalue(), "the routes")
