from collections.abc import Mapping
from typing import Any

import libcst as cst

from lint_rules.knowledge.facts import CLASS, UNKNOWN, FileFacts, Lookup, ProjectIndex
from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.modules import bound_names
from lint_rules.knowledge.matchers.routes import (
    annotation_is_response,
    local_router_names,
    routes_of,
)
from lint_rules.knowledge.matchers.syntax import is_none
from lint_rules.knowledge.matchers.types import Key, type_key
from lint_rules.rule_api.base import Invalid, Rule, Valid

# A class of the project, through re-exports, in any file of the package.
_CLASSES = Lookup(kinds=(CLASS,), package_only=True, max_hops=9)


def _code(node: cst.CSTNode) -> str:
    return " ".join(cst.Module([]).code_for_node(node).split())


def _absolute(origin: str, path: str) -> str:
    """A relative import origin made absolute from the file's own package."""
    if not origin.startswith("."):
        return origin
    dots = len(origin) - len(origin.lstrip("."))
    package = path.removesuffix(".py").split("/")[:-1]
    if dots - 1 > len(package):
        return origin
    base = package[: len(package) - (dots - 1)]
    rest = origin[dots:]
    return ".".join([*base, rest] if rest else base)


def _names(key: Any) -> list[str]:
    """Every origin a key names."""
    if isinstance(key, tuple) and key and key[0] == "name":
        return [key[1]]
    if isinstance(key, tuple):
        return [name for part in key for name in _names(part)]
    return []


def _renamed(key: Any, names: Mapping[str, str]) -> Any:
    if isinstance(key, tuple) and key and key[0] == "name":
        return ("name", names.get(key[1], key[1]))
    if isinstance(key, tuple):
        return tuple(_renamed(part, names) for part in key)
    return key


def _normal(key: Any) -> Any:
    """Unions sorted again once their members were renamed."""
    if isinstance(key, tuple) and key and key[0] == "union":
        return ("union", tuple(sorted({_normal(k) for k in key[1]}, key=repr)))
    if isinstance(key, tuple):
        return tuple(_normal(part) for part in key)
    return key


