from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, place
from lint_rules.knowledge.module_index import ModuleIndex, module_of


class TopicModuleRoot(Rule):
    """
    ## What it does
    Checks that a notification topic declared in a module (`x_topic = Topic(id=...,
    module_root=..., ...)` at module level, in any file of the module folder) gives as
    `module_root` the `root` of that module's `Module(...)`/`CoreModule(...)` declaration,
    wherever it is declared. A root or `module_root` that is not a literal (or a constant
    of the same file) is not judged.

    ## Why is this bad?
    Hyperion stores each topic with its `module_root`, and the notification tools find a
    module's topics by that root (with the topic identifier). A topic registered under
    another module's root is invisible to its own module, shows up under the wrong module
    in the app, and is not switched off with its module.

    ## Example
    ```python
    root = "cinema"
    cinema_topic = Topic(
        id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"),
        module_root="movies",
        name="Cinema",
        topic_identifier=None,
    )
    module = Module(root=root, tag="Cinema", registred_topics=[cinema_topic], ...)
    ```

    ## Use instead
    ```python
    root = "cinema"
    cinema_topic = Topic(
        id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"),
        module_root=root,
        name="Cinema",
        topic_identifier=None,
    )
    ```

    ## Fix safety
    There is no automatic fix: a topic already registered in a database keeps its root.

    ## Options
    None.
    """

    code = "HYP090"
    name = "topic-module-root"
    message = "Topic `{topic}` says `module_root=\"{given}\"` but its module's root is `\"{root}\"` ({where}); use `module_root=root` so that the module finds its own topic"
    applies_to = ("app/modules/*/*.py", "app/core/*/*.py")
    needs_project = True

    VALID = [
        Valid(
            """
            root = "cinema"
            cinema_topic = Topic(
                id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"),
                module_root=root,
                name="Cinema",
                topic_identifier=None,
            )
            module = Module(root=root, tag="Cinema", registred_topics=[cinema_topic])
            """,
            path="app/modules/cinema/endpoints_cinema.py",
        ),
        # The topic in another file of the module; a root that is not a literal.
        Valid(
            """
            from app.modules.calendar.endpoints_calendar import ROOT

            event_topic = Topic(id=uuid.UUID("0e4f31a0-6d2c-4ad0-9a0f-c3f9b2f3b8f1"), module_root="event")
            other_topic = Topic(id=uuid.UUID("0e4f31a0-6d2c-4ad0-9a0f-c3f9b2f3b8f2"), module_root=ROOT)
            """,
            path="app/modules/calendar/utils_calendar.py",
            files={
                "app/modules/calendar/endpoints_calendar.py": """
                    ROOT = "event"
                    module = Module(root=ROOT, tag="Calendar")
                """,
            },
        ),
        # Outside a module, or a module whose root cannot be read.
        Valid(
            """
            test_topic = Topic(id=uuid.UUID("0e4f31a0-6d2c-4ad0-9a0f-c3f9b2f3b8f3"), module_root="tests")
            """,
            path="app/utils/communication/topics.py",
        ),
        Valid(
            """
            from app.modules.ph.constants import PH_ROOT

            ph_topic = Topic(id=uuid.UUID("0e4f31a0-6d2c-4ad0-9a0f-c3f9b2f3b8f4"), module_root="ph")
            module = Module(root=PH_ROOT, tag="PH")
            """,
            path="app/modules/ph/endpoints_ph.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            root = "cinema"
            cinema_topic = Topic(
                id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"),
                module_root="movies",
                name="Cinema",
                topic_identifier=None,
            )
            module = Module(root=root, tag="Cinema", registred_topics=[cinema_topic])
            """,
            line=2,
            column=1,
            path="app/modules/cinema/endpoints_cinema.py",
            message="Topic `cinema_topic` says `module_root=\"movies\"` but its module's root is `\"cinema\"` (app/modules/cinema/endpoints_cinema.py:8); use `module_root=root` so that the module finds its own topic",
        ),
        # In a utils file of a core module, against the declaration of its endpoints file.
        Invalid(
            """
            from app.core.notification.schemas_notification import Topic

            ROOT = "notifications"
            test_topic = Topic(id=UUID("f60581d0-84da-46b4-9df1-10efad450eaf"), module_root=ROOT)
            """,
            line=4,
            column=1,
            path="app/core/notification/utils_notification.py",
            files={
                "app/core/notification/endpoints_notification.py": """
                    root = "notification"
                    router = APIRouter(tags=["Notifications"])
                    core_module = CoreModule(root=root, tag="Notifications", router=router)
                """,
            },
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        if not facts.topics:
            return
        found = module_of(facts.path)
        if found is None:
            return
        index = ModuleIndex.of(project)
        declared = index.declaration(found[0]) if found[0] in index.modules else None
        if declared is None or declared[1].root is None:
            return
        declaration = declared[1]
        for topic in facts.topics:
            if topic.module_root is None or topic.module_root == declaration.root:
                continue
            self.report_at(
                topic.location,
                topic=topic.variable,
                given=topic.module_root,
                root=declaration.root,
                where=place(declaration.location),
            )
