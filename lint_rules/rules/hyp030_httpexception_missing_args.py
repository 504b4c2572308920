import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.syntax import keyword_arg, last_name, positional_args


class HttpexceptionMissingArgs(Rule):
    """
    ## What it does
    Checks that every `raise HTTPException(...)` in an endpoints file gives both a status
    code and a detail, positionally (`HTTPException(404, "Item not found")`) or by keyword
    (`status_code=`, `detail=`). A `detail=None` counts as no detail. The whole file is
    checked, helpers included. A call that unpacks its arguments (`HTTPException(**error)`)
    cannot be judged and is skipped; subclasses of `HTTPException` are not checked.

    ## Why is this bad?
    Without `detail=`, the client only gets the generic reason phrase ("Not Found",
    "Bad Request") and cannot tell which check failed: was it the item, its owner, or a
    closed registration? Hyperion's endpoint guide asks for a clear message with every
    error. Without a status code the call itself fails with a `TypeError`, and the user
    gets a 500 instead of the error you meant.

    ## Example
    ```python
    if item is None:
        raise HTTPException(status_code=404)
    ```

    ## Use instead
    ```python
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    ```

    ## Fix safety
    No automatic fix: only you know what the message should say.

    ## Options
    None.
    """

    code = "HYP030"
    name = "httpexception-missing-args"
    message = "`HTTPException` raised without {missing}; give both, e.g. `HTTPException(status_code=404, detail=\"Item not found\")`"
    fix_title = "Add {missing}"

    VALID = [
        Valid(
            """
            @module.router.get(
                "/demo/items/{item_id}",
                response_model=schemas_demo.Item,
                status_code=200,
            )
            async def read_item(item_id: str, db: AsyncSession = Depends(get_db)):
                \"\"\"Read one item.\"\"\"
                item = await cruds_demo.get_item(db=db, item_id=item_id)
                if item is None:
                    raise HTTPException(status_code=404, detail="Item not found")
                if not item.visible:
                    raise HTTPException(403, "Item hidden")
                if item.locked:
                    raise HTTPException(
                        status_code=status.HTTP_400_BAD_REQUEST,
                        detail="Item locked",
                        headers={"Retry-After": "60"},
                    )
                return item
            """
        ),
        # Unpacked arguments cannot be judged; a subclass and a built exception are not this call.
        Valid(
            """
            def fail(error: dict) -> None:
                raise HTTPException(**error)

            def fail_auth() -> None:
                raise AuthHTTPException(status_code=400, error="invalid_request")

            def fail_later() -> None:
                error = HTTPException(404)
                raise error
            """
        ),
        Valid(
            """
            async def check(item_id: str) -> None:
                raise fastapi.HTTPException(HTTPStatus.NOT_FOUND, detail=f"Item {item_id} not found")
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items/{item_id}", status_code=200)
            async def read_item(item_id: str):
                \"\"\"Read one item.\"\"\"
                raise HTTPException(status_code=404)
            """,
            line=4,
            column=11,
            message="`HTTPException` raised without a `detail=`; give both, e.g. `HTTPException(status_code=404, detail=\"Item not found\")`",
        ),
        Invalid(
            """
            def check(item) -> None:
                if item is None:
                    raise HTTPException(detail="Item not found")
            """,
            line=3,
            column=15,
            message="`HTTPException` raised without a status code; give both, e.g. `HTTPException(status_code=404, detail=\"Item not found\")`",
        ),
        Invalid(
            """
            async def check(item) -> None:
                raise HTTPException(
                    400,
                ) from None
            """,
            line=2,
            column=11,
        ),
        Invalid(
            """
            async def check(item) -> None:
                raise HTTPException(status_code=404, detail=None)
            """,
            line=2,
            column=11,
        ),
        Invalid(
            """
            async def check(item) -> None:
                raise fastapi.HTTPException()
            """,
            line=2,
            column=11,
            path="app/core/demo/endpoints_demo.py",
            message="`HTTPException` raised without a status code and a `detail=`; give both, e.g. `HTTPException(status_code=404, detail=\"Item not found\")`",
        ),
    ]

    def visit_Raise(self, node: cst.Raise) -> None:
        call = node.exc
        if not isinstance(call, cst.Call) or last_name(call.func) != "HTTPException":
            return
        if any(arg.star for arg in call.args):
            return
        positional = positional_args(call)
        has_status = bool(positional) or keyword_arg(call, "status_code") is not None
        detail = positional[1] if len(positional) >= 2 else keyword_arg(call, "detail")
        has_detail = detail is not None and not (
            isinstance(detail.value, cst.Name) and detail.value.value == "None"
        )
        if has_status and has_detail:
            return
        missing = (
            "a status code and a `detail=`"
            if not has_status and not has_detail
            else "a status code"
            if not has_status
            else "a `detail=`"
        )
        self.report(call, missing=missing)
