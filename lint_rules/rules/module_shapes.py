"""The module-level shape of an endpoints file: its Module declaration, routers and first route.

Shared by the module and permissions rules (HYP001, HYP002, HYP003, HYP005). Everything
here reads ``module.body`` (and the blocks of top-level ``if``/``try``/``with``/loops,
which also run at module scope) once, in source order; nothing walks expressions beyond
the statement it is looking at. Pure functions of LibCST nodes.
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field

import libcst as cst

from lint_rules.rules.hyperion import (
    MODULE_CLASSES,
    Route,
    dotted_name,
    keyword_arg,
    last_name,
    positional_args,
    routes_of,
)

MODULE_VARIABLE = "module"
CORE_MODULE_VARIABLE = "core_module"
PERMISSIONS_BASE = "ModulePermissions"


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

    # Index in ``module.body`` of the top-level statement holding it (itself when top level).
    index: int
    statement: cst.SimpleStatementLine | cst.FunctionDef | cst.ClassDef
    # True inside a top-level ``if``/``try``/``with``/``for``/``while`` block.
    nested: bool


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


def _flatten(
    statement: cst.BaseStatement, index: int, nested: bool
) -> Iterator[ScopeStatement]:
    if isinstance(statement, (cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef)):
        yield ScopeStatement(index, statement, nested)
    elif isinstance(statement, cst.BaseCompoundStatement):
        for block in _blocks(statement):
            if isinstance(block, cst.IndentedBlock):
                for inner in block.body:
                    yield from _flatten(inner, index, True)
            elif isinstance(block, cst.SimpleStatementSuite):
                # ``if x: a = 1`` on one line: wrap the small statements as a line.
                yield ScopeStatement(index, cst.SimpleStatementLine(body=block.body), True)


def scope_statements(module: cst.Module) -> Iterator[ScopeStatement]:
    """Simple statements, functions and classes that run at module scope, in source order."""
    for index, statement in enumerate(module.body):
        yield from _flatten(statement, index, False)


def assignment_targets(small: cst.BaseSmallStatement) -> tuple[list[cst.BaseExpression], cst.BaseExpression | None]:
    """The targets and value of ``a = b = value`` / ``a: T = value``; ``([], None)`` otherwise."""
    if isinstance(small, cst.Assign):
        return [t.target for t in small.targets], small.value
    if isinstance(small, cst.AnnAssign) and small.value is not None:
        return [small.target], small.value
    return [], None


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
        elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            for alias in small.names:
                name = alias.evaluated_alias or dotted_name(alias.name)
                if name:
                    yield name
        elif isinstance(small, cst.Import):
            for alias in small.names:
                name = alias.evaluated_alias or (dotted_name(alias.name) or "").split(".", 1)[0]
                if name:
                    yield name
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

    scope: ScopeStatement
    node: cst.Assign | cst.AnnAssign
    names: tuple[str, ...]
    call: cst.Call


@dataclass
class EndpointsShape:
    """What an endpoints file declares at module scope, in source order."""

    declarations: list[Declaration] = field(default_factory=list)
    routers: list[RouterAssignment] = field(default_factory=list)
    # The first route decorator at module scope and the ordinal of its statement.
    first_route: Route | None = None
    first_route_ordinal: int | None = None
    first_route_index: int | None = None
    # Ordinal (position in ``scope_statements``) of each declaration and router statement.
    ordinals: dict[int, int] = field(default_factory=dict)
    # Every name bound at module scope (assignments, imports, defs, classes).
    names: set[str] = field(default_factory=set)
    # ``x.include_router(y)`` calls at module scope: (owner expression, included name).
    inclusions: list[tuple[cst.BaseExpression, str]] = field(default_factory=list)

    def ordinal(self, node: Declaration | RouterAssignment) -> int:
        return self.ordinals[id(node)]

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


def _router_names(statements: list[ScopeStatement]) -> set[str]:
    names = set()
    for scope in statements:
        if isinstance(scope.statement, cst.SimpleStatementLine):
            for small in scope.statement.body:
                targets, value = assignment_targets(small)
                if isinstance(value, cst.Call) and last_name(value.func) == "APIRouter":
                    names.update(t.value for t in targets if isinstance(t, cst.Name))
    return names


def endpoints_shape(module: cst.Module) -> EndpointsShape:
    """Read the module-scope statements of an endpoints file once."""
    shape = EndpointsShape()
    statements = list(scope_statements(module))
    router_names = _router_names(statements)
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
                    router = RouterAssignment(
                        scope,
                        small,
                        tuple(t.value for t in targets if isinstance(t, cst.Name)),
                        value,
                    )
                    shape.routers.append(router)
                    shape.ordinals[id(router)] = ordinal
            elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                call = small.value
                if isinstance(call.func, cst.Attribute) and call.func.attr.value == "include_router":
                    included = positional_args(call)
                    arg = included[0] if included else keyword_arg(call, "router")
                    if arg is not None and isinstance(arg.value, cst.Name):
                        shape.inclusions.append((call.func.value, arg.value.value))
    return shape


# -- permission classes ---------------------------------------------------------------------


class Verdict(enum.Enum):
    """Whether a class is a ModulePermissions subclass, as far as one file can tell."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


