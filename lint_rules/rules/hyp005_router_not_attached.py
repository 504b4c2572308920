import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, place
from lint_rules.knowledge.matchers.modules import endpoints_shape
from lint_rules.knowledge.project_model import model_of


# A 2024 tree: modules are loaded from app/modules only; app/api.py includes the core routers.
LEGACY_API = {
    "app/api.py": """
        from app.core.users import endpoints_users

        api_router = APIRouter()
        api_router.include_router(endpoints_users.router)
    """,
    "app/modules/module_list.py": """
        for endpoints_file in Path().glob("app/modules/*/endpoints_*.py"):
            endpoint_module = importlib.import_module(".".join(endpoints_file.with_suffix("").parts))
            if hasattr(endpoint_module, "module"):
                module_list.append(endpoint_module.module)
    """,
}


class RouterNotAttached(Rule):
    """
    ## What it does
    Checks that an `APIRouter(...)` created at module level in an endpoints file is given to
    the module: `Module(..., router=router)` / `CoreModule(..., router=router)`, or included
    into one that is (`module.router.include_router(sub_router)`).

    How routers reach the app is read from the checked tree (`hyperion-lint project`
    shows it): a router that the app includes by name (`api_router.include_router(
    endpoints_users.router)` in `app/api.py`, as Hyperion did for core modules before
    `CoreModule` existed) is attached; in a file that no module loader reads, a router
    must be included that way.

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
    message_included = "`{router}` is an APIRouter that the app never includes, so routes declared on it are never served; include it where the app includes its routers ({where}: `api_router.include_router(...)`), or delete it"
    fix_title = "Pass `router={router}` to the module, or delete the router"
    needs_project = True

    VALID = [
        # A 2024 tree: app/api.py includes the core routers by name.
        Valid(
            """
            router = APIRouter()


            @router.get("/users/me", status_code=200)
            async def read_me(): ...
            """,
            path="app/core/users/endpoints_users.py",
            files=LEGACY_API,
        ),
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
        # In that tree, a core router that app/api.py does not include.
        Invalid(
            """
            router = APIRouter()
            """,
            path="app/core/groups/endpoints_groups.py",
            files=LEGACY_API,
            line=1,
            column=1,
            message="`router` is an APIRouter that the app never includes, so routes declared on it are never served; include it where the app includes its routers (app/api.py:4: `api_router.include_router(...)`), or delete it",
        ),
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
        for router in shape.routers:
            if not router.names or attached.intersection(router.names):
                continue
            self.propose(router.node, "", data=tuple(router.names))

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        model = model_of(project)
        included = model.included_routers(facts.path)
        variable = model.loaded_as(facts.path).value
        for proposal in self.proposals:
            names = proposal.data
            if any(name in included for name in names):
                continue  # the app includes it (`api_router.include_router(endpoints_x.router)`)
            if variable is not None:
                self.confirm(
                    proposal,
                    router=names[0],
                    kind=model.declaration_class(facts),
                    variable=variable,
                )
                continue
            sites = model.inclusion_sites
            where = place(sites[0]) if sites else "app/api.py"
            self.confirm(
                proposal,
                self.message_included.format(router=names[0], where=where),
                router=names[0],
            )
