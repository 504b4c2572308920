import enum
from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.extract import dependency_ref
from lint_rules.knowledge.facts import ClassFact, FileFacts, ProjectIndex
from lint_rules.knowledge.project_model import model_of
from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.routes import local_router_names, routes_of
from lint_rules.knowledge.matchers.signatures import (
    all_params,
    annotated_aliases,
    depends_target,
    is_depends_call,
    matches_any,
    param_dependency,
    top_level_names,
    unwrap_annotated,
)
from lint_rules.knowledge.matchers.syntax import assignment_targets, dotted_name, keyword_arg, last_name

# How deep dependencies of dependencies are followed.
_MAX_DEPTH = 12


class _Verdict(enum.Enum):
    USER = "user"  # provides (or requires) the current user
    NONE = "none"  # provably does not
    UNKNOWN = "unknown"  # cannot be told: the route is not judged


@dataclass(frozen=True)
class _RouteExtra:
    """What the facts do not say about one route: every dependency it has, written as
    ``RouteFact.dependency_refs`` (a ``Depends()`` without target is the class of its
    annotation, called: ``OAuth2PasswordRequestForm()``), with those of its router
    (``APIRouter(dependencies=[...])``); and its parameters annotated with an imported name
    that may be an ``Annotated[..., Depends(...)]`` alias of another file."""

    refs: tuple[str, ...]
    imported_annotations: tuple[str, ...]


def _dependency_refs(arg: cst.Arg | None) -> list[str]:
    """The ``dependency_ref`` of each ``Depends(...)`` of a ``dependencies=[...]`` argument."""
    if arg is None or not isinstance(arg.value, (cst.List, cst.Tuple)):
        return []
    return [
        dependency_ref(depends_target(element.value))
        for element in arg.value.elements
        if is_depends_call(element.value) and isinstance(element.value, cst.Call)
    ]


