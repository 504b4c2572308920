from pathlib import PurePosixPath

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.module_index import ModuleIndex, module_of
from lint_rules.knowledge.project_model import model_of


# A 2024 tree: `Module` takes neither `factory=` nor `permissions=`, and there is no `Factory`.
NO_FACTORY_TREE = {
    "app/types/module.py": """
        class Module:
            def __init__(self, root: str, tag: str, router: APIRouter | None = None, default_allowed_groups_ids=None):
                self.root = root
    """,
}


class FactoryFileNaming(Rule):
    """
    ## What it does
    Checks that every subclass of Hyperion's `Factory` (`app.types.factory.Factory`,
    directly or through other project classes) defined in a module is defined in that
    module's `factory_<module>.py`, directly in the module folder. The base is resolved
    through imports, so a class that merely ends with `Factory` is not concerned.

    Where the checked tree has no `Factory` class (Hyperion before mid-2025), the rule
    reports nothing.

    ## Why is this bad?
    The factories fill an empty development database with fake data, module by module.
    Readers (and the layout rules) look for a module's factory in `factory_<module>.py`;
    a factory hidden in `utils_<module>.py` or in another module's folder is missed when
    someone changes the models it creates, and breaks silently.

    ## Example
    ```python
    # app/modules/cinema/utils_cinema.py
    class CinemaFactory(Factory):
        ...
    ```

    ## Use instead
    ```python
    # app/modules/cinema/factory_cinema.py
    class CinemaFactory(Factory):
        ...
    ```

    ## Fix safety
    There is no automatic fix: moving a class changes the imports of other files.

    ## Options
    None.
    """

    code = "HYP070"
    name = "factory-file-naming"
    message = "Factory `{factory}` is defined in `{file}`; move it to `{expected}`, where the factory of module `{module}` lives"
    applies_to = ("app/modules/*/*.py", "app/core/*/*.py")
    needs_project = True

    VALID = [
        Valid(
            """
            from app.types.factory import Factory


            class DemoFactory(Factory):
                @classmethod
                async def run(cls, db, settings) -> None: ...
            """,
            path="app/modules/demo/utils_demo.py",
            files={**NO_FACTORY_TREE, "app/modules/demo/endpoints_demo.py": "module = Module(root='demo', tag='Demo')\n"},
        ),
        Valid(
            """
            from app.types.factory import Factory


            class CinemaFactory(Factory):
                @classmethod
                async def run(cls, db, settings) -> None: ...

                @classmethod
                async def should_run(cls, db) -> bool:
                    return True
            """,
            path="app/modules/cinema/factory_cinema.py",
        ),
        # Classes that are no Factory subclass, wherever they are; a base that cannot be
        # followed decides nothing.
        Valid(
            """
            from pydantic import BaseModel

            from app.utils.generators import Factory


            class UserDemoFactoryConfig(BaseModel):
                name: str


            class SessionFactory:
                pass


            class MovieFactory(Factory):
                pass
            """,
            path="app/modules/cinema/utils_cinema.py",
        ),
        # The core module whose root names its files (`factory_core.py` in core_endpoints).
        Valid(
            """
            from app.types.factory import Factory


            class CoreFactory(Factory):
                pass
            """,
            path="app/core/core_endpoints/factory_core.py",
            files={
                "app/core/core_endpoints/endpoints_core.py": """
                    router = APIRouter(tags=["Core"])
                    core_module = CoreModule(root="core", tag="Core", router=router)
                """,
            },
        ),
        # Factories outside module folders are not judged.
        Valid(
            """
            from app.types.factory import Factory


            class DemoFactory(Factory):
                pass
            """,
            path="app/utils/demo.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from app.types.factory import Factory


            class CinemaFactory(Factory):
                @classmethod
                async def run(cls, db, settings) -> None: ...
            """,
            line=4,
            column=1,
            path="app/modules/cinema/utils_cinema.py",
            message="Factory `CinemaFactory` is defined in `app/modules/cinema/utils_cinema.py`; move it to `app/modules/cinema/factory_cinema.py`, where the factory of module `cinema` lives",
        ),
        # Through a base class of another file, in a subfolder of the module.
        Invalid(
            """
            from app.modules.raid.factory_raid import RaidBaseFactory


            class RaidPdfFactory(RaidBaseFactory):
                pass
            """,
            line=4,
            column=1,
            path="app/modules/raid/utils/pdf/generator.py",
            files={
                "app/modules/raid/factory_raid.py": """
                    from app.types import factory


                    class RaidBaseFactory(factory.Factory):
                        pass
                """,
            },
        ),
        # A factory file named after another module.
        Invalid(
            """
            from app.types.factory import Factory


            class TicketFactory(Factory):
                pass
            """,
            line=4,
            column=1,
            path="app/modules/raffle/factory_tombola_old.py",
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        if not facts.classes or not model_of(project).has_factory.value:
            return
        found = module_of(facts.path)
        if found is None:
            return
        key, nested = found
        index = ModuleIndex.of(project)
        if key not in index.modules:
            return
        names = index.names(key)
        if not nested and PurePosixPath(facts.path).stem in {f"factory_{n}" for n in names}:
            return
        folder = next(
            parent
            for parent in PurePosixPath(facts.path).parents
            if parent.name == key.folder and parent.parent.name == key.area
        )
        for cls in facts.classes:
            if index.is_factory(facts, cls):
                self.report_at(
                    cls.location,
                    factory=cls.name,
                    file=facts.path,
                    expected=f"{folder.as_posix()}/factory_{key.folder}.py",
                    module=key.folder,
                )
