import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.routes import (
    annotation_is_model,
    annotation_is_none,
    annotation_is_response,
    body_allowed,
    expected_statuses,
    is_redirect_class,
    keyword_unknown,
    local_router_names,
    redirects,
    returned_response_classes,
    returns_value,
    routes_of,
    status_code_value,
)


class EndpointMissingResponseModel(Rule):
    """
    ## What it does
    Checks that an HTTP route that sends a body says what that body is: `response_model=`
    in the decorator.

    A route sends no body, and is not checked, when its explicit status code has none
    (204 in any spelling: `204`, `status.HTTP_204_NO_CONTENT`, `HTTPStatus.NO_CONTENT`;
    also 205, 304 and 1xx), when it gives `response_class=` (files, HTML, redirects,
    streams), or when it is a websocket. A return annotation that FastAPI turns into the
    response model (`-> list[schemas_demo.Item]`) counts as declaring it: FastAPI infers
    `response_model` from it, and ruff's FAST001, which Hyperion enables, asks to remove a
    `response_model=` that repeats the annotation. An annotation that is a Response class
    (`-> FileResponse`) counts like `response_class=`. A status code that cannot be read
    statically, or a decorator passing `**kwargs`, is not judged.

    A route annotated `-> None`, or one that never returns a value, still sends a body
    when its code is not 204: the JSON `null`, with no schema. It is reported too, with
    a message that says so: use 204 with `response_model=None` (a `create_*` POST that
    returns nothing included: HYP014 does not ask 201 of it, there is no new object to
    send), or return a schema. A GET route that returns nothing is only told to return
    its data, since a read answers 200 (HYP016).

    A route that HYP013 or HYP015 tells to answer 204 (a DELETE, or a PATCH/PUT that
    returns nothing, declaring another code) is left to them: its fix is 204, with no
    body to declare, and asking for a `response_model=` as well would contradict them.

    ## Why is this bad?
    Without `response_model=`, FastAPI neither validates nor filters what the function
    returns: a SQLAlchemy model with a password hash goes out as is, and the OpenAPI
    schema shows an empty body, so the mobile app cannot be generated from it. A route
    returning a Response object itself should say so with `response_class=`.

    ## Example
    ```python
    @module.router.get("/advert/adverts", status_code=200)
    async def read_adverts(db: AsyncSession = Depends(get_db)):
        return await cruds_advert.get_adverts(db=db)
    ```

    ## Use instead
    ```python
    @module.router.get(
        "/advert/adverts",
        response_model=list[schemas_advert.AdvertComplete],
        status_code=200,
    )
    async def read_adverts(db: AsyncSession = Depends(get_db)):
        return await cruds_advert.get_adverts(db=db)
    ```

    ## Fix safety
    No fix: only the author knows the schema of the response.

    ## Options
    None.
    """

    code = "HYP011"
    name = "endpoint-missing-response-model"
    message = "Route `{function}` does not declare the schema of its response; add `response_model=<schema>` to the decorator (or `response_class=` for a file, text, HTML or a redirect)"
    fix_title = None

    # Variants of the message, for the shapes where the usual advice would be wrong.
    NO_VALUE_MESSAGE = "Route `{function}` returns nothing, so it answers {code} with the body `null`; use `status_code=204` with `response_model=None`, or return a schema and declare it with `response_model=`"
    NO_VALUE_READ_MESSAGE = "GET route `{function}` returns nothing, so it answers {code} with the body `null`; a read answers 200 with its data: return a schema and declare it with `response_model=`"
    RESPONSE_MESSAGE = "Route `{function}` returns a `{response}` itself, not a schema; declare it with `response_class={response}` in the decorator"
    REDIRECT_MESSAGE = "Route `{function}` returns a `{response}` itself, not a schema; declare the redirect in the decorator: `response_class={response}` and `status_code=307`"

    VALID = [
        Valid(
            """
            @module.router.get("/demo/items", response_model=list[schemas_demo.Item], status_code=200)
            async def read_items(db: AsyncSession = Depends(get_db)):
                return await cruds_demo.get_items(db)
            """
        ),
        Valid(
            """
            @module.router.delete(
                "/demo/items/{item_id}",
                status_code=204,
            )
            async def delete_item(item_id: str, db: Annotated[AsyncSession, Depends(get_db)]):
                await cruds_demo.delete_item(item_id, db)
            """
        ),
        Valid(
            """
            from http import HTTPStatus

            @module.router.patch("/demo/items/{item_id}", status_code=HTTPStatus.NO_CONTENT)
            async def update_item(item_id: str, item: schemas_demo.ItemEdit, db: Database) -> None:
                await cruds_demo.update_item(item_id, item, db)


            @module.router.put("/demo/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
            async def replace_item(item_id: str, db: Database): ...
            """
        ),
        Valid(
            """
            @module.router.get("/demo/items/{item_id}/logo", response_class=FileResponse, status_code=200)
            async def read_logo(item_id: str):
                return await get_file_from_data(directory="demo", filename=item_id)


            @module.router.get("/demo/login", response_class=RedirectResponse, status_code=307)
            async def login():
                return RedirectResponse("/demo")
            """
        ),
        Valid(
            """
            @module.router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket):
                return None
            """
        ),
        Valid(
            """
            # @module.router.get("/demo/old")
            async def not_a_route():
                return 1
            """
        ),
        Valid(
            """
            router = APIRouter()


            @router.api_route("/demo/items", methods=["GET", "HEAD"], status_code=200)
            async def read_items(db: Database) -> list[schemas_demo.Item]:
                return await cruds_demo.get_items(db)


            @router.get("/demo/export", status_code=200)
            async def export_items() -> StreamingResponse:
                return StreamingResponse(iter([]))
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
        Valid(
            """
            @module.router.post("/demo/items", status_code=DEMO_STATUS)
            async def create_item():
                return 1


            @module.router.post("/demo/others", status_code=201, **ROUTE_DEFAULTS)
            async def create_other():
                return 1
            """
        ),
        # HYP013 and HYP015 tell these to answer 204: there is no body to declare.
        Valid(
            """
            @module.router.delete("/demo/items/{item_id}", status_code=200)
            async def delete_item(item_id: str):
                return await cruds_demo.delete_item(item_id)


            @module.router.patch("/demo/items/{item_id}", status_code=200)
            async def update_item(item_id: str, item: schemas_demo.ItemEdit):
                await cruds_demo.update_item(item_id, item)
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: AsyncSession = Depends(get_db)):
                return await cruds_demo.get_items(db)
            """,
            line=1,
            column=2,
            message="Route `read_items` does not declare the schema of its response; add `response_model=<schema>` to the decorator (or `response_class=` for a file, text, HTML or a redirect)",
        ),
        Invalid(
            """
            @module.router.post(
                "/demo/items/{item_id}/check",
                status_code=200,
            )
            async def check_item(item_id: str) -> None:
                await cruds_demo.check(item_id)
            """,
            line=1,
            column=2,
            message="Route `check_item` returns nothing, so it answers 200 with the body `null`; use `status_code=204` with `response_model=None`, or return a schema and declare it with `response_model=`",
        ),
        Invalid(
            """
            @module.router.post("/demo/items/{item_id}/products", status_code=201)
            async def add_product(item_id: str):
                if item_id == "":
                    return
                await cruds_demo.add(item_id)

                def helper():
                    return 1
            """,
            line=1,
            column=2,
        ),
        Invalid(
            """
            @module.router.get("/demo/confirm", status_code=200)
            async def confirm_item(token: str):
                if not token:
                    raise HTTPException(status_code=400, detail="No token")
                return RedirectResponse(url="/demo/done")
            """,
            line=1,
            column=2,
            message="Route `confirm_item` returns a `RedirectResponse` itself, not a schema; declare the redirect in the decorator: `response_class=RedirectResponse` and `status_code=307`",
        ),
        Invalid(
            """
            @module.router.get("/demo/items/{item_id}/logo", status_code=HTTPStatus.OK)
            async def read_logo(item_id: str):
                return FileResponse(f"data/demo/{item_id}.png")
            """,
            line=1,
            column=2,
            message="Route `read_logo` returns a `FileResponse` itself, not a schema; declare it with `response_class=FileResponse` in the decorator",
        ),
        # A create that returns nothing has no new object: 204 (HYP014 does not ask 201).
        Invalid(
            """
            @module.router.post("/demo/purchases/batch", status_code=201)
            async def create_purchase_batch(purchases: list[schemas_demo.Purchase]):
                await cruds_demo.create_purchases(purchases)
            """,
            line=1,
            column=2,
            message="Route `create_purchase_batch` returns nothing, so it answers 201 with the body `null`; use `status_code=204` with `response_model=None`, or return a schema and declare it with `response_model=`",
        ),
        # A read answers 200 (HYP016): it is told to return its data, not to answer 204.
        Invalid(
            """
            @module.router.get("/demo/items/{item_id}/check", status_code=200)
            async def check_item(item_id: str) -> None:
                await cruds_demo.check(item_id)
            """,
            line=1,
            column=2,
            message="GET route `check_item` returns nothing, so it answers 200 with the body `null`; a read answers 200 with its data: return a schema and declare it with `response_model=`",
        ),
        Invalid(
            """
            @module.router.get("/demo/items/{item_id}")
            async def read_item(item_id: str):
                return await cruds_demo.get_item(item_id)
            """,
            line=1,
            column=2,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for route in routes_of(node, self.router_names):
            if route.is_websocket:
                continue
            if route.keyword("response_model") is not None or route.keyword("response_class") is not None:
                continue
            if keyword_unknown(route, "response_model"):
                continue  # `**kwargs` may carry response_model, response_class or status_code
            status = route.keyword("status_code")
            code = 200
            if status is not None:
                explicit = status_code_value(status.value)
                if explicit is None:
                    continue  # cannot be read: it may well be 204
                code = explicit
            if not body_allowed(code):
                continue
            if status is not None and expected_statuses(route) == {204} and not redirects(route):
                continue  # HYP013 / HYP015 tell it to answer 204, with no body to declare
            if annotation_is_model(node) or annotation_is_response(node):
                continue
            if annotation_is_none(node) or not returns_value(node):
                template = self.NO_VALUE_READ_MESSAGE if "get" in route.methods else self.NO_VALUE_MESSAGE
                self.report(route.call, template.format(function=route.name, code=code))
                continue
            responses = returned_response_classes(node)
            if len(responses) == 1:
                response = next(iter(responses))
                template = self.REDIRECT_MESSAGE if is_redirect_class(response) else self.RESPONSE_MESSAGE
                self.report(route.call, template.format(function=route.name, response=response))
            else:
                self.report(route.call, function=route.name)
