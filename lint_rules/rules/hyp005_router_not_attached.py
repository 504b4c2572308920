import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.modules import endpoints_shape, expected_declaration


class RouterNotAttached(Rule):
    """
    ## What it does
    Checks that an `APIRouter(...)` created at module level in an endpoints file is given to
    the module: `Module(..., router=router)` / `CoreModule(..., router=router)`, or included
    into one that is (`module.router.include_router(sub_router)`).

    ## Why is this bad?
    The app only serves `module.router` (a `Module` without `router=` makes its own). Routes
    declared on a router that no module receives are never served: every request gets a 404
    while the code looks fine. And a router that no route uses is dead code that misleads
    the next reader about where the routes live.

    ## Example
    ```python
    router = APIRouter(tags=["Demo"])

    module = Module(root="demo", tag="Demo", factory=None)
    ```

    ## Use instead
    ```python
    module = Module(root="demo", tag="Demo", factory=None)
    ```
    (and decorate the routes with `@module.router.get(...)`), or pass the router:
    ```python
    router = APIRouter(tags=["Demo"])

    module = Module(root="demo", tag="Demo", router=router, factory=None)
    ```

    ## Fix safety
    No automatic fix: whether to pass the router or delete it depends on which one the
    routes use.

    ## Options
    None.
    """

    code = "HYP005"
    name = "router-not-attached"
    message = "`{router}` is an APIRouter that no module receives, so routes declared on it are never served; pass `router={router}` to `{kind}(...)`, or delete it and decorate routes with `@{variable}.router`"
    fix_title = "Pass `router={router}` to the module, or delete the router"

    VALID = [
        Valid(
            """
            router = APIRouter(tags=["Demo"])
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        Valid(
            """
            router = APIRouter(tags=["Demo"])

            module = Module(
                root="demo",
                tag="Demo",
                router=router,
                factory=None,
            )
            """
        ),
        # The house style: no router of one's own.
        Valid(
            """
            module = Module(root="demo", tag="Demo", factory=None)


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """
        ),
        # A sub-router included into the module's router.
        Valid(
            """
            module = Module(root="demo", tag="Demo", factory=None)
            items_router = APIRouter(prefix="/demo/items")


            @items_router.get("", status_code=200)
            async def read_items(): ...


            module.router.include_router(items_router)
            """
        ),
        # Passed positionally (CoreModule's fourth parameter is `router`).
        Valid(
            """
            router = APIRouter(tags=["Demo"])
            core_module = CoreModule("demo", "Demo", None, router)
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        # A router made inside a function is not the file's router.
        Valid(
            """
            module = Module(root="demo", tag="Demo", factory=None)


            def make_router() -> APIRouter:
                router = APIRouter()
                return router
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            router = APIRouter()

            module = Module(root="demo", tag="Demo", factory=None)


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            line=1,
            column=1,
            message="`router` is an APIRouter that no module receives, so routes declared on it are never served; pass `router=router` to `Module(...)`, or delete it and decorate routes with `@module.router`",
        ),
        Invalid(
            """
            router: APIRouter = APIRouter(tags=["Demo"])
            core_module = CoreModule(root="demo", tag="Demo", factory=None)


            @router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
            line=1,
            column=1,
            message="`router` is an APIRouter that no module receives, so routes declared on it are never served; pass `router=router` to `CoreModule(...)`, or delete it and decorate routes with `@core_module.router`",
        ),
        # Included only into a router that is itself not attached.
        Invalid(
            """
            module = Module(root="demo", tag="Demo", factory=None)
            outer = APIRouter()
            inner = APIRouter()
            outer.include_router(inner)
            module.router.include_router(inner)
            """,
            line=2,
            column=1,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        shape = endpoints_shape(node)
        if not shape.routers:
            return
        attached = shape.attached_routers()
        variable, kind = expected_declaration(self.context.is_core)
        for router in shape.routers:
            if not router.names or attached.intersection(router.names):
                continue
            self.report(router.node, router=router.names[0], kind=kind, variable=variable)
