import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import add_keyword
from lint_rules.knowledge.matchers.signatures import all_params, unwrap_annotated
from lint_rules.knowledge.matchers.syntax import dotted_name, keyword_arg, last_name, literal_value, parse_annotation_text

# The house names of update schemas: ``ItemUpdate`` and its synonym ``ItemEdit``.
_UPDATE_SUFFIXES = ("Update", "Edit")


def update_schema_name(annotation: cst.BaseExpression | None) -> str | None:
    """The update schema an annotation names, as written: ``schemas_x.ItemUpdate`` for
    ``schemas_x.ItemUpdate``, ``ItemEdit | None``, ``Optional[ItemEdit]``,
    ``Annotated[ItemUpdate, ...]``, ``"ItemUpdate"`` or a union with another class;
    None when no class of it is named ``*Update`` / ``*Edit``."""
    if annotation is None:
        return None
    if isinstance(annotation, cst.SimpleString):
        value = literal_value(annotation)
        if not isinstance(value, str):
            return None
        parsed = parse_annotation_text(value)
        if parsed is None:
            return None
        annotation = parsed
    annotation, _ = unwrap_annotated(annotation)
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return update_schema_name(annotation.left) or update_schema_name(annotation.right)
    if isinstance(annotation, cst.Subscript) and last_name(annotation.value) in {"Optional", "Union"}:
        for element in annotation.slice:
            if isinstance(element.slice, cst.Index):
                found = update_schema_name(element.slice.value)
                if found:
                    return found
        return None
    name = dotted_name(annotation)
    if name is not None and name.rsplit(".", 1)[-1].endswith(_UPDATE_SUFFIXES):
        return name
    return None


