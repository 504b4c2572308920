"""The shapes the project model is read from: how a Hyperion tree wires itself up.

- ``return_annotation``: the return annotation of a function, as text.
- ``session_calls``: what a session dependency (a generator that yields the session, as
  ``get_db`` does) calls on its session: ``commit``, ``rollback``, ``close``.
- ``include_router_calls``: every ``<x>.include_router(<router>)`` of a file, at any
  depth (``app/api.py`` includes routers at module level and in loops).
- ``module_loaders``: ``for f in Path().glob("app/modules/*/endpoints_*.py")`` loops that
  import each file and take the module from the attribute ``hasattr(m, "module")`` names.
- ``init_params``: the keyword parameters of a class's ``__init__``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from lint_rules.knowledge.matchers.memo import by_node
from lint_rules.knowledge.matchers.syntax import child_nodes, dotted_name, keyword_arg, positional_args, string_value

SESSION_METHODS = frozenset({"commit", "rollback", "close"})


@by_node()
def return_annotation(function: cst.FunctionDef) -> str | None:
    """``models_users.CoreUser`` for ``-> models_users.CoreUser``; a string annotation
    gives its text; None without one. Whitespace is normalised."""
    if function.returns is None:
        return None
    annotation = function.returns.annotation
    name = dotted_name(annotation)
    if name is not None:
        return name
    text = string_value(annotation)
    if text is not None:
        return " ".join(text.split())
    return " ".join(cst.Module([]).code_for_node(annotation).split())


def nested_statements(body: cst.BaseSuite) -> Iterator[cst.BaseStatement]:
    """Every statement of a suite, at any depth: compound statements' blocks, and the
    bodies of functions and classes defined in it."""
    pending: list[cst.BaseSuite] = [body]
    while pending:
        suite = pending.pop()
        statements = suite.body if isinstance(suite, cst.IndentedBlock) else ()
        if isinstance(suite, cst.SimpleStatementSuite):
            yield cst.SimpleStatementLine(body=suite.body)
            continue
        for statement in statements:
            yield statement
            if isinstance(statement, cst.BaseCompoundStatement):
                pending.extend(_blocks(statement))


def _blocks(statement: cst.BaseCompoundStatement) -> Iterator[cst.BaseSuite]:
    if isinstance(statement, cst.Match):  # no body of its own: one a case
        for case in statement.cases:
            yield case.body
        return
    yield statement.body
    if isinstance(statement, cst.If):
        orelse = statement.orelse
        while orelse is not None:
            yield orelse.body
            orelse = orelse.orelse if isinstance(orelse, cst.If) else None
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        for handler in statement.handlers:
            yield handler.body
        if statement.orelse is not None:
            yield statement.orelse.body
        if statement.finalbody is not None:
            yield statement.finalbody.body
    elif isinstance(statement, (cst.For, cst.While)) and statement.orelse is not None:
        yield statement.orelse.body


def _own_statements(function: cst.FunctionDef) -> Iterator[cst.BaseStatement]:
    """The statements of a function's own body (not those of functions or classes it
    defines: what runs when it is called)."""
    pending: list[cst.BaseSuite] = [function.body]
    while pending:
        suite = pending.pop()
        if isinstance(suite, cst.SimpleStatementSuite):
            yield cst.SimpleStatementLine(body=suite.body)
            continue
        assert isinstance(suite, cst.IndentedBlock)
        for statement in suite.body:
            yield statement
            if isinstance(statement, cst.BaseCompoundStatement) and not isinstance(
                statement, (cst.FunctionDef, cst.ClassDef)
            ):
                pending.extend(_blocks(statement))


class _Calls(cst.CSTVisitor):
    """``<x>.commit()``-style calls and ``yield`` in one expression or statement."""

    def __init__(self) -> None:
        self.methods: set[str] = set()
        self.yields = False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in SESSION_METHODS and not node.args:
            self.methods.add(node.func.attr.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        self.yields = True

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


@by_node()
def session_calls(function: cst.FunctionDef) -> frozenset[str] | None:
    """What a generator function calls on objects it holds, among ``commit()``,
    ``rollback()`` and ``close()`` (``async with SessionLocal() as db: yield db`` closes
    the session by leaving the block: ``close`` then is not listed). None when the
    function does not yield: it is not a dependency that hands out a session."""
    calls = _Calls()
    for statement in _own_statements(function):
        if isinstance(statement, cst.SimpleStatementLine):
            _visit_calls(statement, calls)
        elif isinstance(statement, cst.BaseCompoundStatement) and not isinstance(
            statement, (cst.FunctionDef, cst.ClassDef)
        ):
            # The header only (``with x as y:``, ``for ... in ...:``, ``if ...:``); blocks come next.
            for part in _headers(statement):
                _visit_calls(part, calls)
    return frozenset(calls.methods) if calls.yields else None


# Nodes that hold no call and no yield: whitespace, comments, punctuation and operators.
_NO_CALL = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Comment,
    cst.Newline,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.AssignEqual,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
    cst.Name,
    cst.SimpleString,  # not f-strings: they may call
    cst.BaseNumber,
)
_SKIPPED: dict[type, bool] = {}


def _visit_calls(node: cst.CSTNode, calls: _Calls) -> None:
    """What ``node.visit(calls)`` sees (every call and yield, not inside a lambda), read
    from the nodes' fields: LibCST's visitors rebuild each node they pass, many times slower."""
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            calls.visit_Call(current)
        elif isinstance(current, cst.Yield):
            calls.visit_Yield(current)
        elif isinstance(current, cst.Lambda):
            continue
        stack.extend(child for child in child_nodes(current) if not _skipped(type(child)))


def _skipped(kind: type) -> bool:
    found = _SKIPPED.get(kind)
    if found is None:
        found = _SKIPPED[kind] = issubclass(kind, _NO_CALL)
    return found


def _headers(statement: cst.BaseCompoundStatement) -> Iterator[cst.CSTNode]:
    if isinstance(statement, cst.With):
        yield from statement.items
    elif isinstance(statement, cst.For):
        yield statement.iter
    elif isinstance(statement, (cst.If, cst.While)):
        yield statement.test


@dataclass(frozen=True)
class Inclusion:
    """``api_router.include_router(endpoints_auth.router)``: the call and what it includes."""

    call: cst.Call
    target: str  # the included router as written, ``endpoints_auth.router``


def include_router_calls(module: cst.Module) -> list[Inclusion]:
    found = []
    for statement in nested_statements(cst.IndentedBlock(body=module.body)):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            call = small.value if isinstance(small, cst.Expr) else None
            if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
                continue
            if call.func.attr.value != "include_router":
                continue
            positional = positional_args(call)
            arg = positional[0] if positional else keyword_arg(call, "router")
            target = dotted_name(arg.value) if arg is not None else None
            if target:
                found.append(Inclusion(call, target))
    return found


@dataclass(frozen=True)
class Loader:
    """A loop that imports every file a glob matches and takes an attribute of each."""

    node: cst.For
    pattern: str  # ``app/modules/*/endpoints_*.py``
    attribute: str  # ``module``


def module_loaders(module: cst.Module) -> list[Loader]:
    found = []
    for statement in nested_statements(cst.IndentedBlock(body=module.body)):
        if not isinstance(statement, cst.For):
            continue
        call = statement.iter
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
            continue
        if call.func.attr.value not in ("glob", "rglob") or not positional_args(call):
            continue
        pattern = string_value(positional_args(call)[0].value)
        if pattern is None:
            continue
        for attribute in _hasattr_names(statement):
            found.append(Loader(statement, pattern, attribute))
    return found


class _HasAttr(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "hasattr":
            args = positional_args(node)
            name = string_value(args[1].value) if len(args) == 2 else None
            if name is not None and name not in self.names:
                self.names.append(name)


def _hasattr_names(loop: cst.For) -> list[str]:
    visitor = _HasAttr()
    loop.body.visit(visitor)
    return visitor.names


def init_params(cls: cst.ClassDef) -> tuple[str, ...] | None:
    """The parameters of the class's own ``__init__`` but ``self`` (keyword-only ones
    included); None when the class defines none."""
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    for statement in body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
            params = statement.params
            names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
            return tuple(names[1:] if names and names[0] == "self" else names)
    return None
