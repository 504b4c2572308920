"""Reading the facts of :mod:`lint_rules.knowledge.calls` (and what a route decorator says)
from a file's syntax tree, for the collector of ``extract.py``.

Each ``Depends(...)`` is read into a :class:`Pending` that keeps its node until the
engine has worked out positions; ``build`` then makes the plain fact.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import libcst as cst

from lint_rules.knowledge.calls import DependencyCall, RouterFact
from lint_rules.knowledge.matchers.memo import by_node, items
from lint_rules.knowledge.matchers.routes import Route, returns_value, status_code_value
from lint_rules.knowledge.matchers.signatures import (
    all_params,
    depends_target,
    is_depends_call,
    unwrap_annotated,
)
from lint_rules.knowledge.matchers.syntax import (
    assignment_targets,
    child_nodes,
    dotted_name,
    keyword_arg,
    last_name,
    string_value,
)
from lint_rules.model import Location

Locate = Callable[[cst.CSTNode], Location]
# Longer code is kept as written (whitespace folded) rather than parsed again.
_MAX_CANONICAL = 2000


@by_node()
def canonical(node: cst.CSTNode) -> str:
    """The code of an expression on one line, comments dropped, spaced as ``ast.unparse``
    writes it (``[X.a, X.b]`` however the list was laid out); whitespace folded when
    Python's own parser cannot read it."""
    dotted = dotted_name(node)
    if dotted is not None:  # ``x``, ``status.HTTP_201_CREATED``: what ast.unparse would give
        return dotted
    code = cst.Module([]).code_for_node(node)
    if len(code) <= _MAX_CANONICAL:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return ast.unparse(ast.parse(f"(\n{code}\n)", mode="eval"))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
    return " ".join(code.split())


def dependency_ref(target: cst.BaseExpression | None) -> str:
    """How a ``Depends(...)`` target is recorded: ``get_db``, ``cruds_x.get_item``,
    ``is_user_in()`` for a call (a dependency factory), ``""`` for anything else."""
    if isinstance(target, cst.Call):
        name = dotted_name(target.func)
        return f"{name}()" if name else ""
    return dotted_name(target) or ""


@dataclass(frozen=True)
class Pending:
    """A ``Depends(...)`` read from the tree, waiting for its position."""

    ref: str
    text: str
    arguments: tuple[str, ...]
    keywords: tuple[tuple[str, str], ...]
    node: cst.CSTNode  # what its location points at

    def build(self, locate: Locate) -> DependencyCall:
        return DependencyCall(self.ref, self.text, self.arguments, self.keywords, locate(self.node))


def pending_call(depends: cst.Call, declared: cst.BaseExpression | None, at: cst.CSTNode) -> Pending:
    """The fact of one ``Depends(...)``; ``declared`` is the type of the parameter it
    provides (``Depends()`` with no target calls it), ``at`` where it is reported."""
    target = depends_target(depends)
    if target is None:
        name = dotted_name(declared)
        return Pending(f"{name}()" if name else "", name or "Depends()", (), (), at)
    arguments: list[str] = []
    keywords: list[tuple[str, str]] = []
    if isinstance(target, cst.Call):
        for arg in target.args:
            if arg.keyword is not None:
                keywords.append((arg.keyword.value, canonical(arg.value)))
            else:
                arguments.append(f"{arg.star}{canonical(arg.value)}")
    return Pending(dependency_ref(target), canonical(target), tuple(arguments), tuple(keywords), at)


def param_depends(
    param: cst.Param, aliases: dict[str, cst.BaseExpression]
) -> tuple[cst.Call, cst.BaseExpression | None] | None:
    """The ``Depends(...)`` call that provides ``param`` (its default, or in its
    ``Annotated`` annotation, through a module alias) and the declared type."""
    annotation = param.annotation.annotation if param.annotation is not None else None
    declared: cst.BaseExpression | None = annotation
    metadata: list[cst.BaseExpression] = []
    if annotation is not None:
        if isinstance(annotation, cst.Name) and annotation.value in aliases:
            annotation = aliases[annotation.value]
        declared, metadata = unwrap_annotated(annotation)
    for candidate in (param.default, *metadata):
        if is_depends_call(candidate):
            assert isinstance(candidate, cst.Call)
            return candidate, declared
    return None


@by_node(items)
def param_calls(function: cst.FunctionDef, aliases: dict[str, cst.BaseExpression]) -> list[Pending]:
    """Every parameter's ``Depends(...)``, in order, each located at its parameter."""
    found = []
    for param in all_params(function):
        depends = param_depends(param, aliases)
        if depends is not None:
            found.append(pending_call(depends[0], depends[1], param))
    return found


