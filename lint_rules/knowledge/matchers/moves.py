"""Moving an endpoints file's module declaration above its first route (HYP001's fix).

Built on ``modules.endpoints_shape``. Moving a statement changes what runs first when the
file is imported, so the move is offered only when it is clean: every name the moved code
reads is already bound above the first route and is not bound again before the place the
code is taken from. Pure functions of LibCST nodes; nothing here runs unless a declaration
is late, so walking the statements in between is affordable.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence

import libcst as cst

from lint_rules.knowledge.matchers.imports import import_bindings
from lint_rules.knowledge.matchers.modules import (
    Declaration,
    EndpointsShape,
    RouterAssignment,
    bound_names,
    scope_statements,
)

_BUILTIN_NAMES = frozenset(dir(builtins))


def referenced_names(node: cst.CSTNode) -> set[str]:
    """Names an expression reads (keyword names and attribute members excluded).

    Conservative: names bound inside lambdas and comprehensions are reported too, so a
    caller checking that they are defined simply declines."""
    names: set[str] = set()
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            names.add(current.value)
        elif isinstance(current, cst.Attribute):
            stack.append(current.value)
        elif isinstance(current, cst.Arg):
            stack.append(current.value)
        else:
            stack.extend(current.children)
    return names


def _target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return set().union(*(_target_names(element.value) for element in target.elements))
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()  # an attribute or a subscript binds no name


def rebound_names(statement: cst.BaseStatement) -> set[str] | None:
    """Every name a top-level statement may bind at module scope, or None when that cannot
    be told (a star import, a ``match`` statement).

    Errs on the side of too many: unlike ``modules.bound_names`` it also reads ``for``
    targets, ``with``/``except`` aliases, walrus targets and ``del``, anywhere in the
    statement but the bodies of functions and classes (their own scopes)."""
    names: set[str] = set()
    stack: list[cst.CSTNode] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            names.add(node.name.value)
            stack.extend(decorator.decorator for decorator in node.decorators)
            continue
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            return None
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            names.update(local for local, _, _ in import_bindings(node))
            continue
        if isinstance(node, cst.Match):
            return None
        if isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.NamedExpr, cst.Del)):
            names |= _target_names(node.target)
        elif isinstance(node, cst.AsName):  # ``with ... as x``, ``except E as x``
            names |= _target_names(node.name)
        elif isinstance(node, cst.TypeAlias):
            names.add(node.name.value)
        stack.extend(node.children)
    return names


def _leading_blanks(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """The blank lines before the first comment line."""
    blanks = []
    for line in lines:
        if line.comment is not None:
            break
        blanks.append(line)
    return blanks


def moved_declaration(module: cst.Module, shape: EndpointsShape) -> cst.Module | None:
    """The module with its first declaration (and the APIRouter assignment it is given, when
    that comes after the first route too) moved to just above the first route.

    The comment lines directly above a moved statement travel with it; the first route keeps
    its own comments. None when the move is not clean:

    - a moved statement sits inside a top-level block (``if``/``try``/``with``/loop) or shares
      its line with another statement;
    - the router given to the module is assigned after the module;
    - a name the moved code reads (its call and annotation) is not bound above the first
      route, or is bound again from the first route down to the moved code (a star import or
      a ``match`` statement there counts as binding anything);
    - a name the moved code binds is bound again there (that binding would now win).
    """
    if not shape.declarations or shape.first_route_index is None:
        return None
    declaration = shape.declarations[0]
    target_index = shape.first_route_index
    if declaration.scope.index <= target_index:
        return None
    moving: list[Declaration | RouterAssignment] = []
    given = declaration.router_names()
    for router in shape.routers:
        if set(router.names) & given and router.scope.index > target_index:
            if router.scope.index >= declaration.scope.index:
                return None  # the router is assigned after the module that is given it
            moving.append(router)
    moving.append(declaration)
    for item in moving:
        statement = item.scope.statement
        if item.scope.nested or not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
    moved_indices = {item.scope.index for item in moving}

    available: set[str] = set()
    for scope in scope_statements(module):
        if scope.index >= target_index:
            break
        available.update(bound_names(scope.statement))
    between: set[str] = set()
    for index in range(target_index, max(moved_indices)):
        if index not in moved_indices:
            names = rebound_names(module.body[index])
            if names is None:
                return None
            between |= names
    for item in moving:
        needed = referenced_names(item.call)
        if isinstance(item.node, cst.AnnAssign):
            needed |= referenced_names(item.node.annotation.annotation)
        if needed - available - _BUILTIN_NAMES or needed & between:
            return None
        binds = set(bound_names(item.scope.statement))
        if binds & between:
            return None
        available |= binds

    return module.with_changes(body=_rearranged(module.body, target_index, moving))


def _rearranged(
    body: Sequence[cst.BaseStatement], target_index: int, moving: Sequence[Declaration | RouterAssignment]
) -> list[cst.BaseStatement]:
    """``body`` with the ``moving`` statements (in source order, all after ``target_index``)
    taken out and put just above the statement at ``target_index``.

    The blank lines above the first route go above the moved block and the route gets two
    blank lines and keeps its comments; each moved statement keeps its comments; the statement
    that follows a taken-out one gets at least as many blank lines above it as it had."""
    first = body[target_index]
    lead_blank = _leading_blanks(first.leading_lines)
    route_comments = list(first.leading_lines[len(lead_blank) :])
    moved: list[cst.BaseStatement] = []
    for position, item in enumerate(moving):
        statement = body[item.scope.index]
        own = list(statement.leading_lines)
        if position > 0 and item.scope.index == moving[position - 1].scope.index + 1:
            moved.append(statement)  # it followed the previous moved statement: keep its lines
            continue
        own = own[len(_leading_blanks(own)) :]
        separator = lead_blank if position == 0 else [cst.EmptyLine()]
        moved.append(statement.with_changes(leading_lines=[*separator, *own]))
    moved_indices = {item.scope.index for item in moving}

    new_body: list[cst.BaseStatement] = []
    carried: list[cst.EmptyLine] | None = None
    for index, statement in enumerate(body):
        if index == target_index:
            new_body.extend(moved)
            statement = statement.with_changes(
                leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *route_comments]
            )
        elif index in moved_indices:
            if carried is None:
                carried = _leading_blanks(statement.leading_lines)
            continue
        elif carried is not None:
            missing = len(carried) - len(_leading_blanks(statement.leading_lines))
            if missing > 0:
                statement = statement.with_changes(
                    leading_lines=[*carried[:missing], *statement.leading_lines]
                )
        carried = None
        new_body.append(statement)
    return new_body
