"""The endpoints file of a synthetic module: declaration, permissions and routes.

Routes are written in the house style of Hyperion's endpoint guide (``@module.router.get(path,
summary=..., response_model=..., status_code=...)``, ``db: AsyncSession = Depends(get_db)``,
``user: models_users.CoreUser = Depends(is_user_allowed_to([...]))``, a docstring, 404/400/403
``HTTPException``s), and a deterministic share of them departs from it the way real code does
(``DEPARTURES``), so that linters have findings to report. Routes are added, entity after
entity, until the file reaches the size the plan asks for. Stdlib only.
"""

from __future__ import annotations

import random

from gen_shapes import RouteShapes, call_lines
from gen_spec import VERBS, ModuleSpec

# Probability of each departure from the conventions, per route.
DEPARTURES = {
    "no_summary": 0.55,  # HYP010
    "no_status_code": 0.07,  # HYP012
    "no_response_model": 0.05,  # HYP011 (unless a return annotation declares it)
    "delete_200": 0.2,  # HYP013, per DELETE route
    "no_content_model": 0.35,  # HYP017, per 204 route
    "no_docstring": 0.1,  # HYP032
    "create_200": 0.03,  # HYP014
    "sync_def": 0.01,  # HYP031
    "user_unannotated": 0.03,  # HYP023
}
# Second paragraphs of docstrings.
EXPLANATIONS = [
    "The {label} is looked up by its id; a missing one answers 404.",
    "Only the fields that are set are changed; the others keep their value.",
    "The result is sorted as stored, the most recent last.",
    "The creator of the {label} and the administrators may use this endpoint.",
    "A notification is sent to the people concerned when it succeeds.",
    "Related {labels} are checked first so that nothing is left dangling.",
]