# Imported bases from these packages are never ModulePermissions.
NOT_PERMISSIONS_PACKAGES = frozenset(
    {"enum", "typing", "typing_extensions", "pydantic", "abc", "dataclasses", "collections", "builtins", "sqlalchemy"}
)
# Builtin classes, used unimported as a base.
_BUILTIN_CLASSES = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type)
)


@dataclass(frozen=True)
class ClassVerdict:
    classdef: cst.ClassDef
    verdict: Verdict
    # The base expressions as written (``StrEnum``, ``enum.Enum``), for messages.
    bases: tuple[str, ...]


def _base_verdict(base: cst.BaseExpression, visible: dict[str, str | Verdict | None]) -> Verdict:
    """Resolve one base: ``visible`` maps a bound name to its import origin (str), the verdict
    of a class defined earlier in the file (Verdict), or None (bound some other way)."""
    dotted = dotted_name(base)
    if dotted is None:
        return Verdict.UNKNOWN
    head, _, rest = dotted.partition(".")
    if head not in visible:
        if dotted == PERMISSIONS_BASE:
            return Verdict.YES  # the import is missing: not this rule's business
        if dotted in _BUILTIN_CLASSES:
            return Verdict.NO
        return Verdict.UNKNOWN
    bound = visible[head]
    if isinstance(bound, Verdict):
        return bound if not rest else Verdict.UNKNOWN
    if isinstance(bound, str):
        origin = f"{bound}.{rest}" if rest else bound
        if origin.rsplit(".", 1)[-1] == PERMISSIONS_BASE:
            return Verdict.YES
        if origin.split(".", 1)[0] in NOT_PERMISSIONS_PACKAGES:
            return Verdict.NO
    return Verdict.UNKNOWN


def class_verdict(classdef: cst.ClassDef, visible: dict[str, str | Verdict | None]) -> Verdict:
    """YES when some base is (or subclasses) ModulePermissions, NO when every base is known
    not to be (or there is none), UNKNOWN otherwise (e.g. a class imported from a project file)."""
    bases = [arg for arg in classdef.bases if arg.keyword is None]
    if not bases:
        return Verdict.NO
    if any(arg.star for arg in bases):
        return Verdict.UNKNOWN
    verdicts = [_base_verdict(arg.value, visible) for arg in bases]
    if Verdict.YES in verdicts:
        return Verdict.YES
    if all(v is Verdict.NO for v in verdicts):
        return Verdict.NO
    return Verdict.UNKNOWN


def _import_origins(statement: cst.SimpleStatementLine) -> Iterator[tuple[str, str | None]]:
    """``(local name, origin)`` for the imports of a line; origin None for relative imports
    that cannot be placed."""
    for small in statement.body:
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            base = "." * len(small.relative) + (dotted_name(small.module) or "")
            for alias in small.names:
                origin = dotted_name(alias.name)
                if origin is None:
                    continue
                local = alias.evaluated_alias or origin
                yield local, (f"{base}.{origin}" if base and not base.endswith(".") else base + origin)
        elif isinstance(small, cst.Import):
            for alias in small.names:
                origin = dotted_name(alias.name)
                if origin is None:
                    continue
                if alias.asname is not None:
                    yield alias.evaluated_alias or origin, origin
                else:
                    head = origin.split(".", 1)[0]
                    yield head, head


