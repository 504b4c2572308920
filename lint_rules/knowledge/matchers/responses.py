"""Response classes: the status code a route answers when its decorator gives none.

With no ``status_code=``, FastAPI neither documents nor sends a code of its own: the
OpenAPI schema shows the default of the response class's ``__init__`` (its
``status_code`` parameter), and the response FastAPI builds from a returned value is
made without a code, so it gets that same default. The response class is the route's
``response_class=``, else the router's ``default_response_class=``, else
``JSONResponse``. So a route answers 200, except a ``RedirectResponse`` route, which
answers 307.

``implicit_status`` works that out from one file: the response classes of
``starlette.responses`` and ``fastapi.responses`` are known by their origin (read through
the file's imports, aliases included), and a class the file defines is read like FastAPI
reads it (its own ``__init__``'s ``status_code`` default, or its one base's). Anything
else (a class imported from the project, a name bound by an assignment) is unknown:
None. Pure functions of LibCST nodes, built once per file from ``visit_Module``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.models import base_expressions, top_level_classes
from lint_rules.knowledge.matchers.modules import MODULE_CLASSES, bound_names
from lint_rules.knowledge.matchers.routes import Route, status_code_value
from lint_rules.knowledge.matchers.syntax import assignment_targets, dotted_name, keyword_arg, last_name

# The default of ``status_code`` in the ``__init__`` of each response class Starlette and
# FastAPI ship (starlette/responses.py; ORJSONResponse and UJSONResponse subclass
# JSONResponse in fastapi/responses.py; ``fastapi`` re-exports Response and friends).
RESPONSE_DEFAULT_STATUS: Mapping[str, int] = {
    "Response": 200,
    "JSONResponse": 200,
    "HTMLResponse": 200,
    "PlainTextResponse": 200,
    "FileResponse": 200,
    "StreamingResponse": 200,
    "ORJSONResponse": 200,
    "UJSONResponse": 200,
    "RedirectResponse": 307,
}
RESPONSE_MODULES = frozenset({"fastapi", "fastapi.responses", "starlette.responses"})
# What a route with no ``response_class=`` on a router with no ``default_response_class=``
# is answered with.
DEFAULT_RESPONSE_CLASS = "JSONResponse"
# How many levels of locally defined subclasses are followed.
_MAX_DEPTH = 8


@dataclass(frozen=True)
class ResponseScope:
    """What one file says about response classes."""

    # Local name -> dotted origin, for the file's top-level imports.
    imports: Mapping[str, str]
    # Top-level classes of the file, by name.
    classes: Mapping[str, cst.ClassDef]
    # Names bound at module level by anything else (an assignment, a function...).
    other_bindings: frozenset[str]
    # Router variable -> its ``default_response_class=`` (None when the router gives none),
    # for the ``APIRouter(...)`` calls assigned at module level.
    router_defaults: Mapping[str, cst.BaseExpression | None]
    # Module variable -> the router passed as ``router=`` (None: the Module makes its own,
    # a plain ``APIRouter(tags=[tag])``), for ``x = Module(...)`` / ``CoreModule(...)``.
    module_routers: Mapping[str, str | None]


def response_scope(module: cst.Module) -> ResponseScope:
    imports = import_map(module)
    classes = {c.name.value: c for c in top_level_classes(module)}
    others: set[str] = set()
    defaults: dict[str, cst.BaseExpression | None] = {}
    modules: dict[str, str | None] = {}
    for statement in module.body:
        if isinstance(statement, cst.ClassDef):
            continue
        for name in bound_names(statement):
            if name not in imports:
                others.add(name)
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
            if not isinstance(value, cst.Call):
                continue
            targets, _ = assignment_targets(small)
            names = [t.value for t in targets if isinstance(t, cst.Name)]
            called = last_name(value.func)
            if called == "APIRouter":
                given = keyword_arg(value, "default_response_class")
                for name in names:
                    defaults[name] = given.value if given is not None else None
            elif called in MODULE_CLASSES:
                router = keyword_arg(value, "router")
                passed = dotted_name(router.value) if router is not None else None
                for name in names:
                    modules[name] = passed if router is None or passed is not None else "?"
    return ResponseScope(imports, classes, frozenset(others - set(classes)), defaults, modules)


def class_default_status(expression: cst.BaseExpression, scope: ResponseScope, depth: int = 0) -> int | None:
    """The code a response class answers by default: 307 for ``RedirectResponse`` (also as
    ``responses.RedirectResponse`` or under an alias), 200 for the other known classes.
    None when the class cannot be identified."""
    dotted = dotted_name(expression)
    if dotted is None or depth > _MAX_DEPTH:
        return None
    head, _, rest = dotted.partition(".")
    if head in scope.classes and not rest:
        return _local_class_status(scope.classes[head], scope, depth)
    if head in scope.imports:
        origin = scope.imports[head] + (f".{rest}" if rest else "")
    elif head in scope.other_bindings or head in scope.classes:
        return None
    else:
        # Not bound in the file (a star import, or a snippet): known by its name alone.
        origin = dotted if rest else f"fastapi.responses.{dotted}"
        if rest and origin.rpartition(".")[0] == "responses":
            origin = f"fastapi.{origin}"
    module, _, name = origin.rpartition(".")
    if module in RESPONSE_MODULES:
        return RESPONSE_DEFAULT_STATUS.get(name)
    return None


def _local_class_status(cls: cst.ClassDef, scope: ResponseScope, depth: int) -> int | None:
    """A response class of the file: its own ``__init__``'s ``status_code`` default, or,
    without an ``__init__``, its one base's default (FastAPI reads ``__init__``)."""
    init = _own_init(cls)
    if init is not None:
        for param in (*init.params.params, *init.params.kwonly_params, *init.params.posonly_params):
            if param.name.value == "status_code":
                return status_code_value(param.default) if param.default is not None else None
        return None
    bases = base_expressions(cls)
    if len(bases) != 1:
        return None  # several bases: which one's __init__ wins is the MRO's business
    return class_default_status(bases[0], scope, depth + 1)


