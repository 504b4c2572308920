"""What Hyperion code looks like: matchers shared by the rules.

Routes are recognised by shape, not by name resolution: ``@module.router.get(...)``,
``@core_module.router.post(...)``, ``@router.delete(...)`` (a router made by
``APIRouter()`` in the file, or simply named ``router``), ``api_route(..., methods=...)``
and ``websocket(...)``. Everything here is a pure function of LibCST nodes.
"""

from __future__ import annotations

import http
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace"})
ROUTE_METHODS = HTTP_METHODS | {"websocket", "api_route"}
MODULE_CLASSES = frozenset({"Module", "CoreModule"})
_STATUS_ATTR = re.compile(r"^(?:HTTP|WS)_(\d{3,4})(?:_|$)")


# -- names and literals ------------------------------------------------------------------


def dotted_name(node: cst.CSTNode | None) -> str | None:
    """``a.b.c`` for a chain of Names and Attributes, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base is not None else None
    return None


def last_name(node: cst.CSTNode | None) -> str | None:
    """``c`` for ``a.b.c`` or ``c``; the called name for ``c(...)``."""
    if isinstance(node, cst.Call):
        return last_name(node.func)
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def string_value(node: cst.CSTNode | None) -> str | None:
    """The value of a plain (not formatted) string literal, implicit concatenation included."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional_args(call: cst.Call) -> list[cst.Arg]:
    return [a for a in call.args if a.keyword is None and not a.star]


def has_star_kwargs(call: cst.Call) -> bool:
    return any(a.star == "**" for a in call.args)


def status_code_value(node: cst.CSTNode | None) -> int | None:
    """The HTTP status an expression denotes: ``204``, ``status.HTTP_204_NO_CONTENT``,
    ``HTTPStatus.NO_CONTENT`` (with any module prefix). None when it cannot be known."""
    if isinstance(node, cst.Integer):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return None
    if isinstance(node, cst.Attribute):
        attr = node.attr.value
        match = _STATUS_ATTR.match(attr)
        owner = last_name(node.value)
        if match and owner == "status":
            return int(match.group(1))
        if owner == "HTTPStatus" and attr in http.HTTPStatus.__members__:
            return int(http.HTTPStatus[attr])
    return None


# -- routes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One route decorator on a function."""

    function: cst.FunctionDef
    decorator: cst.Decorator
    call: cst.Call
    # The HTTP methods, lower case; ("websocket",) for a websocket route.
    methods: tuple[str, ...]
    path: str | None
    path_node: cst.BaseExpression | None

    @property
    def is_websocket(self) -> bool:
        return self.methods == ("websocket",)

    @property
    def name(self) -> str:
        return self.function.name.value

    def keyword(self, name: str) -> cst.Arg | None:
        return keyword_arg(self.call, name)

    @property
    def status_code(self) -> int | None:
        """The explicit status code when it can be read statically."""
        arg = self.keyword("status_code")
        return status_code_value(arg.value) if arg is not None else None


def is_router_expression(node: cst.BaseExpression, router_names: frozenset[str] | set[str]) -> bool:
    """``module.router``, ``core_module.router``, ``x.router``, ``router`` or a local APIRouter."""
    if isinstance(node, cst.Name):
        return node.value == "router" or node.value in router_names
    if isinstance(node, cst.Attribute):
        return node.attr.value == "router"
    return False


def route_of_decorator(
    function: cst.FunctionDef,
    decorator: cst.Decorator,
    router_names: frozenset[str] | set[str] = frozenset(),
) -> Route | None:
    call = decorator.decorator
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return None
    method = call.func.attr.value
    if method not in ROUTE_METHODS or not is_router_expression(call.func.value, router_names):
        return None
    if method == "api_route":
        methods_arg = keyword_arg(call, "methods")
        methods: tuple[str, ...] = ("get",)
        if methods_arg is not None:
            listed = _string_elements(methods_arg.value)
            methods = tuple(m.lower() for m in listed) if listed else ()
    else:
        methods = (method,)
    path_node: cst.BaseExpression | None = None
    positional = positional_args(call)
    if positional:
        path_node = positional[0].value
    else:
        path_kw = keyword_arg(call, "path")
        path_node = path_kw.value if path_kw is not None else None
    return Route(function, decorator, call, methods, string_value(path_node), path_node)


