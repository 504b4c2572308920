"""What a route decorator and its function say about the response: shared by HYP010-HYP017.

Everything here reads one route (its decorator call and its function) and nothing else:
the status code as written, the response class, whether the function returns a value,
the response objects it returns directly, and how to spell a replacement status code in
the style of the one it replaces. All functions are pure and bounded to one function.
"""

from __future__ import annotations

import http

import libcst as cst

from lint_rules.rules.hyperion import (
    Route,
    has_star_kwargs,
    last_name,
    status_code_value,
    string_value,
)

__all__ = [
    "NO_BODY_CODES",
    "annotation_is_model",
    "annotation_is_none",
    "annotation_is_response",
    "body_allowed",
    "docstring_summary",
    "explicit_status",
    "is_none",
    "is_redirect_class",
    "keyword_unknown",
    "python_string",
    "response_class_name",
    "returned_response_classes",
    "returns_nothing",
    "returns_value",
    "status_expression",
]

# Codes that FastAPI sends without a body (``fastapi.utils.is_body_allowed_for_status_code``),
# besides the informational 1xx ones.
NO_BODY_CODES = frozenset({204, 205, 304})


def body_allowed(code: int) -> bool:
    """False for the status codes whose response never has a body (1xx, 204, 205, 304)."""
    return not (code < 200 or code in NO_BODY_CODES)


def is_none(node: cst.CSTNode | None) -> bool:
    """True for the literal ``None``."""
    return isinstance(node, cst.Name) and node.value == "None"


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


# -- the function body -------------------------------------------------------------------


# Nodes that hold no statement: simple statements other than ``return``, whitespace, comments.
_NOT_ENTERED = (
    cst.BaseSmallStatement,
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Comment,
    cst.Newline,
)


def _own_returns(node: cst.CSTNode) -> list[cst.Return]:
    """Every ``return`` statement of the function's own body.

    Nested functions, classes and lambdas are not entered, nor are expressions (a
    ``return`` is a statement), which keeps the walk to the statement skeleton.
    """
    found: list[cst.Return] = []
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        for child in current.children:
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


def _return_annotation(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """The return annotation, with a string annotation (``-> "None"``) read as code."""
    if function.returns is None:
        return None
    annotation = function.returns.annotation
    text = string_value(annotation)
    if text is not None:
        try:
            return cst.parse_expression(text)
        except cst.ParserSyntaxError:
            return annotation
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


# -- writing replacements ------------------------------------------------------------------


def status_expression(old: cst.BaseExpression, code: int) -> cst.BaseExpression:
    """``code`` spelled like ``old``: an int stays an int, ``status.HTTP_200_OK`` becomes
    ``status.HTTP_204_NO_CONTENT``, ``HTTPStatus.OK`` becomes ``HTTPStatus.NO_CONTENT``."""
    if isinstance(old, cst.Attribute):
        owner = last_name(old.value)
        phrase = http.HTTPStatus(code).name
        if owner == "status":
            return old.with_changes(attr=cst.Name(f"HTTP_{code}_{phrase}"))
        if owner == "HTTPStatus":
            return old.with_changes(attr=cst.Name(phrase))
    if isinstance(old, cst.Integer):
        return old.with_changes(value=str(code))
    return cst.Integer(str(code))


def python_string(text: str) -> str:
    """A double-quoted Python string literal whose value is ``text`` (single quotes when
    ``text`` holds a double quote and no single one, as ``repr`` and formatters do)."""
    if '"' in text and "'" not in text:
        return repr(text)
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char.isprintable():
            out.append(char)
        else:
            out.append(repr(char)[1:-1])
    return '"' + "".join(out) + '"'


def docstring_summary(function: cst.FunctionDef) -> str | None:
    """The first non-empty line of the function's docstring, stripped; None without one."""
    doc = function.get_docstring(clean=True)
    if not doc:
        return None
    for line in doc.splitlines():
        if line.strip():
            return line.strip()
    return None
