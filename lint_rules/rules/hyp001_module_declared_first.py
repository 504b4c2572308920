import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.matchers.modules import endpoints_shape
from lint_rules.knowledge.project_model import model_of
from lint_rules.model import Location, Position
from lint_rules.knowledge.matchers.moves import moved_declaration


# A 2024 tree: the loader reads `module` from app/modules only, and `Module` takes no factory.
LEGACY_LOADER = {
    "app/modules/module_list.py": """
        module_list = []
        for endpoints_file in Path().glob("app/modules/*/endpoints_*.py"):
            endpoint_module = importlib.import_module(".".join(endpoints_file.with_suffix("").parts))
            if hasattr(endpoint_module, "module"):
                module_list.append(endpoint_module.module)
    """,
}
LEGACY_MODULE = {
    "app/types/module.py": """
        class Module:
            def __init__(self, root: str, tag: str, router: APIRouter | None = None, default_allowed_groups_ids=None):
                self.root = root
    """,
}


class ModuleDeclaredFirst(Rule):
    """
    ## What it does
    Checks that an endpoints file declares its module (`module = Module(...)`, or
    `core_module = CoreModule(...)` in `app/core`), and that the declaration, with the
    `APIRouter()` it is given as `router=`, comes before the first route.

    ## Why is this bad?
    Hyperion's app loader imports every `endpoints_*.py` file and registers the variable
    `module` (`core_module` for core modules). A file without one is skipped: its routes are
    never served and its permissions never registered, with only a line in the error log.
    A route decorator runs when the file is imported, so `@module.router.get(...)` above
    `module = Module(...)` fails with a `NameError`; and the module declaration is what a
    reader looks for first. A file with no route at all is fine as long as it declares its
    module (visibility-only modules).

    A missing declaration is reported on line 1; a late one on the declaration itself.
    Which variable the loader looks for, and in which files, is read from the checked tree
    (the `for ... in Path().glob(...)` loops of `app/module.py`; `hyperion-lint project`
    shows them): Hyperion before 2025 loaded `module` from `app/modules` only, and its core
    endpoints files exposed a plain `router` that `app/api.py` included, so they need no
    declaration (HYP005 checks that their routers are included). Where the tree has no
    loader, today's is assumed.

    ## Example
    ```python
    @module.router.get("/demo/items", response_model=list[int], status_code=200)
    async def read_items(): ...


    module = Module(root="demo", tag="Demo", factory=None)
    ```

    ## Use instead
    ```python
    module = Module(root="demo", tag="Demo", factory=None)


    @module.router.get("/demo/items", response_model=list[int], status_code=200)
    async def read_items(): ...
    ```

    ## Fix safety
    Unsafe. The fix moves the declaration, with the comment lines directly above it, to just
    above the first route; the `APIRouter()` assignment it is given as `router=` moves with it
    when that also comes after the first route. The declaration then runs earlier when the
    file is imported, before the statements it used to follow, which a side effect of those
    statements may have been needed for.

    No fix is offered when the declaration is missing, or when the move is not clean:

    - a name the declaration (or its router) reads, such as `Module` itself, a root constant,
      a permissions class, a topic or a payment callback, is not bound above the first route, or
      is bound again between the first route and the declaration (a star import or a `match`
      statement there counts as binding anything): move those definitions up by hand;
    - the variable the declaration (or its router) binds is bound again in between;
    - the declaration or its router is inside an `if`/`try`/`with`/loop block, or shares its
      line with another statement (`a = 1; module = Module(...)`);
    - the router is assigned after the module.

    ## Options
    None.
    """

    code = "HYP001"
    name = "module-declared-first"
    message = "`{target} = {kind}(...)` comes after the first route `{function}`; move it (and the APIRouter it is given) above the first route"
    fix_title = "Move the module declaration above the first route"
    fix_safety = Applicability.UNSAFE
    needs_project = True

    VALID = [
        # A 2024 tree: the loader reads app/modules only; core routers are included by app/api.py.
        Valid(
            """
            router = APIRouter()


            @router.get("/users/me", status_code=200)
            async def read_me(): ...
            """,
            path="app/core/users/endpoints_users.py",
            files=LEGACY_LOADER,
        ),
        Valid(
            """
            from app.types.module import Module

            module = Module(root="demo", tag="Demo", factory=None)


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """
        ),
        Valid(
            """
            router = APIRouter(tags=["Demo"])
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.get(
                "/demo/items",
                status_code=200,
            )
            async def read_items(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        # Visibility-only module: no route at all.
        Valid(
            """
            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """
        ),
        # A commented-out decorator above the declaration is not a route.
        Valid(
            """
            # @module.router.get("/demo/old")
            async def helper(): ...


            module = Module(root="demo", tag="Demo", factory=None)
            """
        ),
        # Root as a constant, permissions class and topics defined before the module.
        Valid(
            """
            ROOT = "demo"


            class ModulePermissions(ModulePermissions):
                access_demo = "access_demo"


            module = Module(root=ROOT, tag="Demo", factory=None, permissions=ModulePermissions)


            @module.router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket): ...
            """
        ),
        # Plain helper functions before the declaration are fine; only routes count.
        Valid(
            """
            def helper[T](x: T) -> T:
                return x


            type Ids = list[int]
            module = Module(root="demo", tag="Demo", factory=None)


            @module.router.api_route("/demo/items", methods=["GET", "HEAD"], status_code=200)
            async def read_items(): ...
            """
        ),
        # Root and permissions class imported from other files of the module.
        Valid(
            """
            from app.modules.demo.permissions_demo import DemoPermissions
            from app.modules.demo.types_demo import DEMO_ROOT

            module = Module(root=DEMO_ROOT, tag="Demo", factory=None, permissions=DemoPermissions)


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """
        ),
        # A declaration in a module-level block still binds `module`.
        Valid(
            """
            try:
                module = Module(root="demo", tag="Demo", factory=DemoFactory())
            except ImportError:
                module = Module(root="demo", tag="Demo", factory=None)


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """
        ),
    ]
    INVALID = [
        # In that tree a module is declared without `factory=`: the message follows `Module`.
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            files={**LEGACY_LOADER, **LEGACY_MODULE},
            line=1,
            column=1,
            message="This endpoints file declares no module, so the app loader skips it; add `module = Module(root=..., tag=...)` after the imports, before every route",
        ),
        Invalid(
            """
            from app.types.module import Module


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...


            module = Module(root="demo", tag="Demo", factory=None)
            """,
            line=8,
            column=1,
            message="`module = Module(...)` comes after the first route `read_items`; move it (and the APIRouter it is given) above the first route",
            fixed="""
            from app.types.module import Module


            module = Module(root="demo", tag="Demo", factory=None)


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
        ),
        # The root constant and permissions class are defined above the first route; the
        # declaration moves just above it, and the route keeps its own comment.
        Invalid(
            """
            from app.types.module import Module

            ROOT = "demo"


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"


            # Items
            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...


            module = Module(root=ROOT, tag="Demo", factory=None, permissions=DemoPermissions)


            @module.router.delete("/demo/items/{item_id}", status_code=204)
            async def delete_item(item_id: str): ...
            """,
            line=15,
            column=1,
            fixed="""
            from app.types.module import Module

            ROOT = "demo"


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"


            module = Module(root=ROOT, tag="Demo", factory=None, permissions=DemoPermissions)


            # Items
            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...


            @module.router.delete("/demo/items/{item_id}", status_code=204)
            async def delete_item(item_id: str): ...
            """,
        ),
        # The APIRouter the module is given comes after the first route too: both move.
        Invalid(
            """
            from fastapi import APIRouter

            from app.types.module import CoreModule


            @router.get("/demo/items", status_code=200)
            async def read_items(): ...


            router = APIRouter(tags=["Demo"])
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)
            """,
            path="app/core/demo/endpoints_demo.py",
            line=11,
            column=1,
            fixed="""
            from fastapi import APIRouter

            from app.types.module import CoreModule


            router = APIRouter(tags=["Demo"])
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
        ),
        # The comment lines directly above the declaration travel with it.
        Invalid(
            """
            from app.types.module import Module


            @module.router.get(
                "/demo/items",
                status_code=200,
            )
            async def read_items(): ...


            # The loader registers `module`.
            # Keep it first.
            module = Module(  # the Demo module
                root="demo",
                tag="Demo",
                factory=None,
            )
            hyperion_error_logger = logging.getLogger("hyperion.error")
            """,
            line=13,
            column=1,
            fixed="""
            from app.types.module import Module


            # The loader registers `module`.
            # Keep it first.
            module = Module(  # the Demo module
                root="demo",
                tag="Demo",
                factory=None,
            )


            @module.router.get(
                "/demo/items",
                status_code=200,
            )
            async def read_items(): ...


            hyperion_error_logger = logging.getLogger("hyperion.error")
            """,
        ),
        # No fix: the permissions class is defined after the first route; moving the
        # declaration alone would raise a NameError.
        Invalid(
            """
            from app.types.module import Module


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """,
            line=12,
            column=1,
        ),
        # No fix: the root constant is bound again between the first route and the
        # declaration; moving it would change the module's root.
        Invalid(
            """
            from app.types.module import Module

            ROOT = "demo"


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...


            ROOT = "demo2"
            module = Module(root=ROOT, tag="Demo", factory=None)
            """,
            line=11,
            column=1,
        ),
        # No fix: the declaration shares its line with another statement.
        Invalid(
            """
            from app.types.module import Module

            ROOT = "demo"


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...


            tag = "Demo"; module = Module(root=ROOT, tag="Demo", factory=None)
            """,
            line=10,
            column=1,
        ),
        # No fix: the declaration is inside a block.
        Invalid(
            """
            from app.modules.demo.factory_demo import DemoFactory
            from app.types.module import Module


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...


            try:
                module = Module(root="demo", tag="Demo", factory=DemoFactory())
            except ImportError:
                module = Module(root="demo", tag="Demo", factory=None)
            """,
            line=10,
            column=5,
        ),
        # No fix: the router is assigned after the module it is given to.
        Invalid(
            """
            from fastapi import APIRouter

            from app.types.module import CoreModule


            @router.get("/demo/items", status_code=200)
            async def read_items(): ...


            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)
            router = APIRouter(tags=["Demo"])
            """,
            path="app/core/demo/endpoints_demo.py",
            line=10,
            column=1,
        ),
        # The router is created early and the routes use it, but the declaration comes last.
        # (No fix: `CoreModule` is not imported above the first route.)
        Invalid(
            """
            router = APIRouter(tags=["Demo"])


            @router.get("/demo/items", status_code=200)
            async def read_items(): ...


            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)
            """,
            path="app/core/demo/endpoints_demo.py",
            line=8,
            column=1,
        ),
        # A late declaration inside a module-level block is reported at the assignment.
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...


            if True: module = Module(root="demo", tag="Demo", factory=None)
            """,
            line=5,
            column=10,
        ),
        Invalid(
            """
            from fastapi import Depends


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            line=1,
            column=1,
            message="This endpoints file declares no module, so the app loader skips it; add `module = Module(root=..., tag=..., factory=...)` after the imports, before every route",
        ),
        # No route and no declaration: the loader still imports the file and skips it.
        Invalid(
            """
            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
            """,
            line=1,
            column=1,
        ),
        Invalid(
            """
            router = APIRouter(tags=["Demo"])


            @router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
            line=1,
            column=1,
            message="This endpoints file declares no core module, so the app loader skips it; add `core_module = CoreModule(root=..., tag=..., factory=...)` after the imports, before every route",
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        shape = endpoints_shape(node)
        if not shape.declarations:
            # Whether a declaration is missing depends on how the app loads this file: the
            # project says (see ``check``), which reports it about the whole file (1:1).
            self.undeclared = tuple(sorted(shape.names))  # the names the file binds, for check
            return
        if shape.first_route is None or shape.first_route_ordinal is None:
            return
        declaration = shape.declarations[0]
        if shape.ordinal(declaration) > shape.first_route_ordinal:
            moved = moved_declaration(node, shape)
            self.report(
                declaration.statement if not declaration.scope.nested else declaration.node,
                replacement=moved,
                fix_node=node if moved is not None else None,
                target=declaration.targets[0] or "module",
                kind=declaration.kind,
                function=shape.first_route.name,
            )

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        names = getattr(self, "undeclared", None)
        if names is None:
            return  # the file declares its module
        model = model_of(project)
        variable = model.loaded_as(facts.path).value
        if variable is None or variable in names:
            # No loader reads this file (its routers reach the app by `include_router`,
            # see HYP005), or the variable is bound some other way: trust it.
            return
        what = "core module" if model.declaration_class(facts) == "CoreModule" else "module"
        start = Position(1, 1)
        self.report_at(
            Location(facts.path, start, start),
            f"This endpoints file declares no {what}, so the app loader skips it; add "
            f"`{model.declaration_example(facts, variable)}` after the imports, before every route",
            help=False,  # the title is about moving a declaration, and there is none
        )
