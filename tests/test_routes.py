"""`hyperion-lint routes`: every route and who may call it, in each format (the access
snapshot: tests/test_routes_snapshot.py).

fixtures/routes is a small project written for these tests, one module per shape of
access: public (lostfound), authenticated (notes, one through the decorator's
`dependencies=[...]`), a group (staff, one through an `Annotated` alias of another file),
permissions declared in another file (garden), account types read through a dependency of
app/dependencies.py (library), module dependencies and dependencies of dependencies
across three files (regatta), a router's `dependencies=[...]` and `prefix=` with an
`api_route` (kiosk), websockets (chat) and a dependency that cannot be followed (vault).

Goldens: ``HYPERION_LINT_UPDATE_GOLDENS=1 python -m pytest tests/test_routes.py`` writes
them again; read their diff before committing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lint_rules.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "fixtures" / "routes"
GOLDEN = REPO / "tests" / "golden" / "routes"
UPDATE = bool(os.environ.get("HYPERION_LINT_UPDATE_GOLDENS"))


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "routes"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".hyperion_lint_cache", "__pycache__"))
    monkeypatch.chdir(copy)
    return copy


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"no golden file {path}; run with HYPERION_LINT_UPDATE_GOLDENS=1"
    assert text == path.read_text(encoding="utf-8")


# -- the list --------------------------------------------------------------------------------


def test_every_access_shape(project: Path) -> None:
    code, out, err = invoke("routes", "--no-cache", "--output-format", "json")
    assert (code, err) == (0, "")
    found = [(r["method"], r["path"], r["access"]) for r in json.loads(out)]
    assert found == [
        ("WEBSOCKET", "/chat/ws", "unknown: websocket without a user dependency (app/modules/chat/endpoints_chat.py:12)"),
        ("WEBSOCKET", "/chat/members/ws", "authenticated"),
        ("GET", "/garden/plants", "permission: GardenPermissions.access_garden or GardenPermissions.water_plants"),
        ("POST", "/garden/plants/{plant_id}/water", "permission: GardenPermissions.water_plants"),
        ("GET", "/kiosk/snacks", "group: kiosk"),
        ("GET", "/kiosk/orders", "group: kiosk"),
        ("POST", "/kiosk/orders", "group: kiosk"),
        ("GET", "/library/books", "account types: campus_account_types()"),
        ("POST", "/library/books/{book_id}/borrow", "account types: not external"),
        ("GET", "/lostfound/items", "public"),
        ("GET", "/notes/me", "authenticated"),
        ("DELETE", "/notes", "authenticated"),
        ("GET", "/regatta/boats", "module dependency: is_crew_member(role='sailor')"),
        ("POST", "/regatta/race/start", "permission: RegattaPermissions.steer_boats; module dependency: get_current_race"),
        ("GET", "/staff/members", "group: admin"),
        ("POST", "/staff/members", "group: admin"),
        ("GET", "/vault/balance", "unknown: require_treasurer (app/modules/vault/endpoints_vault.py:21)"),
    ]


@pytest.mark.parametrize(
    ("output_format", "name"),
    [("table", "table.txt"), ("json", "routes.json"), ("markdown", "routes.md"), ("csv", "routes.csv")],
)
def test_each_format(project: Path, output_format: str, name: str) -> None:
    code, out, err = invoke("routes", "--no-cache", "--no-color", "--output-format", output_format)
    assert (code, err) == (0, "")
    golden(name, out)


def test_the_table_on_a_terminal_is_a_rich_table_per_module(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "240")
    code, out, _ = invoke("routes", "--no-cache", "--color", "always")
    assert code == 0
    assert "\x1b[" in out and "┃" in out and "response model" in out
    titles = [line for line in out.splitlines() if re.search(r"\(\d+ routes?\)", line)]
    assert len(titles) == 9 and "app/modules/chat/ (2 routes)" in titles[0]
    assert "endpoints_garden.py:15" in out and "app/modules/garden/endpoints_garden.py" not in out
    assert "\x1b[1;31mpublic" in out
    assert out.rstrip().splitlines()[-1].endswith(
        "17 routes in 9 files: 1 public, 3 permission, 5 group, 2 account types, 2 module dependency, 3 authenticated, 2 unknown"
    )


def test_the_list_comes_from_the_cache_the_same(project: Path) -> None:
    cold = invoke("routes", "--no-color", "--output-format", "json")
    assert (project / ".hyperion_lint_cache").is_dir()
    assert invoke("routes", "--no-color", "--output-format", "json") == cold


def test_filters(project: Path) -> None:
    def listed(*args: str) -> list[str]:
        code, out, err = invoke("routes", "--no-cache", "--output-format", "json", *args)
        assert (code, err) == (0, "")
        return [f'{r["method"]} {r["path"]}' for r in json.loads(out)]

    assert listed("--public") == ["GET /lostfound/items"]
    assert listed("--module", "kiosk") == ["GET /kiosk/snacks", "GET /kiosk/orders", "POST /kiosk/orders"]
    water = ["GET /garden/plants", "POST /garden/plants/{plant_id}/water"]
    assert listed("--permission", "GardenPermissions.water_plants") == water
    assert listed("--permission", "water_plants") == water
    assert listed("--permission", "RegattaPermissions") == ["POST /regatta/race/start"]
    assert listed("--module", "garden", "--public") == []
    assert listed("app/modules/notes") == ["GET /notes/me", "DELETE /notes"]
    assert listed("app/modules/notes/endpoints_notes.py", "app/modules/vault") == [
        "GET /notes/me",
        "DELETE /notes",
        "GET /vault/balance",
    ]


def test_an_unknown_module_or_permission_says_which_exist(project: Path) -> None:
    assert invoke("routes", "--no-cache", "--module", "kitchen") == (
        2,
        "",
        "hyperion-lint: error: --module kitchen: no module of that name has routes; modules with routes: chat, "
        "garden, kiosk, library, lostfound, notes, regatta, staff, vault\n",
    )
    code, out, err = invoke("routes", "--no-cache", "--permission", "cook")
    assert (code, out) == (2, "")
    assert err == (
        "hyperion-lint: error: --permission cook: no route asks for it; permissions routes ask for: "
        "GardenPermissions.access_garden, GardenPermissions.water_plants, RegattaPermissions.steer_boats\n"
    )


def test_output_file(project: Path) -> None:
    code, out, err = invoke("routes", "--no-cache", "--output-format", "csv", "--output-file", "out/routes.csv")
    assert (code, out, err) == (0, "", "")
    assert (project / "out/routes.csv").read_text(encoding="utf-8") == (GOLDEN / "routes.csv").read_text(encoding="utf-8")


def test_public_routes_are_those_hyp022_reports(project: Path) -> None:
    found = {}
    for tree in (project, REPO / "fixtures" / "sample", REPO / "fixtures" / "legacy-2024"):
        code, out, _ = invoke("routes", str(tree), "--no-cache", "--public", "--output-format", "json")
        assert code == 0
        public = {(r["file"], r["line"]) for r in json.loads(out) if r["method"] != "WEBSOCKET"}
        code, out, _ = invoke("check", str(tree), "--no-cache", "--select", "HYP022", "--output-format", "json")
        reported = {
            (Path(f["filename"]).resolve().relative_to(tree.resolve()).as_posix(), f["location"]["row"])
            for f in json.loads(out)
        }
        assert public == reported, tree
        found[tree.name] = len(public)
    assert found == {"routes": 1, "sample": 3, "legacy-2024": 0}


def test_prefixes_and_dependencies_of_the_routers_that_include_a_route(project: Path) -> None:
    """`app.include_router(api_router, prefix="/v1")`, an API router with a prefix and a
    dependency including every module's router in a loop, and a core router included by
    name (as Hyperion's core endpoints were until 2024) with a prefix of its own."""
    (project / "app/api.py").write_text(
        "from fastapi import APIRouter, Depends\n\n"
        "from app.core.tokens import endpoints_tokens\n"
        "from app.dependencies import is_user\n"
        "from app.module import all_modules\n\n"
        'api_router = APIRouter(prefix="/api", dependencies=[Depends(is_user())])\n'
        'api_router.include_router(endpoints_tokens.router, prefix="/auth")\n\n'
        "for module in all_modules:\n"
        "    api_router.include_router(module.router)\n",
        encoding="utf-8",
    )
    (project / "app/app.py").write_text(
        'from fastapi import FastAPI\n\nfrom app import api\n\napp = FastAPI()\napp.include_router(api.api_router, prefix="/v1")\n',
        encoding="utf-8",
    )
    (project / "app/core/tokens").mkdir()
    (project / "app/core/tokens/endpoints_tokens.py").write_text(
        "from fastapi import APIRouter\n\n"
        "router = APIRouter()\n\n\n"
        '@router.post("/token", status_code=200)\n'
        "async def token():\n"
        '    """A token."""\n',
        encoding="utf-8",
    )
    code, out, _ = invoke("routes", "--no-cache", "--output-format", "json")
    found = {f'{r["method"]} {r["path"]}': r["access"] for r in json.loads(out)}
    assert found["GET /v1/api/lostfound/items"] == "authenticated"
    assert found["GET /v1/api/kiosk/snacks"] == "group: kiosk"
    assert found["POST /v1/api/auth/token"] == "authenticated"
    assert not any(key.startswith(("GET /lostfound", "GET /kiosk")) for key in found)
    # HYP022 agrees: the API router's dependency authenticates every route.
    code, out, _ = invoke("check", "--no-cache", "--select", "HYP022", "--output-format", "json")
    assert json.loads(out) == []


def test_a_warm_run_does_not_import_libcst(project: Path) -> None:
    """The routes come from the facts the cache holds: nothing is parsed, LibCST is not loaded."""
    script = (
        "import sys\n"
        "from lint_rules.cli import main\n"
        "try:\n"
        "    main(['routes', '--no-color', '--output-format', 'json'])\n"
        "finally:\n"
        "    print('libcst', 'libcst' in sys.modules, file=sys.stderr)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300) for _ in range(2)]
    assert [(r.returncode, r.stderr.splitlines()[-1]) for r in runs] == [(0, "libcst True"), (0, "libcst False")]
    assert runs[0].stdout == runs[1].stdout