class EndpointsWriter(RouteShapes):
    """Writes ``endpoints_<name>.py`` for one module, route after route, to a target size."""

    def __init__(self, spec: ModuleSpec):
        self.spec = spec
        self.rng: random.Random = spec.rng("endpoints")
        self.cruds = f"cruds_{spec.name}"
        self.models = f"models_{spec.name}"
        self.schemas = f"schemas_{spec.name}"
        self.root = f"/{spec.name}"
        self.blocks: list[list[str]] = []
        self.lines = 0
        self.routes = 0
        self.perms: set[str] = set()
        self.notify = False  # the route being built sends a notification
        self.label = self.labels = ""

    # -- the file ------------------------------------------------------------------------

    def write(self) -> tuple[str, int]:
        """The file's source and its number of routes."""
        target = self.spec.endpoints_lines
        if target:
            for build in self._route_builders():
                if self.lines >= target - 40:
                    break
                build()
        header = self._header()
        body = [line for block in self.blocks for line in block]
        return "\n".join(header + body).rstrip("\n") + "\n", self.routes

    def _route_builders(self):
        """Every route this module could have, in the order they are added."""
        entities = self.spec.entities
        for e in entities:
            yield from (lambda e=e, k=k: self.crud_route(e, k) for k in ("list", "read", "create", "update", "delete"))
        yield lambda: self.me_route(entities[0])
        for e in entities:
            children = [c for c in entities if c.parent is e]
            if children:
                yield lambda e=e, c=children[0]: self.children_route(e, c)
            if self.rng.random() < 0.4:
                yield lambda e=e: self.logo_routes(e)
        if self.spec.endpoints_lines > 500 and self.rng.random() < 0.3:
            yield self.websocket_route
        for verb in VERBS:
            for e in entities:
                yield lambda e=e, verb=verb: self.action_route(e, verb)

    @property
    def members(self) -> list[str]:
        """The permissions the routes use (``access_<name>`` for a visibility-only module)."""
        return sorted(self.perms) or [f"access_{self.spec.name}"]

    def _own_imports(self) -> list[str]:
        """Imports from the module's own package (a visibility-only module has no layers)."""
        spec = self.spec
        out = []
        if spec.endpoints_lines:
            out += [f"from {spec.package} import {self.cruds}, {self.models}, {self.schemas}",
                    f"from {spec.package}.factory_{spec.name} import {spec.factory_cls}"]
        if spec.separate_permissions:
            out.append(f"from {spec.package}.permissions_{spec.name} import {spec.perm_cls}")
        return out

    def _header(self) -> list[str]:
        spec, name = self.spec, self.spec.name
        fastapi = ["Depends", "File", "HTTPException", "UploadFile", "WebSocket", "status"]
        if spec.core:
            fastapi.insert(0, "APIRouter")
        lines = [
            "import logging",
            "import uuid",
            "from datetime import UTC, datetime",
            "",
            f"from fastapi import {', '.join(fastapi)}",
            "from fastapi.responses import FileResponse",
            "from sqlalchemy.ext.asyncio import AsyncSession",
            "",
            "from app.core.groups.groups_type import GroupType",
            "from app.core.permissions.type_permissions import ModulePermissions",
            "from app.core.users import models_users",
            "from app.dependencies import (",
            "    get_db,",
            "    get_notification_tool,",
            "    get_unsafe_db,",
            "    is_user,",
            "    is_user_allowed_to,",
            "    is_user_in,",
            ")",
            *self._own_imports(),
            "from app.types import standard_responses",
            f"from app.types.module import {'CoreModule' if spec.core else 'Module'}",
            "from app.utils.tools import (",
            "    Message,",
            "    NotificationTool,",
            "    get_file_from_data,",
            "    is_user_member_of_any_group,",
            "    save_file_as_data,",
            ")",
            "",
            "",
        ]
        if not spec.separate_permissions:
            lines += [f"class {spec.perm_cls}(ModulePermissions):", *(f'    {p} = "{p}"' for p in self.members), "", ""]
        if spec.core:
            lines += [f'router = APIRouter(tags=["{spec.tag}"])', ""]
            args = [f'root="{name}"', f'tag="{spec.tag}"', "router=router"]
            decl = "core_module = CoreModule"
        else:
            lines += [f'root = "{name}"', ""]
            args = ["root=root", f'tag="{spec.tag}"']
            decl = "module = Module"
        factory = f"{spec.factory_cls}()" if spec.endpoints_lines else "None"
        args += [f"factory={factory}", f"permissions={spec.perm_cls}"]
        lines += [f"{decl}(", *(f"    {a}," for a in args), ")", ""]
        lines += ['hyperion_error_logger = logging.getLogger("hyperion.error")', "", ""]
        return lines

    # -- one route -----------------------------------------------------------------------

    def _chance(self, departure: str) -> bool:
        return self.rng.random() < DEPARTURES[departure]

    def _user_param(self, perm: str) -> list[str]:
        """The user dependency: a permission of the module, any user, or admins."""
        name = self.spec.name
        if perm in ("access", "manage"):
            member = f"{perm}_{name}"
            self.perms.add(member)
            dep = f"is_user_allowed_to([{self.spec.perm_cls}.{member}])"
        elif perm == "admin":
            dep = "is_user_in(GroupType.admin)"
        else:
            dep = "is_user()"
        annotation = "" if self._chance("user_unannotated") else ": models_users.CoreUser"
        lines = call_lines(f"user{annotation} = Depends", [dep], "    ")
        return [*lines[:-1], lines[-1] + ","]

    def route(self, method: str, path: str, fname: str, summary: str, *, model: str | None,
              code: int, params: list[str], body: list[str], perm: str = "access",
              response_class: str | None = None, returns: str | None = None,
              doc_note: str = "") -> None:
        """Add one route, applying this route's share of departures."""
        kwargs = [f'"{path}"']
        if not self._chance("no_summary"):
            kwargs.append(f'summary="{summary}"')
        if response_class:
            kwargs.append(f"response_class={response_class}")
        if model is not None and not (code != 204 and self._chance("no_response_model")):
            kwargs.append(f"response_model={model}")
        elif model is not None and self.rng.random() < 0.5:
            returns = model  # FastAPI takes the response model from the annotation
        if code == 204 and model is None and not self._chance("no_content_model"):
            kwargs.append("response_model=None")
        if method == "delete" and self._chance("delete_200"):
            code = 200
        if method == "post" and code == 201 and fname.startswith("create_") and self._chance("create_200"):
            code = 200
        if not self._chance("no_status_code"):
            spelled = {201: "status.HTTP_201_CREATED", 204: "status.HTTP_204_NO_CONTENT"}
            literal = spelled[code] if code in spelled and self.rng.random() < 0.1 else str(code)
            kwargs.append(f"status_code={literal}")
        block = call_lines(f"@{self.spec.router}.{method}", kwargs)
        keyword = "def" if self._chance("sync_def") else "async def"
        signature = [*params, "    db: AsyncSession = Depends(get_db),", *self._user_param(perm)]
        if self.notify:
            signature.append("    notification_tool: NotificationTool = Depends(get_notification_tool),")
            self.notify = False
        tail = f") -> {returns}:" if returns else "):"
        block += [f"{keyword} {fname}(", *signature, tail]
        if not self._chance("no_docstring"):
            if doc_note or self.rng.random() < 0.85:
                block += ['    """', f"    {summary}."]
                for explanation in self.rng.sample(EXPLANATIONS, self.rng.choice((0, 1, 1, 2, 2, 3))):
                    block += ["", "    " + explanation.format(label=self.label, labels=self.labels)]
                if doc_note:
                    block += ["", f"    **{doc_note}**"]
                block += ['    """']
            else:
                block += [f'    """{summary}."""']
        block += [*body, "", ""]
        self.blocks.append(block)
        self.lines += len(block)
        self.routes += 1
