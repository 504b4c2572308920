"""One traversal of a LibCST tree that calls every rule's visit_/leave_ methods.

LibCST's own visitors rebuild every node as they go, which costs about four times a
plain walk; linting only reads the tree, so this walker reads dataclass fields instead.
Children are visited in source order for the statement-level nodes where the field
order differs (decorators before the ``def``), and whitespace and comments, which no
rule inspects, are not entered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import libcst as cst

Dispatch = dict[str, list[Callable[[Any], Any]]]

_SKIPPED = (
    cst.SimpleWhitespace,
    cst.ParenthesizedWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
)

# Where statements live: a walk whose handlers all take statements enters only these
# (a statement's ancestors are all of this kind, so its handlers see the same ``ancestors``).
_STATEMENT_LEVEL = (
    cst.Module,
    cst.BaseStatement,
    cst.BaseSmallStatement,
    cst.BaseSuite,
    cst.Else,
    cst.Finally,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.MatchCase,
)

_LEXICAL_FIRST = ("leading_lines", "decorators")
_field_cache: dict[type, tuple[str, ...]] = {}


def _child_fields(node_type: type) -> tuple[str, ...]:
    names = _field_cache.get(node_type)
    if names is None:
        all_names = [f.name for f in dataclasses.fields(node_type)]
        first = [n for n in _LEXICAL_FIRST if n in all_names]
        names = tuple(first + [n for n in all_names if n not in first])
        _field_cache[node_type] = names
    return names


_reversed_cache: dict[type, tuple[str, ...]] = {}


def _reversed_fields(node_type: type) -> tuple[str, ...]:
    names = _reversed_cache.get(node_type)
    if names is None:
        names = _reversed_cache[node_type] = tuple(reversed(_child_fields(node_type)))
    return names


# What a walk of one top-level statement called: (handler name, node, the node's ancestors).
Events = list[tuple[str, Any, tuple[cst.CSTNode, ...]]]


class WalkMemo:
    """The calls the walks of an editor buffer's top-level statements made, kept from one
    lint to the next: a statement the edit did not touch is the same node (see
    ``engine.reparse``), and its calls are made again without walking it, in the same
    order, with the same ancestors. Only for the same handler names (the same rules)."""

    def __init__(self) -> None:
        self.names: frozenset[str] = frozenset()
        self.statements: dict[int, tuple[cst.CSTNode, Events]] = {}
        self.walked = 0  # statements walked by the last walk (tests, benchmarks)


def walk(module: cst.Module, dispatch: Dispatch, ancestors: list[cst.CSTNode], memo: WalkMemo | None = None) -> None:
    """Visit ``module`` depth first; ``ancestors`` is kept equal to the enclosing nodes.

    Iterative, so that a valid but very deep expression (a chain of thousands of ``+``)
    cannot exhaust Python's recursion limit.
    """
    if not dispatch:
        return
    if memo is not None:
        _walk_remembered(module, dispatch, ancestors, memo)
        return
    _walk(module, dispatch, ancestors)


def _walk_remembered(module: cst.Module, dispatch: Dispatch, ancestors: list[cst.CSTNode], memo: WalkMemo) -> None:
    names = frozenset(dispatch)
    if names != memo.names:
        memo.names, memo.statements = names, {}
    wanted = _wanted(dispatch)
    for handler in dispatch.get("visit_Module", ()):
        handler(module)
    ancestors.append(module)
    kept: dict[int, tuple[cst.CSTNode, Events]] = {}
    walked = 0
    for statement in module.body:
        known = memo.statements.get(id(statement))
        if known is None or known[0] is not statement:
            events: Events = []
            _walk(statement, dispatch, ancestors, events, wanted)
            known = (statement, events)
            walked += 1
        else:
            for name, node, path in known[1]:
                ancestors[:] = path
                for handler in dispatch[name]:
                    handler(node)
            ancestors[:] = [module]
        kept[id(statement)] = known
    memo.statements, memo.walked = kept, walked
    ancestors.pop()
    for handler in dispatch.get("leave_Module", ()):
        handler(module)


def _wanted(dispatch: Dispatch) -> type | tuple[type, ...]:
    """Expressions hold most of a tree's nodes: when every handler takes a statement (as
    the endpoint rules' ``visit_FunctionDef`` do), they are not entered at all."""
    if all(_takes_statements(name) for name in dispatch):
        return _STATEMENT_LEVEL
    return cst.CSTNode


def _walk(
    module: cst.CSTNode,
    dispatch: Dispatch,
    ancestors: list[cst.CSTNode],
    events: Events | None = None,
    wanted: type | tuple[type, ...] | None = None,
) -> None:
    """Visit ``module`` (or one statement) depth first: its handlers, its children's, its
    leave handlers; with ``events``, append each call made there."""
    wanted = wanted or _wanted(dispatch)
    skipped = _SKIPPED
    get = dispatch.get
    push = ancestors.append
    pop = ancestors.pop
    # A node is pushed once to be visited; then its marker ``(node,)`` to be left after
    # its children, which are pushed in reverse so that they come off in source order.
    stack: list[cst.CSTNode | tuple[cst.CSTNode]] = [module]
    append = stack.append
    while stack:
        node = stack.pop()
        if type(node) is tuple:
            left = node[0]
            pop()
            name = "leave_" + type(left).__name__
            handlers = get(name)
            if handlers:
                if events is not None:
                    events.append((name, left, tuple(ancestors)))
                for handler in handlers:
                    handler(left)
            continue
        node_class = type(node)
        name = "visit_" + node_class.__name__
        handlers = get(name)
        if handlers:
            if events is not None:
                events.append((name, node, tuple(ancestors)))
            for handler in handlers:
                handler(node)
        push(node)
        append((node,))
        for field_name in _reversed_fields(node_class):
            value = getattr(node, field_name)
            if isinstance(value, wanted):
                if not isinstance(value, skipped):
                    append(value)
            elif isinstance(value, (tuple, list)):
                for item in reversed(value):
                    if isinstance(item, wanted) and not isinstance(item, skipped):
                        append(item)


def _takes_statements(handler_name: str) -> bool:
    """``visit_FunctionDef`` does, ``visit_Call`` does not."""
    node_class = getattr(cst, handler_name.split("_", 1)[1], None)
    return isinstance(node_class, type) and issubclass(node_class, _STATEMENT_LEVEL)


def build_dispatch(handlers: Iterable[tuple[str, Callable[[Any], Any]]]) -> Dispatch:
    table: Dispatch = {}
    for name, fn in handlers:
        table.setdefault(name, []).append(fn)
    return table
