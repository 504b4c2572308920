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


def walk(module: cst.Module, dispatch: Dispatch, ancestors: list[cst.CSTNode]) -> None:
    """Visit ``module`` depth first; ``ancestors`` is kept equal to the enclosing nodes."""
    if not dispatch:
        return
    get = dispatch.get
    push = ancestors.append
    pop = ancestors.pop

    def visit(node: cst.CSTNode) -> None:
        type_name = type(node).__name__
        handlers = get("visit_" + type_name)
        if handlers:
            for handler in handlers:
                handler(node)
        push(node)
        for name in _child_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                if not isinstance(value, _SKIPPED):
                    visit(value)
            elif isinstance(value, (tuple, list)):
                for item in value:
                    if isinstance(item, cst.CSTNode) and not isinstance(item, _SKIPPED):
                        visit(item)
        pop()
        handlers = get("leave_" + type_name)
        if handlers:
            for handler in handlers:
                handler(node)

    visit(module)


def build_dispatch(handlers: Iterable[tuple[str, Callable[[Any], Any]]]) -> Dispatch:
    table: Dispatch = {}
    for name, fn in handlers:
        table.setdefault(name, []).append(fn)
    return table
