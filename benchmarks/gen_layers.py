"""The data layers of a synthetic module: cruds, models, schemas, factory and types.

Each function returns the source of one file of one module (``ModuleSpec``) in Hyperion's
layering: cruds use ``select(...)``/``update(...)``/``delete(...)`` on an ``AsyncSession`` and
never commit; models are SQLAlchemy classes with ``Mapped[...]`` columns and a prefixed
``__tablename__``; schemas are pydantic ``<X>Base``/``<X>Complete``/``<X>Update``; the factory
is a ``Factory`` subclass with ``run`` and ``should_run``. A small, deterministic share departs
from the conventions (``exclude_none`` in an update crud, a ``commit()``, an id that is not a
``PrimaryKey``, a required field in an update schema). Stdlib only.
"""

from __future__ import annotations

from gen_spec import Entity, ModuleSpec


def _table(spec: ModuleSpec, e: Entity) -> str:
    return f"{spec.name}_{e.plural}"


def _children(spec: ModuleSpec, e: Entity) -> list[Entity]:
    return [c for c in spec.entities if c.parent is e]


# -- cruds ----------------------------------------------------------------------------------


def cruds(spec: ModuleSpec) -> str:
    """``cruds_<name>.py``: the functions the endpoints call, then more queries up to ~45% of
    the endpoints file's size."""
    rng = spec.rng("cruds")
    m = f"models_{spec.name}"
    out = [
        "import uuid",
        "from collections.abc import Sequence",
        "from datetime import datetime",
        "",
        "from sqlalchemy import delete, func, or_, select, update",
        "from sqlalchemy.ext.asyncio import AsyncSession",
        "",
        f"from {spec.package} import {m}, schemas_{spec.name}",
        "",
    ]
    target = len(out) + int(spec.endpoints_lines * 0.47)

    def fn(lines: list[str]) -> None:
        out.extend(["", *lines])

    for i, e in enumerate(spec.entities):
        model = f"{m}.{e.cls}"
        fn([
            f"async def get_{e.plural}(db: AsyncSession) -> Sequence[{model}]:",
            f"    result = await db.execute(select({model}))",
            "    return result.scalars().all()",
            "",
        ])
        fn([
            f"async def get_{e.var}_by_id(",
            f"    {e.var}_id: uuid.UUID,",
            "    db: AsyncSession,",
            f") -> {model} | None:",
            "    result = await db.execute(",
            f"        select({model}).where({model}.id == {e.var}_id),",
            "    )",
            "    return result.scalars().first()",
            "",
        ])
        fn([f"async def create_{e.var}({e.var}: {model}, db: AsyncSession) -> None:", f"    db.add({e.var})",
            "    await db.commit()" if rng.random() < 0.03 else "    await db.flush()", ""])
        dump = "exclude_none=True" if rng.random() < 0.2 else "exclude_unset=True"
        fn([
            f"async def update_{e.var}(",
            f"    {e.var}_id: uuid.UUID,",
            f"    {e.var}_update: schemas_{spec.name}.{e.cls}Update,",
            "    db: AsyncSession,",
            ") -> None:",
            "    await db.execute(",
            f"        update({model})",
            f"        .where({model}.id == {e.var}_id)",
            f"        .values(**{e.var}_update.model_dump({dump})),",
            "    )",
            "    await db.flush()",
            "",
        ])
        fn([
            f"async def delete_{e.var}({e.var}_id: uuid.UUID, db: AsyncSession) -> None:",
            f"    await db.execute(delete({model}).where({model}.id == {e.var}_id))",
            "    await db.flush()",
            "",
        ])
        by = [("creator_id", "str")] if i == 0 else []
        if e.parent is not None:
            by.append((f"{e.parent.var}_id", "uuid.UUID"))
        for column, annotation in by:
            fn(_select_by(model, e.plural, column, annotation))
    # More queries, as big modules have, until the file is big enough.
    extra = [(e, f, shape) for shape in range(3) for f_i in range(8) for e in spec.entities
             for f in e.fields[f_i:f_i + 1]]
    for e, f, shape in extra:
        if len(out) >= target:
            break
        fn(_extra_query(f"{m}.{e.cls}", e, f, shape))
    return "\n".join(out).rstrip("\n") + "\n"


