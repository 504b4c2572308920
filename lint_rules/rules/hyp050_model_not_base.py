import libcst as cst

from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.project_model import model_of
from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.models import is_non_model_class, model_classes, top_level_classes


class ModelNotBase(Rule):
    """
    ## What it does
    Checks that every class declared at the top level of a models file is a SQLAlchemy
    model: it subclasses `Base` (from `app.types.sqlalchemy`; the message names where the
    checked tree defines it, `app.database` in 2024), directly or through another
    model class of the same file or a model imported from a `models_` module
    (`models_users.CoreUser`).

    Not models, and not reported: enums (`Enum`, `StrEnum`, `IntEnum`, `Flag`...),
    `TypedDict`, `Protocol`, `NamedTuple`, SQLAlchemy column types (`TypeDecorator`) and
    mixins (a class named `*Mixin`, SQLAlchemy's way to share columns between models).

    ## Why is this bad?
    Hyperion's `Base` carries the project's metadata and its type map (timezone-aware
    datetimes, UUIDs): a class that does not subclass it is not a table, is not seen by the
    migrations, and its columns do not get the project's types. Any other class (a
    dataclass, a helper, an exception) belongs in the `types_` or `utils_` file of the
    module, where the other layers may import it.

    ## Example
    ```python
    # models_advert.py
    class Advert:
        __tablename__ = "advert_advert"
        id: Mapped[PrimaryKey]
    ```

    ## Use instead
    ```python
    # models_advert.py
    from app.types.sqlalchemy import Base, PrimaryKey


    class Advert(Base):
        __tablename__ = "advert_advert"
        id: Mapped[PrimaryKey]
    ```

    ## Fix safety
    No automatic fix: adding `Base` creates a table, which needs a migration.

    ## Options
    None.
    """

    code = "HYP050"
    name = "model-not-base"
    message = "Class `{cls}` in a models file is not a model: make it subclass `Base` (from `{module}`), or move it to the module's `types_` or `utils_` file"
    applies_to = ("models_*.py",)
    # Only for the message: where the tree defines `Base` (app.database in 2024).
    needs_project = True

    VALID = [
        Valid(
            """
            from sqlalchemy.orm import Mapped

            from app.types.sqlalchemy import Base, PrimaryKey


            class Item(Base):
                __tablename__ = "demo_item"

                id: Mapped[PrimaryKey]
            """
        ),
        Valid(
            """
            from enum import Enum, StrEnum
            from typing import Protocol, TypedDict


            class Color(str, Enum):
                red = "red"


            class Size(StrEnum):
                small = "small"


            class Row(TypedDict):
                name: str


            class Named(Protocol):
                name: str


            class TimestampMixin:
                created_on: Mapped[datetime]
            """
        ),
        Valid(
            """
            from app.core.users import models_users
            from app.core.groups.models_groups import CoreGroup
            from app.types import sqlalchemy


            class Admin(models_users.CoreUser):
                __mapper_args__ = {"polymorphic_identity": "admin"}


            class Board(CoreGroup):
                __mapper_args__ = {"polymorphic_identity": "board"}


            class Other(sqlalchemy.Base):
                __tablename__ = "demo_other"
            """
        ),
        Valid(
            """
            class Book(Item):
                __mapper_args__ = {"polymorphic_identity": "book"}


            class Item(Base):
                __tablename__ = "demo_item"
            """
        ),
        Valid(
            """
            type Tags = list[str]


            class Item[T](Base):
                __tablename__ = "demo_item"

                id: Mapped[PrimaryKey]
            """
        ),
    ]
    INVALID = [
        # A 2024 tree defines `Base` in app/database.py: the message says so.
        Invalid(
            """
            class ItemStatus:
                OPEN = "open"
            """,
            files={"app/database.py": "class Base(DeclarativeBase):\n    pass\n"},
            line=1,
            column=1,
            message="Class `ItemStatus` in a models file is not a model: make it subclass `Base` (from `app.database`), or move it to the module's `types_` or `utils_` file",
        ),
        Invalid(
            """
            from sqlalchemy.orm import Mapped


            class Item:
                __tablename__ = "demo_item"

                id: Mapped[PrimaryKey]
            """,
            line=4,
            column=1,
            message="Class `Item` in a models file is not a model: make it subclass `Base` (from `app.types.sqlalchemy`), or move it to the module's `types_` or `utils_` file",
        ),
        Invalid(
            """
            from dataclasses import dataclass


            class Item(Base):
                __tablename__ = "demo_item"


            @dataclass
            class ItemSummary:
                name: str
            """,
            line=9,
            column=1,
        ),
        Invalid(
            """
            from app.modules.demo.schemas_demo import ItemBase


            class Item(ItemBase):
                __tablename__ = "demo_item"
            """,
            line=4,
            column=1,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        models = model_classes(node, import_map(node))
        for cls in top_level_classes(node):
            if cls.name.value in models or is_non_model_class(cls):
                continue
            self.propose(cls, "", data=cls.name.value)

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        module = model_of(project).defined_in("Base", "app.types.sqlalchemy")
        for proposal in self.proposals:
            self.confirm(proposal, cls=proposal.data, module=module)
