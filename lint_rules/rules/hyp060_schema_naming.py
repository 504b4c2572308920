import re

from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.facts import ClassFact, FileFacts, ProjectIndex

# Pydantic's model classes: a class deriving from one of them is a schema.
_PYDANTIC_MODELS = frozenset({"BaseModel", "RootModel"})
# Hyperion's base of core-data records (one row of settings a module keeps): not a schema.
CORE_DATA_BASE = "app.types.core_data.BaseCoreData"
_SCHEMA, _CORE_DATA, _OTHER = "schema", "core-data", "other"
# How far a chain of bases is followed before giving up.
_MAX_DEPTH = 12


class SchemaNaming(Rule):
    """
    ## What it does
    Checks, in `schemas_*.py` files, that every Pydantic schema is named after its role
    with one of the documented suffixes: `Base`, `Simple`, `Complete` or `Update` (and
    `Edit`, the house synonym of `Update`).

    A schema is a module-level class that subclasses Pydantic's `BaseModel` (or
    `RootModel`), or another schema: of the same file, or imported from any file of the
    project, followed through every base and import. Enums, `TypedDict`s and any class
    whose bases cannot be followed (a library class, a subscripted base such as
    `RootModel[list[int]]`) are not schemas and are never reported; nor are private
    classes (`_Shared`), which are no part of the module's language. Nor are core-data
    records: classes that subclass Hyperion's `BaseCoreData`
    (`app.types.core_data.BaseCoreData`, followed through imports and bases like any
    base), which store one row of a module's settings and are never sent by a route.

    The message suggests a name only when one reads naturally, and never one that
    another class of the module already has:
    - a plain name gets the suffix (`Item` -> `ItemComplete` for what a read returns,
      `ItemBase` for what a create receives);
    - a role already in the middle moves to the end instead of another being stacked
      (`CoreUserUpdateAdmin` -> `CoreUserAdminUpdate`) when one word follows it;
    - a role word of another convention at the end is replaced by the documented one:
      `Create`/`Creation` -> `Base`, `Return` -> `Complete`, `Preview` -> `Simple`
      (`RaidTeamPreview` -> `RaidTeamSimple`).

    Otherwise it names the allowed suffixes and what each one carries, and invents no
    name: for a name that starts with a verb (`AddProductDelivery`), holds a word of a
    request, response or report (`ChangePasswordRequest`, `TokenResponse`, `TeamInfo`,
    `RaffleStats`, `CashDB`...), a linking word (`DocumentWithUser`,
    `ProductCompleteNoConstraint`), or whose natural name is taken.

    This rule is opt-in: Hyperion's modules use many other names today (`Item`,
    `ItemReturn`, `ItemPreview`...).

    ## Why is this bad?
    The module guide names schemas by what they carry: `ItemBase` (what a create
    receives), `ItemSimple` (an item without its relations), `ItemComplete` (an item with
    its relations, what a read returns) and `ItemUpdate` (every field optional). With the
    suffix, an endpoint's signature tells what it accepts and returns; without it, `Item`
    could be any of them, and the next schema of the module gets a name that clashes.

    ## Example
    ```python
    class Advert(BaseModel):
        id: str
        title: str
        advertiser: AdvertiserComplete

    class CoreUserUpdateAdmin(BaseModel):  # the role, but not at the end
        email: str | None = None
    ```

    ## Use instead
    ```python
    class AdvertComplete(BaseModel):
        id: str
        title: str
        advertiser: AdvertiserComplete

    class CoreUserAdminUpdate(BaseModel):
        email: str | None = None
    ```

    ## Fix safety
    There is no automatic fix: renaming a schema changes every file that uses it.

    ## Options
    - `suffixes` (list of strings, default `["Base", "Simple", "Complete", "Update",
      "Edit"]`): the endings a schema name may have.
    """

    code = "HYP060"
    name = "schema-naming"
    # The message is built by ``_message`` (one natural name, or the suffixes and what they carry).
    message = "Schema `{schema}` is not named after its role; end its name with {suffixes}"
    applies_to = ("schemas_*.py",)
    default_enabled = False
    needs_project = True
    options = (
        Option(
            "suffixes",
            "list[str]",
            ["Base", "Simple", "Complete", "Update", "Edit"],
            "The endings a schema's name may have.",
        ),
    )

    VALID = [
        Valid(
            """
            from pydantic import BaseModel, ConfigDict


            class ItemBase(BaseModel):
                name: str


            class ItemSimple(ItemBase):
                id: str
                model_config = ConfigDict(from_attributes=True)


            class ItemComplete(ItemSimple):
                tags: list[str]


            class ItemUpdate(BaseModel):
                name: str | None = None


            class ItemEdit(BaseModel):
                name: str | None = None
            """
        ),
        # Enums, TypedDicts, private and library classes are not schemas.
        Valid(
            """
            from enum import Enum
            from typing import TypedDict

            from pydantic import BaseModel
            from some_library import Payload


            class ItemStatus(str, Enum):
                open = "open"


            class ItemOptions(TypedDict):
                limit: int


            class _Shared(BaseModel):
                id: str


            class Webhook(Payload):
                event: str
            """
        ),
        # A base imported from another file of the project that is no schema; PEP 695.
        Valid(
            """
            from app.modules.demo.types_demo import Kind


            class SpecialKind(Kind):
                pass


            class PageBase[T](BaseModel):
                items: list[T]

            type ItemIds = list[str]
            """,
            files={
                "app/modules/demo/types_demo.py": """
                    from enum import Enum


                    class Kind(Enum):
                        a = "a"
                """,
            },
        ),
        Valid(
            """
            class ItemReturn(BaseModel):
                id: str
            """,
            options={"suffixes": ["Base", "Complete", "Return"]},
        ),
        # Core-data records (BaseCoreData, a BaseModel) are not API schemas: imported by
        # name or through the module, directly or through another record.
        Valid(
            """
            from app.types import core_data
            from app.types.core_data import BaseCoreData


            class Status(BaseCoreData):
                status: str = "pending"


            class RaidPrice(core_data.BaseCoreData):
                price: int = 0


            class DetailedStatus(Status):
                detail: str = ""
            """,
            files={
                "app/types/core_data.py": """
                    from pydantic import BaseModel


                    class BaseCoreData(BaseModel):
                        pass
                """,
            },
        ),
        # Even when the project's core_data file is not part of the checked files.
        Valid(
            """
            from app.types.core_data import BaseCoreData


            class Status(BaseCoreData):
                status: str = "pending"
            """,
        ),
    ]
    INVALID = [
        Invalid(
            """
            from pydantic import BaseModel


            class Item(BaseModel):
                id: str
            """,
            line=4,
            column=1,
            message="Schema `Item` is not named after its role; end its name with `Base`, `Simple`, `Complete`, `Update` or `Edit` (e.g. `ItemComplete` for what a read returns, `ItemBase` for what a create receives)",
        ),
        # A subclass of a schema of the same file; pydantic imported as a module.
        Invalid(
            """
            import pydantic


            class ItemBase(pydantic.BaseModel):
                name: str


            class ItemPreview(ItemBase):
                id: str
            """,
            line=8,
            column=1,
        ),
        # A subclass of a schema imported from another module of the project.
        Invalid(
            """
            from app.core.users import schemas_users


            class DemoUser(schemas_users.CoreUserSimple):
                score: int
            """,
            line=4,
            column=1,
            files={
                "app/core/users/schemas_users.py": """
                    from pydantic import BaseModel


                    class CoreUserSimple(BaseModel):
                        id: str
                """,
            },
        ),
        # Through a base of a shared (non-schemas) file.
        Invalid(
            """
            from app.types.base import HyperionModel


            class Ticket(HyperionModel):
                id: str
            """,
            line=4,
            column=1,
            files={
                "app/types/base.py": """
                    from pydantic import BaseModel


                    class HyperionModel(BaseModel):
                        pass
                """,
            },
        ),
        # A role already in the name moves to the end; no second one is stacked on it.
        Invalid(
            """
            class CoreUserUpdateAdmin(BaseModel):
                name: str | None = None
            """,
            line=1,
            column=1,
            message="Schema `CoreUserUpdateAdmin` has its role, `Update`, in the middle of its name; a schema's name ends with its role: name it `CoreUserAdminUpdate`",
        ),
        # No natural single name: say what to do, invent none.
        Invalid(
            """
            class TemplateCompleteWithDocuments(BaseModel):
                id: str
            """,
            line=1,
            column=1,
            message="Schema `TemplateCompleteWithDocuments` has its role, `Complete`, in the middle of its name; a schema's name ends with its role (`Base`, `Simple`, `Complete`, `Update` or `Edit`): rename it so that it ends with `Complete` or with the suffix of what it carries",
        ),
        # Another convention's role word becomes the documented suffix that means the same.
        Invalid(
            """
            class RaidTeamPreview(BaseModel):
                id: str
            """,
            line=1,
            column=1,
            message="Schema `RaidTeamPreview` ends with `Preview`, which is not a role suffix (`Base`, `Simple`, `Complete`, `Update` or `Edit`); name it `RaidTeamSimple`, the suffix for an item without its relations",
        ),
        # A request body: `ChangePasswordRequestComplete` is no name a person would write.
        Invalid(
            """
            class ChangePasswordRequest(BaseModel):
                old_password: str
                new_password: str
            """,
            line=1,
            column=1,
            message="Schema `ChangePasswordRequest` is not named after its role; end its name with the suffix of what it carries: `Base` (what a create receives), `Simple` (without its relations), `Complete` (with its relations, what a read returns), `Update` (every field optional) or `Edit` (same as `Update`)",
        ),
        # The natural name is taken by another schema of the module.
        Invalid(
            """
            class ItemBase(BaseModel):
                name: str


            class ItemCreate(BaseModel):
                name: str
                owner_id: str
            """,
            line=5,
            column=1,
            message="Schema `ItemCreate` is not named after its role; end its name with the suffix of what it carries: `Base` (what a create receives), `Simple` (without its relations), `Complete` (with its relations, what a read returns), `Update` (every field optional) or `Edit` (same as `Update`)",
        ),
        Invalid(
            """
            class Item(BaseModel):
                id: str
            """,
            line=1,
            column=1,
            files={
                "app/modules/demo/schemas_demo_extra.py": """
                    class ItemComplete(BaseModel):
                        id: str
                """,
            },
            message="Schema `Item` is not named after its role; end its name with `Base`, `Simple`, `Complete`, `Update` or `Edit` (e.g. `ItemBase` for what a create receives)",
        ),
        # Only the configured suffixes are suggested.
        Invalid(
            """
            class Item(BaseModel):
                id: str
            """,
            line=1,
            column=1,
            options={"suffixes": ["Read", "Write"]},
            message="Schema `Item` is not named after its role; end its name with the suffix of what it carries: `Read` or `Write`",
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        suffixes = tuple(self.settings["suffixes"])
        if not suffixes:
            return
        verdicts: dict[tuple[str, str], str] = {}
        for cls in facts.classes:
            name = cls.name
            if name.startswith("_") or name.endswith(suffixes):
                continue
            if self._kind(project, facts, cls, verdicts, 0) == _SCHEMA:
                self.report_at(cls.location, _message(name, suffixes, _taken(project, facts)))

    def _kind(
        self,
        project: ProjectIndex,
        facts: FileFacts,
        cls: ClassFact,
        verdicts: dict[tuple[str, str], str],
        depth: int,
    ) -> str:
        """``_SCHEMA`` when ``cls`` derives from Pydantic's BaseModel through bases that can
        all be followed; ``_CORE_DATA`` when it derives from Hyperion's ``BaseCoreData``
        (a core-data record, whatever its other bases); else ``_OTHER`` (a cycle, an unknown
        base or a too long chain decide ``_OTHER``)."""
        key = (facts.path, cls.name)
        if key in verdicts:
            return verdicts[key]
        if depth > _MAX_DEPTH:
            return _OTHER
        if f"{facts.dotted}.{cls.name}" == CORE_DATA_BASE:
            verdicts[key] = _CORE_DATA
            return _CORE_DATA
        verdicts[key] = _OTHER  # a cycle of bases makes no schema
        found = _OTHER
        for base, origin in zip(cls.bases, cls.origins, strict=False):
            if not base:
                continue
            last = base.rsplit(".", 1)[-1]
            kind = _OTHER
            if origin is None:
                if "." in base:
                    continue
                local = facts.local_class(base, before=cls.location.start.line)
                if local is not None:
                    kind = self._kind(project, facts, local, verdicts, depth + 1)
                elif base in _PYDANTIC_MODELS:
                    kind = _SCHEMA
            else:
                absolute = facts.absolute(origin)
                if absolute == CORE_DATA_BASE:
                    kind = _CORE_DATA
                elif absolute.startswith("pydantic.") and last in _PYDANTIC_MODELS:
                    kind = _SCHEMA
                else:
                    resolved = project.resolve_origin(absolute, facts)
                    if resolved.kind == "class":
                        assert resolved.facts is not None and resolved.cls is not None
                        kind = self._kind(project, resolved.facts, resolved.cls, verdicts, depth + 1)
            if kind == _CORE_DATA:
                found = _CORE_DATA
                break
            if kind == _SCHEMA:
                found = _SCHEMA
        verdicts[key] = found
        return found


def _taken(project: ProjectIndex, facts: FileFacts) -> set[str]:
    """The class names a suggestion must not take: those of this file and of the other
    files of its module."""
    names = {cls.name for cls in facts.classes}
    folder, area = facts.module_folder, facts.area
    if folder is not None:
        for other in project.module_files(folder, area):
            names.update(cls.name for cls in other.classes)
    return names


def _words(name: str) -> list[str]:
    """``["Core", "User", "Update", "Admin"]`` for ``CoreUserUpdateAdmin``; an acronym is
    one word (``["TOS", "Signature"]``, ``["Cash", "DB"]``)."""
    return _WORD.findall(name)


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _roles(suffixes: tuple[str, ...]) -> str:
    """The suffixes with what each one carries, for a message that invents no name."""
    return _joined([f"`{s}` ({_ROLES[s]})" if s in _ROLES else f"`{s}`" for s in suffixes])


def _message(name: str, suffixes: tuple[str, ...], taken: set[str]) -> str:
    """What to write instead of ``name``: one natural name when there is one, else the
    suffixes and what each one carries (no invented name)."""
    words = _words(name)
    plain = _joined([f"`{s}`" for s in suffixes])
    guide = (
        f"Schema `{name}` is not named after its role; end its name with the suffix of what it "
        f"carries: {_roles(suffixes)}"
    )
    if not words or "".join(words) != name:
        return guide
    inner = [i for i, word in enumerate(words[:-1]) if word in suffixes]
    synonyms = [i for i, word in enumerate(words) if _SYNONYMS.get(word) in suffixes]
    unusual = words[0] in _VERBS or any(word in _PURPOSES or word in _LINKS for word in words)
    if inner:
        # A role already in the name: keep it, at the end, rather than stack another.
        role = words[inner[0]]
        after = words[inner[0] + 1 :]
        if len(inner) == 1 and not synonyms and not unusual and len(after) == 1:
            better = "".join(words[: inner[0]] + after + [role])
            if better not in taken:
                return (
                    f"Schema `{name}` has its role, `{role}`, in the middle of its name; a schema's "
                    f"name ends with its role: name it `{better}`"
                )
        return (
            f"Schema `{name}` has its role, `{role}`, in the middle of its name; a schema's name "
            f"ends with its role ({plain}): rename it so that it ends with `{role}` or with the "
            "suffix of what it carries"
        )
    if synonyms == [len(words) - 1] and len(words) > 1 and not unusual:
        # A role word of another convention: the documented suffix that says the same.
        last, role = words[-1], _SYNONYMS[words[-1]]
        better = "".join(words[:-1]) + role
        if better not in taken:
            return (
                f"Schema `{name}` ends with `{last}`, which is not a role suffix ({plain}); "
                f"name it `{better}`, the suffix {_EXAMPLE_ROLES[role]}"
            )
    if synonyms or unusual:
        return guide
    examples = [
        f"`{name}{role}` {_EXAMPLE_ROLES[role]}"
        for role in ("Complete", "Base")
        if role in suffixes and f"{name}{role}" not in taken
    ]
    if not examples:
        return guide
    return f"Schema `{name}` is not named after its role; end its name with {plain} (e.g. {', '.join(examples)})"


# What each documented suffix carries (the module guide's words).
_ROLES = {
    "Base": "what a create receives",
    "Simple": "without its relations",
    "Complete": "with its relations, what a read returns",
    "Update": "every field optional",
    "Edit": "same as `Update`",
}
_EXAMPLE_ROLES = {
    "Base": "for what a create receives",
    "Simple": "for an item without its relations",
    "Complete": "for what a read returns",
}
# Role words of other conventions, and the documented suffix that says the same.
_SYNONYMS = {"Create": "Base", "Creation": "Base", "Return": "Complete", "Preview": "Simple"}
# Words that say what a schema is for (a request, a response, a report): a suffix added
# to a name that holds one makes no name a person would write (`TokenResponseComplete`).
_PURPOSES = frozenset(
    {
        "Body", "Config", "Criterion", "Data", "DB", "Delete", "Errors", "Extend", "Filter",
        "Form", "Headers", "Info", "Information", "Message", "Metadata", "Model", "Params",
        "Payload", "Query", "Rankings", "Req", "Request", "Response", "Result", "Results",
        "Settings", "Statistics", "Stats", "Status", "Url", "Validation",
    }
)
# Words that tie a qualifier to the name (`DocumentWithUser`, `ProductCompleteNoConstraint`).
_LINKS = frozenset({"And", "At", "By", "For", "From", "In", "No", "Of", "On", "To", "With", "Without"})
# A first word that makes the name an action (`AddProductDelivery`, `ChangePasswordRequest`).
_VERBS = frozenset(
    {
        "Activate", "Add", "Authorize", "Change", "Check", "Delete", "Get", "Introspect",
        "Recover", "Remove", "Reset", "Send", "Set", "Validate",
    }
)
# CamelCase words; a run of capitals is one word (an acronym).
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
