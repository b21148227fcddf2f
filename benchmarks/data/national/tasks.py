"""Readiness tasks and their status updates (500,000 and 2,000,000 at scale 1.0), via COPY."""

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import connection

from benchmarks.data.copy import bulk_load, copy_model, reset_sequence
from benchmarks.data.national.constants import FINAL_STATUSES, NOTES, TASK_TITLES, UPDATES_PER_TASK
from benchmarks.data.national.regions import weighted_choice
from coordination.enums import TaskCategory, TaskPriority, TaskStatus
from coordination.models import ReadinessTask, TaskUpdate


class TaskSteps:
    """Steps of `Generator` (see generator.py) that make tasks and their history."""

    def make_tasks(self) -> None:
        rng = self.rng("tasks")
        categories = list(TaskCategory)
        priorities = [(TaskPriority.LOW, 15), (TaskPriority.NORMAL, 55)]
        priorities += [(TaskPriority.HIGH, 22), (TaskPriority.URGENT, 8)]
        # What make_task_updates needs per task: (final status, final progress, agency, created).
        self._task_facts: list[tuple[str, int, int, datetime]] = []

        def rows() -> Iterator[tuple]:
            for task_id in range(1, self.targets.tasks + 1):
                place = self._place(rng, 0.1)
                region = place
                if len(place) == 5 and rng.random() < 0.45 and self.regions.districts_of[place]:
                    region = rng.choice(self.regions.districts_of[place])
                agency = rng.choice(self.agencies_of[place])
                category = rng.choice(categories)
                stage_id, stage_start, stage_end = rng.choice(self.stage_ids)
                due = stage_start + timedelta(days=rng.randint(0, (stage_end - stage_start).days))
                status = weighted_choice(rng, FINAL_STATUSES)
                progress = {
                    TaskStatus.NOT_STARTED: 0,
                    TaskStatus.DONE: 100,
                }.get(status) or rng.randrange(10, 95, 5)
                meetings = self.meetings_of.get(place)
                meeting = rng.choice(meetings) if meetings and rng.random() < 0.08 else None
                created = self.at(stage_start - timedelta(days=rng.randint(10, 60)), 2)
                self._task_facts.append((status, progress, agency, created))
                yield (
                    task_id,
                    f"{rng.choice(TASK_TITLES[category])} — {self.regions.name[place]}"[:200],
                    "",
                    category,
                    self.election_id,
                    stage_id,
                    region,
                    agency,
                    due,
                    weighted_choice(rng, priorities),
                    status,
                    progress,
                    meeting,
                    None,
                    self.staff_of[place],
                    created,
                    created,
                )

        with bulk_load(ReadinessTask):
            count = copy_model(
                ReadinessTask,
                [
                    "id",
                    "title",
                    "description",
                    "category",
                    "election_id",
                    "stage_id",
                    "region_id",
                    "agency_id",
                    "due_on",
                    "priority",
                    "status",
                    "progress",
                    "meeting_id",
                    "checklist_item_id",
                    "created_by_id",
                    "created_at",
                    "updated_at",
                ],
                rows(),
            )
        reset_sequence(ReadinessTask)
        self.result.counts["tasks"] = count

    def make_task_updates(self) -> None:
        """A history per task that ends in the task's status; pairs of tasks share 2 x 4 rows."""
        rng = self.rng("task_updates")
        facts = self._task_facts
        latest: dict[int, datetime] = {}

        def rows() -> Iterator[tuple]:
            update_id = 0
            for index in range(0, len(facts), 2):
                spread = rng.randint(0, UPDATES_PER_TASK - 1)
                for offset, length in (
                    (0, UPDATES_PER_TASK + spread),
                    (1, UPDATES_PER_TASK - spread),
                ):
                    status, progress, agency, created = facts[index + offset]
                    task_id = index + offset + 1
                    author = self.liaison_of[agency]
                    path = self._status_path(rng, status, length)
                    previous, previous_progress = TaskStatus.NOT_STARTED, 0
                    moment = created
                    for step, next_status in enumerate(path, start=1):
                        next_progress = (
                            progress
                            if step == length
                            else max(previous_progress, progress * step // length)
                        )
                        moment = moment + timedelta(hours=rng.randint(6, 240))
                        update_id += 1
                        yield (
                            update_id,
                            task_id,
                            author,
                            moment,
                            previous,
                            next_status,
                            previous_progress,
                            next_progress,
                            rng.choice(NOTES),
                            "",
                            "",
                            "",
                        )
                        previous, previous_progress = next_status, next_progress
                    latest[task_id] = moment

        with bulk_load(TaskUpdate):
            count = copy_model(
                TaskUpdate,
                [
                    "id",
                    "task_id",
                    "author_id",
                    "created_at",
                    "from_status",
                    "to_status",
                    "from_progress",
                    "to_progress",
                    "note",
                    "evidence_file",
                    "evidence_name",
                    "evidence_url",
                ],
                rows(),
            )
        reset_sequence(TaskUpdate)
        # A task's updated_at is its last change.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE coordination_readinesstask t SET updated_at = u.last "
                "FROM (SELECT task_id, MAX(created_at) AS last FROM coordination_taskupdate "
                "GROUP BY task_id) u WHERE u.task_id = t.id"
            )
        self.result.counts["task_updates"] = count
        del self._task_facts

    @staticmethod
    def _status_path(rng: random.Random, final: str, length: int) -> list[str]:
        """`length` statuses that a task plausibly went through, the last being `final`."""
        middle = [TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS, TaskStatus.AT_RISK]
        middle += [TaskStatus.BLOCKED]
        path = [rng.choice(middle) for _ in range(length - 1)] + [final]
        return path
