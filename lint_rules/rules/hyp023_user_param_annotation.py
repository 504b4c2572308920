import libcst as cst

from lint_rules.knowledge.extract import dependency_ref
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.routes import local_router_names, routes_of
from lint_rules.knowledge.matchers.signatures import (
    all_params,
    annotated_aliases,
    matches_any,
    param_dependency,
)
from lint_rules.knowledge.matchers.syntax import dotted_name, string_value
from lint_rules.knowledge.project_model import model_of
from lint_rules.model import Edit
from lint_rules.rule_api.base import Applicability, Invalid, Option, Rule, Valid

USER_CLASS = "CoreUser"

# Cases: today's tree, a module dependency, and a 2024 tree (`models_core`).
TODAY = {
    "app/core/users/models_users.py": "class CoreUser(Base):\n    __tablename__ = 'core_user'\n",
}
COMPETITOR = {
    "app/modules/demo/dependencies_demo.py": """
        from app.core.users import models_users

        def is_competitor():
            async def is_competitor_dependency(user=Depends(is_user())) -> models_users.CoreUser:
                return user
            return is_competitor_dependency
    """,
}
LEGACY = {
    "app/core/models_core.py": "class CoreUser(Base):\n    __tablename__ = 'core_user'\n",
    "app/dependencies.py": """
        from app.core import models_core

        async def is_user_a_member(user=Depends(get_current_user)) -> models_core.CoreUser:
            return user

        def is_user_a_member_of(group_id: GroupType) -> Callable[[models_core.CoreUser], Coroutine[Any, Any, models_core.CoreUser]]:
            async def is_user_a_member_of(user=Depends(get_current_user)) -> models_core.CoreUser:
                return user
            return is_user_a_member_of
    """,
}
# Stands for the annotation in the fix until the project says which class is the user.
PLACEHOLDER = "__hyperion_lint_orm_user__"


