"""Which findings a code action request is about.

A client asks for the actions of a range (often just the cursor) and names, in
``context.diagnostics``, the diagnostics it shows there. Both count: every diagnostic of
ours that it names, and every finding whose lines hold the requested range; for a finding
on a decorated ``def`` or inside its decorators (a route's findings), the lines of the
decorators count too, so that the cursor on the ``@`` of a route (where ``57G`` puts it)
gets the quick fixes of every finding of that route's decorator.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types

_DECORATOR = re.compile(r"^[ \t]*@", re.MULTILINE)
_DEF = re.compile(r"[ \t]*(?:async[ \t]+)?(?:def|class)\b")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_OPEN, _CLOSE = "([{", ")]}"


def _line_starts(source: str) -> list[int]:
    return [0, *(m.end() for m in _NEWLINE.finditer(source))]


def _statement_end(source: str, at: int) -> int:
    """The offset of the line break that ends the logical line starting at ``at``
    (brackets and strings followed; a comment ends at its line break)."""
    depth, i, size = 0, at, len(source)
    while i < size:
        c = source[i]
        if c in "\r\n" and depth == 0:
            return i
        if c == "#":
            while i < size and source[i] not in "\r\n":
                i += 1
            continue
        if c in "'\"":
            quote = source[i: i + 3] if source[i: i + 3] in ('"""', "'''") else c
            i += len(quote)
            while i < size and not source.startswith(quote, i):
                if source[i] == "\\":
                    i += 1
                elif len(quote) == 1 and source[i] in "\r\n":
                    break
                i += 1
            i += len(quote)
            continue
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(depth - 1, 0)
        elif c == "\\" and source.startswith(("\\\n", "\\\r"), i):
            i += 2
            continue
        i += 1
    return size


def decorated_blocks(source: str) -> list[tuple[int, int]]:
    """(first decorator line, ``def`` or ``class`` line), 0-based, of each decorated
    definition."""
    starts = _line_starts(source)
    blocks: list[tuple[int, int]] = []
    position = 0
    while True:
        found = _DECORATOR.search(source, position)
        if found is None:
            return blocks
        first = at = found.start()
        while True:
            end = _statement_end(source, at)
            following = end + (2 if source.startswith("\r\n", end) else 1)
            if following >= len(source):
                break
            line_end = _NEWLINE.search(source, following)
            line = source[following: line_end.start() if line_end else len(source)]
            if line.lstrip().startswith("@"):
                at = following
                continue
            if _DEF.match(line):
                blocks.append((_line_of(starts, first), _line_of(starts, following)))
            break
        position = max(following, found.end())


def _line_of(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def lines_of(diagnostic: types.Diagnostic, blocks: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The lines a diagnostic is about: its own, and its decorators' when it is on a
    decorated definition (its decorators or its ``def`` line)."""
    first, last = diagnostic.range.start.line, diagnostic.range.end.line
    for top, definition in blocks:
        if top <= first <= definition:
            return top, max(last, definition)
    return first, last


def named(diagnostic: types.Diagnostic, asked: Sequence[types.Diagnostic]) -> bool:
    """Whether the client names this diagnostic (as we published it: code and range)."""
    for other in asked:
        if other.source not in (None, diagnostic.source):
            continue
        if str(other.code) == str(diagnostic.code) and other.range == diagnostic.range:
            return True
    return False


def covers(diagnostic: types.Diagnostic, blocks: Sequence[tuple[int, int]], where: types.Range) -> bool:
    first, last = lines_of(diagnostic, blocks)
    return first <= where.end.line and where.start.line <= last
