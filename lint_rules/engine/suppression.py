"""Suppression comments: ``# noqa: HYP010, HYP011`` and ``# hyperion-lint: ignore[HYP010]``.

A suppression applies to findings that start on its line. ``# noqa`` with no codes
suppresses every finding on the line, as in ruff and flake8. Codes of other tools
(``# noqa: S311, HYP010``) are allowed beside ours and left alone.
"""

from __future__ import annotations

import re

from lint_rules.model import Suppression

# ``# noqa``, ``# noqa: A1, B2``, ``#noqa:A1 B2`` (flake8 and ruff accept all of these).
_NOQA = re.compile(
    r"#\s*noqa(?P<sep>\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_IGNORE = re.compile(r"#\s*hyperion-lint\s*:\s*ignore\[(?P<codes>[^\]]*)\]")
_CODE_SPLIT = re.compile(r"[\s,]+")
# Python ends a line at \r\n, \r or \n only: a form feed, \v, \x1c-\x1e, \x85 or \u2028
# inside a line (which str.splitlines() would split at) does not start a new one.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(source: str, *, keepends: bool = False) -> list[str]:
    """The lines of a Python file, numbered as Python, LibCST and the positions of findings
    number them (``source.splitlines()`` does not: it splits at form feeds too)."""
    if keepends:
        return _LINE.findall(source)
    lines = _LINE_BREAK.split(source)
    return lines[:-1] if lines and not lines[-1] else lines


def parse_suppressions(source: str) -> dict[int, list[Suppression]]:
    """Find suppression comments by line. Cheap when the file has none."""
    if "noqa" not in source and "hyperion-lint" not in source:
        return {}
    found: dict[int, list[Suppression]] = {}
    for number, text in enumerate(source_lines(source), start=1):
        if "#" not in text:
            continue
        for match in _NOQA.finditer(text):
            raw = match.group("codes")
            codes = tuple(c.upper() for c in _CODE_SPLIT.split(raw.strip()) if c) if raw else ()
            found.setdefault(number, []).append(
                Suppression(number, match.start() + 1, match.end() + 1, codes, "noqa")
            )
        for match in _IGNORE.finditer(text):
            codes = tuple(
                c.strip().upper() for c in _CODE_SPLIT.split(match.group("codes")) if c.strip()
            )
            found.setdefault(number, []).append(
                Suppression(number, match.start() + 1, match.end() + 1, codes, "ignore")
            )
    return found
