import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import add_keyword, python_string
from lint_rules.knowledge.matchers.routes import (
    docstring_summary,
    keyword_unknown,
    local_router_names,
    routes_of,
)


class EndpointMissingSummary(Rule):
    """
    ## What it does
    Checks that every HTTP route decorator passes `summary=`.

    ## Why is this bad?
    The summary is the title of the route in the Swagger page (`/docs`) and in the OpenAPI
    schema the mobile app is built from. Without it FastAPI makes one from the function
    name (`read_adverts` becomes "Read Adverts"), which says little about what the route
    does. Hyperion's endpoint guide gives every route a `summary=`. Websocket routes are
    not in the OpenAPI schema and are not checked; a decorator that passes `**kwargs` may
    carry the summary there and is not checked either.

    ## Example
    ```python
    @module.router.get("/advert/adverts", response_model=list[schemas_advert.AdvertComplete], status_code=200)
    async def read_adverts(db: AsyncSession = Depends(get_db)):
        \"\"\"Get all adverts.\"\"\"
    ```

    ## Use instead
    ```python
    @module.router.get(
        "/advert/adverts",
        summary="Get all adverts.",
        response_model=list[schemas_advert.AdvertComplete],
        status_code=200,
    )
    async def read_adverts(db: AsyncSession = Depends(get_db)):
        \"\"\"Get all adverts.\"\"\"
    ```

    ## Fix safety
    The fix appends `summary=` with the first line of the function's docstring, as written
    (whitespace stripped), as a quoted string literal. It changes only the documentation,
    so it is safe. A route without a docstring gets no fix: write the summary yourself
    (and see HYP032 for the missing docstring).

    ## Options
    None.
    """

    code = "HYP010"
    name = "endpoint-missing-summary"
    message = "Route `{function}` has no `summary=`, so the API docs title it from the function name; add {suggestion} to the decorator"
    fix_title = "Add `summary=` from the docstring's first line"
    fix_safety = Applicability.SAFE

    VALID = [
        Valid(
            """
            @module.router.get("/demo/items", summary="Get all items", response_model=list[int], status_code=200)
            async def read_items():
                \"\"\"Get all items.\"\"\"
            """
        ),
        Valid(
            """
            @module.router.delete(
                "/demo/items/{item_id}",
                summary="Delete an item",
                response_model=None,
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def delete_item(item_id: str, db: Annotated[AsyncSession, Depends(get_db)]) -> None:
                \"\"\"Delete an item.\"\"\"
            """
        ),
        Valid(
            """
            @module.router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket, db: AsyncSession = Depends(get_unsafe_db)):
                \"\"\"Stream updates.\"\"\"
            """
        ),
        Valid(
            """
            # @module.router.get("/demo/old")
            async def not_a_route():
                \"\"\"Old route.\"\"\"
            """
        ),
        Valid(
            """
            router = APIRouter(tags=["Demo"])
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.api_route("/demo/ping", methods=["GET", "HEAD"], summary="Ping", status_code=200)
            async def ping(db: Database) -> dict[str, str]:
                return {"ping": "pong"}
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        Valid(
            """
            module = Module(root=DEMO_ROOT, tag="Demo", factory=None, permissions=DemoPermissions)
            """
        ),
        Valid(
            """
            ROUTE_DEFAULTS = {"summary": "Shared summary"}


            @module.router.get("/demo/items", status_code=200, **ROUTE_DEFAULTS)
            async def read_items(): ...
            """
        ),
        Valid(
            """
            type Items = list[int]


            @module.router.get("/demo/first", summary="Get the first item", response_model=int, status_code=200)
            async def read_first[T](items: T) -> T:
                return items
            """
        ),
        # A docstring Python would refuse (a bad escape; LibCST parses it).
        Valid(
            """
            @module.router.get("/demo/items", summary="Get all items", status_code=200)
            async def read_items():
                "Get all \\x items."
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items():
                \"\"\"Get all items.\"\"\"
            """,
            line=1,
            column=2,
            message='Route `read_items` has no `summary=`, so the API docs title it from the function name; add `summary="Get all items."` to the decorator',
            fixed="""
            @module.router.get("/demo/items", response_model=list[int], status_code=200, summary="Get all items.")
            async def read_items():
                \"\"\"Get all items.\"\"\"
            """,
        ),
        Invalid(
            """
            router = APIRouter()


            @router.post(
                "/demo/items",
                response_model=int,
                status_code=201,
            )
            async def create_item():
                \"\"\"
                    Create an item called "Ünïcode".

                **Only admins may create items.**
                \"\"\"
            """,
            line=4,
            column=2,
            fixed="""
            router = APIRouter()


            @router.post(
                "/demo/items",
                response_model=int,
                status_code=201,
                summary='Create an item called "Ünïcode".',
            )
            async def create_item():
                \"\"\"
                    Create an item called "Ünïcode".

                **Only admins may create items.**
                \"\"\"
            """,
        ),
        Invalid(
            """
            @module.router.patch("/demo/items/{item_id}", status_code=204, response_model=None)
            async def update_item(item_id: str): ...
            """,
            line=1,
            column=2,
            message='Route `update_item` has no `summary=`, so the API docs title it from the function name; add `summary="..."` (a short title) to the decorator',
        ),
        Invalid(
            """
            @module.router.api_route("/demo/items", methods=["GET", "POST"], status_code=200)
            async def items():
                \"\"\"It's "both".\"\"\"
            """,
            line=1,
            column=2,
            fixed="""
            @module.router.api_route("/demo/items", methods=["GET", "POST"], status_code=200, summary="It's \\"both\\".")
            async def items():
                \"\"\"It's "both".\"\"\"
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = [r for r in routes_of(node, self.router_names) if not r.is_websocket]
        if not routes:
            return
        summary = docstring_summary(node)
        literal = python_string(summary) if summary is not None else None
        for route in routes:
            if route.keyword("summary") is not None or keyword_unknown(route, "summary"):
                continue
            if literal is None:
                self.report(route.call, function=route.name, suggestion='`summary="..."` (a short title)')
                continue
            self.report(
                route.call,
                function=route.name,
                suggestion=f"`summary={literal}`",
                replacement=add_keyword(route.call, "summary", cst.SimpleString(literal)),
            )