class ResponseModelReturnMismatch(Rule):
    """
    ## What it does
    Checks that a route with both `response_model=X` and a return annotation `-> Y`
    names one type in both, once imports are resolved.

    Names are compared through the file's imports
    (`schemas_demo.Item` and `Item` imported from `app.modules.demo.schemas_demo` are
    one; so are two names of one class re-exported by a package of the project), and
    the spellings Python treats as one type agree: `List[X]` and `list[X]`,
    `Optional[X]` and `X | None`, `Union[A, B]` and `B | A`, `Annotated[X, ...]` and
    `X`, a string annotation and its content. `response_model=None` says that FastAPI
    builds no response model and is not compared (FastAPI's documentation writes it
    beside `-> Response | dict`), and neither are annotations of a response class
    (`-> FileResponse`). A name the file does not bind, or a type alias of the project,
    is not judged; a class of a file the tree does not hold is known by its own name.

    ## Why is this bad?
    FastAPI documents and validates the answer with `response_model=`, while the return
    annotation is what the code (and the type checker) believes the route returns.
    When they name different types, the OpenAPI schema the mobile app is generated
    from and the code disagree: one of them is wrong, and FastAPI converts or refuses
    the value at run time, where nobody looks. `response_model=Item` with `-> None`
    documents a body the code never sends.

    ## Example
    ```python
    @module.router.get("/demo/items", response_model=list[schemas_demo.ItemComplete], status_code=200)
    async def read_items(db: AsyncSession = Depends(get_db)) -> list[schemas_demo.ItemSimple]: ...
    ```

    ## Use instead
    ```python
    @module.router.get("/demo/items", response_model=list[schemas_demo.ItemComplete], status_code=200)
    async def read_items(db: AsyncSession = Depends(get_db)) -> list[schemas_demo.ItemComplete]: ...
    ```

    ## Fix safety
    There is no automatic fix: which of the two says what the route should answer is
    the author's decision.

    ## Options
    None.
    """

    code = "HYP019"
    name = "response-model-return-mismatch"
    message = "Route `{function}` declares `response_model={model}` but is annotated `-> {annotation}`, so the API's schema and the code disagree on what it returns; name the same type in both (or drop the return annotation)"
    needs_project = True

    VALID = [
        Valid(
            """
            from typing import List, Optional, Union

            from app.modules.demo import schemas_demo
            from app.modules.demo.schemas_demo import Item, Tag


            @module.router.get("/demo/items", response_model=list[schemas_demo.Item], status_code=200)
            async def read_items() -> List[Item]: ...


            @module.router.get("/demo/items/{item_id}", response_model=Item | None, status_code=200)
            async def read_item(item_id: str) -> "Optional[schemas_demo.Item]": ...


            @module.router.get("/demo/things", response_model=Union[Item, Tag], status_code=200)
            async def read_things() -> Tag | Item: ...


            @module.router.delete("/demo/items/{item_id}", response_model=None, status_code=204)
            async def delete_item(item_id: str) -> None: ...


            @module.router.get("/demo/file", response_model=None, status_code=200)
            async def read_file() -> FileResponse | dict: ...


            @module.router.get("/demo/logo", response_class=FileResponse, response_model=Item, status_code=200)
            async def read_logo() -> FileResponse: ...


            @module.router.get("/demo/count", response_model=int, status_code=200)
            async def count_items() -> int: ...
            """
        ),
        # One class under two names, through a package that re-exports it; a type alias
        # and a name the file does not bind are not judged.
        Valid(
            """
            from app.modules.demo import Item
            from app.modules.demo.schemas_demo import Item as SchemaItem, Items


            @module.router.get("/demo/items/{item_id}", response_model=Item, status_code=200)
            async def read_item(item_id: str) -> SchemaItem: ...


            @module.router.get("/demo/items", response_model=Items, status_code=200)
            async def read_items() -> list[SchemaItem]: ...


            @module.router.get("/demo/tags", response_model=list[Tag], status_code=200)
            async def read_tags() -> list[str]: ...
            """,
            files={
                "app/modules/demo/__init__.py": "from app.modules.demo.schemas_demo import Item\n",
                "app/modules/demo/schemas_demo.py": """
                    class Item(BaseModel):
                        name: str

                    Items = list[Item]
                """,
            },
        ),
    ]
    INVALID = [
        Invalid(
            """
            from app.modules.demo import schemas_demo


            @module.router.get("/demo/items", response_model=list[schemas_demo.ItemComplete], status_code=200)
            async def read_items() -> list[schemas_demo.ItemSimple]: ...
            """,
            line=4,
            column=50,
            message="Route `read_items` declares `response_model=list[schemas_demo.ItemComplete]` but is annotated `-> list[schemas_demo.ItemSimple]`, so the API's schema and the code disagree on what it returns; name the same type in both (or drop the return annotation)",
        ),
        Invalid(
            """
            @module.router.post(
                "/demo/items",
                response_model=ItemComplete,
                status_code=201,
            )
            async def create_item(item: ItemBase) -> None: ...


            class ItemComplete(BaseModel):
                id: str
            """,
            line=3,
            column=20,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)
        path = self.context.path
        module = path.removesuffix(".py").replace("/", ".")
        self.imports = {local: _absolute(origin, path) for local, origin in import_map(node).items()}
        self.local = {
            name: f"{module}.{name}"
            for statement in node.body
            if not isinstance(statement, cst.SimpleStatementLine) or not any(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
            )
            for name in bound_names(statement)
        }

    def leave_Module(self, node: cst.Module) -> None:
        del self.imports, self.local, self.router_names  # not state for `check`

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.returns is None or annotation_is_response(node):
            return
        for route in routes_of(node, self.router_names):
            model = route.keyword("response_model")
            if route.is_websocket or model is None or is_none(model.value):
                continue
            expected = type_key(model.value, self.imports, self.local)
            annotated = type_key(node.returns.annotation, self.imports, self.local)
            if expected is None or annotated is None or expected == annotated:
                continue
            self.propose(
                model.value,
                data=[expected, annotated],
                function=node.name.value,
                model=_code(model.value),
                annotation=_code(node.returns.annotation),
            )

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        for proposal in self.proposals:
            expected, annotated = (_listed_to_tuples(k) for k in proposal.data)
            names: dict[str, str] = {}
            for origin in {*_names(expected), *_names(annotated)}:
                if not facts.in_package(origin):
                    continue  # a builtin or a library's type: as written
                found = project.resolve_origin(origin, facts, _CLASSES)
                if found.kind == UNKNOWN.kind:
                    # A file the tree does not hold: perhaps one class re-exported under
                    # another path, so only the class's own name is compared.
                    names[origin] = origin.rsplit(".", 1)[-1]
                    continue
                if found.kind != CLASS or found.facts is None or found.cls is None:
                    break  # an alias, a module, a function: not judged
                names[origin] = f"{found.facts.dotted}.{found.cls.name}"
            else:
                if _normal(_renamed(expected, names)) != _normal(_renamed(annotated, names)):
                    self.confirm(proposal)


def _listed_to_tuples(value: Any) -> Key:
    """The cache gives tuples back as they were; lists (from elsewhere) as tuples."""
    if isinstance(value, list):
        return tuple(_listed_to_tuples(v) for v in value)
    if isinstance(value, tuple):
        return tuple(_listed_to_tuples(v) for v in value)
    return value
