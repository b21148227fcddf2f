"""Writes of readiness: tasks, checklists stamped onto regions, and the status updates liaisons
send from the field (elections, stages and checklist templates: `services/elections.py`)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from coordination import permissions
from coordination.enums import TaskPriority, TaskStatus
from coordination.models import (
    Agency,
    Checklist,
    ChecklistItem,
    Election,
    ElectionStage,
    Meeting,
    Person,
    ReadinessTask,
    Region,
    TaskUpdate,
)
from coordination.readiness_version import readiness_changed
from coordination.services.files import upload_clean, upload_store_after_commit
from pilkada.common.validation import full_clean_or_raise

TASK_FIELDS = (
    "title",
    "description",
    "category",
    "election",
    "stage",
    "region",
    "agency",
    "due_on",
    "priority",
)


def _check_task(task: ReadinessTask, actor: Person | None) -> None:
    errors: dict[str, list[str]] = {}
    if (
        actor is not None
        and task.region_id
        and not permissions.can_manage_region(actor, task.region_id)
    ):
        errors["region"] = [_("Wilayah ini di luar kewenangan Anda.")]
    if task.stage_id and task.election_id and task.stage.election_id != task.election_id:
        errors["stage"] = [_("Tahapan ini bukan dari pemilihan yang dipilih.")]
    if task.agency_id and not task.agency.is_active:
        errors["agency"] = [_("Lembaga ini tidak aktif.")]
    elif (
        actor is not None and task.agency_id and not permissions.can_view_agency(actor, task.agency)
    ):
        # The same agencies the task form offers: a CSV row may not name any other.
        errors["agency"] = [_("Lembaga ini di luar kewenangan Anda.")]
    full_clean_or_raise(task, errors, exclude=["created_by", "meeting", "checklist_item"])


@transaction.atomic
def task_create(
    *,
    actor: Person | None,
    title: str,
    category: str,
    election: Election,
    region: Region,
    agency: Agency,
    due_on: date,
    description: str = "",
    stage: ElectionStage | None = None,
    priority: str = TaskPriority.NORMAL,
    status: str = TaskStatus.NOT_STARTED,
    progress: int = 0,
    meeting: Meeting | None = None,
    checklist_item: ChecklistItem | None = None,
    created_by: Person | None = None,
) -> ReadinessTask:
    """Create a readiness task. `actor` is checked (KPU staff of the task's region); a system
    write (`actor=None`) may still name the person it acts for in `created_by`, as another app does
    after its own predicate allowed that person (coordination.api)."""
    if actor is not None and not permissions.can_create_task(actor):
        raise PermissionDenied(_("Hanya staf KPU yang dapat membuat tugas."))
    task = ReadinessTask(
        title=title.strip(),
        description=description.strip(),
        category=category,
        election=election,
        stage=stage,
        region=region,
        agency=agency,
        due_on=due_on,
        priority=priority,
        status=status,
        progress=100 if status == TaskStatus.DONE else progress,
        meeting=meeting,
        checklist_item=checklist_item,
        created_by=actor if actor is not None else created_by,
    )
    _check_task(task, actor)
    task.save()
    return task


@transaction.atomic
def task_update(*, actor: Person | None, task: ReadinessTask, **fields) -> ReadinessTask:
    """Change what a task is (not its status: that goes through `task_status_update`)."""
    if actor is not None and not permissions.can_manage_task(actor, task):
        raise PermissionDenied(_("Tugas ini di luar kewenangan Anda."))
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise TypeError(f"task_update() got unexpected fields {sorted(unknown)}")
    for key, value in fields.items():
        setattr(task, key, value.strip() if isinstance(value, str) else value)
    _check_task(task, actor)
    task.save(update_fields=[*fields, "updated_at"])
    return task


@transaction.atomic
def task_status_update(
    *,
    actor: Person,
    task: ReadinessTask,
    status: str,
    progress: int | None = None,
    note: str = "",
    evidence_file: UploadedFile | None = None,
    evidence_url: str = "",
) -> TaskUpdate:
    """Append a status update to the task's history and make it the task's current state.

    The task row is locked for the length of the transaction, so two people updating at the same
    moment are serialised: the second sees the first one's status as its "from", both entries land
    in the history, and the task shows the last one. Nothing is lost.
    """
    if not permissions.can_update_task(actor, task):
        raise PermissionDenied(_("Anda tidak dapat memperbarui tugas ini."))
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Pilih status yang tersedia.")})
    locked = ReadinessTask.objects.select_for_update().get(pk=task.pk)
    if progress is None:
        progress = locked.progress
    if status == TaskStatus.DONE:
        progress = 100
    errors: dict[str, list[str]] = {}
    if not 0 <= progress <= 100:
        errors["progress"] = [_("Kemajuan antara 0 dan 100 persen.")]
    if status in (TaskStatus.AT_RISK, TaskStatus.BLOCKED) and not note.strip():
        errors["note"] = [_("Jelaskan singkat apa risikonya atau hambatannya.")]
    entry = TaskUpdate(
        task=locked,
        author=actor,
        from_status=locked.status,
        to_status=status,
        from_progress=locked.progress,
        to_progress=progress,
        note=note.strip(),
        evidence_url=evidence_url.strip(),
    )
    clean = None
    if evidence_file is not None:
        try:
            clean = upload_clean(upload=evidence_file)
        except ValidationError as exc:
            errors["evidence_file"] = exc.messages
    full_clean_or_raise(entry, errors, exclude=["task", "author", "evidence_file"])
    if clean is not None:
        entry.evidence_name = clean.name[-255:]
        upload_store_after_commit(
            instance=entry,
            field_name="evidence_file",
            upload=clean.file,
            drop_row_on_failure=False,
        )
    entry.save()
    locked.status = status
    locked.progress = progress
    locked.save(update_fields=["status", "progress", "updated_at"])
    task.status, task.progress = status, progress
    return entry


@dataclass
class StampResult:
    created: int = 0
    skipped: int = 0
    missing: list[str] = field(default_factory=list)


@transaction.atomic
def checklist_stamp(
    *, actor: Person | None, checklist: Checklist, regions: Iterable[Region]
) -> StampResult:
    """Create the checklist's tasks in each region, for the region's agency of each item's kind.

    Stamping again adds only what is missing; regions without an agency of the needed kind are
    reported, not guessed.
    """
    regions = list(regions)
    if actor is not None:
        outside = [r for r in regions if not permissions.can_manage_region(actor, r)]
        if outside:
            raise PermissionDenied(
                _("Wilayah %(name)s di luar kewenangan Anda.") % {"name": outside[0].name}
            )
    items = list(checklist.items.select_related("stage"))
    agencies: dict[tuple[str, str], Agency] = {}
    for agency in Agency.objects.filter(
        region__in=regions, kind__in={i.agency_kind for i in items}, is_active=True
    ).order_by("region_id", "kind", "pk"):
        agencies.setdefault((agency.region_id, agency.kind), agency)
    existing = set(
        ReadinessTask.objects.filter(checklist_item__in=items, region__in=regions).values_list(
            "checklist_item_id", "region_id"
        )
    )
    election = checklist.election
    result = StampResult()
    new_tasks = []
    for region in regions:
        for item in items:
            if (item.pk, region.pk) in existing:
                result.skipped += 1
                continue
            agency = agencies.get((region.pk, item.agency_kind))
            if agency is None:
                result.missing.append(f"{region.name}: {item.get_agency_kind_display()}")
                continue
            new_tasks.append(
                ReadinessTask(
                    title=item.title,
                    description=item.description,
                    category=item.category,
                    election=election,
                    stage=item.stage,
                    region=region,
                    agency=agency,
                    due_on=election.voting_day - timedelta(days=item.days_before_voting),
                    priority=item.priority,
                    checklist_item=item,
                    created_by=actor,
                )
            )
    ReadinessTask.objects.bulk_create(new_tasks, batch_size=1000)
    if new_tasks:
        readiness_changed()  # bulk_create sends no post_save (see coordination.signals)
    result.created = len(new_tasks)
    return result


@transaction.atomic
def action_items_create(
    *, actor: Person | None, meeting: Meeting, election: Election, items: Iterable[dict]
) -> list[ReadinessTask]:
    """Turn the action items of a meeting's minutes into readiness tasks linked to it."""
    if actor is not None and not permissions.can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("Rapat ini di luar kewenangan Anda."))
    with transaction.atomic():
        return [
            task_create(
                actor=actor,
                election=election,
                region=item.pop("region", None) or meeting.region,
                meeting=meeting,
                **item,
            )
            for item in items
        ]
