from pathlib import PurePosixPath

from lint_rules.model import Location, Position
from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.module_index import LAYER_KINDS, ModuleIndex
from lint_rules.knowledge.project_model import model_of

DEFAULT_REQUIRED = ["endpoints", "cruds", "models", "schemas", "factory"]


class ModuleLayout(Rule):
    """
    ## What it does
    Checks that every module folder (`app/modules/<name>`, and the folders of `app/core`
    that hold module files) has the files of the documented module shape: `__init__.py`,
    `endpoints_<name>.py`, `cruds_<name>.py`, `models_<name>.py`, `schemas_<name>.py`
    and `factory_<name>.py` (`types_` and `utils_` files are optional). A module whose
    endpoints declare no route at all (a visibility-only module, such as `home`) needs only
    `__init__.py` and its endpoints file. Any file of the kind counts (`models_foo.py` is
    a models file; HYP081 judges its name).

    The finding is reported once per module, at the top of its endpoints file (or of the
    first file of the folder when there is no endpoints file), naming every missing file.

    Where the checked tree has no `Factory` class (Hyperion before mid-2025), no
    `factory_` file is asked for. A core module's kinds may also live in the shared
    files of `app/core/` (`app/core/models_core.py`, `app/core/schemas_core.py`), where
    Hyperion kept the core tables and schemas before 2025.

    ## Why is this bad?
    Hyperion's app loader finds a module by its `endpoints_*.py` file, and every reader
    finds its way in a module through the same files: routes in `endpoints_`, queries in
    `cruds_`, tables in `models_`, the API's language in `schemas_`, fake data for
    development in `factory_`. A module that puts its queries in its endpoints, or has no
    factory, is harder to review, to test and to run locally.

    ## Example
    ```
    app/modules/raffle/
        __init__.py
        endpoints_raffle.py     # queries written inline
        models_raffle.py
        schemas_raffle.py
    ```

    ## Use instead
    ```
    app/modules/raffle/
        __init__.py
        cruds_raffle.py
        endpoints_raffle.py
        factory_raffle.py
        models_raffle.py
        schemas_raffle.py
    ```

    ## Fix safety
    There is no automatic fix: the missing files have to be written.

    ## Options
    `required-kinds`: the file kinds every module with routes must have (`__init__.py` is
    always required; a module without routes only needs `endpoints`).
    """

    code = "HYP080"
    name = "module-layout"
    message = "Module `{module}` lacks {missing}; a module has `__init__.py` and {kinds} files, so that everyone finds its routes, queries, tables, schemas and fake data where they expect them"
    applies_to = ("app/modules/*/*.py", "app/core/*/*.py")
    default_enabled = False
    needs_project = True
    options = (
        Option(
            "required-kinds",
            "list[str]",
            DEFAULT_REQUIRED,
            "File kinds (`<kind>_<module>.py`) every module with routes must have.",
        ),
    )

    VALID = [
        # A 2024 tree: the core modules' tables and schemas are in app/core/*_core.py.
        Valid(
            """
            router = APIRouter()


            @router.get("/users/me", status_code=200)
            async def read_me(): ...
            """,
            path="app/core/users/endpoints_users.py",
            files={
                "app/types/module.py": "class Module:\n    def __init__(self, root: str, tag: str):\n        self.root = root\n",
                "app/core/users/__init__.py": "",
                "app/core/users/cruds_users.py": "",
                "app/core/models_core.py": "",
                "app/core/schemas_core.py": "",
            },
        ),
        # A 2024 tree, without `Factory`: no factory file is asked for.
        Valid(
            """
            module = Module(root="demo", tag="Demo")


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            path="app/modules/demo/endpoints_demo.py",
            files={
                "app/types/module.py": "class Module:\n    def __init__(self, root: str, tag: str):\n        self.root = root\n",
                "app/modules/demo/__init__.py": "",
                "app/modules/demo/cruds_demo.py": "",
                "app/modules/demo/models_demo.py": "",
                "app/modules/demo/schemas_demo.py": "",
            },
        ),
        Valid(
            """
            @module.router.get("/cinema/sessions", status_code=200)
            async def read_sessions(): ...
            """,
            path="app/modules/cinema/endpoints_cinema.py",
            files={
                "app/modules/cinema/__init__.py": "",
                "app/modules/cinema/types_cinema.py": "",
                "app/modules/cinema/cruds_cinema.py": "",
                "app/modules/cinema/models_cinema.py": "",
                "app/modules/cinema/schemas_cinema.py": "",
                "app/modules/cinema/factory_cinema.py": "",
            },
        ),
        # A visibility-only module: an endpoints file without routes.
        Valid(
            """
            class HomePermissions(ModulePermissions):
                access_home = "access_home"


            module = Module(root="home", tag="Home", factory=None, permissions=HomePermissions)
            """,
            path="app/modules/home/endpoints_home.py",
            files={"app/modules/home/__init__.py": ""},
        ),
        # Only the endpoints file (or the first file) carries the finding; helpers of
        # app/core are not a module.
        Valid(
            """
            async def get_cinema_user(): ...
            """,
            path="app/modules/cinema/dependencies_cinema.py",
            files={
                "app/modules/cinema/endpoints_cinema.py": """
                    @module.router.get("/cinema/sessions", status_code=200)
                    async def read_sessions(): ...
                """,
            },
        ),
        Valid(
            """
            LOG_FORMAT = "%(message)s"
            """,
            path="app/core/utils/log.py",
        ),
        # The option: a team that does not ask for factories.
        Valid(
            """
            @module.router.get("/ph/papers", status_code=200)
            async def read_papers(): ...
            """,
            path="app/modules/ph/endpoints_ph.py",
            options={"required-kinds": ["endpoints", "cruds", "models", "schemas"]},
            files={
                "app/modules/ph/__init__.py": "",
                "app/modules/ph/cruds_ph.py": "",
                "app/modules/ph/models_ph.py": "",
                "app/modules/ph/schemas_ph.py": "",
            },
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/ph/papers", status_code=200)
            async def read_papers(): ...
            """,
            line=1,
            column=1,
            path="app/modules/ph/endpoints_ph.py",
            files={
                "app/modules/ph/__init__.py": "",
                "app/modules/ph/cruds_ph.py": "",
                "app/modules/ph/models_ph.py": "",
                "app/modules/ph/schemas_ph.py": "",
            },
            message="Module `ph` lacks `factory_ph.py`; a module has `__init__.py` and `endpoints_`, `cruds_`, `models_`, `schemas_`, `factory_` files, so that everyone finds its routes, queries, tables, schemas and fake data where they expect them",
        ),
        # No endpoints file: reported in the first file of the folder.
        Invalid(
            """
            class Paper(Base):
                __tablename__ = "journal_paper"
            """,
            line=1,
            column=1,
            path="app/modules/journal/models_journal.py",
            files={
                "app/modules/journal/schemas_journal.py": "",
            },
        ),
        # A core module, and `__init__.py` is missing too.
        Invalid(
            """
            router = APIRouter(tags=["Auth"])
            core_module = CoreModule(root="auth", tag="Auth", router=router)


            @router.post("/auth/token", status_code=200)
            async def token(): ...
            """,
            line=1,
            column=1,
            path="app/core/auth/endpoints_auth.py",
            files={
                "app/core/auth/cruds_auth.py": "",
                "app/core/auth/models_auth.py": "",
                "app/core/auth/schemas_auth.py": "",
                "app/core/auth/factory_auth.py": "",
            },
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        index = ModuleIndex.of(project)
        key = index.module_key(facts)
        if key is None:
            return
        files = index.modules[key]
        endpoints = [f for f in files if f.kind == "endpoints"]
        carrier = endpoints[0] if endpoints else files[0]
        if carrier.path != facts.path:
            return
        present = {f.kind for f in files}
        if key.area == "core":
            # Hyperion before 2025 kept the core modules' tables and schemas in shared files,
            # app/core/models_core.py and app/core/schemas_core.py: they count for every core module.
            present |= {f.kind for f in project if f.path in {f"app/core/{k}_core.py" for k in LAYER_KINDS}}
        has_routes = any(f.routes for f in files)
        # A tree without `Factory` has no factories to ask for.
        kinds = [k for k in self.settings["required-kinds"] if k != "factory" or model_of(project).has_factory.value]
        required = list(kinds) if has_routes else ["endpoints"]
        if "endpoints" not in required:
            required.insert(0, "endpoints")
        missing = [] if any(PurePosixPath(f.path).name == "__init__.py" for f in files) else ["`__init__.py`"]
        # The name the module's files use: its endpoints file may use its root (``_core``).
        name = key.folder
        if endpoints and endpoints[0].path.endswith(tuple(f"_{n}.py" for n in index.names(key))):
            name = PurePosixPath(endpoints[0].path).stem.partition("_")[2]
        missing += [f"`{kind}_{name}.py`" for kind in required if kind not in present]
        if not missing:
            return
        start = Position(1, 1)
        self.report_at(
            Location(facts.path, start, start),
            module=key.folder,
            missing=", ".join(missing),
            kinds=", ".join(f"`{kind}_`" for kind in kinds),
        )
