import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.knowledge.matchers.syntax import positional_args

# The parameters of Scheduler.queue_job_defer_to (app/types/scheduler.py), in order;
# every other keyword goes to the job function through **kwargs.
_PARAMETERS = ("job_function", "job_id", "defer_date")
_BY_KEYWORD = frozenset({"job_id", "defer_date"})


class SchedulerPositionalArgs(Rule):
    """
    ## What it does
    Checks that `scheduler.queue_job_defer_to(...)` receives `job_id` and `defer_date` by
    keyword. The job function may stay positional, as Hyperion writes it. The rule checks
    the module files that run at request time (`endpoints_*`, `utils_*`, `cruds_*`,
    `dependencies_*`) and `notifications.py`, Hyperion's notification tool, which is where
    Hyperion schedules its jobs today. A call that unpacks `*args` or `**kwargs` cannot be
    judged.

    ## Why is this bad?
    `queue_job_defer_to(job_function, job_id, defer_date, **kwargs)` forwards only its
    keyword arguments to the job. Positional arguments after the function are not the
    job's arguments: they silently become the job id and the date. A call written
    `queue_job_defer_to(send, user_ids, message, ...)` therefore schedules a job whose id
    is the list of users; and `job_id` (a string) and `defer_date` (a datetime) swapped
    are not caught until the job runs, or never runs. By keyword, the call says which
    value is the id, which is the date and which go to the job.

    ## Example
    ```python
    await scheduler.queue_job_defer_to(
        send_reminder,
        f"reminder_{event.id}",
        event.start - timedelta(hours=1),
        event_id=event.id,
    )
    ```

    ## Use instead
    ```python
    await scheduler.queue_job_defer_to(
        send_reminder,
        job_id=f"reminder_{event.id}",
        defer_date=event.start - timedelta(hours=1),
        event_id=event.id,
    )
    ```

    ## Fix safety
    The fix names the positional arguments with the parameters they are already bound
    to, so the call does exactly what it did before: it is safe. The finding covers the
    whole call, since the fix may name two arguments at once.

    ## Options
    None.
    """

    code = "HYP092"
    name = "scheduler-positional-args"
    message = "`queue_job_defer_to` receives {names} positionally; pass {keywords} by keyword: arguments after the job function are not given to the job, they become its id and date"
    fix_title = "Pass {keywords} by keyword"
    fix_safety = Applicability.SAFE
    # Module files that run code at request time, and the notification tool
    # (app/utils/communication/notifications.py), Hyperion's one caller today.
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
            async def plan(scheduler: Scheduler, event_id: str, date: datetime) -> None:
                await scheduler.queue_job_defer_to(
                    send_reminder,
                    job_id=f"reminder_{event_id}",
                    defer_date=date,
                    event_id=event_id,
                )
            """,
            path="app/modules/demo/utils_demo.py",
        ),
        # Everything by keyword, in another order; unpacked arguments cannot be judged.
        Valid(
            """
            async def plan(scheduler, args, options) -> None:
                await scheduler.queue_job_defer_to(defer_date=date, job_id="x", job_function=send)
                await scheduler.queue_job_defer_to(*args)
                await scheduler.queue_job_defer_to(send, **options)
            """,
            path="app/modules/demo/endpoints_demo.py",
        ),
        # Other methods and functions of the same shape.
        Valid(
            """
            async def plan(scheduler) -> None:
                await scheduler.cancel_job("reminder")
                await queue_job("reminder", send, date)
            """,
            path="app/utils/communication/notifications.py",
        ),
    ]
    INVALID = [
        Invalid(
            """
            async def plan(scheduler: Scheduler, event_id: str, date: datetime) -> None:
                await scheduler.queue_job_defer_to(send_reminder, f"reminder_{event_id}", date, event_id=event_id)
            """,
            line=2,
            column=11,
            path="app/modules/demo/utils_demo.py",
            message="`queue_job_defer_to` receives `job_id` and `defer_date` positionally; pass `job_id=` and `defer_date=` by keyword: arguments after the job function are not given to the job, they become its id and date",
            fixed="""
            async def plan(scheduler: Scheduler, event_id: str, date: datetime) -> None:
                await scheduler.queue_job_defer_to(send_reminder, job_id=f"reminder_{event_id}", defer_date=date, event_id=event_id)
            """,
        ),
        Invalid(
            """
            @module.router.post("/demo/events", status_code=201)
            async def create_event(scheduler: Scheduler = Depends(get_scheduler)):
                \"\"\"Create an event.\"\"\"
                await scheduler.queue_job_defer_to(
                    send_reminder,
                    "reminder",
                    defer_date=date,
                )
            """,
            line=4,
            column=11,
            path="app/modules/demo/endpoints_demo.py",
            message="`queue_job_defer_to` receives `job_id` positionally; pass `job_id=` by keyword: arguments after the job function are not given to the job, they become its id and date",
            fixed="""
            @module.router.post("/demo/events", status_code=201)
            async def create_event(scheduler: Scheduler = Depends(get_scheduler)):
                \"\"\"Create an event.\"\"\"
                await scheduler.queue_job_defer_to(
                    send_reminder,
                    job_id="reminder",
                    defer_date=date,
                )
            """,
        ),
        # job_function by keyword: the first positional argument is the id.
        Invalid(
            """
            class Notifier:
                async def later(self, date) -> None:
                    await self.scheduler.queue_job_defer_to("reminder", date, job_function=send)
            """,
            line=3,
            column=15,
            path="app/utils/communication/notifications.py",
            fixed="""
            class Notifier:
                async def later(self, date) -> None:
                    await self.scheduler.queue_job_defer_to(job_id="reminder", defer_date=date, job_function=send)
            """,
        ),
        # The user ids meant for the job become the job id: one positional argument too many, no fix.
        Invalid(
            """
            def plan(scheduler) -> None:
                scheduler.queue_job_defer_to(send, user_ids, message, "reminder", date)
            """,
            line=2,
            column=5,
            path="app/modules/demo/cruds_demo.py",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "queue_job_defer_to":
            return
        if any(arg.star for arg in node.args):
            return
        keywords = {arg.keyword.value for arg in node.args if arg.keyword is not None}
        order = [name for name in _PARAMETERS if name not in keywords]
        positional = positional_args(node)
        offending = {
            id(arg): name
            for arg, name in zip(positional, order)
            if name in _BY_KEYWORD
        }
        if not offending:
            return
        names = [f"`{name}`" for name in offending.values()]
        replacement = None
        if len(positional) <= len(order):
            args = [
                arg.with_changes(
                    keyword=cst.Name(offending[id(arg)]),
                    equal=cst.AssignEqual(
                        whitespace_before=cst.SimpleWhitespace(""),
                        whitespace_after=cst.SimpleWhitespace(""),
                    ),
                )
                if id(arg) in offending
                else arg
                for arg in node.args
            ]
            replacement = node.with_changes(args=args)
        self.report(
            node,
            replacement=replacement,
            names=" and ".join(names),
            keywords=" and ".join(f"`{name}=`" for name in offending.values()),
        )
