from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.facts import ClassFact, FileFacts, ProjectIndex

# Pydantic's model classes: a class deriving from one of them is a schema.
_PYDANTIC_MODELS = frozenset({"BaseModel", "RootModel"})
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
    classes (`_Shared`), which are no part of the module's language.

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
    ```

    ## Use instead
    ```python
    class AdvertComplete(BaseModel):
        id: str
        title: str
        advertiser: AdvertiserComplete
    ```

    ## Fix safety
    There is no automatic fix: renaming a schema changes every file that uses it.

    ## Options
    - `suffixes` (list of strings, default `["Base", "Simple", "Complete", "Update",
      "Edit"]`): the endings a schema name may have.
    """

    code = "HYP060"
    name = "schema-naming"
    message = "Schema `{schema}` is not named after its role; end its name with {suffixes} (e.g. `{schema}Complete` for what a read returns, `{schema}Base` for what a create receives)"
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
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        suffixes = tuple(self.settings["suffixes"])
        if not suffixes:
            return
        verdicts: dict[tuple[str, str], bool] = {}
        listed = [f"`{s}`" for s in suffixes]
        wording = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " or " + listed[-1]
        for cls in facts.classes:
            name = cls.name
            if name.startswith("_") or name.endswith(suffixes):
                continue
            if self._is_schema(project, facts, cls, verdicts, 0):
                self.report_at(cls.location, schema=name, suffixes=wording)

    def _is_schema(
        self,
        project: ProjectIndex,
        facts: FileFacts,
        cls: ClassFact,
        verdicts: dict[tuple[str, str], bool],
        depth: int,
    ) -> bool:
        """True when ``cls`` derives from Pydantic's BaseModel through bases that can all be
        followed; a cycle, an unknown base or a too long chain decides False."""
        key = (facts.path, cls.name)
        if key in verdicts:
            return verdicts[key]
        if depth > _MAX_DEPTH:
            return False
        verdicts[key] = False  # a cycle of bases makes no schema
        found = False
        for base, origin in zip(cls.bases, cls.origins, strict=False):
            if not base:
                continue
            last = base.rsplit(".", 1)[-1]
            if origin is None:
                if "." in base:
                    continue
                local = facts.local_class(base, before=cls.location.start.line)
                if local is not None:
                    found = self._is_schema(project, facts, local, verdicts, depth + 1)
                elif base in _PYDANTIC_MODELS:
                    found = True
            else:
                absolute = facts.absolute(origin)
                if absolute.startswith("pydantic.") and last in _PYDANTIC_MODELS:
                    found = True
                else:
                    resolved = project.resolve_origin(absolute, facts)
                    if resolved.kind == "class":
                        assert resolved.facts is not None and resolved.cls is not None
                        found = self._is_schema(project, resolved.facts, resolved.cls, verdicts, depth + 1)
            if found:
                break
        verdicts[key] = found
        return found
