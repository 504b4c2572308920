import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.routes import function_docstring, local_router_names, routes_of


class EndpointMissingDocstring(Rule):
    """
    ## What it does
    Checks that every route function, websocket routes included, starts with a docstring
    (an empty one does not count).

    ## Why is this bad?
    FastAPI shows a route's docstring as its description in the OpenAPI documentation
    (/docs), the page the mobile and web developers read to call the API. Without it they
    have the summary alone and must read the code to learn who may call the route, what
    it checks and what it changes. Every route in Hyperion's endpoint guide has one.

    ## Example
    ```python
    @module.router.get("/demo/items", summary="Get all items", status_code=200)
    async def read_items(db: AsyncSession = Depends(get_db)):
        return await cruds_demo.get_items(db=db)
    ```

    ## Use instead
    ```python
    @module.router.get("/demo/items", summary="Get all items", status_code=200)
    async def read_items(db: AsyncSession = Depends(get_db)):
        \"\"\"Return every item. Any member of the module may call it.\"\"\"
        return await cruds_demo.get_items(db=db)
    ```

    ## Fix safety
    No automatic fix: only you know what the route does.

    ## Options
    None.
    """

    code = "HYP032"
    name = "endpoint-missing-docstring"
    message = "Route `{function}` has no docstring; start its body with a `\"\"\"...\"\"\"` that says what it does and who may call it (FastAPI shows it in /docs)"
    fix_title = "Add a docstring to `{function}`"

    VALID = [
        Valid(
            """
            @module.router.get(
                "/demo/items",
                response_model=list[int],
                status_code=200,
            )
            async def read_items(db: AsyncSession = Depends(get_db)):
                \"\"\"
                Return every item.

                **The user must be a member of the module**
                \"\"\"
                return []
            """
        ),
        # Helpers and commented-out decorators are not routes.
        Valid(
            """
            async def helper():
                return 1

            # @module.router.get("/demo/old")
            async def old_route(): ...
            """
        ),
        Valid(
            """
            router = APIRouter()

            @router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket):
                '''Stream item updates.'''

            @router.api_route("/demo/items", methods=["GET", "HEAD"])
            async def read_items[T]() -> list[T]:
                r\"\"\"List the items.\"\"\"
                return []
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items():
                return []
            """,
            line=2,
            column=1,
            message="Route `read_items` has no docstring; start its body with a `\"\"\"...\"\"\"` that says what it does and who may call it (FastAPI shows it in /docs)",
        ),
        # A comment is not a docstring.
        Invalid(
            """
            @module.router.delete(
                "/demo/items/{item_id}",
                status_code=204,
            )
            async def delete_item(item_id: str):
                # Delete the item.
                await cruds_demo.delete_item(item_id=item_id)
            """,
            line=5,
            column=1,
        ),
        Invalid(
            """
            @module.router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket):
                \"\"\"\"\"\"
            """,
            line=2,
            column=1,
        ),
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            line=2,
            column=1,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not routes_of(node, self.router_names):
            return
        if function_docstring(node):
            return
        self.report(node, function=node.name.value)
