from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, noted
from lint_rules.knowledge.permission_index import ENUM_API, PermissionIndex

# How many declared permissions a message lists before "...".
LISTED = 6


class PermissionUndeclared(Rule):
    """
    ## What it does
    Checks that `XPermissions.member`, in `is_user_allowed_to([...])`,
    `has_user_permission(user, ..., db)` or anywhere else, names a permission that the
    `ModulePermissions` class `XPermissions` declares. The class is found the way Python finds
    it: defined in the file, or imported from another file of the project (through
    re-exports too); permissions it inherits from a base class of the project count.

    Only `name = "value"` class attributes are permissions: methods, dunders and the enum's
    own attributes (`name`, `value`...) are not judged. A class that is not in the project,
    or whose bases cannot all be read, is not judged either.

    ## Why is this bad?
    `XPermissions.manage_demo` on a class that declares no `manage_demo` raises
    `AttributeError`. In a route's `Depends(is_user_allowed_to([...]))` it is evaluated when
    the endpoints file is imported, and the whole app fails to start; in a function body it
    fails the request that runs it (a 500 instead of a 403). The usual cause is a permission renamed or moved to another module's
    class, or a class imported from the wrong module.

    ## Example
    ```python
    class DemoPermissions(ModulePermissions):
        access_demo = "access_demo"


    @module.router.delete("/demo/items/{item_id}", status_code=204)
    async def delete_item(
        item_id: str,
        user: models_users.CoreUser = Depends(is_user_allowed_to([DemoPermissions.manage_demo])),
    ): ...
    ```

    ## Use instead
    Declare the permission in the module's class (and check it):
    ```python
    class DemoPermissions(ModulePermissions):
        access_demo = "access_demo"
        manage_demo = "manage_demo"
    ```

    ## Fix safety
    No automatic fix: the permission may be missing from the class, or the use may name the
    wrong one.

    ## Options
    None.
    """

    code = "HYP006"
    name = "permission-undeclared"
    message = "`{cls}` ({place}) declares no permission `{member}`, so this raises `AttributeError` (when the file is imported, in a route's `Depends(...)`: the app does not start); use one it declares ({declared}) or add `{member} = \"{member}\"` to the class"
    fix_title = "Use a declared permission, or declare `{member}`"
    applies_to = ("app/modules/*/*.py", "app/core/*/*.py")
    needs_project = True

    VALID = [
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                manage_demo = "manage_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)


            @module.router.get("/demo/items", response_model=list[str], status_code=200)
            async def read_items(
                user: models_users.CoreUser = Depends(
                    is_user_allowed_to([DemoPermissions.access_demo, DemoPermissions.manage_demo]),
                ),
            ): ...
            """,
            path="app/modules/demo/endpoints_demo.py",
        ),
        # Imported from a permissions file; has_user_permission in a utils file.
        Valid(
            """
            from app.modules.demo.permissions_demo import DemoPermissions
            from app.utils.tools import has_user_permission


            async def can_manage(user, db) -> bool:
                return await has_user_permission(user, DemoPermissions.manage_demo, db)
            """,
            path="app/modules/demo/utils_demo.py",
            files={
                "app/modules/demo/permissions_demo.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class DemoPermissions(ModulePermissions):
                        manage_demo = "manage_demo"
                """,
            },
        ),
        # The class imported from a module imported whole; a member inherited from a project base.
        Valid(
            """
            from app.modules.demo import types_demo


            async def can_manage(user, db) -> bool:
                return await has_user_permission(user, types_demo.DemoPermissions.manage_demo, db)
            """,
            path="app/modules/demo/utils_demo.py",
            files={
                "app/modules/demo/types_demo.py": """
                    from app.modules.demo.permissions_demo import BaseDemoPermissions


                    class DemoPermissions(BaseDemoPermissions):
                        access_demo = "access_demo"
                """,
                "app/modules/demo/permissions_demo.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class BaseDemoPermissions(ModulePermissions):
                        manage_demo = "manage_demo"
                """,
            },
        ),
        # Methods, dunders and the enum's own API are attributes, not permissions.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"

                @classmethod
                def visibility(cls) -> str:
                    return cls.access_demo


            names = list(DemoPermissions.__members__)
            switch = DemoPermissions.visibility()
            label = DemoPermissions.access_demo.value
            """,
            path="app/modules/demo/permissions_demo.py",
        ),
        # A class outside the project, or one whose base cannot be read: not judged.
        Valid(
            """
            from somewhere.outside import OtherPermissions
            from app.modules.demo.types_demo import MixedPermissions

            first = OtherPermissions.anything
            second = MixedPermissions.anything
            """,
            path="app/modules/demo/utils_demo.py",
            files={
                "app/modules/demo/types_demo.py": """
                    from app.core.permissions.type_permissions import ModulePermissions
                    from somewhere.outside import Mixin


                    class MixedPermissions(Mixin, ModulePermissions):
                        access_demo = "access_demo"
                """,
            },
        ),
        # The documentation's example shadows the base name; the class is the local one.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class ModulePermissions(ModulePermissions):
                access_mymodule = "access_mymodule"


            module = Module(root="mymodule", tag="MyModule", factory=None, permissions=ModulePermissions)


            @module.router.get("/mymodule/items", response_model=list[str], status_code=200)
            async def read_items(
                user: models_users.CoreUser = Depends(is_user_allowed_to([ModulePermissions.access_mymodule])),
            ): ...
            """,
            path="app/modules/mymodule/endpoints_mymodule.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)


            @module.router.delete("/demo/items/{item_id}", status_code=204, response_model=None)
            async def delete_item(
                item_id: str,
                user: models_users.CoreUser = Depends(is_user_allowed_to([DemoPermissions.manage_demo])),
            ): ...
            """,
            line=14,
            column=63,
            path="app/modules/demo/endpoints_demo.py",
            message="`DemoPermissions` (app/modules/demo/endpoints_demo.py:4) declares no permission `manage_demo`, so this raises `AttributeError` (when the file is imported, in a route's `Depends(...)`: the app does not start); use one it declares (`access_demo`) or add `manage_demo = \"manage_demo\"` to the class",
        ),
        # The class is imported from the module's endpoints file.
        Invalid(
            """
            from app.modules.demo.endpoints_demo import DemoPermissions


            async def can_manage(user, db) -> bool:
                return await has_user_permission(user, DemoPermissions.manage_items, db)
            """,
            line=5,
            column=44,
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
            message="`DemoPermissions` (app/modules/demo/endpoints_demo.py:4) declares no permission `manage_items`, so this raises `AttributeError` (when the file is imported, in a route's `Depends(...)`: the app does not start); use one it declares (`access_demo`, `manage_demo`) or add `manage_items = \"manage_items\"` to the class",
        ),
        # A permission of another module's class, the class reached through a module import.
        Invalid(
            """
            from app.modules.booking import endpoints_booking


            @module.router.get("/demo/rooms", response_model=list[str], status_code=200)
            async def read_rooms(
                user=Depends(is_user_allowed_to([endpoints_booking.BookingPermissions.manage_demo])),
            ): ...
            """,
            line=6,
            column=38,
            path="app/modules/demo/endpoints_demo.py",
            files={
                "app/modules/booking/endpoints_booking.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class BookingPermissions(ModulePermissions):
                        manage_rooms = "manage_rooms"
                """,
            },
        ),
        # A class of the same (utils) file.
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"


            async def can_manage(user, db) -> bool:
                return await has_user_permission(user, DemoPermissions.manage, db)
            """,
            line=9,
            column=44,
            path="app/modules/demo/utils_demo.py",
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        if not facts.permission_uses:
            return
        index = PermissionIndex.of(project)
        for use in facts.permission_uses:
            member = use.member
            if member.startswith("_") or member in ENUM_API:
                continue
            owner = index.resolve_use(facts, use)
            if owner is None or not index.is_permissions_class(owner):
                continue
            found = index.members(owner)
            if member in found.members or member in found.methods or not found.complete:
                continue
            names = [f"`{name}`" for name in found.members]
            declared = ", ".join(names[:LISTED]) + (", ..." if len(names) > LISTED else "")
            self.report_at(
                use.location,
                cls=owner.cls.name,
                place=owner.place,
                member=member,
                declared=declared or "none yet",
                related=[noted(owner.cls.location, f"`{owner.cls.name}` is declared here")],
            )
