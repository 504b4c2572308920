from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.matchers.models import (
    base_expressions,
    body_statements,
    is_non_model_class,
    top_level_classes,
)
from lint_rules.knowledge.matchers.signatures import unwrap_annotated
from lint_rules.knowledge.matchers.syntax import keyword_arg, last_name, positional_args

_UPDATE_SUFFIXES = ("Update", "Edit")
_NOT_FIELDS = frozenset({"model_config"})


@dataclass(frozen=True)
class _Field:
    name: str
    node: cst.AnnAssign
    required: bool


class UpdateSchemaFieldRequired(Rule):
    """
    ## What it does
    Checks that every field of an update schema (a class named `*Update` or `*Edit`, the
    house synonym, in a schemas file) has a default, so that a client may send only the
    fields it changes. `x: str | None = None` is the usual shape; any default is accepted
    (`x: int = 0`, `Field(default=...)`, `Field(None, ...)`, `Field(default_factory=...)`).

    A field with no default, `= ...`, or `= Field(...)` / `Field(description=...)` without
    a default is required by Pydantic and is reported. Fields inherited from a base class
    of the same file (`class ItemUpdate(ItemBase)`) count too: they are reported at the
    `class` line. `ClassVar`s, `model_config`, private attributes (`_x`), methods and
    validators are not fields.

    A schema with a single field is accepted by default (option `allow-single-field`):
    it is a command rather than a partial update (`CashEdit(balance=...)`,
    `QuotaEdit(quota=...)`): the field is the whole request, and making it optional would
    only allow an empty request that changes nothing.

    ## Why is this bad?
    A PATCH route takes the update schema and the crud writes
    `model_dump(exclude_unset=True)`: only what the client sent is changed. A required
    field forces every client to resend it, and a client that resends an old value
    overwrites a concurrent change. `x: str | None` without `= None` is also required in
    Pydantic v2, although it looks optional.

    ## Example
    ```python
    class AdvertUpdate(BaseModel):
        title: str
        content: str | None
    ```

    ## Use instead
    ```python
    class AdvertUpdate(BaseModel):
        title: str | None = None
        content: str | None = None
    ```

    ## Fix safety
    No automatic fix: whether the endpoint and the crud handle a missing value must be
    checked by hand.

    ## Options
    - `allow-single-field` (bool, default true): accept an update schema whose only field
      is required.
    """

    code = "HYP061"
    name = "update-schema-field-required"
    message = "Field `{field}` of update schema `{cls}` has no default, so every update must resend it; write `{suggestion}`"
    applies_to = ("schemas_*.py",)
    options = (
        Option(
            "allow-single-field",
            "bool",
            True,
            "Accept an update schema with a single, required field (a command such as `CashEdit`).",
        ),
    )

    VALID = [
        Valid(
            """
            from pydantic import BaseModel, ConfigDict, Field, field_validator


            class ItemUpdate(BaseModel):
                model_config = ConfigDict(from_attributes=True)
                kind: ClassVar[str] = "item"
                _cache: dict

                name: str | None = None
                description: Optional[str] = None
                quantity: int = 0
                tags: list[str] = Field(default_factory=list)
                price: Annotated[int | None, Field(ge=0)] = None
                note: str | None = Field(None, max_length=100)
                color: str | None = Field(default=None)

                @field_validator("name")
                @classmethod
                def check_name(cls, value: str | None) -> str | None:
                    return value

                def is_empty(self) -> bool:
                    return self.name is None
            """
        ),
        Valid(
            """
            class ItemEdit(BaseModel):
                name: str | None = None
                size: Annotated[int | None, Field(default=None, ge=0)]
            """
        ),
        Valid(
            """
            class ItemBase(BaseModel):
                name: str
                quantity: int


            class ItemComplete(ItemBase):
                id: UUID


            class ItemUpdate(ItemBase):
                name: str | None = None
                quantity: int | None = None
            """
        ),
        Valid(
            """
            class StatusUpdate(str, Enum):
                open = "open"
                closed = "closed"


            class UpdateRequest(BaseModel):
                version: str
            """
        ),
        Valid(
            """
            class CashEdit(BaseModel):
                balance: int


            class AmountBase(BaseModel):
                amount: int


            class AmountUpdate(AmountBase):
                pass
            """
        ),
        Valid(
            """
            class ItemUpdate[T](BaseModel):
                value: T | None = None


            type ItemEditAlias = ItemUpdate[int]
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            class QuotaEdit(BaseModel):
                quota: int
            """,
            line=2,
            column=5,
            options={"allow-single-field": False},
        ),
        Invalid(
            """
            class ItemUpdate(BaseModel):
                name: str | None = None
                quantity: int
            """,
            line=3,
            column=5,
            message="Field `quantity` of update schema `ItemUpdate` has no default, so every update must resend it; write `quantity: int | None = None`",
        ),
        Invalid(
            """
            class ItemEdit(BaseModel):
                description: str | None
                size: int | None = None
            """,
            line=2,
            column=5,
            message="Field `description` of update schema `ItemEdit` has no default, so every update must resend it; write `description: str | None = None`",
        ),
        Invalid(
            """
            class ItemUpdate(BaseModel):
                name: str = Field(..., max_length=20)
                size: int | None = None
            """,
            line=2,
            column=5,
        ),
        Invalid(
            """
            class ItemUpdate(BaseModel):
                name: Annotated[str, Field(description="The new name")]
                size: int | None = None
            """,
            line=2,
            column=5,
        ),
        Invalid(
            """
            class ItemUpdate(BaseModel):
                name: str | None = ...
                size: int | None = None
            """,
            line=2,
            column=5,
        ),
        Invalid(
            """
            class ItemBase(BaseModel):
                name: str
                description: str | None = None


            class ItemUpdate(ItemBase):
                description: str | None = None
            """,
            line=6,
            column=1,
            message="Field `name` of update schema `ItemUpdate` has no default, so every update must resend it; write `name: str | None = None` in `ItemUpdate` (it is inherited from `ItemBase`)",
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.source_module = node
        classes = {cls.name.value: cls for cls in top_level_classes(node)}
        own_fields = {name: _own_fields(cls) for name, cls in classes.items()}
        for name, cls in classes.items():
            if not name.endswith(_UPDATE_SUFFIXES) or is_non_model_class(cls):
                continue
            own = own_fields[name]
            inherited = _inherited_fields(cls, classes, own_fields, set())
            if self.settings["allow-single-field"] and len(own.keys() | inherited.keys()) == 1:
                continue
            for field in own.values():
                if field.required:
                    self.report(
                        field.node.target,
                        end_node=field.node.annotation,
                        field=field.name,
                        cls=name,
                        suggestion=self._suggestion(field),
                    )
            missing = [
                (owner, field)
                for owner, field in inherited.values()
                if field.required and field.name not in own
            ]
            if missing:
                self.report(cls, self._inherited_message(name, missing))

    def _inherited_message(self, name: str, missing: list[tuple[str, _Field]]) -> str:
        owners = ", ".join(dict.fromkeys(f"`{owner}`" for owner, _ in missing))
        example = self._suggestion(missing[0][1])
        if len(missing) == 1:
            return (
                f"Field `{missing[0][1].name}` of update schema `{name}` has no default, so every "
                f"update must resend it; write `{example}` in `{name}` (it is inherited from {owners})"
            )
        names = ", ".join(f"`{field.name}`" for _, field in missing)
        return (
            f"Fields {names} of update schema `{name}` have no default, so every update must "
            f"resend them; redeclare them in `{name}` with a default, e.g. `{example}` "
            f"(they are inherited from {owners})"
        )

    def _suggestion(self, field: _Field) -> str:
        annotation, _ = unwrap_annotated(field.node.annotation.annotation)
        text = self.source_module.code_for_node(annotation)
        if not _allows_none(annotation):
            text = f"{text} | None"
        return f"{field.name}: {text} = None"


def _own_fields(cls: cst.ClassDef) -> dict[str, _Field]:
    fields: dict[str, _Field] = {}
    for statement in body_statements(cls):
        if not isinstance(statement, cst.AnnAssign) or not isinstance(statement.target, cst.Name):
            continue
        name = statement.target.value
        if name in _NOT_FIELDS or name.startswith("_"):
            continue
        annotation = statement.annotation.annotation
        if last_name(annotation.value if isinstance(annotation, cst.Subscript) else annotation) == "ClassVar":
            continue
        fields[name] = _Field(name, statement, not _has_default(statement))
    return fields


def _inherited_fields(
    cls: cst.ClassDef,
    classes: dict[str, cst.ClassDef],
    own_fields: dict[str, dict[str, _Field]],
    seen: set[str],
) -> dict[str, tuple[str, _Field]]:
    """Fields of the same-file base classes of ``cls``: name -> (declaring class, field)."""
    found: dict[str, tuple[str, _Field]] = {}
    for base in reversed(base_expressions(cls)):  # the first base wins, as in the MRO
        if not isinstance(base, cst.Name) or base.value not in classes or base.value in seen:
            continue
        seen.add(base.value)
        parent = classes[base.value]
        found.update(_inherited_fields(parent, classes, own_fields, seen))
        found.update({n: (base.value, f) for n, f in own_fields[base.value].items()})
    return found


def _has_default(statement: cst.AnnAssign) -> bool:
    value = statement.value
    if value is not None:
        if isinstance(value, cst.Ellipsis):
            return False
        if isinstance(value, cst.Call) and last_name(value.func) == "Field":
            return _field_call_has_default(value)
        return True
    _, metadata = unwrap_annotated(statement.annotation.annotation)
    return any(
        isinstance(item, cst.Call) and last_name(item.func) == "Field" and _field_call_has_default(item)
        for item in metadata
    )


def _field_call_has_default(call: cst.Call) -> bool:
    """``Field(None)``, ``Field(default=x)``, ``Field(default_factory=f)``; not ``Field(...)``."""
    positional = positional_args(call)
    if positional:
        return not isinstance(positional[0].value, cst.Ellipsis)
    default = keyword_arg(call, "default")
    if default is not None:
        return not isinstance(default.value, cst.Ellipsis)
    return keyword_arg(call, "default_factory") is not None


def _allows_none(annotation: cst.BaseExpression) -> bool:
    if isinstance(annotation, cst.Name) and annotation.value in {"None", "Any"}:
        return True
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return _allows_none(annotation.left) or _allows_none(annotation.right)
    if isinstance(annotation, cst.Subscript):
        head = last_name(annotation.value)
        if head == "Optional":
            return True
        if head == "Union":
            return any(
                isinstance(e.slice, cst.Index) and _allows_none(e.slice.value) for e in annotation.slice
            )
    return False
