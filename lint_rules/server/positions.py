"""Positions: ours are 1-based lines and 1-based columns counted in code points; LSP's are
0-based lines and columns counted in the units the client and server agreed on (UTF-16 by
default: a character outside the Basic Multilingual Plane, such as an emoji, counts 2).

Lines end at ``\\r\\n``, ``\\r`` or ``\\n`` in both (never at the other characters
``str.splitlines`` knows, such as a form feed), as in ``lint_rules.engine.fixes``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from lsprotocol import types

from lint_rules.model import Position

_NEWLINE = re.compile(r"\r\n|\r|\n")


def _utf16(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


UNITS: dict[str, Callable[[str], int]] = {
    types.PositionEncodingKind.Utf16.value: _utf16,
    types.PositionEncodingKind.Utf8.value: _utf8,
    types.PositionEncodingKind.Utf32.value: len,
}


class Text:
    """A document's text, to turn our positions and string offsets into LSP positions."""

    def __init__(self, source: str, encoding: str = types.PositionEncodingKind.Utf16.value) -> None:
        self.source = source
        self.units = UNITS.get(str(encoding), _utf16)
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(source))]

    def offset(self, position: Position) -> int:
        """The string offset of one of our positions, as the fixer computes it (clamped)."""
        line = max(position.line, 1)
        if line > len(self.starts):  # the line after a last line that has no line break
            return len(self.source)
        return min(self.starts[line - 1] + max(position.column, 1) - 1, len(self.source))

    def position_at(self, offset: int) -> types.Position:
        """The LSP position of a string offset; an offset inside a line break is the end of its line."""
        offset = min(max(offset, 0), len(self.source))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.source)
        content = self.source[start:end].rstrip("\r\n")
        return types.Position(line=line, character=self.units(content[: offset - start]))

    def position(self, position: Position) -> types.Position:
        return self.position_at(self.offset(position))

    def range(self, start: Position, end: Position) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def line(self, number: int) -> str:
        """The text of a 0-based line, without its line break."""
        if not 0 <= number < len(self.starts):
            return ""
        end = self.starts[number + 1] if number + 1 < len(self.starts) else len(self.source)
        return self.source[self.starts[number]: end].rstrip("\r\n")

    def end(self) -> types.Position:
        return self.position_at(len(self.source))


def overlaps(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges share a position (touching counts: a cursor at a range's edge)."""
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)
