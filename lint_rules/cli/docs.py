"""``hyperion-lint rule CODE`` and ``hyperion-lint rules``."""

from __future__ import annotations

import click

from lint_rules.cli.common import fail

# The rules are loaded (with LibCST) only when these commands run, not by every command.


@click.command()
@click.argument("code")
def rule(code: str) -> None:
    """Print the documentation of rule CODE (a code such as HYP010, or its name)."""
    from lint_rules.docs import rule_page
    from lint_rules.engine.registry import rule_by_name_or_code

    found = rule_by_name_or_code(code)
    if found is None:
        fail(f"unknown rule {code!r}; run `hyperion-lint rules` to list them")
    click.echo(rule_page(found))


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
