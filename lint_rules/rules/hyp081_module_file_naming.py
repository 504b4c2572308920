from pathlib import PurePosixPath

from lint_rules.model import Location, Position
from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.module_index import ModuleIndex, ModuleKey

# The kinds of the documented module shape (CONVENTIONS.md and the module pages of
# Hyperion's developer documentation).
DOCUMENTED_KINDS = (
    "endpoints",
    "cruds",
    "models",
    "schemas",
    "factory",
    "types",
    "utils",
    "dependencies",
    "permissions",
)
# Kinds Hyperion uses beyond the documentation, accepted by default.
DEFAULT_EXTRA_KINDS = ["coredata", "exceptions", "integrity"]
# Words that mean a known kind, for the suggested name.
SYNONYMS = {
    "type": "types",
    "exception": "exceptions",
    "tool": "utils",
    "tools": "utils",
    "helper": "utils",
    "helpers": "utils",
    "util": "utils",
    "dependency": "dependencies",
    "deps": "dependencies",
    "crud": "cruds",
    "model": "models",
    "schema": "schemas",
    "endpoint": "endpoints",
    "factories": "factory",
    "permission": "permissions",
}


class ModuleFileNaming(Rule):
    """
    ## What it does
    Checks that every file directly in a module folder (`app/modules/<name>/`, and the
    folders of `app/core` that hold module files) is named `<kind>_<name>.py`, with a
    known kind: `endpoints`, `cruds`, `models`, `schemas`, `factory`, `types`, `utils`,
    `dependencies`, `permissions`, plus the kinds of the `extra-kinds` option (by default
    `coredata`, `exceptions` and `integrity`, which Hyperion uses). `<name>` is the
    module's folder, the `root` its declaration gives, or, for a folder named after the
    endpoints it holds (`<name>_endpoints`), that `<name>`: the files of
    `app/core/core_endpoints` are `endpoints_core.py`, `cruds_core.py`... whether its
    declaration says `root="core"` (since Hyperion v4.7.0) or `root=""` (v4.2.0-v4.6.0).
    The first words of another folder are not a name (`cruds_sport.py` in
    `sport_competition` is reported), nor is the module's `tag`, a display label
    (`"Loans"` for `loan`). A misnamed file is told the name the module's endpoints file
    uses (`cruds_core.py`, not `cruds_core_endpoints.py`). `__init__.py` and the files of
    subfolders (`utils/`, `pdf/`...) are never reported; nor is anything outside module
    folders.

    ## Why is this bad?
    The kind in a file's name is what tells a reader, and the layering rules (HYP041,
    HYP045), what the file may contain and import: `groups_type.py` or `payment_tool.py`
    escape them, and a newcomer looking for a module's enums in `types_<name>.py` does not
    find them. One spelling per kind (`types_`, not `type_` or `_type`) keeps every module
    alike.

    ## Example
    ```
    app/core/groups/groups_type.py
    app/modules/cdr/exception_cdr.py
    ```

    ## Use instead
    ```
    app/core/groups/types_groups.py
    app/modules/cdr/exceptions_cdr.py
    ```

    ## Fix safety
    There is no automatic fix: renaming a file changes the imports of other files.

    ## Options
    `extra-kinds`: file kinds accepted besides the documented ones.
    """

    code = "HYP081"
    name = "module-file-naming"
    message = "File `{file}` is not named `<kind>_{module}.py` with a known kind ({kinds}); {advice}"
    other_module_message = "File `{file}` is named after `{other}`, not after its module: files of module `{module}` are named `<kind>_{module}.py`; rename it `{suggestion}`"
    applies_to = ("app/modules/*/*.py", "app/core/*/*.py")
    needs_project = True
    options = (
        Option(
            "extra-kinds",
            "list[str]",
            DEFAULT_EXTRA_KINDS,
            "File kinds (`<kind>_<module>.py`) accepted besides the documented ones.",
        ),
    )

    VALID = [
        Valid(
            """
            async def get_current_cdr_year(): ...
            """,
            path="app/modules/cdr/dependencies_cdr.py",
        ),
        Valid("", path="app/modules/cdr/__init__.py"),
        Valid(
            """
            class CdrYear(BaseCoreData):
                year: int
            """,
            path="app/modules/cdr/coredata_cdr.py",
        ),
        # A module named by its root, subfolders, and files outside module folders.
        Valid(
            """
            class CoreInformation(BaseCoreData):
                ready: bool
            """,
            path="app/core/core_endpoints/coredata_core.py",
            files={
                "app/core/core_endpoints/endpoints_core.py": """
                    router = APIRouter(tags=["Core"])
                    core_module = CoreModule(root="core", tag="Core", router=router)
                """,
            },
        ),
        # Before Hyperion v4.7.0 the same files had `root=""`: the folder names them.
        Valid(
            """
            class CoreInformation(BaseCoreData):
                ready: bool
            """,
            path="app/core/core_endpoints/coredata_core.py",
            files={
                "app/core/core_endpoints/endpoints_core.py": """
                    router = APIRouter(tags=["Core"])
                    core_module = CoreModule(root="", tag="Core", router=router)
                """,
            },
        ),
        Valid(
            """
            router = APIRouter(tags=["Core"])
            core_module = CoreModule(root="", tag="Core", router=router)
            """,
            path="app/core/core_endpoints/endpoints_core.py",
        ),
        Valid("", path="app/modules/raid/utils/pdf/pdf_writer.py"),
        Valid("", path="app/core/utils/config.py"),
        Valid("", path="app/main.py"),
        # A kind added by the option.
        Valid(
            "",
            path="app/modules/cdr/validators_cdr.py",
            options={"extra-kinds": ["validators"]},
        ),
    ]
    INVALID = [
        Invalid(
            """
            from enum import StrEnum


            class GroupType(StrEnum):
                admin = "admin"
            """,
            line=1,
            column=1,
            path="app/core/groups/groups_type.py",
            files={
                "app/core/groups/endpoints_groups.py": """
                    router = APIRouter(tags=["Groups"])
                    core_module = CoreModule(root="groups", tag="Groups", router=router)
                """,
            },
            message="File `groups_type.py` is not named `<kind>_groups.py` with a known kind (endpoints, cruds, models, schemas, factory, types, utils, dependencies, permissions, coredata, exceptions, integrity); rename it (e.g. `types_groups.py`) or add its kind to the `extra-kinds` option",
        ),
        Invalid("", line=1, column=1, path="app/modules/cdr/exception_cdr.py"),
        Invalid(
            "",
            line=1,
            column=1,
            path="app/core/google_api/google_api.py",
            files={"app/core/google_api/endpoints_google_api.py": ""},
        ),
        Invalid(
            "",
            line=1,
            column=1,
            path="app/modules/cinema/cruds_movies.py",
            message="File `cruds_movies.py` is named after `movies`, not after its module: files of module `cinema` are named `<kind>_cinema.py`; rename it `cruds_cinema.py`",
        ),
        # The name to use is the one the module's endpoints file uses.
        Invalid(
            "",
            line=1,
            column=1,
            path="app/core/core_endpoints/cruds_endpoints.py",
            files={
                "app/core/core_endpoints/endpoints_core.py": """
                    router = APIRouter(tags=["Core"])
                    core_module = CoreModule(root="", tag="Core", router=router)
                """,
            },
            message="File `cruds_endpoints.py` is named after `endpoints`, not after its module: files of module `core` are named `<kind>_core.py`; rename it `cruds_core.py`",
        ),
        # Neither the first word of a folder nor the tag is a name of the module.
        Invalid(
            "",
            line=1,
            column=1,
            path="app/modules/sport_competition/cruds_sport.py",
            files={
                "app/modules/sport_competition/endpoints_sport_competition.py": """
                    module = Module(root="sport_competition", tag="Sport Competition", factory=None)
                """,
            },
        ),
        Invalid(
            "",
            line=1,
            column=1,
            path="app/modules/loan/cruds_loans.py",
            files={
                "app/modules/loan/endpoints_loan.py": """
                    module = Module(root="loan", tag="Loans", factory=None)
                """,
            },
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        index = ModuleIndex.of(project)
        key = index.module_key(facts)
        if key is None:
            return
        file = PurePosixPath(facts.path).name
        if file == "__init__.py":
            return
        stem = PurePosixPath(facts.path).stem
        names = index.names(key)
        module = _preferred_name(index, key, names)
        kinds = [*DOCUMENTED_KINDS, *self.settings["extra-kinds"]]
        kind, _, rest = stem.partition("_")
        if kind in kinds and rest in names:
            return
        start = Position(1, 1)
        where = Location(facts.path, start, start)
        if kind in kinds and rest:
            self.report_at(
                where,
                self.other_module_message.format(
                    file=file, other=rest, module=module, suggestion=f"{kind}_{module}.py"
                ),
            )
            return
        suggestion = _suggestion(stem, names, kinds)
        advice = (
            f"rename it (e.g. `{suggestion}_{module}.py`) or add its kind to the `extra-kinds` option"
            if suggestion
            else f"rename it `<kind>_{module}.py` after what it holds, or add its kind to the `extra-kinds` option"
        )
        self.report_at(
            where, file=file, module=module, kinds=", ".join(kinds), advice=advice
        )


def _preferred_name(index: ModuleIndex, key: ModuleKey, names: tuple[str, ...]) -> str:
    """The name to suggest: the one the module's endpoints file uses (``core`` for
    ``app/core/core_endpoints/endpoints_core.py``), else the folder."""
    for facts in index.modules.get(key, []):
        kind, _, rest = PurePosixPath(facts.path).stem.partition("_")
        if kind == "endpoints" and rest in names:
            return rest
    return key.folder


def _suggestion(stem: str, names: tuple[str, ...], kinds: list[str]) -> str | None:
    """The kind a misnamed file's words point to: ``types`` for ``groups_type``."""
    words = stem
    for name in names:
        if stem.startswith(name + "_"):
            words = stem[len(name) + 1 :]
        elif stem.endswith("_" + name):
            words = stem[: -len(name) - 1]
    for word in words.split("_"):
        kind = SYNONYMS.get(word, word)
        if kind in kinds:
            return kind
    return None
