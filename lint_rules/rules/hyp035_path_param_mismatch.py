from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.module_index import ModuleIndex, path_parameters


class PathParamMismatch(Rule):
    """
    ## What it does
    Checks that every `{name}` of a route path (`{name:path}` counts as `name`) is a
    parameter of the route function, or of one of the dependencies it declares
    (`Depends(...)` on a parameter or in `dependencies=[...]`, followed through their own
    dependencies, across files). It covers routes on `module.router`, `core_module.router`
    and `router`, which ruff's FAST003 does not recognise.

    The rule stays silent when a dependency cannot be seen: a class, `Depends()` without a
    target, a factory (`Depends(is_user_in(...))`) whose returned inner function is not
    defined in its body, or a project name that cannot be followed.

    ## Why is this bad?
    FastAPI passes a path parameter only to a function parameter of the same name. A typo
    (`{advert_id}` in the path, `adverts_id` in the function) does not fail: FastAPI takes
    the function's parameter as a query parameter instead, every call answers 422 "field
    required", and the value in the URL is silently ignored.

    ## Example
    ```python
    @module.router.get("/advert/adverts/{advert_id}", status_code=200)
    async def read_advert(id: str, db: AsyncSession = Depends(get_db)): ...
    ```

    ## Use instead
    ```python
    @module.router.get("/advert/adverts/{advert_id}", status_code=200)
    async def read_advert(advert_id: str, db: AsyncSession = Depends(get_db)): ...
    ```

    ## Fix safety
    There is no automatic fix: either the path or the parameter is misspelt.

    ## Options
    None.
    """

    code = "HYP035"
    name = "path-param-mismatch"
    message = "Path parameter `{{{param}}}` of `{path}` is not a parameter of `{function}` nor of its dependencies, so FastAPI never passes it; add a parameter `{param}` (e.g. `{param}: str`) or fix the path"
    applies_to = ("endpoints_*.py",)
    needs_project = True

    VALID = [
        Valid(
            """
            @module.router.get("/demo/items/{item_id}/files/{name:path}", status_code=200)
            async def read_file(
                item_id: str,
                name: Annotated[str, Path()],
                db: AsyncSession = Depends(get_db),
            ): ...
            """
        ),
        # The parameter is declared by a dependency of the same file, or by a dependency
        # imported from another file, itself through a sub-dependency.
        Valid(
            """
            from app.modules.demo.dependencies_demo import get_owned_item


            async def get_item(item_id: str):
                return item_id


            @module.router.get("/demo/items/{item_id}", status_code=200)
            async def read_item(item=Depends(get_item)): ...


            @module.router.delete(
                "/demo/owners/{owner_id}/items/{item_id}",
                status_code=204,
                dependencies=[Depends(get_owned_item)],
            )
            async def delete_item(item_id: str): ...
            """,
            files={
                "app/modules/demo/dependencies_demo.py": """
                    from fastapi import Depends


                    async def get_owner(owner_id: str):
                        return owner_id


                    async def get_owned_item(owner=Depends(get_owner)):
                        return owner
                """,
            },
        ),
        # A dependency factory: the function it returns declares the parameter.
        Valid(
            """
            from app import dependencies


            @module.router.get("/demo/groups/{group_id}", status_code=200)
            async def read_group(
                user: models_users.CoreUser = Depends(dependencies.is_user_in_group()),
            ): ...
            """,
            files={
                "app/dependencies.py": """
                    def is_user_in_group():
                        async def is_user_in_group(group_id: str, user=Depends(get_user)):
                            return user

                        return is_user_in_group
                """,
            },
        ),
        # A factory whose returned function cannot be seen, a class dependency, `Depends()`:
        # the parameter may come from there, nothing is said.
        Valid(
            """
            from app.utils import make_checker


            @module.router.get("/demo/a/{a_id}", status_code=200)
            async def read_a(check=Depends(make_checker("a"))): ...


            class ItemFilter:
                def __init__(self, b_id: str): ...


            @module.router.get("/demo/b/{b_id}", status_code=200)
            async def read_b(item_filter: Annotated[ItemFilter, Depends()]): ...


            @module.router.get("/demo/c/{c_id}", status_code=200)
            async def read_c(item_filter: ItemFilter = Depends(ItemFilter)): ...
            """,
            files={
                "app/utils.py": """
                    def make_checker(kind):
                        return Checker(kind)
                """,
            },
        ),
        # A websocket, a path that is not a literal, and PEP 695 syntax.
        Valid(
            """
            @module.router.websocket("/demo/ws/{room}")
            async def websocket_endpoint(websocket: WebSocket, room: str): ...


            @module.router.get(PATH, status_code=200)
            async def read_dynamic(): ...


            @module.router.get("/demo/typed/{value}", status_code=200)
            async def read_typed[T](value: T) -> T: ...
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get(
                "/demo/items/{item_id}",
                response_model=schemas_demo.Item,
                status_code=200,
            )
            async def read_item(id: str, db: AsyncSession = Depends(get_db)): ...
            """,
            line=2,
            column=5,
            message="Path parameter `{item_id}` of `/demo/items/{item_id}` is not a parameter of `read_item` nor of its dependencies, so FastAPI never passes it; add a parameter `item_id` (e.g. `item_id: str`) or fix the path",
        ),
        # `router = APIRouter()`, a `{name:path}` converter, and a dependency (with a
        # sub-dependency) that declares other parameters only.
        Invalid(
            """
            from app.core.demo.dependencies_demo import get_owner

            router = APIRouter()


            @router.get(path="/demo/{owner_id}/files/{file:path}", status_code=200)
            async def read_file(filename: str, owner=Depends(get_owner)): ...
            """,
            line=6,
            column=18,
            path="app/core/demo/endpoints_demo.py",
            files={
                "app/core/demo/dependencies_demo.py": """
                    from fastapi import Depends

                    from app.core.utils.security import oauth2_scheme


                    async def get_token(token: str = Depends(oauth2_scheme)):
                        return token


                    async def get_owner(owner_id: str, token=Depends(get_token)):
                        return owner_id
                """,
                "app/core/utils/security.py": """
                    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/token")
                """,
            },
        ),
        # A factory whose returned function is visible and does not declare it.
        Invalid(
            """
            from app.dependencies import is_user_allowed_to


            @module.router.get("/demo/items/{item_id}", status_code=200)
            async def read_item(
                user=Depends(is_user_allowed_to([DemoPermissions.access_demo])),
            ): ...
            """,
            line=4,
            column=20,
            files={
                "app/dependencies.py": """
                    from fastapi.security import OAuth2PasswordBearer

                    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/token")


                    def is_user_allowed_to(permissions):
                        async def is_user_allowed_to(
                            user=Depends(get_user),
                            db=Depends(get_db),
                        ):
                            return user

                        return is_user_allowed_to


                    async def get_user(token: str = Depends(oauth2_scheme)): ...


                    async def get_db(): ...
                """,
            },
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        index = ModuleIndex.of(project)
        for route in facts.routes:
            if route.path is None or route.path_location is None:
                continue
            wanted = list(dict.fromkeys(path_parameters(route.path)))
            missing = [name for name in wanted if name not in route.params]
            if not missing:
                continue
            provided = index.dependency_names(facts, route.dependency_refs)
            if provided is None:
                continue
            for name in missing:
                if name not in provided:
                    self.report_at(
                        route.path_location, param=name, path=route.path, function=route.function
                    )
