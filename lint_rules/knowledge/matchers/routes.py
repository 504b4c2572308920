"""Routes: recognising a route decorator, and what it and its function say about the response.

Routes are recognised by shape, not by name resolution: ``@module.router.get(...)``,
``@core_module.router.post(...)``, ``@router.delete(...)`` (a router made by
``APIRouter()`` in the file, or simply named ``router``), ``api_route(..., methods=...)``
and ``websocket(...)``. The rest reads one route (its decorator call and its function)
and nothing else: the status code as written, the response class, whether the function
returns a value, the response objects it returns directly, its return annotation and its
docstring. All functions are pure and bounded to one function.
"""

from __future__ import annotations

import http
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from lint_rules.knowledge.matchers.memo import by_node
from lint_rules.knowledge.matchers.syntax import (
    assignment_targets,
    child_nodes,
    has_star_kwargs,
    is_none,
    keyword_arg,
    last_name,
    parse_annotation_text,
    positional_args,
    string_value,
)

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace"})
ROUTE_METHODS = HTTP_METHODS | {"websocket", "api_route"}
_STATUS_ATTR = re.compile(r"^(?:HTTP|WS)_(\d{3,4})(?:_|$)")
# Codes that FastAPI sends without a body (``fastapi.utils.is_body_allowed_for_status_code``),
# besides the informational 1xx ones.
NO_BODY_CODES = frozenset({204, 205, 304})


# -- status codes ---------------------------------------------------------------------------


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


def body_allowed(code: int) -> bool:
    """False for the status codes whose response never has a body (1xx, 204, 205, 304)."""
    return not (code < 200 or code in NO_BODY_CODES)


# -- route decorators -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One route decorator on a function."""

    function: cst.FunctionDef
    # The decorator's call: ``module.router.get("/items", ...)``.
    call: cst.Call
    # The HTTP methods, lower case; ("websocket",) for a websocket route.
    methods: tuple[str, ...]
    # The path when it is a string literal.
    path: str | None

    @property
    def is_websocket(self) -> bool:
        return self.methods == ("websocket",)

    @property
    def name(self) -> str:
        return self.function.name.value

    def keyword(self, name: str) -> cst.Arg | None:
        return keyword_arg(self.call, name)


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
    """The route a decorator declares on ``function``, or None when it is no route decorator."""
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
    return Route(function, call, methods, string_value(path_node))


def _string_elements(node: cst.BaseExpression) -> list[str]:
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        values = [string_value(e.value) for e in node.elements]
        return [v for v in values if v is not None]
    return []


def routes_of(
    function: cst.FunctionDef, router_names: frozenset[str] | set[str] = frozenset()
) -> list[Route]:
    """Every route the decorators of ``function`` declare, in decorator order."""
    key = (id(function), frozenset(router_names))
    known = _ROUTES.get(key)
    if known is not None and known[0] is function:
        return list(known[1])
    if len(_ROUTES) > 4096:
        _ROUTES.clear()
    routes = []
    for decorator in function.decorators:
        route = route_of_decorator(function, decorator, router_names)
        if route is not None:
            routes.append(route)
    _ROUTES[key] = (function, tuple(routes))
    return routes


# routes_of by function node and router names: every route rule asks it of every function,
# and an editor's buffer keeps the nodes of the functions an edit did not touch. The node
# is kept with the answer (nodes take no weak references), so an id is never another's.
_ROUTES: dict[tuple[int, frozenset[str]], tuple[cst.FunctionDef, tuple[Route, ...]]] = {}


def router_names_in(statements: Iterable[cst.BaseStatement]) -> frozenset[str]:
    """Names the simple statements among ``statements`` bind to ``APIRouter(...)``."""
    names = set()
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
            if isinstance(value, cst.Call) and last_name(value.func) == "APIRouter":
                targets, _ = assignment_targets(small)
                names.update(t.value for t in targets if isinstance(t, cst.Name))
    return frozenset(names)


@by_node()
def local_router_names(module: cst.Module) -> frozenset[str]:
    """Names bound at module level to ``APIRouter(...)``."""
    return router_names_in(module.body)


# -- what the decorator says ----------------------------------------------------------------


def explicit_status(route: Route) -> tuple[cst.Arg, int] | None:
    """``(status_code argument, code)`` when the decorator gives a statically readable code.

    None when there is no ``status_code=`` (HYP012's case) or when its value cannot be
    read (a variable, a call...): the status-code rules judge only what they can read.
    """
    arg = route.keyword("status_code")
    if arg is None:
        return None
    code = status_code_value(arg.value)
    return (arg, code) if code is not None else None


def response_class_name(route: Route) -> str | None:
    """``RedirectResponse`` for ``response_class=RedirectResponse`` (or ``responses.RedirectResponse``);
    ``""`` when ``response_class=`` is given but is not a plain name; None when absent."""
    arg = route.keyword("response_class")
    if arg is None:
        return None
    return last_name(arg.value) or ""


def is_redirect_class(name: str | None) -> bool:
    """``RedirectResponse`` and any class whose name ends with it."""
    return name is not None and name.endswith("RedirectResponse")


def keyword_unknown(route: Route, name: str) -> bool:
    """True when ``name=`` is absent but may come from ``**kwargs``: nothing can be said."""
    return route.keyword(name) is None and has_star_kwargs(route.call)


# -- the function body ----------------------------------------------------------------------


