"""One traversal of a LibCST tree that calls every rule's visit_/leave_ methods.

LibCST's own visitors rebuild every node as they go, which costs about four times a
plain walk; linting only reads the tree, so this walker reads dataclass fields instead.
Children are visited in source order for the statement-level nodes where the field
order differs (decorators before the ``def``), and whitespace and comments, which no
rule inspects, are not entered.

Nor is any subtree that cannot hold a node some handler takes: from the fields' type
annotations, LibCST's node classes tell which classes each can contain, so that a walk
whose handlers take ``Call``, ``Attribute`` and ``FunctionDef`` never enters a ``Name``,
a string or an operator, and a walk of statement handlers never enters an expression.
The handlers are called exactly as a walk of every node would call them: on the same
nodes, in the same order, with the same ``ancestors``.
"""

from __future__ import annotations

import dataclasses
import typing
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


# -- what each node class can contain -------------------------------------------------------

_subclass_cache: dict[type, frozenset[type]] = {}


def _with_subclasses(node_type: type) -> frozenset[type]:
    """The class and every class derived from it (an annotation ``BaseExpression`` may
    hold any expression)."""
    found = _subclass_cache.get(node_type)
    if found is None:
        seen = {node_type}
        todo = [node_type]
        while todo:
            for sub in todo.pop().__subclasses__():
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        found = _subclass_cache[node_type] = frozenset(seen)
    return found


def _node_classes(annotation: Any) -> set[type] | None:
    """The node classes a field of this annotation may hold (through ``Optional``,
    ``Union`` and ``Sequence``); None when the annotation cannot be read as such (then
    the field is entered whatever it holds)."""
    if isinstance(annotation, type):
        if issubclass(annotation, cst.CSTNode):
            return set(_with_subclasses(annotation))
        if annotation.__module__ == "builtins" or not issubclass(annotation, (list, tuple)):
            return set()  # str, int, bool, MaybeSentinel...
        return None
    origin = typing.get_origin(annotation)
    if origin is None:
        return None  # a forward reference, a type variable...: be safe
    if origin is typing.Literal:
        return set()
    found: set[type] = set()
    for argument in typing.get_args(annotation):
        if argument is type(None) or argument is Ellipsis:
            continue
        inner = _node_classes(argument)
        if inner is None:
            return None
        found |= inner
    return found


_contents_cache: dict[type, frozenset[type] | None] = {}


def _contents(node_type: type) -> frozenset[type] | None:
    """The node classes the fields of ``node_type`` may hold directly; None when an
    annotation cannot be read (every child of such a node is entered)."""
    if node_type in _contents_cache:
        return _contents_cache[node_type]
    found: set[type] | None = set()
    try:
        hints = typing.get_type_hints(node_type)
    except Exception:  # noqa: BLE001 - an annotation that does not resolve: be safe
        hints = None
    if hints is None:
        found = None
    else:
        for name in _child_fields(node_type):
            inner = _node_classes(hints.get(name, Any))
            if inner is None:
                found = None
                break
            assert found is not None
            found |= inner
    result = _contents_cache[node_type] = frozenset(found) if found is not None else None
    return result


class _Entered(dict[type, bool]):
    """Node class -> whether the walk enters it; a class not seen when the table was made
    (not a node: a string, a sentinel; or a node class defined since) is judged on first
    sight: a node is entered unless it is whitespace."""

    def __missing__(self, kind: type) -> bool:
        verdict = self[kind] = issubclass(kind, cst.CSTNode) and not issubclass(kind, _SKIPPED)
        return verdict


_plans: dict[frozenset[str], _Entered] = {}
_fields: dict[tuple[frozenset[str], type], tuple[str, ...]] = {}