@by_node(lambda aliases, imports: (items(aliases), frozenset(imports)))
def imported_annotations(function: cst.FunctionDef, aliases: dict[str, cst.BaseExpression], imports: Iterable[str]) -> tuple[str, ...]:
    """The parameters without ``Depends(...)`` annotated with an imported name: perhaps an
    ``Annotated[..., Depends(...)]`` alias of another file (``db: Database``)."""
    imported = set(imports)
    found = []
    for param in all_params(function):
        if param.annotation is None or param_depends(param, aliases) is not None:
            continue
        name = dotted_name(unwrap_annotated(param.annotation.annotation)[0])
        if name is not None and name.split(".", 1)[0] in imported:
            found.append(name)
    return tuple(found)


def list_calls(arg: cst.Arg | None) -> list[Pending]:
    """The ``Depends(...)`` of a ``dependencies=[...]`` argument."""
    if arg is None or not isinstance(arg.value, (cst.List, cst.Tuple)):
        return []
    return [
        pending_call(element.value, None, element.value)
        for element in arg.value.elements
        if is_depends_call(element.value) and isinstance(element.value, cst.Call)
    ]


def alias_call(annotation: cst.BaseExpression) -> Pending | None:
    """The ``Depends(...)`` an ``Alias = Annotated[T, Depends(...)]`` gives."""
    for item in unwrap_annotated(annotation)[1]:
        if is_depends_call(item):
            assert isinstance(item, cst.Call)
            return pending_call(item, None, item)
    return None


def unique(calls: Iterable[Pending]) -> list[Pending]:
    """One of each dependency (ref and text), in order."""
    seen: dict[tuple[str, str], Pending] = {}
    for call in calls:
        seen.setdefault((call.ref, call.text), call)
    return list(seen.values())


# -- what a route decorator says ------------------------------------------------------------


@dataclass(frozen=True)
class RouteDetails:
    router: str
    status_code: str | None
    response_model: str | None
    response_class: str | None
    summary: str | None


def route_details(route: Route) -> RouteDetails:
    def code(name: str) -> str | None:
        arg = route.keyword(name)
        return canonical(arg.value) if arg is not None else None

    status = route.keyword("status_code")
    number = status_code_value(status.value) if status is not None else None
    summary = route.keyword("summary")
    owner = route.call.func.value if isinstance(route.call.func, cst.Attribute) else route.call.func
    return RouteDetails(
        router=dotted_name(owner) or canonical(owner),
        status_code=str(number) if number is not None else code("status_code"),
        response_model=code("response_model"),
        response_class=code("response_class"),
        summary=string_value(summary.value) if summary is not None else None,
    )


# -- what a function gives back ---------------------------------------------------------------


_OTHER_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)
_NO_YIELD = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Comment,
    cst.Newline,
    cst.Name,
    cst.BaseNumber,
    cst.SimpleString,
)


def _own_yield(node: cst.CSTNode) -> bool:
    """True when ``node`` holds a ``yield`` of its own scope (nested functions, classes and
    lambdas are not entered)."""
    stack = [node]
    while stack:
        for child in child_nodes(stack.pop()):
            if isinstance(child, cst.Yield):
                return True
            if not isinstance(child, (_OTHER_SCOPES, _NO_YIELD)):
                stack.append(child)
    return False


@by_node(key=lambda *source: None)  # the answer is the function's: ``source`` only spares work
def gives_nothing(function: cst.FunctionDef, source: str | None = None) -> bool:
    """True when calling the function gives None: its own body has no ``return <value>``
    and no ``yield`` (a generator function gives a generator). ``source``, the text of the
    file, spares the searches for a word it does not hold."""
    if (source is None or "return" in source) and returns_value(function):
        return False
    return (source is not None and "yield" not in source) or not _own_yield(function.body)


def router_prefix(call: cst.Call, constants: dict[str, str]) -> str | None:
    """``prefix=`` of an ``APIRouter(...)`` or ``include_router(...)`` call: "" when absent,
    None when it is neither a literal nor a module-level constant."""
    arg = keyword_arg(call, "prefix")
    if arg is None:
        return ""
    value = string_value(arg.value)
    if value is None and isinstance(arg.value, cst.Name):
        value = constants.get(arg.value.value)
    return value


@dataclass(frozen=True)
class PendingRouter:
    name: str
    node: cst.Call
    prefix: str | None
    calls: tuple[Pending, ...]

    def build(self, locate: Locate) -> RouterFact:
        return RouterFact(self.name, locate(self.node), self.prefix, tuple(c.build(locate) for c in self.calls))


def module_routers(module: cst.Module, constants: dict[str, str]) -> list[PendingRouter]:
    """``router = APIRouter(prefix=..., dependencies=[...])`` at module level."""
    found = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets, value = assignment_targets(small)
            if not (isinstance(value, cst.Call) and last_name(value.func) == "APIRouter"):
                continue
            calls = tuple(list_calls(keyword_arg(value, "dependencies")))
            prefix = router_prefix(value, constants)
            for target in targets:
                if isinstance(target, cst.Name):
                    found.append(PendingRouter(target.value, value, prefix, calls))
    return found
