import fnmatch

import libcst as cst

from lint_rules.rule_api.base import Invalid, Option, Rule, Valid
from lint_rules.knowledge.facts import CONSTANT, FileFacts, Lookup, ProjectIndex
from lint_rules.knowledge.matchers.modules import module_declarations
from lint_rules.knowledge.matchers.syntax import dotted_name, keyword_arg, string_value
from lint_rules.knowledge.module_index import ModuleIndex

# An imported root: a constant, in any file of the project, through up to 8 imports (re-exports).
_CONSTANTS = Lookup(kinds=(CONSTANT,), package_only=False, max_hops=8)


def _same(text: str) -> str:
    """A path or a name compared with ``_`` and ``-`` taken as one character."""
    return text.replace("_", "-")


def _url(name: str) -> str:
    """The prefix a message suggests for a root or folder: written with hyphens, as URLs
    usually are (``sport-competition`` for ``sport_competition``)."""
    return name.replace("_", "-")


class PathNotUnderRoot(Rule):
    """
    ## What it does
    Checks that every route path of an endpoints file starts with `/<root>` (the `root=`
    of the file's `Module`/`CoreModule`) or `/<folder>` (the module's folder name). The
    comparison is textual (a plural such as `/loans` for the root `loan` passes) and takes
    `_` and `-` as the same character: URLs are usually written with hyphens and Python
    folders cannot be, so `/sport-competition/...` and `/sport_competition/...` both
    belong to the folder `sport_competition` (Hyperion has both styles: `/seed_library`,
    `/google-api`). The message suggests the hyphen style, as in the example below:
    `/sport-competition/` for the root or folder `sport_competition`.

    The root may be a literal, a module-level constant or a constant imported from another
    file of the project; when the file declares no module, the declaration of its module
    folder is used. When the root cannot be known, or the path is not a literal, the
    route is not judged. Websocket routes are URLs too and are checked.

    This rule is opt-in: the root is a key for the mobile app, not a URL prefix, and some
    modules chose another prefix (calendar's root is `event` and its paths start with
    `/calendar/`, which is its folder and passes).

    ## Why is this bad?
    A module's routes that share its prefix cannot collide with another module's routes
    (HYP034), tell at a glance which module serves a URL in logs, the OpenAPI page and the
    front-end code, and can be routed, rate-limited or disabled together by a proxy. A
    path outside the prefix is found in the wrong place and may shadow another module's.

    ## Example
    ```python
    module = Module(root="sport_competition", tag="Sport competition", factory=None)

    @module.router.get("/competition/editions", status_code=200)
    async def get_editions(): ...
    ```

    ## Use instead
    ```python
    module = Module(root="sport_competition", tag="Sport competition", factory=None)

    @module.router.get("/sport-competition/editions", status_code=200)
    async def get_editions(): ...
    ```

    ## Fix safety
    There is no automatic fix: changing a path breaks every client that calls it.

    ## Options
    - `allowed-paths` (list of glob patterns, default `["/.well-known/*", "/robots.txt",
      "/favicon.ico", "/security.txt"]`): paths that standards and browsers fix at the
      root of the site (RFC 8615 well-known URIs, RFC 9309 robots.txt, RFC 9116
      security.txt); they are never reported.
    - `ignore-modules` (list of folder names, default `["core_endpoints"]`): modules whose
      routes are not checked. Hyperion's `app/core/core_endpoints` serves the site's
      own top-level pages (`/information`, `/privacy`, `/robots.txt`...) by design.
    """

    code = "HYP033"
    name = "path-not-under-root"
    message = "Route path `{path}` is outside its module; start it with {prefixes} so that it shows which module serves it and cannot collide with another module's routes"
    applies_to = ("endpoints_*.py",)
    default_enabled = False
    needs_project = True
    options = (
        Option(
            "allowed-paths",
            "list[str]",
            ["/.well-known/*", "/robots.txt", "/favicon.ico", "/security.txt"],
            "Glob patterns of paths that may sit outside any module (fixed by standards).",
        ),
        Option(
            "ignore-modules",
            "list[str]",
            ["core_endpoints"],
            "Module folders whose routes are not checked.",
        ),
    )

    VALID = [
        Valid(
            """
            module = Module(root="demo", tag="Demo", factory=None)


            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...


            @module.router.get(
                "/demos/{item_id}",
                status_code=200,
            )
            async def read_item(item_id: str): ...
            """
        ),
        # The root is not the folder: either prefix passes; a websocket under the folder.
        Valid(
            """
            module = Module(root="event", tag="Calendar", factory=None)


            @module.router.get("/calendar/events", status_code=200)
            async def read_events(): ...


            @module.router.get("/event/ical", status_code=200)
            async def read_ical(): ...


            @module.router.websocket("/calendar/ws")
            async def websocket_endpoint(websocket: WebSocket): ...
            """,
            path="app/modules/calendar/endpoints_calendar.py",
        ),
        # `_` and `-` are one character; a root held in a module-level constant.
        Valid(
            """
            root = "seed_library"
            module = Module(root=root, tag="Seeds", factory=None)


            @module.router.get("/seed-library/plants", status_code=200)
            async def read_plants(): ...


            @module.router.api_route("/seed_library/species", methods=["GET", "HEAD"])
            async def read_species(): ...
            """,
            path="app/modules/seed_library/endpoints_seed_library.py",
        ),
        # A core module with its own router, its root imported from another file.
        Valid(
            """
            from app.core.memberships.utils_memberships import MODULE_ROOT

            router = APIRouter(tags=["Memberships"])
            core_module = CoreModule(root=MODULE_ROOT, tag="Memberships", router=router, factory=None)


            @router.get("/associations/", status_code=200)
            async def read_associations(): ...
            """,
            path="app/core/memberships/endpoints_memberships.py",
            files={"app/core/memberships/utils_memberships.py": 'MODULE_ROOT = "associations"\n'},
        ),
        # Standard root paths; a commented-out decorator; a root that cannot be known.
        Valid(
            """
            router = APIRouter()
            core_module = CoreModule(root="auth", tag="Auth", router=router, factory=None)


            @router.get("/.well-known/openid-configuration", status_code=200)
            async def oidc_configuration(): ...


            # @router.get("/elsewhere")
            async def helper(): ...
            """,
            path="app/core/auth/endpoints_auth.py",
        ),
        Valid(
            """
            module = Module(root=settings.ROOT, tag="Demo", factory=None)


            @module.router.get("/anything", status_code=200)
            async def read_anything(): ...
            """
        ),
        # The site's own pages; an endpoints file without routes; PEP 695.
        Valid(
            """
            router = APIRouter()
            core_module = CoreModule(root="core", tag="Core", router=router, factory=None)


            @router.get("/information", status_code=200)
            async def read_information[T](value: T) -> T: ...
            """,
            path="app/core/core_endpoints/endpoints_core.py",
        ),
        Valid(
            """
            module = Module(root="home", tag="Home", factory=None)
            """,
            path="app/modules/home/endpoints_home.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            module = Module(root="sport_competition", tag="Sport", factory=None)


            @module.router.get("/competition/editions", status_code=200)
            async def read_editions(): ...
            """,
            line=4,
            column=20,
            path="app/modules/sport_competition/endpoints_sport_competition.py",
            message="Route path `/competition/editions` is outside its module; start it with `/sport-competition/` so that it shows which module serves it and cannot collide with another module's routes",
        ),
        Invalid(
            """
            module = Module(root="tombola", tag="Raffle", factory=None)


            @module.router.post(
                "/lottery/{raffle_id}/tickets",
                status_code=201,
            )
            async def buy_ticket(raffle_id: str): ...
            """,
            line=5,
            column=5,
            path="app/modules/raffle/endpoints_raffle.py",
            message="Route path `/lottery/{raffle_id}/tickets` is outside its module; start it with `/tombola/` or `/raffle/` so that it shows which module serves it and cannot collide with another module's routes",
        ),
        # A root and a folder that differ: both are suggested, each with hyphens.
        Invalid(
            """
            module = Module(root="seed_library", tag="Seeds", factory=None)


            @module.router.get("/plants", status_code=200)
            async def read_plants(): ...
            """,
            line=4,
            column=20,
            path="app/modules/garden_club/endpoints_garden_club.py",
            message="Route path `/plants` is outside its module; start it with `/seed-library/` or `/garden-club/` so that it shows which module serves it and cannot collide with another module's routes",
        ),
        # An imported root, followed through the project.
        Invalid(
            """
            from app.core.memberships import utils_memberships

            router = APIRouter()
            core_module = CoreModule(root=utils_memberships.MODULE_ROOT, tag="M", router=router, factory=None)


            @router.delete("/users/{user_id}/memberships", status_code=204)
            async def delete_memberships(user_id: str): ...
            """,
            line=7,
            column=16,
            path="app/core/memberships/endpoints_memberships.py",
            files={"app/core/memberships/utils_memberships.py": 'MODULE_ROOT = "memberships"\n'},
        ),
        # No declaration in this file: the module's declaration is used.
        Invalid(
            """
            from app.modules.demo.endpoints_demo import module


            @module.router.get("/other/items", status_code=200)
            async def read_items(): ...
            """,
            line=4,
            column=20,
            path="app/modules/demo/endpoints_demo_admin.py",
            files={
                "app/modules/demo/endpoints_demo.py": 'module = Module(root="demo", tag="Demo", factory=None)\n',
            },
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        # The dotted name given as ``root=`` when it is no literal (a constant, maybe imported).
        self.root_name: str | None = None
        for declaration in module_declarations(node):
            arg = keyword_arg(declaration.call, "root")
            if arg is not None and string_value(arg.value) is None:
                self.root_name = dotted_name(arg.value)
            break

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        routes = [r for r in facts.routes if r.path is not None and r.path_location is not None]
        if not routes:
            return
        index = ModuleIndex.of(project)
        key = index.module_key(facts)
        if key is None or key.folder in self.settings["ignore-modules"]:
            return
        root = self._root(index, facts, key)
        if not root:
            return
        names = list(dict.fromkeys(n for n in (root, key.folder) if n))
        if len(names) == 2 and _same(names[0]) == _same(names[1]):
            names = names[:1]
        allowed = tuple(self.settings["allowed-paths"])
        for route in routes:
            path = route.path
            assert path is not None and route.path_location is not None
            if any(_same(path).startswith("/" + _same(n)) for n in names):
                continue
            if any(fnmatch.fnmatchcase(path, pattern) for pattern in allowed):
                continue
            self.report_at(
                route.path_location,
                path=path,
                prefixes=" or ".join(f"`/{_url(n)}/`" for n in names),
            )

    def _root(self, index: ModuleIndex, facts: FileFacts, key) -> str | None:
        """The module's root: from this file's declaration (through an imported constant),
        else from the declaration of its module folder."""
        if facts.declarations:
            root = facts.declarations[0].root
            if root is None and self.root_name is not None:
                root = _constant(index.project, facts, self.root_name)
            return root
        found = index.declaration(key)
        return found[1].root if found is not None else None


def _constant(project: ProjectIndex, facts: FileFacts, dotted: str) -> str | None:
    """The string a (possibly imported) module-level constant holds, or None."""
    found = project.resolve(facts, dotted, _CONSTANTS)
    if found.kind != CONSTANT:
        return None
    assert found.facts is not None and found.key is not None
    return found.facts.constants[found.key]
