"""What identifies a finding when lines move: its enclosing ``Class.function`` and the
first line of its code. Baselines (and CI fingerprints) key findings on these."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import libcst as cst

from lint_rules.engine.positions import NodeSpans
from lint_rules.model import Position

def snippet(lines: Sequence[str], start: Position, end: Position) -> str:
    """The first line of the code between ``start`` and ``end``, whitespace collapsed."""
    if not 1 <= start.line <= len(lines):
        return ""
    text = lines[start.line - 1]
    stop = end.column - 1 if end.line == start.line else len(text)
    return " ".join(text[start.column - 1 : stop].split())


# (start, end, "Class.method") of every def and class of a file, outermost first.
Scopes = list[tuple[Position, Position, str]]


def definitions_of(module: cst.Module) -> list[tuple[cst.CSTNode, str]]:
    """Every function and class of the module with its qualified name; statements only,
    so this costs little next to the traversal."""
    found: list[tuple[cst.CSTNode, str]] = []
    _definitions(module.body, "", found)
    return found


def _definitions(body: Sequence[cst.CSTNode], prefix: str, found: list[tuple[cst.CSTNode, str]]) -> None:
    # A module-level function, not a closure that calls itself: such a closure is a
    # reference cycle, which would keep the syntax tree alive until the garbage
    # collector runs.
    for statement in body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            name = prefix + statement.name.value
            found.append((statement, name))
            inner = statement.body
            if isinstance(inner, cst.IndentedBlock):
                _definitions(inner.body, name + ".", found)
        elif isinstance(statement, cst.BaseCompoundStatement):
            for block in _blocks(statement):
                _definitions(block, prefix, found)


def _blocks(statement: cst.BaseCompoundStatement) -> list[Sequence[cst.CSTNode]]:
    blocks = []
    for name in ("body", "orelse", "finalbody"):
        part = getattr(statement, name, None)
        inner = getattr(part, "body", None)
        if isinstance(inner, cst.IndentedBlock):
            blocks.append(inner.body)
        elif isinstance(part, cst.IndentedBlock):
            blocks.append(part.body)
        elif isinstance(inner, cst.BaseSuite):
            blocks.append(getattr(inner, "body", ()))
    for handler in getattr(statement, "handlers", ()):
        if isinstance(handler.body, cst.IndentedBlock):
            blocks.append(handler.body.body)
    return blocks


def scope_nodes(definitions: list[tuple[cst.CSTNode, str]]) -> list[cst.CSTNode]:
    nodes = [node for node, _ in definitions]
    nodes += [d.decorators[0] for d, _ in definitions if getattr(d, "decorators", ())]  # type: ignore[attr-defined]
    return nodes


def scopes_from(definitions: list[tuple[cst.CSTNode, str]], spans: NodeSpans) -> Scopes:
    scopes = []
    for node, name in definitions:
        start, end = spans.range(node)
        decorators = getattr(node, "decorators", ())
        if decorators:  # a decorator belongs to the function it decorates
            start = spans.range(decorators[0])[0]
        scopes.append((start, end, name))
    return scopes


def scopes_of(source: str) -> Scopes:
    """The scopes of a file whose traversal reported nothing (parsed again: rare)."""
    module = cst.parse_module(source)
    definitions = definitions_of(module)
    return scopes_from(definitions, NodeSpans(module, scope_nodes(definitions)))


class ScopeIndex:
    """``scope_at`` for many positions of one file: the scopes by start, searched by halves.
    Scopes nest, so the innermost one that holds a position is the one that starts last
    among those that start before it and end after it."""

    def __init__(self, scopes: Scopes) -> None:
        ordered = sorted(scopes, key=lambda s: (s[0].line, s[0].column))
        self._starts = [(s.line, s.column) for s, _, _ in ordered]
        self._ends = [(e.line, e.column) for _, e, _ in ordered]
        self._names = [name for _, _, name in ordered]

    def at(self, position: Position) -> str:
        point = (position.line, position.column)
        index = bisect.bisect_right(self._starts, point) - 1
        while index >= 0:
            if point < self._ends[index]:
                return self._names[index]
            index -= 1
        return ""


def scope_at(scopes: Scopes, position: Position) -> str:
    """The innermost ``Class.function`` whose range holds ``position``."""
    found = ""
    for start, end, name in scopes:
        if start <= position < end:
            found = name
    return found
