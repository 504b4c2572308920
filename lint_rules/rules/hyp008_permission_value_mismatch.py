import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.matchers.models import body_statements
from lint_rules.knowledge.matchers.permissions import Verdict, class_verdicts
from lint_rules.knowledge.matchers.syntax import string_value
from lint_rules.knowledge.permission_index import Owner, PermissionIndex, enum_members, is_enum_member_name


def _renamed_value(value: cst.BaseExpression, name: str) -> cst.SimpleString | None:
    """``"name"`` in the quotes (and prefix) of the old literal; None for implicit concatenation."""
    if not isinstance(value, cst.SimpleString):
        return None
    return value.with_changes(value=f"{value.prefix}{value.quote}{name}{value.quote}")


class PermissionValueMismatch(Rule):
    """
    ## What it does
    Checks that every permission of a `ModulePermissions` class has its own name as value:
    `manage_demo = "manage_demo"`. The class's base may be imported from another file of the
    project. Dunder and `_sunder_` attributes are not permissions and are not checked.

    ## Why is this bad?
    The app registers a module's permissions by member name, but the database stores the
    member's value: a group is granted `"manag_demo"` while the app knows `manage_demo`.
    The permission page lists a name that matches no stored grant, and at every start-up the
    app deletes the stored group grants whose value is not a registered name: the
    permission's grants are erased on each restart.

    ## Example
    ```python
    class DemoPermissions(ModulePermissions):
        manage_demo = "manag_demo"
    ```

    ## Use instead
    ```python
    class DemoPermissions(ModulePermissions):
        manage_demo = "manage_demo"
    ```

    ## Fix safety
    The fix sets the value to the member's name. It is unsafe: it changes what is stored in
    the database, so grants already stored under the old value no longer apply (they are
    already erased at each start-up, but a migration may be needed for a deployed app). No fix
    is offered for a class whose base is imported from another file, nor for a value written
    as several concatenated literals.

    ## Options
    None.
    """

    code = "HYP008"
    name = "permission-value-mismatch"
    message = "Permission `{name}` has the value \"{value}\"; the app registers permissions by name but stores their value, and erases stored grants whose value is no registered name at each start: write `{name} = \"{name}\"`"
    fix_title = "Set the value to `\"{name}\"`"
    fix_safety = Applicability.UNSAFE
    applies_to = ("app/modules/*/*.py", "app/core/*/*.py")
    needs_project = True
    # Names of the classes judged by the traversal (their base is in the file).
    judged: frozenset[str] = frozenset()

    VALID = [
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                manage_demo: str = 'manage_demo'
                _ignore_ = "helper"

                def label(self) -> str:
                    return "Demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """,
            path="app/modules/demo/endpoints_demo.py",
        ),
        # Other enums of the module may map names to any value.
        Valid(
            """
            from enum import StrEnum


            class DemoStatus(StrEnum):
                open = "Open"
                closed = "Closed"
            """,
            path="app/modules/demo/types_demo.py",
        ),
        # The documentation's example shadows the base name.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class ModulePermissions(ModulePermissions):
                access_mymodule = "access_mymodule"
            """,
            path="app/modules/mymodule/endpoints_mymodule.py",
        ),
        # A base from another project file that is not a ModulePermissions: not a permissions class.
        Valid(
            """
            from app.modules.demo.types_demo import DemoKind


            class DemoColors(DemoKind):
                red = "#ff0000"
            """,
            path="app/modules/demo/utils_demo.py",
            files={
                "app/modules/demo/types_demo.py": """
                    from enum import StrEnum


                    class DemoKind(StrEnum):
                        pass
                """,
            },
        ),
        # A value Python would refuse (a bad escape; LibCST parses it) is not judged.
        Valid(
            """
            class DemoPermissions(ModulePermissions):
                access_demo = "access_\\x"
            """,
            path="app/modules/demo/permissions_demo.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                manage_demo = "manag_demo"  # typo


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """,
            line=6,
            column=5,
            path="app/modules/demo/endpoints_demo.py",
            message="Permission `manage_demo` has the value \"manag_demo\"; the app registers permissions by name but stores their value, and erases stored grants whose value is no registered name at each start: write `manage_demo = \"manage_demo\"`",
            fixed="""
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                manage_demo = "manage_demo"  # typo


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """,
        ),
        # A permissions file; an annotated member in single quotes.
        Invalid(
            """
            from app.core.permissions import type_permissions


            class DemoPermissions(type_permissions.ModulePermissions):
                access_demo: str = 'demo'
            """,
            line=5,
            column=5,
            path="app/modules/demo/permissions_demo.py",
            fixed="""
            from app.core.permissions import type_permissions


            class DemoPermissions(type_permissions.ModulePermissions):
                access_demo: str = 'access_demo'
            """,
        ),
        # The base is a permissions class imported from another file: found through the project.
        Invalid(
            """
            from app.modules.demo.types_demo import BaseDemoPermissions


            class DemoPermissions(BaseDemoPermissions):
                access_demo = "demo_access"
            """,
            line=5,
            column=5,
            path="app/modules/demo/permissions_demo.py",
            files={
                "app/modules/demo/types_demo.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class BaseDemoPermissions(ModulePermissions):
                        pass
                """,
            },
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        # Classes judged here (their base is in this file); the others wait for the project.
        verdicts = class_verdicts(node)
        self.judged = frozenset(name for name, found in verdicts.items() if found.verdict is Verdict.YES)
        for name, found in verdicts.items():
            if name not in self.judged:
                continue
            for statement in body_statements(found.classdef):
                if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                    target = statement.targets[0].target
                elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
                    target = statement.target
                else:
                    continue
                if not isinstance(target, cst.Name) or not is_enum_member_name(target.value):
                    continue
                assert statement.value is not None
                value = string_value(statement.value)
                if value is None or value == target.value:
                    continue
                new_value = _renamed_value(statement.value, target.value)
                self.report(
                    statement,
                    replacement=statement.with_changes(value=new_value) if new_value is not None else None,
                    name=target.value,
                    value=value,
                )

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        index = None
        for cls in facts.classes:
            if cls.name in self.judged:
                continue
            members = [m for m in enum_members(cls) if m.value is not None and m.value != m.name]
            if not members:
                continue
            index = index or PermissionIndex.of(project)
            if not index.is_permissions_class(Owner(facts, cls)):
                continue
            for member in members:
                self.report_at(member.location, name=member.name, value=member.value)
