import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.knowledge.matchers.routes import local_router_names, routes_of


class EndpointNotAsync(Rule):
    """
    ## What it does
    Checks that every route function, websocket routes included, is defined with
    `async def`.

    ## Why is this bad?
    FastAPI runs a plain `def` route in a thread pool, apart from the event loop that the
    rest of Hyperion lives in. The session from `get_db` is an `AsyncSession` and the cruds
    are coroutines: a sync route cannot `await` them, and the thread pool is small (40
    threads), so a few slow sync routes make every other request wait. Hyperion writes
    every endpoint `async`; do the same so that the route can await its cruds.

    ## Example
    ```python
    @module.router.get("/demo/items", status_code=200)
    def read_items(): ...
    ```

    ## Use instead
    ```python
    @module.router.get("/demo/items", status_code=200)
    async def read_items(): ...
    ```

    ## Fix safety
    The fix adds `async`. It is unsafe: FastAPI then runs the body on the event loop
    instead of a thread, so a blocking call in it (`time.sleep`, `requests.get`, reading a
    big file) would now stall every request. Check the body, and await async versions of
    such calls, before applying it.

    ## Options
    None.
    """

    code = "HYP031"
    name = "endpoint-not-async"
    message = "Route `{function}` is defined with `def`, so FastAPI runs it in a thread pool and it cannot await cruds; write `async def {function}(...)`"
    fix_title = "Make `{function}` `async`"
    fix_safety = Applicability.UNSAFE

    VALID = [
        Valid(
            """
            @module.router.get(
                "/demo/items",
                response_model=list[int],
                status_code=200,
            )
            async def read_items(db: AsyncSession = Depends(get_db)):
                \"\"\"Read the items.\"\"\"
            """
        ),
        # Helpers, a commented-out decorator and other decorators are not routes.
        Valid(
            """
            def build_item(name: str) -> dict: ...

            # @module.router.get("/demo/old")
            def old_route(): ...

            @lru_cache
            def settings(): ...
            """
        ),
        Valid(
            """
            router = APIRouter()

            @router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket): ...

            @router.api_route("/demo/items", methods=["GET", "HEAD"])
            async def read_items[T]() -> list[T]: ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            def read_items():
                \"\"\"Read the items.\"\"\"
                return []
            """,
            line=2,
            column=1,
            message="Route `read_items` is defined with `def`, so FastAPI runs it in a thread pool and it cannot await cruds; write `async def read_items(...)`",
            fixed="""
            @module.router.get("/demo/items", status_code=200)
            async def read_items():
                \"\"\"Read the items.\"\"\"
                return []
            """,
        ),
        # Websocket routes too; the decorator spans several lines.
        Invalid(
            """
            @module.router.websocket(
                "/demo/ws",
            )
            def websocket_endpoint(websocket: WebSocket):
                pass
            """,
            line=4,
            column=1,
            fixed="""
            @module.router.websocket(
                "/demo/ws",
            )
            async def websocket_endpoint(websocket: WebSocket):
                pass
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.asynchronous is not None or not routes_of(node, self.router_names):
            return
        self.report(
            node,
            replacement=node.with_changes(asynchronous=cst.Asynchronous()),
            function=node.name.value,
        )
