import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import add_keyword
from lint_rules.knowledge.matchers.routes import (
    explicit_status,
    keyword_unknown,
    local_router_names,
    routes_of,
)
from lint_rules.knowledge.matchers.syntax import is_none


class NoContentResponseModel(Rule):
    """
    ## What it does
    Checks that a route answering `204 No Content` says `response_model=None`.

    The status code is read in any spelling (`204`, `status.HTTP_204_NO_CONTENT`,
    `HTTPStatus.NO_CONTENT`). Routes with `response_class=` need no response model and
    are not checked, nor are websockets and decorators that pass `**kwargs`. A
    `response_model=<schema>` on a 204 route is reported at its value.

    ## Why is this bad?
    A 204 answer has no body. Without `response_model=None`, FastAPI infers the response
    model from the return annotation: `-> SomeSchema` makes the app refuse to start
    ("Status code 204 must not have a response body"), and so does `-> None` in a file
    with `from __future__ import annotations`, where the annotation is the string
    `"None"`. `response_model=None` says in the decorator, where the status code is, that
    nothing is sent, as Hyperion's endpoint guide writes it.

    ## Example
    ```python
    @module.router.delete("/advert/adverts/{advert_id}", status_code=204)
    async def delete_advert(advert_id: str, db: AsyncSession = Depends(get_db)): ...
    ```

    ## Use instead
    ```python
    @module.router.delete("/advert/adverts/{advert_id}", status_code=204, response_model=None)
    async def delete_advert(advert_id: str, db: AsyncSession = Depends(get_db)): ...
    ```

    ## Fix safety
    The fix adds `response_model=None` (or replaces the schema given to `response_model=`
    with `None`). A 204 answer never has a body, and FastAPI refuses a 204 route with a
    response model, so nothing a client can see changes. It is safe.

    ## Options
    None.
    """

    code = "HYP017"
    name = "no-content-response-model"
    message = "Route `{function}` answers 204 No Content but does not say `response_model=None`; add `response_model=None` to the decorator"
    fix_title = "Set `response_model=None`"
    fix_safety = Applicability.SAFE

    SCHEMA_MESSAGE = "Route `{function}` answers 204 No Content, which has no body, but declares a response model; use `response_model=None`"

    VALID = [
        Valid(
            """
            @module.router.delete("/demo/items/{item_id}", response_model=None, status_code=204)
            async def delete_item(item_id: str, db: AsyncSession = Depends(get_db)): ...
            """
        ),
        Valid(
            """
            from http import HTTPStatus

            @module.router.patch(
                "/demo/items/{item_id}",
                status_code=HTTPStatus.NO_CONTENT,
                response_model=None,
            )
            async def update_item(item_id: str, db: Annotated[AsyncSession, Depends(get_db)]) -> None: ...


            @module.router.post(
                "/demo/items/{item_id}/lock",
                status_code=status.HTTP_204_NO_CONTENT,
                response_model=None,
            )
            async def lock_item(item_id: str, db: Database): ...
            """
        ),
        Valid(
            """
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items(): ...


            @module.router.delete("/demo/items/{item_id}")
            async def delete_item(item_id: str): ...


            @module.router.delete("/demo/items/{item_id}/logo", status_code=204, response_class=Response)
            async def delete_logo(item_id: str): ...


            @module.router.delete("/demo/others/{other_id}", status_code=204, **ROUTE_DEFAULTS)
            async def delete_other(other_id: str): ...
            """
        ),
        Valid(
            """
            router = APIRouter()
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.api_route("/demo/items", methods=["DELETE", "POST"], status_code=204, response_model=None)
            async def clear_items(): ...


            @router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket): ...


            # @router.delete("/demo/items", status_code=204)
            async def not_a_route(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        Valid(
            """
            @module.router.delete("/demo/items/{item_id}", response_model=None, status_code=204)
            async def delete_item[T](item_id: T) -> None: ...
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.delete("/demo/items/{item_id}", status_code=204)
            async def delete_item(item_id: str): ...
            """,
            line=1,
            column=2,
            message="Route `delete_item` answers 204 No Content but does not say `response_model=None`; add `response_model=None` to the decorator",
            fixed="""
            @module.router.delete("/demo/items/{item_id}", status_code=204, response_model=None)
            async def delete_item(item_id: str): ...
            """,
        ),
        Invalid(
            """
            router = APIRouter()


            @router.patch(
                "/demo/items/{item_id}",
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def update_item(item_id: str) -> None: ...
            """,
            line=4,
            column=2,
            fixed="""
            router = APIRouter()


            @router.patch(
                "/demo/items/{item_id}",
                status_code=status.HTTP_204_NO_CONTENT,
                response_model=None,
            )
            async def update_item(item_id: str) -> None: ...
            """,
        ),
        Invalid(
            """
            @module.router.post(
                "/demo/items/{item_id}/lock",
                response_model=schemas_demo.Item,
                status_code=HTTPStatus.NO_CONTENT,
            )
            async def lock_item(item_id: str): ...
            """,
            line=3,
            column=20,
            message="Route `lock_item` answers 204 No Content, which has no body, but declares a response model; use `response_model=None`",
            fixed="""
            @module.router.post(
                "/demo/items/{item_id}/lock",
                response_model=None,
                status_code=HTTPStatus.NO_CONTENT,
            )
            async def lock_item(item_id: str): ...
            """,
        ),
        Invalid(
            """
            @module.router.api_route("/demo/items", methods=["DELETE", "PUT"], status_code=204)
            async def clear_items(): ...
            """,
            line=1,
            column=2,
            fixed="""
            @module.router.api_route("/demo/items", methods=["DELETE", "PUT"], status_code=204, response_model=None)
            async def clear_items(): ...
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in routes_of(node, self.router_names):
            if route.is_websocket or route.keyword("response_class") is not None:
                continue
            explicit = explicit_status(route)
            if explicit is None or explicit[1] != 204:
                continue
            model = route.keyword("response_model")
            if model is None:
                if keyword_unknown(route, "response_model"):
                    continue
                self.report(
                    route.call,
                    function=route.name,
                    replacement=add_keyword(route.call, "response_model", cst.Name("None")),
                )
            elif not is_none(model.value):
                self.report(
                    model.value,
                    self.SCHEMA_MESSAGE.format(function=route.name),
                    replacement=cst.Name("None"),
                )