def _extra_query(model: str, e: Entity, f, shape: int) -> list[str]:
    """One more query on column ``f`` of ``e``: by kind (shape 0), a count (1), a sorted page (2)."""
    if shape == 1:
        return [
            f"async def count_{e.plural}_by_{f.name}({f.name}: {f.annotation}, db: AsyncSession) -> int:",
            "    result = await db.execute(",
            f"        select(func.count()).select_from({model}).where({model}.{f.name} == {f.name}),",
            "    )",
            "    return result.scalar_one()",
            "",
        ]
    if shape == 2:
        return [
            f"async def get_{e.plural}_ordered_by_{f.name}(",
            "    db: AsyncSession,",
            "    limit: int = 50,",
            "    offset: int = 0,",
            f") -> Sequence[{model}]:",
            "    result = await db.execute(",
            f"        select({model})",
            f"        .order_by({model}.{f.name}.desc())",
            "        .limit(limit)",
            "        .offset(offset),",
            "    )",
            "    return result.scalars().all()",
            "",
        ]
    if f.kind == "str":
        return [
            f"async def search_{e.plural}_by_{f.name}(query: str, db: AsyncSession) -> Sequence[{model}]:",
            "    result = await db.execute(",
            f"        select({model}).where(",
            "            or_(",
            f"                {model}.{f.name}.ilike(f\"%{{query}}%\"),",
            f"                {model}.{f.name} == query,",
            "            ),",
            "        ),",
            "    )",
            "    return result.scalars().all()",
            "",
        ]
    if f.kind == "datetime":
        return [
            f"async def get_{e.plural}_by_{f.name}_between(",
            "    after: datetime,",
            "    before: datetime,",
            "    db: AsyncSession,",
            f") -> Sequence[{model}]:",
            "    result = await db.execute(",
            f"        select({model}).where({model}.{f.name} >= after, {model}.{f.name} < before),",
            "    )",
            "    return result.scalars().all()",
            "",
        ]
    if f.kind in ("int", "float"):
        return [
            f"async def get_total_{e.var}_{f.name}(db: AsyncSession) -> {f.annotation}:",
            f"    result = await db.execute(select(func.sum({model}.{f.name})))",
            "    return result.scalar() or 0",
            "",
        ]
    return _select_by(model, e.plural, f.name, f.annotation)


def _select_by(model: str, plural: str, column: str, annotation: str) -> list[str]:
    return [
        f"async def get_{plural}_by_{column}(",
        f"    {column}: {annotation},",
        "    db: AsyncSession,",
        f") -> Sequence[{model}]:",
        "    result = await db.execute(",
        f"        select({model}).where({model}.{column} == {column}),",
        "    )",
        "    return result.scalars().all()",
        "",
    ]


# -- models and schemas ---------------------------------------------------------------------


def models(spec: ModuleSpec) -> str:
    """``models_<name>.py``: one SQLAlchemy class per entity."""
    rng = spec.rng("models")
    out = [
        "import uuid",
        "from datetime import datetime",
        "",
        "from sqlalchemy import ForeignKey",
        "from sqlalchemy.orm import Mapped, mapped_column, relationship",
        "",
        "from app.types.sqlalchemy import Base, PrimaryKey",
    ]
    for e in spec.entities:
        out += ["", "", f"class {e.cls}(Base):"]
        if rng.random() < 0.5:
            out += ['    """', f"    A {e.label} of the {spec.tag} module.", "",
                    "    Created by a user (`creator_id`); deleting it is refused while it has children.", '    """', ""]
        out += [f'    __tablename__ = "{_table(spec, e)}"', ""]
        if rng.random() < 0.1:
            out.append("    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)")
        else:
            out.append("    id: Mapped[PrimaryKey]")
        out += [f"    {f.name}: Mapped[{f.annotation}]" for f in e.fields]
        out.append('    creator_id: Mapped[str] = mapped_column(ForeignKey("core_user.id"))')
        if e.parent is not None:
            p = e.parent
            out.append(f"    {p.var}_id: Mapped[uuid.UUID] = mapped_column(")
            out += [f'        ForeignKey("{_table(spec, p)}.id"),', "    )"]
            if rng.random() < 0.8:
                out += [f'    {p.var}: Mapped["{p.cls}"] = relationship(', f'        "{p.cls}",',
                        '        lazy="joined",', "        init=False,", "    )"]
        for child in _children(spec, e):
            if rng.random() < 0.8:
                out += [f'    {child.plural}: Mapped[list["{child.cls}"]] = relationship(',
                        f'        "{child.cls}",', '        lazy="selectin",', "        default_factory=list,", "    )"]
    return "\n".join(out) + "\n"


