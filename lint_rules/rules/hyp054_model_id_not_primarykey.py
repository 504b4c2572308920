import libcst as cst

from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.project_model import model_of
from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.imports import import_map
from lint_rules.knowledge.matchers.models import body_statements, model_classes
from lint_rules.knowledge.matchers.syntax import last_name


class ModelIdNotPrimarykey(Rule):
    """
    ## What it does
    Checks that a model's `id` column, when it has one, is declared
    `id: Mapped[PrimaryKey]`, with `PrimaryKey` from `app.types.sqlalchemy` (a UUID primary
    key). Models with no `id` at all, such as association tables keyed by two foreign keys,
    are not reported.

    Where `PrimaryKey` is defined is read from the checked tree (`hyperion-lint project`);
    a tree that defines the models' `Base` but no `PrimaryKey` (Hyperion before mid-2024)
    is not checked: its ids are declared the only way it can.

    ## Why is this bad?
    `PrimaryKey` is Hyperion's single definition of an identifier: a UUID column that is
    the primary key. Older models declare `id: Mapped[str] = mapped_column(primary_key=True)`,
    a string the code has to fill with `str(uuid.uuid4())` by hand and that the database
    cannot check; new models use `PrimaryKey` so that ids are real UUIDs everywhere, in the
    models, the schemas (`id: UUID`) and the paths (`{item_id}: UUID`).

    ## Example
    ```python
    class Advert(Base):
        __tablename__ = "advert_advert"

        id: Mapped[str] = mapped_column(primary_key=True, index=True)
    ```

    ## Use instead
    ```python
    from app.types.sqlalchemy import Base, PrimaryKey


    class Advert(Base):
        __tablename__ = "advert_advert"

        id: Mapped[PrimaryKey]
    ```

    ## Fix safety
    No automatic fix: changing the column type of an existing table needs a migration, and
    the schemas and cruds that handle the id as a string must change with it.

    ## Options
    None.
    """

    code = "HYP054"
    name = "model-id-not-primarykey"
    message = "The `id` of model `{cls}` is not a `PrimaryKey`; declare it `id: Mapped[PrimaryKey]` (UUID primary key, from `{module}`)"
    applies_to = ("models_*.py",)
    needs_project = True

    VALID = [
        # A tree whose models predate `PrimaryKey`.
        Valid(
            """
            class Item(Base):
                __tablename__ = "demo_item"

                id: Mapped[str] = mapped_column(String, primary_key=True, index=True)
            """,
            files={"app/database.py": "class Base(DeclarativeBase):\n    pass\n"},
        ),
        Valid(
            """
            from sqlalchemy.orm import Mapped

            from app.types.sqlalchemy import Base, PrimaryKey


            class Item(Base):
                __tablename__ = "demo_item"

                id: Mapped[PrimaryKey]
                name: Mapped[str]
            """
        ),
        Valid(
            """
            class ItemTag(Base):
                __tablename__ = "demo_item_tag"

                item_id: Mapped[UUID] = mapped_column(ForeignKey("demo_item.id"), primary_key=True)
                tag_id: Mapped[UUID] = mapped_column(ForeignKey("demo_tag.id"), primary_key=True)
            """
        ),
        Valid(
            """
            from app.types import sqlalchemy


            class Item(Base):
                __tablename__ = "demo_item"

                id: Mapped[sqlalchemy.PrimaryKey]


            class Tag(Base):
                __tablename__ = "demo_tag"

                id: "Mapped[PrimaryKey]"
            """
        ),
        Valid(
            """
            class Status(str, Enum):
                id = "id"
                name = "name"


            class Row(TypedDict):
                id: str
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            class Item(Base):
                __tablename__ = "demo_item"

                id: Mapped[str] = mapped_column(primary_key=True, index=True)
            """,
            line=4,
            column=5,
            message="The `id` of model `Item` is not a `PrimaryKey`; declare it `id: Mapped[PrimaryKey]` (UUID primary key, from `app.types.sqlalchemy`)",
        ),
        Invalid(
            """
            class Item(Base):
                __tablename__ = "demo_item"

                id: Mapped[uuid.UUID] = mapped_column(
                    primary_key=True,
                )
            """,
            line=4,
            column=5,
        ),
        Invalid(
            """
            class Item(Base):
                __tablename__ = "demo_item"

                id = Column(String, primary_key=True)
            """,
            line=4,
            column=5,
        ),
        Invalid(
            """
            class Entity(Base):
                __abstract__ = True

                id: Mapped[int] = mapped_column(primary_key=True)


            class Item(Entity):
                __tablename__ = "demo_item"
            """,
            line=4,
            column=5,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        for cls in model_classes(node, import_map(node)).values():
            for statement in body_statements(cls):
                declaration = _id_declaration(statement)
                if isinstance(declaration, cst.AnnAssign):
                    # ``id: Mapped[str]``, without the value that may span many lines.
                    self.propose(declaration.target, "", end_node=declaration.annotation, data=cls.name.value)
                elif declaration is not None:
                    self.propose(declaration, "", data=cls.name.value)

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        module = model_of(project).primary_key.value
        if module is None:
            return  # the tree has no `PrimaryKey`: its ids are declared the way it can
        for proposal in self.proposals:
            self.confirm(proposal, cls=proposal.data, module=module)


def _id_declaration(statement: cst.CSTNode) -> cst.CSTNode | None:
    """The ``id`` declaration of a class-body statement when it is not ``Mapped[PrimaryKey]``."""
    if isinstance(statement, cst.AnnAssign):
        if isinstance(statement.target, cst.Name) and statement.target.value == "id":
            return None if _is_primary_key(statement.annotation.annotation) else statement
    elif isinstance(statement, cst.Assign):
        for target in statement.targets:
            if isinstance(target.target, cst.Name) and target.target.value == "id":
                return statement
    return None


def _is_primary_key(annotation: cst.BaseExpression) -> bool:
    """``Mapped[PrimaryKey]`` (any ``x.PrimaryKey``), also as a string annotation."""
    if isinstance(annotation, cst.SimpleString):
        text = annotation.raw_value.replace(" ", "")
        return text.startswith("Mapped[") and text.rstrip("]").endswith("PrimaryKey")
    if not isinstance(annotation, cst.Subscript) or last_name(annotation.value) != "Mapped":
        return False
    if len(annotation.slice) != 1 or not isinstance(annotation.slice[0].slice, cst.Index):
        return False
    inner = annotation.slice[0].slice.value
    if isinstance(inner, cst.SimpleString):
        return inner.raw_value.strip().endswith("PrimaryKey")
    return last_name(inner) == "PrimaryKey"
