import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import add_keyword
from lint_rules.knowledge.matchers.responses import implicit_status, response_scope
from lint_rules.knowledge.matchers.routes import keyword_unknown, local_router_names, routes_of


class EndpointMissingStatusCode(Rule):
    """
    ## What it does
    Checks that every HTTP route decorator passes `status_code=`.

    ## Why is this bad?
    Without `status_code=`, FastAPI answers (and documents) the default code of the
    route's response class: 200 for JSON, files, HTML, text and streams, even for a route
    that creates (201) or returns nothing (204), and 307 for `response_class=RedirectResponse`.
    Hyperion's endpoint guide asks every route to state its success code so that the
    OpenAPI schema, the mobile app and the tests agree. Websocket routes have no status
    code and are not checked, nor is a decorator passing `**kwargs`, which may carry
    `status_code=`.

    ## Example
    ```python
    @module.router.get("/advert/adverts", response_model=list[schemas_advert.AdvertComplete])
    async def read_adverts(db: AsyncSession = Depends(get_db)): ...


    @router.post("/auth/authorize-validation", response_class=RedirectResponse)
    async def authorize_validation(): ...
    ```

    ## Use instead
    ```python
    @module.router.get(
        "/advert/adverts",
        response_model=list[schemas_advert.AdvertComplete],
        status_code=200,
    )
    async def read_adverts(db: AsyncSession = Depends(get_db)): ...


    @router.post("/auth/authorize-validation", response_class=RedirectResponse, status_code=307)
    async def authorize_validation(): ...
    ```

    ## Fix safety
    The fix adds the code FastAPI already uses when none is given, so neither the
    responses nor the OpenAPI schema change. It is safe. FastAPI then uses the default of
    the `status_code` parameter of the response class's `__init__`; the response class is
    `response_class=`, else the `default_response_class=` of the route's router when the
    file makes it with `APIRouter(...)` (`module.router` is the router given to the file's
    `Module(router=...)`, or the Module's own plain one), else JSONResponse. That default is
    307 for `RedirectResponse` and 200 for `Response`, `JSONResponse`, `HTMLResponse`,
    `PlainTextResponse`, `FileResponse`, `StreamingResponse`, `ORJSONResponse` and
    `UJSONResponse`, known by where they are imported from (`fastapi`,
    `fastapi.responses`, `starlette.responses`, aliases included). A class defined in the
    file is read as FastAPI reads it: the `status_code` default of its own `__init__`, or
    else its one base's. For a response class the rule cannot identify (one imported from
    the project, an `__init__` with no readable default) there is no fix, and the message
    asks for `status_code=` with the code that class answers.

    The status-code rules (HYP013-HYP016) then tell whether the code is the right one for
    the route. They agree on redirects: HYP016 accepts a 3xx on a redirect and asks 307 of
    a `response_class=RedirectResponse` route declaring anything else (200 included), and
    HYP011 asks a route that returns a `RedirectResponse` itself to declare
    `response_class=RedirectResponse` and `status_code=307`. A redirect route whose own
    `RedirectResponse(...)` objects use another code (302) sends that code whatever the
    decorator says: write that one instead, so that the documentation tells the truth.

    ## Options
    None.
    """

    code = "HYP012"
    name = "endpoint-missing-status-code"
    message = "Route `{function}` does not say its success status code; add `status_code=` to the decorator (200 for a read, 201 for a create, 204 when nothing is returned)"
    fix_title = "Add `status_code={status}` ({reason})"
    fix_safety = Applicability.SAFE

    # Variants of the message, for routes whose response class does not answer 200.
    CLASS_DEFAULT_MESSAGE = "Route `{function}` does not say its success status code; FastAPI answers {status}, the default of its response class `{response}`, so add `status_code={status}` to the decorator (or, if the route builds its responses itself, the code they use)"
    UNKNOWN_CLASS_MESSAGE = "Route `{function}` does not say its success status code; add `status_code=` to the decorator with the code its response class{named} answers when given none (FastAPI sends that class's default)"

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
        # `**kwargs` may carry `status_code=`: adding one could raise "got multiple values".
        Valid(
            """
            @module.router.get("/demo/items", **ROUTE_DEFAULTS)
            async def read_items(): ...
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
        # A redirect route answers 307, RedirectResponse's default, when it gives no code.
        Invalid(
            """
            from fastapi.responses import RedirectResponse

            router = APIRouter(tags=["Auth"])


            @router.post(
                "/auth/authorization-flow/authorize-validation",
                response_class=RedirectResponse,
            )
            async def authorize_validation():
                return RedirectResponse("/demo", status_code=status.HTTP_302_FOUND)
            """,
            line=6,
            column=2,
            message="Route `authorize_validation` does not say its success status code; FastAPI answers 307, the default of its response class `RedirectResponse`, so add `status_code=307` to the decorator (or, if the route builds its responses itself, the code they use)",
            fixed="""
            from fastapi.responses import RedirectResponse

            router = APIRouter(tags=["Auth"])


            @router.post(
                "/auth/authorization-flow/authorize-validation",
                response_class=RedirectResponse,
                status_code=307,
            )
            async def authorize_validation():
                return RedirectResponse("/demo", status_code=status.HTTP_302_FOUND)
            """,
        ),
        # Known through the import, whatever it is called here.
        Invalid(
            """
            from starlette import responses
            from starlette.responses import RedirectResponse as Redirect


            @module.router.get("/demo/login", response_class=Redirect)
            async def login():
                return "/demo"


            @module.router.get("/demo/logo", response_class=responses.FileResponse, status_code=200)
            async def read_logo():
                return "logo.png"
            """,
            line=5,
            column=2,
            fixed="""
            from starlette import responses
            from starlette.responses import RedirectResponse as Redirect


            @module.router.get("/demo/login", response_class=Redirect, status_code=307)
            async def login():
                return "/demo"


            @module.router.get("/demo/logo", response_class=responses.FileResponse, status_code=200)
            async def read_logo():
                return "logo.png"
            """,
        ),
        Invalid(
            """
            from fastapi import responses

            @module.router.get("/demo/callback", response_class=responses.RedirectResponse)
            async def callback():
                return "/demo"
            """,
            line=3,
            column=2,
            fixed="""
            from fastapi import responses

            @module.router.get("/demo/callback", response_class=responses.RedirectResponse, status_code=307)
            async def callback():
                return "/demo"
            """,
        ),
        # A subclass of the file inherits its base's default; the router's default class counts.
        Invalid(
            """
            from fastapi.responses import RedirectResponse


            class LoginRedirect(RedirectResponse):
                media_type = "text/html"


            router = APIRouter(default_response_class=LoginRedirect)


            @router.get("/demo/login")
            async def login():
                return "/demo"
            """,
            line=11,
            column=2,
            fixed="""
            from fastapi.responses import RedirectResponse


            class LoginRedirect(RedirectResponse):
                media_type = "text/html"


            router = APIRouter(default_response_class=LoginRedirect)


            @router.get("/demo/login", status_code=307)
            async def login():
                return "/demo"
            """,
        ),
        # A class of the file that sets its own default in `__init__`: FastAPI reads it there.
        Invalid(
            """
            from fastapi.responses import RedirectResponse


            class FoundRedirect(RedirectResponse):
                def __init__(self, url: str, status_code: int = 302, **kwargs):
                    super().__init__(url, status_code, **kwargs)


            @module.router.get("/demo/login", response_class=FoundRedirect)
            async def login():
                return "/demo"
            """,
            line=9,
            column=2,
            message="Route `login` does not say its success status code; FastAPI answers 302, the default of its response class `FoundRedirect`, so add `status_code=302` to the decorator (or, if the route builds its responses itself, the code they use)",
            fixed="""
            from fastapi.responses import RedirectResponse


            class FoundRedirect(RedirectResponse):
                def __init__(self, url: str, status_code: int = 302, **kwargs):
                    super().__init__(url, status_code, **kwargs)


            @module.router.get("/demo/login", response_class=FoundRedirect, status_code=302)
            async def login():
                return "/demo"
            """,
        ),
        # A response class of the project: its default is not known, so there is no fix.
        Invalid(
            """
            from app.utils.responses import CsvResponse


            @module.router.get("/demo/export", response_class=CsvResponse)
            async def export_items():
                return "a,b"
            """,
            line=4,
            column=2,
            message="Route `export_items` does not say its success status code; add `status_code=` to the decorator with the code its response class `CsvResponse` answers when given none (FastAPI sends that class's default)",
            no_fix=True,
        ),
        # `module.router` is the router the Module is given.
        Invalid(
            """
            from fastapi.responses import HTMLResponse, RedirectResponse

            pages = APIRouter(default_response_class=HTMLResponse)
            redirects = APIRouter(default_response_class=RedirectResponse)
            module = Module(root="demo", tag="Demo", router=redirects, factory=None)


            @module.router.get("/demo/login")
            async def login():
                return "/demo"


            @pages.get("/demo/page", status_code=200)
            async def page():
                return "<p>Demo</p>"
            """,
            line=8,
            column=2,
            fixed="""
            from fastapi.responses import HTMLResponse, RedirectResponse

            pages = APIRouter(default_response_class=HTMLResponse)
            redirects = APIRouter(default_response_class=RedirectResponse)
            module = Module(root="demo", tag="Demo", router=redirects, factory=None)


            @module.router.get("/demo/login", status_code=307)
            async def login():
                return "/demo"


            @pages.get("/demo/page", status_code=200)
            async def page():
                return "<p>Demo</p>"
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)
        self.responses = response_scope(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in routes_of(node, self.router_names):
            if route.is_websocket or route.keyword("status_code") is not None:
                continue
            if keyword_unknown(route, "status_code"):
                continue  # `**kwargs` may carry status_code (adding one would raise a TypeError)
            status, response = implicit_status(route, self.responses)
            if status is None:
                self.report(
                    route.call,
                    self.UNKNOWN_CLASS_MESSAGE.format(
                        function=route.name, named=f" `{response}`" if response else ""
                    ),
                    status="",
                    reason=f"the code {f'`{response}`' if response else 'its response class'} answers",
                )
                continue
            if status == 200:
                message = None
                reason = "FastAPI's implicit default"
            else:
                message = self.CLASS_DEFAULT_MESSAGE.format(function=route.name, response=response, status=status)
                reason = f"{response}'s default, which FastAPI already answers"
            self.report(
                route.call,
                message,
                function=route.name,
                status=status,
                reason=reason,
                replacement=add_keyword(route.call, "status_code", cst.Integer(str(status))),
            )
