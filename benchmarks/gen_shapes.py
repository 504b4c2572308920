"""Route shapes of the synthetic endpoints files: list, read, create, update, delete, actions...

``RouteShapes`` builds the body of each kind of route (the 404 look-up, validation checks,
ownership checks, notifications, logs, a ``try``/``except`` around the crud call) and hands it
to ``route()``, which ``gen_routes.EndpointsWriter`` defines together with the decorator and
the departures from the conventions. ``call_lines`` and ``raise_lines`` format calls the way
ruff's formatter would. Stdlib only.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from gen_spec import Entity, Field, ModuleSpec

MAX_WIDTH = 88
CHECK_COMMENTS = {
    "int": "A negative {name} makes no sense",
    "float": "The {name} is used as a divisor later on",
    "datetime": "We do not accept a {name} in the past",
    "str": "The mobile app shows the {name} as a title: it can not be blank",
    "optstr": "The column is a VARCHAR(255)",
    "bool": "Only administrators may change who can see it",
}


def call_lines(head: str, args: list[str], indent: str = "", split: bool = False) -> list[str]:
    """``head(arg, ...)`` on one line when it fits in 88 columns (and not ``split``), else one
    argument a line with a trailing comma, as ruff's formatter and COM812 write it."""
    indent += " " * (len(head) - len(head.lstrip()))
    head = head.lstrip()
    one = f"{indent}{head}({', '.join(args)})"
    if len(one) <= MAX_WIDTH and not split:
        return [one]
    return [f"{indent}{head}(", *(f"{indent}    {a}," for a in args), f"{indent})"]


def raise_lines(code: int, detail: str, indent: str = "    ") -> list[str]:
    """``raise HTTPException(status_code=..., detail=...)``, one argument a line."""
    return call_lines("raise HTTPException", [f"status_code={code}", f'detail="{detail}"'], indent, split=True)


