import libcst as cst

from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.project_model import model_of
from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.knowledge.matchers.signatures import (
    all_params,
    annotated_aliases,
    is_session_annotation,
)

_METHODS = frozenset({"commit", "rollback"})

# ``get_db`` as today's Hyperion writes it: it owns the request's transaction.
GET_DB_COMMITS = {
    "app/dependencies.py": """
        async def get_db() -> AsyncGenerator[AsyncSession, None]:
            async with SessionLocal() as db:
                try:
                    yield db
                except HTTPException:
                    await db.commit()
                    raise
                except Exception:
                    await db.rollback()
                    raise
                else:
                    await db.commit()
                finally:
                    await db.close()
    """
}
# ``get_db`` as Hyperion wrote it before mid-2025: it closes the session, cruds commit.
GET_DB_CLOSES = {
    "app/dependencies.py": """
        async def get_db() -> AsyncGenerator[AsyncSession, None]:
            async with SessionLocal() as db:
                try:
                    yield db
                finally:
                    await db.close()
    """
}


class DbCommitRollback(Rule):
    """
    ## What it does
    Checks that cruds and endpoints never call `commit()` or `rollback()` on the database
    session, awaited or not. The session is `db`, `self.db`, or any parameter of an
    enclosing function annotated `AsyncSession` (also through `Annotated[...]` or a
    module alias such as `Database`).

    ## Why is this bad?
    `get_db` (app/dependencies.py) owns the transaction of a request: it commits when the
    endpoint returns (or raises an `HTTPException`) and rolls back on any other error. A
    `commit()` in the middle of a request makes the first half of the work permanent even
    if the second half fails, and a crud that commits cannot be composed with others in one
    transaction. `rollback()` throws away work that `get_db` would have handled. To send
    pending changes to the database (to get generated values, or before a query that must
    see them), call `await db.flush()`; to protect part of the work, use
    `async with db.begin_nested():`.

    Startup code, factories, tests and `get_db` itself manage their own sessions and are
    not checked (the rule only runs on `cruds_*.py` and `endpoints_*.py`).

    The rule reads `get_db` in the checked tree (`hyperion-lint project` shows what it
    read). Where `get_db` only closes the session (Hyperion before mid-2025, and forks
    of it), committing is the crud's job: nothing is reported. Where the tree has no
    `get_db` (a file linted alone, a partial checkout), today's Hyperion is assumed and
    the findings are reported, without the fix.

    ## Example
    ```python
    async def create_advert(advert: models_advert.Advert, db: AsyncSession) -> None:
        db.add(advert)
        await db.commit()
    ```

    ## Use instead
    ```python
    async def create_advert(advert: models_advert.Advert, db: AsyncSession) -> None:
        db.add(advert)
        await db.flush()
    ```

    ## Fix safety
    The fix replaces `commit()` by `flush()`, which sends the changes without ending the
    transaction; `get_db` commits them at the end of the request. It is offered only
    where the tree's own `get_db` is read and commits. It is unsafe: code that
    relied on the commit (another session reading the rows, a `try`/`except IntegrityError`
    around it, a caller that is not an endpoint and has no `get_db`) behaves differently.
    `rollback()` has no fix: raise an exception instead, and `get_db` rolls back.

    ## Options
    None.
    """

    code = "HYP042"
    name = "db-commit-rollback"
    message = "`{call}()` ends the request's transaction, which `get_db` owns; {advice}"
    fix_title = "{action}"
    fix_safety = Applicability.UNSAFE
    applies_to = ("cruds_*.py", "endpoints_*.py")
    needs_project = True

    VALID = [
        Valid(
            """
            async def create_item(item: models_demo.Item, db: AsyncSession) -> None:
                db.add(item)
                await db.flush()
            """
        ),
        # Where `get_db` only closes the session, the crud's commit is how data is saved.
        Valid(
            """
            async def create_item(item: models_demo.Item, db: AsyncSession) -> None:
                db.add(item)
                await db.commit()

            async def delete_item(item_id: UUID, db: AsyncSession) -> None:
                try:
                    await db.execute(delete(models_demo.Item))
                    await db.commit()
                except IntegrityError:
                    await db.rollback()
                    raise
            """,
            files=GET_DB_CLOSES,
        ),
        Valid(
            """
            async def create_items(items: list[models_demo.Item], db: AsyncSession) -> None:
                db.add(items[0])
                await db.flush()
                async with db.begin_nested():
                    db.add_all(items[1:])
            """
        ),
        Valid(
            """
            def write(repo, conn, transaction) -> None:
                repo.commit()
                conn.commit()
                transaction.rollback()
            """
        ),
        Valid(
            """
            async def commit(db: AsyncSession) -> None:
                await db.flush()

            async def run(db: AsyncSession) -> None:
                await commit(db)
            """
        ),
        Valid(
            """
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items(db: Annotated[AsyncSession, Depends(get_db)]):
                return await cruds_demo.get_items(db)
            """,
            path="app/modules/demo/endpoints_demo.py",
        ),
        Valid(
            """
            @module.router.post("/demo/items", response_model=int, status_code=201)
            async def create_item[T](item: T, db: AsyncSession = Depends(get_db)):
                db.add(item)
                await db.flush()
                return 1
            """,
            path="app/modules/demo/endpoints_demo.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            async def create_item(item: models_demo.Item, db: AsyncSession) -> None:
                db.add(item)
                await db.commit()
            """,
            line=3,
            column=11,
            message="`db.commit()` ends the request's transaction, which `get_db` owns; use `await db.flush()` to send pending changes, and `get_db` commits them at the end of the request",
            files=GET_DB_COMMITS,
            fixed="""
            async def create_item(item: models_demo.Item, db: AsyncSession) -> None:
                db.add(item)
                await db.flush()
            """,
        ),
        Invalid(
            """
            async def delete_item(item_id: UUID, db: AsyncSession) -> None:
                result = await db.execute(delete(models_demo.Item))
                if result.rowcount != 1:
                    await db.rollback()
                    raise ValueError(item_id)
            """,
            line=4,
            column=15,
            message="`db.rollback()` ends the request's transaction, which `get_db` owns; raise an exception instead, and `get_db` rolls the transaction back",
            files=GET_DB_COMMITS,
        ),
        # No `get_db` in the tree: today's Hyperion is assumed, and no fix is offered.
        Invalid(
            """
            async def create_item(item: models_demo.Item, db: AsyncSession) -> None:
                db.add(item)
                await db.commit()
            """,
            line=3,
            column=11,
            no_fix=True,
        ),
        Invalid(
            """
            Database = Annotated[AsyncSession, Depends(get_db)]


            @module.router.post("/demo/items", response_model=int, status_code=201)
            async def create_item(session: Database):
                await session.commit()
            """,
            path="app/modules/demo/endpoints_demo.py",
            line=6,
            column=11,
            files=GET_DB_COMMITS,
            fixed="""
            Database = Annotated[AsyncSession, Depends(get_db)]


            @module.router.post("/demo/items", response_model=int, status_code=201)
            async def create_item(session: Database):
                await session.flush()
            """,
        ),
        Invalid(
            """
            @module.router.delete("/demo/items", status_code=204, response_model=None)
            async def delete_items(
                session: Annotated[AsyncSession, Depends(get_db)],
            ):
                async def inner():
                    session.commit()
                await inner()
            """,
            path="app/modules/demo/endpoints_demo.py",
            line=6,
            column=9,
            files=GET_DB_COMMITS,
            fixed="""
            @module.router.delete("/demo/items", status_code=204, response_model=None)
            async def delete_items(
                session: Annotated[AsyncSession, Depends(get_db)],
            ):
                async def inner():
                    session.flush()
                await inner()
            """,
        ),
        Invalid(
            """
            class ItemStore:
                def __init__(self, db: AsyncSession) -> None:
                    self.db = db

                async def save(self) -> None:
                    await self.db.commit()
            """,
            line=6,
            column=15,
            files=GET_DB_COMMITS,
            fixed="""
            class ItemStore:
                def __init__(self, db: AsyncSession) -> None:
                    self.db = db

                async def save(self) -> None:
                    await self.db.flush()
            """,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.aliases = annotated_aliases(node)
        # One set of session parameter names per enclosing function (innermost last).
        self.sessions: list[frozenset[str]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        names = frozenset(
            p.name.value
            for p in all_params(node)
            if p.annotation is not None
            and is_session_annotation(p.annotation.annotation, self.aliases)
        )
        self.sessions.append(names)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.sessions.pop()

    def leave_Module(self, node: cst.Module) -> None:
        del self.aliases, self.sessions  # syntax, not state for `check`

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if node.args or not isinstance(func, cst.Attribute) or func.attr.value not in _METHODS:
            return
        receiver = func.value
        if isinstance(receiver, cst.Name):
            name = receiver.value
            if name != "db" and not any(name in s for s in self.sessions):
                return
            receiver_text = name
        elif (
            isinstance(receiver, cst.Attribute)
            and isinstance(receiver.value, cst.Name)
            and receiver.value.value == "self"
            and receiver.attr.value == "db"
        ):
            receiver_text = "self.db"
        else:
            return
        method = func.attr.value
        call = f"{receiver_text}.{method}"
        if method == "commit":
            self.propose(
                node,
                replacement=node.with_changes(func=func.with_changes(attr=cst.Name("flush"))),
                call=call,
                advice=f"use `await {receiver_text}.flush()` to send pending changes, and `get_db` commits them at the end of the request",
                action=f"Replace `{call}()` by `{receiver_text}.flush()`",
            )
        else:
            self.propose(
                node,
                call=call,
                advice="raise an exception instead, and `get_db` rolls the transaction back",
                action=f"Remove `{call}()` and raise an exception",
            )

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        commits = model_of(project).session_commits("get_db")
        if not commits.value:
            return  # `get_db` only closes the session: committing is the code's own job
        for proposal in self.proposals:
            self.confirm(proposal, fix=commits.known)
