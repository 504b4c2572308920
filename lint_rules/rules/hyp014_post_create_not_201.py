import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import status_expression
from lint_rules.knowledge.matchers.routes import (
    body_allowed,
    expected_statuses,
    explicit_status,
    local_router_names,
    redirects,
    returns_nothing,
    routes_of,
)


class PostCreateNot201(Rule):
    """
    ## What it does
    Checks that a POST route that creates something answers `201 Created`. A route
    creates when its function is named `create_*`, Hyperion's naming for creation
    endpoints.

    Only an explicit status code that can be read statically is judged; a route without
    `status_code=` is left to HYP012. An `api_route(..., methods=[...])` listing POST is
    judged for it, and reported once, unless it also serves a method asking for another
    code (GET, DELETE): no one code would do. POST routes that
    do something else (`lock_delivery`, `get_payment_url`) may answer 200 or 204 and are
    not checked.

    A create that returns nothing is not checked either: it has no new object to send
    back, and Hyperion answers such a route 204 No Content (`create_batch_membership`).
    HYP011 asks the same of it when it declares another code: a 201 with nothing returned
    sends the body `null`. A route returns nothing when its decorator gives no
    `response_model=` other than `None` and either it is annotated `-> None` or its own
    body has no `return <value>`. Nor is a create that redirects (a 3xx code, a
    `response_class=RedirectResponse`, or only `RedirectResponse(...)` returned): a
    redirect answers a 3xx, as HYP011, HYP012 and HYP016 say.

    ## Why is this bad?
    201 tells the client that a new resource exists and that the body is that resource.
    Hyperion's endpoint guide uses 201 for the POST routes that create, and the mobile
    app relies on it.

    ## Example
    ```python
    @module.router.post("/advert/adverts", response_model=schemas_advert.AdvertComplete, status_code=200)
    async def create_advert(advert: schemas_advert.AdvertBase, db: AsyncSession = Depends(get_db)): ...
    ```

    ## Use instead
    ```python
    @module.router.post("/advert/adverts", response_model=schemas_advert.AdvertComplete, status_code=201)
    async def create_advert(advert: schemas_advert.AdvertBase, db: AsyncSession = Depends(get_db)): ...
    ```

    ## Fix safety
    The fix sets the code to 201, written like the old one (an int stays an int,
    `status.HTTP_200_OK` becomes `status.HTTP_201_CREATED`). Clients and tests that check
    the old code break, so the fix is unsafe. (A route answering 204 that returns nothing
    is not reported, so the fix never turns it into a 201 with the body `null`.)

    ## Options
    None.
    """

    code = "HYP014"
    name = "post-create-not-201"
    message = "POST route `{function}` creates a resource but answers {status}; a create answers 201 Created with the new object, so use `status_code=201`"
    fix_title = "Set `status_code` to 201"

    # For a code that sends no body (204, 205, 304): the object the route returns is lost.
    NO_CONTENT_MESSAGE = "POST route `{function}` creates a resource and returns it, but answers {status}, which sends no body, so the client never gets it; a create answers 201 Created with the new object, so use `status_code=201`"
    fix_safety = Applicability.UNSAFE

    VALID = [
        Valid(
            """
            @module.router.post("/demo/items", response_model=schemas_demo.Item, status_code=201)
            async def create_item(item: schemas_demo.ItemBase, db: AsyncSession = Depends(get_db)): ...
            """
        ),
        Valid(
            """
            from http import HTTPStatus

            @module.router.post(
                "/demo/items",
                response_model=schemas_demo.Item,
                status_code=HTTPStatus.CREATED,
            )
            async def create_item(db: Annotated[AsyncSession, Depends(get_db)]): ...


            @module.router.post(
                "/demo/others",
                response_model=schemas_demo.Other,
                status_code=status.HTTP_201_CREATED,
            )
            async def create_other(db: Database): ...
            """
        ),
        Valid(
            """
            @module.router.post("/demo/items/{item_id}/lock", response_model=None, status_code=204)
            async def lock_item(item_id: str): ...


            @module.router.post("/demo/pay", response_model=schemas_demo.PaymentUrl, status_code=200)
            async def get_payment_url(): ...


            @module.router.post("/demo/items")
            async def create_item(): ...
            """
        ),
        Valid(
            """
            router = APIRouter()
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.api_route("/demo/items", methods=["GET", "HEAD"], status_code=200)
            async def create_items_report(): ...


            @router.websocket("/demo/ws")
            async def create_socket(websocket: WebSocket): ...


            # @router.post("/demo/items", status_code=200)
            async def create_nothing(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        Valid(
            """
            @module.router.put("/demo/items/{item_id}", response_model=None, status_code=204)
            async def create_or_replace_item[T](item_id: T) -> None: ...
            """
        ),
        # A POST and a PUT that return nothing: 204 is right for both (HYP015 asks it).
        Valid(
            """
            @module.router.api_route("/demo/items", methods=["POST", "PUT"], status_code=HTTPStatus.OK)
            async def create_items(): ...
            """
        ),
        # A create that returns nothing has no new object to send: 204 is right, and HYP011
        # asks 204 of one declaring 201 (which would send the body `null`).
        Valid(
            """
            @module.router.post("/groups/batch-membership", response_model=None, status_code=204)
            async def create_batch_membership(batch: schemas_groups.BatchMembership) -> None:
                for email in batch.emails:
                    await cruds_groups.add(email)


            @module.router.post("/demo/purchases/batch", status_code=201)
            async def create_purchase_batch(purchases: list[schemas_demo.Purchase]):
                await cruds_demo.create_purchases(purchases)
            """
        ),
        # A create that redirects answers a 3xx (HYP011 asks 307 of the second one).
        Valid(
            """
            @module.router.post("/demo/items", response_class=RedirectResponse, status_code=303)
            async def create_item(item: schemas_demo.ItemBase):
                await cruds_demo.create_item(item)
                return "/demo/items"


            @module.router.post("/demo/others", status_code=201)
            async def create_other(other: schemas_demo.OtherBase):
                await cruds_demo.create_other(other)
                return RedirectResponse("/demo/others", status_code=303)
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.post("/demo/items", response_model=schemas_demo.Item, status_code=200)
            async def create_item(item: schemas_demo.ItemBase): ...
            """,
            line=1,
            column=82,
            message="POST route `create_item` creates a resource but answers 200; a create answers 201 Created with the new object, so use `status_code=201`",
            fixed="""
            @module.router.post("/demo/items", response_model=schemas_demo.Item, status_code=201)
            async def create_item(item: schemas_demo.ItemBase): ...
            """,
        ),
        Invalid(
            """
            router = APIRouter()


            @router.post(
                "/demo/items",
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def create_item():
                return await cruds_demo.create_item()
            """,
            line=6,
            column=17,
            message="POST route `create_item` creates a resource and returns it, but answers 204, which sends no body, so the client never gets it; a create answers 201 Created with the new object, so use `status_code=201`",
            fixed="""
            router = APIRouter()


            @router.post(
                "/demo/items",
                status_code=status.HTTP_201_CREATED,
            )
            async def create_item():
                return await cruds_demo.create_item()
            """,
        ),
        Invalid(
            """
            @module.router.api_route("/demo/items", methods=["POST", "PUT"], status_code=HTTPStatus.OK)
            async def create_items():
                return await cruds_demo.create_items()
            """,
            line=1,
            column=78,
            fixed="""
            @module.router.api_route("/demo/items", methods=["POST", "PUT"], status_code=HTTPStatus.CREATED)
            async def create_items():
                return await cruds_demo.create_items()
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not node.name.value.startswith("create_"):
            return
        for route in routes_of(node, self.router_names):
            if "post" not in route.methods or len(expected_statuses(route)) > 1:
                continue
            if returns_nothing(route) or redirects(route):
                continue  # nothing to send back (204 is right), or a redirect (3xx)
            explicit = explicit_status(route)
            if explicit is None or explicit[1] == 201:
                continue
            arg, code = explicit
            self.report(
                arg.value,
                self.NO_CONTENT_MESSAGE.format(function=route.name, status=code) if not body_allowed(code) else None,
                function=route.name,
                status=code,
                replacement=status_expression(arg.value, 201),
            )
