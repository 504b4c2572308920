from pathlib import PurePosixPath

from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.module_index import ModuleIndex


class TablenamePrefix(Rule):
    """
    ## What it does
    Checks that the `__tablename__` of every model of a module starts with the module's
    name as a whole word: the table is the name itself, or the name followed by `_`
    (`app/modules/raffle` -> `raffle`, `raffle_ticket`; but `loaner` is not prefixed by
    the module `loan`, nor `authorization_code` by `auth`). The names are the module's
    folder and the `root` its `Module(...)` declares, each as written or in lower case
    (`rPlace` and `rplace`). A plural name may be used in the singular (`documents` ->
    `document_template`), and core modules may also use the `core_` prefix of
    Hyperion's core tables (`core_user`, `core_group`).

    The message lists the prefixes the module may use and suggests a name the rule
    accepts, in lower case: the module's name as its files spell it (`rplace_pixels` in
    `app/modules/rPlace/models_rplace.py`, `core_...` in `app/core/core_endpoints`,
    whose files are `*_core.py`), else its folder. A first word that already means
    the module is replaced rather than kept after the prefix (`competition_edition` in
    `sport_competition` -> `sport_competition_edition`, `flappy-bird_score` ->
    `flappybird_score`), and so is a `core_` borrowed by a table outside the core
    (`core_sport` -> `sport_competition_sport`).

    ## Why is this bad?
    Every module shares one PostgreSQL database. A prefix tells at a glance which module
    owns a table (in migrations, in `psql`, in error messages), keeps two modules from
    claiming the same table name, and lets a module be removed with its tables.

    ## Example
    ```python
    # app/modules/raffle/models_raffle.py
    class Ticket(Base):
        __tablename__ = "ticket"

    # app/modules/loan/models_loan.py
    class Loaner(Base):
        __tablename__ = "loaner"  # a word of its own, not `loan_` + something
    ```

    ## Use instead
    ```python
    class Ticket(Base):
        __tablename__ = "raffle_ticket"

    class Loaner(Base):
        __tablename__ = "loan_loaner"
    ```

    ## Fix safety
    There is no automatic fix: renaming a table needs an Alembic migration.

    ## Options
    `core-prefixes`: the prefixes every core module's tables may use besides the module's
    name, whole words too (`core_` accepts `core` and `core_user`, not `coreuser`).
    `ignore-tables`: tables whose name is not Hyperion's to choose (Alembic's own
    `alembic_version`).
    """

    code = "HYP052"
    name = "tablename-prefix"
    message = "Table `{table}` does not start with the prefix of its module, {prefixes}; name it `{suggestion}` so that the table says which module owns it"
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
        # The folder's name in lower case, as the module's files spell it.
        Valid(
            """
            class Pixel(Base):
                __tablename__ = "rplace_pixels"
            """,
            path="app/modules/rPlace/models_rplace.py",
        ),
        # A core prefix is a whole word too: the table may be the prefix itself.
        Valid(
            """
            class Core(Base):
                __tablename__ = "core"
            """,
            path="app/core/users/models_users.py",
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
            message="Table `ticket` does not start with the prefix of its module, `raffle_`; name it `raffle_ticket` so that the table says which module owns it",
        ),
        # The `core_` prefix is for core modules only; the suggestion replaces it.
        Invalid(
            """
            class Sport(Base):
                __tablename__: str = "core_sport"
            """,
            line=2,
            column=26,
            path="app/modules/sport_competition/models_sport_competition.py",
            message="Table `core_sport` does not start with the prefix of its module, `sport_competition_`; name it `sport_competition_sport` so that the table says which module owns it",
        ),
        # A prefix is a whole word: `loaner` does not start with `loan_`.
        Invalid(
            """
            class Loaner(Base):
                __tablename__ = "loaner"
            """,
            line=2,
            column=21,
            path="app/modules/loan/models_loan.py",
            message="Table `loaner` does not start with the prefix of its module, `loan_`; name it `loan_loaner` so that the table says which module owns it",
        ),
        Invalid(
            """
            class Item(Base):
                __tablename__ = "loaner_item"
            """,
            line=2,
            column=21,
            path="app/modules/loan/models_loan.py",
        ),
        # In a core module, the message names the core prefix too.
        Invalid(
            """
            class AuthorizationCode(Base):
                __tablename__ = "authorization_code"
            """,
            line=2,
            column=21,
            path="app/core/auth/models_auth.py",
            message="Table `authorization_code` does not start with the prefix of its module, `auth_` (or `core_`, the prefix of core tables); name it `auth_authorization_code` so that the table says which module owns it",
        ),
        # Suggestions are lower-case, with the name the module's files use (here its root).
        Invalid(
            """
            class Pixel(Base):
                __tablename__ = "pixels"
            """,
            line=2,
            column=21,
            path="app/modules/rPlace/models_rplace.py",
            files={
                "app/modules/rPlace/endpoints_rplace.py": """
                    module = Module(root="rplace", tag="rPlace")
                """,
            },
            message="Table `pixels` does not start with the prefix of its module, `rplace_`; name it `rplace_pixels` so that the table says which module owns it",
        ),
        # The core module of app/core/core_endpoints goes by `core` (root, file names).
        Invalid(
            """
            class ModuleGroupVisibility(Base):
                __tablename__ = "module_group_visibility"
            """,
            line=2,
            column=21,
            path="app/core/core_endpoints/models_core.py",
            files={
                "app/core/core_endpoints/endpoints_core.py": """
                    router = APIRouter(tags=["Core"])
                    core_module = CoreModule(root="core", tag="Core", router=router)
                """,
            },
            message="Table `module_group_visibility` does not start with the prefix of its module, `core_endpoints_` or `core_`; name it `core_module_group_visibility` so that the table says which module owns it",
        ),
        # Without a root (older trees), its files still say `core`, a prefix core tables may use.
        Invalid(
            """
            class ModuleVisibility(Base):
                __tablename__ = "module_visibility"
            """,
            line=2,
            column=21,
            path="app/core/core_endpoints/models_core.py",
            message="Table `module_visibility` does not start with the prefix of its module, `core_endpoints_` or `core_`; name it `core_module_visibility` so that the table says which module owns it",
        ),
        # A plural first word that means the module is replaced, not stacked.
        Invalid(
            """
            class Ticket(Base):
                __tablename__ = "raffles_ticket"
            """,
            line=2,
            column=21,
            path="app/modules/raffle/models_raffle.py",
            message="Table `raffles_ticket` does not start with the prefix of its module, `raffle_`; name it `raffle_ticket` so that the table says which module owns it",
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
            message="Table `competition_edition` does not start with the prefix of its module, `sport_competition_`; name it `sport_competition_edition` so that the table says which module owns it",
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
        words = _prefix_words(names)
        extra = [p.rstrip("_") for p in self.settings["core-prefixes"]] if key.is_core else []
        accepted = [*words, *(p for p in extra if p and p not in words)]
        ignored = set(self.settings["ignore-tables"])
        for cls in facts.classes:
            table = cls.tablename
            if table is None or cls.tablename_location is None or table in ignored:
                continue
            if _prefixed(table, accepted):
                continue
            prefix = _suggested_prefix(facts.path, names, accepted)
            suggestion = _suggestion(table, prefix, names, accepted)
            if not _prefixed(suggestion, accepted):  # never suggest a name the rule rejects
                suggestion = f"{prefix}_{table.lower()}"
            self.report_at(
                cls.tablename_location,
                table=table,
                prefixes=_listed(names, extra),
                suggestion=suggestion,
            )


def _prefix_words(names: tuple[str, ...]) -> list[str]:
    """The words a table may start with: each name of the module (folder, root), its
    lower-case form, and the singular of a plural name (``documents`` -> ``document``)."""
    words: list[str] = []
    for name in names:
        for form in (name, name.lower()):
            for word in (form, form[:-1] if form.endswith("s") and len(form) > 2 else ""):
                if word and word not in words:
                    words.append(word)
    return words


def _prefixed(table: str, words: list[str]) -> bool:
    """Whether the table is one of ``words`` or starts with one followed by ``_``: a
    prefix is a whole word (``loaner`` is not prefixed by ``loan``)."""
    return any(table == word or table.startswith(word + "_") for word in words)


def _listed(names: tuple[str, ...], core: list[str]) -> str:
    """How the message names the accepted prefixes, in lower case (singular forms left
    out): "`loan_`", "`raffle_` or `tombola_`", "`auth_` (or `core_`, the prefix of core
    tables)"."""
    shown = list(dict.fromkeys(f"`{name.lower()}_`" for name in names))
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    extra = [f"`{prefix}_`" for prefix in dict.fromkeys(core) if f"`{prefix}_`" not in shown]
    if extra:
        text += f" (or {' or '.join(extra)}, the prefix of core tables)"
    return text


def _suggested_prefix(path: str, names: tuple[str, ...], accepted: list[str]) -> str:
    """The module's name as its files spell it (``rplace`` for ``app/modules/rPlace/
    models_rplace.py``, ``core`` for ``app/core/core_endpoints/models_core.py``, a root
    or a core prefix) when the rule accepts that name; otherwise the folder. Always
    lower-case."""
    stem = PurePosixPath(path).stem
    own = stem.partition("_")[2].lower()
    if own and own in {word.lower() for word in accepted}:
        return own
    return names[0].lower()


def _squashed(text: str) -> str:
    return text.replace("-", "").replace("_", "").lower()


def _forms(names: tuple[str, ...], prefix: str) -> set[str]:
    """What a table's first word may be when it already means the module: a name, one of
    its words (``competition`` of ``sport_competition``), hyphens dropped
    (``flappy-bird``), singular or plural."""
    forms: set[str] = set()
    for name in (*names, prefix):
        parts = [part for part in name.lower().replace("-", "_").split("_") if part]
        for start in range(len(parts)):
            for end in range(start + 1, len(parts) + 1):
                forms.add("".join(parts[start:end]))
    forms |= {form[:-1] for form in forms if form.endswith("s") and len(form) > 2}
    forms |= {form + "s" for form in forms}
    return forms


def _suggestion(table: str, prefix: str, names: tuple[str, ...], accepted: list[str]) -> str:
    """The table name with the module's prefix, lower-case: ``sport_competition_edition``
    for ``competition_edition``. A first word that already means the module (a form of
    its name) or is ``core`` is replaced, not kept after the prefix; when what remains
    is already accepted (``user`` in ``users``), it is the suggestion."""
    words = [word for word in table.lower().split("_") if word]
    if len(words) > 1 and _squashed(words[0]) in _forms(names, prefix) | {"core"}:
        rest = "_".join(words[1:])
        if _prefixed(rest, accepted):
            return rest
        words = words[1:]
    return "_".join([prefix, *words])
