import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.syntax import dotted_name, last_name

_HTTP_ORIGINS = ("fastapi.", "starlette.")


class CrudRaisesHttpexception(Rule):
    """
    ## What it does
    Checks that a cruds file never raises `HTTPException` (FastAPI's or Starlette's,
    under any alias, or a project subclass whose name ends in `HTTPException`, such as
    `ContentHTTPException`).

    ## Why is this bad?
    Cruds are the data-access layer: they are called by endpoints, but also by factories,
    the scheduler, startup code and tests, where there is no HTTP request to answer. An
    HTTP error raised there means nothing to those callers, and it hides from the endpoint
    the decision of which status code and which message the user should get. A crud
    returns `None` (nothing found) or raises a plain Python exception; the endpoint turns
    that into the right `HTTPException`.

    ## Example
    ```python
    # cruds_advert.py
    async def delete_advert(advert_id: UUID, db: AsyncSession) -> None:
        advert = await get_advert_by_id(advert_id, db)
        if advert is None:
            raise HTTPException(status_code=404, detail="Advert not found")
        await db.delete(advert)
    ```

    ## Use instead
    ```python
    # cruds_advert.py
    async def delete_advert(advert_id: UUID, db: AsyncSession) -> None:
        await db.execute(delete(models_advert.Advert).where(models_advert.Advert.id == advert_id))

    # endpoints_advert.py
    advert = await cruds_advert.get_advert_by_id(advert_id, db)
    if advert is None:
        raise HTTPException(status_code=404, detail="Advert not found")
    await cruds_advert.delete_advert(advert_id, db)
    ```

    ## Fix safety
    No automatic fix: the check has to move to the endpoints that call the crud.

    ## Options
    None.
    """

    code = "HYP040"
    name = "crud-raises-httpexception"
    message = "Crud raises `{exception}`, an HTTP error, but cruds are also called outside a request; return `None` or raise a plain exception here and raise the `HTTPException` in the endpoint"
    applies_to = ("cruds_*.py",)

    VALID = [
        Valid(
            """
            async def get_item(item_id: UUID, db: AsyncSession) -> schemas_demo.Item | None:
                result = await db.execute(select(models_demo.Item).where(models_demo.Item.id == item_id))
                return result.scalars().first()
            """
        ),
        Valid(
            """
            class ItemNotFoundError(Exception):
                pass


            async def delete_item(item_id: UUID, db: AsyncSession) -> None:
                if await get_item(item_id, db) is None:
                    raise ItemNotFoundError(item_id)
                raise ValueError("unreachable")
            """
        ),
        Valid(
            """
            async def delete_item(item_id: UUID, db: AsyncSession) -> None:
                try:
                    await db.execute(delete(models_demo.Item).where(models_demo.Item.id == item_id))
                except IntegrityError:
                    raise
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            from fastapi import HTTPException


            async def delete_item(item_id: UUID, db: AsyncSession) -> None:
                if await get_item(item_id, db) is None:
                    raise HTTPException(status_code=404, detail="Item not found")
            """,
            line=6,
            column=15,
            message="Crud raises `HTTPException`, an HTTP error, but cruds are also called outside a request; return `None` or raise a plain exception here and raise the `HTTPException` in the endpoint",
        ),
        Invalid(
            """
            import fastapi


            def check(value: int) -> None:
                if value < 0:
                    raise fastapi.HTTPException(400, "negative")
            """,
            line=6,
            column=15,
        ),
        Invalid(
            """
            from fastapi import HTTPException


            def check(value: int) -> None:
                raise HTTPException
            """,
            line=5,
            column=11,
        ),
        Invalid(
            """
            from starlette.exceptions import HTTPException as StarletteError


            def check(value: int) -> None:
                raise StarletteError(status_code=400) from None
            """,
            line=5,
            column=11,
        ),
        Invalid(
            """
            from app.types.exceptions import ContentHTTPException


            def check(value: int) -> None:
                raise ContentHTTPException(status_code=400, content={"error": "bad"})
            """,
            line=5,
            column=11,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.http_names = {
            local
            for local, origin in import_map(node).items()
            if origin.startswith(_HTTP_ORIGINS) and origin.endswith(".HTTPException")
        }

    def visit_Raise(self, node: cst.Raise) -> None:
        raised = node.exc
        if raised is None:
            return
        target = raised.func if isinstance(raised, cst.Call) else raised
        name = last_name(target)
        if name is None or dotted_name(target) is None:
            return
        if name.endswith("HTTPException") or (
            isinstance(target, cst.Name) and name in self.http_names
        ):
            self.report(raised, exception=dotted_name(target))
