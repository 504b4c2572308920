from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, noted, place
from lint_rules.knowledge.module_index import ModuleIndex, topic_key


class TopicIdDuplicate(Rule):
    """
    ## What it does
    Checks that each notification topic id (`Topic(id=uuid.UUID("..."))` or a string id)
    is declared once in the whole project. UUIDs are compared as UUIDs (case and dashes
    do not matter). Every topic involved is reported, each naming the other places.

    ## Why is this bad?
    At startup Hyperion registers each module's topics by id, and skips a topic whose id
    is already registered. A copied UUID therefore makes the second topic silently never
    exist: its subscribers get the first topic's notifications, or none at all.

    ## Example
    ```python
    # app/modules/cinema/endpoints_cinema.py
    cinema_topic = Topic(id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"), ...)

    # app/modules/ph/endpoints_ph.py
    ph_topic = Topic(id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"), ...)
    ```

    ## Use instead
    Give each topic a fresh id (`python -c "import uuid; print(uuid.uuid4())"`):
    ```python
    ph_topic = Topic(id=uuid.UUID("b493c745-adb3-4822-9d1d-1fc6d5152681"), ...)
    ```

    ## Fix safety
    There is no automatic fix: the topic already stored in a database keeps its id.

    ## Options
    None.
    """

    code = "HYP091"
    name = "topic-id-duplicate"
    message = "Topic `{topic}` has the id of {other}; Hyperion registers topics by id and skips the second, so give this one a new UUID (`uuid.uuid4()`)"
    applies_to = ("app/modules/*/*.py", "app/core/*/*.py")
    needs_project = True

    VALID = [
        Valid(
            """
            cinema_topic = Topic(id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"), module_root=root)
            """,
            path="app/modules/cinema/endpoints_cinema.py",
            files={
                "app/modules/ph/endpoints_ph.py": """
                    ph_topic = Topic(id=uuid.UUID("b493c745-adb3-4822-9d1d-1fc6d5152681"), module_root=root)
                    # copied_topic = Topic(id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"))
                """,
            },
        ),
        # An id that is not a literal is not compared.
        Valid(
            """
            cinema_topic = Topic(id=CINEMA_TOPIC_ID, module_root=root)
            other_topic = Topic(id=CINEMA_TOPIC_ID, module_root=root)
            """,
            path="app/modules/cinema/endpoints_cinema.py",
        ),
        # A string Python would refuse (a bad escape; LibCST parses it) is not compared.
        Valid(
            """
            cinema_topic = Topic(id="\\N{nope}", module_root="\\x")
            """,
            path="app/modules/cinema/endpoints_cinema.py",
            files={"app/modules/ph/endpoints_ph.py": 'ph_topic = Topic(id="\\N{nope}", module_root="ph")\n'},
        ),
    ]
    INVALID = [
        Invalid(
            """
            import uuid

            ph_topic = Topic(
                id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"),
                module_root="ph",
            )
            """,
            line=3,
            column=1,
            path="app/modules/ph/endpoints_ph.py",
            files={
                "app/modules/cinema/endpoints_cinema.py": """
                    import uuid

                    cinema_topic = Topic(
                        id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"),
                        module_root="cinema",
                    )
                """,
            },
            message="Topic `ph_topic` has the id of `cinema_topic` at app/modules/cinema/endpoints_cinema.py:3; Hyperion registers topics by id and skips the second, so give this one a new UUID (`uuid.uuid4()`)",
        ),
        # The same UUID in upper case and without dashes, in a core module.
        Invalid(
            """
            test_topic = schemas_notification.Topic(id=UUID("9A2B2A8163E342B08EDC83CD57A003EC"))
            """,
            line=1,
            column=1,
            path="app/core/notification/endpoints_notification.py",
            files={
                "app/modules/cinema/endpoints_cinema.py": """
                    cinema_topic = Topic(id=uuid.UUID("9a2b2a81-63e3-42b0-8edc-83cd57a003ec"))
                """,
            },
        ),
    ]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        if not facts.topics:
            return
        index = ModuleIndex.of(project)
        for topic in facts.topics:
            if topic.topic_id is None:
                continue
            others = [
                t
                for _, t in index.topics.get(topic_key(topic.topic_id), [])
                if t.location != topic.location
            ]
            if not others:
                continue
            self.report_at(
                topic.location,
                topic=topic.variable,
                other=", ".join(f"`{t.variable}` at {place(t.location)}" for t in others),
                related=[noted(t.location, f"`{t.variable}` has the same id") for t in others],
            )
