import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.imports import file_imports, file_layer, imported_layer

# File kind -> the layers it must not import, and what to do instead.
_FORBIDDEN: dict[str, dict[str, str]] = {
    "cruds": {
        "endpoints": "endpoints call cruds, never the other way round; move the shared code to the cruds or a `utils_` file",
    },
    "models": {
        "cruds": "models are the bottom layer; move the shared code to a `utils_` file",
        "endpoints": "models are the bottom layer; move the shared code to a `utils_` file",
        "schemas": "models are the bottom layer; move a shared enum or type to the `types_` file",
    },
    "schemas": {
        "cruds": "schemas only describe data; move the shared code to a `utils_` file",
        "endpoints": "schemas only describe data; move the shared code to a `utils_` file",
    },
}


class LayeringImport(Rule):
    """
    ## What it does
    Checks that imports follow Hyperion's layers: a cruds file imports no endpoints
    file; a models file imports no cruds, endpoints or schemas file; a schemas file imports
    no cruds or endpoints file. A layer is a file named `<kind>_<name>.py` directly in a
    module folder (`app/modules/<module>/`, `app/core/<module>/`), the way HYP081 reads
    names, or directly in `app/core` and the layer folders of older Hyperion trees
    (`app/core/models_core.py`, `app/cruds/cruds_advert.py`). Imports are read the same way
    (`app.modules.advert.endpoints_advert`, `from app.modules.advert import cruds_advert`,
    `from . import schemas_advert`, a relative import resolved against the file's folder).
    The files of a module's subfolders are no layer, whatever their name begins with:
    `app/core/mypayment/utils/models_converter.py` turns models into schemas, so it may
    import schemas, and importing it is importing a utility. Folders such as
    `core_endpoints` are not layers, and `types_`, `utils_` and other files may be
    imported from anywhere.

    Imports under `if TYPE_CHECKING:` are reported too: they avoid the import cycle at run
    time, but the dependency on a higher layer is still there.

    ## Why is this bad?
    A request flows router -> endpoint -> cruds -> models, with schemas as the language
    between layers. An import against that flow creates import cycles (models importing
    schemas that import models) and ties the lower layer to the upper one: a model that
    needs a schema's enum cannot be loaded by the migrations without Pydantic, a crud
    that imports an endpoint drags FastAPI into every script that queries the database.

    ## Example
    ```python
    # models_advert.py
    from app.modules.advert.schemas_advert import AdvertStatus
    ```

    ## Use instead
    ```python
    # models_advert.py
    from app.modules.advert.types_advert import AdvertStatus
    ```

    ## Fix safety
    No automatic fix: the shared code has to move to a lower layer.

    ## Options
    None.
    """

    code = "HYP045"
    name = "layering-import"
    message = "A {kind} file imports `{module}` from the {layer} layer: {advice}"
    applies_to = ("cruds_*.py", "models_*.py", "schemas_*.py")

    VALID = [
        Valid(
            """
            from sqlalchemy.ext.asyncio import AsyncSession

            from app.core.users import models_users, schemas_users
            from app.modules.demo import models_demo, schemas_demo
            from app.modules.demo.types_demo import ItemStatus
            from app.modules.other import cruds_other
            """
        ),
        Valid(
            """
            from typing import TYPE_CHECKING

            from app.core.core_endpoints import models_core
            from app.modules.demo.types_demo import ItemStatus
            from app.types.sqlalchemy import Base, PrimaryKey

            if TYPE_CHECKING:
                from app.core.users.models_users import CoreUser
            """,
            path="app/modules/demo/models_demo.py",
        ),
        Valid(
            """
            from pydantic import BaseModel

            from app.core.users.schemas_users import CoreUserSimple
            from app.modules.demo.types_demo import ItemStatus
            """,
            path="app/modules/demo/schemas_demo.py",
        ),
        # A subfolder's files are no layer, whatever their name begins with.
        Valid(
            """
            from app.core.memberships import schemas_memberships
            from app.core.mypayment import models_mypayment, schemas_mypayment
            """,
            path="app/core/mypayment/utils/models_converter.py",
        ),
        Valid(
            """
            from app.modules.demo.utils.cruds_helpers import chunk
            from app.modules.demo.utils import schemas_converter

            from .utils.endpoints_tools import clean
            """,
            path="app/modules/demo/models_demo.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            from app.modules.demo import endpoints_demo, models_demo
            """,
            line=1,
            column=1,
            message="A cruds file imports `app.modules.demo.endpoints_demo` from the endpoints layer: endpoints call cruds, never the other way round; move the shared code to the cruds or a `utils_` file",
        ),
        Invalid(
            """
            from sqlalchemy.orm import Mapped

            from app.modules.demo.schemas_demo import ItemStatus
            """,
            path="app/modules/demo/models_demo.py",
            line=3,
            column=1,
            message="A models file imports `app.modules.demo.schemas_demo` from the schemas layer: models are the bottom layer; move a shared enum or type to the `types_` file",
        ),
        Invalid(
            """
            from . import cruds_demo
            """,
            path="app/modules/demo/models_demo.py",
            line=1,
            column=1,
        ),
        Invalid(
            """
            import app.modules.demo.cruds_demo as cruds_demo
            """,
            path="app/modules/demo/schemas_demo.py",
            line=1,
            column=1,
        ),
        Invalid(
            """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from app.modules.demo.schemas_demo import ItemComplete
            """,
            path="app/modules/demo/models_demo.py",
            line=4,
            column=5,
        ),
        Invalid(
            """
            def helper():
                from app.core.users.endpoints_users import read_users
                return read_users
            """,
            path="app/modules/demo/schemas_demo.py",
            line=2,
            column=5,
        ),
        # A utility of a subfolder is no layer; the schemas file beside it is.
        Invalid(
            """
            from app.modules.demo.utils.schemas_converter import to_schema
            from app.modules.demo.schemas_demo import ItemBase
            """,
            path="app/modules/demo/models_demo.py",
            line=2,
            column=1,
            message="A models file imports `app.modules.demo.schemas_demo` from the schemas layer: models are the bottom layer; move a shared enum or type to the `types_` file",
        ),
        # The flat layout of Hyperion before v4.2: layer files directly in app/core.
        Invalid(
            """
            from app.core import schemas_core
            """,
            path="app/core/models_core.py",
            line=1,
            column=1,
            message="A models file imports `app.core.schemas_core` from the schemas layer: models are the bottom layer; move a shared enum or type to the `types_` file",
        ),
        # A relative import of another module's layer file, from a module folder.
        Invalid(
            """
            from ..other import cruds_other
            """,
            path="app/modules/demo/schemas_demo.py",
            line=1,
            column=1,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        kind = file_layer(self.context.path)
        forbidden = _FORBIDDEN.get(kind or "")
        if not forbidden:
            return
        reported: set[int] = set()
        for imported in file_imports(node):
            layer = imported_layer(imported.dotted, self.context.path)
            if layer not in forbidden or id(imported.statement) in reported:
                continue
            reported.add(id(imported.statement))
            self.report(
                imported.statement,
                kind=kind,
                module=_layer_module(imported.dotted, layer),
                layer=layer,
                advice=forbidden[layer],
            )


def _layer_module(dotted: str, layer: str) -> str:
    """``app.modules.x.schemas_x`` for ``app.modules.x.schemas_x.Item``."""
    parts = dotted.split(".")
    for index, part in enumerate(parts):
        if part.startswith(f"{layer}_"):
            return ".".join(parts[: index + 1])
    return dotted
