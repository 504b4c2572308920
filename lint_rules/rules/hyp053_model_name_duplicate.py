from pathlib import PurePosixPath

from lint_rules.model import Location
from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import ClassFact, FileFacts, ProjectIndex


def module_prefix(facts: FileFacts) -> str:
    """The CamelCase name of the file's module, to prefix a model with: its folder
    (``sport_competition`` -> ``SportCompetition``), else the file's own suffix
    (``app/models/models_amap.py``, 2024's flat layout -> ``Amap``)."""
    name = facts.module_folder or PurePosixPath(facts.path).stem.partition("_")[2]
    return name.replace("_", " ").title().replace(" ", "")


def named_after(name: str, prefix: str) -> bool:
    """``name`` is the module's name or starts with it as a whole CamelCase word:
    ``Loan`` and ``LoanItem`` are named after ``Loan``, ``Loaner`` is not."""
    return bool(prefix) and name.startswith(prefix) and (len(name) == len(prefix) or not name[len(prefix)].islower())


def is_model(cls: ClassFact) -> bool:
    """A mapped class: it has a table, or subclasses ``Base`` (directly, by any path)."""
    return cls.tablename is not None or any(b.rsplit(".", 1)[-1] == "Base" for b in cls.bases)


class ModelNameDuplicate(Rule):
    """
    ## What it does
    Checks that each SQLAlchemy model class name is defined once in the whole project,
    across every `models_*.py` file of `app/modules` and `app/core`.

    ## Why is this bad?
    All of Hyperion's models share one declarative `Base`, whose registry looks classes up
    by name: once two modules define a `Ticket`, any `relationship("Ticket")` or
    `Mapped["Ticket"]` string is ambiguous and SQLAlchemy stops with "Multiple classes
    found for path". Two models with one name also make imports, logs and error
    messages misleading.

    ## Example
    ```python
    # app/modules/raffle/models_raffle.py
    class Ticket(Base):
        __tablename__ = "raffle_ticket"

    # app/modules/cdr/models_cdr.py
    class Ticket(Base):
        __tablename__ = "cdr_ticket"
    ```

    ## Use instead
    Prefix the class with its module, as the table name already is:
    ```python
    class RaffleTicket(Base):
        __tablename__ = "raffle_ticket"
    ```

    ## Fix safety
    There is no automatic fix: renaming a model changes every file that uses it.

    ## Options
    None.
    """

    code = "HYP053"
    name = "model-name-duplicate"
    message = "Model `{model}` is also defined in {other}; SQLAlchemy looks models up by class name, so give each a unique name (e.g. {suggestion})"
    applies_to = ("models_*.py",)
    needs_project = True

    VALID = [
        Valid(
            """
            class RaffleTicket(Base):
                __tablename__ = "raffle_ticket"
            """,
            path="app/modules/raffle/models_raffle.py",
            files={
                "app/modules/cdr/models_cdr.py": """
                    class CdrTicket(Base):
                        __tablename__ = "cdr_ticket"
                """,
            },
        ),
        # Schemas and enums may share a model's name: only mapped classes count.
        Valid(
            """
            from enum import StrEnum


            class Ticket(Base):
                __tablename__ = "raffle_ticket"


            class TicketStatus(StrEnum):
                open = "open"
            """,
            path="app/modules/raffle/models_raffle.py",
            files={
                "app/modules/raffle/schemas_raffle.py": """
                    class Ticket(BaseModel):
                        id: str
                """,
                "app/modules/cdr/types_cdr.py": """
                    class TicketStatus(StrEnum):
                        open = "open"
                """,
            },
        ),
        # 2024's flat layout (app/models/models_<module>.py), each model prefixed with its
        # file's module; a schema of the same name does not count.
        Valid(
            """
            class AmapCash(Base):
                __tablename__ = "amap_cash"
            """,
            path="app/models/models_amap.py",
            files={
                "app/models/models_bar.py": """
                    class BarCash(Base):
                        __tablename__ = "bar_cash"
                """,
                "app/schemas/schemas_amap.py": """
                    class AmapCash(BaseModel):
                        balance: int
                """,
            },
        ),
    ]
    INVALID = [
        Invalid(
            """
            from app.types.sqlalchemy import Base


            class Ticket(Base):
                __tablename__ = "raffle_ticket"
            """,
            line=4,
            column=1,
            path="app/modules/raffle/models_raffle.py",
            files={
                "app/modules/cdr/models_cdr.py": """
                    from app.types.sqlalchemy import Base


                    class Seller(Base):
                        __tablename__ = "cdr_seller"


                    class Ticket(Base):
                        __tablename__ = "cdr_ticket"
                """,
            },
            message="Model `Ticket` is also defined in app/modules/cdr/models_cdr.py:8; SQLAlchemy looks models up by class name, so give each a unique name (e.g. `RaffleTicket`)",
        ),
        # A model without a table of its own still takes the name in the registry.
        Invalid(
            """
            class Document(Base):
                __abstract__ = True
            """,
            line=1,
            column=1,
            path="app/modules/raid/models_raid.py",
            files={
                "app/modules/cdr/models_cdr.py": """
                    class Document(Base):
                        __tablename__ = "cdr_document"
                """,
            },
        ),
        # Already named after its module: prefixing it again (`InvoiceInvoice`) reads
        # badly; the other one is the one to rename.
        Invalid(
            """
            class Invoice(Base):
                __tablename__ = "invoice"
            """,
            line=1,
            column=1,
            path="app/core/invoice/models_invoice.py",
            files={
                "app/modules/shop/models_shop.py": """
                    class Invoice(Base):
                        __tablename__ = "shop_invoice"
                """,
            },
            message="Model `Invoice` is also defined in app/modules/shop/models_shop.py:1; SQLAlchemy looks models up by class name, so give each a unique name (e.g. keep this one, named after its module, and rename the other `ShopInvoice`)",
        ),
        # 2024's flat layout (app/models/models_<module>.py): the module is the file's suffix.
        Invalid(
            """
            class Voucher(Base):
                __tablename__ = "shop_voucher"
            """,
            line=1,
            column=1,
            path="app/models/models_shop.py",
            files={
                "app/models/models_bar.py": """
                    class Voucher(Base):
                        __tablename__ = "bar_voucher"
                """,
            },
            message="Model `Voucher` is also defined in app/models/models_bar.py:1; SQLAlchemy looks models up by class name, so give each a unique name (e.g. `ShopVoucher`)",
        ),
        # The same in 2024's flat layout: `Cash` in app/models/models_amap.py is `AmapCash`
        # (the file's suffix), not `ModuleCash`.
        Invalid(
            """
            class Cash(Base):
                __tablename__ = "amap_cash"
            """,
            line=1,
            column=1,
            path="app/models/models_amap.py",
            files={
                "app/models/models_bar.py": """
                    class Cash(Base):
                        __tablename__ = "bar_cash"
                """,
            },
            message="Model `Cash` is also defined in app/models/models_bar.py:1; SQLAlchemy looks models up by class name, so give each a unique name (e.g. `AmapCash`)",
        ),
        # Named after its module, clashing with two others: both others are renamed.
        Invalid(
            """
            class Ticket(Base):
                __tablename__ = "ticket"
            """,
            line=1,
            column=1,
            path="app/core/ticket/models_ticket.py",
            files={
                "app/modules/raffle/models_raffle.py": """
                    class Ticket(Base):
                        __tablename__ = "raffle_ticket"
                """,
                "app/modules/cdr/models_cdr.py": """
                    class Ticket(Base):
                        __tablename__ = "cdr_ticket"
                """,
            },
            message="Model `Ticket` is also defined in app/modules/cdr/models_cdr.py:1, app/modules/raffle/models_raffle.py:1; SQLAlchemy looks models up by class name, so give each a unique name (e.g. keep this one, named after its module, and rename the others `CdrTicket`, `RaffleTicket`)",
        ),
        # `Loaner` only starts with the letters of `loan`: it is not named after its module,
        # so it takes the prefix like any other (as HYP052 does not count `loaner` as `loan_`).
        Invalid(
            """
            class Loaner(Base):
                __tablename__ = "loan_loaner"
            """,
            line=1,
            column=1,
            path="app/modules/loan/models_loan.py",
            files={
                "app/modules/bookclub/models_bookclub.py": """
                    class Loaner(Base):
                        __tablename__ = "bookclub_loaner"
                """,
            },
            message="Model `Loaner` is also defined in app/modules/bookclub/models_bookclub.py:1; SQLAlchemy looks models up by class name, so give each a unique name (e.g. `LoanLoaner`)",
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        for cls in facts.classes:
            if not is_model(cls):
                continue
            others = [
                (other, other_cls)
                for other, other_cls in project.classes_named(cls.name)
                if other.path != facts.path and other.kind == "models" and is_model(other_cls)
            ]
            if not others:
                continue
            places = [
                Location(o.path, c.location.start, c.location.end, f"`{c.name}` is also defined here")
                for o, c in others
            ]
            prefix = module_prefix(facts) or "Module"
            suggestion = f"`{prefix}{cls.name}`"
            if named_after(cls.name, prefix):
                # Already named after its module (`Checkout` in `checkout`): the others change.
                renamed = [
                    f"`{module_prefix(o)}{cls.name}`"
                    for o, _ in others
                    if module_prefix(o) and not named_after(cls.name, module_prefix(o))
                ]
                if renamed:
                    other = "the other" if len(renamed) == 1 else "the others"
                    suggestion = f"keep this one, named after its module, and rename {other} {', '.join(renamed)}"
            self.report_at(
                cls.location,
                model=cls.name,
                other=", ".join(f"{p.path}:{p.start.line}" for p in places),
                suggestion=suggestion,
                related=places,
            )