class EndpointWithoutUserDependency(Rule):
    """
    ## What it does
    Checks that every HTTP route depends on the current user: a parameter provided by
    `Depends(...)` of the user family (`is_user()`, `is_user_allowed_to([...])`,
    `is_user_in(...)`, `is_user_an_ecl_member`, `get_token_data`...), also inside
    `Annotated[...]` or a module alias, or such a `Depends(...)` in the decorator's
    `dependencies=[...]` or in the `dependencies=[...]` of the file's `APIRouter(...)`.

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
            [
                "is_user*",
                "get_user*",
                "get_current_user*",
                "is_*member*",
                "is_*holder*",
                "is_*admin*",
                "is_*user*",
                "get_token_data",
                "has_user_*",
            ],
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

    # -- the visitor: what the facts do not record -------------------------------------------

    def visit_Module(self, node: cst.Module) -> None:
        imports = import_map(node)
        aliases = annotated_aliases(node)
        router_names = local_router_names(node)
        router_refs: dict[str, list[str]] = {}
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                targets, value = assignment_targets(small)
                if isinstance(value, cst.Call) and last_name(value.func) == "APIRouter":
                    refs = _dependency_refs(keyword_arg(value, "dependencies"))
                    for target in targets:
                        if isinstance(target, cst.Name):
                            router_refs[target.value] = refs
        functions = {s.name.value for s in node.body if isinstance(s, cst.FunctionDef)}
        classes = {s.name.value for s in node.body if isinstance(s, cst.ClassDef)}
        # Module-level names bound by assignment (or anything but a def, class or import).
        self.variables = top_level_names(node) - functions - classes - set(imports)
        # Plain tuples (``_RouteExtra`` fields): the engine caches what visitors leave for check.
        self.extras: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for statement in node.body:
            if not isinstance(statement, cst.FunctionDef):
                continue
            routes = routes_of(statement, router_names)
            if not routes:
                continue
            imported: list[str] = []
            param_refs: list[str] = []
            for param in all_params(statement):
                dependency = param_dependency(param, aliases)
                if dependency is not None:
                    if dependency.target is not None:
                        param_refs.append(dependency_ref(dependency.target))
                    else:
                        declared = dotted_name(dependency.declared_type)
                        param_refs.append(f"{declared}()" if declared else "")
                    continue
                if param.annotation is None:
                    continue
                annotation, _ = unwrap_annotated(param.annotation.annotation)
                name = dotted_name(annotation)
                if name is not None and name.split(".", 1)[0] in imports:
                    imported.append(name)
            for route in routes:
                owner = route.call.func.value if isinstance(route.call.func, cst.Attribute) else None
                refs = [
                    *param_refs,
                    *_dependency_refs(route.keyword("dependencies")),
                    *(router_refs.get(owner.value, []) if isinstance(owner, cst.Name) else []),
                ]
                self.extras.setdefault(statement.name.value, []).append((tuple(refs), tuple(imported)))

    # -- the project check ---------------------------------------------------------------------

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        self.patterns = tuple(self.settings["user-dependencies"])
        self.memo: dict[tuple[str, str], _Verdict] = {}
        seen: dict[str, int] = {}
        for route in facts.routes:
            position = seen.get(route.function, 0)
            seen[route.function] = position + 1
            extras = self.extras.get(route.function, [])
            if position >= len(extras) or route.methods == ("websocket",):
                continue
            extra = _RouteExtra(*extras[position])
            verdicts = [self._verdict(project, facts, ref, 0) for ref in extra.refs]
            verdicts += [self._alias_verdict(project, facts, name) for name in extra.imported_annotations]
            if _Verdict.USER in verdicts or _Verdict.UNKNOWN in verdicts:
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

    def _verdict(self, project: ProjectIndex, facts: FileFacts, ref: str, depth: int) -> _Verdict:
        """Whether the dependency ``ref`` (as recorded in ``facts``) provides the user."""
        if not ref or depth > _MAX_DEPTH:
            return _Verdict.UNKNOWN
        called = ref.endswith("()")
        dotted = ref[:-2] if called else ref
        if matches_any(dotted.rsplit(".", 1)[-1], self.patterns):
            return _Verdict.USER
        key = (facts.path, ref)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = _Verdict.NONE  # a cycle of dependencies adds nothing
        verdict = self._follow(project, facts, dotted, called, depth)
        self.memo[key] = verdict
        return verdict

    def _follow(
        self, project: ProjectIndex, facts: FileFacts, dotted: str, called: bool, depth: int
    ) -> _Verdict:
        origin = facts.origin_of(dotted)
        if origin is not None:
            if not facts.in_package(origin):
                return _Verdict.NONE  # a library's dependency (fastapi, starlette...)
        elif "." not in dotted and dotted not in facts.function_params and facts.local_class(dotted) is None:
            # A module-level variable (``require_admin = is_user_in(...)``), a builtin or an
            # undefined name: only the linted file's own variables are known.
            if facts.path == self.context.path and dotted not in self.variables:
                return _Verdict.NONE
            return _Verdict.UNKNOWN
        found = project.resolve(facts, dotted, called=called)
        if found.kind == "function":
            assert found.facts is not None and found.key is not None
            return self._all(project, found.facts, found.facts.function_dependencies.get(found.key, ()), depth)
        if found.kind == "class":
            assert found.facts is not None and found.cls is not None
            return self._class_verdict(project, found.facts, found.cls, "__init__", depth)
        if "." in dotted:
            # ``Depends(schemas_auth.Form.as_form)``: a classmethod of a project class.
            owner, _, method = dotted.rpartition(".")
            cls = project.resolve(facts, owner)
            if cls.kind == "class" and cls.facts is not None and cls.cls is not None:
                return self._class_verdict(project, cls.facts, cls.cls, method, depth)
        # A project variable, or a name that cannot be followed.
        return _Verdict.UNKNOWN

    def _all(self, project: ProjectIndex, facts: FileFacts, refs: Iterable[str], depth: int) -> _Verdict:
        """USER when one of the dependencies ``refs`` (of ``facts``' file) provides the user."""
        inner = [self._verdict(project, facts, ref, depth + 1) for ref in refs]
        if _Verdict.USER in inner:
            return _Verdict.USER
        return _Verdict.UNKNOWN if _Verdict.UNKNOWN in inner else _Verdict.NONE

    def _class_verdict(
        self, project: ProjectIndex, facts: FileFacts, cls: ClassFact, method: str, depth: int
    ) -> _Verdict:
        """``Depends(X)`` calls ``X.__init__``, ``Depends(X.as_form)`` the classmethod: what
        their parameters depend on. A class without its own ``__init__`` takes its bases';
        a library base (pydantic's ``BaseModel``: its fields are query parameters) depends
        on no user."""
        if depth > _MAX_DEPTH:
            return _Verdict.UNKNOWN
        if method in cls.method_dependencies:
            return self._all(project, facts, cls.method_dependencies[method], depth)
        if method != "__init__" or cls.init_params is not None:
            return _Verdict.UNKNOWN  # a method the facts do not describe
        verdicts = []
        for base in cls.bases:
            origin = facts.origin_of(base) if base else None
            if origin is not None and not facts.in_package(origin):
                verdicts.append(_Verdict.NONE)
                continue
            found = project.resolve(facts, base) if base else None
            if found is not None and found.kind == "class" and found.facts is not None and found.cls is not None:
                verdicts.append(self._class_verdict(project, found.facts, found.cls, method, depth + 1))
            else:
                verdicts.append(_Verdict.UNKNOWN)
        if _Verdict.USER in verdicts:
            return _Verdict.USER
        return _Verdict.UNKNOWN if _Verdict.UNKNOWN in verdicts else _Verdict.NONE

    def _alias_verdict(self, project: ProjectIndex, facts: FileFacts, dotted: str) -> _Verdict | None:
        """For a parameter annotated with a name imported from the project: the verdict of
        the dependency it gives when it is an ``Annotated[..., Depends(...)]`` alias of the
        file defining it (``db: Database``, ``Database = Annotated[AsyncSession,
        Depends(get_db)]`` in app/dependencies.py); None when it is a class (no dependency);
        UNKNOWN when it cannot be seen."""
        origin = facts.origin_of(dotted)
        if origin is None or not facts.in_package(origin):
            return None
        module, _, name = origin.rpartition(".")
        defining = project.file_of(module)
        if defining is not None and name in defining.dependency_aliases:
            return self._verdict(project, defining, defining.dependency_aliases[name], 1)
        if project.resolve(facts, dotted).kind == "class":
            return None
        return _Verdict.UNKNOWN
