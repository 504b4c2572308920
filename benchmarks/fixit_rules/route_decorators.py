"""A Fixit 2 rule doing what hyperion-lint's HYP010, HYP011, HYP012 and HYP013 do.

It exists only to compare the speed of the two engines on the same work (``benchmarks/run.py``);
it is written as an ordinary Fixit rule (a ``fixit.LintRule`` visiting ``FunctionDef`` nodes,
positions from LibCST's ``PositionProvider`` through ``self.report``) and is not part of
hyperion-lint. On every route decorator (``@module.router.get(...)``, ``@core_module.router.
post(...)``, ``@router.delete(...)``, a module-level ``APIRouter()`` name, ``api_route(...,
methods=[...])``; websockets excluded) it reports, each message starting with the code of the
hyperion-lint rule it mirrors:

- HYP010: no ``summary=`` (unless ``**kwargs`` may carry it);
- HYP011: no ``response_model=`` on a route that sends a body: not when ``response_class=`` is
  given, when the status code has no body (1xx, 204, 205, 304) or cannot be read, when the
  function has a return annotation other than ``None`` (FastAPI infers the model from it), or
  when ``**kwargs`` is passed;
- HYP012: no ``status_code=``;
- HYP013: a DELETE route whose explicit, readable status code is not 204 (an ``api_route``
  serving DELETE and a method that asks another code, such as GET, is left alone).

Run it alone with ``fixit --rules fixit_rules lint app``, ``benchmarks/`` on ``PYTHONPATH``.
"""

from __future__ import annotations

import http
import re

import libcst as cst
from fixit import Invalid, LintRule, Valid

METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace"})
NO_BODY = frozenset({204, 205, 304})
STATUS_ATTR = re.compile(r"^(?:HTTP|WS)_(\d{3,4})(?:_|$)")


def last_name(node: cst.BaseExpression | None) -> str | None:
    """``b`` for ``a.b`` and for ``b``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def status_value(node: cst.BaseExpression) -> int | None:
    """The code ``204``, ``status.HTTP_204_NO_CONTENT`` or ``HTTPStatus.NO_CONTENT`` denotes."""
    if isinstance(node, cst.Integer):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return None
    if isinstance(node, cst.Attribute):
        owner, attr = last_name(node.value), node.attr.value
        match = STATUS_ATTR.match(attr)
        if owner == "status" and match:
            return int(match.group(1))
        if owner == "HTTPStatus" and attr in http.HTTPStatus.__members__:
            return int(http.HTTPStatus[attr])
    return None


def is_none(node: cst.BaseExpression | None) -> bool:
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value == "None"
    return isinstance(node, cst.Name) and node.value == "None"


class RouteDecoratorConventions(LintRule):
    """Route decorators state summary, response model and status code; deletes answer 204."""

    VALID = [
        Valid(
            """
            @module.router.get("/demo/items", summary="Items", response_model=list[int], status_code=200)
            async def read_items(): ...
            """
        ),
        Valid(
            """
            @router.delete("/demo/items/{item_id}", summary="Delete", response_model=None, status_code=204)
            async def delete_item(item_id: str): ...
            """
        ),
        Valid(
            """
            @module.router.get("/demo/logo", summary="Logo", response_class=FileResponse, status_code=200)
            async def read_logo(): ...

            @module.router.websocket("/demo/ws")
            async def ws(websocket): ...
            """
        ),
        Valid(
            """
            @module.router.get("/demo/items", summary="Items", status_code=200)
            async def read_items() -> list[int]: ...
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items(): ...
            """
        ),
        Invalid(
            """
            @module.router.get("/demo/items", summary="Items", status_code=200)
            async def read_items():
                return []
            """
        ),
        Invalid(
            """
            @module.router.get("/demo/items", summary="Items", response_model=list[int])
            async def read_items(): ...
            """
        ),
        Invalid(
            """
            @core_module.router.delete("/demo/items/{item_id}", summary="Delete", response_model=None, status_code=200)
            async def delete_item(item_id: str): ...
            """
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.routers: set[str] = set()

    def visit_Module(self, node: cst.Module) -> None:
        """Names bound at module level to ``APIRouter(...)`` are routers too."""
        self.routers = set()
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if not isinstance(small, (cst.Assign, cst.AnnAssign)) or not isinstance(small.value, cst.Call):
                    continue
                if last_name(small.value.func) == "APIRouter":
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                    self.routers.update(t.value for t in targets if isinstance(t, cst.Name))

    def _methods(self, call: cst.Call) -> tuple[str, ...] | None:
        """The HTTP methods of a route decorator call; None for anything else."""
        func = call.func
        if not isinstance(func, cst.Attribute):
            return None
        owner = func.value
        is_router = (isinstance(owner, cst.Name) and (owner.value == "router" or owner.value in self.routers)) or (
            isinstance(owner, cst.Attribute) and owner.attr.value == "router"
        )
        method = func.attr.value
        if not is_router:
            return None
        if method in METHODS:
            return (method,)
        if method != "api_route":
            return None
        listed = next((a.value for a in call.args if a.keyword and a.keyword.value == "methods"), None)
        if listed is None:
            return ("get",)
        if isinstance(listed, (cst.List, cst.Tuple, cst.Set)):
            return tuple(
                e.value.evaluated_value.lower()
                for e in listed.elements
                if isinstance(e.value, cst.SimpleString) and isinstance(e.value.evaluated_value, str)
            )
        return ()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            call = decorator.decorator
            if not isinstance(call, cst.Call):
                continue
            methods = self._methods(call)
            if methods is None:
                continue
            keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
            star_kwargs = any(a.star == "**" for a in call.args)
            name = node.name.value
            if "summary" not in keywords and not star_kwargs:
                self.report(call, f"HYP010 Route `{name}` has no `summary=`")
            status = keywords.get("status_code")
            code = status_value(status.value) if status is not None else None
            if status is None:
                self.report(call, f"HYP012 Route `{name}` does not say its success status code")
            if self._lacks_response_model(node, keywords, star_kwargs, status, code):
                self.report(call, f"HYP011 Route `{name}` does not declare the schema of its response")
            if "delete" in methods and code is not None and code != 204 and not self._mixed(methods, name):
                self.report(status.value, f"HYP013 DELETE route `{name}` answers {code}; use 204")

    @staticmethod
    def _lacks_response_model(node, keywords, star_kwargs, status, code) -> bool:
        if "response_model" in keywords or "response_class" in keywords or star_kwargs:
            return False
        if status is not None and (code is None or code < 200 or code in NO_BODY):
            return False  # unreadable (it may be 204) or a code without a body
        returns = node.returns.annotation if node.returns is not None else None
        if isinstance(returns, cst.SimpleString) and returns.evaluated_value == "None":
            returns = cst.Name("None")
        return returns is None or is_none(returns)

    @staticmethod
    def _mixed(methods: tuple[str, ...], name: str) -> bool:
        """An api_route serving DELETE and a method asking for another code (GET: 200, a
        POST create_*: 201). hyperion-lint also counts a PATCH/PUT that returns nothing as
        asking 204, the same as DELETE, so those never make it mixed."""
        others = {m for m in methods if m == "get" or (m == "post" and name.startswith("create_"))}
        return bool(others)
