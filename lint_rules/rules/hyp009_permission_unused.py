from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, Member, ProjectIndex
from lint_rules.knowledge.permission_index import Owner, PermissionIndex, enum_members

# The prefix of a module's visibility permission (app/app.py, initialize_module_visibility).
VISIBILITY_PREFIX = "access_"


def visibility_switch(owner: Owner, index: PermissionIndex) -> Member | None:
    """The member the app uses as the module's visibility switch: for a class passed to a
    ``Module(...)`` (not a ``CoreModule``), its first member whose value starts with
    ``access_``. The app grants it to the module's default groups and account types at
    start-up, and the mobile app shows the module to whoever holds it."""
    declarations = index.registered.get(owner.key, [])
    if not any(declaration.kind == "Module" for _, declaration in declarations):
        return None
    for member in enum_members(owner.cls):
        value = member.value if member.value is not None else member.name
        if value.startswith(VISIBILITY_PREFIX):
            return member
    return None


class PermissionUnused(Rule):
    """
    ## What it does
    Checks that every permission of a registered permissions class (passed to
    `Module(permissions=...)` / `CoreModule(permissions=...)`) is used somewhere in the
    application: some file under `app/` names `XPermissions.member`, in
    `is_user_allowed_to([...])`, `has_user_permission(...)` or anywhere else, through any
    import (`from ... import XPermissions`, a re-export, `endpoints_x.XPermissions`).

    A module's visibility permission is not reported: for a class passed to a `Module(...)`,
    the first permission whose value starts with `access_` is the switch that decides who sees
    the module in the mobile app; the app grants it to the module's default groups and account
    types at start-up (`initialize_module_visibility`). Its name need not follow the module's
    (`access_home`, but also `access_payment` in `mypayment`). Visibility-only modules declare
    just that permission and have no routes. Classes whose name does not end in `Permissions`,
    or that some file imports under such a name (`import ... as P`), are not checked: their
    uses are not indexed. Uses in tests or scripts do not count.

    ## Why is this bad?
    A permission that nothing checks still appears on the admin page and can be granted to
    groups, but grants nothing: admins believe they restrict or open an action that no
    endpoint guards. It is usually left over from a removed endpoint, or meant to protect an
    endpoint that forgot to check it.

    ## Example
    ```python
    class DemoPermissions(ModulePermissions):
        access_demo = "access_demo"
        manage_demo = "manage_demo"  # checked nowhere
    ```

    ## Use instead
    Check it where it is meant to apply (or remove it):
    ```python
    @module.router.delete("/demo/items/{item_id}", status_code=204, response_model=None)
    async def delete_item(
        item_id: str,
        user: models_users.CoreUser = Depends(is_user_allowed_to([DemoPermissions.manage_demo])),
    ): ...
    ```

    ## Fix safety
    No automatic fix: whether to remove the permission or check it is a design decision.

    ## Options
    None.
    """

    code = "HYP009"
    name = "permission-unused"
    message = "Permission `{member}` of `{cls}` is checked by no route or function of the app, so granting it changes nothing; protect the endpoints it is meant for with `is_user_allowed_to([{cls}.{member}])`, or remove it"
    fix_title = "Check the permission where it applies, or remove it"
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
        # A visibility-only module: its access_ permission is the switch, with no route at all.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions
            from app.types.module import Module


            class HomePermissions(ModulePermissions):
                access_home = "access_home"


            module = Module(root="home", tag="Home", factory=None, permissions=HomePermissions)
            """,
            path="app/modules/home/endpoints_home.py",
        ),
        # The switch need not be named after the module folder or root (mypayment's is access_payment).
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class MyPaymentPermissions(ModulePermissions):
                access_payment = "access_payment"


            module = Module(root="mypayment", tag="MyPayment", factory=None, permissions=MyPaymentPermissions)
            """,
            path="app/modules/mypayment/endpoints_mypayment.py",
        ),
        # Used in another file of the project: an import, a module import, a utils check.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                manage_demo = "manage_demo"
                export_demo = "export_demo"
            """,
            path="app/modules/demo/permissions_demo.py",
            files={
                "app/modules/demo/endpoints_demo.py": """
                    from app.modules.demo import permissions_demo
                    from app.modules.demo.permissions_demo import DemoPermissions

                    module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)


                    @module.router.get("/demo/export", response_model=list[str], status_code=200)
                    async def export(user=Depends(is_user_allowed_to([permissions_demo.DemoPermissions.export_demo]))): ...
                """,
                "app/modules/demo/utils_demo.py": """
                    from app.modules.demo.permissions_demo import DemoPermissions


                    async def can_manage(user, db) -> bool:
                        return await has_user_permission(user, DemoPermissions.manage_demo, db)
                """,
            },
        ),
        # A class that no module registers is HYP004's business; a class named otherwise is not indexed.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                manage_demo = "manage_demo"


            class DemoRights(ModulePermissions):
                access_demo = "access_demo"
                manage_demo = "manage_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoRights)
            """,
            path="app/modules/demo/endpoints_demo.py",
        ),
        # A permission read in a class body (an auth client's), and as a keyword argument.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                vote_demo = "vote_demo"
                sync_demo = "sync_demo"


            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None, permissions=DemoPermissions)


            class DemoAuthClient(BaseAuthClient):
                permission = DemoPermissions.sync_demo


            async def voters(db):
                return await cruds_permissions.get_permissions_by_permission_name(
                    db, permission_name=DemoPermissions.vote_demo
                )


            async def readers(db):
                return await get_permissions_by_permission_name(db, DemoPermissions.access_demo)
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        # Imported under an alias somewhere: its uses cannot be told, so it is not judged.
        Valid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                manage_demo = "manage_demo"
            """,
            path="app/modules/demo/permissions_demo.py",
            files={
                "app/modules/demo/endpoints_demo.py": """
                    from app.modules.demo.permissions_demo import DemoPermissions as Rights

                    module = Module(root="demo", tag="Demo", factory=None, permissions=Rights)


                    @module.router.delete("/demo/items/{item_id}", status_code=204, response_model=None)
                    async def delete_item(item_id: str, user=Depends(is_user_allowed_to([Rights.manage_demo]))): ...
                """,
            },
        ),
    ]
    INVALID = [
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                manage_demo = "manage_demo"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)


            @module.router.get("/demo/items", response_model=list[str], status_code=200)
            async def read_items(
                user: models_users.CoreUser = Depends(is_user_allowed_to([DemoPermissions.access_demo])),
            ): ...
            """,
            line=6,
            column=5,
            path="app/modules/demo/endpoints_demo.py",
            message="Permission `manage_demo` of `DemoPermissions` is checked by no route or function of the app, so granting it changes nothing; protect the endpoints it is meant for with `is_user_allowed_to([DemoPermissions.manage_demo])`, or remove it",
        ),
        # Only the first access_ permission is the switch; uses in tests do not count.
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                access_demo_archive = "access_demo_archive"


            module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
            """,
            line=6,
            column=5,
            path="app/modules/demo/endpoints_demo.py",
            files={
                "tests/modules/test_demo.py": """
                    from app.modules.demo.endpoints_demo import DemoPermissions

                    ARCHIVE = DemoPermissions.access_demo_archive
                """,
            },
        ),
        # A core module has no visibility switch: its access_ permission must be checked.
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class SchoolsPermissions(ModulePermissions):
                access_schools = "access_schools"


            core_module = CoreModule(root="schools", tag="Schools", router=router, factory=None, permissions=SchoolsPermissions)
            """,
            line=5,
            column=5,
            path="app/core/schools/endpoints_schools.py",
        ),
        # A permissions file whose class is registered by the endpoints file, which checks one member.
        Invalid(
            """
            from app.core.permissions.type_permissions import ModulePermissions


            class DemoPermissions(ModulePermissions):
                access_demo = "access_demo"
                manage_demo = "manage_demo"
            """,
            line=6,
            column=5,
            path="app/modules/demo/permissions_demo.py",
            files={
                "app/modules/demo/endpoints_demo.py": """
                    from app.modules.demo.permissions_demo import DemoPermissions

                    module = Module(root="demo", tag="Demo", factory=None, permissions=DemoPermissions)
                """,
            },
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        if not facts.classes:
            return
        index = PermissionIndex.of(project)
        for owner in index.registered_members().owners_in(facts.path):
            if not index.uses_are_tracked(owner):
                continue
            switch = visibility_switch(owner, index)
            for member in enum_members(owner.cls):
                if member is switch or index.is_used(owner, member.name):
                    continue
                self.report_at(member.location, member=member.name, cls=owner.cls.name)
