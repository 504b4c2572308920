"""``hyperion-lint project``: what the linter believes about a project, and why."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from lint_rules.cli.common import color_option, configured, fail, open_cache, selection_options, use_color
from lint_rules.engine.config import ConfigError
from lint_rules.engine.project_report import beliefs
from lint_rules.engine.runner import Linter


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=True), default=Path("."))
@click.option("--output-format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@color_option
@click.option("--no-color", is_flag=True, help="Print without colors.")
@selection_options
def project(
    path: Path,
    output_format: str,
    no_cache: bool,
    no_color: bool,
    config_file: Path | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
) -> None:
    """Show the facts about the project at PATH that rules follow (what `get_db` does,
    the ORM user class, the module API, how routers reach the app...), each with the
    file and line it was read from, or "default" where the tree lacks that file and
    today's Hyperion is assumed."""
    try:
        config = configured(config_file, [path], select, extend_select, ignore)
        linter = Linter(config, cache=open_cache(no_cache, None, config_file, [path]))
        root, rows = beliefs(linter, path)
    except ConfigError as error:
        fail(str(error))
    if output_format == "json":
        document = {
            "root": str(root),
            "facts": [
                {"fact": r.key, "description": r.label, "value": r.value, "source": r.source, "detail": r.detail}
                for r in rows
            ],
        }
        click.echo(json.dumps(document, indent=2))
        return
    if use_color(no_color, sys.stdout):
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"What hyperion-lint reads from {root}", title_justify="left")
        for column in ("fact", "value", "read from"):
            table.add_column(column, overflow="fold")
        for r in rows:
            where = r.source or "[dim]default: today's Hyperion[/dim]"
            table.add_row(r.label, r.value, where + (f" [dim]({r.detail})[/dim]" if r.detail else ""))
        Console(force_terminal=True).print(table)
        return
    click.echo(f"What hyperion-lint reads from {root}:")
    for r in rows:
        where = r.source or "default: today's Hyperion"
        click.echo(f"  {r.label}: {r.value}  [{where}{f'; {r.detail}' if r.detail else ''}]")