class RouteShapes:
    """The kinds of routes; mixed into ``EndpointsWriter``, which provides ``route()``."""

    spec: ModuleSpec
    cruds: str
    models: str
    schemas: str
    root: str
    rng: random.Random
    route: Callable[..., None]
    notify: bool  # the route being built sends a notification
    label: str  # the entity the route being built is about, for its docstring
    labels: str
    blocks: list[list[str]]
    lines: int

    def _found(self, e: Entity, var: str | None = None) -> list[str]:
        """Look the entity of the path up; 404 when it is missing."""
        var = var or e.var
        fetch = call_lines(f"    {var} = await {self.cruds}.get_{e.var}_by_id", [f"{e.var}_id={e.var}_id", "db=db"],
                           split=self.rng.random() < 0.5)
        return [
            *fetch,
            f"    if {var} is None:",
            *raise_lines(404, f"{e.label.capitalize()} not found", "        "),
        ]

    def _extras(self, e: Entity, obj: str, kind: str) -> list[str]:
        """Some of the business logic real routes carry: ownership, dates, notifications, logs."""
        rng, out = self.rng, []
        self.label, self.labels = e.label, e.labels
        if kind in ("update", "delete", "action") and rng.random() < 0.75:
            out += [
                f"    if {e.var}.creator_id != user.id and not is_user_member_of_any_group(",
                "        user,",
                "        [GroupType.admin],",
                "    ):",
                *raise_lines(403, f"You are not allowed to modify this {e.label}", "        "),
            ]
        names = {f.name for f in e.fields}
        if kind == "create" and {"start", "end"} <= names:
            out += [f"    if {obj}.end <= {obj}.start:", *raise_lines(400, "The end must come after the start", "        ")]
        if kind in ("create", "update", "action") and rng.random() < 0.55:
            self.notify = True
            target = "user.id" if kind == "create" else f"{e.var}.creator_id"
            out += [
                "    message = Message(",
                f'        title="{self.spec.tag} - {e.label.capitalize()}",',
                f'        content="A {e.label} you follow has changed",',
                f'        action_module="{self.spec.name}",',
                "    )",
                "    await notification_tool.send_notification_to_users(",
                f"        user_ids=[{target}],",
                "        message=message,",
                "    )",
            ]
        if rng.random() < 0.35:
            out.append(f'    hyperion_error_logger.info(f"{self.spec.tag}: {kind} {e.label} by {{user.id}}")')
        return out

    def _guarded(self, call: list[str], e: Entity, kind: str) -> list[str]:
        """The crud call, sometimes inside a try/except that logs and answers 400."""
        if self.rng.random() < 0.6:
            return call
        return [
            "    try:",
            *("    " + line for line in call),
            "    except ValueError as error:",
            f'        hyperion_error_logger.error(f"{self.spec.tag}: could not {kind} {e.label}: {{error}}")',
            "        raise HTTPException(status_code=400, detail=str(error)) from error",
        ]

    def _check(self, e: Entity, obj: str, optional: bool) -> list[str]:
        """A validation of one field of ``obj`` (400, or 403 for a field only admins may set)."""
        f: Field = self.rng.choice(e.fields)
        value = f"{obj}.{f.name}"
        guard = f"{value} is not None and " if optional or f.kind == "optstr" else ""
        cond, detail, code = {
            "int": (f"{value} < 0", f"The {f.name} must be positive", 400),
            "float": (f"{value} <= 0", f"The {f.name} must be strictly positive", 400),
            "datetime": (f"{value} < datetime.now(UTC)", f"The {f.name} must be in the future", 400),
            "str": (f"not {value}.strip()", f"The {f.name} must not be empty", 400),
            "optstr": (f"len({value}) > 255", f"The {f.name} is too long", 400),
            "bool": (f"{value} and not is_user_member_of_any_group(user, [GroupType.admin])",
                     f"Only admins may set {f.name}", 403),
        }[f.kind]
        comment = [f"    # {CHECK_COMMENTS[f.kind].format(name=f.name)}"] if self.rng.random() < 0.7 else []
        return [*comment, f"    if {guard}{cond}:", *raise_lines(code, detail, "        ")]

    def crud_route(self, e: Entity, kind: str) -> None:
        """One of the five routes every entity has: list, read, create, update, delete."""
        base, one = f"{self.root}/{e.plural}", f"{self.root}/{e.plural}/{{{e.var}_id}}"
        complete = f"{self.schemas}.{e.cls}Complete"
        id_param = [f"    {e.var}_id: uuid.UUID,"]
        rng = self.rng
        if kind == "list":
            body = [f"    {e.plural} = await {self.cruds}.get_{e.plural}(db=db)"]
            params = []
            for f in e.fields:
                if f.kind in ("bool", "datetime") and rng.random() < 0.5:
                    params.append(f"    {f.name}: {f.annotation} | None = None,")
                    body += [
                        f"    if {f.name} is not None:",
                        f"        # Filter on {f.name}, as the mobile app's list view asks",
                        f"        {e.plural} = [",
                        f"            {e.var}",
                        f"            for {e.var} in {e.plural}",
                        f"            if {e.var}.{f.name} {'==' if f.kind == 'bool' else '>='} {f.name}",
                        "        ]",
                    ]
            if any(f.name == "is_public" for f in e.fields):
                body += [
                    "    if not is_user_member_of_any_group(user, [GroupType.admin]):",
                    f"        {e.plural} = [{e.var} for {e.var} in {e.plural} if {e.var}.is_public]",
                ]
            self._extras(e, e.var, "list")
            if rng.random() < 0.5:
                params += ["    limit: int = 50,", "    offset: int = 0,"]
                body += ["    # Paginate after filtering, so that pages stay full",
                         f"    {e.plural} = {e.plural}[offset : offset + limit]"]
            body.append(f"    return {e.plural}")
            self.route("get", base, f"read_{e.plural}", f"Get all {e.labels}", model=f"list[{complete}]",
                       code=200, params=params, body=body, doc_note="The user must be authenticated to use this endpoint")
        elif kind == "read":
            body = self._found(e)
            if any(f.name == "is_public" for f in e.fields):
                body += [
                    f"    if not {e.var}.is_public and not is_user_member_of_any_group(user, [GroupType.admin]):",
                    *raise_lines(403, f"This {e.label} is not public", "        "),
                ]
            for child in [c for c in self.spec.entities if c.parent is e][:1]:
                body += [
                    *call_lines(f"    {child.plural} = await {self.cruds}.get_{child.plural}_by_{e.var}_id",
                                [f"{e.var}_id={e.var}_id", "db=db"], split=True),
                    f"    # Managers see how many {child.labels} depend on it",
                    "    hyperion_error_logger.debug(",
                    f'        f"{self.spec.tag}: {e.label} {{{e.var}_id}} has {{len({child.plural})}} {child.labels}",',
                    "    )",
                ]
            body += [*self._extras(e, e.var, "read"), f"    return {e.var}"]
            self.route("get", one, f"read_{e.var}", f"Get a {e.label}", model=complete, code=200,
                       params=id_param, body=body)
        elif kind == "create":
            body = []
            if e.parent is not None:
                p = e.parent
                body += [
                    f"    {p.var} = await {self.cruds}.get_{p.var}_by_id({p.var}_id={e.var}.{p.var}_id, db=db)",
                    f"    if {p.var} is None:",
                    *raise_lines(404, f"{p.label.capitalize()} not found", "        "),
                ]
            for _ in range(rng.randint(1, 4)):
                body += self._check(e, e.var, optional=False)
            values = [f"{f.name}={e.var}.{f.name}" for f in e.fields]
            if e.parent is not None:
                values.append(f"{e.parent.var}_id={e.var}.{e.parent.var}_id")
            body += call_lines(f"    db_{e.var} = {self.models}.{e.cls}", ["id=uuid.uuid4()", *values, "creator_id=user.id"])
            body += self._extras(e, e.var, "create")
            body += self._guarded([f"    await {self.cruds}.create_{e.var}({e.var}=db_{e.var}, db=db)"], e, "create")
            body += [f"    return db_{e.var}"]
            self.route("post", base, f"create_{e.var}", f"Create a {e.label}", model=complete, code=201,
                       params=[f"    {e.var}: {self.schemas}.{e.cls}Base,"], body=body, perm="manage",
                       doc_note="This endpoint is only usable by module managers")
        elif kind == "update":
            body = self._found(e)
            for _ in range(rng.randint(1, 3)):
                body += self._check(e, f"{e.var}_update", optional=True)
            body += self._extras(e, f"{e.var}_update", "update")
            body += self._guarded(call_lines(f"    await {self.cruds}.update_{e.var}",
                               [f"{e.var}_id={e.var}_id", f"{e.var}_update={e.var}_update", "db=db"]), e, "update")
            self.route("patch", one, f"update_{e.var}", f"Update a {e.label}", model=None, code=204,
                       params=[*id_param, f"    {e.var}_update: {self.schemas}.{e.cls}Update,"],
                       body=body, perm="manage")
        else:
            body = self._found(e)
            for child in (c for c in self.spec.entities if c.parent is e):
                body += [
                    f"    {child.plural} = await {self.cruds}.get_{child.plural}_by_{e.var}_id({e.var}_id={e.var}_id, db=db)",
                    f"    if {child.plural}:",
                    *raise_lines(400, f"Cannot delete a {e.label} that still has {child.labels}", "        "),
                ]
            body += self._extras(e, e.var, "delete")
            body += self._guarded([f"    await {self.cruds}.delete_{e.var}({e.var}_id={e.var}_id, db=db)"], e, "delete")
            self.route("delete", one, f"delete_{e.var}", f"Delete a {e.label}", model=None, code=204,
                       params=id_param, body=body, perm="manage",
                       doc_note="This endpoint is only usable by module managers")

    def me_route(self, e: Entity) -> None:
        """``GET /<root>/users/me/<entities>``: what the current user created."""
        self.label, self.labels = e.label, e.labels
        body = [f"    return await {self.cruds}.get_{e.plural}_by_creator_id(creator_id=user.id, db=db)"]
        self.route("get", f"{self.root}/users/me/{e.plural}", f"read_my_{e.plural}",
                   f"Get the {e.labels} of the current user", model=f"list[{self.schemas}.{e.cls}Complete]",
                   code=200, params=[], body=body, perm="user")

    def children_route(self, e: Entity, child: Entity) -> None:
        """``GET /<root>/<entities>/{id}/<children>``."""
        self.label, self.labels = e.label, e.labels
        body = [*self._found(e), f"    return await {self.cruds}.get_{child.plural}_by_{e.var}_id({e.var}_id={e.var}_id, db=db)"]
        self.route("get", f"{self.root}/{e.plural}/{{{e.var}_id}}/{child.plural}", f"read_{e.var}_{child.plural}",
                   f"Get the {child.labels} of a {e.label}", model=f"list[{self.schemas}.{child.cls}Complete]",
                   code=200, params=[f"    {e.var}_id: uuid.UUID,"], body=body)

    def logo_routes(self, e: Entity) -> None:
        """A logo to download (``response_class=FileResponse``) and to upload."""
        self.label, self.labels = e.label, e.labels
        path = f"{self.root}/{e.plural}/{{{e.var}_id}}/logo"
        directory = f'directory="{self.spec.name}/{e.plural}"'
        get_body = [*self._found(e), *call_lines("    return get_file_from_data", [
            'default_asset="assets/images/default_logo.png"', directory, f"filename=str({e.var}_id)"])]
        self.route("get", path, f"read_{e.var}_logo", f"Get the logo of a {e.label}", model=None, code=200,
                   response_class="FileResponse", params=[f"    {e.var}_id: uuid.UUID,"], body=get_body)
        post_body = [*self._found(e), *call_lines("    await save_file_as_data", [
            "upload_file=image", directory, f"filename=str({e.var}_id)", "max_file_size=4 * 1024 * 1024",
            'accepted_content_types=["image/jpeg", "image/png", "image/webp"]']),
            "    return standard_responses.Result(success=True)"]
        self.route("post", path, f"create_{e.var}_logo", f"Upload the logo of a {e.label}",
                   model="standard_responses.Result", code=201, perm="manage",
                   params=[f"    {e.var}_id: uuid.UUID,", "    image: UploadFile = File(...),"], body=post_body)

    def action_route(self, e: Entity, verb: str) -> None:
        """``POST /<root>/<entities>/{id}/<verb>``: 204, or 200 with the updated entity."""
        field = e.fields[self.rng.randrange(len(e.fields))]
        value = "False" if field.kind == "bool" else field.sample
        body = [*self._found(e)]
        if e.parent is not None and self.rng.random() < 0.7:
            p = e.parent
            body += [
                f"    {p.var} = await {self.cruds}.get_{p.var}_by_id({p.var}_id={e.var}.{p.var}_id, db=db)",
                f"    if {p.var} is None:",
                f"        # The {p.label} may have been deleted in the meantime",
                *raise_lines(404, f"{p.label.capitalize()} not found", "        "),
            ]
        for _ in range(self.rng.randint(0, 2)):
            body += self._check(e, e.var, optional=False)
        body += self._extras(e, e.var, "action")
        body += call_lines(f"    await {self.cruds}.update_{e.var}", [
            f"{e.var}_id={e.var}_id", f"{e.var}_update={self.schemas}.{e.cls}Update({field.name}={value})", "db=db"])
        returns_body = self.rng.random() < 0.4
        if returns_body:
            body += [f"    return await {self.cruds}.get_{e.var}_by_id({e.var}_id={e.var}_id, db=db)"]
        self.route("post", f"{self.root}/{e.plural}/{{{e.var}_id}}/{verb}", f"{verb}_{e.var}",
                   f"{verb.capitalize()} a {e.label}", model=f"{self.schemas}.{e.cls}Complete" if returns_body else None,
                   code=200 if returns_body else 204, params=[f"    {e.var}_id: uuid.UUID,"], body=body, perm="manage")

    def websocket_route(self) -> None:
        """A websocket route (not an HTTP endpoint: the route-decorator rules skip it)."""
        block = [
            f'@{self.spec.router}.websocket("{self.root}/ws")',
            "async def websocket_endpoint(",
            "    websocket: WebSocket,",
            "    db: AsyncSession = Depends(get_unsafe_db),",
            "):",
            '    """Push updates to the connected clients."""',
            "    await websocket.accept()",
            "    while True:",
            "        message = await websocket.receive_text()",
            '        await websocket.send_text(f"{message} received")',
            "",
            "",
        ]
        self.blocks.append(block)
        self.lines += len(block)
