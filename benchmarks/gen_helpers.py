"""The optional files of a synthetic module: utils, dependencies and permissions.

Big modules of Hyperion carry helpers beside their layers: ``utils_<name>.py`` (exports,
validation, formatting), ``dependencies_<name>.py`` (FastAPI dependencies of their own), and
some declare their ``ModulePermissions`` class in ``permissions_<name>.py`` and import it into
the endpoints file. Each function returns the source of one such file. Stdlib only.
"""

from __future__ import annotations

from gen_spec import Entity, ModuleSpec


def permissions(spec: ModuleSpec, members: list[str]) -> str:
    """``permissions_<name>.py``: the module's permissions class, imported by its endpoints."""
    out = ["from app.core.permissions.type_permissions import ModulePermissions", "", "",
           f"class {spec.perm_cls}(ModulePermissions):"]
    out += [f'    {member} = "{member}"' for member in members]
    return "\n".join(out) + "\n"


def dependencies(spec: ModuleSpec) -> str:
    """``dependencies_<name>.py``: a ``get_<entity>_or_404`` dependency per entity."""
    c, m = f"cruds_{spec.name}", f"models_{spec.name}"
    out = [
        "import uuid",
        "",
        "from fastapi import Depends, HTTPException",
        "from sqlalchemy.ext.asyncio import AsyncSession",
        "",
        "from app.core.users import models_users",
        "from app.dependencies import get_db, is_user",
        f"from {spec.package} import {c}, {m}",
    ]
    for e in spec.entities:
        out += [
            "", "",
            f"async def get_{e.var}_or_404(",
            f"    {e.var}_id: uuid.UUID,",
            "    db: AsyncSession = Depends(get_db),",
            f") -> {m}.{e.cls}:",
            f'    """The {e.label} of the path, or a 404 answer."""',
            f"    {e.var} = await {c}.get_{e.var}_by_id({e.var}_id={e.var}_id, db=db)",
            f"    if {e.var} is None:",
            "        raise HTTPException(",
            "            status_code=404,",
            f'            detail="{e.label.capitalize()} not found",',
            "        )",
            f"    return {e.var}",
            "", "",
            f"async def is_{e.var}_creator(",
            f"    {e.var}: {m}.{e.cls} = Depends(get_{e.var}_or_404),",
            "    user: models_users.CoreUser = Depends(is_user()),",
            ") -> models_users.CoreUser:",
            f'    """The current user, who must have created the {e.label}."""',
            f"    if {e.var}.creator_id != user.id:",
            "        raise HTTPException(",
            "            status_code=403,",
            f'            detail="Only the creator of the {e.label} may do this",',
            "        )",
            "    return user",
        ]
    return "\n".join(out) + "\n"


def utils(spec: ModuleSpec) -> str:
    """``utils_<name>.py``: helpers of a big module, up to about half its endpoints' size."""
    m, s = f"models_{spec.name}", f"schemas_{spec.name}"
    out = [
        "import csv",
        "import io",
        "import uuid",
        "from datetime import UTC, datetime, timedelta",
        "",
        "from sqlalchemy.ext.asyncio import AsyncSession",
        "",
        "from app.core.users import models_users",
        f"from {spec.package} import cruds_{spec.name}, {m}, {s}",
    ]
    target = int(spec.endpoints_lines * 0.5)
    for shape in SHAPES:
        for e in spec.entities:
            if len(out) >= target:
                return "\n".join(out) + "\n"
            out += ["", "", *shape(spec, e, m, s)]
    return "\n".join(out) + "\n"


