import re

import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.models import (
    assigned_value,
    base_expressions,
    class_attribute,
    is_model_base,
    model_classes,
)
from lint_rules.knowledge.matchers.syntax import last_name


class ModelMissingTablename(Rule):
    """
    ## What it does
    Checks that every model class of a models file (a class that subclasses `Base` or
    another model) declares `__tablename__`.

    Not reported, because SQLAlchemy gives them no table of their own on purpose:
    - abstract bases, with `__abstract__ = True`;
    - single-table inheritance subclasses: a subclass of another model (not of `Base`)
      with no `__tablename__` and a `__mapper_args__` (its `polymorphic_identity`);
    - classes that give their table another way: `__table__ = Table(...)`, or a
      `@declared_attr` method named `__tablename__`.

    ## Why is this bad?
    Without `__tablename__`, SQLAlchemy refuses to map a class that subclasses `Base`
    directly ("does not have a __table__ or __tablename__"), and the app fails at start-up.
    A subclass of another model without it and without `__mapper_args__` silently becomes
    a single-table-inheritance child with no polymorphic identity, which is rarely what
    was meant. Hyperion names every table explicitly, prefixed with its module's name.

    ## Example
    ```python
    class Advert(Base):
        id: Mapped[PrimaryKey]
        title: Mapped[str]
    ```

    ## Use instead
    ```python
    class Advert(Base):
        __tablename__ = "advert_advert"

        id: Mapped[PrimaryKey]
        title: Mapped[str]
    ```

    ## Fix safety
    No automatic fix: the table name is a choice, and existing migrations depend on it.

    ## Options
    None.
    """

    code = "HYP051"
    name = "model-missing-tablename"
    message = 'Model `{cls}` has no `__tablename__`; add `__tablename__ = "{table}"` as its first line (or `__abstract__ = True` for a base that has no table)'
    applies_to = ("models_*.py",)

    VALID = [
        Valid(
            """
            class Item(Base):
                __tablename__ = "demo_item"

                id: Mapped[PrimaryKey]
            """
        ),
        Valid(
            """
            class Entity(Base):
                __abstract__ = True

                id: Mapped[PrimaryKey]


            class Item(Entity):
                __tablename__ = "demo_item"
            """
        ),
        Valid(
            """
            class Item(Base):
                __tablename__ = "demo_item"

                id: Mapped[PrimaryKey]
                kind: Mapped[str]

                __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "item"}


            class Book(Item):
                __mapper_args__ = {"polymorphic_identity": "book"}
            """
        ),
        Valid(
            """
            from app.core.users import models_users


            class Admin(models_users.CoreUser):
                __mapper_args__ = {"polymorphic_identity": "admin"}
            """
        ),
        Valid(
            """
            class Tag(Base):
                __table__ = Table("demo_tag", Base.metadata, Column("name", String, primary_key=True))


            class Label(Base):
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return "demo_" + cls.__name__.lower()
            """
        ),
        Valid(
            """
            class Status(str, Enum):
                open = "open"
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            class Item(Base):
                id: Mapped[PrimaryKey]
                name: Mapped[str]
            """,
            line=1,
            column=1,
            message='Model `Item` has no `__tablename__`; add `__tablename__ = "demo_item"` as its first line (or `__abstract__ = True` for a base that has no table)',
        ),
        Invalid(
            """
            class Item(Base):
                __tablename__ = "demo_item"

                id: Mapped[PrimaryKey]


            class Book(Item):
                title: Mapped[str]
            """,
            line=7,
            column=1,
        ),
        Invalid(
            """
            class CoreUserToken(Base):
                id: Mapped[PrimaryKey]
            """,
            path="app/core/users/models_users.py",
            line=1,
            column=1,
            message='Model `CoreUserToken` has no `__tablename__`; add `__tablename__ = "core_user_token"` as its first line (or `__abstract__ = True` for a base that has no table)',
        ),
        Invalid(
            """
            class Item(TimestampMixin, Base):
                __mapper_args__ = {"eager_defaults": True}

                id: Mapped[PrimaryKey]
            """,
            line=1,
            column=1,
        ),
        Invalid(
            """
            class Item(Base):
                __abstract__ = False

                id: Mapped[PrimaryKey]
            """,
            line=1,
            column=1,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        imports = import_map(node)
        models = model_classes(node, imports)
        for cls in models.values():
            if _has_table(cls, models, imports):
                continue
            self.report(cls, cls=cls.name.value, table=self._table_name(cls.name.value))

    def _table_name(self, class_name: str) -> str:
        """A table name in the house style: ``demo_item_tag`` for ``ItemTag`` in module demo."""
        prefix = "core" if self.context.is_core else self.context.module_folder
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", class_name).lower()
        return snake if snake.startswith(f"{prefix}_") else f"{prefix}_{snake}"


def _has_table(cls: cst.ClassDef, models: dict[str, cst.ClassDef], imports: dict[str, str]) -> bool:
    if class_attribute(cls, "__tablename__") is not None:
        return True
    if class_attribute(cls, "__table__") is not None:
        return True
    abstract = assigned_value(class_attribute(cls, "__abstract__"))
    if isinstance(abstract, cst.Name) and abstract.value == "True":
        return True
    # Single-table inheritance: a child of another model that declares its mapper arguments.
    inherits_model = any(
        last_name(b) != "Base" and is_model_base(b, models, imports) for b in base_expressions(cls)
    )
    return inherits_model and class_attribute(cls, "__mapper_args__") is not None
