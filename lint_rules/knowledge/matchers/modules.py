"""The module-level shape of an endpoints file: its Module declaration, routers and first route.

Shared by the module and permissions rules (HYP001, HYP002, HYP003, HYP005) and the
project facts (``extract.py``). Everything
here reads ``module.body`` (and the blocks of top-level ``if``/``try``/``with``/loops,
which also run at module scope) once, in source order; nothing walks expressions beyond
the statement it is looking at. Pure functions of LibCST nodes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst

from lint_rules.knowledge.matchers.memo import by_node
from lint_rules.knowledge.matchers.imports import import_bindings
from lint_rules.knowledge.matchers.routes import Route, router_names_in, routes_of
from lint_rules.knowledge.matchers.syntax import (
    assignment_targets,
    dotted_name,
    keyword_arg,
    last_name,
    positional_args,
    small_statements,
)

MODULE_CLASSES = frozenset({"Module", "CoreModule"})
MODULE_VARIABLE = "module"
CORE_MODULE_VARIABLE = "core_module"


def expected_declaration(is_core: bool) -> tuple[str, str]:
    """``(variable, class)`` the app loader expects: ``("core_module", "CoreModule")`` in
    ``app/core``, ``("module", "Module")`` elsewhere (see ``app/module.py`` in Hyperion)."""
    if is_core:
        return CORE_MODULE_VARIABLE, "CoreModule"
    return MODULE_VARIABLE, "Module"


# -- statements that run at module scope -------------------------------------------------


@dataclass(frozen=True)
class ScopeStatement:
    """A statement executed at module scope, in source order.

    The small statements of a one-line block (``if x: a = 1``) come wrapped in a new
    ``SimpleStatementLine`` that is not part of the tree: report their small statements.
    """

    statement: cst.SimpleStatementLine | cst.FunctionDef | cst.ClassDef
    # True inside a top-level ``if``/``try``/``with``/``for``/``while`` block.
    nested: bool
    # Index in ``module.body`` of the top-level statement holding it (itself when top level).
    index: int


def _blocks(statement: cst.BaseCompoundStatement) -> Iterator[cst.BaseSuite]:
    if isinstance(statement, cst.If):
        yield statement.body
        orelse = statement.orelse
        while orelse is not None:
            yield orelse.body
            orelse = orelse.orelse if isinstance(orelse, cst.If) else None
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        yield statement.body
        for handler in statement.handlers:
            yield handler.body
        if statement.orelse is not None:
            yield statement.orelse.body
        if statement.finalbody is not None:
            yield statement.finalbody.body
    elif isinstance(statement, (cst.With, cst.For, cst.While)):
        yield statement.body
        if not isinstance(statement, cst.With) and statement.orelse is not None:
            yield statement.orelse.body


def _flatten(statement: cst.BaseStatement, nested: bool, index: int) -> Iterator[ScopeStatement]:
    if isinstance(statement, (cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef)):
        yield ScopeStatement(statement, nested, index)
    elif isinstance(statement, cst.BaseCompoundStatement):
        for block in _blocks(statement):
            if isinstance(block, cst.IndentedBlock):
                for inner in block.body:
                    yield from _flatten(inner, True, index)
            elif isinstance(block, cst.SimpleStatementSuite):
                # ``if x: a = 1`` on one line: wrap the small statements as a line.
                yield ScopeStatement(cst.SimpleStatementLine(body=block.body), True, index)


def scope_statements(module: cst.Module) -> Iterator[ScopeStatement]:
    """Simple statements, functions and classes that run at module scope, in source order."""
    for index, statement in enumerate(module.body):
        yield from _flatten(statement, False, index)


def bound_names(statement: cst.CSTNode) -> Iterator[str]:
    """Names a module-scope statement binds: assignment targets (tuples unpacked), imports,
    ``def``, ``class`` and ``type`` statements."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        yield statement.name.value
        return
    if not isinstance(statement, cst.SimpleStatementLine):
        return
    for small in statement.body:
        if isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = (
                [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            )
            for target in targets:
                yield from _target_names(target)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            for local, _, _ in import_bindings(small):
                yield local
        elif isinstance(small, cst.TypeAlias):
            yield small.name.value


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


# -- the declaration, routers and routes ---------------------------------------------------


@dataclass(frozen=True)
class ModuleDeclaration:
    """One target of a top-level ``x = Module(...)`` / ``x = CoreModule(...)``."""

    statement: cst.SimpleStatementLine
    target: str  # the variable it is bound to
    call: cst.Call
    kind: str  # "Module" or "CoreModule"


def module_declarations(module: cst.Module) -> list[ModuleDeclaration]:
    """Top-level ``x = Module(...)`` / ``x = CoreModule(...)`` statements, in order, one per
    target (unlike ``endpoints_shape``, statements inside top-level blocks are not read)."""
    found = []
    for statement, small in small_statements(module.body):
        targets, value = assignment_targets(small)
        if isinstance(value, cst.Call) and last_name(value.func) in MODULE_CLASSES:
            kind = last_name(value.func)
            assert kind is not None
            for target in targets:
                found.append(ModuleDeclaration(statement, dotted_name(target) or "", value, kind))
    return found


@dataclass(frozen=True)
class Declaration:
    """``<targets> = Module(...)`` / ``CoreModule(...)`` at module scope."""

    scope: ScopeStatement
    # The Assign / AnnAssign node.
    node: cst.Assign | cst.AnnAssign
    # Every target, as a dotted name ("" for a target that is not a name or attribute chain).
    targets: tuple[str, ...]
    target_nodes: tuple[cst.BaseExpression, ...]
    call: cst.Call
    kind: str  # "Module" or "CoreModule"

    @property
    def statement(self) -> cst.SimpleStatementLine:
        assert isinstance(self.scope.statement, cst.SimpleStatementLine)
        return self.scope.statement

    def router_names(self) -> set[str]:
        """Names given to the module as its router: ``router=<name>`` or a positional name."""
        names = set()
        arg = keyword_arg(self.call, "router")
        if arg is not None and isinstance(arg.value, cst.Name):
            names.add(arg.value.value)
        for positional in positional_args(self.call):
            if isinstance(positional.value, cst.Name):
                names.add(positional.value.value)
        return names

    def permissions_name(self) -> str | None:
        """The bare name passed as ``permissions=``, or None (absent, None, or an attribute)."""
        arg = keyword_arg(self.call, "permissions")
        if arg is not None and isinstance(arg.value, cst.Name) and arg.value.value != "None":
            return arg.value.value
        return None


@dataclass(frozen=True)
class RouterAssignment:
    """``<names> = APIRouter(...)`` at module scope."""

    node: cst.Assign | cst.AnnAssign
    names: tuple[str, ...]
    scope: ScopeStatement
    call: cst.Call


@dataclass
class EndpointsShape:
    """What an endpoints file declares at module scope, in source order."""

    declarations: list[Declaration] = field(default_factory=list)
    routers: list[RouterAssignment] = field(default_factory=list)
    # The first route decorator at module scope and the ordinal of its statement.
    first_route: Route | None = None
    first_route_ordinal: int | None = None
    # Index in ``module.body`` of the top-level statement holding the first route.
    first_route_index: int | None = None
    # Ordinal (position in ``scope_statements``) of each declaration statement.
    ordinals: dict[int, int] = field(default_factory=dict)
    # Every name bound at module scope (assignments, imports, defs, classes).
    names: set[str] = field(default_factory=set)
    # ``x.include_router(y)`` calls at module scope: (owner expression, included name).
    inclusions: list[tuple[cst.BaseExpression, str]] = field(default_factory=list)

    def ordinal(self, declaration: Declaration) -> int:
        return self.ordinals[id(declaration)]

    def attached_routers(self) -> set[str]:
        """Router names that reach a Module: passed to it, or included (``include_router``)
        into ``<x>.router`` or into a router that is itself attached."""
        attached: set[str] = set()
        for declaration in self.declarations:
            attached |= declaration.router_names()
        changed = True
        while changed:
            changed = False
            for owner, included in self.inclusions:
                if included in attached:
                    continue
                if (isinstance(owner, cst.Attribute) and owner.attr.value == "router") or (
                    isinstance(owner, cst.Name) and owner.value in attached
                ):
                    attached.add(included)
                    changed = True
        return attached


@by_node()
def endpoints_shape(module: cst.Module) -> EndpointsShape:
    """Read the module-scope statements of an endpoints file once."""
    shape = EndpointsShape()
    statements = list(scope_statements(module))
    router_names = router_names_in(scope.statement for scope in statements)
    for ordinal, scope in enumerate(statements):
        statement = scope.statement
        shape.names.update(bound_names(statement))
        if isinstance(statement, cst.FunctionDef):
            if shape.first_route is None:
                routes = routes_of(statement, router_names)
                if routes:
                    shape.first_route = routes[0]
                    shape.first_route_ordinal = ordinal
                    shape.first_route_index = scope.index
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets, value = assignment_targets(small)
            if isinstance(small, (cst.Assign, cst.AnnAssign)) and isinstance(value, cst.Call):
                called = last_name(value.func)
                if called in MODULE_CLASSES:
                    declaration = Declaration(
                        scope,
                        small,
                        tuple(dotted_name(t) or "" for t in targets),
                        tuple(targets),
                        value,
                        called,
                    )
                    shape.declarations.append(declaration)
                    shape.ordinals[id(declaration)] = ordinal
                elif called == "APIRouter":
                    names = tuple(t.value for t in targets if isinstance(t, cst.Name))
                    shape.routers.append(RouterAssignment(small, names, scope, value))
            elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                call = small.value
                if isinstance(call.func, cst.Attribute) and call.func.attr.value == "include_router":
                    included = positional_args(call)
                    arg = included[0] if included else keyword_arg(call, "router")
                    if arg is not None and isinstance(arg.value, cst.Name):
                        shape.inclusions.append((call.func.value, arg.value.value))
    return shape
