"""What the commands share: exit codes, errors, configuration loading, selection flags."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from lint_rules.engine.cache import DEFAULT_DIRECTORY, Cache
from lint_rules.engine.cache_key import KeyUnavailable, key_path, load_key, tracked_by_git
from lint_rules.engine.catalog import load_cached
from lint_rules.engine.config import Config, ConfigError, find_config, load_config
from lint_rules.model import FileResult
from lint_rules.model import INTERNAL_ERROR

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> NoReturn:
    for line in message.splitlines() or [message]:
        click.echo(f"hyperion-lint: error: {line}", err=True)
    sys.exit(EXIT_ERROR)


def split_codes(values: Sequence[str]) -> list[str]:
    """``--select HYP010,HYP011 --select HYP02`` -> three selectors."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


# ``--color`` of this run: ``auto`` (a terminal, unless NO_COLOR; FORCE_COLOR forces it),
# ``always`` or ``never`` (what ``--no-color`` says too).
_color_mode = {"mode": "auto"}


def use_color(no_color: bool, stream: TextIO) -> bool:
    mode = "never" if no_color else _color_mode["mode"]
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _set_color(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    _color_mode["mode"] = value or "auto"


def color_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--color auto|always|never``, as ruff's."""
    return click.option(
        "--color",
        type=click.Choice(["auto", "always", "never"]),
        default="auto",
        expose_value=False,
        callback=_set_color,
        help="Colors: auto (a terminal; NO_COLOR and FORCE_COLOR are honoured), always or never.",
    )(command)


def locate(config_file: Path | None, paths: Sequence[Path]) -> tuple[Path | None, Path]:
    """The configuration file (given, or the nearest one above the paths) and the root
    folder relative paths in it start from."""
    if config_file is not None:
        return config_file, config_file.absolute().parent
    anchors = [p.absolute() for p in paths] or [Path.cwd()]
    try:
        start = Path(os.path.commonpath(anchors))
    except ValueError:
        start = Path.cwd()
    found = find_config(start)
    return found, found.parent.absolute() if found is not None else Path.cwd()


def load(config_file: Path | None, paths: Sequence[Path]) -> Config:
    found, root = locate(config_file, paths)
    return load_config(found, default_root=root)


def warn(message: str) -> None:
    click.echo(f"hyperion-lint: warning: {message}", err=True)


def open_cache(
    disabled: bool, directory: Path | None, config_file: Path | None, paths: Sequence[Path]
) -> Cache | None:
    """The cache (default: .hyperion_lint_cache beside the configuration), with the rules'
    catalogue read from it: a run the cache serves whole never loads the rules.

    None (said once on standard error) when this user's key can be neither read nor
    created, or when git tracks the cache folder or the key: files that came with a
    commit were written by whoever made it, so they never decide what is reported."""
    if disabled:
        return None
    root = locate(config_file, paths)[1]
    if directory is None:
        directory = root / DEFAULT_DIRECTORY
    key_file = key_path()
    try:
        key = load_key(key_file)
    except KeyUnavailable as error:
        warn(f"{error}; running without the cache")
        return None
    for what, path in (("cache folder", directory), ("cache key", key_file)):
        if (what == "cache folder" or _inside(path, root)) and tracked_by_git(path):
            warn(
                f"git tracks the {what} {path}, so what it holds came with a commit and is not trusted; "
                f"running without the cache (untrack it with `git rm -r --cached {path}`)"
            )
            return None
    cache = Cache(directory, key)
    load_cached(cache)
    return cache


def _inside(path: Path, folder: Path) -> bool:
    return path.absolute().is_relative_to(folder.absolute())


def configured(
    config_file: Path | None,
    anchors: Sequence[Path],
    select: Sequence[str],
    extend_select: Sequence[str],
    ignore: Sequence[str],
) -> Config:
    """The file's configuration with the command line's selection on top."""
    return load(config_file, anchors).merged(
        select=split_codes(select) if select else None,
        extend_select=split_codes(extend_select),
        ignore=split_codes(ignore),
    )


def selection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--select``, ``--extend-select``, ``--ignore`` and ``--config``, shared by commands."""
    options = [
        click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE", help="Read settings from FILE instead of the nearest pyproject.toml."),
        click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these rules (codes or prefixes)."),
        click.option("--extend-select", multiple=True, metavar="CODES", help="Run these rules too, e.g. opt-in ones."),
        click.option("--select", multiple=True, metavar="CODES", help="Run only these rules (codes or prefixes, comma-separated); replaces the config's select."),
    ]
    for option in options:
        command = option(command)
    return command


def has_internal_error(results: Sequence[FileResult]) -> bool:
    return any(f.name == INTERNAL_ERROR for r in results for f in r.findings)


__all__ = ["ConfigError"]
