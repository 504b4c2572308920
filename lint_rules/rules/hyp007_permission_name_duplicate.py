from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, Member, ProjectIndex, noted, place
from lint_rules.knowledge.permission_index import REGISTERED_ELSEWHERE, Owner, PermissionIndex, enum_members

VALUE_MESSAGE = (
    "Permission `{member}` stores the value \"{value}\", which {others} also stores, so a group "
    "granted one is granted the other; give each permission its own name and value"
)

_ENDPOINTS_DEMO = """
    from app.core.permissions.type_permissions import ModulePermissions


    class DemoPermissions(ModulePermissions):
        access_demo = "access_demo"
        manage_items = "manage_items"


    module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
"""


class PermissionNameDuplicate(Rule):
    """
    ## What it does
    Checks that no two registered permissions classes (the classes passed to
    `Module(permissions=...)` or `CoreModule(permissions=...)`, plus those the app registers
    itself, such as `AuthPermissions`) declare the same permission: the same member name, or
    the same stored value. Each permission involved is reported, naming the other class and
    where it declares the permission.

    Classes that no module registers are not compared (HYP004 reports them).

    ## Why is this bad?
    At start-up the app gathers the permission names of every registered class into one list
    and raises `DuplicatePermissionsError` if a name appears twice: the app does not start.
    Two different names with the same value are stored as one permission in the database, so
    granting one to a group silently grants the other.

    ## Example
    ```python
    # app/modules/booking/endpoints_booking.py
    class BookingPermissions(ModulePermissions):
        manage_rooms = "manage_rooms"

    # app/modules/cinema/endpoints_cinema.py
    class CinemaPermissions(ModulePermissions):
        manage_rooms = "manage_rooms"
    ```

    ## Use instead
    Prefix each permission with its module:
    ```python
    class CinemaPermissions(ModulePermissions):
        manage_cinema_rooms = "manage_cinema_rooms"
    ```

    ## Fix safety
    No automatic fix: renaming a permission changes every check that uses it and what is
    stored in the database.

    ## Options
    `registered-elsewhere`: dotted paths of permissions classes the app registers without a
    `permissions=` argument (Hyperion's `app/module.py` adds `AuthPermissions`).
    """

    code = "HYP007"
    name = "permission-name-duplicate"
    message = "Permission `{member}` is also declared by {others}; the app refuses to start when two registered permissions classes declare the same name, so rename one of them (e.g. prefix it with its module's name)"
    fix_title = "Give the permission a name no other module uses"
    applies_to = ("app/modules/*/*.py", "app/core/*/*.py")
    needs_project = True
    options = (
        Option(
            "registered-elsewhere",
            "list[str]",
            list(REGISTERED_ELSEWHERE),
            "Dotted paths of permissions classes the app registers without `permissions=` (compared with the modules' ones).",
        ),
    )

    VALID = [
        Valid(
            _ENDPOINTS_DEMO,
            path="app/modules/demo/endpoints_demo.py",
            files={
                "app/modules/other/endpoints_other.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class OtherPermissions(ModulePermissions):
                        access_other = "access_other"
                        manage_other_items = "manage_other_items"


                    module = Module(root="other", tag="Other", factory=None, permissions=OtherPermissions)
                """,
            },
        ),
        # A class no module registers is not compared (HYP004 reports it).
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                manage_items = "manage_items"
            """,
            path="app/modules/demo/utils_demo.py",
            files={"app/modules/demo/endpoints_demo.py": _ENDPOINTS_DEMO},
        ),
        # The documentation's example: every module may name its class ModulePermissions.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class ModulePermissions(ModulePermissions):
                access_mymodule = "access_mymodule"


            module = Module(root="mymodule", tag="MyModule", factory=None, permissions=ModulePermissions)
            """,
            path="app/modules/mymodule/endpoints_mymodule.py",
            files={
                "app/modules/other/endpoints_other.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class ModulePermissions(ModulePermissions):
                        access_other = "access_other"


                    module = Module(root="other", tag="Other", factory=None, permissions=ModulePermissions)
                """,
            },
        ),
        # Without the auth classes in the option, a module may reuse an auth client's name.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                api = "api"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """,
            path="app/modules/demo/endpoints_demo.py",
            options={"registered-elsewhere": []},
            files={
                "app/utils/auth/providers.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class AuthPermissions(ModulePermissions):
                        api = "api"
                """,
            },
        ),
    ]
    INVALID = [
        Invalid(
            _ENDPOINTS_DEMO,
            line=6,
            column=5,
            path="app/modules/demo/endpoints_demo.py",
            files={
                "app/modules/other/permissions_other.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class OtherPermissions(ModulePermissions):
                        access_other = "access_other"
                        manage_items = "manage_items"
                """,
                "app/modules/other/endpoints_other.py": """
                    from app.modules.other.permissions_other import OtherPermissions

                    module = Module(root="other", tag="Other", factory=None, permissions=OtherPermissions)
                """,
            },
            message="Permission `manage_items` is also declared by `OtherPermissions` (app/modules/other/permissions_other.py:6); the app refuses to start when two registered permissions classes declare the same name, so rename one of them (e.g. prefix it with its module's name)",
        ),
        # The other side of the same duplicate: the finding goes to each file involved.
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class OtherPermissions(ModulePermissions):
                access_other = "access_other"
                manage_items = "manage_items"
            """,
            line=6,
            column=5,
            path="app/modules/other/permissions_other.py",
            files={
                "app/modules/demo/endpoints_demo.py": _ENDPOINTS_DEMO,
                "app/modules/other/endpoints_other.py": """
                    from app.modules.other.permissions_other import OtherPermissions

                    module = Module(root="other", tag="Other", factory=None, permissions=OtherPermissions)
                """,
            },
            message="Permission `manage_items` is also declared by `DemoPermissions` (app/modules/demo/endpoints_demo.py:6); the app refuses to start when two registered permissions classes declare the same name, so rename one of them (e.g. prefix it with its module's name)",
        ),
        # A module permission named like an auth client's (AuthPermissions is registered by the app).
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                api = "api"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """,
            line=6,
            column=5,
            path="app/modules/demo/endpoints_demo.py",
            files={
                "app/utils/auth/providers.py": """
                    from app.core.permissions.type_permissions import ModulePermissions


                    class AuthPermissions(ModulePermissions):
                        app = "app"
                        api = "api"
                """,
            },
        ),
        # Two names, one stored value: a core module's class.
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class SchoolsPermissions(ModulePermissions):
                manage_schools = "manage_items"


            core_module = CoreModule(root="schools", tag="Schools", router=router, factory=None, permissions=SchoolsPermissions)
            """,
            line=5,
            column=5,
            path="app/core/schools/endpoints_schools.py",
            files={"app/modules/demo/endpoints_demo.py": _ENDPOINTS_DEMO},
            message="Permission `manage_schools` stores the value \"manage_items\", which `DemoPermissions` (app/modules/demo/endpoints_demo.py:6) also stores, so a group granted one is granted the other; give each permission its own name and value",
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        if not facts.classes:
            return
        table = PermissionIndex.of(project).registered_members(self.settings["registered-elsewhere"])
        for owner in table.owners_in(facts.path):
            for member in enum_members(owner.cls):
                same_name = self._others(owner, table.by_name.get(member.name, []))
                if same_name:
                    self._report(member, same_name)
                    continue
                if member.value is None:
                    continue
                same_value = self._others(owner, table.by_value.get(member.value, []))
                if same_value:
                    message = VALUE_MESSAGE.format(
                        member=member.name, value=member.value, others=self._names(same_value)
                    )
                    self._report(member, same_value, message)

    @staticmethod
    def _others(owner: Owner, found: list[tuple[Owner, Member]]) -> list[tuple[Owner, Member]]:
        return [(o, m) for o, m in found if o.key != owner.key]

    @staticmethod
    def _names(others: list[tuple[Owner, Member]]) -> str:
        return ", ".join(f"`{o.cls.name}` ({place(m.location)})" for o, m in others)

    def _report(self, member: Member, others: list[tuple[Owner, Member]], message: str | None = None) -> None:
        related = [noted(m.location, f"`{m.name}` is declared by `{o.cls.name}` here") for o, m in others]
        self.report_at(
            member.location, message, member=member.name, others=self._names(others), related=related
        )
