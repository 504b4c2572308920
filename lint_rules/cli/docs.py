"""``hyperion-lint rule CODE`` and ``hyperion-lint rules``."""

from __future__ import annotations

import click

import sys

from lint_rules.cli.common import color_option, fail, use_color

# The rules are loaded (with LibCST) only when these commands run, not by every command.


@click.command()
@click.argument("code")
@color_option
@click.option("--no-color", is_flag=True, help="Print plain markdown, even on a terminal.")
def rule(code: str, no_color: bool) -> None:
    """Print the documentation of rule CODE (a code such as HYP010, or its name): rendered
    on a terminal, markdown otherwise."""
    from lint_rules.docs import meta_page, rule_page
    from lint_rules.engine.registry import rule_by_name_or_code
    from lint_rules.model import INTERNAL_ERROR, META_CODE, SYNTAX_ERROR, UNREADABLE_FILE

    if code.upper() == META_CODE or code in (SYNTAX_ERROR, UNREADABLE_FILE, INTERNAL_ERROR):
        page = meta_page()
    else:
        found = rule_by_name_or_code(code)
        if found is None:
            fail(f"unknown rule {code!r}; run `hyperion-lint rules` to list them")
        page = rule_page(found)
    if use_color(no_color, sys.stdout):
        from rich.console import Console
        from rich.markdown import Markdown

        Console(force_terminal=True).print(Markdown(page))
        return
    click.echo(page)


@click.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, whether it is on by default, whether it can fix."""
    from lint_rules.engine.registry import all_rules

    rows = [("code", "name", "default", "fix")]
    for code, r in all_rules().items():
        rows.append(
            (code, r.name, "on" if r.default_enabled else "opt-in", r.fix_safety.value if r.fix_safety else "-")
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
