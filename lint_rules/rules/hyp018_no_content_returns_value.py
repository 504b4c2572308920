import libcst as cst

from lint_rules.knowledge.facts import CLASS, FUNCTION, FileFacts, ProjectIndex
from lint_rules.knowledge.matchers.returns import CALLS, VALUE, returned_values
from lint_rules.knowledge.matchers.routes import (
    annotation_is_response,
    explicit_status,
    local_router_names,
    routes_of,
)
from lint_rules.rule_api.base import Invalid, Rule, Valid

# A returned value is shown in the message up to this many characters.
_SHOWN = 48


def _shown(node: cst.CSTNode) -> str:
    code = " ".join(cst.Module([]).code_for_node(node).split())
    return code if len(code) <= _SHOWN else code[: _SHOWN - 3].rstrip() + "..."


class NoContentReturnsValue(Rule):
    """
    ## What it does
    Checks that a route answering `204 No Content` returns nothing: no `return <value>`
    other than `return None` or a response object.

    A response object is a `*Response(...)` returned (`return Response(status_code=204)`),
    or a name bound to one, or a parameter annotated with one. The status code is read in any
    spelling (`204`, `status.HTTP_204_NO_CONTENT`, `HTTPStatus.NO_CONTENT`); routes
    annotated `-> Response` (or another response class) and websockets are not checked.

    A call's result is a value when the project says so: `return await
    cruds_x.delete_y(...)` is fine when `delete_y` (in any file of the project) is
    annotated `-> None`, or has no `return <value>` and no `yield` in its body; it is
    reported when it is annotated to return something or returns a value, or when it
    is a class of the project (an instance). A call of anything the project does not
    define (a method, a library function) is not judged. A name is judged by what the
    function binds to it (a parameter is a value).

    ## Why is this bad?
    A 204 answer has no body: FastAPI empties it whatever the function returns, so the
    client never receives the value (`{"message": "deleted"}`, the updated object). The
    code says one thing and the API does another: whoever reads the function expects
    the caller to get that value, and whoever writes the client finds nothing there.
    Hyperion's endpoints guide: a route that sends nothing answers 204 and returns
    nothing; one that sends something declares it as its `response_model=`.

    ## Example
    ```python
    @module.router.delete("/demo/items/{item_id}", status_code=204)
    async def delete_item(item_id: str, db: AsyncSession = Depends(get_db)):
        await cruds_demo.delete_item(db=db, item_id=item_id)
        return {"message": "Item deleted"}
    ```

    ## Use instead
    ```python
    @module.router.delete("/demo/items/{item_id}", status_code=204)
    async def delete_item(item_id: str, db: AsyncSession = Depends(get_db)):
        await cruds_demo.delete_item(db=db, item_id=item_id)
    ```

    ## Fix safety
    There is no automatic fix: whether the client should get the value (and the route
    answer with a body) or the value is dead code is the author's decision.

    ## Options
    None.
    """

    code = "HYP018"
    name = "no-content-returns-value"
    message = "Route `{function}` answers 204 No Content, so FastAPI sends no body and the client never receives the value it returns (`{value}`); return nothing (a bare `return`, or none), or, if the client needs it, send it with a status code that has a body and declare its schema in the decorator"
    needs_project = True

    VALID = [
        Valid(
            """
            @module.router.delete("/demo/items/{item_id}", status_code=204, response_model=None)
            async def delete_item(item_id: str, db: AsyncSession = Depends(get_db)):
                if item_id == "":
                    return
                await cruds_demo.delete_item(db=db, item_id=item_id)
                return None


            @module.router.patch("/demo/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
            async def update_item(item_id: str):
                response = Response(status_code=204)
                return response


            @module.router.post("/demo/items/{item_id}/lock", status_code=HTTPStatus.NO_CONTENT)
            async def lock_item(item_id: str, response: Response):
                return response


            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items():
                return [1, 2]
            """
        ),
        # The callee gives nothing, in another file: annotated `-> None`, or no `return <value>`.
        Valid(
            """
            from app.modules.demo import cruds_demo


            @module.router.delete("/demo/items/{item_id}", status_code=204)
            async def delete_item(item_id: str, db: AsyncSession = Depends(get_db)):
                return await cruds_demo.delete_item(db=db, item_id=item_id)


            @module.router.delete("/demo/items", status_code=204)
            async def delete_items(db: AsyncSession = Depends(get_db)):
                result = await cruds_demo.delete_items(db=db)
                return result
            """,
            files={
                "app/modules/demo/cruds_demo.py": """
                    async def delete_item(db: AsyncSession, item_id: str):
                        await db.execute(delete(models_demo.Item).where(models_demo.Item.id == item_id))

                    async def delete_items(db: AsyncSession) -> None:
                        await db.execute(delete(models_demo.Item))
                """,
            },
        ),
        # What cannot be told is not judged: a method, a library's function, a name
        # bound by a loop; a route that builds its own response.
        Valid(
            """
            from fastapi.encoders import jsonable_encoder


            @module.router.delete("/demo/items/{item_id}", status_code=204)
            async def delete_item(item_id: str, db: AsyncSession = Depends(get_db)):
                return await db.execute(delete(models_demo.Item))


            @module.router.delete("/demo/items", status_code=204)
            async def delete_items():
                for item in items:
                    pass
                return jsonable_encoder(item)


            @module.router.post("/demo/items/{item_id}/file", status_code=204)
            async def upload_file(item_id: str) -> Response:
                return make_response(item_id)


            @module.router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket):
                return {"closed": True}
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.delete("/demo/items/{item_id}", status_code=204)
            async def delete_item(item_id: str, db: AsyncSession = Depends(get_db)):
                await cruds_demo.delete_item(db=db, item_id=item_id)
                return {"message": "Item deleted"}
            """,
            line=4,
            column=12,
            message='Route `delete_item` answers 204 No Content, so FastAPI sends no body and the client never receives the value it returns (`{"message": "Item deleted"}`); return nothing (a bare `return`, or none), or, if the client needs it, send it with a status code that has a body and declare its schema in the decorator',
        ),
        # A parameter; a multi-line decorator with `status.HTTP_204_NO_CONTENT`.
        Invalid(
            """
            @module.router.patch(
                "/demo/items/{item_id}",
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def update_item(item_id: str, item: schemas_demo.ItemUpdate):
                return item
            """,
            line=6,
            column=12,
        ),
        # The callee is a project function that returns a value, in another file.
        Invalid(
            """
            from app.modules.demo import cruds_demo


            @module.router.post("/demo/items/{item_id}/validate", status_code=204)
            async def validate_item(item_id: str, db: AsyncSession = Depends(get_db)):
                item = await cruds_demo.get_item(db=db, item_id=item_id)
                item.validated = True
                return item
            """,
            line=8,
            column=12,
            message="Route `validate_item` answers 204 No Content, so FastAPI sends no body and the client never receives the value it returns (`item`); return nothing (a bare `return`, or none), or, if the client needs it, send it with a status code that has a body and declare its schema in the decorator",
            files={
                "app/modules/demo/cruds_demo.py": """
                    async def get_item(db: AsyncSession, item_id: str) -> models_demo.Item | None:
                        return await db.get(models_demo.Item, item_id)
                """,
            },
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        no_content = [
            route
            for route in routes_of(node, self.router_names)
            if not route.is_websocket and (explicit_status(route) or (None, 0))[1] == 204
        ]
        if not no_content or annotation_is_response(node):
            return
        function = node.name.value
        for returned in returned_values(node):
            if returned.kind == VALUE:
                self.report(returned.node, function=function, value=_shown(returned.node))
            elif returned.kind == CALLS:
                self.propose(returned.node, data=list(returned.callees), function=function, value=_shown(returned.node))

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        for proposal in self.proposals:
            if all(_gives_a_value(project, facts, callee) for callee in proposal.data):
                self.confirm(proposal)


def _gives_a_value(project: ProjectIndex, facts: FileFacts, callee: str) -> bool:
    """True when calling ``callee`` (as written in ``facts``' file) gives a value: a
    project function annotated to return something other than None, or not annotated
    and with a ``return <value>`` (or a ``yield``), or a project class (an instance,
    unless it is a response class). False when it gives None or cannot be told."""
    found = project.resolve(facts, callee)
    if found.kind == CLASS:
        assert found.cls is not None
        return not any(base.rsplit(".", 1)[-1].endswith("Response") for base in found.cls.bases)
    if found.kind != FUNCTION or found.facts is None or found.key is None:
        return False
    annotation = found.facts.returns.get(found.key)
    if annotation is not None:
        return annotation.replace(" ", "") not in ("None", "Coroutine[Any,Any,None]", "Awaitable[None]")
    return found.key not in found.facts.valueless
