from collections.abc import Iterator

import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.imports import import_map, layer_of
from lint_rules.knowledge.matchers.syntax import dotted_name, parse_annotation_text, string_value


def _names_in(annotation: cst.BaseExpression) -> Iterator[str]:
    """Every dotted name a type annotation mentions: ``Sequence[models_x.Item] | None``
    gives ``Sequence``, ``models_x.Item`` and ``None``; a string annotation is read as code."""
    text = string_value(annotation)
    if text is not None:
        parsed = parse_annotation_text(text)
        if parsed is None:
            return
        annotation = parsed
    name = dotted_name(annotation)
    if name is not None:
        yield name
    elif isinstance(annotation, cst.Subscript):
        yield from _names_in(annotation.value)
        for element in annotation.slice:
            if isinstance(element.slice, cst.Index):
                yield from _names_in(element.slice.value)
    elif isinstance(annotation, cst.BinaryOperation):
        yield from _names_in(annotation.left)
        yield from _names_in(annotation.right)
    elif isinstance(annotation, (cst.List, cst.Tuple)):
        for item in annotation.elements:
            yield from _names_in(item.value)


class CrudReturnsModel(Rule):
    """
    ## What it does
    Checks, in `cruds_*.py` files, that no public crud (a module-level function whose name
    does not start with `_`) is annotated to return a SQLAlchemy model: a class of a
    `models_*` module, written `models_x.Item` or as a name imported from one
    (`from app.modules.x.models_x import Item`), alone or inside the annotation
    (`list[models_x.Item]`, `Sequence[...]`, `Item | None`, `tuple[...]`). Private
    helpers (`_load_item`) may hand models to the other cruds of the file.

    This rule is opt-in: Hyperion's older modules return models from most of their cruds.

    ## Why is this bad?
    Cruds are the data-access layer; schemas are the language between layers. A model
    returned to an endpoint stays bound to the session: reading a relationship that was
    not loaded fails with `MissingGreenlet` outside the crud, assigning an attribute
    silently writes to the database at the next flush, and the endpoint's response
    depends on ORM details. A schema (`schemas_x.Item.model_validate(item)`) is a plain
    value that endpoints can use, test and return safely.

    ## Example
    ```python
    async def get_items(db: AsyncSession) -> Sequence[models_demo.Item]:
        result = await db.execute(select(models_demo.Item))
        return result.scalars().all()
    ```

    ## Use instead
    ```python
    async def get_items(db: AsyncSession) -> list[schemas_demo.ItemComplete]:
        result = await db.execute(select(models_demo.Item))
        return [schemas_demo.ItemComplete.model_validate(item) for item in result.scalars().all()]
    ```

    ## Fix safety
    There is no automatic fix: the crud's body and its callers change with its type.

    ## Options
    None.
    """

    code = "HYP044"
    name = "crud-returns-model"
    message = "Crud `{function}` is annotated to return the SQLAlchemy model `{model}`; cruds return schemas: convert the result (`schemas_<module>.<Schema>.model_validate(...)`, `.from_orm(...)` in pydantic 1) and annotate the schema"
    applies_to = ("cruds_*.py",)
    default_enabled = False

    VALID = [
        Valid(
            """
            async def get_items(db: AsyncSession) -> list[schemas_demo.ItemComplete]:
                result = await db.execute(select(models_demo.Item))
                return [schemas_demo.ItemComplete.model_validate(i) for i in result.scalars().all()]
            """
        ),
        # No annotation, None, a private helper, a schema imported by name, PEP 695 generics.
        Valid(
            """
            from app.modules.demo.schemas_demo import Item


            async def create_item(item: models_demo.Item, db: AsyncSession) -> None:
                db.add(item)

            async def get_raw(db: AsyncSession):
                return await db.get(models_demo.Item, "a")

            async def _load_item(item_id: str, db: AsyncSession) -> models_demo.Item | None:
                return await db.get(models_demo.Item, item_id)

            async def get_item(item_id: str, db: AsyncSession) -> Item | None: ...

            def first[T](items: list[T]) -> T: ...
            """
        ),
        # A name that merely looks like a models module, imported from elsewhere.
        Valid(
            """
            from app.types.sqlalchemy import Result


            async def count_items(db: AsyncSession) -> int | Result: ...
            """
        ),
        # A string annotation LibCST parses but refuses as a name (a zero-width joiner).
        Valid(
            """
            async def get_items(db: AsyncSession) -> "models_demo.Item\\u200d":
                return await db.get(models_demo.Item, 1)
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            async def get_items(db: AsyncSession) -> Sequence[models_demo.Item]:
                result = await db.execute(select(models_demo.Item))
                return result.scalars().all()
            """,
            line=1,
            column=42,
            message="Crud `get_items` is annotated to return the SQLAlchemy model `models_demo.Item`; cruds return schemas: convert the result (`schemas_<module>.<Schema>.model_validate(...)`, `.from_orm(...)` in pydantic 1) and annotate the schema",
        ),
        # A model imported by name, optional.
        Invalid(
            """
            from app.modules.demo.models_demo import Item


            async def get_item(
                item_id: str,
                db: AsyncSession,
            ) -> Item | None:
                return await db.get(Item, item_id)
            """,
            line=7,
            column=6,
        ),
        # A core model through the full module path, in a string annotation, in a tuple.
        Invalid(
            """
            import app.core.users.models_users


            def get_pair(db) -> "tuple[app.core.users.models_users.CoreUser, int]": ...
            """,
            line=4,
            column=21,
            path="app/core/demo/cruds_demo.py",
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        imports = import_map(node)
        for statement in node.body:
            if not isinstance(statement, cst.FunctionDef) or statement.returns is None:
                continue
            if statement.name.value.startswith("_"):
                continue
            annotation = statement.returns.annotation
            model = next((n for n in _names_in(annotation) if _is_model(n, imports)), None)
            if model is not None:
                self.report(annotation, function=statement.name.value, model=model)


def _is_model(name: str, imports: dict[str, str]) -> bool:
    """``models_x.Item`` (any prefix), or a name imported from a ``models_`` module."""
    head, dot, _ = name.rpartition(".")
    if not dot:
        origin = imports.get(name)
        return origin is not None and layer_of(origin.rpartition(".")[0]) == "models"
    if layer_of(head) == "models":
        return True
    origin = imports.get(head.split(".", 1)[0])
    return origin is not None and layer_of(origin) == "models"