def schemas(spec: ModuleSpec) -> str:
    """``schemas_<name>.py``: Base, Complete and Update for every entity, Simple for some."""
    rng = spec.rng("schemas")
    out = ["import uuid", "from datetime import datetime", "", "from pydantic import BaseModel, ConfigDict, Field"]
    for e in spec.entities:
        out += ["", "", f"class {e.cls}Base(BaseModel):"]
        for f in e.fields:
            if f.kind == "optstr":
                out.append(f"    {f.name}: {f.annotation} = None")
            elif f.kind in ("int", "str") and rng.random() < 0.4:
                bound = "ge=0, " if f.kind == "int" else "min_length=1, "
                out += [f"    {f.name}: {f.annotation} = Field(", f"        {bound}description=\"The {f.name} of the {e.label}\",", "    )"]
            else:
                out.append(f"    {f.name}: {f.annotation}")
        if e.parent is not None:
            out.append(f"    {e.parent.var}_id: uuid.UUID")
        if rng.random() < 0.5:
            out += ["", "", f"class {e.cls}Simple(BaseModel):", "    id: uuid.UUID",
                    f"    {e.fields[0].name}: {e.fields[0].annotation}", "",
                    "    model_config = ConfigDict(from_attributes=True)"]
        out += ["", "", f"class {e.cls}Complete({e.cls}Base):", "    id: uuid.UUID", "    creator_id: str", "",
                "    model_config = ConfigDict(from_attributes=True)", "", "", f"class {e.cls}Update(BaseModel):"]
        for f in e.fields:
            required = rng.random() < 0.04
            annotation = f.annotation if f.annotation.endswith("None") else f"{f.annotation} | None"
            out.append(f"    {f.name}: {f.annotation}" if required else f"    {f.name}: {annotation} = None")
    return "\n".join(out) + "\n"


# -- factory and types ------------------------------------------------------------------


def factory(spec: ModuleSpec) -> str:
    """``factory_<name>.py``: a ``Factory`` that creates three rows of every entity."""
    c, m = f"cruds_{spec.name}", f"models_{spec.name}"
    out = [
        "import uuid",
        "from datetime import UTC, datetime",
        "",
        "from sqlalchemy.ext.asyncio import AsyncSession",
        "",
        "from app.core.utils.config import Settings",
        f"from {spec.package} import {c}, {m}",
        "from app.types.factory import Factory",
        "",
        "",
        f"class {spec.factory_cls}(Factory):",
        "    depends_on: list[type[Factory]] = []",
        "",
        "    @classmethod",
        "    async def run(cls, db: AsyncSession, settings: Settings) -> None:",
    ]
    for e in spec.entities:
        out += [f"        {e.var}_ids: list[uuid.UUID] = []", "        for i in range(3):",
                f"            {e.var}_ids.append(uuid.uuid4())", f"            await {c}.create_{e.var}(",
                f"                {e.var}={m}.{e.cls}(", f"                    id={e.var}_ids[-1],"]
        out += [f"                    {f.name}={f.sample}," for f in e.fields]
        if e.parent is not None:
            out.append(f"                    {e.parent.var}_id={e.parent.var}_ids[i],")
        out += ["                    creator_id=settings.FACTORY_USER_ID,", "                ),",
                "                db=db,", "            )"]
    first = spec.entities[0]
    out += ["", "    @classmethod", "    async def should_run(cls, db: AsyncSession) -> bool:",
            f"        return len(await {c}.get_{first.plural}(db=db)) == 0"]
    return "\n".join(out) + "\n"


def types(spec: ModuleSpec) -> str:
    """``types_<name>.py``: a status enum per entity."""
    out = ["from enum import StrEnum"]
    for e in spec.entities:
        out += ["", "", f"class {e.cls}Status(StrEnum):", '    draft = "draft"', '    open = "open"',
                '    closed = "closed"', '    archived = "archived"']
    return "\n".join(out) + "\n"