class UpdateWithoutExcludeUnset(Rule):
    """
    ## What it does
    Checks, in `cruds_*.py` files, that `.model_dump()` on an update schema passes
    `exclude_unset=True`. An update schema is a function parameter annotated with a class
    named `*Update` or `*Edit` (the house synonym), dotted or bare, optional
    (`| None`, `Optional[...]`), in `Annotated[...]` or a union. A call that unpacks
    `**kwargs`, or passes `exclude_unset=` a value that is not a literal, is not judged.

    ## Why is this bad?
    Every field of an update schema is optional with a default (HYP061), so that a client
    sends only what changes. A plain `model_dump()` returns the defaults too: every field
    the client did not send is written back as `None` and erased. `exclude_none=True`
    avoids that but goes too far: a field the client explicitly sets to `null` is dropped
    as well, so an update can never clear an optional field (a description, an end date).
    `exclude_unset=True` keeps exactly what the client sent, `null` included.

    ## Example
    ```python
    async def update_advert(advert_id: str, advert_update: schemas_advert.AdvertUpdate, db: AsyncSession):
        await db.execute(
            update(models_advert.Advert)
            .where(models_advert.Advert.id == advert_id)
            .values(**advert_update.model_dump(exclude_none=True)),
        )
    ```

    ## Use instead
    ```python
    async def update_advert(advert_id: str, advert_update: schemas_advert.AdvertUpdate, db: AsyncSession):
        await db.execute(
            update(models_advert.Advert)
            .where(models_advert.Advert.id == advert_id)
            .values(**advert_update.model_dump(exclude_unset=True)),
        )
    ```

    ## Fix safety
    The fix replaces `exclude_none=True` with `exclude_unset=True`, or adds
    `exclude_unset=True` when no such argument is given. It is unsafe: it changes what
    is written to the database. With `exclude_unset=True`, a `null` sent by the client is
    written as NULL, which a non-nullable column refuses and which the endpoint may have
    relied on being ignored; check the schema's fields and the columns before applying it.

    ## Options
    None.
    """

    code = "HYP043"
    name = "update-without-exclude-unset"
    message = "`{receiver}.model_dump()` on the update schema `{schema}` has no `exclude_unset=True`: the fields the client did not send are written back with their defaults (None) and erased; pass `exclude_unset=True`"
    message_none = "`{receiver}.model_dump(exclude_none=True)` on the update schema `{schema}` drops the fields the client set to null, so an update can never clear a field; write `exclude_unset=True` to write exactly the fields the client sent"
    fix_title = "Use `exclude_unset=True`"
    fix_safety = Applicability.UNSAFE
    applies_to = ("cruds_*.py",)

    VALID = [
        Valid(
            """
            async def update_item(item_id: str, item_update: schemas_demo.ItemUpdate, db: AsyncSession) -> None:
                await db.execute(
                    update(models_demo.Item)
                    .where(models_demo.Item.id == item_id)
                    .values(**item_update.model_dump(exclude_unset=True)),
                )
            """
        ),
        # The *Edit synonym, optional, with other arguments; both excludes together.
        Valid(
            """
            async def update_item(item_edit: ItemEdit | None, db: AsyncSession) -> None:
                values = item_edit.model_dump(exclude={"members"}, exclude_unset=True, exclude_none=True)
            """
        ),
        # Not an update schema: a create schema, an un-annotated parameter, a local variable.
        Valid(
            """
            async def create_item(item: schemas_demo.ItemBase, other, db: AsyncSession) -> None:
                db.add(models_demo.Item(**item.model_dump()))
                db.add(models_demo.Item(**other.model_dump(exclude_none=True)))
                values = schemas_demo.ItemUpdate().model_dump()
            """
        ),
        # A class whose name only contains the word, and a nested function's own parameter.
        Valid(
            """
            async def update_edition(edition: schemas_demo.CompetitionEdition, db: AsyncSession) -> None:
                values = edition.model_dump(exclude_none=True)

            async def update_many(item_update: schemas_demo.ItemUpdate, db: AsyncSession) -> None:
                def inner(item_update: schemas_demo.ItemBase) -> dict:
                    return item_update.model_dump()
            """
        ),
        # Unpacked keywords or a computed flag cannot be judged; PEP 695 generics.
        Valid(
            """
            async def update_item[T](item_update: ItemUpdate, options: dict, partial: bool) -> None:
                item_update.model_dump(**options)
                item_update.model_dump(exclude_unset=partial)
            """
        ),
        # A string annotation Python would refuse (a bad escape; LibCST parses it).
        Valid(
            """
            async def update_item(item_update: "ItemUpdate\\x", db: AsyncSession) -> None:
                values = item_update.model_dump()
            """
        ),
        # A string annotation LibCST parses but refuses as a name (a zero-width joiner).
        Valid(
            """
            async def update_item(item_update: "ItemUpdate\\u200d", db: AsyncSession) -> None:
                values = item_update.model_dump()
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            async def update_item(item_id: str, item_update: schemas_demo.ItemUpdate, db: AsyncSession) -> None:
                await db.execute(
                    update(models_demo.Item)
                    .where(models_demo.Item.id == item_id)
                    .values(**item_update.model_dump(exclude_none=True)),
                )
            """,
            line=5,
            column=42,
            message="`item_update.model_dump(exclude_none=True)` on the update schema `schemas_demo.ItemUpdate` drops the fields the client set to null, so an update can never clear a field; write `exclude_unset=True` to write exactly the fields the client sent",
            fixed="""
            async def update_item(item_id: str, item_update: schemas_demo.ItemUpdate, db: AsyncSession) -> None:
                await db.execute(
                    update(models_demo.Item)
                    .where(models_demo.Item.id == item_id)
                    .values(**item_update.model_dump(exclude_unset=True)),
                )
            """,
        ),
        # No exclude at all: the fix adds one, after the other arguments.
        Invalid(
            """
            async def update_item(item_edit: "ItemEdit", db: AsyncSession) -> None:
                values = item_edit.model_dump(exclude={"members"})
            """,
            line=2,
            column=14,
            message="`item_edit.model_dump()` on the update schema `ItemEdit` has no `exclude_unset=True`: the fields the client did not send are written back with their defaults (None) and erased; pass `exclude_unset=True`",
            fixed="""
            async def update_item(item_edit: "ItemEdit", db: AsyncSession) -> None:
                values = item_edit.model_dump(exclude={"members"}, exclude_unset=True)
            """,
        ),
        Invalid(
            """
            async def update_user(
                db: AsyncSession,
                user_update: schemas_users.CoreUserUpdateAdmin | schemas_users.CoreUserUpdate,
            ) -> None:
                values = user_update.model_dump()
            """,
            line=5,
            column=14,
            path="app/core/users/cruds_users.py",
            fixed="""
            async def update_user(
                db: AsyncSession,
                user_update: schemas_users.CoreUserUpdateAdmin | schemas_users.CoreUserUpdate,
            ) -> None:
                values = user_update.model_dump(exclude_unset=True)
            """,
        ),
        # exclude_unset=False is no exclude_unset; a parameter used inside a nested function.
        Invalid(
            """
            async def update_item(item_update: Optional[ItemUpdate], db: AsyncSession) -> None:
                def values() -> dict:
                    return item_update.model_dump(exclude_unset=False)
            """,
            line=3,
            column=39,
            fixed="""
            async def update_item(item_update: Optional[ItemUpdate], db: AsyncSession) -> None:
                def values() -> dict:
                    return item_update.model_dump(exclude_unset=True)
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        # One dict per enclosing function: parameter name -> its update schema, or None.
        self.scopes: list[dict[str, str | None]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(
            {
                param.name.value: update_schema_name(
                    param.annotation.annotation if param.annotation is not None else None
                )
                for param in all_params(node)
            }
        )

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def _schema_of(self, name: str) -> str | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            not self.scopes
            or not isinstance(func, cst.Attribute)
            or func.attr.value != "model_dump"
            or not isinstance(func.value, cst.Name)
        ):
            return
        receiver = func.value.value
        schema = self._schema_of(receiver)
        if schema is None or any(arg.star for arg in node.args):
            return
        unset = keyword_arg(node, "exclude_unset")
        if unset is not None:
            value = unset.value
            if isinstance(value, cst.Name) and value.value == "False":
                self.report(
                    unset,
                    replacement=unset.with_changes(value=cst.Name("True")),
                    receiver=receiver,
                    schema=schema,
                )
            return
        none = keyword_arg(node, "exclude_none")
        if none is not None and isinstance(none.value, cst.Name) and none.value.value == "True":
            self.report(
                none,
                self.message_none.format(receiver=receiver, schema=schema),
                replacement=none.with_changes(keyword=cst.Name("exclude_unset")),
            )
            return
        self.report(
            node,
            replacement=add_keyword(node, "exclude_unset", cst.Name("True")),
            receiver=receiver,
            schema=schema,
        )
