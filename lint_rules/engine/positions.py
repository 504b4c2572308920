"""Positions and replacement text for the few nodes that were reported.

LibCST's PositionProvider records a range for every node of the file, which costs
several times the parse. Here one code-generation pass records token indices only for
the reported nodes (and the nodes their syntactic range ends on), then turns indices
into lines and columns with one prefix sum. A file with no finding pays nothing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import accumulate

import libcst as cst
from libcst._nodes.internal import CodegenState

from lint_rules.model import Position

_NEWLINE = re.compile(r"\r\n?|\n")
_NOTHING = nullcontext()


@dataclass
class _RecordingState(CodegenState):
    watched: set[int] = field(default_factory=set)
    # id(node) -> [start token index, end token index]
    syntactic: dict[int, list[int]] = field(default_factory=dict)
    inclusive: dict[int, list[int]] = field(default_factory=dict)
    indents: dict[int, list[str]] = field(default_factory=dict)
    hoisted_start: dict[int, int] = field(default_factory=dict)
    hoisted_end: dict[int, int] = field(default_factory=dict)

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.watched:
            self.inclusive[key] = [len(self.tokens), -1]
            self.indents[key] = list(self.indent_tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.watched:
            self.inclusive[key][1] = len(self.tokens)

    # The length of the newline LibCST adds after the last line of a file that has none.
    phantom_newline: int = 0

    def pop_trailing_newline(self) -> None:
        # Keep every token so that recorded indices stay valid; remember what LibCST
        # would have dropped, so that no position points past the end of the file.
        self.phantom_newline = len(self.tokens[-1]) if self.tokens else 0

    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        # Called for almost every node: for the many that are not watched, a context
        # manager that does nothing and costs no generator (a quarter of the time).
        if id(node) not in self.watched:
            return _NOTHING
        return self._recording(node, start_node, end_node)

    @contextmanager
    def _recording(
        self, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None
    ) -> Iterator[None]:
        key = id(node)
        if start_node is not None:
            self.watched.add(id(start_node))
            self.hoisted_start[key] = id(start_node)
        if end_node is not None:
            self.watched.add(id(end_node))
            self.hoisted_end[key] = id(end_node)
        start = len(self.tokens)
        yield
        self.syntactic.setdefault(key, [start, len(self.tokens)])


class NodeSpans:
    """Ranges of watched nodes, as positions and as offsets into the generated code."""

    def __init__(self, module: cst.Module, nodes: Iterable[cst.CSTNode], source: str | None = None) -> None:
        state = _RecordingState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
        )
        self._module = module
        state.watched = {id(n) for n in nodes}
        module._codegen(state)
        self._state = state
        self._offsets = [0, *accumulate(len(t) for t in state.tokens)]
        self.code = "".join(state.tokens)
        self._end = len(self.code) - state.phantom_newline  # the length of the file's text
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.code)]
        # LibCST does not give every file back exactly: a form feed in an indentation is
        # dropped, or repeated on the next line. Positions on the lines that differ may be
        # off by a few columns: they are kept inside the line, and no edit may touch such a
        # line (``exact``). A file ending with a lone \r is given back without it: that
        # changes no position.
        self.faithful = source is None or source in (self.code[: self._end], self.code)
        self._source_lines: list[str] | None = None
        self._same_lines: frozenset[int] = frozenset()
        if not self.faithful:
            self._source_lines = _NEWLINE.split(source or "")
            generated = _NEWLINE.split(self.code[: self._end])
            if len(generated) == len(self._source_lines):
                pairs = zip(generated, self._source_lines)
                self._same_lines = frozenset(i for i, (a, b) in enumerate(pairs, start=1) if a == b)

    def exact(self, start: Position, end: Position) -> bool:
        """Whether the text from ``start`` to ``end`` is the file's own, position for position."""
        return self.faithful or all(line in self._same_lines for line in range(start.line, end.line + 1))

    def _position(self, offset: int) -> Position:
        offset = min(offset, self._end)
        index = bisect.bisect_right(self._line_starts, offset) - 1
        line, column = index + 1, offset - self._line_starts[index] + 1
        if self._source_lines is not None and line not in self._same_lines:
            line = min(line, len(self._source_lines))
            column = min(column, len(self._source_lines[line - 1]) + 1)
        return Position(line, column)

    def _syntactic_tokens(self, node: cst.CSTNode) -> tuple[int, int]:
        return self._tokens_of(id(node))

    def _tokens_of(self, key: int) -> tuple[int, int]:
        state = self._state
        start, end = state.syntactic.get(key) or state.inclusive[key]
        # A range may start or end where a child's does (a def ends with its body's last line).
        hoisted = state.hoisted_start.get(key)
        if hoisted is not None:
            start = self._tokens_of(hoisted)[0]
        hoisted = state.hoisted_end.get(key)
        if hoisted is not None:
            end = self._tokens_of(hoisted)[1]
        return start, end

    def range(
        self, node: cst.CSTNode, end_node: cst.CSTNode | None = None
    ) -> tuple[Position, Position]:
        """The syntactic range of ``node`` (to the end of ``end_node`` when given)."""
        start, end = self._syntactic_tokens(node)
        if end_node is not None:
            end = self._syntactic_tokens(end_node)[1]
        offsets = self._offsets
        return self._position(offsets[start]), self._position(offsets[end])

    def replacement(
        self, node: cst.CSTNode, new: cst.CSTNode | cst.RemovalSentinel
    ) -> tuple[Position, Position, str]:
        """The edit that replaces ``node``, with all the whitespace it owns, by ``new``."""
        key = id(node)
        start, end = self._state.inclusive[key]
        text = ""
        if isinstance(new, cst.CSTNode):
            state = CodegenState(
                default_indent=self._module.default_indent,
                default_newline=self._module.default_newline,
                indent_tokens=list(self._state.indents[key]),
            )
            new._codegen(state)
            text = "".join(state.tokens)
        offsets = self._offsets
        return self._position(offsets[start]), self._position(offsets[end]), text
