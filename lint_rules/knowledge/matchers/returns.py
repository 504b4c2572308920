"""What a function returns, statement by statement: for HYP018.

Each ``return <value>`` of the function's own body (nested functions and classes left
out) is sorted into one of three kinds:

- a response (``return Response(status_code=204)``, ``return RedirectResponse(...)``,
  a name bound to one, or a parameter annotated with a ``*Response`` class): FastAPI
  sends it as it is;
- the result of calls (``return await cruds_x.delete_y(...)``, or a name every
  assignment of which is such a call): a value or None depending on what the callees
  give, which only the project can tell;
- a value (a literal, a dict, an attribute, a parameter, a name bound to any of those).

Anything else (a name the function does not bind, a call of something that is not a
name) is left out: nothing is said about it. Pure functions of LibCST nodes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from lint_rules.knowledge.matchers.project import _own_statements
from lint_rules.knowledge.matchers.signatures import all_params, unwrap_annotated
from lint_rules.knowledge.matchers.syntax import dotted_name, is_none, last_name

RESPONSE, CALLS, VALUE = "response", "calls", "value"


@dataclass(frozen=True)
class Returned:
    node: cst.BaseExpression  # the returned value
    kind: str  # RESPONSE, CALLS or VALUE
    callees: tuple[str, ...] = ()  # for CALLS: the dotted names called


def _is_response_class(node: cst.BaseExpression | None) -> bool:
    name = last_name(node)
    return name is not None and name.endswith("Response")


def _small_statements(function: cst.FunctionDef) -> Iterator[cst.BaseSmallStatement]:
    for statement in _own_statements(function):
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body


def _bindings(function: cst.FunctionDef) -> dict[str, list[cst.BaseExpression | None]]:
    """Every name the function's own body binds, with the value of each binding (None
    when it is bound otherwise than by ``name = value``: a loop, a ``with``, ``+=``...)."""
    found: dict[str, list[cst.BaseExpression | None]] = {}
    for small in _small_statements(function):
        if isinstance(small, cst.Assign):
            for target in small.targets:
                name = target.target.value if isinstance(target.target, cst.Name) else None
                if name is not None:
                    found.setdefault(name, []).append(small.value)
        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
            found.setdefault(small.target.value, []).append(small.value)
        elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            found.setdefault(small.target.value, []).append(None)
    for statement in _own_statements(function):
        for node in _other_targets(statement):
            found.setdefault(node, []).append(None)
    return found


def _other_targets(statement: cst.BaseStatement) -> Iterator[str]:
    """Names bound by a ``for``, a ``with ... as`` or an ``except ... as``."""
    targets: list[cst.CSTNode] = []
    if isinstance(statement, cst.For):
        targets.append(statement.target)
    elif isinstance(statement, cst.With):
        targets += [item.asname.name for item in statement.items if item.asname is not None]
    elif isinstance(statement, (cst.Try, cst.TryStar)):
        targets += [h.name.name for h in statement.handlers if h.name is not None]
    for target in targets:
        if isinstance(target, cst.Name):
            yield target.value
        elif isinstance(target, (cst.Tuple, cst.List)):
            yield from (e.value.value for e in target.elements if isinstance(e.value, cst.Name))


def _of_value(value: cst.BaseExpression) -> tuple[str, tuple[str, ...]] | None:
    """The kind of a value that is not a name; None when nothing can be said."""
    if isinstance(value, cst.Await):
        value = value.expression
    if isinstance(value, cst.Call):
        if _is_response_class(value.func):
            return RESPONSE, ()
        callee = dotted_name(value.func)
        return (CALLS, (callee,)) if callee is not None else None
    return VALUE, ()


def returned_values(function: cst.FunctionDef) -> list[Returned]:
    """Each ``return <value>`` of the function's own body (``return None`` and a bare
    ``return`` return nothing and are left out), with what it returns."""
    responses = set()
    parameters = set()
    for param in all_params(function):
        parameters.add(param.name.value)
        annotation = param.annotation.annotation if param.annotation is not None else None
        if annotation is not None and _is_response_class(unwrap_annotated(annotation)[0]):
            responses.add(param.name.value)
    bindings: dict[str, list[cst.BaseExpression | None]] | None = None
    found = []
    for small in _small_statements(function):
        if not isinstance(small, cst.Return) or small.value is None or is_none(small.value):
            continue
        value = small.value
        if not isinstance(value, cst.Name):
            kind = _of_value(value)
            if kind is not None:
                found.append(Returned(value, *kind))
            continue
        if bindings is None:
            bindings = _bindings(function)
        name = value.value
        if name in responses:
            found.append(Returned(value, RESPONSE))
            continue
        bound = bindings.get(name)
        if bound is None:
            if name in parameters:
                found.append(Returned(value, VALUE))
            continue  # a global, a builtin: not judged
        kinds = [_of_value(b) if b is not None and not is_none(b) else None for b in bound]
        if any(k is None for k in kinds):
            continue  # bound by a loop, a `with`, to None...: not judged
        if any(k[0] == RESPONSE for k in kinds if k is not None):
            found.append(Returned(value, RESPONSE))
        elif any(k[0] == VALUE for k in kinds if k is not None):
            found.append(Returned(value, VALUE))
        else:
            found.append(Returned(value, CALLS, tuple(c for k in kinds if k is not None for c in k[1])))
    return found


__all__ = ["CALLS", "RESPONSE", "VALUE", "Returned", "returned_values"]
