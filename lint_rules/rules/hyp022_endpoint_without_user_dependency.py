from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.access import USER_DEPENDENCIES, AccessResolver, Verdict
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.project_model import model_of


def resolver(project: ProjectIndex, patterns: tuple[str, ...]) -> AccessResolver:
    """One resolver per project and set of patterns, shared by the files' checks."""
    return project.derived((AccessResolver, patterns), lambda p: AccessResolver(p, patterns))


class EndpointWithoutUserDependency(Rule):
    """
    ## What it does
    Checks that every HTTP route depends on the current user: a parameter provided by
    `Depends(...)` of the user family (`is_user()`, `is_user_allowed_to([...])`,
    `is_user_in(...)`, `is_user_an_ecl_member`, `get_token_data`...), also inside
    `Annotated[...]` or a module alias, or such a `Depends(...)` in the decorator's
    `dependencies=[...]`, in the `dependencies=[...]` of the file's `APIRouter(...)` (the
    one given to the module as `router=` too), or of a router that includes it
    (`api_router = APIRouter(dependencies=[...])` including every module's router).

    A dependency whose name is not of the family counts when it depends on the user
    itself: the rule follows the project's own dependencies, across files (a module's
    `get_current_member(user=Depends(is_user()))` protects the routes that use it). A
    project class given to `Depends()` is judged by its `__init__` (or its bases'; a
    pydantic model's fields are query parameters, no user), and `Depends(X.as_form)` by
    that classmethod's parameters: a form parser does not identify anyone. A parameter
    annotated with an alias imported from the project (`db: Database`, with `Database =
    Annotated[AsyncSession, Depends(get_db)]` in `app/dependencies.py`) is judged by the
    alias's dependency. When a dependency cannot be followed (a project variable such as
    `require_admin = is_user_in(...)`, a factory whose returned function is not visible,
    a method the facts do not describe), the route is not judged. Dependencies from
    libraries (`OAuth2PasswordRequestForm = Depends()`) do not identify a user.
    Websocket routes authenticate inside the connection and are not checked.

    The message suggests the tree's own ORM user class and user helpers (read from the
    tree, see `hyperion-lint project`): `is_user_allowed_to([...])` where it exists,
    `is_user` / `is_user_a_member_of(...)` in a 2024 tree.

    This rule is opt-in: public routes exist (login, health checks, calendars in iCal,
    payment callbacks). Mark each of them with `# noqa: HYP022` so that the next reader
    knows it is public on purpose.

    ## Why is this bad?
    A route without a user dependency can be called by anyone on the internet without a
    token. Forgetting `user=Depends(is_user_allowed_to([...]))` on a new route is the
    easiest way to leak data or let strangers write to the database, and nothing fails
    in development, where the caller is always logged in.

    ## Example
    ```python
    @module.router.get("/advert/adverts", response_model=list[schemas_advert.AdvertComplete], status_code=200)
    async def read_adverts(db: AsyncSession = Depends(get_db)): ...
    ```

    ## Use instead
    ```python
    @module.router.get("/advert/adverts", response_model=list[schemas_advert.AdvertComplete], status_code=200)
    async def read_adverts(
        db: AsyncSession = Depends(get_db),
        user: models_users.CoreUser = Depends(is_user_allowed_to([AdvertPermissions.access_advert])),
    ): ...
    ```

    ## Fix safety
    There is no automatic fix: who may call the route is a decision.

    ## Options
    - `user-dependencies` (list of glob patterns, default `["is_user*", "get_user*",
      "get_current_user*", "is_*member*", "is_*holder*", "is_*admin*", "is_*user*",
      "get_token_data", "has_user_*"]`): the dependencies that authenticate the caller,
      matched against the name called in `Depends(...)` (`is_user_allowed_to` for
      `Depends(is_user_allowed_to([...]))`). `has_user_*` is Hyperion's name for
      dependency factories that check an access and return the user
      (`has_user_competition_access(...)`).
    """

    code = "HYP022"
    name = "endpoint-without-user-dependency"
    message = "Route `{function}` ({route}) has no user dependency, so anyone can call it without logging in; add `user: {annotation} = Depends({dependency})`{others}, or `# noqa: HYP022` if it is public on purpose"
    applies_to = ("endpoints_*.py",)
    default_enabled = False
    needs_project = True
    options = (
        Option(
            "user-dependencies",
            "list[str]",
            list(USER_DEPENDENCIES),
            "Glob patterns of the dependencies that authenticate the caller.",
        ),
    )

    VALID = [
        Valid(
            """
            @module.router.get(
                "/demo/items",
                response_model=list[int],
                status_code=200,
            )
            async def read_items(
                db: AsyncSession = Depends(get_db),
                user: models_users.CoreUser = Depends(
                    is_user_allowed_to([DemoPermissions.access_demo]),
                ),
            ): ...


            @module.router.delete("/demo/items/{item_id}", status_code=204, dependencies=[Depends(is_user_in(GroupType.admin))])
            async def delete_item(item_id: str): ...
            """
        ),
        # Annotated, a module alias, the token data, a module's own access check.
        Valid(
            """
            CurrentUser = Annotated[models_users.CoreUser, Depends(is_user())]


            @module.router.get("/demo/me", status_code=200)
            async def read_me(user: CurrentUser): ...


            @module.router.post("/demo/items", status_code=201)
            async def create_item(user: Annotated[models_users.CoreUser, Depends(is_user_an_ecl_member)]): ...


            @module.router.get("/demo/token", status_code=200)
            async def read_token(token_data: schemas_auth.TokenData = Depends(get_token_data)): ...


            @module.router.get("/demo/access", status_code=200)
            async def read_access(user=Depends(has_user_demo_access())): ...
            """
        ),
        # The module's router is given to the module; the app includes every module's
        # router in an API router that requires a user.
        Valid(
            """
            router = APIRouter(tags=["Demo"])
            module = Module(root="demo", tag="Demo", router=router, factory=None)


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            files={
                "app/api.py": """
                    from app.dependencies import is_user
                    from app.module import all_modules

                    api_router = APIRouter(dependencies=[Depends(is_user())])
                    for module in all_modules:
                        api_router.include_router(module.router)
                """,
            },
        ),
        # A router whose every route requires a user; websockets; a commented-out decorator.
        Valid(
            """
            router = APIRouter(tags=["Demo"], dependencies=[Depends(is_user())])
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.get("/demo/items", status_code=200)
            async def read_items(): ...


            @router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket): ...


            # @router.get("/demo/public")
            async def helper(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        # A project dependency that itself depends on the user, imported from another file.
        Valid(
            """
            from app.modules.demo.dependencies_demo import get_current_member


            @module.router.api_route("/demo/items", methods=["GET", "HEAD"])
            async def read_items(member=Depends(get_current_member)): ...
            """,
            files={
                "app/modules/demo/dependencies_demo.py": """
                    async def get_current_member(
                        db: AsyncSession = Depends(get_db),
                        user: models_users.CoreUser = Depends(is_user()),
                    ):
                        return await cruds_demo.get_member(user.id, db)
                """,
            },
        ),
        # What cannot be followed is not judged: a project variable, an imported alias,
        # a class of the project.
        Valid(
            """
            from app.dependencies import CurrentUser
            from app.modules.demo.dependencies_demo import ItemFilter, require_admin


            @module.router.get("/demo/a", status_code=200)
            async def read_a(admin=Depends(require_admin)): ...


            @module.router.get("/demo/b", status_code=200)
            async def read_b(user: CurrentUser): ...


            @module.router.get("/demo/c", status_code=200)
            async def read_c(item_filter: ItemFilter = Depends()): ...
            """,
            files={
                "app/modules/demo/dependencies_demo.py": """
                    require_admin = is_user_in(GroupType.admin)


                    class ItemFilter:
                        def __init__(self, user=Depends(is_user())): ...
                """,
                "app/dependencies.py": "CurrentUser = Annotated[CoreUser, Depends(is_user())]\n",
            },
        ),
        # An endpoints file without routes; PEP 695; the option narrowed to a custom family.
        Valid(
            """
            module = Module(root="demo", tag="Demo", factory=None)
            """
        ),
        Valid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items[T](caller=Depends(authenticate)) -> list[T]: ...
            """,
            options={"user-dependencies": ["authenticate"]},
        ),
    ]
    INVALID = [
        # Form parsers and pydantic models identify nobody.
        Invalid(
            """
            from app.core.auth import schemas_auth

            router = APIRouter()


            @router.post("/auth/authorize", status_code=200)
            async def authorize(
                form: schemas_auth.AuthorizeForm = Depends(schemas_auth.AuthorizeForm.as_form),
                filters: schemas_auth.Filters = Depends(),
            ): ...
            """,
            path="app/core/auth/endpoints_auth.py",
            line=6,
            column=2,
            files={
                "app/core/auth/schemas_auth.py": """
                    from pydantic import BaseModel


                    class AuthorizeForm(BaseModel):
                        client_id: str

                        @classmethod
                        def as_form(cls, client_id: str = Form(...)) -> "AuthorizeForm":
                            return cls(client_id=client_id)


                    class Filters(BaseModel):
                        search: str | None = None
                """,
            },
        ),
        # An alias of another file, read there: the session, no user.
        Invalid(
            """
            from app.dependencies import Database


            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: Database): ...
            """,
            files={
                "app/dependencies.py": """
                    async def get_db() -> AsyncGenerator[AsyncSession, None]: ...

                    Database = Annotated[AsyncSession, Depends(get_db)]
                """,
            },
            line=4,
            column=2,
        ),
        # A 2024 tree: the suggestion names its own class and helpers.
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(db: AsyncSession = Depends(get_db)): ...
            """,
            files={
                "app/core/models_core.py": "class CoreUser(Base):\n    __tablename__ = 'core_user'\n",
                "app/dependencies.py": """
                    from app.core import models_core

                    async def get_db(): ...

                    async def is_user(user=Depends(get_current_user)) -> models_core.CoreUser:
                        return user

                    def is_user_a_member_of(group_id):
                        async def is_user_a_member_of(user=Depends(get_current_user)) -> models_core.CoreUser:
                            return user
                        return is_user_a_member_of
                """,
            },
            line=1,
            column=2,
            message="Route `read_items` (GET `/demo/items`) has no user dependency, so anyone can call it without logging in; add `user: models_core.CoreUser = Depends(is_user)` (or `is_user_a_member_of(...)`), or `# noqa: HYP022` if it is public on purpose",
        ),
        # A library's class dependency identifies no user.
        Invalid(
            """
            from fastapi.security import OAuth2PasswordRequestForm


            @module.router.post("/demo/token", status_code=200)
            async def login(form_data: OAuth2PasswordRequestForm = Depends()): ...
            """,
            line=4,
            column=2,
        ),
        Invalid(
            """
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items(db: AsyncSession = Depends(get_db)): ...
            """,
            line=1,
            column=2,
            message="Route `read_items` (GET `/demo/items`) has no user dependency, so anyone can call it without logging in; add `user: models_users.CoreUser = Depends(is_user_allowed_to([...]))` (or `is_user()`, `is_user_in(...)`), or `# noqa: HYP022` if it is public on purpose",
        ),
        # A project dependency that does not depend on the user; a multi-line decorator.
        Invalid(
            """
            from app.modules.demo.dependencies_demo import get_current_edition


            @module.router.post(
                "/demo/items",
                status_code=201,
            )
            async def create_item(
                edition=Depends(get_current_edition),
                settings: Settings = Depends(get_settings),
            ): ...
            """,
            line=4,
            column=2,
            files={
                "app/modules/demo/dependencies_demo.py": """
                    from app.dependencies import get_db


                    async def get_current_edition(db: AsyncSession = Depends(get_db)):
                        return await cruds_demo.get_edition(db)
                """,
                "app/dependencies.py": """
                    async def get_db(): ...
                """,
            },
        ),
        # A parameter annotated with a schema imported from the project is no user alias.
        Invalid(
            """
            from app.modules.demo.schemas_demo import ItemBase

            router = APIRouter()
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.api_route("/demo/items", methods=["POST", "PUT"])
            async def upsert_item(item: ItemBase, request: Request): ...
            """,
            line=7,
            column=2,
            path="app/core/demo/endpoints_demo.py",
            message="Route `upsert_item` (POST/PUT `/demo/items`) has no user dependency, so anyone can call it without logging in; add `user: models_users.CoreUser = Depends(is_user_allowed_to([...]))` (or `is_user()`, `is_user_in(...)`), or `# noqa: HYP022` if it is public on purpose",
            files={
                "app/modules/demo/schemas_demo.py": """
                    class ItemBase(BaseModel):
                        name: str
                """,
            },
        ),
    ]

    # -- the project check ---------------------------------------------------------------------

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        access = resolver(project, tuple(self.settings["user-dependencies"]))
        for route in facts.routes:
            if route.methods == ("websocket",) or access.verdict(facts, route) is not Verdict.NONE:
                continue
            methods = "/".join(m.upper() for m in route.methods) or "route"
            where = f"{methods} `{route.path}`" if route.path is not None else methods
            model = model_of(project)
            examples = model.user_dependency_examples() or ["is_user"]
            others = f" (or {', '.join(f'`{e}`' for e in examples[1:])})" if examples[1:] else ""
            self.report_at(
                route.location,
                function=route.function,
                route=where,
                annotation=model.orm_user.value.annotation,
                dependency=examples[0],
                others=others,
            )
