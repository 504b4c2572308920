import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import add_keyword
from lint_rules.knowledge.matchers.routes import local_router_names, routes_of


class EndpointMissingStatusCode(Rule):
    """
    ## What it does
    Checks that every HTTP route decorator passes `status_code=`.

    ## Why is this bad?
    Without `status_code=`, FastAPI answers 200 and documents 200, even for a route that
    creates (201) or returns nothing (204). Hyperion's endpoint guide asks every route to
    state its success code so that the OpenAPI schema, the mobile app and the tests agree.
    Websocket routes have no status code and are not checked.

    ## Example
    ```python
    @module.router.get("/advert/adverts", response_model=list[schemas_advert.AdvertComplete])
    async def read_adverts(db: AsyncSession = Depends(get_db)): ...
    ```

    ## Use instead
    ```python
    @module.router.get(
        "/advert/adverts",
        response_model=list[schemas_advert.AdvertComplete],
        status_code=200,
    )
    async def read_adverts(db: AsyncSession = Depends(get_db)): ...
    ```

    ## Fix safety
    The fix adds `status_code=200`, the code FastAPI already uses when none is given, so
    behaviour does not change. It is safe. The status-code rules (HYP013-HYP016) then tell
    whether 200 is the right code for the route.

    ## Options
    None.
    """

    code = "HYP012"
    name = "endpoint-missing-status-code"
    message = "Route `{function}` does not say its success status code; add `status_code=` to the decorator (200 for a read, 201 for a create, 204 when nothing is returned)"
    fix_title = "Add `status_code=200` (FastAPI's implicit default)"
    fix_safety = Applicability.SAFE

    VALID = [
        Valid(
            """
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items(): ...
            """
        ),
        Valid(
            """
            router = APIRouter(tags=["Demo"])

            @router.delete(
                "/demo/items/{item_id}",
                status_code=status.HTTP_204_NO_CONTENT,
                response_model=None,
            )
            async def delete_item(item_id: str): ...
            """
        ),
        Valid(
            """
            @module.router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket): ...
            """
        ),
        Valid(
            """
            # @module.router.get("/demo/old")
            async def not_a_route(): ...
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items", response_model=list[int])
            async def read_items(): ...
            """,
            line=1,
            column=2,
            message="Route `read_items` does not say its success status code; add `status_code=` to the decorator (200 for a read, 201 for a create, 204 when nothing is returned)",
            fixed="""
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items(): ...
            """,
        ),
        Invalid(
            """
            router = APIRouter()


            @router.post(
                "/demo/items",
                response_model=int,
            )
            async def create_item(): ...
            """,
            line=4,
            column=2,
            fixed="""
            router = APIRouter()


            @router.post(
                "/demo/items",
                response_model=int,
                status_code=200,
            )
            async def create_item(): ...
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in routes_of(node, self.router_names):
            if route.is_websocket or route.keyword("status_code") is not None:
                continue
            self.report(
                route.call,
                function=route.name,
                replacement=add_keyword(route.call, "status_code", cst.Integer("200")),
            )
