"""The access snapshot: who may call each route, in a file a reviewer reads the diff of.

``hyperion-lint routes --snapshot FILE`` writes a JSON document with one route a line,
sorted by method and path, each with its access (without places: moving code,
reformatting or reordering files changes nothing)::

    {
      "about": "...",
      "format": 1,
      "routes": {
        "DELETE /advert/adverts/{advert_id}": "permission: AdvertPermissions.manage_adverts",
        "GET /information": "public"
      }
    }

A (method, path) declared twice (HYP034's finding) holds the list of their accesses.
``--check FILE`` compares the project with it, one line a change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from lint_rules.engine.routes_report import RouteEntry

FORMAT = 1
ABOUT = (
    "Who may call each route of the API, written by `hyperion-lint routes --snapshot`. "
    "`hyperion-lint routes --check` fails when a route appears, disappears or changes its access: "
    "review the change, then write this file again."
)

Snapshot = dict[str, tuple[str, ...]]


class SnapshotError(Exception):
    """The file is not a snapshot this version can read; the message says why."""


def snapshot_of(entries: Iterable[RouteEntry]) -> Snapshot:
    """Each route's key with the access of every route declared under it, sorted."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        found.setdefault(entry.key, []).append(entry.access.text(places=False))
    return {key: tuple(sorted(found[key])) for key in sorted(found)}


def snapshot_text(snapshot: Snapshot) -> str:
    routes = {key: values[0] if len(values) == 1 else list(values) for key, values in snapshot.items()}
    document = {"about": ABOUT, "format": FORMAT, "routes": routes}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_snapshot(text: str) -> Snapshot:
    """The snapshot a file holds; :class:`SnapshotError` when it holds none."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SnapshotError(f"it is not JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    if not isinstance(document, dict) or "routes" not in document:
        raise SnapshotError('it has no "routes"')
    if document.get("format") != FORMAT:
        raise SnapshotError(f'its "format" is {document.get("format")!r}, this version reads {FORMAT}')
    routes = document["routes"]
    if not isinstance(routes, Mapping):
        raise SnapshotError('its "routes" is not an object')
    snapshot: Snapshot = {}
    for key, value in routes.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise SnapshotError(f"the access of {key!r} is neither a string nor a list of strings")
        snapshot[key] = tuple(sorted(values))
    return snapshot


def _shown(values: Sequence[str]) -> str:
    return " | ".join(values)


def changes(old: Snapshot, new: Snapshot) -> list[str]:
    """One line per route that appeared, disappeared or changed its access, by key:
    ``POST /users/make-admin: permission: UsersPermissions.admin -> public``."""
    lines = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None:
            assert after is not None
            lines.append(f"{key}: new route, {_shown(after)}")
        elif after is None:
            lines.append(f"{key}: removed (was {_shown(before)})")
        else:
            lines.append(f"{key}: {_shown(before)} -> {_shown(after)}")
    return lines


__all__ = ["SnapshotError", "changes", "parse_snapshot", "snapshot_of", "snapshot_text"]
