from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.module_index import ModuleIndex


class TablenamePrefix(Rule):
    """
    ## What it does
    Checks that the `__tablename__` of every model of a module starts with the module's
    name: its folder (`app/modules/raffle` -> `raffle_ticket`), or the `root` its
    `Module(...)` declares. A plural module name may be used in the singular
    (`documents` -> `document_template`), and core modules may also use the `core_`
    prefix of Hyperion's core tables (`core_user`, `core_group`).

    ## Why is this bad?
    Every module shares one PostgreSQL database. A prefix tells at a glance which module
    owns a table (in migrations, in `psql`, in error messages), keeps two modules from
    claiming the same table name, and lets a module be removed with its tables.

    ## Example
    ```python
    # app/modules/raffle/models_raffle.py
    class Ticket(Base):
        __tablename__ = "ticket"
    ```

    ## Use instead
    ```python
    class Ticket(Base):
        __tablename__ = "raffle_ticket"
    ```

    ## Fix safety
    There is no automatic fix: renaming a table needs an Alembic migration.

    ## Options
    `core-prefixes`: the prefixes every core module's tables may use besides the module's
    name. `ignore-tables`: tables whose name is not Hyperion's to choose (Alembic's own
    `alembic_version`).
    """

    code = "HYP052"
    name = "tablename-prefix"
    message = "Table `{table}` does not start with the name of its module `{module}`; name it `{suggestion}` so that the table says which module owns it"
    applies_to = ("models_*.py",)
    needs_project = True
    options = (
        Option(
            "core-prefixes",
            "list[str]",
            ["core_"],
            "Prefixes the tables of core modules (app/core) may use besides the module's name.",
        ),
        Option(
            "ignore-tables",
            "list[str]",
            ["alembic_version"],
            "Table names that are never checked (tables owned by a tool).",
        ),
    )

    VALID = [
        Valid(
            """
            class Ticket(Base):
                __tablename__ = "raffle_ticket"


            class Raffle(Base):
                __tablename__ = "raffle"


            class Prize(Base):
                __tablename__ = TABLE_NAME
            """,
            path="app/modules/raffle/models_raffle.py",
        ),
        # The module's root (from its declaration in another file), a singular form, and
        # the core prefix in a core module.
        Valid(
            """
            class Template(Base):
                __tablename__ = "document_template"


            class Data(Base):
                __tablename__ = "core_data"


            class AlembicVersion(Base):
                __tablename__ = "alembic_version"


            class Archive(Base):
                __tablename__ = "docs_archive"
            """,
            path="app/core/documents/models_documents.py",
            files={
                "app/core/documents/endpoints_documents.py": """
                    ROOT = "docs"
                    router = APIRouter(tags=["Documents"])
                    core_module = CoreModule(root=ROOT, tag="Documents", router=router)
                """,
            },
        ),
        # Models outside a module folder are not judged.
        Valid(
            """
            class Setting(Base):
                __tablename__ = "setting"
            """,
            path="app/types/models_types.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from app.types.sqlalchemy import Base


            class Ticket(Base):
                __tablename__ = "ticket"
            """,
            line=5,
            column=21,
            path="app/modules/raffle/models_raffle.py",
            message="Table `ticket` does not start with the name of its module `raffle`; name it `raffle_ticket` so that the table says which module owns it",
        ),
        # The `core_` prefix is for core modules only.
        Invalid(
            """
            class Sport(Base):
                __tablename__: str = "core_sport"
            """,
            line=2,
            column=26,
            path="app/modules/sport_competition/models_sport_competition.py",
        ),
        # A shortened module name: the suggestion replaces it.
        Invalid(
            """
            class Edition(Base):
                __tablename__ = "competition_edition"
            """,
            line=2,
            column=21,
            path="app/modules/sport_competition/models_sport_competition.py",
            message="Table `competition_edition` does not start with the name of its module `sport_competition`; name it `sport_competition_edition` so that the table says which module owns it",
        ),
        # A core module without the option's prefixes.
        Invalid(
            """
            class CoreUser(Base):
                __tablename__ = "core_user"
            """,
            line=2,
            column=21,
            path="app/core/users/models_users.py",
            options={"core-prefixes": []},
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        index = ModuleIndex.of(project)
        key = index.module_key(facts)
        if key is None:
            return
        names = index.names(key)
        prefixes = [*names, *(n[:-1] for n in names if n.endswith("s") and len(n) > 2)]
        if key.is_core:
            prefixes.extend(self.settings["core-prefixes"])
        ignored = set(self.settings["ignore-tables"])
        for cls in facts.classes:
            table = cls.tablename
            if table is None or cls.tablename_location is None or table in ignored:
                continue
            if any(table.startswith(prefix) for prefix in prefixes):
                continue
            self.report_at(
                cls.tablename_location,
                table=table,
                module=key.folder,
                suggestion=_suggestion(table, key.folder),
            )


def _suggestion(table: str, folder: str) -> str:
    """``sport_competition_edition`` for ``competition_edition``: a first word that is
    already a form of the module's name is replaced by the name, not kept after it."""
    first, _, rest = table.partition("_")
    squashed = first.replace("-", "")
    if rest and squashed and squashed in folder.replace("_", ""):
        return f"{folder}_{rest}"
    return f"{folder}_{table}"
