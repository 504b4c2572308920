"""What the linter believes about a project, row by row, for ``hyperion-lint project``."""

from __future__ import annotations

from dataclasses import dataclass

from lint_rules.knowledge.facts import place
from lint_rules.knowledge.project_model import HELPERS, Fact, ProjectModel
from lint_rules.model import Location


@dataclass(frozen=True)
class Belief:
    """One row of ``hyperion-lint project``: a fact, its value and where it was read."""

    key: str  # stable, for machines: ``get_db.commits``, ``user_dependency.is_user()``
    label: str
    value: str
    location: Location | None  # where it was read; None: today's Hyperion assumed
    detail: str = ""
    # The module-level name the fact was read from, when ``location`` is the whole file
    # (see :attr:`Fact.symbol`): ``hyperion-lint project`` puts the line of its definition.
    symbol: str | None = None

    @property
    def source(self) -> str | None:
        """``app/dependencies.py:183``; None: today's Hyperion assumed."""
        return place(self.location) if self.location is not None else None


def describe(model: ProjectModel) -> list[Belief]:
    """Every fact the model holds, for the ``project`` command."""
    rows: list[Belief] = []

    def row(key: str, label: str, fact: Fact[object], value: str) -> None:
        rows.append(Belief(key, label, value, fact.source, fact.detail, fact.symbol if fact.source else None))

    commits = model.session_commits()
    row("get_db.commits", "`get_db` commits the request's transaction", commits, _yes(commits.value))
    for name, session in sorted(model.sessions.items()):
        calls = ", ".join(f"{c}()" for c in session.value) or "nothing"
        row(f"session.{name}", f"session dependency `{name}` calls", session, calls)
    user = model.orm_user
    row("orm_user", "ORM user class", user, f"{user.value.qualified} (annotate `{user.value.annotation}`)")
    for name, dependency in sorted(model.user_dependencies.items()):
        row(f"user_dependency.{name}", f"`{name}` returns the ORM user", dependency, dependency.value)
    row("module.core_module", "`CoreModule` exists", model.has_core_module, _yes(model.has_core_module.value))
    row("module.factory", "`Factory` exists", model.has_factory, _yes(model.has_factory.value))
    row("module.permissions", "`ModulePermissions` exists", model.has_module_permissions, _yes(model.has_module_permissions.value))
    keywords = model.module_keywords
    row("module.keywords", "`Module(...)` keywords", keywords, ", ".join(sorted(keywords.value)))
    for loader in model.loaders:
        pattern, attribute = loader.value
        row(f"loader.{pattern}", f"modules loaded from {pattern}", loader, f"`{attribute}`")
    for path, included in sorted(model.inclusions.items()):
        for variable, where in included:
            rows.append(Belief(f"included.{path}:{variable}", "router included by the app", f"{path}: `{variable}`", where))
    primary_key = model.primary_key
    row("primary_key", "`PrimaryKey` type defined in", primary_key, primary_key.value or "nowhere (the models predate it)")
    helpers = model.helpers
    row("helpers", "permission and group helpers", helpers, ", ".join(h for h in HELPERS if h in helpers.value) or "none")
    return rows


def _yes(value: bool) -> str:
    return "yes" if value else "no"


__all__ = ["Belief", "describe"]
