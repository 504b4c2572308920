from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, noted, place
from lint_rules.knowledge.module_index import ModuleIndex
from lint_rules.knowledge.project_model import model_of


# A 2024 tree: `Module` takes neither `factory=` nor `permissions=`, and there is no `Factory`.
NO_FACTORY_TREE = {
    "app/types/module.py": """
        class Module:
            def __init__(self, root: str, tag: str, router: APIRouter | None = None, default_allowed_groups_ids=None):
                self.root = root
    """,
}


class FactoryNotRegistered(Rule):
    """
    ## What it does
    Checks that a module that defines a `Factory` subclass (in its `factory_<module>.py`,
    or in any other file of the module: HYP070 reports a misnamed one) passes an instance
    of it to its declaration: `module = Module(..., factory=AdvertFactory())` (or
    `core_module = CoreModule(...)`). A declaration without `factory=`, with
    `factory=None`, with another class, or with the class itself (`factory=AdvertFactory`,
    not an instance) is reported.

    Where the checked tree has no `Factory` class (Hyperion before mid-2025), the rule
    reports nothing.

    ## Why is this bad?
    Hyperion only runs the factories given to `Module(factory=...)`. A factory that is
    written but not registered never fills the development database: new contributors get
    an empty module, and the factory rots unnoticed as the models change.

    ## Example
    ```python
    # app/modules/advert/endpoints_advert.py (app/modules/advert/factory_advert.py
    # defines AdvertFactory)
    module = Module(
        root="advert",
        tag="Advert",
        factory=None,
        permissions=AdvertPermissions,
    )
    ```

    ## Use instead
    ```python
    from app.modules.advert.factory_advert import AdvertFactory

    module = Module(
        root="advert",
        tag="Advert",
        factory=AdvertFactory(),
        permissions=AdvertPermissions,
    )
    ```

    ## Fix safety
    There is no automatic fix: it needs an import, and the factory may have been left out
    on purpose while it is broken (say so with a `# noqa: HYP072` and a reason).

    ## Options
    None.
    """

    code = "HYP072"
    name = "factory-not-registered"
    message = "Module `{module}` has a factory, `{factory}` ({where}), but {problem}; pass `factory={factory}()` so that the app runs it in development"
    applies_to = ("endpoints_*.py",)
    needs_project = True

    VALID = [
        Valid(
            """
            module = Module(root="demo", tag="Demo")
            """,
            files={
                **NO_FACTORY_TREE,
                "app/modules/demo/factory_demo.py": "from app.types.factory import Factory\n\n\nclass DemoFactory(Factory):\n    pass\n",
            },
        ),
        Valid(
            """
            from app.modules.advert.factory_advert import AdvertFactory

            module = Module(
                root="advert",
                tag="Advert",
                factory=AdvertFactory(),
                permissions=AdvertPermissions,
            )
            """,
            path="app/modules/advert/endpoints_advert.py",
            files={
                "app/modules/advert/factory_advert.py": """
                    from app.types.factory import Factory


                    class AdvertFactory(Factory):
                        pass
                """,
            },
        ),
        # An aliased import or a module attribute; a core module with a router.
        Valid(
            """
            from app.core.groups import factory_groups
            from app.core.groups.factory_groups import CoreGroupsFactory as GroupsFactory

            router = APIRouter(tags=["Groups"])
            core_module = CoreModule(root="groups", tag="Groups", router=router, factory=GroupsFactory())
            other_module = CoreModule(
                root="groups", tag="Groups", router=router, factory=factory_groups.CoreGroupsFactory()
            )
            """,
            path="app/core/groups/endpoints_groups.py",
            files={
                "app/core/groups/factory_groups.py": """
                    from app.types.factory import Factory


                    class CoreGroupsFactory(Factory):
                        pass
                """,
            },
        ),
        # No factory file (or none with a Factory subclass): `factory=None` is right.
        Valid(
            """
            module = Module(root="cdr", tag="CDR", factory=None)
            """,
            path="app/modules/cdr/endpoints_cdr.py",
            files={
                "app/modules/cdr/utils_cdr.py": """
                    class CdrFactory(Factory):
                        pass
                """,
            },
        ),
    ]
    INVALID = [
        # The class itself, not an instance.
        Invalid(
            """
            from app.modules.demo.factory_demo import DemoFactory

            module = Module(root="demo", tag="Demo", factory=DemoFactory)
            """,
            files={
                "app/modules/demo/factory_demo.py": "from app.types.factory import Factory\n\n\nclass DemoFactory(Factory):\n    pass\n",
            },
            line=3,
            column=1,
            message="Module `demo` has a factory, `DemoFactory` (app/modules/demo/factory_demo.py:4), but its declaration passes the class itself, `factory=DemoFactory`, where the module expects an instance; pass `factory=DemoFactory()` so that the app runs it in development",
        ),
        # A factory in a misnamed file of the module is still the module's factory.
        Invalid(
            """
            module = Module(root="demo", tag="Demo", factory=None)
            """,
            files={
                "app/modules/demo/utils_demo.py": "from app.types.factory import Factory\n\n\nclass DemoFactory(Factory):\n    pass\n",
            },
            line=1,
            column=1,
            message="Module `demo` has a factory, `DemoFactory` (app/modules/demo/utils_demo.py:4), but its declaration says `factory=None`; pass `factory=DemoFactory()` so that the app runs it in development",
        ),
        Invalid(
            """
            module = Module(
                root="sport",
                tag="Sport",
                factory=None,
            )
            """,
            line=1,
            column=1,
            path="app/modules/sport/endpoints_sport.py",
            files={
                "app/modules/sport/factory_sport.py": """
                    from app.types.factory import Factory


                    class SportFactory(Factory):
                        pass
                """,
            },
            message="Module `sport` has a factory, `SportFactory` (app/modules/sport/factory_sport.py:4), but its declaration says `factory=None`; pass `factory=SportFactory()` so that the app runs it in development",
        ),
        # No `factory=` at all, in a core module.
        Invalid(
            """
            router = APIRouter(tags=["Users"])
            core_module = CoreModule(root="users", tag="Users", router=router)
            """,
            line=2,
            column=1,
            path="app/core/users/endpoints_users.py",
            files={
                "app/core/users/factory_users.py": """
                    from app.types.factory import Factory


                    class CoreUsersFactory(Factory):
                        pass
                """,
            },
        ),
        # Another factory than the module's own.
        Invalid(
            """
            from app.modules.loan.factory_loan import LoanFactory

            module = Module(root="cinema", tag="Cinema", factory=LoanFactory())
            """,
            line=3,
            column=1,
            path="app/modules/cinema/endpoints_cinema.py",
            files={
                "app/modules/cinema/factory_cinema.py": """
                    from app.types.factory import Factory


                    class CinemaFactory(Factory):
                        pass
                """,
            },
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        if not facts.declarations or not model_of(project).has_factory.value:
            return
        index = ModuleIndex.of(project)
        key = index.module_key(facts)
        if key is None:
            return
        factories = index.factory_classes(key)
        if not factories:
            return
        names = {cls.name for _, cls in factories}
        for declaration in facts.declarations:
            given = declaration.factory
            if given is not None:
                origin = facts.imports.get(given)
                if origin is not None:
                    given = origin.rpartition(".")[2]
                if given in names:
                    if declaration.factory_called:
                        continue
                    problem = (
                        f"its declaration passes the class itself, `factory={declaration.factory}`, "
                        "where the module expects an instance"
                    )
                else:
                    problem = f"its declaration passes `factory={declaration.factory}{'()' if declaration.factory_called else ''}`"
            elif declaration.factory_given:
                problem = "its declaration says `factory=None`"
            else:
                problem = "its declaration has no `factory=`"
            cls = factories[0][1]
            self.report_at(
                declaration.location,
                module=key.folder,
                factory=cls.name,
                where=place(cls.location),
                problem=problem,
                related=[noted(c.location, f"`{c.name}` is defined here") for _, c in factories],
            )
