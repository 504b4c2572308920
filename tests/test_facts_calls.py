"""The facts of Depends(...) calls, routers and route decorators (knowledge/calls.py)."""

from __future__ import annotations

import textwrap

from lint_rules.engine import records
from lint_rules.engine.workers import analyze_item
from lint_rules.knowledge.calls import DependencyCall, RouterFact
from lint_rules.knowledge.facts import FileFacts
from lint_rules.model import Location, Position

PATH = "app/modules/demo/endpoints_demo.py"


def facts_of(source: str, path: str = PATH) -> FileFacts:
    facts = analyze_item((path, textwrap.dedent(source), (), True)).facts
    assert facts is not None
    blob, _ = records.pack_facts(facts)
    assert blob is not None and records.unpack_facts(blob) == facts  # the cache keeps them whole
    return facts


def at(line: int, column: int, end_line: int, end_column: int) -> Location:
    return Location(PATH, Position(line, column), Position(end_line, end_column))


def test_dependencies_with_their_arguments_canonical() -> None:
    facts = facts_of(
        '''
        PREFIX = "/v1"
        router = APIRouter(prefix=PREFIX, dependencies=[Depends(is_user_in(GroupType.admin))])
        Admin = Annotated[CoreUser, Depends(is_user_in(GroupType.admin, exclude_external=True))]


        @router.get("/items", status_code=status.HTTP_200_OK, response_model=list[Item], summary="Items", dependencies=[Depends(get_db)])
        async def read_items(
            db: Database,
            admin: Admin,
            user: CoreUser = Depends(
                is_user_allowed_to(
                    [
                        DemoPermissions.a,  # a comment
                        DemoPermissions.b,
                    ],
                ),
            ),
            form: Form = Depends(),
        ): ...
        '''
    )
    (route,) = facts.routes
    assert route.calls == (
        DependencyCall("is_user_in()", "is_user_in(GroupType.admin, exclude_external=True)", ("GroupType.admin",), (("exclude_external", "True"),), at(10, 5, 10, 10)),
        DependencyCall("is_user_allowed_to()", "is_user_allowed_to([DemoPermissions.a, DemoPermissions.b])", ("[DemoPermissions.a, DemoPermissions.b]",), (), at(11, 5, 11, 9)),
        DependencyCall("Form()", "Form", (), (), at(19, 5, 19, 9)),
        DependencyCall("get_db", "get_db", (), (), at(7, 113, 7, 128)),
    )
    assert (route.router, route.status_code, route.response_model, route.response_class, route.summary) == (
        "router", "200", "list[Item]", None, "Items",
    )
    assert route.imported_annotations == ()  # Database is not imported here
    assert facts.routers == (
        RouterFact("router", at(3, 10, 3, 87), "/v1", (DependencyCall("is_user_in()", "is_user_in(GroupType.admin)", ("GroupType.admin",), (), at(3, 49, 3, 85)),)),
    )
    assert facts_of("router = APIRouter(prefix=settings.prefix)\n").routers[0].prefix is None
    assert facts.alias_calls["Admin"].text == "is_user_in(GroupType.admin, exclude_external=True)"
    assert facts.variables == ("Admin", "PREFIX", "router")


def test_factories_classes_and_what_functions_give_back() -> None:
    facts = facts_of(
        '''
        from app.dependencies import Database


        def is_member(role=None):
            async def is_member(user=Depends(is_user(included_groups=[role]))):
                return user
            return is_member


        async def nothing(db: Database):
            await db.flush()


        async def generator():
            yield 1


        class Form:
            @classmethod
            def as_form(cls, user=Depends(get_token_data)): ...
        '''
    )
    assert [c.text for c in facts.function_calls["is_member()"]] == ["is_user(included_groups=[role])"]
    assert facts.function_calls["is_member"] == ()
    assert facts.valueless == ("nothing",)
    assert [c.ref for c in facts.classes[0].method_calls["as_form"]] == ["get_token_data"]


def test_a_match_statement_keeps_the_file_s_facts() -> None:
    facts = facts_of(
        """
        async def get_db(kind):
            match kind:
                case 1:
                    yield session
                    await session.commit()
        """,
        path="app/dependencies.py",
    )
    assert [(s.name, s.calls) for s in facts.sessions] == [("get_db", ("commit",))]


def test_include_router_with_a_prefix_and_dependencies() -> None:
    facts = facts_of(
        """
        for module in all_modules:
            api_router.include_router(module.router, prefix="/api", dependencies=[Depends(is_user())])
        """,
        path="app/api.py",
    )
    (inclusion,) = facts.inclusions
    assert (inclusion.target, inclusion.router, inclusion.prefix) == ("module.router", "api_router", "/api")
    assert [c.text for c in inclusion.dependencies] == ["is_user()"]