def _entered(handled: frozenset[str]) -> _Entered:
    """For the handled class names, which node classes the walk enters (a fixed point
    over the containment graph, computed once per set of handlers)."""
    table = _plans.get(handled)
    if table is not None:
        return table
    classes = [c for c in _with_subclasses(cst.CSTNode) if dataclasses.is_dataclass(c)]
    entered = {c: (not issubclass(c, _SKIPPED)) and c.__name__ in handled for c in classes}
    unknown = {c for c in classes if not issubclass(c, _SKIPPED) and _contents(c) is None}
    for c in unknown:
        entered[c] = True
    changed = True
    while changed:
        changed = False
        for c in classes:
            if entered[c] or issubclass(c, _SKIPPED):
                continue
            contents = _contents(c) or ()
            if any(entered.get(t, False) for t in contents):
                entered[c] = True
                changed = True
    table = _plans[handled] = _Entered(entered)
    return table


def _fields_to_enter(handled: frozenset[str], node_class: type) -> tuple[str, ...]:
    """The fields of ``node_class`` that may hold a node the walk enters, reversed (the
    stack gives them back in source order)."""
    key = (handled, node_class)
    names = _fields.get(key)
    if names is None:
        entered = _entered(handled)
        try:
            hints = typing.get_type_hints(node_class)
        except Exception:  # noqa: BLE001 - be safe: every field
            hints = {}
        kept = []
        for name in _child_fields(node_class):
            classes = _node_classes(hints[name]) if name in hints else None
            if classes is None or any(entered[c] for c in classes):
                kept.append(name)
        names = _fields[key] = tuple(reversed(kept))
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
    cannot exhaust Python's recursion limit. With ``memo``, the top-level statements
    walked by the previous call are not walked again (their calls are replayed).
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
    for handler in dispatch.get("visit_Module", ()):
        handler(module)
    ancestors.append(module)
    kept: dict[int, tuple[cst.CSTNode, Events]] = {}
    walked = 0
    for statement in module.body:
        known = memo.statements.get(id(statement))
        if known is None or known[0] is not statement:
            events: Events = []
            _walk(statement, dispatch, ancestors, events)
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


def _walk(root: cst.CSTNode, dispatch: Dispatch, ancestors: list[cst.CSTNode], events: Events | None = None) -> None:
    """Visit ``root`` (the module, or one of its statements) depth first: its handlers,
    its children's, its leave handlers; with ``events``, append each call made there."""
    handled = frozenset(name.split("_", 1)[1] for name in dispatch)
    entered = _entered(handled)
    if events is not None and not entered[type(root)]:
        return  # a statement that cannot hold a node some handler takes
    # Per node class: its visit handlers, its leave handlers, and the fields to enter
    # (reversed: children are pushed so that they come off the stack in source order).
    steps: dict[type, tuple[list[Any] | None, list[Any] | None, tuple[str, ...]]] = {}
    push = ancestors.append
    pop = ancestors.pop
    # A node is pushed once to be visited; then its marker ``(node,)`` to be left after
    # its children, which are pushed in reverse so that they come off in source order.
    stack: list[cst.CSTNode | tuple[cst.CSTNode]] = [root]
    append = stack.append
    while stack:
        node = stack.pop()
        if type(node) is tuple:
            pop()
            left = node[0]
            leaves = steps[type(left)][1]
            if leaves:
                if events is not None:
                    events.append(("leave_" + type(left).__name__, left, tuple(ancestors)))
                for handler in leaves:
                    handler(left)
            continue
        node_class = type(node)
        step = steps.get(node_class)
        if step is None:
            step = steps[node_class] = (
                dispatch.get("visit_" + node_class.__name__),
                dispatch.get("leave_" + node_class.__name__),
                _fields_to_enter(handled, node_class),
            )
        visits, _, fields = step
        if visits:
            if events is not None:
                events.append(("visit_" + node_class.__name__, node, tuple(ancestors)))
            for handler in visits:
                handler(node)
        push(node)
        append((node,))
        for name in fields:
            value = getattr(node, name)
            kind = type(value)
            if kind is tuple or kind is list:
                for item in reversed(value):
                    if entered[type(item)]:
                        append(item)
            elif entered[kind]:
                append(value)


def build_dispatch(handlers: Iterable[tuple[str, Callable[[Any], Any]]]) -> Dispatch:
    table: Dispatch = {}
    for name, fn in handlers:
        table.setdefault(name, []).append(fn)
    return table
