import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex
from lint_rules.knowledge.matchers.modules import endpoints_shape
from lint_rules.knowledge.project_model import model_of


# A fork whose loader reads `module` in app/core too, and that has no `CoreModule`.
CORE_AS_MODULE = {
    "app/module.py": """
        for endpoints_file in Path().glob("app/core/*/endpoints_*.py"):
            endpoint_module = importlib.import_module(".".join(endpoints_file.with_suffix("").parts))
            if hasattr(endpoint_module, "module"):
                modules.append(endpoint_module.module)
    """,
    "app/types/module.py": """
        class Module:
            def __init__(self, root: str, tag: str, router: APIRouter | None = None):
                self.root = root
    """,
}


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
    the class is wrong. The variable is the one the loader of the checked tree looks for
    (`hyperion-lint project` shows it); a file that no loader reads is not checked, and a
    tree without `CoreModule` declares every module with `Module`. Where the tree has no
    loader, today's is assumed.

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
    needs_project = True

    VALID = [
        Valid(
            """
            module = Module(root="demo", tag="Demo")
            """,
            path="app/core/demo/endpoints_demo.py",
            files=CORE_AS_MODULE,
        ),
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
            core_module = Module(root="demo", tag="Demo")
            """,
            path="app/core/demo/endpoints_demo.py",
            files=CORE_AS_MODULE,
            line=1,
            column=1,
            message="This Module is bound to `core_module`, but the app loader only looks for `module` and silently skips the module otherwise; write `module = Module(...)`",
        ),
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
        # What the loader expects of this file is read from the project (see ``check``):
        # propose both places, the variable and the class, for each declaration.
        for declaration in endpoints_shape(node).declarations:
            data = (tuple(t or "" for t in declaration.targets), declaration.kind)
            self.propose(declaration.target_nodes[0], "", data=("name", *data))
            self.propose(declaration.call.func, "", data=("class", *data))

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        model = model_of(project)
        expected = model.loaded_as(facts.path).value
        if expected is None:
            return  # no loader reads this file: its module is not found by a variable name
        expected_class = model.declaration_class(facts)
        for proposal in self.proposals:
            where, targets, kind = proposal.data
            if expected not in targets:
                if where == "name":
                    self.confirm(
                        proposal,
                        kind=kind,
                        target=targets[0] or "an expression",
                        expected=expected,
                        expected_class=expected_class,
                    )
            elif kind != expected_class and where == "class":
                if expected_class == "CoreModule":
                    why = "core modules are always visible and are declared with `CoreModule`"
                else:
                    why = (
                        "every module in app/modules must be a `Module` (the app reads its "
                        "visibility settings at start-up)"
                    )
                self.confirm(
                    proposal,
                    f"`{expected}` is a `{kind}`, but {why}; write `{expected} = {expected_class}(...)`",
                    expected=expected,
                    expected_class=expected_class,
                )
