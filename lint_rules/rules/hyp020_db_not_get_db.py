import libcst as cst

from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.matchers.routes import local_router_names, routes_of
from lint_rules.knowledge.matchers.signatures import (
    all_params,
    annotated_aliases,
    is_type_named,
    may_be_imported_alias,
    param_dependency,
    top_level_names,
    unwrap_annotated,
)


class DbNotGetDb(Rule):
    """
    ## What it does
    Checks that the database session of a route comes from `Depends(get_db)`: every
    parameter typed `AsyncSession` (directly, inside `Annotated[...]`, or through an alias
    of the same file such as `Database = Annotated[AsyncSession, Depends(get_db)]`) and every
    parameter named `db`. Websocket routes may also use `Depends(get_unsafe_db)`.

    ## Why is this bad?
    `get_db` (app/dependencies.py) opens the session, commits it when the route succeeds
    and rolls it back when it fails; nobody else may do that. A session from another
    dependency escapes this, and `get_unsafe_db` leaves the session open for the caller to
    close, which only a websocket, living longer than one request, needs. A `db` parameter
    without any `Depends(...)` is not a session at all: FastAPI reads it from the request
    (or refuses to start for `AsyncSession`).

    A parameter annotated with a bare imported name and no `Depends` (`db: Database`,
    `Database` imported from another file) is assumed to be a project-wide alias that
    carries `Depends(get_db)`: one file cannot look inside it, so it is not reported.
    The `= Depends(...)` default style is the house style and is never reported as such.

    ## Example
    ```python
    @module.router.get("/demo/items", status_code=200)
    async def read_items(db: AsyncSession = Depends(get_unsafe_db)): ...
    ```

    ## Use instead
    ```python
    @module.router.get("/demo/items", status_code=200)
    async def read_items(db: AsyncSession = Depends(get_db)): ...
    ```

    ## Fix safety
    No automatic fix: switching dependency changes when the session is committed.

    ## Options
    - `db-dependencies` (list of names, default `["get_db"]`): the dependencies that may
      provide a session to any route.
    - `websocket-db-dependencies` (list of names, default `["get_unsafe_db"]`): the extra
      dependencies that websocket routes may use.
    """

    code = "HYP020"
    name = "db-not-get-db"
    message = "Parameter `{param}` gets its database session from `{dependency}`; write `{param}: AsyncSession = Depends({expected})` so that the session is committed or rolled back for you"
    message_missing = "Parameter `{param}` is not given a database session (it has no `Depends(...)`); write `{param}: AsyncSession = Depends({expected})`"
    fix_title = "Use `Depends({expected})`"

    options = (
        Option(
            "db-dependencies",
            "list[str]",
            ["get_db"],
            "Dependencies that may provide the database session of any route.",
        ),
        Option(
            "websocket-db-dependencies",
            "list[str]",
            ["get_unsafe_db"],
            "Extra dependencies that websocket routes may use for their session.",
        ),
    )

    VALID = [
        # The house style, with a multi-line decorator.
        Valid(
            """
            @module.router.get(
                "/demo/items",
                response_model=list[int],
                status_code=200,
            )
            async def read_items(
                db: AsyncSession = Depends(get_db),
                user: models_users.CoreUser = Depends(is_user()),
            ):
                \"\"\"Read the items.\"\"\"
            """
        ),
        # Annotated, and a dotted dependency.
        Valid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: Annotated[AsyncSession, Depends(dependencies.get_db)]): ...
            """
        ),
        # A project-wide alias defined in the file (assignment and PEP 695 `type`).
        Valid(
            """
            Database = Annotated[AsyncSession, Depends(get_db)]
            type Session = Annotated[AsyncSession, Depends(get_db)]

            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: Database, other: Session): ...
            """
        ),
        # An alias imported from another file cannot be seen into: assumed right.
        Valid(
            """
            from app.dependencies import Database

            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: Database): ...
            """
        ),
        # Websocket routes may use get_unsafe_db (or get_db).
        Valid(
            """
            @module.router.websocket("/demo/ws")
            async def websocket_endpoint(
                websocket: WebSocket,
                db: AsyncSession = Depends(get_unsafe_db),
            ): ...
            """
        ),
        # A helper that takes the session from its caller is not a route;
        # neither is a function under a commented-out decorator.
        Valid(
            """
            async def check_item(item_id: str, db: AsyncSession) -> None: ...

            # @module.router.get("/demo/old")
            async def old_route(db: AsyncSession): ...
            """
        ),
        # A local APIRouter and api_route(methods=[...]).
        Valid(
            """
            router = APIRouter(tags=["Demo"])
            module = Module(root="demo", tag="Demo", factory=None, router=router)

            @router.api_route("/demo/items", methods=["GET", "HEAD"])
            async def read_items(db: AsyncSession = Depends(get_db)): ...
            """
        ),
        # Another session dependency, allowed by the option.
        Valid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: AsyncSession = Depends(get_read_only_db)): ...
            """,
            options={"db-dependencies": ["get_db", "get_read_only_db"]},
        ),
        # PEP 695 generics, in a core module.
        Valid(
            """
            @core_module.router.get("/demo/items", status_code=200)
            async def read_items[T](db: AsyncSession = Depends(get_db)) -> list[T]: ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        # An endpoints file with no route at all.
        Valid(
            """
            module = Module(root="demo", tag="Demo", factory=None)
            """
        ),
        # A string annotation Python would refuse (a bad escape; LibCST parses it).
        Valid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: "AsyncSession\\x" = Depends(get_db)): ...
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(
                db: AsyncSession = Depends(get_unsafe_db),
            ): ...
            """,
            line=3,
            column=5,
            message="Parameter `db` gets its database session from `get_unsafe_db`; write `db: AsyncSession = Depends(get_db)` so that the session is committed or rolled back for you",
        ),
        Invalid(
            """
            @module.router.post("/demo/items", status_code=201)
            async def create_item(item: int, session: AsyncSession): ...
            """,
            line=2,
            column=34,
            message="Parameter `session` is not given a database session (it has no `Depends(...)`); write `session: AsyncSession = Depends(get_db)`",
        ),
        # Named db, no annotation: a query parameter called db.
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(db=Depends(get_session)): ...
            """,
            line=2,
            column=22,
        ),
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: Annotated[AsyncSession, Depends(get_session)]): ...
            """,
            line=2,
            column=22,
        ),
        # A local alias that names the wrong dependency.
        Invalid(
            """
            Database = Annotated[AsyncSession, Depends(get_unsafe_db)]

            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: Database): ...
            """,
            line=4,
            column=22,
        ),
        # Annotated with AsyncSession but no Depends inside.
        Invalid(
            """
            @module.router.delete("/demo/items/{item_id}", status_code=204)
            async def delete_item(item_id: str, db: Annotated[AsyncSession, "session"]): ...
            """,
            line=2,
            column=37,
        ),
        Invalid(
            """
            @core_module.router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket, db: AsyncSession = Depends(get_session)): ...
            """,
            line=2,
            column=52,
            path="app/core/demo/endpoints_demo.py",
            message="Parameter `db` gets its database session from `get_session`; write `db: AsyncSession = Depends(get_db)` so that the session is committed or rolled back for you",
        ),
        # `Depends()` with no dependency calls the annotation, here AsyncSession itself.
        Invalid(
            """
            router = APIRouter()

            @router.get("/demo/items", status_code=200)
            async def read_items(db: AsyncSession = Depends()): ...
            """,
            line=4,
            column=22,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)
        self.aliases = annotated_aliases(node)
        self.bound_names = top_level_names(node)
        self.allowed = frozenset(self.settings["db-dependencies"])
        self.allowed_websocket = self.allowed | frozenset(self.settings["websocket-db-dependencies"])
        self.expected = self.settings["db-dependencies"][0] if self.settings["db-dependencies"] else "get_db"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = routes_of(node, self.router_names)
        if not routes:
            return
        websocket = all(route.is_websocket for route in routes)
        allowed = self.allowed_websocket if websocket else self.allowed
        for param in all_params(node):
            self._check(param, allowed)

    def _check(self, param: cst.Param, allowed: frozenset[str]) -> None:
        annotation = param.annotation.annotation if param.annotation is not None else None
        dependency = param_dependency(param, self.aliases)
        if dependency is not None:
            declared = dependency.declared_type
        elif isinstance(annotation, cst.Name) and annotation.value in self.aliases:
            declared = unwrap_annotated(self.aliases[annotation.value])[0]
        elif annotation is not None:
            declared = unwrap_annotated(annotation)[0]
        else:
            declared = None
        is_session = is_type_named(declared, "AsyncSession")
        name = param.name.value
        if not is_session and name != "db":
            return
        if dependency is not None:
            target = dependency.target_name
            if target in allowed:
                return
            self.report(
                param,
                param=name,
                dependency=target if target is not None else "Depends()",
                expected=self.expected,
            )
            return
        if (
            not is_session
            and annotation is not None
            and declared is annotation
            and may_be_imported_alias(annotation, self.bound_names)
        ):
            # `db: Database` with `Database` from another file: assumed to carry Depends(get_db).
            return
        self.report(
            param,
            self.message_missing.format(param=name, expected=self.expected),
            expected=self.expected,
        )
