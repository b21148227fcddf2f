"""Reads of readiness: the task lists each role sees and the history feed; the filters the
dashboard (`selectors/dashboard.py`) shares with them.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from coordination import permissions
from coordination.enums import TaskStatus
from coordination.models import (
    Election,
    ReadinessTask,
    TaskUpdate,
)


@dataclass
class TaskFilters:
    region: str = ""
    agency: int | None = None
    agency_kind: str = ""
    category: str = ""
    status: str = ""
    stage: int | None = None
    election: int | None = None
    overdue: bool = False
    # Overdue, at risk or blocked: what the daily digest calls "needs attention".
    attention: bool = False
    q: str = ""


def active_election() -> Election | None:
    """The active election whose voting day is nearest from today (the future first)."""
    today = timezone.localdate()
    upcoming = Election.objects.filter(is_active=True, voting_day__gte=today).order_by("voting_day")
    return (
        upcoming.first() or Election.objects.filter(is_active=True).order_by("-voting_day").first()
    )


def tasks_visible_to(*, user) -> QuerySet[ReadinessTask]:
    """KPU staff see the tasks of their regions; every member sees their agencies' tasks."""
    access = permissions.access_for(user)
    qs = ReadinessTask.objects.all()
    if access.is_superuser:
        return qs
    return qs.filter(
        permissions.subtree_q(access.staff_region_codes) | Q(agency_id__in=access.agency_ids)
    )


def _urgency() -> Case:
    today = timezone.localdate()
    return Case(
        When(status=TaskStatus.DONE, then=Value(4)),
        When(due_on__lt=today, then=Value(0)),
        When(status=TaskStatus.BLOCKED, then=Value(1)),
        When(status=TaskStatus.AT_RISK, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


ATTENTION_STATUSES = (TaskStatus.AT_RISK, TaskStatus.BLOCKED)


def attention_q(today: date) -> Q:
    """Tasks that need attention: at risk or blocked, or past their due date and not done."""
    return Q(status__in=ATTENTION_STATUSES) | (Q(due_on__lt=today) & ~Q(status=TaskStatus.DONE))


def apply_task_filters(qs: QuerySet[ReadinessTask], filters: TaskFilters) -> QuerySet:
    if filters.region:
        qs = qs.filter(permissions.subtree_q([filters.region]))
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    if filters.agency_kind:
        qs = qs.filter(agency__kind=filters.agency_kind)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.stage:
        qs = qs.filter(stage_id=filters.stage)
    if filters.election:
        qs = qs.filter(election_id=filters.election)
    if filters.overdue:
        qs = qs.filter(due_on__lt=timezone.localdate()).exclude(status=TaskStatus.DONE)
    if filters.attention:
        qs = qs.filter(attention_q(timezone.localdate()))
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    return qs


def tasks_filtered(*, user, filters: TaskFilters) -> QuerySet[ReadinessTask]:
    """Overdue first, then blocked, at risk, the rest by due date; done last."""
    qs = apply_task_filters(tasks_visible_to(user=user), filters)
    return (
        qs.select_related("region", "agency", "stage")
        .annotate(urgency=_urgency())
        .order_by("urgency", "due_on", "pk")
    )


def task_for_detail(*, pk: int) -> ReadinessTask | None:
    return (
        ReadinessTask.objects.select_related(
            "region", "agency", "stage", "election", "meeting", "created_by"
        )
        .filter(pk=pk)
        .first()
    )


def task_history(*, task: ReadinessTask) -> QuerySet[TaskUpdate]:
    return task.updates.select_related("author").order_by("-created_at", "-pk")


def updates_feed(*, user, filters: TaskFilters) -> QuerySet[TaskUpdate]:
    """Recent status updates across agencies in the staff member's regions."""
    access = permissions.access_for(user)
    qs = TaskUpdate.objects.select_related(
        "author", "task", "task__region", "task__agency"
    ).order_by("-created_at", "-pk")
    if not access.is_superuser:
        scoped = ReadinessTask.objects.filter(permissions.subtree_q(access.staff_region_codes))
        qs = qs.filter(task__in=scoped.values("pk"))
    if filters.region:
        scoped = ReadinessTask.objects.filter(permissions.subtree_q([filters.region]))
        qs = qs.filter(task__in=scoped.values("pk"))
    if filters.agency:
        qs = qs.filter(task__agency_id=filters.agency)
    if filters.agency_kind:
        qs = qs.filter(task__agency__kind=filters.agency_kind)
    if filters.category:
        qs = qs.filter(task__category=filters.category)
    if filters.status:
        qs = qs.filter(to_status=filters.status)
    return qs
