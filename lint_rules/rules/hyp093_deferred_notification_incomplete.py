import libcst as cst

from lint_rules.rule_api.base import Invalid, Rule, Valid
from lint_rules.knowledge.matchers.syntax import is_none

# NotificationTool's methods (app/utils/communication/notifications.py) that defer a
# notification only when `scheduler`, `defer_date` and `job_id` are all given, and send it
# at once otherwise. They share one parameter order after `self`.
_METHODS = frozenset(
    {"send_notification_to_users", "send_notification_to_topic", "send_notification_to_group"}
)
_PARAMETERS = ("recipients", "message", "scheduler", "defer_date", "job_id")
_NEEDED = ("scheduler", "job_id")


class DeferredNotificationIncomplete(Rule):
    """
    ## What it does
    Checks that a notification sent with `defer_date=` through the notification tool
    (`notification_tool.send_notification_to_users(...)`, `send_notification_to_topic(...)`
    or `send_notification_to_group(...)`) also receives `scheduler=` and `job_id=`. An
    argument given as `None` counts as missing; positional arguments are read in the
    methods' order (recipients, message, scheduler, defer_date, job_id). A call that
    unpacks `*args` or `**kwargs` cannot be judged.

    The rule runs on the module files that run code at request time (`endpoints_*`,
    `utils_*`, `cruds_*`, `dependencies_*`) and on the notification tool itself
    (`notifications.py`); Hyperion calls the tool from its endpoints.

    ## Why is this bad?
    `NotificationTool` defers a notification only when it has all three of `scheduler`,
    `defer_date` and `job_id`; with any of them missing it silently takes the other
    branch and sends the notification *now*, in the background. A reminder meant for the
    day a loan ends then arrives the moment the loan is created, and nothing fails. The
    `job_id` is also what lets the notification be cancelled or replaced later
    (`cancel_notification(scheduler=..., job_id=...)`).

    ## Example
    ```python
    await notification_tool.send_notification_to_users(
        user_ids=[loan.borrower_id],
        message=message,
        defer_date=loan.end,
    )
    ```

    ## Use instead
    ```python
    await notification_tool.send_notification_to_users(
        user_ids=[loan.borrower_id],
        message=message,
        scheduler=scheduler,  # scheduler: Scheduler = Depends(get_scheduler)
        defer_date=loan.end,
        job_id=f"loan_end_{loan.id}",
    )
    ```

    ## Fix safety
    There is no automatic fix: the scheduler must come from the endpoint's dependencies
    and the job id must be chosen so that the job can be found again.

    ## Options
    None.
    """

    code = "HYP093"
    name = "deferred-notification-incomplete"
    message = "`{method}` gets `defer_date=` but no {missing}, so the notification is sent right away and the date is ignored; pass `scheduler=` (from `Depends(get_scheduler)`) and a unique `job_id=` as well"
    # The files that run code at request time (the same as HYP092's): Hyperion calls the
    # notification tool from endpoints today.
    applies_to = (
        "endpoints_*.py",
        "utils_*.py",
        "cruds_*.py",
        "dependencies_*.py",
        "notifications.py",
    )

    VALID = [
        Valid(
            """
            @module.router.post("/demo/items", status_code=201)
            async def create_item(
                scheduler: Scheduler = Depends(get_scheduler),
                notification_tool: NotificationTool = Depends(get_notification_tool),
            ):
                \"\"\"Create an item.\"\"\"
                await notification_tool.send_notification_to_users(
                    user_ids=["a"],
                    message=message,
                    scheduler=scheduler,
                    defer_date=date,
                    job_id="demo_reminder",
                )
            """
        ),
        # Sent at once: no defer_date (or None); keywords in any order; another method.
        Valid(
            """
            async def notify(notification_tool, scheduler, topic_id, date) -> None:
                await notification_tool.send_notification_to_topic(topic_id=topic_id, message=message)
                await notification_tool.send_notification_to_users(user_ids=[], message=m, defer_date=None)
                await notification_tool.send_notification_to_topic(
                    topic_id=topic_id, message=m, defer_date=date, job_id="x", scheduler=scheduler
                )
                await notification_tool.send_notification_to_user(user_id="a", message=m)
                await notification_tool.cancel_notification(scheduler=scheduler, job_id="x")
            """,
            path="app/modules/demo/utils_demo.py",
        ),
        # Positional arguments in the methods' order; unpacked arguments cannot be judged.
        Valid(
            """
            class NotificationTool:
                async def send_notification_to_group(self, group_id, message, scheduler=None, defer_date=None, job_id=None):
                    await self.send_notification_to_users(ids, message, scheduler, defer_date, job_id)
                    await self.send_notification_to_users(ids, message, defer_date=defer_date, **extra)
            """,
            path="app/utils/communication/notifications.py",
        ),
        # A module's dependencies file.
        Valid(
            """
            async def remind(tool: NotificationTool, scheduler: Scheduler) -> None:
                await tool.send_notification_to_group(
                    group_id="g", message=m, scheduler=scheduler, defer_date=d, job_id="j"
                )
            """,
            path="app/modules/demo/dependencies_demo.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.post("/demo/items", status_code=201)
            async def create_item(notification_tool: NotificationTool = Depends(get_notification_tool)):
                \"\"\"Create an item.\"\"\"
                await notification_tool.send_notification_to_users(
                    user_ids=["a"],
                    message=message,
                    defer_date=date,
                )
            """,
            line=4,
            column=11,
            message="`send_notification_to_users` gets `defer_date=` but no `scheduler=` and no `job_id=`, so the notification is sent right away and the date is ignored; pass `scheduler=` (from `Depends(get_scheduler)`) and a unique `job_id=` as well",
        ),
        # The job id is missing.
        Invalid(
            """
            async def notify(notification_tool, scheduler, topic_id, date) -> None:
                await notification_tool.send_notification_to_topic(
                    topic_id=topic_id,
                    message=message,
                    scheduler=scheduler,
                    defer_date=date,
                )
            """,
            line=2,
            column=11,
            path="app/modules/demo/utils_demo.py",
            message="`send_notification_to_topic` gets `defer_date=` but no `job_id=`, so the notification is sent right away and the date is ignored; pass `scheduler=` (from `Depends(get_scheduler)`) and a unique `job_id=` as well",
        ),
        # An explicit None is no scheduler.
        Invalid(
            """
            @core_module.router.post("/demo/test", status_code=204)
            async def send_test(notification_tool=Depends(get_notification_tool)):
                \"\"\"Send a test.\"\"\"
                await notification_tool.send_notification_to_group(
                    group_id="g", message=m, scheduler=None, defer_date=d, job_id="test"
                )
            """,
            line=4,
            column=11,
            path="app/core/demo/endpoints_demo.py",
        ),
        # Positional: the date is the fourth argument, the job id is missing.
        Invalid(
            """
            class NotificationTool:
                async def later(self, ids, message, scheduler, date) -> None:
                    await self.send_notification_to_users(ids, message, scheduler, date)
            """,
            line=3,
            column=15,
            path="app/utils/communication/notifications.py",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _METHODS:
            return
        if any(arg.star for arg in node.args):
            return
        given: dict[str, cst.BaseExpression] = {}
        position = 0
        for arg in node.args:
            if arg.keyword is not None:
                given[arg.keyword.value] = arg.value
            else:
                if position < len(_PARAMETERS):
                    given[_PARAMETERS[position]] = arg.value
                position += 1
        if "defer_date" not in given or is_none(given["defer_date"]):
            return
        missing = [name for name in _NEEDED if name not in given or is_none(given[name])]
        if not missing:
            return
        self.report(
            node,
            method=func.attr.value,
            missing=" and no ".join(f"`{name}=`" for name in missing),
        )
