import libcst as cst

from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.matchers.imports import file_imports

_WEB_PACKAGES = ("fastapi", "starlette")


class CrudImportsFastapi(Rule):
    """
    ## What it does
    Checks that a cruds file imports nothing from `fastapi` or `starlette`:
    `import fastapi`, `from fastapi import X`, `from fastapi.x import Y`,
    `from starlette... import ...`, at the top of the file or inside a function.

    Imports under `if TYPE_CHECKING:` are reported too, by default: they do not run, but
    they mean a crud's signature speaks a web type (`UploadFile`, `Request`,
    `BackgroundTasks`...) that a caller outside the API cannot provide. Set
    `ignore-type-checking = true` to accept them.

    ## Why is this bad?
    Cruds are the data-access layer: they take an `AsyncSession` and schemas, query the
    models, and return schemas. They are also called by factories, the scheduler, startup
    code and tests. A FastAPI import in a crud is the sign that web concerns (HTTP errors,
    requests, uploaded files, responses) leaked into it; those belong to the endpoint.

    ## Example
    ```python
    # cruds_advert.py
    from fastapi import HTTPException
    from sqlalchemy.ext.asyncio import AsyncSession
    ```

    ## Use instead
    ```python
    # cruds_advert.py
    from sqlalchemy.ext.asyncio import AsyncSession
    ```
    and raise the `HTTPException` (or read the `UploadFile`) in `endpoints_advert.py`.

    ## Fix safety
    No automatic fix: the code that needs the import has to move to the endpoint.

    ## Options
    - `ignore-type-checking` (bool, default false): accept imports under `if TYPE_CHECKING:`.
    """

    code = "HYP041"
    name = "crud-imports-fastapi"
    message = "Cruds file imports `{module}`; cruds are plain data access, called outside the API too, so keep FastAPI/Starlette (HTTP errors, requests, files) in the endpoints file"
    applies_to = ("cruds_*.py",)
    options = (
        Option(
            "ignore-type-checking",
            "bool",
            False,
            "Accept fastapi/starlette imports under `if TYPE_CHECKING:` (they never run).",
        ),
    )

    VALID = [
        Valid(
            """
            from collections.abc import Sequence

            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession

            from app.modules.demo import models_demo, schemas_demo
            """
        ),
        Valid(
            """
            import fastapi_users_helpers
            from app.core.fastapi_tools import something
            from app.dependencies import get_db
            """
        ),
        Valid(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from fastapi import UploadFile
            """,
            options={"ignore-type-checking": True},
        ),
    ]
    INVALID = [
        Invalid(
            """
            from fastapi import HTTPException
            from sqlalchemy.ext.asyncio import AsyncSession
            """,
            line=1,
            column=1,
            message="Cruds file imports `fastapi`; cruds are plain data access, called outside the API too, so keep FastAPI/Starlette (HTTP errors, requests, files) in the endpoints file",
        ),
        Invalid(
            """
            import fastapi
            """,
            line=1,
            column=1,
        ),
        Invalid(
            """
            from fastapi.encoders import jsonable_encoder
            """,
            line=1,
            column=1,
        ),
        Invalid(
            """
            from sqlalchemy import select
            from starlette.status import HTTP_404_NOT_FOUND
            """,
            line=2,
            column=1,
        ),
        Invalid(
            """
            import os, fastapi.responses as responses
            """,
            line=1,
            column=1,
        ),
        Invalid(
            """
            async def save_file(db: AsyncSession) -> None:
                from fastapi import UploadFile
            """,
            line=2,
            column=5,
        ),
        Invalid(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from fastapi import UploadFile
            """,
            line=4,
            column=5,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        ignore_guarded = self.settings["ignore-type-checking"]
        reported: set[int] = set()
        for imported in file_imports(node):
            if imported.type_checking and ignore_guarded:
                continue
            top = imported.dotted.split(".", 1)[0]
            if top not in _WEB_PACKAGES or id(imported.statement) in reported:
                continue
            reported.add(id(imported.statement))
            # The first name of a statement is its module (``from fastapi.x import y``: ``fastapi.x``).
            self.report(imported.statement, module=imported.dotted)
