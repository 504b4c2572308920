import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import status_expression
from lint_rules.knowledge.matchers.routes import (
    expected_statuses,
    explicit_status,
    local_router_names,
    redirects,
    returns_nothing,
    routes_of,
)

_UPDATE_METHODS = ("patch", "put")


class PatchPutNot204(Rule):
    """
    ## What it does
    Checks that a PATCH or PUT route that returns nothing answers `204 No Content`.

    A route returns nothing when its decorator gives no `response_model=` other than
    `None` and either it is annotated `-> None` or its own body has no `return <value>`
    (`return` and `return None` are no value; returns inside nested functions, classes
    and lambdas do not count). A route with `response_model=<schema>` returns something
    and may answer 200.

    Only an explicit status code that can be read statically is judged; a route without
    `status_code=` is left to HYP012. An `api_route(..., methods=[...])` listing PATCH or
    PUT is judged for them, and reported once, unless it also serves a method asking for
    another code (GET): no one code would do. A POST `create_*` beside it returns
    nothing too (it is the same function), and HYP014 leaves such a create to answer 204.
    A route that redirects (a 3xx code, a `response_class=RedirectResponse`) is not
    judged: a redirect answers a 3xx, as HYP011, HYP012 and HYP016 say.

    ## Why is this bad?
    An update that returns nothing but answers 200 sends the body `null`, which the
    OpenAPI schema cannot describe. Hyperion's endpoint guide uses 204 for PATCH/PUT
    routes that return nothing, so clients expect an empty answer.

    ## Example
    ```python
    @module.router.patch("/advert/adverts/{advert_id}", status_code=200)
    async def update_advert(advert_id: str, advert_update: schemas_advert.AdvertUpdate):
        await cruds_advert.update_advert(advert_id, advert_update, db)
    ```

    ## Use instead
    ```python
    @module.router.patch("/advert/adverts/{advert_id}", response_model=None, status_code=204)
    async def update_advert(advert_id: str, advert_update: schemas_advert.AdvertUpdate):
        await cruds_advert.update_advert(advert_id, advert_update, db)
    ```

    ## Fix safety
    The fix sets the code to 204, written like the old one (an int stays an int,
    `status.HTTP_200_OK` becomes `status.HTTP_204_NO_CONTENT`). Clients and tests that
    check the old code break, so the fix is unsafe.

    ## Options
    None.
    """

    code = "HYP015"
    name = "patch-put-not-204"
    message = "{method} route `{function}` returns nothing but answers {status}; an update with nothing to return answers 204, so use `status_code=204` (with `response_model=None`)"
    fix_title = "Set `status_code` to 204"
    fix_safety = Applicability.UNSAFE

    VALID = [
        Valid(
            """
            @module.router.patch("/demo/items/{item_id}", response_model=None, status_code=204)
            async def update_item(item_id: str, item: schemas_demo.ItemEdit, db: AsyncSession = Depends(get_db)):
                await cruds_demo.update_item(item_id, item, db)
            """
        ),
        Valid(
            """
            from http import HTTPStatus

            @module.router.put(
                "/demo/items/{item_id}",
                response_model=None,
                status_code=HTTPStatus.NO_CONTENT,
            )
            async def replace_item(item_id: str, db: Annotated[AsyncSession, Depends(get_db)]) -> None: ...


            @module.router.patch(
                "/demo/others/{other_id}",
                response_model=None,
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def update_other(other_id: str, db: Database): ...
            """
        ),
        Valid(
            """
            @module.router.patch("/demo/items/{item_id}", response_model=schemas_demo.Item, status_code=200)
            async def update_item(item_id: str):
                return await cruds_demo.update_item(item_id)


            @module.router.put("/demo/others/{other_id}", status_code=200)
            async def replace_other(other_id: str):
                if other_id:
                    return await cruds_demo.replace_other(other_id)
                raise HTTPException(status_code=404, detail="Not found")


            @module.router.patch("/demo/items/{item_id}/name")
            async def rename_item(item_id: str): ...
            """
        ),
        Valid(
            """
            router = APIRouter()
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.api_route("/demo/items", methods=["GET", "POST"], status_code=200)
            async def items(): ...


            @router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket): ...


            # @router.patch("/demo/items", status_code=200)
            async def not_a_route(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        Valid(
            """
            @module.router.patch("/demo/items/{item_id}", response_model=None, status_code=204)
            async def update_item[T](item_id: T) -> None: ...
            """
        ),
        # A redirect answers a 3xx, not 204.
        Valid(
            """
            @module.router.put("/demo/items/{item_id}", response_class=RedirectResponse, status_code=200)
            async def replace_item(item_id: str) -> None:
                await cruds_demo.replace(item_id)
            """
        ),
        # A return annotation LibCST parses but refuses as a name (a zero-width joiner).
        Valid(
            """
            @module.router.patch("/demo/items/{item_id}", status_code=200)
            async def update_item(item_id: str) -> "schemas_demo.Item\\u200d":
                return await cruds_demo.update_item(item_id)
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.patch("/demo/items/{item_id}", status_code=200)
            async def update_item(item_id: str, item: schemas_demo.ItemEdit):
                if item.name is None:
                    return
                await cruds_demo.update_item(item_id, item)
            """,
            line=1,
            column=59,
            message="PATCH route `update_item` returns nothing but answers 200; an update with nothing to return answers 204, so use `status_code=204` (with `response_model=None`)",
            fixed="""
            @module.router.patch("/demo/items/{item_id}", status_code=204)
            async def update_item(item_id: str, item: schemas_demo.ItemEdit):
                if item.name is None:
                    return
                await cruds_demo.update_item(item_id, item)
            """,
        ),
        Invalid(
            """
            router = APIRouter()


            @router.put(
                "/demo/items/{item_id}",
                response_model=None,
                status_code=status.HTTP_200_OK,
            )
            async def replace_item(item_id: str):
                def helper():
                    return item_id

                await cruds_demo.replace(helper)
            """,
            line=7,
            column=17,
            fixed="""
            router = APIRouter()


            @router.put(
                "/demo/items/{item_id}",
                response_model=None,
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def replace_item(item_id: str):
                def helper():
                    return item_id

                await cruds_demo.replace(helper)
            """,
        ),
        Invalid(
            """
            @module.router.api_route("/demo/items/{item_id}", methods=["PATCH", "PUT"], status_code=HTTPStatus.OK)
            async def update_item(item_id: str) -> None:
                return await cruds_demo.update_item(item_id)
            """,
            line=1,
            column=89,
            message="PATCH/PUT route `update_item` returns nothing but answers 200; an update with nothing to return answers 204, so use `status_code=204` (with `response_model=None`)",
            fixed="""
            @module.router.api_route("/demo/items/{item_id}", methods=["PATCH", "PUT"], status_code=HTTPStatus.NO_CONTENT)
            async def update_item(item_id: str) -> None:
                return await cruds_demo.update_item(item_id)
            """,
        ),
        # A PUT and a POST `create_*` that return nothing: HYP014 leaves the create to
        # answer 204, so 204 is the one code for both.
        Invalid(
            """
            @module.router.api_route("/demo/items", methods=["POST", "PUT"], status_code=201)
            async def create_items(): ...
            """,
            line=1,
            column=78,
            fixed="""
            @module.router.api_route("/demo/items", methods=["POST", "PUT"], status_code=204)
            async def create_items(): ...
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in routes_of(node, self.router_names):
            methods = [m for m in route.methods if m in _UPDATE_METHODS]
            if not methods or len(expected_statuses(route)) > 1:
                continue
            explicit = explicit_status(route)
            if explicit is None or explicit[1] == 204 or not returns_nothing(route) or redirects(route):
                continue
            arg, code = explicit
            self.report(
                arg.value,
                function=route.name,
                method="/".join(m.upper() for m in dict.fromkeys(methods)),
                status=code,
                replacement=status_expression(arg.value, 204),
            )