class UserParamAnnotation(Rule):
    """
    ## What it does
    Checks that a route parameter provided by a user dependency (`Depends(is_user())`,
    `Depends(is_user_allowed_to([...]))`, `Depends(is_user_an_ecl_member)`,
    `Depends(is_user_in(...))`...) is annotated with the ORM user class, also inside
    `Annotated[...]`: `models_users.CoreUser` in today's Hyperion.

    Both sides are read from the checked tree (`hyperion-lint project` shows them): the
    ORM user is wherever `class CoreUser(Base)` is defined (`app/core/users/models_users.py`
    today, `app/core/models_core.py` before 2025, so `models_core.CoreUser` is right in
    those trees), and a dependency is a user dependency when its definition (or, for a
    factory such as `is_user_in(...)`, the function it returns) is annotated to return that
    class, followed across files. A dependency whose definition the tree does not show is
    judged by its name (the `user-dependencies` option); one annotated to return anything
    else (`get_token_data` returns a `TokenData`, `is_competition_user()` a module's own
    user schema) is left alone.

    ## Why is this bad?
    Without an annotation, `user` is `Any`: the editor cannot complete `user.id` or
    `user.groups`, and a type checker cannot catch a typo. Annotating it with the
    Pydantic schema `schemas_users.CoreUser` is worse: it promises fields and behaviour
    that the object the dependency really returns, a SQLAlchemy `models_users.CoreUser`,
    does not have.

    ## Example
    ```python
    @module.router.get("/demo/items", status_code=200)
    async def read_items(user=Depends(is_user_an_ecl_member)): ...
    ```

    ## Use instead
    ```python
    @module.router.get("/demo/items", status_code=200)
    async def read_items(user: models_users.CoreUser = Depends(is_user_an_ecl_member)): ...
    ```

    ## Fix safety
    When the parameter has no annotation and the file already imports the ORM user's
    module (or the class itself), the fix adds the annotation. FastAPI ignores the
    annotation of a parameter whose dependency is given, so behaviour does not change:
    the fix is safe. Without such an import the message says which one to add. A wrong
    annotation is not rewritten: the code that uses it may need changes too.

    ## Options
    - `user-dependencies` (list of glob patterns, default `["is_user*", "get_user_from_*",
      "get_current_user", "has_user_*"]`): the dependencies that return the ORM user when
      the tree does not show their definition, matched against the name called in
      `Depends(...)` (`is_user_allowed_to` for `Depends(is_user_allowed_to([...]))`).
    """

    code = "HYP023"
    name = "user-param-annotation"
    message = "Parameter `{param}` receives the current user from `{dependency}` but is not annotated; write `{param}: {annotation} = Depends(...)`"
    message_import = "Parameter `{param}` receives the current user from `{dependency}` but is not annotated; write `{param}: {annotation} = Depends(...)`, with `{line}`"
    message_wrong = "Parameter `{param}` receives the current user from `{dependency}` but is annotated `{annotation}`; the dependency returns a `{user}`, annotate it so"
    fix_title = "Annotate `{param}` with `{annotation}`"
    fix_safety = Applicability.SAFE
    needs_project = True

    options = (
        Option(
            "user-dependencies",
            "list[str]",
            ["is_user*", "get_user_from_*", "get_current_user", "has_user_*"],
            "Glob patterns of the dependencies that return the ORM user, for those whose definition the tree does not show.",
        ),
    )

    VALID = [
        # A 2024 tree: `models_core.CoreUser` is the ORM user there, read from the tree.
        Valid(
            """
            from app.core import models_core
            from app.dependencies import is_user_a_member, is_user_a_member_of

            @module.router.get("/demo/items", status_code=200)
            async def read_items(
                user: models_core.CoreUser = Depends(is_user_a_member),
                admin: models_core.CoreUser = Depends(is_user_a_member_of(GroupType.admin)),
            ): ...
            """,
            files=LEGACY,
        ),
        # A dependency the patterns name, read to return something else.
        Valid(
            """
            from app.dependencies import is_user_token

            @module.router.get("/demo/items", status_code=200)
            async def read_items(token=Depends(is_user_token)): ...
            """,
            files={"app/dependencies.py": """
                async def is_user_token(token: str = Depends(oauth2_scheme)) -> schemas_auth.TokenData: ...
            """},
        ),
        # The house style, with a multi-line decorator and a multi-line Depends.
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
            ):
                \"\"\"Read the items.\"\"\"
            """
        ),
        # A bare CoreUser imported from models_users, in Annotated and in an alias.
        Valid(
            """
            from app.core.users.models_users import CoreUser

            CurrentUser = Annotated[CoreUser, Depends(is_user())]

            @module.router.get("/demo/items", status_code=200)
            async def read_items(
                user: Annotated[CoreUser, Depends(is_user_in(GroupType.admin))],
                other: CurrentUser,
            ): ...
            """
        ),
        # Dependencies that do not return a CoreUser: token data, a user id, a module's own user.
        Valid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(
                token_data: schemas_auth.TokenData = Depends(get_token_data),
                user_id: str = Depends(get_user_id_from_token_with_scopes([[ScopeType.API]])),
                user: schemas_demo.DemoUser = Depends(is_demo_user()),
            ): ...
            """
        ),
        # A helper that is not a route, and a commented-out decorator.
        Valid(
            """
            async def helper(user=Depends(is_user())): ...

            # @module.router.get("/demo/old")
            async def old_route(user=Depends(is_user())): ...
            """
        ),
        # A websocket route in a core module with a local router.
        Valid(
            """
            router = APIRouter()

            @router.websocket("/demo/ws")
            async def websocket_endpoint(
                websocket: WebSocket,
                user: app.core.users.models_users.CoreUser = Depends(is_user()),
            ): ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        # PEP 695 generics; the option narrowed.
        Valid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items[T](user=Depends(get_current_user)) -> list[T]: ...
            """,
            options={"user-dependencies": ["is_user*"]},
        ),
    ]
    INVALID = [
        # Today's tree: a dependency outside every pattern, read to return the ORM user.
        Invalid(
            """
            from app.core.users import models_users
            from app.modules.demo.dependencies_demo import is_competitor

            @module.router.get("/demo/items", status_code=200)
            async def read_items(user=Depends(is_competitor())): ...
            """,
            files={**TODAY, **COMPETITOR},
            line=5,
            column=22,
            message="Parameter `user` receives the current user from `is_competitor` but is not annotated; write `user: models_users.CoreUser = Depends(...)`",
            fixed="""
            from app.core.users import models_users
            from app.modules.demo.dependencies_demo import is_competitor

            @module.router.get("/demo/items", status_code=200)
            async def read_items(user: models_users.CoreUser = Depends(is_competitor())): ...
            """,
        ),
        # A 2024 tree: the ORM user is `models_core.CoreUser`; the fix follows the tree.
        Invalid(
            """
            from app.core import models_core
            from app.dependencies import is_user_a_member

            @module.router.get("/demo/items", status_code=200)
            async def read_items(user=Depends(is_user_a_member)): ...
            """,
            files=LEGACY,
            line=5,
            column=22,
            message="Parameter `user` receives the current user from `is_user_a_member` but is not annotated; write `user: models_core.CoreUser = Depends(...)`",
            fixed="""
            from app.core import models_core
            from app.dependencies import is_user_a_member

            @module.router.get("/demo/items", status_code=200)
            async def read_items(user: models_core.CoreUser = Depends(is_user_a_member)): ...
            """,
        ),
        # In that tree, `models_users` does not hold the ORM user.
        Invalid(
            """
            from app.core.users import models_users
            from app.dependencies import is_user_a_member

            @module.router.get("/demo/items", status_code=200)
            async def read_items(user: models_users.CoreUser = Depends(is_user_a_member)): ...
            """,
            files={**LEGACY, "app/core/users/models_users.py": "class UserSettings(Base): ...\n"},
            line=5,
            column=22,
            message="Parameter `user` receives the current user from `is_user_a_member` but is annotated `models_users.CoreUser`; the dependency returns a `models_core.CoreUser`, annotate it so",
        ),
        # Nothing to annotate with is imported: the message says what to import.
        Invalid(
            """
            from app.dependencies import is_user_a_member

            @module.router.get("/demo/items", status_code=200)
            async def read_items(user=Depends(is_user_a_member)): ...
            """,
            files=LEGACY,
            line=4,
            column=22,
            message="Parameter `user` receives the current user from `is_user_a_member` but is not annotated; write `user: models_core.CoreUser = Depends(...)`, with `from app.core import models_core`",
            no_fix=True,
        ),
        Invalid(
            """
            from app.core.users import models_users

            @module.router.get("/demo/items", status_code=200)
            async def read_items(
                user=Depends(is_user_an_ecl_member),
            ): ...
            """,
            line=5,
            column=5,
            message="Parameter `user` receives the current user from `is_user_an_ecl_member` but is not annotated; write `user: models_users.CoreUser = Depends(...)`",
            fixed="""
            from app.core.users import models_users

            @module.router.get("/demo/items", status_code=200)
            async def read_items(
                user: models_users.CoreUser = Depends(is_user_an_ecl_member),
            ): ...
            """,
        ),
        # The Pydantic schema instead of the model.
        Invalid(
            """
            @module.router.delete("/demo/items/{item_id}", status_code=204)
            async def delete_item(
                item_id: str,
                user: schemas_users.CoreUser = Depends(is_user_in(GroupType.admin)),
            ): ...
            """,
            line=4,
            column=5,
            message="Parameter `user` receives the current user from `is_user_in` but is annotated `schemas_users.CoreUser`; the dependency returns a `models_users.CoreUser`, annotate it so",
        ),
        # A bare CoreUser that is the schema.
        Invalid(
            """
            from app.core.users.schemas_users import CoreUser

            @module.router.get("/demo/items", status_code=200)
            async def read_items(user: CoreUser = Depends(is_user())): ...
            """,
            line=4,
            column=22,
        ),
        # With a bare CoreUser import, the fix uses it.
        Invalid(
            """
            from app.core.users.models_users import CoreUser

            @module.router.post("/demo/items", status_code=201)
            async def create_item(user=Depends(is_user_allowed_to([DemoPermissions.access_demo]))): ...
            """,
            line=4,
            column=23,
            fixed="""
            from app.core.users.models_users import CoreUser

            @module.router.post("/demo/items", status_code=201)
            async def create_item(user: CoreUser = Depends(is_user_allowed_to([DemoPermissions.access_demo]))): ...
            """,
        ),
        # Annotated with the wrong type.
        Invalid(
            """
            @core_module.router.get("/demo/me", status_code=200)
            async def read_me(user: Annotated[schemas_users.CoreUserSimple, Depends(is_user())]): ...
            """,
            line=2,
            column=19,
            path="app/core/demo/endpoints_demo.py",
        ),
        # No import to annotate with: reported without a fix.
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)
            async def read_items(user=Depends(has_user_demo_access())): ...
            """,
            line=2,
            column=22,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)
        self.aliases = annotated_aliases(node)
        self.imports = import_map(node)
        # What the file could annotate with, by the class it names (resolved in check):
        # ``models_users.CoreUser`` for an imported models module, ``CoreUser`` imported.
        self.candidates: list[tuple[str, str]] = []
        for local, origin in self.imports.items():
            if origin.rsplit(".", 1)[-1].startswith("models"):
                self.candidates.append((f"{local}.{USER_CLASS}", f"{origin}.{USER_CLASS}"))
            elif local == USER_CLASS:
                self.candidates.append((local, origin))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not routes_of(node, self.router_names):
            return
        for param in all_params(node):
            dependency = param_dependency(param, self.aliases)
            if dependency is None or not dependency.target_name:
                continue
            declared = dependency.declared_type
            if declared is None:
                kind, annotation = "missing", None
            else:
                annotation = dotted_name(declared)
                if annotation is None and isinstance(declared, cst.SimpleString):
                    value = string_value(declared)
                    annotation = value.strip() if value is not None else None
                kind = "named" if annotation is not None else "other"
                annotation = annotation or " ".join(self.context.module.code_for_node(declared).split())
            replacement = None
            if kind == "missing" and param.annotation is None and self.candidates:
                replacement = param.with_changes(
                    annotation=cst.Annotation(
                        annotation=cst.Name(PLACEHOLDER),
                        whitespace_before_indicator=cst.SimpleWhitespace(""),
                        whitespace_after_indicator=cst.SimpleWhitespace(" "),
                    ),
                    equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(" "),
                        whitespace_after=cst.SimpleWhitespace(" "),
                    ),
                )
            self.propose(
                param,
                "",
                replacement=replacement,
                data=(param.name.value, dependency.target_name, dependency_ref(dependency.target), kind, annotation),
            )

    def leave_Module(self, node: cst.Module) -> None:
        del self.aliases  # syntax, not state for `check`

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        model = model_of(project)
        user = model.orm_user.value
        patterns = tuple(self.settings["user-dependencies"])
        for proposal in self.proposals:
            param, name, ref, kind, annotation = proposal.data
            returns_user = model.returns_orm_user(facts, ref)
            if returns_user is False or (returns_user is None and not matches_any(name, patterns)):
                continue
            if kind == "named" and model.is_orm_user(facts, annotation):
                continue
            if kind != "missing":
                self.confirm(
                    proposal,
                    self.message_wrong.format(
                        param=param, dependency=name, annotation=annotation, user=user.annotation
                    ),
                    fix=False,
                    param=param,
                    annotation=user.annotation,
                )
                continue
            chosen = next(
                (text for text, origin in self.candidates if facts.absolute(origin) == user.qualified),
                None,
            )
            fix = proposal.finding.fix
            if chosen is None or fix is None:
                self.confirm(
                    proposal,
                    self.message_import.format(
                        param=param, dependency=name, annotation=user.annotation, line=user.import_line
                    ),
                    fix=False,
                    param=param,
                    annotation=user.annotation,
                )
                continue
            edits = [Edit(e.start, e.end, e.content.replace(PLACEHOLDER, chosen)) for e in fix.edits]
            self.confirm(
                proposal,
                self.message.format(param=param, dependency=name, annotation=chosen),
                edits=edits,
                param=param,
                annotation=chosen,
            )
