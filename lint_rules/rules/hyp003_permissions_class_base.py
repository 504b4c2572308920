import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, noted
from lint_rules.knowledge.matchers.modules import endpoints_shape
from lint_rules.knowledge.matchers.permissions import Verdict, class_verdicts
from lint_rules.knowledge.permission_index import Owner, PermissionIndex
from lint_rules.knowledge.project_model import model_of


# A 2024 tree: `Module` takes neither `factory=` nor `permissions=`, and there is no `Factory`.
NO_FACTORY_TREE = {
    "app/types/module.py": """
        class Module:
            def __init__(self, root: str, tag: str, router: APIRouter | None = None, default_allowed_groups_ids=None):
                self.root = root
    """,
}


class PermissionsClassBase(Rule):
    """
    ## What it does
    Checks that the class passed to the module as `permissions=`, and every class named
    `*Permissions` in an endpoints or permissions file, subclasses `ModulePermissions`
    (`app.core.permissions.type_permissions`).

    The base is resolved through the file's imports and classes, the way Python resolves it
    when the `class` statement runs, not by its name: `class ModulePermissions(ModulePermissions)`
    after importing the base is correct (the documentation's own example), while a class whose
    bases are only `StrEnum`, `Enum`, `str`, `object`, other library classes, or a local class
    that is itself not a `ModulePermissions`, is reported. A base imported from another file
    of the project is followed there, through as many files as its chain takes: the class is
    reported when the chain ends without `ModulePermissions`. A base from outside the project
    (or one that cannot be found) is not judged, nor is a `permissions=` class imported from
    another file (it is judged in its own file).

    Where the checked tree has no `ModulePermissions` class (Hyperion before 2025),
    there is nothing to subclass and the rule reports nothing.

    ## Why is this bad?
    `ModulePermissions` is the type `Module(permissions=...)` is declared to take: at start-up
    the app lists the members of every module's permissions class and registers them as
    permission names. A plain `StrEnum` happens to work today, but type checkers reject it
    and any behaviour added to the base later silently skips it; a class with no enum base
    has no members to list and stops the app at start-up.

    ## Example
    ```python
    from enum import StrEnum


    class DemoPermissions(StrEnum):
        access_demo = "access_demo"
    ```

    ## Use instead
    ```python
    from app.core.permissions.type_permissions import ModulePermissions


    class DemoPermissions(ModulePermissions):
        access_demo = "access_demo"
    ```

    ## Fix safety
    No automatic fix: the right base may need an import, and a class with a custom base may
    be meant as something else than a permissions class.

    ## Options
    None.
    """

    code = "HYP003"
    name = "permissions-class-base"
    message = "Permissions class `{name}` {problem}, so it is not a `ModulePermissions`; write `class {name}(ModulePermissions):` with `from {module} import ModulePermissions`"
    fix_title = "Subclass `ModulePermissions`"
    applies_to = ("endpoints_*.py", "permissions_*.py")
    needs_project = True
    # Permissions classes whose base this file alone cannot judge (imported from elsewhere).
    pending: frozenset[str] = frozenset()

    VALID = [
        Valid(
            """
            from pydantic import BaseModel


            class DemoPermissions(BaseModel):
                access_demo: str = "access_demo"
            """,
            path="app/modules/demo/permissions_demo.py",
            files=NO_FACTORY_TREE,
        ),
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                manage_demo = "manage_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """
        ),
        # The documentation's example: the class shadows the imported base's name.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class ModulePermissions(ModulePermissions):
                access_mymodule = "access_mymodule"


            module = Module(root="mymodule", tag="MyModule", factory=None, permissions=ModulePermissions)
            """
        ),
        # The permissions class lives in another file of the module and is imported.
        Valid(
            """
            from app.modules.demo.permissions_demo import DemoPermissions

            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """
        ),
        # A base imported from a file that is not in the project is not judged.
        Valid(
            """
            from app.modules.demo.types_demo import SharedPermissions


            class DemoPermissions(SharedPermissions):
                access_demo = "access_demo"
            """
        ),
        # A base imported from another project file, itself a ModulePermissions through two files.
        Valid(
            """
            from app.modules.demo.types_demo import SharedPermissions


            class DemoPermissions(SharedPermissions):
                access_demo = "access_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """,
            files={
                "app/modules/demo/types_demo.py": """
                    from app.modules.demo import utils_demo


                    class SharedPermissions(utils_demo.RootPermissions):
                        pass
                """,
                "app/modules/demo/utils_demo.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class RootPermissions(ModulePermissions):
                        pass
                """,
            },
        ),
        # Module-qualified base, and a local intermediate base class.
        Valid(
            """
            from app.core.permissions import type_permissions


            class BaseDemo(type_permissions.ModulePermissions):
                pass


            class DemoPermissions(BaseDemo):
                access_demo = "access_demo"
            """
        ),
        # A permissions file of a module.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
            """,
            path="app/modules/demo/permissions_demo.py",
        ),
        # A decorated class; a PEP 695 alias next to it.
        Valid(
            """
            from enum import unique

            from app.core.permissions.type_permissions import ModulePermissions

            type Names = list[str]


            @unique
            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
            """
        ),
        # Other classes of an endpoints file are not permissions classes.
        Valid(
            """
            from enum import StrEnum


            class DemoStatus(StrEnum):
                open = "open"
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            from enum import StrEnum


            class DemoPermissions(StrEnum):
                access_demo = "access_demo"
            """,
            line=4,
            column=1,
            message="Permissions class `DemoPermissions` subclasses `StrEnum`, so it is not a `ModulePermissions`; write `class DemoPermissions(ModulePermissions):` with `from app.core.permissions.type_permissions import ModulePermissions`",
        ),
        Invalid(
            """
            class DemoPermissions:
                access_demo = "access_demo"
            """,
            line=1,
            column=1,
            message="Permissions class `DemoPermissions` has no base class, so it is not a `ModulePermissions`; write `class DemoPermissions(ModulePermissions):` with `from app.core.permissions.type_permissions import ModulePermissions`",
        ),
        Invalid(
            """
            import enum


            class DemoPermissions(str, enum.Enum):
                access_demo = "access_demo"
            """,
            line=4,
            column=1,
        ),
        # Passed as permissions= under another name.
        Invalid(
            """
            from enum import StrEnum


            @unique
            class DemoRights(StrEnum):
                access_demo = "access_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoRights)
            """,
            line=5,
            column=1,
        ),
        # A local base that is itself not a ModulePermissions.
        Invalid(
            """
            from enum import StrEnum


            class Rights(StrEnum):
                pass


            class DemoPermissions(Rights):
                access_demo = "access_demo"
            """,
            line=8,
            column=1,
        ),
        # The imported base is a plain StrEnum in another project file.
        Invalid(
            """
            from app.modules.demo.types_demo import SharedPermissions


            class DemoPermissions(SharedPermissions):
                access_demo = "access_demo"
            """,
            line=4,
            column=1,
            files={
                "app/modules/demo/types_demo.py": """
                    from enum import StrEnum


                    class SharedPermissions(StrEnum):
                        pass
                """,
            },
            message="Permissions class `DemoPermissions` subclasses `SharedPermissions` (app/modules/demo/types_demo.py:4), so it is not a `ModulePermissions`; write `class DemoPermissions(ModulePermissions):` with `from app.core.permissions.type_permissions import ModulePermissions`",
        ),
        # Passed as permissions= under another name; the base, re-exported by a package, is a local
        # class there that is no ModulePermissions.
        Invalid(
            """
            from app.modules.demo import DemoBase


            class DemoRights(DemoBase):
                access_demo = "access_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoRights)
            """,
            line=4,
            column=1,
            files={
                "app/modules/demo/__init__.py": """
                    from .types_demo import DemoBase
                """,
                "app/modules/demo/types_demo.py": """
                    import enum


                    class DemoBase(str, enum.Enum):
                        pass
                """,
            },
        ),
        Invalid(
            """
            from pydantic import BaseModel


            class DemoPermissions(BaseModel):
                access_demo: str = "access_demo"
            """,
            path="app/modules/demo/permissions_demo.py",
            line=4,
            column=1,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        verdicts = class_verdicts(node)
        passed = {
            name
            for declaration in endpoints_shape(node).declarations
            if (name := declaration.permissions_name()) is not None
        }
        pending = set()
        for name, found in verdicts.items():
            if not (name.endswith("Permissions") or name in passed):
                continue
            if found.verdict is Verdict.UNKNOWN:
                pending.add(name)
            if found.verdict is not Verdict.NO:
                continue
            if found.bases:
                bases = ", ".join(f"`{base}`" for base in found.bases)
                problem = f"subclasses {bases}"
            else:
                problem = "has no base class"
            self.propose(found.classdef, "", data=(name, problem))
        self.pending = frozenset(pending)

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        """The classes whose base is imported: follow the base through the project."""
        model = model_of(project)
        if not model.has_module_permissions.value:
            return  # a tree without `ModulePermissions`: nothing to subclass
        module = model.defined_in("ModulePermissions", "app.core.permissions.type_permissions")
        for proposal in self.proposals:
            name, problem = proposal.data
            self.confirm(proposal, name=name, problem=problem, module=module)
        if not self.pending:
            return
        index = PermissionIndex.of(project)
        for name in sorted(self.pending):
            cls = facts.local_class(name)
            if cls is None:
                continue
            owner = Owner(facts, cls)
            if index.verdict(owner) is not Verdict.NO:
                continue
            written, related = [], []
            for base_name, base in index.bases(owner):
                if isinstance(base, Owner):
                    written.append(f"`{base_name}` ({base.place})")
                    note = f"`{base.cls.name}` is defined here, and is no `ModulePermissions`"
                    related.append(noted(base.cls.location, note))
                else:
                    written.append(f"`{base_name}`")
            self.report_at(
                cls.location, name=name, problem=f"subclasses {', '.join(written)}", module=module, related=related
            )
