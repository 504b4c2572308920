"""Positions and replacement text for the few nodes that were reported.

LibCST's PositionProvider records a range for every node of the file, which costs
several times the parse. Here one code-generation pass records token indices only for
the reported nodes (and the nodes their syntactic range ends on), then turns indices
into lines and columns with one prefix sum. A file with no finding pays nothing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
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

    # The last indentation recorded, shared by the nodes that have the same one.
    _indent: list[str] = field(default_factory=list)

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.watched:
            self.inclusive[key] = [len(self.tokens), -1]
            if self._indent != self.indent_tokens:
                self._indent = list(self.indent_tokens)
            self.indents[key] = self._indent

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
        key = id(node)
        if key not in self.watched:
            return _NOTHING
        if start_node is not None:
            self.watched.add(id(start_node))
            self.hoisted_start[key] = id(start_node)
        if end_node is not None:
            self.watched.add(id(end_node))
            self.hoisted_end[key] = id(end_node)
        return _Recording(self, key)


class _Recording:
    """Records the tokens a watched node's syntactic range spans (a class, not a
    generator: an editor's pass over a statement parsed again records every node)."""

    __slots__ = ("state", "key", "start")

    def __init__(self, state: _RecordingState, key: int) -> None:
        self.state, self.key = state, key

    def __enter__(self) -> None:
        self.start = len(self.state.tokens)

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.state.syntactic.setdefault(self.key, [self.start, len(self.state.tokens)])


# What one code generation pass recorded of a node, as offsets into the text it generated:
# (syntactic range or None, inclusive range, indent tokens, hoisted start id, hoisted end id).
_Record = tuple[tuple[int, int] | None, tuple[int, int], list[str], int | None, int | None]


def _records(state: _RecordingState, offsets: list[int], shift: int = 0) -> dict[int, _Record]:
    out: dict[int, _Record] = {}
    for key, (start, end) in state.inclusive.items():
        syntactic = state.syntactic.get(key)
        out[key] = (
            (offsets[syntactic[0]] + shift, offsets[syntactic[1]] + shift) if syntactic else None,
            (offsets[start] + shift, offsets[end] + shift),
            state.indents[key],
            state.hoisted_start.get(key),
            state.hoisted_end.get(key),
        )
    return out


@dataclass
class _Statement:
    """A top-level statement's code and what its last pass recorded (offsets from its start)."""

    node: cst.CSTNode
    code: str
    records: dict[int, _Record]


class SpanMemo:
    """What the passes over an editor buffer's top-level statements recorded, kept from one
    lint to the next: a statement the edit did not touch is the same node (see
    ``engine.reparse``), and is not generated again while its watched nodes are known. A
    statement parsed again is generated by the next NodeSpans, recording its watched nodes
    only (the nodes the rules reported in it, its definitions)."""

    def __init__(self) -> None:
        self.statements: dict[int, _Statement] = {}
        self.generated = 0  # statements generated by the last NodeSpans (tests, benchmarks)


def _generate(node: cst.CSTNode, module: cst.Module, watched: set[int]) -> tuple[_RecordingState, str]:
    state = _RecordingState(default_indent=module.default_indent, default_newline=module.default_newline)
    state.watched = set(watched)
    node._codegen(state)
    return state, "".join(state.tokens)


class NodeSpans:
    """Ranges of watched nodes, as positions and as offsets into the generated code."""

    def __init__(
        self, module: cst.Module, nodes: Iterable[cst.CSTNode], source: str | None = None, memo: SpanMemo | None = None
    ) -> None:
        self._module = module
        watched = {id(n) for n in nodes}
        self._records: dict[int, _Record] = {}
        self._end = -1
        if memo is None or not (self._from_memo(module, watched, memo) or self._from_memo(module, watched, memo, fresh=True)):
            state = _RecordingState(default_indent=module.default_indent, default_newline=module.default_newline)
            state.watched = watched
            module._codegen(state)
            offsets = [0, *accumulate(len(t) for t in state.tokens)]
            self.code = "".join(state.tokens)
            self._records = _records(state, offsets)
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

    def _from_memo(self, module: cst.Module, watched: set[int], memo: SpanMemo, *, fresh: bool = False) -> bool:
        """The records of the watched nodes, generating only the statements the memo does
        not know (every statement when ``fresh``); False when a watched node is in none of
        them (a node the memo's statements did not record: then ``fresh``)."""
        if not module.has_trailing_newline:
            return False  # LibCST drops the file's last newline: the one-pass way knows how
        statements = {} if fresh else memo.statements
        header = _generate_lines(module.header, module)
        footer = _generate_lines(module.footer, module)
        found: dict[int, _Record] = {}
        pieces = [header]
        offset = len(header)
        kept: dict[int, _Statement] = {}
        generated = 0
        for node in module.body:
            known = statements.get(id(node))
            if known is None or known.node is not node:
                state, code = _generate(node, module, watched)
                known = _Statement(node, code, _records(state, [0, *accumulate(len(t) for t in state.tokens)]))
                generated += 1
            kept[id(node)] = known
            records = known.records
            # The watched nodes of the statement and the nodes their ranges end on (a
            # statement kept from an earlier lint recorded the nodes watched then).
            todo = list(records.keys() & watched)
            while todo:
                key = todo.pop()
                syntactic, inclusive, indents, hoisted_start, hoisted_end = records[key]
                found[key] = (
                    (syntactic[0] + offset, syntactic[1] + offset) if syntactic else None,
                    (inclusive[0] + offset, inclusive[1] + offset),
                    indents,
                    hoisted_start,
                    hoisted_end,
                )
                for hoisted in (hoisted_start, hoisted_end):
                    if hoisted is not None and hoisted not in found and hoisted in records:
                        todo.append(hoisted)
            pieces.append(known.code)
            offset += len(known.code)
        if not watched <= found.keys():
            return False
        pieces.append(footer)
        memo.statements = kept
        memo.generated = generated
        self._records = found
        self.code = "".join(pieces)
        self._end = len(self.code)
        return True

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

    def _offsets_of(self, key: int) -> tuple[int, int]:
        syntactic, inclusive, _, hoisted_start, hoisted_end = self._records[key]
        start, end = syntactic or inclusive
        # A range may start or end where a child's does (a def ends with its body's last line).
        if hoisted_start is not None:
            start = self._offsets_of(hoisted_start)[0]
        if hoisted_end is not None:
            end = self._offsets_of(hoisted_end)[1]
        return start, end

    def range(
        self, node: cst.CSTNode, end_node: cst.CSTNode | None = None
    ) -> tuple[Position, Position]:
        """The syntactic range of ``node`` (to the end of ``end_node`` when given)."""
        start, end = self._offsets_of(id(node))
        if end_node is not None:
            end = self._offsets_of(id(end_node))[1]
        return self._position(start), self._position(end)

    def replacement(
        self, node: cst.CSTNode, new: cst.CSTNode | cst.RemovalSentinel
    ) -> tuple[Position, Position, str]:
        """The edit that replaces ``node``, with all the whitespace it owns, by ``new``."""
        _, (start, end), indents, _, _ = self._records[id(node)]
        text = ""
        if isinstance(new, cst.CSTNode):
            state = CodegenState(
                default_indent=self._module.default_indent,
                default_newline=self._module.default_newline,
                indent_tokens=list(indents),
            )
            new._codegen(state)
            text = "".join(state.tokens)
        return self._position(start), self._position(end), text


def _generate_lines(lines: Iterable[cst.CSTNode], module: cst.Module) -> str:
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    for line in lines:
        line._codegen(state)
    return "".join(state.tokens)
