import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Option, Rule, Valid
from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.routes import local_router_names, routes_of
from lint_rules.knowledge.matchers.signatures import (
    all_params,
    annotated_aliases,
    core_user_annotation_problem,
    matches_any,
    param_dependency,
)


class UserParamAnnotation(Rule):
    """
    ## What it does
    Checks that a route parameter provided by a user dependency (`Depends(is_user())`,
    `Depends(is_user_allowed_to([...]))`, `Depends(is_user_an_ecl_member)`,
    `Depends(is_user_in(...))`...) is annotated `models_users.CoreUser` (or a bare
    `CoreUser` imported from `models_users`), also inside `Annotated[...]`.

    Only dependencies that return the ORM `CoreUser` are checked, which is why the
    default patterns are narrower than HYP022's user family: `get_token_data` returns a
    `TokenData`, `get_user_id_from_token_with_scopes` a user id, and module dependencies
    such as `is_competition_user` their own user schema; all of them are left alone.

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
    When the parameter has no annotation and the file already imports `models_users` (or
    `CoreUser` from it), the fix adds the annotation. FastAPI ignores the annotation of a
    parameter whose dependency is given, so behaviour does not change: the fix is safe.
    A wrong annotation is not rewritten: the code that uses it may need changes too.

    ## Options
    - `user-dependencies` (list of glob patterns, default `["is_user*", "get_user_from_*",
      "get_current_user", "has_user_*"]`): the dependencies that return a `CoreUser`,
      matched against the name called in `Depends(...)` (`is_user_allowed_to` for
      `Depends(is_user_allowed_to([...]))`).
    """

    code = "HYP023"
    name = "user-param-annotation"
    message = "Parameter `{param}` receives the current user from `{dependency}` but is not annotated; write `{param}: models_users.CoreUser = Depends(...)`"
    message_wrong = "Parameter `{param}` receives the current user from `{dependency}` but is annotated `{annotation}`; the dependency returns a `models_users.CoreUser`, annotate it so"
    fix_title = "Annotate `{param}` with `{annotation}`"
    fix_safety = Applicability.SAFE

    options = (
        Option(
            "user-dependencies",
            "list[str]",
            ["is_user*", "get_user_from_*", "get_current_user", "has_user_*"],
            "Glob patterns of the dependencies that return a `models_users.CoreUser`.",
        ),
    )

    VALID = [
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
        self.patterns = tuple(self.settings["user-dependencies"])
        self.fix_annotation: str | None = None
        models = self.imports.get("models_users", "")
        core_user = self.imports.get("CoreUser", "")
        if models == "models_users" or models.endswith(".models_users"):
            self.fix_annotation = "models_users.CoreUser"
        elif core_user.endswith("models_users.CoreUser"):
            self.fix_annotation = "CoreUser"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not routes_of(node, self.router_names):
            return
        for param in all_params(node):
            dependency = param_dependency(param, self.aliases)
            if dependency is None or not matches_any(dependency.target_name, self.patterns):
                continue
            problem = core_user_annotation_problem(dependency.declared_type, self.imports)
            if problem is None:
                continue
            name = param.name.value
            if problem == "missing":
                replacement = None
                if self.fix_annotation is not None and param.annotation is None:
                    replacement = param.with_changes(
                        annotation=cst.Annotation(
                            annotation=cst.parse_expression(self.fix_annotation),
                            whitespace_before_indicator=cst.SimpleWhitespace(""),
                            whitespace_after_indicator=cst.SimpleWhitespace(" "),
                        ),
                        equal=cst.AssignEqual(
                            whitespace_before=cst.SimpleWhitespace(" "),
                            whitespace_after=cst.SimpleWhitespace(" "),
                        ),
                    )
                self.report(
                    param,
                    replacement=replacement,
                    param=name,
                    dependency=dependency.target_name,
                    annotation=self.fix_annotation or "models_users.CoreUser",
                )
                continue
            assert dependency.declared_type is not None
            annotation = " ".join(self.context.module.code_for_node(dependency.declared_type).split())
            self.report(
                param,
                self.message_wrong.format(
                    param=name, dependency=dependency.target_name, annotation=annotation
                ),
                param=name,
                annotation="models_users.CoreUser",
            )