def class_verdicts(module: cst.Module) -> dict[str, ClassVerdict]:
    """The verdict of every class defined at module scope (the last definition of a name wins).

    Names are resolved as Python does when the ``class`` statement runs: a base refers to the
    binding made earlier in the file, so ``class ModulePermissions(ModulePermissions)`` after
    ``from app.core.permissions.type_permissions import ModulePermissions`` is a subclass of the
    imported base.
    """
    visible: dict[str, str | Verdict | None] = {}
    found: dict[str, ClassVerdict] = {}
    for scope in scope_statements(module):
        statement = scope.statement
        if isinstance(statement, cst.ClassDef):
            verdict = class_verdict(statement, visible)
            bases = tuple(
                dotted_name(arg.value) or "..." for arg in statement.bases if arg.keyword is None
            )
            found[statement.name.value] = ClassVerdict(statement, verdict, bases)
            visible[statement.name.value] = verdict
        elif isinstance(statement, cst.SimpleStatementLine):
            imported = dict(_import_origins(statement))
            for name in bound_names(statement):
                visible[name] = imported.get(name)
        else:
            for name in bound_names(statement):
                visible[name] = None
    return found


# -- moving the declaration above the first route (for HYP001's fix) --------------------------


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


_BUILTIN_NAMES = frozenset(dir(builtins))


def moved_declaration(module: cst.Module, shape: EndpointsShape) -> cst.Module | None:
    """The module with its first declaration (and the APIRouter assignment it is given, when
    that comes after the first route too) moved to just above the first route.

    None when the move is not clean: the statements are nested in a block or share their line
    with other statements, or a name their values read is not bound above the first route (or
    is re-bound between the first route and the declaration).
    """
    if not shape.declarations or shape.first_route_index is None:
        return None
    declaration = shape.declarations[0]
    target_index = shape.first_route_index
    if declaration.scope.index <= target_index:
        return None
    moving: list[Declaration | RouterAssignment] = []
    router_names = declaration.router_names()
    for router in shape.routers:
        if set(router.names) & router_names and router.scope.index > target_index:
            if shape.ordinal(router) > shape.ordinal(declaration):
                return None  # the router is assigned after the module that uses it
            moving.append(router)
    moving.append(declaration)
    moved_indices = {item.scope.index for item in moving}
    for item in moving:
        statement = item.scope.statement
        if item.scope.nested or not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None

    above: set[str] = set()
    for statement in module.body[:target_index]:
        for scope in _flatten(statement, 0, False):
            above.update(bound_names(scope.statement))
    between: set[str] = set()
    for index in range(target_index, max(moved_indices)):
        if index not in moved_indices:
            for scope in _flatten(module.body[index], index, False):
                between.update(bound_names(scope.statement))
    available = set(above)
    for item in moving:
        needed = referenced_names(item.call)
        if isinstance(item.node, cst.AnnAssign):
            needed |= referenced_names(item.node.annotation.annotation)
        if needed - available - _BUILTIN_NAMES or needed & between:
            return None
        if isinstance(item, RouterAssignment):
            available.update(item.names)

    body = list(module.body)
    first = body[target_index]
    # The blank lines above the first route go above the moved block; the route keeps its own
    # comments and gets two blank lines; each moved statement keeps its own comments.
    lead_blank: list[cst.EmptyLine] = []
    for line in first.leading_lines:
        if line.comment is not None:
            break
        lead_blank.append(line)
    route_comments = list(first.leading_lines[len(lead_blank) :])
    moved_statements: list[cst.BaseStatement] = []
    for position, item in enumerate(moving):
        statement = body[item.scope.index]
        own = list(statement.leading_lines)
        while own and own[0].comment is None:
            own.pop(0)
        separator = lead_blank if position == 0 else [cst.EmptyLine()]
        moved_statements.append(statement.with_changes(leading_lines=[*separator, *own]))
    new_body: list[cst.BaseStatement] = []
    for index, statement in enumerate(body):
        if index == target_index:
            new_body.extend(moved_statements)
            new_body.append(
                statement.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *route_comments])
            )
        elif index not in moved_indices:
            new_body.append(statement)
    return module.with_changes(body=new_body)