def _own_init(cls: cst.ClassDef) -> cst.FunctionDef | None:
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
            return statement
    return None


def route_response_class(route: Route, scope: ResponseScope) -> tuple[cst.BaseExpression | None, bool]:
    """``(class expression, known)``: the response class the route is answered with.

    ``response_class=`` first; else the ``default_response_class=`` of the route's router
    when the file creates it; ``(None, True)`` means FastAPI's own default, JSONResponse.
    ``known`` is False when the router cannot be told (``module.router`` in a file whose
    routers disagree on their default class)."""
    given = route.keyword("response_class")
    if given is not None:
        return given.value, True
    router = route.call.func.value if isinstance(route.call.func, cst.Attribute) else None
    if isinstance(router, cst.Attribute) and isinstance(router.value, cst.Name):
        # ``module.router``: the router given to the file's ``module = Module(router=...)``.
        owner = router.value.value
        if owner in scope.module_routers:
            passed = scope.module_routers[owner]
            if passed is None:
                return None, True  # the Module's own APIRouter(tags=[tag])
            router = cst.Name(passed) if passed.isidentifier() else None
    if isinstance(router, cst.Name) and router.value in scope.router_defaults:
        return scope.router_defaults[router.value], True
    defaults = list(scope.router_defaults.values())
    if all(d is None for d in defaults):
        return None, True
    # Another router may be any of the file's routers: known only if they all agree.
    first = defaults[0]
    if all(d is not None and first is not None and d.deep_equals(first) for d in defaults):
        return first, True
    return None, False


def implicit_status(route: Route, scope: ResponseScope) -> tuple[int | None, str]:
    """``(code, class name)``: what the route answers without ``status_code=``.

    ``(307, "RedirectResponse")`` for ``response_class=RedirectResponse``; ``(200,
    "JSONResponse")`` for a route with no response class; ``(None, name)`` when the class
    is not one whose default is known (the name as written, ``""`` if not a name)."""
    expression, known = route_response_class(route, scope)
    if not known:
        return None, ""
    if expression is None:
        return RESPONSE_DEFAULT_STATUS[DEFAULT_RESPONSE_CLASS], DEFAULT_RESPONSE_CLASS
    return class_default_status(expression, scope), last_name(expression) or ""
