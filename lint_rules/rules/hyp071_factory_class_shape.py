from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.module_index import ModuleIndex
from lint_rules.knowledge.project_model import model_of

REQUIRED = ("run", "should_run")
# How each is written (app/types/factory.py), for the message.
SIGNATURES = {
    "run": "@classmethod async def run(cls, db, settings) -> None",
    "should_run": "@classmethod async def should_run(cls, db) -> bool",
}


# A 2024 tree: `Module` takes neither `factory=` nor `permissions=`, and there is no `Factory`.
NO_FACTORY_TREE = {
    "app/types/module.py": """
        class Module:
            def __init__(self, root: str, tag: str, router: APIRouter | None = None, default_allowed_groups_ids=None):
                self.root = root
    """,
}


class FactoryClassShape(Rule):
    """
    ## What it does
    Checks, in `factory_*.py` files, that the factory class (a subclass of Hyperion's
    `Factory`, or a class named `*Factory`) subclasses `app.types.factory.Factory`
    (directly or through other project classes, resolved through imports) and defines
    `run` and `should_run` as `@classmethod`s (its own, or inherited from a project base
    class other than `Factory`, whose abstract ones do not count).

    Where the checked tree has no `Factory` class (Hyperion before mid-2025), the rule
    reports nothing.

    ## Why is this bad?
    At startup in development, Hyperion runs every factory given to `Module(factory=...)`:
    it orders them by `depends_on`, then awaits `factory.should_run(db)` and
    `factory.run(db, settings)`. `Factory` declares both methods abstract, so a subclass
    that lacks one cannot even be instantiated: `factory=AdvertFactory()` raises at import
    and the whole API fails to start. A class that does not subclass `Factory` escapes that
    check and fails later, in the middle of the startup. `app/types/factory.py` declares
    both methods as classmethods, and code may call them on the class
    (`CoreUsersFactory.run(db, settings)`), where an instance method fails.

    ## Example
    ```python
    class AdvertFactory(Factory):
        async def run(self, db: AsyncSession, settings: Settings) -> None: ...
    ```

    ## Use instead
    ```python
    class AdvertFactory(Factory):
        depends_on = []

        @classmethod
        async def run(cls, db: AsyncSession, settings: Settings) -> None: ...

        @classmethod
        async def should_run(cls, db: AsyncSession) -> bool:
            return await cruds_advert.get_adverts(db) == []
    ```

    ## Fix safety
    There is no automatic fix: the missing method has to be written.

    ## Options
    None.
    """

    code = "HYP071"
    name = "factory-class-shape"
    message = "Factory `{factory}` must define `run` and `should_run` as classmethods, but {problems}; write them as in `{file}` ({examples})"
    not_factory_message = "`{factory}` does not subclass Hyperion's `Factory`; write `class {factory}(Factory)` with `from {module} import Factory`, so that the app can run it"
    applies_to = ("factory_*.py",)
    needs_project = True

    VALID = [
        Valid(
            """
            class DemoFactory:
                def make(self) -> None: ...
            """,
            path="app/modules/demo/factory_demo.py",
            files=NO_FACTORY_TREE,
        ),
        Valid(
            """
            from app.types.factory import Factory


            class AdvertFactory(Factory):
                depends_on = []

                @classmethod
                async def run(cls, db, settings) -> None:
                    await cls.create_adverts(db)

                @classmethod
                async def should_run(cls, db) -> bool:
                    return True

                @staticmethod
                async def create_adverts(db) -> None: ...
            """,
            path="app/modules/advert/factory_advert.py",
        ),
        # Methods inherited from a project base factory; a helper class that is no factory.
        Valid(
            """
            from dataclasses import dataclass

            from app.modules.raid.base_factory import RaidBaseFactory


            @dataclass
            class Participant:
                name: str


            class RaidFactory(RaidBaseFactory):
                @classmethod
                async def run(cls, db, settings) -> None: ...
            """,
            path="app/modules/raid/factory_raid.py",
            files={
                "app/modules/raid/base_factory.py": """
                    import app.types.factory


                    class RaidBaseFactory(app.types.factory.Factory):
                        @classmethod
                        async def should_run(cls, db) -> bool:
                            return True
                """,
            },
        ),
        # A base that cannot be followed decides nothing.
        Valid(
            """
            from app.utils.base import BaseFactory


            class CdrFactory(BaseFactory):
                pass
            """,
            path="app/modules/cdr/factory_cdr.py",
        ),
    ]
    INVALID = [
        # A fork that defines `Factory` elsewhere: the message says where.
        Invalid(
            """
            from app.utils.factories import Factory


            class DemoFactory(Factory):
                @classmethod
                async def run(cls, db, settings) -> None: ...
            """,
            path="app/modules/demo/factory_demo.py",
            files={"app/utils/factories.py": "class Factory(ABC):\n    pass\n"},
            line=4,
            column=1,
            message="Factory `DemoFactory` must define `run` and `should_run` as classmethods, but `should_run` is missing; write them as in `app/utils/factories.py` (`@classmethod async def should_run(cls, db) -> bool`)",
        ),
        Invalid(
            """
            from app.types.factory import Factory


            class AdvertFactory(Factory):
                depends_on = []

                async def run(self, db, settings) -> None: ...

                @classmethod
                async def should_run(cls, db) -> bool:
                    return True
            """,
            line=4,
            column=1,
            path="app/modules/advert/factory_advert.py",
            message="Factory `AdvertFactory` must define `run` and `should_run` as classmethods, but `run` is not a `@classmethod`; write them as in `app/types/factory.py` (`@classmethod async def run(cls, db, settings) -> None`)",
        ),
        Invalid(
            """
            from app.types.factory import Factory


            class LoanFactory(Factory):
                @classmethod
                async def run(cls, db, settings) -> None: ...
            """,
            line=4,
            column=1,
            path="app/modules/loan/factory_loan.py",
            message="Factory `LoanFactory` must define `run` and `should_run` as classmethods, but `should_run` is missing; write them as in `app/types/factory.py` (`@classmethod async def should_run(cls, db) -> bool`)",
        ),
        # Named like a factory, based on something else (factory_boy's Factory here).
        Invalid(
            """
            from factory import Factory


            class CinemaFactory(Factory):
                @classmethod
                async def run(cls, db, settings) -> None: ...

                @classmethod
                async def should_run(cls, db) -> bool:
                    return True
            """,
            line=4,
            column=1,
            path="app/modules/cinema/factory_cinema.py",
            message="`CinemaFactory` does not subclass Hyperion's `Factory`; write `class CinemaFactory(Factory)` with `from app.types.factory import Factory`, so that the app can run it",
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        model = model_of(project)
        if not model.has_factory.value:
            return  # a tree without `Factory`: there is nothing to subclass
        module = model.defined_in("Factory", "app.types.factory")
        index = ModuleIndex.of(project)
        for cls in facts.classes:
            verdict = index.is_factory(facts, cls)
            if verdict is None:
                continue
            if verdict is False:
                if cls.name.endswith("Factory"):
                    self.report_at(
                        cls.location, self.not_factory_message.format(factory=cls.name, module=module)
                    )
                continue
            methods = index.factory_methods(facts, cls)
            if methods is None:
                continue
            problems, wrong = [], []
            for name in REQUIRED:
                if name not in methods:
                    problems.append(f"`{name}` is missing")
                elif not methods[name]:
                    problems.append(f"`{name}` is not a `@classmethod`")
                else:
                    continue
                wrong.append(name)
            if problems:
                file = module.replace(".", "/") + ".py"
                examples = ", ".join(f"`{SIGNATURES[name]}`" for name in wrong)
                self.report_at(cls.location, factory=cls.name, problems=" and ".join(problems), file=file, examples=examples)
