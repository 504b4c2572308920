import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import status_expression
from lint_rules.knowledge.matchers.routes import expected_statuses, explicit_status, local_router_names, redirects, routes_of


class DeleteNot204(Rule):
    """
    ## What it does
    Checks that a DELETE route answers `204 No Content`.

    Only an explicit status code that can be read statically is judged (`200`,
    `status.HTTP_200_OK`, `HTTPStatus.OK`); a route without `status_code=` is left to
    HYP012. An `api_route(..., methods=[...])` listing DELETE is judged for it, and
    reported once. One that also serves a method asking for another code (GET, 200) is
    left alone: no one code would do. A route that redirects (a 3xx code, a
    `response_class=RedirectResponse`, or only `RedirectResponse(...)` returned) is not
    judged: a redirect answers a 3xx, as HYP011, HYP012 and HYP016 say.

    A DELETE route that returns a value is reported like any other, and HYP011 leaves it
    to this rule rather than ask for its `response_model=`: a delete sends no body.

    ## Why is this bad?
    A successful delete has nothing to send back. Hyperion's endpoint guide uses 204 for
    DELETE routes, so that the mobile app and the tests expect an empty answer everywhere.

    ## Example
    ```python
    @module.router.delete("/advert/adverts/{advert_id}", status_code=200)
    async def delete_advert(advert_id: str, db: AsyncSession = Depends(get_db)): ...
    ```

    ## Use instead
    ```python
    @module.router.delete(
        "/advert/adverts/{advert_id}",
        response_model=None,
        status_code=204,
    )
    async def delete_advert(advert_id: str, db: AsyncSession = Depends(get_db)): ...
    ```

    ## Fix safety
    The fix sets the code to 204, written like the old one (an int stays an int,
    `status.HTTP_200_OK` becomes `status.HTTP_204_NO_CONTENT`). Clients that read the
    old code or a body break, and a route that still returns a body or declares a
    `response_model=` must be changed too (FastAPI refuses a 204 with a response model),
    so the fix is unsafe.

    ## Options
    None.
    """

    code = "HYP013"
    name = "delete-not-204"
    message = "DELETE route `{function}` answers {status}; a successful delete returns no body, so use `status_code=204` (with `response_model=None`)"
    fix_title = "Set `status_code` to 204"
    fix_safety = Applicability.UNSAFE

    VALID = [
        Valid(
            """
            @module.router.delete("/demo/items/{item_id}", response_model=None, status_code=204)
            async def delete_item(item_id: str, db: AsyncSession = Depends(get_db)) -> None: ...
            """
        ),
        Valid(
            """
            from http import HTTPStatus

            @module.router.delete(
                "/demo/items/{item_id}",
                response_model=None,
                status_code=HTTPStatus.NO_CONTENT,
            )
            async def delete_item(item_id: str, db: Annotated[AsyncSession, Depends(get_db)]): ...


            @module.router.delete(
                "/demo/others/{other_id}",
                response_model=None,
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def delete_other(other_id: str, db: Database): ...
            """
        ),
        Valid(
            """
            @module.router.delete("/demo/items/{item_id}")
            async def delete_item(item_id: str): ...


            @module.router.delete("/demo/others/{other_id}", status_code=DELETE_CODE)
            async def delete_other(other_id: str): ...
            """
        ),
        Valid(
            """
            router = APIRouter()
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.api_route("/demo/items", methods=["GET", "HEAD"], status_code=200)
            async def read_items(): ...


            @router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket): ...


            # @router.delete("/demo/items", status_code=200)
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
        # A redirect answers a 3xx, not 204.
        Valid(
            """
            @module.router.delete("/demo/items/{item_id}", status_code=200)
            async def delete_item(item_id: str):
                await cruds_demo.delete_item(item_id)
                return RedirectResponse("/demo/items", status_code=303)
            """
        ),
        # GET and DELETE on one route: HYP016 asks 200 of it, so neither rule judges it
        # (their fixes would undo each other).
        Valid(
            """
            @module.router.api_route("/demo/items", methods=["GET", "DELETE"], status_code=200)
            async def items(): ...
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.delete("/demo/items/{item_id}", status_code=200)
            async def delete_item(item_id: str): ...
            """,
            line=1,
            column=60,
            message="DELETE route `delete_item` answers 200; a successful delete returns no body, so use `status_code=204` (with `response_model=None`)",
            fixed="""
            @module.router.delete("/demo/items/{item_id}", status_code=204)
            async def delete_item(item_id: str): ...
            """,
        ),
        Invalid(
            """
            router = APIRouter()


            @router.delete(
                "/demo/items/{item_id}",
                response_model=schemas_demo.Item,
                status_code=status.HTTP_200_OK,
            )
            async def delete_item(item_id: str): ...
            """,
            line=7,
            column=17,
            fixed="""
            router = APIRouter()


            @router.delete(
                "/demo/items/{item_id}",
                response_model=schemas_demo.Item,
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def delete_item(item_id: str): ...
            """,
        ),
        Invalid(
            """
            @module.router.api_route("/demo/items", methods=["DELETE", "POST"], status_code=HTTPStatus.OK)
            async def clear_items(): ...
            """,
            line=1,
            column=81,
            fixed="""
            @module.router.api_route("/demo/items", methods=["DELETE", "POST"], status_code=HTTPStatus.NO_CONTENT)
            async def clear_items(): ...
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in routes_of(node, self.router_names):
            if "delete" not in route.methods or len(expected_statuses(route)) > 1:
                continue
            explicit = explicit_status(route)
            if explicit is None or explicit[1] == 204 or redirects(route):
                continue
            arg, code = explicit
            self.report(
                arg.value,
                function=route.name,
                status=code,
                replacement=status_expression(arg.value, 204),
            )
