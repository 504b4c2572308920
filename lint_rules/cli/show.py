"""``check --show-settings`` and ``check --show-files``: which configuration is in force,
and which files would be checked with which rules (as ruff's flags of the same names)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from lint_rules.engine.cache import Cache
from lint_rules.engine.paths import display_path
from lint_rules.engine.runner import Linter


def show_settings(linter: Linter, paths: Sequence[Path], cache: Cache | None) -> None:
    config = linter.config
    if config.source is not None:
        where = f"{config.source} ([tool.hyperion-lint])" if config.source.name == "pyproject.toml" else str(config.source)
    else:
        where = "none found: the defaults"
    lines = [
        f"Configuration file: {where}",
        f"Paths in it are relative to: {config.root}",
        f"Project root: {config.project_root or 'found from the files (the folder that holds app/modules or app/core)'}",
        f"Rules enabled ({len(linter.enabled)}): {', '.join(r.code for r in linter.enabled)}",
    ]
    if config.per_file_ignores:
        lines.append("Per-file ignores:")
        lines += [f"  {pattern}: {', '.join(codes)}" for pattern, codes in config.per_file_ignores.items()]
    if config.rule_options:
        lines.append("Rule options:")
        for code, options in sorted(config.rule_options.items()):
            lines += [f"  {code} {name} = {json.dumps(value)}" for name, value in sorted(options.items())]
    lines += [
        f"Exclude: {', '.join(config.exclude)}" + (f"; extend-exclude: {', '.join(config.extend_exclude)}" if config.extend_exclude else ""),
        f"Output format: {config.output_format or 'full (default)'}",
        f"Line length for fixes: {config.line_length}",
        f"Baseline: {config.baseline or config.root / '.hyperion-lint-baseline.json'}",
        f"Cache: {cache.directory if cache is not None else 'off'}",
    ]
    for path in paths or [Path(".")]:
        files = linter.collect([path])
        lines.append(f"{path}: {len(files)} file{'s' if len(files) != 1 else ''} to check")
    click.echo("\n".join(lines))


def show_files(linter: Linter, paths: Sequence[Path]) -> None:
    """Every file that would be checked, and the rules that apply to it."""
    for path in linter.collect(list(paths) or [Path(".")]):
        codes = [code for code, _ in linter.codes_for(linter.relative(path), linter.project_root(path))]
        click.echo(f"{display_path(path)}: {', '.join(codes) or '(no rule applies here: only read and parsed)'}")
