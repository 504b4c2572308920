import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.modules import endpoints_shape, expected_declaration


class ModuleVariableName(Rule):
    """
    ## What it does
    Checks that a `Module(...)` is bound to the variable `module`, and that in a core module
    (`app/core/<name>/`) the declaration is `core_module = CoreModule(...)`.

    ## Why is this bad?
    Hyperion's app loader (`app/module.py`) imports each `app/modules/*/endpoints_*.py` and
    registers the attribute named `module`; for `app/core/*/endpoints_*.py` it looks for
    `core_module`. Under any other name the module is silently skipped (one line in the
    error log): its routes are not served and its permissions are not registered.
    The class matters too: the loader reads visibility settings
    (`default_allowed_account_types`, ...) that only `Module` has, so a `CoreModule` in
    `app/modules` breaks start-up, and a `Module` in `app/core` claims visibility settings
    that core modules never use.

    The finding points at the variable when the name is wrong, and at the class when only
    the class is wrong.

    ## Example
    ```python
    demo_module = Module(root="demo", tag="Demo", factory=None)
    ```

    ## Use instead
    ```python
    module = Module(root="demo", tag="Demo", factory=None)
    ```

    ## Fix safety
    No automatic fix: renaming the variable means renaming every `@<name>.router...` that
    uses it.

    ## Options
    None.
    """

    code = "HYP002"
    name = "module-variable-name"
    message = "This {kind} is bound to `{target}`, but the app loader only looks for `{expected}` and silently skips the module otherwise; write `{expected} = {expected_class}(...)`"
    fix_title = "Declare it as `{expected} = {expected_class}(...)`"

    VALID = [
        Valid(
            """
            module = Module(
                root="demo",
                tag="Demo",
                factory=None,
            )


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """
        ),
        Valid(
            """
            router = APIRouter(tags=["Demo"])
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        Valid(
            """
            module: Module = Module(root="demo", tag="Demo", factory=None)
            """
        ),
        # Visibility-only module with an imported permissions class and an imported root.
        Valid(
            """
            from app.modules.demo.permissions_demo import DemoPermissions
            from app.modules.demo.types_demo import ROOT

            module = Module(root=ROOT, tag="Demo", factory=None, permissions=DemoPermissions)
            """
        ),
        # A second name for the same object is harmless as long as `module` is one of them.
        Valid(
            """
            module = demo_module = Module(root="demo", tag="Demo", factory=None)
            """
        ),
        # `Module(...)` inside a function is not a declaration (HYP001 reports the missing one).
        Valid(
            """
            module = Module(root="demo", tag="Demo", factory=None)


            def make_test_module():
                other = Module(root="test", tag="Test", factory=None)
                return other
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            demo_module = Module(root="demo", tag="Demo", factory=None)


            @demo_module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
            line=1,
            column=1,
            message="This Module is bound to `demo_module`, but the app loader only looks for `module` and silently skips the module otherwise; write `module = Module(...)`",
        ),
        # In app/core the loader looks for `core_module`.
        Invalid(
            """
            router = APIRouter(tags=["Demo"])
            module = CoreModule(root="demo", tag="Demo", router=router, factory=None)
            """,
            path="app/core/demo/endpoints_demo.py",
            line=2,
            column=1,
            message="This CoreModule is bound to `module`, but the app loader only looks for `core_module` and silently skips the module otherwise; write `core_module = CoreModule(...)`",
        ),
        # ... and in app/modules for `module`.
        Invalid(
            """
            core_module = Module(root="demo", tag="Demo", factory=None)
            """,
            line=1,
            column=1,
        ),
        # Right name, wrong class: reported at the class.
        Invalid(
            """
            module = CoreModule(root="demo", tag="Demo", factory=None)
            """,
            line=1,
            column=10,
            message="`module` is a `CoreModule`, but every module in app/modules must be a `Module` (the app reads its visibility settings at start-up); write `module = Module(...)`",
        ),
        Invalid(
            """
            core_module = Module(
                root="demo",
                tag="Demo",
                factory=None,
            )
            """,
            path="app/core/demo/endpoints_demo.py",
            line=1,
            column=15,
            message="`core_module` is a `Module`, but core modules are always visible and are declared with `CoreModule`; write `core_module = CoreModule(...)`",
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        expected, expected_class = expected_declaration(self.context.is_core)
        for declaration in endpoints_shape(node).declarations:
            if expected not in declaration.targets:
                self.report(
                    declaration.target_nodes[0],
                    kind=declaration.kind,
                    target=declaration.targets[0] or "an expression",
                    expected=expected,
                    expected_class=expected_class,
                )
            elif declaration.kind != expected_class:
                if self.context.is_core:
                    why = "core modules are always visible and are declared with `CoreModule`"
                else:
                    why = (
                        "every module in app/modules must be a `Module` (the app reads its "
                        "visibility settings at start-up)"
                    )
                self.report(
                    declaration.call.func,
                    message=(
                        f"`{expected}` is a `{declaration.kind}`, but {why}; "
                        f"write `{expected} = {expected_class}(...)`"
                    ),
                    expected=expected,
                    expected_class=expected_class,
                )
