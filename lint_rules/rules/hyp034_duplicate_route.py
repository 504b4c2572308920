from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, noted, place
from lint_rules.knowledge.module_index import ModuleIndex, route_key


class DuplicateRoute(Rule):
    """
    ## What it does
    Checks that each (HTTP method, path) pair is declared by one route in the whole project.
    Path parameters are compared by position, not by name: `/cdr/sellers/{seller_id}` and
    `/cdr/sellers/{id}` are the same route for the router. A converter is part of the path
    (`{file:path}` matches more than `{file}`). Every route decorator involved is reported,
    each naming the other places.

    ## Why is this bad?
    Every module's router is included in one application without a prefix. When two routes
    match the same request, FastAPI always calls the one registered first, and the second
    is dead code that nobody notices: its module's tests may even call the first one by
    accident. The OpenAPI schema still documents the second one, so the mobile app's
    generated client offers a call that can never reach it.

    ## Example
    ```python
    # app/modules/cdr/endpoints_cdr.py
    @module.router.get("/cdr/sellers/{seller_id}", ...)
    async def get_seller(seller_id: str, ...): ...

    # app/modules/cdr/endpoints_cdr.py, further down
    @module.router.get("/cdr/sellers/{id}", ...)
    async def read_seller(id: str, ...): ...
    ```

    ## Use instead
    Keep one route, or give the other its own path:
    ```python
    @module.router.get("/cdr/sellers/{seller_id}/products", ...)
    async def read_seller_products(seller_id: str, ...): ...
    ```

    ## Fix safety
    There is no automatic fix: which route to keep is a design decision.

    ## Options
    None.
    """

    code = "HYP034"
    name = "duplicate-route"
    message = "Route `{method} {path}` is also declared at {other}; the router only ever calls the first one registered, so remove one or give it another path"
    applies_to = ("endpoints_*.py",)
    needs_project = True

    VALID = [
        # The same path with another method, and paths that only differ by a literal segment.
        Valid(
            """
            @module.router.get("/demo/items/{item_id}", status_code=200)
            async def read_item(item_id: str): ...


            @module.router.patch("/demo/items/{item_id}", status_code=204)
            async def update_item(item_id: str): ...


            @module.router.get("/demo/items/{item_id}/owner", status_code=200)
            async def read_owner(item_id: str): ...
            """,
            files={
                "app/modules/other/endpoints_other.py": """
                    router = APIRouter()


                    @router.get("/other/items/{item_id}", status_code=200)
                    async def read_other_item(item_id: str): ...
                """,
            },
        ),
        # A commented-out decorator is no route; a websocket is not a GET.
        Valid(
            """
            # @module.router.get("/demo/ws")
            @module.router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket): ...


            @module.router.get("/demo/ws", status_code=200)
            async def read_ws_status(): ...
            """
        ),
        # A `{name:path}` converter matches more than `{name}`: another route.
        Valid(
            """
            @module.router.get("/demo/files/{name}", status_code=200)
            async def read_file(name: str): ...


            @module.router.get("/demo/files/{name:path}", status_code=200)
            async def read_nested_file(name: str): ...
            """
        ),
        # api_route declares one route per method.
        Valid(
            """
            @module.router.api_route("/demo/items", methods=["GET", "HEAD"], status_code=200)
            async def read_items(): ...


            @module.router.post("/demo/items", status_code=201)
            async def create_item(): ...
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items/{item_id}", status_code=200)
            async def read_item(item_id: str): ...
            """,
            line=1,
            column=2,
            files={
                "app/modules/other/endpoints_other.py": """
                    @module.router.get("/other/items", status_code=200)
                    async def read_items(): ...


                    @module.router.get(
                        "/demo/items/{id}",
                        status_code=200,
                    )
                    async def read_demo_item(id: str): ...
                """,
            },
            message="Route `GET /demo/items/{item_id}` is also declared at app/modules/other/endpoints_other.py:5 (`read_demo_item`); the router only ever calls the first one registered, so remove one or give it another path",
        ),
        # A core module's router, an api_route and another parameter name: still one route.
        Invalid(
            """
            router = APIRouter()


            @router.api_route("/demo/items/{key}", methods=["DELETE"], status_code=204)
            async def remove_item(key: str): ...
            """,
            line=4,
            column=2,
            path="app/core/demo/endpoints_demo.py",
            files={
                "app/modules/demo/endpoints_demo.py": """
                    @module.router.delete("/demo/items/{item_id}", status_code=204)
                    async def delete_item(item_id: str): ...
                """,
            },
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        index = ModuleIndex.of(project)
        if index.module_key(facts) is None:
            return
        for route in facts.routes:
            if route.path is None:
                continue
            for method in dict.fromkeys(route.methods):
                same = index.routes.get(route_key(method, route.path), [])
                others = [(f, r) for f, r in same if r.location != route.location]
                if not others:
                    continue
                places = [noted(r.location, f"`{method.upper()} {r.path}` is also declared here") for _, r in others]
                self.report_at(
                    route.location,
                    method=method.upper(),
                    path=route.path,
                    other=", ".join(f"{place(r.location)} (`{r.function}`)" for _, r in others),
                    related=places,
                )
