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


def walk(module: cst.Module, dispatch: Dispatch, ancestors: list[cst.CSTNode]) -> None:
    """Visit ``module`` depth first; ``ancestors`` is kept equal to the enclosing nodes.

    Iterative, so that a valid but very deep expression (a chain of thousands of ``+``)
    cannot exhaust Python's recursion limit.
    """
    if not dispatch:
        return
    # Expressions hold most of a tree's nodes: when every handler takes a statement (as
    # the endpoint rules' ``visit_FunctionDef`` do), they are not entered at all.
    wanted: type | tuple[type, ...] = cst.CSTNode
    if all(_takes_statements(name) for name in dispatch):
        wanted = _STATEMENT_LEVEL
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
            handlers = get("leave_" + type(left).__name__)
            if handlers:
                for handler in handlers:
                    handler(left)
            continue
        node_class = type(node)
        handlers = get("visit_" + node_class.__name__)
        if handlers:
            for handler in handlers:
                handler(node)
        push(node)
        append((node,))
        for name in _reversed_fields(node_class):
            value = getattr(node, name)
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
