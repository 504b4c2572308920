"""Applying fixes to source text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lint_rules.model import Edit, Fix, Position

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _offsets(source: str) -> list[int]:
    starts = [0]
    for match in _LINE.finditer(source):
        starts.append(match.end())
    return starts


def _offset(starts: list[int], position: Position) -> int:
    return starts[position.line - 1] + position.column - 1


def apply_edits(source: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits; an edit overlapping an earlier one is skipped."""
    starts = _offsets(source)
    spans = sorted(
        ((_offset(starts, e.start), _offset(starts, e.end), e.content) for e in edits),
        key=lambda s: (s[0], s[1]),
    )
    out: list[str] = []
    cursor = 0
    for start, end, content in spans:
        if start < cursor:
            continue
        out.append(source[cursor:start])
        out.append(content)
        cursor = end
    out.append(source[cursor:])
    return "".join(out)


def apply_fixes(source: str, fixes: Iterable[Fix]) -> tuple[str, list[int]]:
    """Apply the fixes that do not overlap an earlier one; return the new text and the
    indices of the fixes applied."""
    starts = _offsets(source)
    chosen: list[Edit] = []
    taken: list[tuple[int, int]] = []
    applied: list[int] = []
    for index, fix in enumerate(fixes):
        ranges = [(_offset(starts, e.start), _offset(starts, e.end)) for e in fix.edits]
        if any(s < te and ts < e or s == e == ts for s, e in ranges for ts, te in taken):
            continue
        taken.extend(ranges)
        chosen.extend(fix.edits)
        applied.append(index)
    return apply_edits(source, chosen), applied
