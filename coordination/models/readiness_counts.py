"""Readiness counters: how many tasks there are per (election, regency, agency, category, status,
overdue), kept by the database itself.

The dashboards count tasks by region, category, agency and status; at national scale that is half
a million rows per view. These tables hold the same counts, ready: a trigger on the task table
(migration `0008_readiness_counters`) adds +1/-1 in the same statement as every insert, update and
delete of a task, whoever makes it (the services, the checklist stamp's bulk insert, imports, the
admin, a `QuerySet.update()`, COPY), so the counts can never miss a write and commit or roll back
with it. `coordination.readiness_counts` reads, rebuilds and checks them.

"Overdue" (not done, due before today) changes with the calendar rather than with a write: the
rows say overdue as of `ReadinessCountState.as_of`, and the daily roll-over moves the tasks that
fell due since then (a few thousand rows at most) from `past_due=False` to `past_due=True`. Until it
has run for today, readers count from the tasks as before.

No foreign-key constraints: the rows are derived data, written by the trigger only.
"""

from django.db import models


class ReadinessCount(models.Model):
    """Tasks per election, regency (or province, for province-level tasks), agency, category,
    status and overdue flag: the province dashboard and the agency scorecards."""

    election = models.ForeignKey(
        "coordination.Election", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # The regency code (`35.01`) of a task at regency level or below; the province code (`35`)
    # for a province-level task. A province's rows are those whose code starts with its code.
    region_code = models.CharField(max_length=13)
    agency = models.ForeignKey(
        "coordination.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    category = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    past_due = models.BooleanField()
    tasks = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "region_code", "agency", "category", "status", "past_due"],
                name="readiness_count_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_code"],
                opclasses=["varchar_pattern_ops"],
                include=["election", "agency", "category", "status", "past_due", "tasks"],
                name="readiness_count_region_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.category} {self.status}: {self.tasks}"


class ReadinessProvinceCount(models.Model):
    """Tasks per election, province, category, status and overdue flag: the national summary
    (at most 38 x 8 x 5 x 2 rows per election, whatever the number of tasks)."""

    election = models.ForeignKey(
        "coordination.Election", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    province_code = models.CharField(max_length=2)
    category = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    past_due = models.BooleanField()
    tasks = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "province_code", "category", "status", "past_due"],
                name="readiness_province_count_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.category} {self.status}: {self.tasks}"


class ReadinessCountState(models.Model):
    """One row: the day the counters' overdue flags are computed for."""

    as_of = models.DateField()

    def __str__(self) -> str:
        return str(self.as_of)
