from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, noted, place
from lint_rules.knowledge.module_index import ModuleIndex


class TablenameDuplicate(Rule):
    """
    ## What it does
    Checks that each `__tablename__` is declared by one model in the whole project. Every
    model involved is reported, each naming the other places.

    ## Why is this bad?
    All of Hyperion's models share one `Base.metadata`. When a second model declares a
    table name already taken, SQLAlchemy stops the application at import time ("Table
    'x' is already defined for this MetaData instance"), and if one of the two modules is
    disabled in a deployment, the clash only shows up where both are enabled. Alembic
    cannot generate a migration for two tables with one name either.

    ## Example
    ```python
    # app/modules/raffle/models_raffle.py
    class Ticket(Base):
        __tablename__ = "ticket"

    # app/modules/cdr/models_cdr.py
    class Ticket(Base):
        __tablename__ = "ticket"
    ```

    ## Use instead
    Prefix each table with its module (see HYP052):
    ```python
    class Ticket(Base):
        __tablename__ = "raffle_ticket"
    ```

    ## Fix safety
    There is no automatic fix: renaming a table needs an Alembic migration.

    ## Options
    None.
    """

    code = "HYP055"
    name = "tablename-duplicate"
    message = "Table `{table}` is also declared by {other}; SQLAlchemy refuses two tables with one name in the shared metadata, so rename one of them (`<module>_<thing>`, see HYP052)"
    applies_to = ("models_*.py",)
    needs_project = True

    VALID = [
        Valid(
            """
            class Ticket(Base):
                __tablename__ = "raffle_ticket"


            class Prize(Base):
                __tablename__ = TABLE_NAME
            """,
            path="app/modules/raffle/models_raffle.py",
            files={
                "app/modules/cdr/models_cdr.py": """
                    class Ticket(Base):
                        __tablename__ = "cdr_ticket"


                    class Prize(Base):
                        __tablename__ = TABLE_NAME
                """,
            },
        ),
        # A model class name used twice is HYP053's business, not this rule's.
        Valid(
            """
            class Ticket(Base):
                __tablename__ = "raffle_ticket"
            """,
            path="app/modules/raffle/models_raffle.py",
            files={
                "app/modules/cdr/models_cdr.py": """
                    class Ticket(Base):
                        __tablename__ = "cdr_ticket"
                """,
            },
        ),
        # A string Python would refuse (a bad escape; LibCST parses it) is not compared.
        Valid(
            """
            class Ticket(Base):
                __tablename__ = "raffle_\\x"
            """,
            path="app/modules/raffle/models_raffle.py",
            files={"app/modules/cdr/models_cdr.py": 'class Ticket(Base):\n    __tablename__ = "raffle_\\x"\n'},
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
            files={
                "app/modules/cdr/models_cdr.py": """
                    from app.types.sqlalchemy import Base


                    class CdrTicket(Base):
                        __tablename__ = "ticket"
                """,
            },
            message="Table `ticket` is also declared by `CdrTicket` at app/modules/cdr/models_cdr.py:5; SQLAlchemy refuses two tables with one name in the shared metadata, so rename one of them (`<module>_<thing>`, see HYP052)",
        ),
        # A core module and a module; a table named without a class name in between.
        Invalid(
            """
            class Seller(Base):
                __tablename__ = (
                    "cdr_seller"
                )
            """,
            line=3,
            column=9,
            path="app/modules/cdr/models_cdr.py",
            files={
                "app/core/payment/models_payment.py": """
                    class CdrSeller(Base):
                        __tablename__ = "cdr_seller"
                """,
            },
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        index = ModuleIndex.of(project)
        for cls in facts.classes:
            if cls.tablename is None or cls.tablename_location is None:
                continue
            others = [
                (c.name, c.tablename_location)
                for _, c in index.tables.get(cls.tablename, [])
                if c.tablename_location is not None and c.tablename_location != cls.tablename_location
            ]
            if not others:
                continue
            places = [noted(where, f"`{name}` also declares table `{cls.tablename}`") for name, where in others]
            self.report_at(
                cls.tablename_location,
                table=cls.tablename,
                other=", ".join(f"`{name}` at {place(where)}" for name, where in others),
                related=places,
            )