# Nodes that hold no statement: simple statements other than ``return``, whitespace, comments.
_NOT_ENTERED = (
    cst.BaseSmallStatement,
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Comment,
    cst.Newline,
)


@by_node()
def _own_returns(node: cst.CSTNode) -> list[cst.Return]:
    """Every ``return`` statement of the function's own body.

    Nested functions, classes and lambdas are not entered, nor are expressions (a
    ``return`` is a statement), which keeps the walk to the statement skeleton.
    """
    found: list[cst.Return] = []
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        for child in child_nodes(current):
            if isinstance(child, cst.Return):
                found.append(child)
            elif isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.BaseExpression)):
                continue
            elif isinstance(child, _NOT_ENTERED):
                continue
            else:
                stack.append(child)
    return found


def returns_value(function: cst.FunctionDef) -> bool:
    """True when the function's own body has a ``return <value>`` (``return None`` is no value)."""
    return any(
        r.value is not None and not is_none(r.value) for r in _own_returns(function.body)
    )


def returned_response_classes(function: cst.FunctionDef) -> set[str]:
    """Names of the ``*Response(...)`` objects the function returns, when it returns nothing else.

    ``return RedirectResponse(url)`` gives ``{"RedirectResponse"}``. Empty when any
    ``return <value>`` is something else: a value returned by another call
    (``await get_file(...)``) is not a response that can be seen statically.
    """
    names = set()
    for r in _own_returns(function.body):
        value = r.value
        if value is None or is_none(value):
            continue
        if isinstance(value, cst.Await):
            value = value.expression
        name = last_name(value.func) if isinstance(value, cst.Call) else None
        if name is None or not name.endswith("Response"):
            return set()
        names.add(name)
    return names


def returns_nothing(route: Route) -> bool:
    """True when the route sends nothing worth a body (HYP015's "returns nothing").

    A ``response_model=`` other than None means it returns something; ``-> None`` means it
    returns nothing; otherwise it returns nothing when its own body has no ``return <value>``.
    """
    model = route.keyword("response_model")
    if model is not None and not is_none(model.value):
        return False
    if annotation_is_none(route.function):
        return True
    return not returns_value(route.function)


def redirects(route: Route) -> bool:
    """True when the route answers a redirect: its explicit code is a 3xx, its
    ``response_class=`` is a redirect class, or, with no ``response_class=``, every value it
    returns is a ``*RedirectResponse(...)``. A redirect's code is a 3xx whatever the
    method (HYP011, HYP012 and HYP016 ask 307), so the method rules do not judge it."""
    explicit = explicit_status(route)
    if explicit is not None and 300 <= explicit[1] < 400:
        return True
    response_class = response_class_name(route)
    if response_class is not None:
        return is_redirect_class(response_class)
    returned = returned_response_classes(route.function)
    return bool(returned) and all(is_redirect_class(r) for r in returned)


def expected_statuses(route: Route) -> set[int]:
    """The success codes HYP013-HYP016 ask of the methods of a route: 200 for GET, 204 for
    DELETE, 201 for a POST ``create_*`` that returns something (one that returns nothing
    may answer 204), 204 for a PATCH/PUT that returns nothing. An
    ``api_route`` serving methods that ask for different codes (``["GET", "DELETE"]``) is
    judged by none of them: no one code satisfies them all, and their fixes would undo
    each other."""
    codes = set()
    for method in route.methods:
        if method == "get":
            codes.add(200)
        elif method == "delete":
            codes.add(204)
        elif method == "post" and route.name.startswith("create_") and not returns_nothing(route):
            codes.add(201)
        elif method in ("patch", "put") and returns_nothing(route):
            codes.add(204)
    return codes


# -- the return annotation and the docstring ------------------------------------------------


def _return_annotation(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """The return annotation, with a string annotation (``-> "None"``) read as code."""
    if function.returns is None:
        return None
    annotation = function.returns.annotation
    text = string_value(annotation)
    if text is not None:
        return parse_annotation_text(text) or annotation
    return annotation


def annotation_is_none(function: cst.FunctionDef) -> bool:
    """True for ``-> None`` (and ``-> "None"``)."""
    return is_none(_return_annotation(function))


def annotation_is_response(function: cst.FunctionDef) -> bool:
    """True for ``-> Response`` / ``-> FileResponse`` / ``-> responses.RedirectResponse`` ...

    FastAPI takes no response model from such an annotation: the function builds the
    response itself."""
    name = last_name(_return_annotation(function))
    return name is not None and name.endswith("Response")


def annotation_is_model(function: cst.FunctionDef) -> bool:
    """True when FastAPI infers the response model from the return annotation.

    FastAPI uses the annotation as ``response_model`` when the decorator gives none,
    unless it is a Response class; ``-> None`` infers ``None`` (the body is ``null``).
    """
    return (
        function.returns is not None
        and not annotation_is_none(function)
        and not annotation_is_response(function)
    )


def function_docstring(function: cst.FunctionDef) -> str | None:
    """The function's docstring, cleaned (dedented); None without one, or with one Python
    would refuse (a bad escape such as ``"\\x"``, which LibCST parses)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "\\d": invalid escape sequence, not the user's business here
        try:
            return function.get_docstring(clean=True)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None


def docstring_summary(function: cst.FunctionDef) -> str | None:
    """The first non-empty line of the function's docstring, stripped; None without one."""
    doc = function_docstring(function)
    if not doc:
        return None
    for line in doc.splitlines():
        if line.strip():
            return line.strip()
    return None