def _to_row(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    values = ", ".join(f"str({e.var}.{f.name})" for f in e.fields)
    return [f"def {e.var}_to_row({e.var}: {m}.{e.cls}) -> list[str]:", f'    """One CSV row describing a {e.label}."""',
            f"    return [str({e.var}.id), {values}]"]


def _export(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    header = ", ".join(repr(f.name) for f in e.fields)
    return [f"def export_{e.plural}({e.plural}: list[{m}.{e.cls}]) -> str:",
            f'    """The {e.labels} as a CSV document, for the managers\' spreadsheet."""',
            "    buffer = io.StringIO()", '    writer = csv.writer(buffer, delimiter=";")',
            f'    writer.writerow(["id", {header}])', f"    for {e.var} in {e.plural}:",
            f"        writer.writerow({e.var}_to_row({e.var}))", "    return buffer.getvalue()"]


def _can_edit(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    return [f"async def user_can_edit_{e.var}(", f"    {e.var}_id: uuid.UUID,", "    user: models_users.CoreUser,",
            "    db: AsyncSession,", ") -> bool:", f'    """Whether the user created the {e.label}."""',
            f"    {e.var} = await cruds_{spec.name}.get_{e.var}_by_id(",
            f"        {e.var}_id={e.var}_id,", "        db=db,", "    )",
            f"    if {e.var} is None:", "        return False", f"    return {e.var}.creator_id == user.id"]


def _validate(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    out = [f"def validate_{e.var}({e.var}: {s}.{e.cls}Base) -> list[str]:",
           f'    """Every problem of a {e.label} sent by a client, as messages."""', "    errors: list[str] = []"]
    for f in e.fields:
        value = f"{e.var}.{f.name}"
        cond = {"int": f"{value} < 0", "float": f"{value} <= 0", "str": f"not {value}.strip()",
                "optstr": f"{value} is not None and len({value}) > 255", "bool": None,
                "datetime": f"{value} < datetime.now(UTC) - timedelta(days=365)"}[f.kind]
        if cond:
            out += [f"    if {cond}:", f'        errors.append("Invalid {f.name}")']
    return [*out, "    return errors"]


def _merge(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    out = [f"def merge_{e.var}_update(", f"    {e.var}: {m}.{e.cls},", f"    update: {s}.{e.cls}Update,",
           ") -> dict[str, object]:", f'    """The {e.label} as it will be once the update is applied."""',
           "    merged: dict[str, object] = {}"]
    for f in e.fields:
        out.append(f'    merged["{f.name}"] = update.{f.name} if update.{f.name} is not None else {e.var}.{f.name}')
    return [*out, "    return merged"]


def _describe(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    parts = ", ".join(f'f"{f.name}={{{e.var}.{f.name}}}"' for f in e.fields[:3])
    return [f"def describe_{e.var}({e.var}: {m}.{e.cls}) -> str:",
            f'    """A one-line description of a {e.label}, for notifications and logs."""',
            f"    parts = [{parts}]", '    return ", ".join(parts)']


def _sort(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    out = [f"def sort_{e.plural}({e.plural}: list[{m}.{e.cls}], key: str) -> list[{m}.{e.cls}]:",
           f'    """The {e.labels} sorted on one of their fields; unknown keys keep the order."""',
           "    keys = {"]
    out += [f'        "{f.name}": lambda {e.var}: str({e.var}.{f.name}),' for f in e.fields]
    return [*out, "    }", "    if key not in keys:", f"        return {e.plural}", f"    return sorted({e.plural}, key=keys[key])"]


def _stats(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    return [f"async def count_{e.plural}_per_creator(db: AsyncSession) -> dict[str, int]:",
            f'    """How many {e.labels} each user created, for the managers\' dashboard."""',
            "    counts: dict[str, int] = {}",
            f"    for {e.var} in await cruds_{spec.name}.get_{e.plural}(db=db):",
            f"        counts[{e.var}.creator_id] = counts.get({e.var}.creator_id, 0) + 1",
            "    return dict(sorted(counts.items(), key=lambda item: item[1], reverse=True))"]


def _from_row(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    convert = {"int": "int", "float": "float", "bool": '"true".__eq__', "datetime": "datetime.fromisoformat"}
    out = [f"def {e.var}_from_row(row: dict[str, str]) -> {s}.{e.cls}Base:",
           f'    """A {e.label} read back from a row of its CSV export."""', f"    return {s}.{e.cls}Base("]
    for f in e.fields:
        value = f'row["{f.name}"]'
        if f.kind == "optstr":
            value = f'row.get("{f.name}") or None'
        elif f.kind in convert:
            value = f"{convert[f.kind]}({value})"
        out.append(f"        {f.name}={value},")
    if e.parent is not None:
        out.append(f'        {e.parent.var}_id=uuid.UUID(row["{e.parent.var}_id"]),')
    return [*out, "    )"]


def _changes(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    out = [f"def {e.var}_changes(before: {m}.{e.cls}, after: {m}.{e.cls}) -> list[str]:",
           f'    """The fields that differ between two versions of a {e.label}, for the audit log."""',
           "    changes: list[str] = []"]
    for f in e.fields:
        out += [f"    if before.{f.name} != after.{f.name}:",
                f'        changes.append(f"{f.name}: {{before.{f.name}}} -> {{after.{f.name}}}")']
    return [*out, "    return changes"]


def _copy(spec: ModuleSpec, e: Entity, m: str, s: str) -> list[str]:
    out = [f"def copy_{e.var}({e.var}: {m}.{e.cls}, creator_id: str) -> {m}.{e.cls}:",
           f'    """A new {e.label} with the same content, owned by someone else."""', f"    return {m}.{e.cls}(",
           "        id=uuid.uuid4(),"]
    out += [f"        {f.name}={e.var}.{f.name}," for f in e.fields]
    if e.parent is not None:
        out.append(f"        {e.parent.var}_id={e.var}.{e.parent.var}_id,")
    return [*out, "        creator_id=creator_id,", "    )"]


SHAPES = [_to_row, _export, _validate, _can_edit, _merge, _describe, _sort, _stats, _from_row, _changes, _copy]