def _string_elements(node: cst.BaseExpression) -> list[str]:
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        values = [string_value(e.value) for e in node.elements]
        return [v for v in values if v is not None]
    return []


def routes_of(
    function: cst.FunctionDef, router_names: frozenset[str] | set[str] = frozenset()
) -> list[Route]:
    routes = []
    for decorator in function.decorators:
        route = route_of_decorator(function, decorator, router_names)
        if route is not None:
            routes.append(route)
    return routes


def local_router_names(module: cst.Module) -> frozenset[str]:
    """Names bound at module level to ``APIRouter(...)``."""
    names = set()
    for target, value in top_level_assignments(module):
        if isinstance(value, cst.Call) and last_name(value.func) == "APIRouter":
            names.add(target)
    return frozenset(names)


# -- module-level statements ------------------------------------------------------------


def top_level_assignments(module: cst.Module) -> Iterator[tuple[str, cst.BaseExpression]]:
    """``(name, value)`` for each ``name = value`` / ``name: T = value`` at module level."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        yield target.target.value, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                if isinstance(small.target, cst.Name):
                    yield small.target.value, small.value


@dataclass(frozen=True)
class ModuleDeclaration:
    statement: cst.SimpleStatementLine
    target: str  # the variable it is bound to
    target_node: cst.BaseExpression
    call: cst.Call
    kind: str  # "Module" or "CoreModule"

    def keyword(self, name: str) -> cst.Arg | None:
        return keyword_arg(self.call, name)


def module_declarations(module: cst.Module) -> list[ModuleDeclaration]:
    """Top-level ``x = Module(...)`` / ``x = CoreModule(...)`` statements, in order."""
    found = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets: Sequence[cst.BaseExpression]
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
                value: cst.BaseExpression | None = small.value
            elif isinstance(small, cst.AnnAssign):
                targets, value = [small.target], small.value
            else:
                continue
            if isinstance(value, cst.Call) and last_name(value.func) in MODULE_CLASSES:
                kind = last_name(value.func)
                assert kind is not None
                for target in targets:
                    name = dotted_name(target) or ""
                    found.append(ModuleDeclaration(statement, name, target, value, kind))
    return found


def statement_routes(
    statement: cst.BaseStatement, router_names: frozenset[str] | set[str] = frozenset()
) -> list[Route]:
    """Routes declared by a top-level statement (a decorated function definition)."""
    if isinstance(statement, cst.FunctionDef):
        return routes_of(statement, router_names)
    return []


# -- imports ------------------------------------------------------------------------------


def import_map(module: cst.Module) -> dict[str, str]:
    """Local name -> dotted origin, for every top-level import.

    ``from app.core.permissions.type_permissions import ModulePermissions`` maps
    ``ModulePermissions`` to ``app.core.permissions.type_permissions.ModulePermissions``;
    ``import app.core.users.models_users as models_users`` maps ``models_users`` to
    ``app.core.users.models_users``. Relative imports keep their leading dots.
    """
    names: dict[str, str] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                base = "." * len(small.relative) + (dotted_name(small.module) or "")
                for alias in small.names:
                    origin = dotted_name(alias.name)
                    if origin is None:
                        continue
                    local = alias.evaluated_alias or origin
                    names[local] = f"{base}.{origin}" if not base.endswith(".") else base + origin
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    origin = dotted_name(alias.name)
                    if origin is None:
                        continue
                    if alias.asname is not None:
                        names[alias.evaluated_alias or origin] = origin
                    else:
                        head = origin.split(".", 1)[0]
                        names.setdefault(head, head)
    return names


def imported_modules(module: cst.Module) -> list[tuple[cst.CSTNode, str]]:
    """``(statement, dotted module)`` for every import anywhere in the file.

    ``from app.modules.x import cruds_x`` yields ``app.modules.x.cruds_x`` as well as
    ``app.modules.x``: the imported names may be modules themselves.
    """
    found: list[tuple[cst.CSTNode, str]] = []
    for node in _walk_imports(module):
        if isinstance(node, cst.Import):
            for alias in node.names:
                origin = dotted_name(alias.name)
                if origin:
                    found.append((node, origin))
        elif isinstance(node, cst.ImportFrom) and not node.relative:
            base = dotted_name(node.module) or ""
            found.append((node, base))
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    name = dotted_name(alias.name)
                    if name:
                        found.append((node, f"{base}.{name}"))
    return found


def _walk_imports(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    if isinstance(node, (cst.Import, cst.ImportFrom)):
        yield node
        return
    if isinstance(node, cst.BaseExpression):
        return
    for child in node.children:
        yield from _walk_imports(child)


# -- function signatures and dependencies ---------------------------------------------------


def all_params(function: cst.FunctionDef) -> list[cst.Param]:
    p = function.params
    params = [*p.posonly_params, *p.params, *p.kwonly_params]
    if isinstance(p.star_arg, cst.Param):
        params.append(p.star_arg)
    if p.star_kwarg is not None:
        params.append(p.star_kwarg)
    return params


def unwrap_annotated(annotation: cst.BaseExpression) -> tuple[cst.BaseExpression, list[cst.BaseExpression]]:
    """``Annotated[T, a, b]`` -> ``(T, [a, b])``; anything else -> ``(annotation, [])``."""
    if isinstance(annotation, cst.Subscript) and last_name(annotation.value) == "Annotated":
        items = [
            e.slice.value
            for e in annotation.slice
            if isinstance(e.slice, cst.Index)
        ]
        if items:
            return items[0], items[1:]
    return annotation, []


def is_depends_call(node: cst.CSTNode | None) -> bool:
    return isinstance(node, cst.Call) and last_name(node.func) in {"Depends", "Security"}


def depends_target(call: cst.Call) -> cst.BaseExpression | None:
    """The dependency given to ``Depends(...)``: first positional or ``dependency=``."""
    positional = positional_args(call)
    if positional:
        return positional[0].value
    kw = keyword_arg(call, "dependency")
    return kw.value if kw is not None else None


@dataclass(frozen=True)
class ParamDependency:
    """A parameter provided by ``Depends(...)`` (as a default, in ``Annotated`` or an alias)."""

    param: cst.Param
    depends: cst.Call
    target: cst.BaseExpression | None
    # The type the parameter is declared with, ``Annotated`` and aliases removed.
    declared_type: cst.BaseExpression | None

    @property
    def target_name(self) -> str | None:
        """``get_db`` for ``Depends(get_db)``; ``is_user_allowed_to`` for ``Depends(is_user_allowed_to([...]))``."""
        return last_name(self.target)


def annotated_aliases(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """Module-level ``Alias = Annotated[...]`` and ``type Alias = Annotated[...]``."""
    found: dict[str, cst.BaseExpression] = {}
    for name, value in top_level_assignments(module):
        if isinstance(value, cst.Subscript) and last_name(value.value) == "Annotated":
            found[name] = value
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.TypeAlias) and isinstance(small.value, cst.Subscript):
                    if last_name(small.value.value) == "Annotated":
                        found[small.name.value] = small.value
    return found


def param_dependency(
    param: cst.Param, aliases: dict[str, cst.BaseExpression] | None = None
) -> ParamDependency | None:
    annotation = param.annotation.annotation if param.annotation is not None else None
    declared: cst.BaseExpression | None = annotation
    metadata: list[cst.BaseExpression] = []
    if annotation is not None:
        if aliases and isinstance(annotation, cst.Name) and annotation.value in aliases:
            annotation = aliases[annotation.value]
        declared, metadata = unwrap_annotated(annotation)
    if is_depends_call(param.default):
        assert isinstance(param.default, cst.Call)
        return ParamDependency(param, param.default, depends_target(param.default), declared)
    for item in metadata:
        if is_depends_call(item):
            assert isinstance(item, cst.Call)
            return ParamDependency(param, item, depends_target(item), declared)
    return None


def function_docstring(function: cst.FunctionDef) -> str | None:
    return function.get_docstring(clean=True)
