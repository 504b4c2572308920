from pathlib import PurePosixPath

from lint_rules.model import Location
from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, noted, place
from lint_rules.knowledge.permission_index import Owner, PermissionIndex, enum_members
from lint_rules.knowledge.project_model import model_of

MODULE_AREAS = ("modules", "core")


def module_of(path: str) -> tuple[str, str] | None:
    """``("modules", "cdr")`` for any file under ``app/modules/cdr/`` (sub-folders included)."""
    parts = PurePosixPath(path).parts
    if len(parts) >= 4 and parts[0] == "app" and parts[1] in MODULE_AREAS:
        return parts[1], parts[2]
    return None


# A 2024 tree: `Module` takes neither `factory=` nor `permissions=`, and there is no `Factory`.
NO_FACTORY_TREE = {
    "app/types/module.py": """
        class Module:
            def __init__(self, root: str, tag: str, router: APIRouter | None = None, default_allowed_groups_ids=None):
                self.root = root
    """,
}


class PermissionsNotRegistered(Rule):
    """
    ## What it does
    Checks that every `ModulePermissions` subclass defined in a module (any file of
    `app/modules/<name>/` or `app/core/<name>/`) is passed to a module declaration as
    `permissions=`. The class may be declared in another file of the module and imported by
    the endpoints file; its base may be imported too (the whole project is read).

    A class with no permission in it (an intermediate base) is not checked.

    Where the checked tree's `Module` takes no `permissions=` (Hyperion before 2025),
    there is nothing to register and the rule reports nothing.

    ## Why is this bad?
    At start-up the app registers the members of the class each module passes as
    `Module(permissions=...)` and nothing else: the permissions list of the admin page, the
    endpoint that grants a permission to a group and the start-up clean-up all use that list.
    A permission of a class that no module passes cannot be granted to anyone, so
    `is_user_allowed_to([...])` on it lets only admins through. A second class beside the
    registered one usually repeats a permission under the same name and silently drifts
    from it.

    ## Example
    ```python
    # app/modules/demo/endpoints_demo.py
    class DemoPermissions(ModulePermissions):
        access_demo = "access_demo"


    module = Module(root="demo", tag="Demo", factory=None)
    ```

    ## Use instead
    ```python
    module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
    ```
    A module takes one permissions class: declare every permission of the module in it and
    import that class wherever a permission is checked.

    ## Fix safety
    No automatic fix: the class may belong in another module's declaration, or be merged
    into the class the module already registers.

    ## Options
    None.
    """

    code = "HYP004"
    name = "permissions-not-registered"
    message = "Permissions class `{name}` is not passed to any `Module(permissions=...)`, so the app does not register the permissions it declares; {advice}"
    fix_title = "Pass the class as `permissions=` to the module, or merge it into the registered one"
    applies_to = ("app/modules/*/*.py", "app/core/*/*.py")
    needs_project = True

    VALID = [
        Valid(
            """
            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"


            module = Module(root="demo", tag="Demo")
            """,
            files=NO_FACTORY_TREE,
        ),
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions
            from app.types.module import Module


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """,
            path="app/modules/demo/endpoints_demo.py",
        ),
        # The class lives in a permissions file and is imported by the endpoints file.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
            """,
            path="app/modules/demo/permissions_demo.py",
            files={
                "app/modules/demo/endpoints_demo.py": """
                    from app.modules.demo.permissions_demo import DemoPermissions
                    from app.types.module import Module

                    module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
                """,
            },
        ),
        # Imported through the module package (an __init__.py that re-exports it), relatively.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
            """,
            path="app/modules/demo/types_demo.py",
            files={
                "app/modules/demo/__init__.py": """
                    from .types_demo import DemoPermissions
                """,
                "app/modules/demo/endpoints_demo.py": """
                    from app.modules.demo import DemoPermissions

                    module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
                """,
            },
        ),
        # The documentation's example: the class shadows the base's name.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class ModulePermissions(ModulePermissions):
                access_mymodule = "access_mymodule"


            module = Module(root="mymodule", tag="MyModule", factory=None, permissions=ModulePermissions)
            """,
            path="app/modules/mymodule/endpoints_mymodule.py",
        ),
        # A core module, the base imported module-qualified; an empty intermediate base class.
        Valid(
            """
            from app.core.permissions import type_permissions


            class BaseRights(type_permissions.ModulePermissions):
                pass


            class SchoolsPermissions(BaseRights):
                manage_schools = "manage_schools"


            core_module = CoreModule(root="schools", tag="Schools", router=router, factory=None, permissions=SchoolsPermissions)
            """,
            path="app/core/schools/endpoints_schools.py",
        ),
        # Enums that are not permissions, and permission classes outside the modules
        # (app/utils: the app registers them its own way).
        Valid(
            """
            from enum import StrEnum

            from app.core.permissions.type_permissions import ModulePermissions


            class DemoStatus(StrEnum):
                open = "open"


            class AuthPermissions(ModulePermissions):
                app = "app"
            """,
            path="app/utils/auth/providers.py",
        ),
        Valid(
            """
            from enum import StrEnum


            class DemoStatus(StrEnum):
                open = "open"
            """,
            path="app/modules/demo/types_demo.py",
        ),
        # A base imported from another project file that is not a ModulePermissions.
        Valid(
            """
            from app.modules.demo.types_demo import DemoKind


            class DemoPermissions(DemoKind):
                access_demo = "access_demo"
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
        # Visibility-only module with no routes, PEP 695 syntax beside the class.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions

            type Names = list[str]


            class HomePermissions(ModulePermissions):
                access_home = "access_home"


            module = Module(root="home", tag="Home", factory=None, permissions=HomePermissions)
            """,
            path="app/modules/home/endpoints_home.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions
            from app.types.module import Module


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"


            module = Module(root="demo", tag="Demo", factory=None)
            """,
            line=5,
            column=1,
            path="app/modules/demo/endpoints_demo.py",
            message="Permissions class `DemoPermissions` is not passed to any `Module(permissions=...)`, so the app does not register the permissions it declares; no group can be granted them until you pass `permissions=DemoPermissions` to `module = Module(...)` (app/modules/demo/endpoints_demo.py:9)",
        ),
        # A second class in a utils file, beside the registered one (both named alike).
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                manage_demo = "manage_demo"


            async def check(user, db):
                return await has_user_permission(user, DemoPermissions.manage_demo, db)
            """,
            line=4,
            column=1,
            path="app/modules/demo/utils_demo.py",
            files={
                "app/modules/demo/endpoints_demo.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class DemoPermissions(ModulePermissions):
                        access_demo = "access_demo"
                        manage_demo = "manage_demo"


                    module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
                """,
            },
            message="Permissions class `DemoPermissions` is not passed to any `Module(permissions=...)`, so the app does not register the permissions it declares; `DemoPermissions` (app/modules/demo/endpoints_demo.py:4), which the module registers, declares the same ones: import and use it instead of a copy that can drift from it",
        ),
        # A permissions file whose class the endpoints file forgot; the module registers another.
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoAdminPermissions(ModulePermissions):
                manage_demo = "manage_demo"
            """,
            line=4,
            column=1,
            path="app/modules/demo/permissions_demo.py",
            files={
                "app/modules/demo/endpoints_demo.py": """
                    from app.modules.demo.types_demo import DemoPermissions

                    module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
                """,
                "app/modules/demo/types_demo.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class DemoPermissions(ModulePermissions):
                        access_demo = "access_demo"
                """,
            },
            message="Permissions class `DemoAdminPermissions` is not passed to any `Module(permissions=...)`, so the app does not register the permissions it declares; a module takes one permissions class: move them into `DemoPermissions` (app/modules/demo/types_demo.py:4), which the module registers (until then no group can be granted them)",
        ),
        # The base is a permissions class of another file; no declaration in the module yet.
        Invalid(
            """
            from app.modules.demo.types_demo import BaseDemoPermissions


            class DemoPermissions(BaseDemoPermissions):
                access_demo = "access_demo"
            """,
            line=4,
            column=1,
            path="app/modules/demo/permissions_demo.py",
            files={
                "app/modules/demo/types_demo.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class BaseDemoPermissions(ModulePermissions):
                        pass
                """,
            },
            message="Permissions class `DemoPermissions` is not passed to any `Module(permissions=...)`, so the app does not register the permissions it declares; no group can be granted them until you pass `permissions=DemoPermissions` to the module's `Module(...)` in its endpoints file",
        ),
        # A core module whose declaration passes no permissions=.
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class GroupsPermissions(ModulePermissions):
                manage_groups = "manage_groups"


            core_module = CoreModule(root="groups", tag="Groups", router=router, factory=None)
            """,
            line=4,
            column=1,
            path="app/core/groups/endpoints_groups.py",
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        module = module_of(facts.path)
        if module is None or not facts.classes:
            return
        if not model_of(project).module_accepts("permissions").value:
            return  # `Module` takes no `permissions=` in this tree: nothing can be registered
        area, folder = module
        index = PermissionIndex.of(project)
        for cls in facts.classes:
            members = enum_members(cls)
            if not members or facts.local_class(cls.name) is not cls:
                continue
            owner = Owner(facts, cls)
            if owner.key in index.registered or cls.name in index.unresolved_registrations:
                continue
            if not index.is_permissions_class(owner):
                continue
            advice, related = self._advice(owner, {m.name for m in members}, index, area, folder)
            self.report_at(cls.location, name=cls.name, advice=advice, related=related)

    @staticmethod
    def _advice(
        owner: Owner, names: set[str], index: PermissionIndex, area: str, folder: str
    ) -> tuple[str, list[Location]]:
        declarations = [(f, d) for f in index.project.module_files(folder, area) for d in f.declarations]
        for facts, declaration in declarations:
            if not declaration.permissions:
                continue
            other = index.resolve_name(facts, declaration.permissions)
            if other is None:
                continue
            related = [noted(other.cls.location, f"`{other.cls.name}` is registered here")]
            if names <= set(index.members(other).members):
                return (
                    f"`{other.cls.name}` ({other.place}), which the module registers, declares the same "
                    "ones: import and use it instead of a copy that can drift from it",
                    related,
                )
            return (
                "a module takes one permissions class: move them into "
                f"`{other.cls.name}` ({other.place}), which the module registers (until then no group "
                "can be granted them)",
                related,
            )
        name = owner.cls.name
        if declarations:
            _, declaration = declarations[0]
            where = declaration.location
            return (
                f"no group can be granted them until you pass `permissions={name}` to "
                f"`{declaration.variable} = {declaration.kind}(...)` ({place(where)})",
                [noted(where, "the module is declared here")],
            )
        return (
            f"no group can be granted them until you pass `permissions={name}` to the module's "
            "`Module(...)` in its endpoints file",
            [],
        )
