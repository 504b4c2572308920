import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import status_expression
from lint_rules.knowledge.matchers.routes import (
    expected_statuses,
    explicit_status,
    is_redirect_class,
    local_router_names,
    response_class_name,
    returned_response_classes,
    routes_of,
)


class GetNot200(Rule):
    """
    ## What it does
    Checks that a GET route answers `200 OK`.

    A redirect is not a read: a GET route whose code is a redirection (3xx, e.g.
    `response_class=RedirectResponse, status_code=307` for a login or payment callback)
    is accepted. A `response_class=RedirectResponse` route with any other code, 200
    included, is told to use 307, RedirectResponse's own code (the one HYP012 writes when
    the route gives none): a browser follows the `Location` header of a 3xx only, so a
    URL returned by such a route with 200 redirects nowhere, and the documentation lies. A route that returns
    `RedirectResponse(...)` itself without declaring it is told to declare
    `response_class=RedirectResponse` (no fix: the route needs two changes). Files and
    streams (`response_class=FileResponse`, `StreamingResponse`) answer 200 like any read.

    Only an explicit status code that can be read statically is judged; a route without
    `status_code=` is left to HYP012. An `api_route(..., methods=[...])` listing GET (or
    giving no methods, which means GET) is judged for it, and reported once, unless it
    also serves a method asking for another code (DELETE, 204): no one code would do.

    ## Why is this bad?
    A read creates nothing (201) and always has something to send back (not 204).
    Hyperion's endpoint guide uses 200 for GET routes; a different code documents a
    wrong contract in the OpenAPI schema and misleads the mobile app.

    ## Example
    ```python
    @module.router.get("/raid/pay", response_model=schemas_raid.PaymentUrl, status_code=201)
    async def get_payment_url(db: AsyncSession = Depends(get_db)): ...
    ```

    ## Use instead
    ```python
    @module.router.get("/raid/pay", response_model=schemas_raid.PaymentUrl, status_code=200)
    async def get_payment_url(db: AsyncSession = Depends(get_db)): ...
    ```

    ## Fix safety
    The fix sets the code to 200 (307 for a `response_class=RedirectResponse` route),
    written like the old one (an int stays an int, `status.HTTP_201_CREATED` becomes
    `status.HTTP_200_OK`). Clients and tests that check the old code break, so the fix
    is unsafe.

    ## Options
    None.
    """

    code = "HYP016"
    name = "get-not-200"
    message = "GET route `{function}` answers {status}; a read answers 200 OK, so use `status_code=200`"
    fix_title = "Set `status_code` to {expected}"
    fix_safety = Applicability.UNSAFE

    REDIRECT_CLASS_MESSAGE = "GET route `{function}` redirects (`response_class={response}`) but answers {status}; a redirect answers a 3xx code, so use `status_code=307`"
    UNDECLARED_REDIRECT_MESSAGE = "GET route `{function}` returns a `{response}` but declares {status}; declare the redirect in the decorator: `response_class={response}` and `status_code=307`"

    VALID = [
        Valid(
            """
            @module.router.get("/demo/items", response_model=list[schemas_demo.Item], status_code=200)
            async def read_items(db: AsyncSession = Depends(get_db)): ...
            """
        ),
        Valid(
            """
            from http import HTTPStatus

            @module.router.get(
                "/demo/items/{item_id}",
                response_model=schemas_demo.Item,
                status_code=HTTPStatus.OK,
            )
            async def read_item(item_id: str, db: Annotated[AsyncSession, Depends(get_db)]): ...


            @module.router.get(
                "/demo/others",
                response_model=list[schemas_demo.Other],
                status_code=status.HTTP_200_OK,
            )
            async def read_others(db: Database): ...
            """
        ),
        Valid(
            """
            @module.router.get("/demo/items/{item_id}/logo", response_class=FileResponse, status_code=200)
            async def read_logo(item_id: str):
                return await get_file_from_data(directory="demo", filename=item_id)


            @module.router.get("/demo/login", response_class=RedirectResponse, status_code=status.HTTP_302_FOUND)
            async def login():
                return RedirectResponse("/demo")


            @module.router.get("/demo/callback", response_class=RedirectResponse, status_code=307)
            async def callback():
                return "/demo"


            @module.router.get("/demo/items")
            async def read_items(): ...
            """
        ),
        Valid(
            """
            router = APIRouter()
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.api_route("/demo/items", methods=["POST", "PUT"], status_code=201)
            async def items(): ...


            @router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket): ...


            # @router.get("/demo/items", status_code=201)
            async def not_a_route(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        Valid(
            """
            @module.router.get("/demo/first", response_model=int, status_code=200)
            async def read_first[T](items: T) -> T:
                return items
            """
        ),
        # Returning a RedirectResponse itself with the read's 200: HYP011 asks to declare it.
        Valid(
            """
            @module.router.get("/demo/confirm", status_code=200)
            async def confirm(token: str):
                return RedirectResponse(url="/demo/done")
            """
        ),
        # GET and DELETE on one route: HYP013 asks 204 of it, so neither rule judges it
        # (their fixes would undo each other).
        Valid(
            """
            @module.router.api_route("/demo/items", methods=["GET", "DELETE"], status_code=204)
            async def items(): ...
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/pay", response_model=schemas_demo.PaymentUrl, status_code=201)
            async def get_payment_url(): ...
            """,
            line=1,
            column=85,
            message="GET route `get_payment_url` answers 201; a read answers 200 OK, so use `status_code=200`",
            fixed="""
            @module.router.get("/demo/pay", response_model=schemas_demo.PaymentUrl, status_code=200)
            async def get_payment_url(): ...
            """,
        ),
        Invalid(
            """
            router = APIRouter()


            @router.api_route(
                "/demo/items",
                methods=["GET", "HEAD"],
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def read_items(): ...
            """,
            line=7,
            column=17,
            fixed="""
            router = APIRouter()


            @router.api_route(
                "/demo/items",
                methods=["GET", "HEAD"],
                status_code=status.HTTP_200_OK,
            )
            async def read_items(): ...
            """,
        ),
        Invalid(
            """
            @module.router.get("/demo/login", response_class=RedirectResponse, status_code=HTTPStatus.CREATED)
            async def login():
                return "/demo"
            """,
            line=1,
            column=80,
            message="GET route `login` redirects (`response_class=RedirectResponse`) but answers 201; a redirect answers a 3xx code, so use `status_code=307`",
            fixed="""
            @module.router.get("/demo/login", response_class=RedirectResponse, status_code=HTTPStatus.TEMPORARY_REDIRECT)
            async def login():
                return "/demo"
            """,
        ),
        # 200 is a read's code, not a redirect's.
        Invalid(
            """
            @module.router.get("/demo/callback", response_class=RedirectResponse, status_code=200)
            async def callback():
                return "/demo"
            """,
            line=1,
            column=83,
            message="GET route `callback` redirects (`response_class=RedirectResponse`) but answers 200; a redirect answers a 3xx code, so use `status_code=307`",
            fixed="""
            @module.router.get("/demo/callback", response_class=RedirectResponse, status_code=307)
            async def callback():
                return "/demo"
            """,
        ),
        Invalid(
            """
            @module.router.get("/demo/redirect", response_model=schemas_demo.PaymentUrl, status_code=201)
            async def redirect(url: str):
                if not url:
                    raise HTTPException(status_code=400, detail="No url")
                return RedirectResponse(url)
            """,
            line=1,
            column=90,
            message="GET route `redirect` returns a `RedirectResponse` but declares 201; declare the redirect in the decorator: `response_class=RedirectResponse` and `status_code=307`",
        ),
        Invalid(
            """
            @module.router.api_route("/demo/items", status_code=201)
            async def read_items(): ...
            """,
            line=1,
            column=53,
            fixed="""
            @module.router.api_route("/demo/items", status_code=200)
            async def read_items(): ...
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in routes_of(node, self.router_names):
            if "get" not in route.methods or len(expected_statuses(route)) > 1:
                continue
            explicit = explicit_status(route)
            if explicit is None:
                continue
            arg, code = explicit
            if 300 <= code < 400:
                continue
            response_class = response_class_name(route)
            if is_redirect_class(response_class):
                self.report(
                    arg.value,
                    self.REDIRECT_CLASS_MESSAGE.format(function=route.name, response=response_class, status=code),
                    expected=307,
                    replacement=status_expression(arg.value, 307),
                )
                continue
            if code == 200:
                continue  # a route returning a RedirectResponse itself is HYP011's (same advice)
            if response_class is None:
                redirects = sorted(r for r in returned_response_classes(node) if is_redirect_class(r))
                if redirects:
                    self.report(
                        arg.value,
                        self.UNDECLARED_REDIRECT_MESSAGE.format(function=route.name, response=redirects[0], status=code),
                        expected=307,
                    )
                    continue
            self.report(
                arg.value,
                function=route.name,
                status=code,
                expected=200,
                replacement=status_expression(arg.value, 200),
            )
