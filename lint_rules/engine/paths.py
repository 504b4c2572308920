"""Paths as the rules and the user see them, and which rules apply to a path.

Strings, not pathlib, and computed once per folder or pattern: these run for every file
of every run, warm ones included.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import os
import re
from collections.abc import Callable
from pathlib import Path

from lint_rules.model import FileResult

MODULE_AREAS = ("modules", "core")


def hyperion_root(path: Path) -> Path | None:
    """The folder holding ``app/`` for a file of ``app/modules/...`` or ``app/core/...``."""
    return _root_of_folder(os.path.dirname(absolute_path(path)))


@functools.lru_cache(maxsize=4096)
def _root_of_folder(folder: str) -> Path | None:
    # Strings, and once per folder: this runs for every file of every run.
    parts = folder.split(os.sep)
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] == "app" and i + 1 < len(parts) and parts[i + 1] in MODULE_AREAS:
            return Path(os.sep.join(parts[:i]) or os.sep)
    current = folder
    while True:
        parent = os.path.dirname(current)
        if parent == current:
            return None
        if os.path.basename(current) == "app" and os.path.isdir(current):
            return Path(parent)
        current = parent


@functools.cache
def pattern_matcher(patterns: tuple[str, ...]) -> Callable[[str, str], bool]:
    """Whether a file (project-relative path, name) matches one of ``patterns``, compiled
    once: it runs for every file. A pattern with a ``/`` matches the project-relative path
    (``app/modules/*/*.py``); one without matches the file name (``endpoints_*.py``)."""
    names = [fnmatch.translate(p) for p in patterns if "/" not in p]
    paths = [fnmatch.translate(p) for p in patterns if "/" in p]
    name_match = re.compile("|".join(names)).match if names else None
    path_match = re.compile("|".join(paths)).match if paths else None

    def matches(relative_path: str, name: str) -> bool:
        return bool(
            (name_match is not None and name_match(name))
            or (path_match is not None and path_match(relative_path))
        )

    return matches


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, else absolute; POSIX below it."""
    absolute = absolute_path(path)
    below = below_folder(absolute, os.getcwd())
    return posix_path(below) if below is not None else absolute


# Paths as strings: these run for every file of every run, where pathlib costs.
def absolute_path(path: Path | str) -> str:
    text = os.fspath(path)
    return text if os.path.isabs(text) else os.path.abspath(text)


def below_folder(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` when it lies below it (both absolute), else None."""
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    return path[len(prefix) :] if path.startswith(prefix) else None


def posix_path(path: str) -> str:
    return path if os.sep == "/" else path.replace(os.sep, "/")


# A project-relative place in a message: ``app/modules/x/endpoints_x.py:15``.
_PLACE = re.compile(r"(?<![\w./-])(app/[\w./-]+\.py)(?=:\d|`)")


def with_display(result: FileResult, display: str, source: str, root: Path) -> FileResult:
    """Findings name files as the user sees them: relative to the working directory.
    Rules and facts speak of project-relative paths: ``related`` places, and the places a
    message names (``(app/core/rooms/endpoints_rooms.py:15)``, ``move it to `app/...```), which get the same prefix
    as the finding's own path, so that one finding speaks of files one way."""
    result.source = source
    findings = []
    for finding in result.findings:
        if "app/" in finding.message:
            message = _PLACE.sub(lambda m: display_path(root / m.group(1)), finding.message)
            if message != finding.message:
                finding = dataclasses.replace(finding, message=message)
        if finding.related:
            related = tuple(
                dataclasses.replace(r, path=display_path(root / r.path)) for r in finding.related
            )
            finding = dataclasses.replace(finding, related=related)
        if finding.path != display:
            finding = dataclasses.replace(finding, path=display)
        findings.append(finding)
    result.findings = findings
    result.path = display
    return result
